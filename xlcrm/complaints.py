"""The complaint log: register, the seven steps, deadlines, escalation, Haier's three rates.

Sources: the register form and seven-step procedure of seed 003 (record -> contact at
once -> analyse -> report for approval and reply -> customer signs -> carry out -> follow
up until satisfied; "reply the same day"), faster handling for VIPs (001), and Haier's
three controls, complaint, omission and dissatisfaction rates (000). DOMAIN.md 6-7.

Rules, decided here and documented for users in docs/complaints.md:
- A complaint is in the log when its received date is on or before the as-of date (or
  missing: it is still listed, without deadlines). Complaints received after the as-of
  date are left out, as orders after it are.
- Status is the furthest step whose field is filled in: recorded (the row) -> contacted
  (首次答复日期) -> proposed (处理方案) -> approved (审批, not 不同意) -> confirmed (客户确认,
  not 未确认) -> carried out (执行情况, not 未执行/执行中) -> closed (结案日期) -> followed up
  (客户满意度 answered, or 回访日期 on or before the as-of date). Next Action names the
  next step, or an earlier step that was skipped.
- First response due: the same day for tiers in ``response_same_day_tiers`` (Key,
  Major) and for severe complaints, else by the next working day (WorkCalendar: weekends,
  statutory holidays and make-up days). "Same day" is the calendar day received, even a
  day off (VIPs get exceptional handling, 001); "next working day" is the first working
  day after the day received. The due day itself is on time.
- Overdue (Yes/No): the first response came after its due day, or has not come and the
  due day is before the as-of date. Nothing else makes a complaint overdue.
- Resolution due: received + ``resolution_days`` calendar days (a note, not a flag).
- Escalation of an open complaint: Director for a Key customer, a repeat complainer
  (``repeat_complaints`` or more complaints received in the 12 months to the as-of date)
  or a complaint open more than ``escalate_open_days`` days; else Manager when overdue.
  A closed complaint is escalated only when the follow-up answer is dissatisfied
  (follow up until satisfied, 003), by the same Director rules, else to a Manager.
- "The 12 months to the as-of date" are the days after (as-of minus one year) up to and
  including the as-of date.
- Rates (values in [0, 1], NaN when the denominator is 0):
  Complaint Rate = complaints received in the 12 months / orders in those 12 months
  (an order is a distinct order ID where there is one, else a row);
  Omission Rate = complaints in the log with no handler, or with no first response
  although its due day is before the as-of date / complaints in the log;
  Dissatisfaction Rate = closed complaints (结案日期 filled) whose answer is somewhat or
  very dissatisfied (or 1-2 of 5) / closed complaints with an answer.
User text is passed through untouched (a value beginning with = + - @ stays text).
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from functools import lru_cache
from typing import Any

import pandas as pd

from xlcrm import i18n
from xlcrm.complaint_register import (
    CATEGORIES,
    REGISTER_TEMPLATE,
    SEVERITIES,
    _col,
    _date,
    _done,
    _fmt,
    _missing,
    _unassigned,
    category_code,
    register_issues,
    register_template,
    severity_code,
)
from xlcrm.i18n import t
from xlcrm.model import Column, Frames, Lang
from xlcrm.satisfaction import DISSATISFIED, level_label, satisfaction_index, satisfaction_level
from xlcrm.settings import Settings
from xlcrm.workdays import WorkCalendar

__all__ = ["act_order", "REGISTER_TEMPLATE", "COMPLAINT_COLUMNS", "PARETO_COLUMNS", "REPEAT_COLUMNS",
           "CATEGORIES", "SEVERITIES", "STEPS", "register_template", "track", "metrics", "pareto",
           "repeat_complainers", "customer_signals", "register_issues", "response_due", "category_code",
           "severity_code", "satisfaction_index", "satisfaction_level"]

log = logging.getLogger(__name__)

# The seven steps of 003 as states reached (closing and follow-up are separate states).
STEPS: list[tuple[str, str, str]] = [  # (code, en, zh)
    ("Recorded", "Recorded", "已登记"),
    ("Contacted", "Contacted", "已联系客户"),
    ("Proposed", "Analysed, proposal made", "已分析并提出方案"),
    ("Approved", "Approved", "已审批"),
    ("Confirmed", "Confirmed by customer", "客户已确认"),
    ("Carried out", "Carried out", "已执行"),
    ("Closed", "Closed", "已结案"),
    ("Followed up", "Followed up", "已回访"),
]
# What to do to reach step i (i = 1..7), and the field that records it.
_NEXT: list[tuple[str, str]] = [
    ("", ""),
    ("Contact the customer and enter the first response date (due {due})",
     "立即联系客户并填写首次答复日期（期限 {due}）"),
    ("Analyse the problem and write a proposal", "分析问题并提出处理方案"),
    ("Report the proposal to a manager for approval", "将处理方案报领导审批"),
    ("Reply to the customer and have the settlement confirmed", "答复客户并请客户确认签字"),
    ("Carry out the settlement (warehouse, delivery, gifts)", "执行处理方案（通知仓库、发货等）"),
    ("Close the complaint and enter the closing date", "结案并填写结案日期"),
    ("Follow up with the customer and record satisfaction", "回访客户并记录满意度"),
]
_FIELD_NAMES = ["", ("first response date", "首次答复日期"), ("solution", "处理方案"),
                ("approval", "审批"), ("customer confirmation", "客户确认"), ("execution", "执行情况"),
                ("closing date", "结案日期"), ("follow-up", "回访")]

COMPLAINT_COLUMNS: list[Column] = [
    # Act-first (issue 14): which complaint, whose, late now?, what to do, by when, who does it.
    Column("complaint_id", "Complaint ID", "投诉编号", "text", width=14),
    Column("customer", "Customer", "客户名称", "text", width=20),
    Column("overdue_now", "Overdue Now", "当前逾期", "text", style="flag", coded=True),
    Column("next_action", "Next Action", "下一步", "text", width=40),
    Column("response_due", "Response Due", "答复期限", "date"),
    Column("resolution_due", "Resolution Due", "结案期限", "date"),
    Column("handler", "Handler", "处理人", "text"),
    Column("severity", "Severity", "严重程度", "text"),
    Column("category", "Category", "投诉类别", "text"),
    Column("days_open", "Days Open", "已处理天数", "int"),
    # Where it stands and why.
    Column("status", "Status", "处理状态", "text", width=16),
    Column("escalation", "Escalation", "升级", "text", width=40),
    Column("notes", "Notes", "说明", "text", width=50),
    # The record.
    Column("received", "Received", "受理日期", "date"),
    Column("responded", "Responded", "首次答复", "date"),
    Column("overdue", "Response Overdue", "答复逾期", "text", style="flag", coded=True),
    Column("customer_id", "Customer ID", "客户编号", "text", width=12),
    Column("tier", "Tier", "客户等级", "text", coded=True),
    Column("closed", "Closed", "结案日期", "date"),
    Column("satisfaction", "Satisfaction", "满意度", "text"),
    Column("satisfaction_index", "Satisfaction Index", "满意度指数", "number"),
]

PARETO_COLUMNS: list[Column] = [
    Column("category", "Category", "投诉类别", "text"),
    Column("count", "Complaints", "投诉数", "int"),
    Column("share", "Share", "占比", "pct", style="bar"),
    Column("cumulative", "Cumulative Share", "累计占比", "pct"),
]

REPEAT_COLUMNS: list[Column] = [
    Column("customer_id", "Customer ID", "客户编号", "text"),
    Column("customer", "Customer", "客户名称", "text", width=20),
    Column("tier", "Tier", "客户等级", "text", coded=True),
    Column("complaints", "Complaints (12 months)", "投诉次数(12个月)", "int"),
    Column("open", "Open", "未结案", "int"),
    Column("overdue", "Overdue", "逾期", "int"),
    Column("last_received", "Last Complaint", "最近投诉", "date"),
    Column("categories", "Categories", "投诉类别", "text", width=30),
    Column("why", "Why", "原因", "text", width=40),
]

def _tier_code(value: Any) -> str | None:
    if _missing(value):
        return None
    return str(i18n.code(value))


@lru_cache(maxsize=32)
def _year_before(asof: dt.date) -> dt.date:
    return (pd.Timestamp(asof) - pd.DateOffset(years=1)).date()


def _in_window(day: dt.date | None, asof: dt.date) -> bool:
    return day is not None and _year_before(asof) < day <= asof


# ---------------------------------------------------------------- deadlines
def _same_day_tiers(settings: Settings) -> set[str]:
    return {str(i18n.code(x)) for x in (settings.response_same_day_tiers or [])}


def response_due(received: Any, tier: Any, severity: Any, *, settings: Settings | None = None,
                 calendar: WorkCalendar | None = None) -> dt.date:
    """The day the first response is due (that day itself is on time).

    ``received`` itself for the tiers in ``settings.response_same_day_tiers`` and for
    severe complaints (even on a day off: VIPs get exceptional handling, 001), else the
    first working day after ``received``.
    """
    settings = settings or Settings()
    calendar = calendar or WorkCalendar.from_settings(settings)
    day = _date(received)
    if day is None:
        raise ValueError(f"received date {received!r} is not a date — enter the day the complaint came in")
    if _tier_code(tier) in _same_day_tiers(settings) or severity_code(severity) == "Severe":
        return day
    return calendar.next_workday(day, include=False)


# ---------------------------------------------------------------- tracking
def _customer_lookup(customers: pd.DataFrame | None) -> dict[str, dict[str, Any]]:
    if customers is None or len(customers) == 0:
        return {}
    frame = customers
    if "customer_key" in frame.columns:
        frame = frame.set_index("customer_key")
    cols = [c for c in ("customer_id", "customer", "tier") if c in frame.columns]
    out: dict[str, dict[str, Any]] = {}
    for key, row in zip(frame.index.tolist(), frame[cols].to_dict("records")):
        out.setdefault(str(key), row)
    return out


def _repeat_counts(keys: list[Any], received: list[dt.date | None], asof: dt.date) -> dict[str, int]:
    counts: dict[str, int] = {}
    for key, day in zip(keys, received):
        if not _missing(key) and _in_window(day, asof):
            counts[str(key)] = counts.get(str(key), 0) + 1
    return counts


def _step(row: dict[str, Any], asof: dt.date) -> tuple[list[bool], str | None]:
    level = satisfaction_level(row["satisfaction"])
    follow = _date(row["followup_date"])
    filled = [
        True,
        _date(row["first_response"]) is not None,
        _done(row["solution"]),
        _done(row["approval"]),
        _done(row["customer_confirm"]),
        _done(row["execution"]),
        _date(row["closed"]) is not None,
        level is not None or (follow is not None and follow <= asof),
    ]
    return filled, level


def track(frames: Frames, customers: pd.DataFrame | None, settings: Settings | None, asof: dt.date,
          lang: Lang) -> pd.DataFrame:
    """One row per complaint in the log (received on or before ``asof``, or undated), in
    register order.

    Columns: those of ``COMPLAINT_COLUMNS`` (user text as typed; category, severity,
    satisfaction, status, next action, escalation and notes in ``lang``; overdue "Yes"/"No"
    and tier as codes; dates datetime64) plus customer_key, status_code (``STEPS`` code),
    satisfaction_code (``satisfaction.LEVELS`` code), step (0-7), escalation_level ("",
    "Manager", "Director"), is_open, is_overdue, is_omission, no_handler, is_dissatisfied,
    is_repeat (bool), days_to_response (float), source_sheet, source_row.
    """
    settings = settings or Settings()
    calendar = WorkCalendar.from_settings(settings)
    raw = frames.complaints
    keys = [c.key for c in COMPLAINT_COLUMNS] + [
        "customer_key", "status_code", "satisfaction_code", "step", "escalation_level", "is_open", "is_overdue",
        "is_overdue_now", "is_omission", "no_handler", "is_dissatisfied", "is_repeat", "followed_up", "followup_date",
        "days_to_response", "source_sheet", "source_row"]
    if raw is None or len(raw) == 0:
        return _typed(pd.DataFrame({k: [] for k in keys}))
    fields = ["complaint_id", "received", "customer_key", "customer_id", "customer_name", "category",
              "severity", "handler", "first_response", "solution", "approval", "customer_confirm",
              "execution", "closed", "satisfaction", "followup_date", "expectation", "perception",
              "source_sheet", "source_row"]
    rows = [dict(zip(fields, values)) for values in zip(*(_col(raw, f) for f in fields))]
    lookup = _customer_lookup(customers)
    received_days = [_date(r["received"]) for r in rows]
    repeat = _repeat_counts([r["customer_key"] for r in rows], received_days, asof)
    same_day = _same_day_tiers(settings)
    out = []
    for row, received in zip(rows, received_days):
        if received is not None and received > asof:
            continue
        out.append(_track_one(row, received, lookup, repeat, same_day, settings, calendar, asof, lang))
    if len(out) < len(rows):
        log.info("complaints: %d received after %s left out", len(rows) - len(out), asof)
    return _typed(pd.DataFrame(out, columns=keys))


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    for key in ("received", "response_due", "responded", "resolution_due", "closed", "followup_date"):
        frame[key] = pd.to_datetime(frame[key]).astype("datetime64[ns]")
    for key in ("days_open", "days_to_response", "satisfaction_index"):
        frame[key] = frame[key].astype("float64")
    for key in ("is_open", "is_overdue", "is_overdue_now", "is_omission", "no_handler", "is_dissatisfied",
                "is_repeat", "followed_up"):
        frame[key] = frame[key].astype(bool)
    frame["step"] = frame["step"].astype("int64")
    return frame


def _track_one(row: dict[str, Any], received: dt.date | None, lookup: dict[str, dict[str, Any]],
               repeat: dict[str, int], same_day: set[str], settings: Settings,
               calendar: WorkCalendar, asof: dt.date, lang: Lang) -> dict[str, Any]:
    key = None if _missing(row["customer_key"]) else str(row["customer_key"])
    master = lookup.get(key, {}) if key is not None else {}
    tier = _tier_code(master.get("tier"))
    severity = severity_code(row["severity"])
    category = category_code(row["category"])
    responded = _date(row["first_response"])
    closed = _date(row["closed"])
    notes: list[str] = []

    due = None
    if received is not None:
        due = response_due(received, tier, row["severity"], settings=settings, calendar=calendar)
        rule = (t(lang, "same day ({tier} customer)", "当日答复（{tier}）", tier=i18n.value(tier, lang))
                if tier in same_day else
                t(lang, "same day (severe)", "当日答复（严重投诉）") if severity == "Severe" else
                t(lang, "next working day", "次一工作日答复"))
    else:
        notes.append(t(lang, "No received date: enter it to get deadlines",
                       "未填受理日期：填写后才能计算期限"))

    # Overdue: late response, or none and the due day has passed (the due day is on time).
    overdue = False
    if due is not None:
        if responded is not None and responded > due:
            overdue = True
            notes.append(t(lang, "Responded {r}, {n} day(s) after the deadline {d} ({rule})",
                           "{r} 才首次答复，比期限 {d} 晚 {n} 天（{rule}）",
                           r=_fmt(responded), d=_fmt(due), rule=rule, n=(responded - due).days))
        elif responded is None and asof > due:
            overdue = True
            notes.append(t(lang, "No first response; it was due {d} ({rule})",
                           "尚未首次答复，期限为 {d}（{rule}）", d=_fmt(due), rule=rule))
        if responded is not None and responded < received:
            notes.append(t(lang, "First response {r} is before the received date: check the dates",
                           "首次答复日期 {r} 早于受理日期，请核对", r=_fmt(responded)))
    no_handler = _unassigned(row["handler"])
    if no_handler:
        notes.append(t(lang, "No handler assigned", "未指定处理人"))
    omission = no_handler or (due is not None and responded is None and asof > due)

    filled, level = _step(row, asof)
    step = max(i for i, ok in enumerate(filled) if ok)
    gaps = [i for i in range(1, step) if not filled[i]]
    is_open = closed is None
    dissatisfied = closed is not None and level in DISSATISFIED
    # Before closing, a skipped step is the next action; after it, only a note.
    gap = gaps[0] if gaps and step < 6 else None
    if gaps and gap is None:
        sep = ", " if lang == "en" else "、"
        notes.append(t(lang, "Steps not recorded: {f}", "未登记的步骤：{f}",
                       f=sep.join(_FIELD_NAMES[i][0 if lang == "en" else 1] for i in gaps)))
    if gap is not None:
        name = _FIELD_NAMES[gap]
        next_action = t(lang, "Fill in the skipped step: {f}", "补填跳过的步骤：{f}",
                        f=name[0] if lang == "en" else name[1])
    elif step < 7:
        en, zh = _NEXT[step + 1]
        next_action = (t(lang, en, zh, due=_fmt(due)) if due or step > 0 else
                       t(lang, "Enter the received date, then contact the customer",
                         "填写受理日期并立即联系客户"))
    elif dissatisfied:
        next_action = t(lang, "Customer not satisfied: agree a further remedy and follow up again",
                        "客户不满意：商定进一步处理并再次回访")
    else:
        next_action = t(lang, "Done: feed the result back to design, production and operations",
                        "完成：将处理结果反馈给设计、生产、经营部门")

    end = closed if closed is not None else asof
    days_open = (end - received).days if received is not None else math.nan
    resolution_due = received + dt.timedelta(days=int(settings.resolution_days)) if received else None
    past_resolution = is_open and resolution_due is not None and asof > resolution_due
    if past_resolution:
        notes.append(t(lang, "Open past its resolution deadline {d}", "已超过结案期限 {d} 仍未结案",
                       d=_fmt(resolution_due)))
    # Overdue now: open and late today (no first response past its deadline, or past the
    # resolution deadline). A complaint answered or closed late long ago is not (issue 14).
    overdue_now = is_open and ((due is not None and responded is None and asof > due) or past_resolution)

    n_repeat = repeat.get(key, 0) if key is not None else 0
    is_repeat = n_repeat >= int(settings.repeat_complaints)
    level_code, escalation = _escalate(is_open, dissatisfied, overdue, tier, n_repeat, is_repeat,
                                       days_open, settings, due, responded, lang)

    sat_label = level_label(level, lang) if level is not None else (
        None if _missing(row["satisfaction"]) else row["satisfaction"])
    to_response = (responded - received).days if responded and received and responded >= received else math.nan
    return {
        "complaint_id": row["complaint_id"] if not _missing(row["complaint_id"]) else None,
        "customer_id": row["customer_id"] if not _missing(row["customer_id"]) else master.get("customer_id"),
        "customer": row["customer_name"] if not _missing(row["customer_name"]) else master.get("customer"),
        "received": received,
        "category": _display(category, CATEGORIES, row["category"], lang),
        "severity": _display(severity, SEVERITIES, row["severity"], lang),
        "status": STEPS[step][1] if lang == "en" else STEPS[step][2],
        "next_action": next_action,
        "response_due": due,
        "responded": responded,
        "overdue": "Yes" if overdue else "No",
        "overdue_now": "Yes" if overdue_now else "No",
        "escalation": escalation,
        "days_open": days_open,
        "tier": tier,
        "resolution_due": resolution_due,
        "handler": None if _missing(row["handler"]) else row["handler"],
        "satisfaction": sat_label,
        "closed": closed,
        "satisfaction_index": satisfaction_index(row["perception"], row["expectation"]),
        "notes": "; ".join(notes) if lang == "en" else "；".join(notes),
        "customer_key": key,
        "status_code": STEPS[step][0],
        "satisfaction_code": level,
        "step": step,
        "escalation_level": level_code,
        "is_open": is_open,
        "is_overdue": overdue,
        "is_overdue_now": overdue_now,
        "is_omission": omission,
        "no_handler": no_handler,
        "followed_up": filled[7],
        "followup_date": _date(row["followup_date"]),
        "is_dissatisfied": dissatisfied,
        "is_repeat": is_repeat,
        "days_to_response": to_response,
        "source_sheet": row["source_sheet"],
        "source_row": row["source_row"],
    }


def _display(code: str | None, table: dict[str, str], raw: Any, lang: Lang) -> Any:
    if code is not None:
        return table[code] if lang == "zh" else code
    return None if _missing(raw) else raw  # unknown entries are shown as typed


def _escalate(is_open: bool, dissatisfied: bool, overdue: bool, tier: str | None, n_repeat: int,
              is_repeat: bool, days_open: float, settings: Settings, due: dt.date | None,
              responded: dt.date | None, lang: Lang) -> tuple[str, str]:
    if not is_open and not dissatisfied:
        return "", ""
    director: list[str] = []
    if tier == "Key":
        director.append(t(lang, "Key customer", "重要客户"))
    if is_repeat:
        director.append(t(lang, "repeat complainer ({n} complaints in 12 months)",
                          "重复投诉（12个月内 {n} 次）", n=n_repeat))
    limit = int(settings.escalate_open_days)
    if is_open and not math.isnan(days_open) and days_open > limit:
        director.append(t(lang, "open {n} days (more than {m})", "已处理 {n} 天（超过 {m} 天）",
                          n=int(days_open), m=limit))
    manager: list[str] = []
    if is_open and overdue:
        manager.append(t(lang, "no first response by {d}", "期限 {d} 前未首次答复", d=_fmt(due))
                       if responded is None else
                       t(lang, "first response after its deadline {d}", "首次答复晚于期限 {d}", d=_fmt(due)))
    if dissatisfied:
        manager.append(t(lang, "customer dissatisfied at follow-up", "回访客户不满意"))
    reasons = [r for r in director + manager if r]
    if director:
        level = "Director"
    elif reasons:
        level = "Manager"
    else:
        return "", ""
    word = {"Director": ("Director", "总监"), "Manager": ("Manager", "经理")}[level]
    sep = "; " if lang == "en" else "；"
    return level, t(lang, "{w}: {r}", "{w}：{r}", w=word[0] if lang == "en" else word[1],
                    r=sep.join(reasons))


# ---------------------------------------------------------------- key figures
def _order_count(orders: pd.DataFrame | None, asof: dt.date) -> int:
    if orders is None or len(orders) == 0 or "order_date" not in orders.columns:
        return 0
    days = pd.to_datetime(orders["order_date"], errors="coerce").dt.normalize()
    start = pd.Timestamp(_year_before(asof))
    mask = (days > start) & (days <= pd.Timestamp(asof))
    window = orders.loc[mask]
    if "order_id" not in window.columns:
        return int(len(window))
    ids = window["order_id"].astype(object).where(window["order_id"].notna(), "").map(str).str.strip()
    named = ids[ids != ""]
    return int(named.nunique() + (len(ids) - len(named)))


def _rate(num: int, den: int) -> float:
    return num / den if den else math.nan


def metrics(frames: Frames, tracked: pd.DataFrame, settings: Settings | None, asof: dt.date,
            lang: Lang) -> pd.DataFrame:
    """Dashboard rows: key, metric (text in lang), value (float), note (how it is computed), kind."""
    settings = settings or Settings()
    received = [None if pd.isna(d) else d.date() for d in tracked["received"]]
    in_year = sum(1 for d in received if _in_window(d, asof))
    orders = _order_count(frames.orders, asof)
    n = len(tracked)
    omitted = int(tracked["is_omission"].sum())
    no_handler = int(tracked["no_handler"].sum())
    closed = tracked[~tracked["is_open"]]
    answered = int(closed["satisfaction_code"].notna().sum())
    unhappy = int(closed["is_dissatisfied"].sum())
    open_n = int(tracked["is_open"].sum())
    overdue_n = int(tracked["is_overdue"].sum())
    days = tracked["days_to_response"].dropna()
    index = tracked["satisfaction_index"].dropna()
    start = _year_before(asof)
    rows = [
        ("complaint_rate", t(lang, "Complaint Rate", "投诉率"), _rate(in_year, orders),
         t(lang, "{c} complaints received {s}..{a} / {o} orders in the same 12 months (Haier's complaint rate)",
           "{s} 至 {a} 受理投诉 {c} 件 / 同期订单 {o} 笔（海尔：服务投诉率）", c=in_year, o=orders,
           s=_fmt(start + dt.timedelta(days=1)), a=_fmt(asof)), "pct"),
        ("omission_rate", t(lang, "Omission Rate", "遗漏率"), _rate(omitted, n),
         t(lang, "{m} complaints with no handler ({h}) or no first response past its deadline / {n} complaints "
                 "(Haier's omission rate)",
           "未指定处理人（{h} 件）或逾期未首次答复的投诉 {m} 件 / 投诉总数 {n} 件（海尔：服务遗漏率）",
           m=omitted, h=no_handler, n=n),
         "pct"),
        ("dissatisfaction_rate", t(lang, "Dissatisfaction Rate", "不满意率"), _rate(unhappy, answered),
         t(lang, "{u} closed complaints answered somewhat or very dissatisfied (1-2 of 5) / {a} closed "
                 "complaints with an answer (Haier's dissatisfaction rate)",
           "回访答复“有些不满意”或“极不满意”（5分制1-2分）的已结案投诉 {u} 件 / 有回访答复的已结案投诉 {a} 件"
           "（海尔：服务不满率）",
           u=unhappy, a=answered), "pct"),
        ("complaints_12m", t(lang, "Complaints (12 months)", "投诉数(12个月)"), float(in_year),
         t(lang, "received {s}..{a}", "{s} 至 {a} 受理", s=_fmt(start + dt.timedelta(days=1)), a=_fmt(asof)),
         "int"),
        ("orders_12m", t(lang, "Orders (12 months)", "订单数(12个月)"), float(orders),
         t(lang, "distinct order IDs (a row where there is no ID)", "不同订单编号数（无编号时按行计）"), "int"),
        ("open", t(lang, "Open complaints", "未结案投诉"), float(open_n),
         t(lang, "no closing date", "未填结案日期"), "int"),
        ("overdue", t(lang, "Overdue complaints", "逾期投诉"), float(overdue_n),
         t(lang, "first response after its deadline, or none and the deadline has passed",
           "首次答复晚于期限，或期限已过仍未答复"), "int"),
        ("avg_days_to_response", t(lang, "Average days to first response", "平均首次答复天数"),
         float(days.mean()) if len(days) else math.nan,
         t(lang, "first response date minus received date, over {k} answered complaints",
           "首次答复日期减受理日期，按已答复的 {k} 件投诉平均", k=len(days)), "number"),
        ("satisfaction_index", t(lang, "Satisfaction index (c = b / a)", "满意度指数 (c = b / a)"),
         float(index.mean()) if len(index) else math.nan,
         t(lang, "average of perception / expectation over {k} complaints with both scores",
           "感知得分 / 期望得分，按有两项得分的 {k} 件投诉平均", k=len(index)), "number"),
        ("repeat_complainers", t(lang, "Repeat complainers", "重复投诉客户"),
         float(len({k for k, r in zip(tracked["customer_key"], tracked["is_repeat"]) if r})),
         t(lang, "customers with {n} or more complaints in the 12 months", "12个月内投诉 {n} 次及以上的客户",
           n=int(settings.repeat_complaints)), "int"),
    ]
    return pd.DataFrame(rows, columns=["key", "metric", "value", "note", "kind"]).astype({"value": "float64"})


def pareto(tracked: pd.DataFrame, lang: Lang) -> pd.DataFrame:
    """Complaint categories by count, largest first, with share and cumulative share."""
    blank = t(lang, "(not given)", "（未填写）")
    cats = [blank if _missing(c) else c for c in tracked["category"].tolist()]
    order = {name: i for i, name in enumerate(list(CATEGORIES) + list(CATEGORIES.values()))}
    counts: dict[Any, int] = {}
    for c in cats:
        counts[c] = counts.get(c, 0) + 1
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], order.get(kv[0], len(order)), str(kv[0])))
    total = len(cats)
    rows, running = [], 0
    for cat, count in ranked:
        running += count
        rows.append({"category": cat, "count": count, "share": count / total, "cumulative": running / total})
    frame = pd.DataFrame(rows, columns=[c.key for c in PARETO_COLUMNS])
    return frame.astype({"count": "int64", "share": "float64", "cumulative": "float64"})


def repeat_complainers(tracked: pd.DataFrame, settings: Settings | None, asof: dt.date,
                       lang: Lang) -> pd.DataFrame:
    """Customers with ``repeat_complaints`` or more complaints received in the 12 months to asof."""
    settings = settings or Settings()
    need = int(settings.repeat_complaints)
    start, end = pd.Timestamp(_year_before(asof)), pd.Timestamp(asof)
    days = tracked["received"].dt.normalize()
    keep = tracked["customer_key"].notna() & (days > start) & (days <= end)
    counts = tracked.loc[keep, "customer_key"].value_counts()
    keep &= tracked["customer_key"].isin(counts.index[counts >= need])
    cols = ["customer_key", "customer_id", "customer", "tier", "category", "received", "is_open", "is_overdue"]
    groups: dict[str, list[dict[str, Any]]] = {}
    for rec in tracked.loc[keep, cols].to_dict("records"):
        groups.setdefault(str(rec["customer_key"]), []).append(rec)
    rows = []
    sep = ", " if lang == "en" else "、"
    for key, recs in groups.items():
        if len(recs) < need:
            continue
        first = lambda k: next((r[k] for r in recs if not _missing(r[k])), None)  # noqa: E731
        cats: dict[str, int] = {}
        for r in recs:
            name = t(lang, "(not given)", "（未填写）") if _missing(r["category"]) else str(r["category"])
            cats[name] = cats.get(name, 0) + 1
        n_open = sum(bool(r["is_open"]) for r in recs)
        n_over = sum(bool(r["is_overdue"]) for r in recs)
        rows.append({
            "customer_id": first("customer_id"), "customer": first("customer"), "tier": first("tier"),
            "complaints": len(recs), "open": n_open, "overdue": n_over,
            "last_received": max(r["received"] for r in recs),
            "categories": sep.join(f"{c} ×{k}" for c, k in sorted(cats.items(), key=lambda x: (-x[1], x[0]))),
            "why": t(lang, "{n} complaints in the 12 months to {a} (repeat from {m}); {o} open",
                     "截至 {a} 的12个月内投诉 {n} 次（{m} 次即为重复投诉）；{o} 件未结案",
                     n=len(recs), a=_fmt(asof), m=need, o=n_open),
            "_key": key,
        })
    rows.sort(key=lambda r: (-r["complaints"], -r["last_received"].value, r["_key"]))
    frame = pd.DataFrame(rows, columns=[c.key for c in REPEAT_COLUMNS] + ["_key"])
    frame = frame.rename(columns={"_key": "customer_key"})
    frame["last_received"] = pd.to_datetime(frame["last_received"]).astype("datetime64[ns]")
    return frame.astype({"complaints": "int64", "open": "int64", "overdue": "int64"})


def customer_signals(tracked: pd.DataFrame) -> pd.DataFrame:
    """Per customer_key: open, overdue, dissatisfied complaint counts and the last complaint —
    the signals churn and visit planning use (an unhappy customer gets a call or a visit)."""
    frame = tracked[tracked["customer_key"].notna()]
    grouped = frame.groupby("customer_key", sort=True)
    out = pd.DataFrame({
        "complaints": grouped.size(),
        "open_complaints": grouped["is_open"].sum(),
        "overdue_complaints": grouped["is_overdue"].sum(),
        "dissatisfied_complaints": grouped["is_dissatisfied"].sum(),
        "last_complaint": grouped["received"].max(),
        "last_closed": grouped["closed"].max(),
    })
    return out.astype({"complaints": "int64", "open_complaints": "int64", "overdue_complaints": "int64",
                       "dissatisfied_complaints": "int64"})


def act_order(tracked: pd.DataFrame) -> pd.DataFrame:
    """The tracking sheet's rows as a manager works them: open and overdue now first (oldest
    response deadline first), then the other open ones (earliest deadline first), then the
    closed ones (most recently closed first); ties keep register order."""
    if not len(tracked):
        return tracked
    is_open = tracked["is_open"].astype(bool)
    group = (~tracked["is_overdue_now"].astype(bool)).astype(int) + (~is_open).astype(int)
    day = pd.Timedelta(days=1)
    # One sort key per group: open by deadline ascending, closed by closing date descending.
    far = pd.Timestamp("2262-01-01")
    open_key = (tracked["response_due"].fillna(far) - pd.Timestamp("1900-01-01")) / day
    closed_key = -((tracked["closed"].fillna(pd.Timestamp("1900-01-01")) - pd.Timestamp("1900-01-01")) / day)
    key = pd.DataFrame({"g": group.to_numpy(), "k": open_key.where(is_open, closed_key).to_numpy(),
                        "n": range(len(tracked))})
    order = key.sort_values(["g", "k", "n"], kind="stable").index
    return tracked.iloc[order.to_numpy()]
