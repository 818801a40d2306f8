"""The visit plan: who to see, when, by whom, in what order (拜访计划 / CRM Visits).

Seed 004 ends its customer-management workflow with "sort customers into route
sequences (路序分类), set the visit plan (确定客户访问计划)"; key accounts get planned
visits and small customers move to the phone (003); a follow-up visit checks
transactions, volumes, training, invoices and new business (004).

Rules (defaults in ``xlcrm.settings.VISITS``):

* **Rhythm by tier.** Key every 7 days on site, Major 14 on site, Regular 30 on site,
  Small 90 by phone. A customer without a tier: Lost -> a win-back phone call every
  ``visit_days_lost`` days; Target -> on site and Prospect -> by phone every
  ``visit_days_prospect`` days; other untiered current customers -> like Small.
  Non-customers are not planned, and a rhythm of 0 leaves its class out: these are
  choices, so they are not listed. Lost, Prospect and Target customers rank last and
  fill the slots left free; when none are left they are not listed either (the
  win-back list of ``churn`` covers Lost customers). The second frame lists only what
  needs fixing: customers no active rep can cover, tiered customers the
  capacity could not hold, and hard deadlines missed.
* **Due date** = last contact + rhythm. The last contact is the visit log's latest
  visit on or before the as-of date (for on-site customers a logged phone call does
  not count), else the last order, else "due now". So a visit recorded in the log
  moves the next due date (the loop closes). A due date on a day off is brought
  forward to the previous working day (never back to or before the last contact).
* **Hard deadlines** (placed first, earliest deadline first, most important kept when
  they do not all fit): every Key customer within its first ``visit_days_key`` days;
  every High-risk Key/Major/Regular customer within ``high_risk_within_days``; a
  complaint resolved (closed date) with no follow-up yet, within
  ``complaint_followup_workdays`` working days after the resolution; a follow-up that
  found the customer dissatisfied, again at once ("follow up until satisfied", 003).
  A follow-up counts as made when the register has a follow-up date on or after the
  closed date or an answer (``followed_up``), or the log has a visit on or after the
  closed date. Complaints resolved more than ``complaint_followup_lookback_days`` ago
  are not followed up any more; open complaints are mentioned on every visit.
* **Working days only** (``xlcrm.workdays.WorkCalendar``: weekends, statutory
  holidays and official make-up days, plus the settings' overrides), from the as-of
  date for ``plan_days`` days.
* **Capacity**: at most ``visits_per_day`` rows per rep per working day. Phone calls
  count against it too (decided: a call is short, but one limit keeps the sheet easy
  to check, and Small customers rank last, so calls only fill slots visits leave).
  When demand exceeds capacity the order is tier, then days overdue, then churn risk;
  whatever cannot be placed in the horizon is listed with the reason.
* **Own rep**: the master's rep, else the rep of the customer's most recent order,
  else the rep the classification reports. A rep listed as departed
  (``departed_reps`` or the master's rep status) is covered by a colleague (see ``_cover``).
* **Route** per rep and day: on-site stops grouped by region and ordered to shorten
  travel on the master's coordinates (``xlcrm.routing``: haversine distances; exact for
  up to 9 stops, nearest neighbour + 2-opt + Or-opt beyond), else by region and address;
  stops without coordinates follow their region's located stops; phone calls come after
  the visits, most important first; ``Stop`` is 1..k per rep and day.
* A customer placed late for a hard deadline appears in both frames: in the plan on the
  day it got, and in the second frame saying which deadline it missed and why.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import heapq
import logging
import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from xlcrm import ics as _ics
from xlcrm import routing
from xlcrm.i18n import code as _code
from xlcrm.i18n import t
from xlcrm.i18n import value as _value
from xlcrm.model import Column, Frames, Lang
from xlcrm.parsing import is_departed
from xlcrm.settings import Settings
from xlcrm.workdays import WorkCalendar

__all__ = ["UNPLACED_COLUMNS", "VISIT_COLUMNS", "ics_by_rep", "next_visit_date", "plan", "to_ics"]

log = logging.getLogger(__name__)

VISIT_COLUMNS: list[Column] = [
    Column("date", "Date", "日期", "date", width=11),
    Column("rep", "Sales Rep", "业务员", width=10),
    Column("stop", "Stop", "顺序", "int", width=6),
    Column("customer_id", "Customer ID", "客户编号", width=12),
    Column("customer", "Customer", "客户名称", width=22),
    Column("tier", "Tier", "客户等级", coded=True, width=10),
    Column("visit_type", "Visit Type", "拜访方式", coded=True, width=9),
    Column("purpose", "Purpose", "拜访目的", width=60),
    Column("region", "Region", "片区", width=10),
    Column("address", "Address", "地址", width=28),
    Column("phone", "Phone", "电话", width=14),
    Column("days_overdue", "Days Overdue", "逾期天数", "int", style="bar", width=9),
    Column("due_date", "Due Date", "应访日期", "date", width=11),
    Column("last_contact", "Last Contact", "上次联系", "date", width=11),
]

UNPLACED_COLUMNS: list[Column] = [
    Column("rep", "Sales Rep", "业务员", width=10),
    Column("customer_id", "Customer ID", "客户编号", width=12),
    Column("customer", "Customer", "客户名称", width=22),
    Column("tier", "Tier", "客户等级", coded=True, width=10),
    Column("region", "Region", "片区", width=10),
    Column("due_date", "Due Date", "应访日期", "date", width=11),
    Column("reason", "Reason", "原因", width=60),
]

ONSITE, PHONE = "On-site", "Phone"
UNASSIGNED = {"zh": "未分配", "en": "Unassigned"}  # the rep of a plan made without any rep column
_TIERS = ("Key", "Major", "Regular", "Small")
_TIER_RANK = {"Key": 0, "Major": 1, "Regular": 2, "Small": 3}
_FILL_IN_RANK = 5  # Lost (5), Prospect/Target (6): take free slots only, not listed when none are left
_PHONE_WORDS = ("phone", "call", "电话", "微信", "wechat", "短信", "sms", "线上", "online", "视频", "video")


# --------------------------------------------------------------------------- accounts

@dataclass
class _Account:
    key: str
    customer_id: str
    name: str
    rep: str
    region: str
    address: str
    phone: str
    lat: float
    lon: float
    tier: str | None
    lifecycle: str | None
    channel: str = ONSITE
    interval: int = 0
    rank: int = 4
    risk: float = 0.0
    risk_level: str | None = None
    risk_reasons: str = ""
    last_contact: dt.date | None = None
    last_kind: str = ""  # "visit", "call", "order" or ""
    due: dt.date | None = None  # first due date (cadence, tightened by hard reasons)
    release: dt.date | None = None  # hard items: not before
    deadline: dt.date | None = None  # hard items: not after
    hard: list[str] = field(default_factory=list)  # hard reasons (purpose text)
    notes: list[str] = field(default_factory=list)  # open complaints etc., every visit
    checks: list[str] = field(default_factory=list)
    skip: str = ""  # why it is not planned at all
    uncovered: str = ""  # the departed rep ("-" for none) whose customer a colleague covers
    listed: bool = True  # a skip worth listing (a problem to fix), not a choice (non-customer, rhythm 0)
    visits: list[dt.date] = field(default_factory=list)


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _date(value: Any) -> dt.date | None:
    if value is None or value is pd.NaT:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):  # an Excel serial date (UDF input)
        if not 0 < value < 2958466:
            return None
        return (dt.datetime(1899, 12, 30) + dt.timedelta(days=float(value))).date()
    try:
        return pd.Timestamp(value).date()
    except (TypeError, ValueError):
        return None


def _float(value: Any) -> float:
    try:
        f = float(value)
    except (TypeError, ValueError):
        return math.nan
    return f


def _flag(value: Any, *, default: bool) -> bool:
    """A yes/no cell: bools, 1/0, or the codes and their zh forms ("Yes"/"是"); blank -> ``default``."""
    text = _text(value)
    if not text:
        return default
    if isinstance(value, (bool, int, float)):
        return bool(value)
    return _code(text).lower() in ("yes", "true", "y", "1", "open")


def _tier(value: Any) -> str | None:
    c = _code(_text(value))
    return c if c in _TIERS else None


_CLASSIFIED_FIELDS = ("tier", "lifecycle", "status", "customer_id", "customer", "customer_name", "rep", "region",
                     "last_order")
_MASTER_FIELDS = ("status", "latitude", "longitude", "customer_id", "customer_name", "rep", "region", "address",
                  "phone", "rep_status")
_RISK_FIELDS = ("churn_risk", "risk_level", "reasons")


def _by_key(frame: pd.DataFrame | None, fields: tuple[str, ...] | None = None) -> dict[str, dict[str, Any]]:
    """Rows of a frame keyed by customer_key (index or column); the last row wins.

    ``fields``: only these columns go into the rows (a row dict of every column of a
    100k-customer frame is most of the planner's time).
    """
    if frame is None or len(frame) == 0:
        return {}
    if "customer_key" in frame.columns:
        keys = frame["customer_key"].map(_text)
    else:
        keys = pd.Series([_text(k) for k in frame.index], index=frame.index)
    if fields is not None:
        frame = frame[[c for c in dict.fromkeys(frame.columns) if c in fields]]
    records = frame.to_dict("records")
    return {k: r for k, r in zip(keys, records) if k}


def _orders_by_customer(frames: Frames | None, asof: dt.date) -> tuple[dict[str, str], dict[str, dt.date], set[str]]:
    """Most recent rep and last order date per customer, and customers with overdue receivables."""
    orders = getattr(frames, "orders", None)
    reps: dict[str, str] = {}
    last: dict[str, dt.date] = {}
    owing: set[str] = set()
    if orders is None or len(orders) == 0 or "customer_key" not in orders.columns:
        return reps, last, owing
    o = orders
    if "order_date" in o.columns:
        when = pd.to_datetime(o["order_date"], errors="coerce")
        o = o.assign(_when=when)[when.isna() | (when <= pd.Timestamp(asof))]
        o = o.sort_values("_when", kind="stable", na_position="first")
        for key, when_ in o.groupby("customer_key", sort=False)["_when"].max().items():
            d = _date(when_)
            if d is not None:
                last[_text(key)] = d
    if "rep" in o.columns:
        with_rep = o[o["rep"].map(_text) != ""]
        for key, rep in with_rep.groupby("customer_key", sort=False)["rep"].last().items():
            reps[_text(key)] = _text(rep)
    if "due_date" in o.columns and "paid_date" in o.columns:
        due = pd.to_datetime(o["due_date"], errors="coerce")
        paid = pd.to_datetime(o["paid_date"], errors="coerce")
        late = due.notna() & (due < pd.Timestamp(asof)) & paid.isna()
        owing = {_text(k) for k in o.loc[late, "customer_key"]}
    return reps, last, owing


def _visit_log(frames: Frames | None, asof: dt.date) -> dict[str, list[tuple[dt.date, bool]]]:
    """(date, is_phone) of each logged contact up to the as-of date, per customer."""
    visits = getattr(frames, "visits", None)
    out: dict[str, list[tuple[dt.date, bool]]] = {}
    if visits is None or len(visits) == 0 or not {"customer_key", "visit_date"} <= set(visits.columns):
        return out
    types = visits["visit_type"] if "visit_type" in visits.columns else pd.Series("", index=visits.index)
    for key, when, kind in zip(visits["customer_key"], visits["visit_date"], types):
        d = _date(when)
        k = _text(key)
        if d is None or not k or d > asof:
            continue
        text = _text(kind).lower()
        is_phone = _code(_text(kind)) == PHONE or any(w in text for w in _PHONE_WORDS)
        out.setdefault(k, []).append((d, is_phone))
    return out


def _departed(rep: str, rep_status: str, settings: Settings) -> bool:
    gone = {_text(r) for r in (getattr(settings, "departed_reps", None) or [])}
    return rep in gone or is_departed(rep_status)  # one word list with the churn signals (xlcrm.parsing)


def _accounts(frames: Frames | None, customers: pd.DataFrame | None, churn: pd.DataFrame | None,
              settings: Settings, asof: dt.date, lang: Lang) -> list[_Account]:
    classified = _by_key(customers, _CLASSIFIED_FIELDS)
    master = _by_key(getattr(frames, "customers", None), _MASTER_FIELDS)
    risks = _by_key(churn, _RISK_FIELDS)
    order_rep, order_last, owing = _orders_by_customer(frames, asof)
    logged = _visit_log(frames, asof)
    keys = sorted(set(classified) | set(master))
    out: list[_Account] = []
    for key in keys:
        c = classified.get(key, {})
        m = master.get(key, {})
        r = risks.get(key, {})
        tier = _tier(c.get("tier"))
        lifecycle = _code(_text(c.get("lifecycle"))) or None
        status = _code(_text(c.get("status")) or _text(m.get("status")))
        if lifecycle is None and status in ("Prospect", "Target", "Non-customer", "Lost"):
            lifecycle = status
        if status == "Non-customer":
            lifecycle = "Non-customer"
        lat, lon = _float(m.get("latitude")), _float(m.get("longitude"))
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            if -90 <= lon <= 90 and -180 <= lat <= 180:
                lat, lon = lon, lat  # columns swapped (China: lat 18-54, lon 73-135), a common slip
            else:
                lat = lon = math.nan
        acc = _Account(
            key=key,
            customer_id=_text(c.get("customer_id")) or _text(m.get("customer_id")),
            name=_text(c.get("customer")) or _text(m.get("customer_name")) or _text(c.get("customer_name")) or key,
            rep=_text(m.get("rep")) or order_rep.get(key, "") or _text(c.get("rep")),
            region=_text(m.get("region")) or _text(c.get("region")),
            address=_text(m.get("address")),
            phone=_text(m.get("phone")),
            lat=lat, lon=lon, tier=tier, lifecycle=lifecycle,
            risk=_float(r.get("churn_risk")) if r else 0.0,
            risk_level=_code(_text(r.get("risk_level"))) or None,
            risk_reasons=_text(r.get("reasons")),
        )
        if math.isnan(acc.risk):
            acc.risk = 0.0
        last_order = _date(c.get("last_order")) or order_last.get(key)
        if tier is None and acc.lifecycle is None and last_order is None:
            acc.lifecycle = "Prospect"  # in the master, never ordered, no class given
        _rhythm(acc, settings, lang)
        if not acc.skip and (not acc.rep or _departed(acc.rep, _text(m.get("rep_status")), settings)):
            acc.uncovered = acc.rep or "-"  # a colleague covers below; listed only if no one can
        contacts = [d for d, is_phone in logged.get(key, []) if acc.channel == PHONE or not is_phone]
        if contacts:
            acc.last_contact = max(contacts)
            acc.last_kind = "call" if acc.channel == PHONE else "visit"
        elif last_order is not None and last_order <= asof:
            acc.last_contact, acc.last_kind = last_order, "order"
        acc.checks = _checks(acc, key in owing, lang)
        out.append(acc)
    _cover(out, lang)
    return out


def _cover(accounts: list[_Account], lang: Lang) -> None:
    """Customers of a rep who left (or with no rep) are visited by a colleague.

    Reps who leave take customers with them (DOMAIN.md 4), so these customers need a
    visit most, not least: the active rep with the most customers in the same region
    covers (ties: fewer customers overall, then name); without a region, the active rep
    with the fewest customers. The purpose line says so, and asks for a new rep in the
    master. Only when no active rep exists is the customer listed as not placed.
    """
    active = [a for a in accounts if not a.skip and not a.uncovered]
    load: dict[str, int] = {}
    in_region: dict[tuple[str, str], int] = {}
    for a in active:
        load[a.rep] = load.get(a.rep, 0) + 1
        in_region[(a.region, a.rep)] = in_region.get((a.region, a.rep), 0) + 1
    for a in accounts:
        if a.skip or not a.uncovered:
            continue
        if not load:
            # No rep anywhere (real exports rarely carry one): the plan is still made, for
            # 未分配 / Unassigned, so the office sees who needs a visit (issue 11); the data
            # issues say which column to add.
            a.notes.append(t(lang, "no sales rep in the customer master or the orders; enter one in the master",
                             "客户档案和订单中都没有业务员, 请在客户档案中填写") if a.uncovered == "-" else
                           t(lang, "sales rep {rep} has left and no active rep can cover; assign a new rep in the "
                                   "customer master", "业务员 {rep} 已离职且无在职业务员可代访, 请在客户档案中指定新业务员",
                             rep=a.uncovered))
            a.rep = UNASSIGNED[lang]
            continue
        cover = min(load, key=lambda r: (-in_region.get((a.region, r), 0) if a.region else 0, load[r], r))
        if a.uncovered == "-":
            a.notes.append(t(lang, "no rep in the master: {cover} covers; enter a rep in the customer master",
                             "客户档案无业务员, 由 {cover} 代访; 请在客户档案中填写业务员", cover=cover))
        else:
            a.notes.append(t(lang, "rep {rep} has left: {cover} covers; assign a new rep in the customer master",
                             "原业务员 {rep} 已离职, 由 {cover} 代访; 请在客户档案中指定新业务员",
                             rep=a.uncovered, cover=cover))
        a.rep = cover
        load[cover] += 1
        in_region[(a.region, cover)] = in_region.get((a.region, cover), 0) + 1


def _rhythm(acc: _Account, settings: Settings, lang: Lang) -> None:
    """Channel, interval and priority rank of one account; ``skip`` when it is not planned."""
    s = settings
    if acc.tier is not None:
        acc.rank = _TIER_RANK[acc.tier]
        acc.channel = PHONE if acc.tier == "Small" else ONSITE
        acc.interval = int({"Key": s.visit_days_key, "Major": s.visit_days_major,
                            "Regular": s.visit_days_regular, "Small": s.visit_days_small}[acc.tier])
    elif acc.lifecycle == "Non-customer":
        acc.skip, acc.listed = t(lang, "non-customer: not planned", "非客户, 不安排拜访"), False
        return
    elif acc.lifecycle == "Lost":
        acc.channel, acc.interval, acc.rank = PHONE, int(s.visit_days_lost), 5
    elif acc.lifecycle in ("Prospect", "Target"):
        acc.channel = ONSITE if acc.lifecycle == "Target" else PHONE
        acc.interval, acc.rank = int(s.visit_days_prospect), 6
    else:  # a current customer without a tier (no order in the value window): treat as Small
        acc.channel, acc.interval, acc.rank = PHONE, int(s.visit_days_small), 4
    if acc.interval <= 0:
        acc.skip = t(lang, "{cls}: the rhythm in the settings is 0, so not planned",
                     "{cls}: 设置中的联系间隔为 0, 不安排", cls=_value(acc.tier or acc.lifecycle or "", lang))
        acc.listed = False


def _checks(acc: _Account, owing: bool, lang: Lang) -> list[str]:
    """What to do on the visit, from seed 004's follow-up list, chosen by what the data shows."""
    out = []
    current = acc.tier is not None or acc.lifecycle in ("New", "Repeat", "Loyal")
    if current:
        out.append(t(lang, "check transactions", "核对交易"))
    if acc.risk_level in ("High", "Medium") or acc.lifecycle == "Lost":
        out.append(t(lang, "adjust order volume", "调整订货量"))
    if acc.lifecycle == "New":
        out.append(t(lang, "training", "培训"))
    if owing:
        out.append(t(lang, "check invoices and overdue receivables", "核对票据和逾期应收"))
    if acc.tier in ("Key", "Major") or acc.lifecycle in ("Loyal", "Prospect", "Target", "Lost"):
        out.append(t(lang, "new business", "新业务"))
    return out


# --------------------------------------------------------------------------- complaints

def _complaint_items(complaints: pd.DataFrame | None, frames: Frames | None, accounts: dict[str, _Account],
                     cal: WorkCalendar, settings: Settings, asof: dt.date, lang: Lang
                     ) -> dict[str, list[tuple[dt.date, dt.date, str]]]:
    """Per customer: (raw deadline, release, purpose) of each complaint follow-up still owed."""
    out: dict[str, list[tuple[dt.date, dt.date, str]]] = {}
    if complaints is None or len(complaints) == 0 or "customer_key" not in complaints.columns:
        return out
    logged = _visit_log(frames, asof)
    n = int(settings.complaint_followup_workdays)
    lookback = asof - dt.timedelta(days=int(settings.complaint_followup_lookback_days))
    for row in complaints.to_dict("records"):
        key = _text(row.get("customer_key"))
        acc = accounts.get(key)
        if acc is None:
            log.debug("complaint %s: customer %r is not among the plan's customers", row.get("complaint_id"), key)
            continue
        cid = _text(row.get("complaint_id")) or "?"
        closed = _date(row.get("closed"))
        follow = _date(row.get("followup_date"))
        is_open = _flag(row.get("is_open"), default=closed is None)
        if closed is not None and closed > asof:
            closed, is_open = None, True
        if is_open or closed is None:
            acc.notes.append(t(lang, "complaint {id} still open: ask about progress",
                               "投诉 {id} 处理中, 了解进展", id=cid))
            continue
        visits_after = [d for d, _ in logged.get(key, []) if d >= closed]
        dissatisfied = _flag(row.get("is_dissatisfied"), default=False)
        if follow is not None and follow > asof:
            follow = None
        if follow is not None and follow < closed:
            follow = None  # a date before the resolution is not its follow-up
        # complaints.track's ``followed_up``: an answer (satisfaction) is recorded even without a date
        answered = follow is not None or _flag(row.get("followed_up"), default=False)
        if not answered:
            if closed < lookback or visits_after:
                continue  # too old to matter, or a visit since the resolution was the follow-up
            deadline = cal.add_workdays(closed, n)
            out.setdefault(key, []).append((deadline, asof, t(
                lang, "complaint {id} resolved {d}: follow up to confirm satisfaction",
                "投诉 {id} 已于 {d} 解决, 回访确认满意", id=cid, d=closed.isoformat())))
        elif dissatisfied:
            ref = follow or closed
            if ref < lookback or (follow is not None and any(d > follow for d in visits_after)):
                continue  # a visit after the unhappy follow-up is the next round
            deadline = cal.add_workdays(ref, n)
            if follow is not None:
                text = t(lang, "complaint {id}: customer dissatisfied at the follow-up on {d}; visit again "
                         "until satisfied", "投诉 {id} 于 {d} 回访不满意, 再次回访直到满意", id=cid, d=follow.isoformat())
            else:
                text = t(lang, "complaint {id}: customer dissatisfied at the follow-up; visit again until satisfied",
                         "投诉 {id} 回访不满意, 再次回访直到满意", id=cid)
            out.setdefault(key, []).append((deadline, asof, text))
    return out


# --------------------------------------------------------------------------- scheduling

def _first_day(due: dt.date, asof: dt.date, cal: WorkCalendar, last: dt.date | None) -> dt.date:
    """First working day on which a visit due on ``due`` may be made.

    A due date on a day off moves to the previous working day (so the rhythm is kept),
    unless that is not after the last contact or before the as-of date.
    """
    if due <= asof:
        return cal.next_workday(asof)
    prev = cal.previous_workday(due)
    if prev >= asof and (last is None or prev > last):
        return prev
    return cal.next_workday(due)


def _edf(items: list[tuple[int, int, tuple, str]], cap: dict[int, int], n_days: int) -> dict[str, int] | None:
    """Earliest-deadline-first placement of unit jobs (release, deadline, rank, key) on days 0..n-1.

    Returns key -> day, or None when some job misses its deadline: EDF is optimal for
    unit jobs with release dates on identical slots, so None means no placement exists.
    """
    by_release: dict[int, list] = {}
    for rel, dl, rank, key in items:
        by_release.setdefault(rel, []).append((dl, rank, key))
    heap: list = []
    out: dict[str, int] = {}
    for day in range(n_days):
        for item in by_release.get(day, ()):
            heapq.heappush(heap, item)
        for _ in range(cap.get(day, 0)):
            if not heap:
                break
            dl, _rank, key = heapq.heappop(heap)
            if dl < day:
                return None
            out[key] = day
        if heap and heap[0][0] <= day:
            return None
    return None if heap else out


def _priority(acc: _Account, on: dt.date, due: dt.date | None) -> tuple:
    overdue = (on - due).days if due is not None else 0
    return (acc.rank, -overdue, -acc.risk, acc.key)


def plan(frames: Frames | None, customers: pd.DataFrame | None, churn: pd.DataFrame | None,
         complaints: pd.DataFrame | None, settings: Settings | None, asof: dt.date,
         lang: Lang = "zh") -> tuple[pd.DataFrame, pd.DataFrame]:
    """The visit plan and the customers that could not be placed.

    Returns ``(visits, unplaced)``: ``visits`` has the keys of ``VISIT_COLUMNS`` plus
    ``customer_key``, one row per visit or call, sorted by date, rep and stop;
    ``unplaced`` has the keys of ``UNPLACED_COLUMNS`` plus ``customer_key``.
    """
    settings = settings if settings is not None else Settings()
    asof = _date(asof) or dt.date.today()
    cal = WorkCalendar.from_settings(settings)
    horizon_end = asof + dt.timedelta(days=max(int(settings.plan_days), 0) - 1)
    days = cal.workdays_between(asof, horizon_end) if settings.plan_days > 0 else []
    day_index = {d: i for i, d in enumerate(days)}
    cap = int(settings.visits_per_day)

    accounts = _accounts(frames, customers, churn, settings, asof, lang)
    by_key = {a.key: a for a in accounts}
    follow = _complaint_items(complaints, frames, by_key, cal, settings, asof, lang)
    unplaced: list[dict[str, Any]] = []
    active = [a for a in accounts if not a.skip]
    for a in accounts:
        if a.skip and a.listed:
            unplaced.append(_unplaced_row(a, None, a.skip))
        elif a.skip:
            log.debug("visits: %s left out: %s", a.key, a.skip)

    first = days[0] if days else None
    last_day = days[-1] if days else None

    def window_end(n_days: int) -> dt.date | None:
        ws = [d for d in days if d <= asof + dt.timedelta(days=max(n_days, 1) - 1)]
        return ws[-1] if ws else first

    for a in active:
        cadence = a.last_contact + dt.timedelta(days=a.interval) if a.last_contact else asof
        a.due = cadence
        if first is None:
            continue
        start = _first_day(cadence, asof, cal, a.last_contact)
        rel, dl, raw = [], [], [cadence]
        if a.tier == "Key":
            end = window_end(int(settings.visit_days_key))
            rel.append(min(start, end))
            dl.append(end)
            a.hard.append("")  # the Key rhythm itself; its text is the cadence line
        if a.risk_level == "High" and a.tier in ("Key", "Major", "Regular"):
            end = window_end(int(settings.high_risk_within_days))
            rel.append(first)
            dl.append(end)
            raw.append(asof + dt.timedelta(days=int(settings.high_risk_within_days) - 1))
            reason = a.risk_reasons or t(lang, "churn risk {r:.0f}", "流失风险 {r:.0f}", r=a.risk)
            a.hard.append(t(lang, "High risk: {why}", "高风险: {why}", why=reason))
        for deadline, _release, text in follow.get(a.key, []):
            rel.append(first)
            dl.append(max(first, deadline))
            raw.append(deadline)
            a.hard.append(text)
        if rel:
            a.deadline = min(max(min(dl), first), last_day)  # type: ignore[type-var]
            a.release = min(min(rel), a.deadline)
            a.due = min(raw)

    # Pass 1: hard deadlines per rep, most important first, kept only while EDF stays feasible.
    reps = sorted({a.rep for a in active})
    fixed: dict[str, dt.date] = {}
    late: set[str] = set()
    if days:
        with_deadline: dict[str, list[_Account]] = {}  # one pass, not one scan of everyone per rep
        for a in active:
            if a.deadline is not None:
                with_deadline.setdefault(a.rep, []).append(a)
        for rep in reps:
            hard = sorted(with_deadline.get(rep, []),
                          key=lambda a: _priority(a, first, a.due))  # type: ignore[arg-type]
            chosen: list[tuple[int, int, tuple, str]] = []
            placed: dict[str, int] = {}
            for a in hard:
                item = (day_index[a.release], day_index[a.deadline], _priority(a, first, a.due), a.key)
                trial = _edf(chosen + [item], {i: cap for i in range(len(days))}, len(days))
                if trial is None:
                    late.add(a.key)
                else:
                    chosen.append(item)
                    placed = trial
            for key, i in placed.items():
                fixed[key] = days[i]

    # Pass 2: day by day, what is due, by priority, into the capacity left.
    load: dict[tuple[str, dt.date], int] = {}
    for key, d in fixed.items():
        load[(by_key[key].rep, d)] = load.get((by_key[key].rep, d), 0) + 1
    state: dict[str, tuple[dt.date, dt.date, dt.date | None]] = {}  # key -> (due, first day, last contact)
    for a in active:
        if a.key in fixed:
            a.visits.append(fixed[a.key])
            nd = fixed[a.key] + dt.timedelta(days=a.interval)
            state[a.key] = (nd, _first_day(nd, asof, cal, fixed[a.key]), fixed[a.key])
        else:
            due = a.due or asof
            start = cal.next_workday(asof) if a.key in late else _first_day(due, asof, cal, a.last_contact)
            state[a.key] = (due, start, a.last_contact)
    by_rep: dict[str, list[_Account]] = {a.rep: [] for a in active}
    for a in active:
        # A first day after the horizon only moves when the account is visited, which it then
        # never is: leave those out of the daily scans (most of a large book is not due).
        if last_day is not None and state[a.key][1] <= last_day:
            by_rep[a.rep].append(a)
    for d in days:
        for rep in reps:
            room = cap - load.get((rep, d), 0)
            if room <= 0:
                continue
            ready = [a for a in by_rep[rep] if state[a.key][1] <= d and (not a.visits or a.visits[-1] != d)
                     and not (a.key in fixed and fixed[a.key] > d)]
            # the first ``room`` by priority (keys are unique: the same as sorting all of them)
            for a in heapq.nsmallest(room, ready, key=lambda a: _priority(a, d, state[a.key][0])):
                a.visits.append(d)
                nd = d + dt.timedelta(days=a.interval)
                state[a.key] = (nd, _first_day(nd, asof, cal, d), d)
            load[(rep, d)] = load.get((rep, d), 0) + min(room, len(ready))

    rows = _rows(active, asof, lang)
    for a in active:
        due, start, _ = state[a.key]
        if last_day is not None and start <= last_day and a.rank >= _FILL_IN_RANK and a.deadline is None:
            log.debug("visits: no free slot for fill-in customer %s", a.key)
        elif last_day is not None and start <= last_day:
            reason = t(lang, "no free slot for {rep} by {end} ({cap} a day); due {due}",
                       "{rep} 到 {end} 前没有空位 (每日 {cap} 次); 应于 {due} 拜访",
                       rep=a.rep, end=last_day.isoformat(), cap=cap, due=due.isoformat())
            unplaced.append(_unplaced_row(a, due, reason))
        elif a.key in late:
            when = a.visits[0].isoformat() if a.visits else "-"
            reason = t(lang, "could not be placed by {dl} (capacity {cap} a day); placed on {when}",
                       "容量不足 (每日 {cap} 次), 未能在 {dl} 前安排; 已排在 {when}",
                       dl=a.deadline.isoformat() if a.deadline else "-", cap=cap, when=when)
            unplaced.append(_unplaced_row(a, a.due, reason))
    visits = _route(rows)
    unplaced_df = pd.DataFrame(unplaced, columns=[c.key for c in UNPLACED_COLUMNS] + ["customer_key"])
    if len(unplaced_df):
        unplaced_df = unplaced_df.sort_values(["rep", "customer_key"], kind="stable").reset_index(drop=True)
    unplaced_df["due_date"] = pd.to_datetime(unplaced_df["due_date"]).astype("datetime64[ns]")
    return visits, unplaced_df


def _unplaced_row(a: _Account, due: dt.date | None, reason: str) -> dict[str, Any]:
    return {"rep": a.rep, "customer_id": a.customer_id, "customer": a.name, "tier": a.tier,
            "region": a.region, "due_date": due, "reason": reason, "customer_key": a.key}


# --------------------------------------------------------------------------- rows, purpose, route

_KIND_WORDS = {
    "visit": ("last visit {d}", "上次拜访 {d}"),
    "call": ("last call {d}", "上次联系 {d}"),
    "order": ("last order {d}", "上次下单 {d}"),
    "plan": ("previous visit in this plan {d}", "本计划上次 {d}"),
}


def _cadence_text(a: _Account, lang: Lang) -> str:
    if a.tier is not None:
        if a.channel == PHONE:
            return t(lang, "{tier}, phone every {n} days", "{tier}, 每 {n} 天电话联系",
                     tier=_value(a.tier, lang) if lang == "zh" else a.tier + " customer", n=a.interval)
        return t(lang, "{tier}, on site every {n} days", "{tier}, 每 {n} 天上门",
                 tier=_value(a.tier, lang) if lang == "zh" else a.tier + " customer", n=a.interval)
    if a.lifecycle == "Lost":
        return t(lang, "Lost customer, win-back call every {n} days: ask why they left",
                 "流失客户, 每 {n} 天电话回访, 了解流失原因", n=a.interval)
    if a.lifecycle == "Target":
        return t(lang, "Target customer, development visit every {n} days",
                 "目标客户, 每 {n} 天上门开发", n=a.interval)
    if a.lifecycle == "Prospect":
        return t(lang, "Prospect, follow-up call every {n} days", "潜在客户, 每 {n} 天电话跟进", n=a.interval)
    return t(lang, "no tier (no order in the value window), call every {n} days",
             "无等级 (统计期内无订单), 每 {n} 天电话联系", n=a.interval)


def _rows(active: list[_Account], asof: dt.date, lang: Lang) -> list[dict[str, Any]]:
    rows = []
    for a in active:
        prev, kind = a.last_contact, a.last_kind
        for n, d in enumerate(a.visits):
            parts = [_cadence_text(a, lang)]
            if prev is not None:
                en, zh = _KIND_WORDS[kind or "visit"]
                parts.append(t(lang, en, zh, d=prev.isoformat()))
            else:
                parts.append(t(lang, "no visit or order on record", "无拜访和订单记录"))
            if n == 0:
                due = a.due or asof
                parts.extend(h for h in a.hard if h)
            else:
                due = prev + dt.timedelta(days=a.interval) if prev else d
            parts.extend(a.notes)
            purpose = "; ".join(parts)
            if a.checks:
                purpose += t(lang, ". To do: {x}", "。事项: {x}", x=", ".join(a.checks) if lang == "en"
                             else "、".join(a.checks))
            rows.append({
                "date": d, "rep": a.rep, "stop": 0, "customer_id": a.customer_id, "customer": a.name,
                "tier": a.tier, "visit_type": a.channel, "purpose": purpose, "region": a.region,
                "address": a.address, "phone": a.phone, "days_overdue": max(0, (d - due).days),
                "due_date": due, "last_contact": prev, "customer_key": a.key,
                "_lat": a.lat, "_lon": a.lon, "_rank": a.rank,
            })
            prev, kind = d, "plan"
    return rows


def _route(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """Order each rep's day, number the stops 1..k, and build the frame."""
    cols = [c.key for c in VISIT_COLUMNS] + ["customer_key"]
    groups: dict[tuple[dt.date, str], list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault((row["date"], row["rep"]), []).append(row)
    ordered: list[dict[str, Any]] = []
    for gkey in sorted(groups):
        day = groups[gkey]
        onsite = [r for r in day if r["visit_type"] == ONSITE]
        phone = sorted((r for r in day if r["visit_type"] == PHONE),
                       key=lambda r: (r["_rank"], -r["days_overdue"], r["customer_key"]))
        for stop, row in enumerate(_order_stops(onsite) + phone, start=1):
            row["stop"] = stop
            ordered.append(row)
    out = pd.DataFrame([{c: r[c] for c in cols} for r in ordered], columns=cols)
    for c in ("date", "due_date", "last_contact"):
        out[c] = pd.to_datetime(out[c]).astype("datetime64[ns]")
    for c in ("stop", "days_overdue"):
        out[c] = out[c].astype("int64")
    return out


def _order_stops(day: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Region by region; within the day, the shortest path over coordinates, else by address."""
    day = sorted(day, key=lambda r: (r["region"], r["address"], r["customer_key"]))
    located = [r for r in day if not (math.isnan(r["_lat"]) or math.isnan(r["_lon"]))]
    if len(located) < 2:
        return day
    dist = routing.region_penalty(routing.haversine_matrix([r["_lat"] for r in located],
                                                           [r["_lon"] for r in located]),
                                  [r["region"] for r in located])
    path = routing.shortest_path(dist)
    if path[0] > path[-1]:  # a path and its reverse are equally short: start from the first in sort order
        path = path[::-1]
    located = [located[i] for i in path]
    # stops without coordinates follow the located stops of their region, regions in path order
    rest = [r for r in day if math.isnan(r["_lat"]) or math.isnan(r["_lon"])]
    regions = list(dict.fromkeys(r["region"] for r in located))
    regions += sorted({r["region"] for r in rest} - set(regions))
    return [r for reg in regions for r in located + rest if r["region"] == reg]


# --------------------------------------------------------------------------- UDF helper

def next_visit_date(last_contact: Any, tier: Any, risk_level: Any, asof: Any, *,
                    settings: Settings | None = None, calendar: WorkCalendar | None = None) -> dt.date:
    """The next working day a customer should be seen, by the plan's rules, capacity aside.

    ``tier`` and ``risk_level`` may be codes or their zh display forms; a customer
    without a tier gets the Small rhythm. No last contact means due now.
    """
    settings = settings if settings is not None else Settings()
    cal = calendar if calendar is not None else WorkCalendar.from_settings(settings)
    asof_d = _date(asof)
    if asof_d is None:
        raise ValueError(f"as-of date {asof!r} is not a date — give a date such as 2026-11-23")
    last = _date(last_contact)
    tier_c = _tier(tier)
    days = {"Key": settings.visit_days_key, "Major": settings.visit_days_major,
            "Regular": settings.visit_days_regular}.get(tier_c or "", settings.visit_days_small)
    due = last + dt.timedelta(days=int(days)) if last is not None else asof_d
    if _code(_text(risk_level)) == "High" and tier_c in ("Key", "Major", "Regular"):
        due = min(due, asof_d)  # the plan places High risk as early as capacity allows
    if tier_c == "Key":
        due = min(due, asof_d + dt.timedelta(days=int(settings.visit_days_key) - 1))
    return _first_day(due, asof_d, cal, last)


# --------------------------------------------------------------------------- iCalendar

def to_ics(plan: pd.DataFrame, rep: str, *, lang: Lang = "zh", asof: dt.date) -> str:
    """One rep's plan as an RFC 5545 calendar: one all-day VEVENT per visit or call.

    Deterministic: the UID hashes rep, date and customer; DTSTAMP is the as-of date.
    """
    asof_d = _date(asof)
    if asof_d is None:
        raise ValueError(f"as-of date {asof!r} is not a date — give a date such as 2026-11-23")
    stamp = asof_d.strftime("%Y%m%dT000000Z")
    name = t(lang, "Visit plan {rep}", "拜访计划 {rep}", rep=rep)
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//xlcrm//visit plan//EN", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH", "X-WR-CALNAME:" + _ics.escape_text(name)]
    mine = plan[plan["rep"].map(_text) == _text(rep)] if len(plan) else plan
    if len(mine):
        mine = mine.sort_values(["date", "stop"], kind="stable")
    for row in mine.to_dict("records"):
        day = _date(row.get("date"))
        if day is None:
            continue
        who = _text(row.get("customer_key")) or _text(row.get("customer_id")) or _text(row.get("customer"))
        uid = hashlib.sha1(f"{rep}|{day.isoformat()}|{who}".encode()).hexdigest()[:24]
        kind = _value(_text(row.get("visit_type")), lang)
        summary = f"{_text(row.get('stop'))}. {kind} {_text(row.get('customer'))}".strip()
        desc = [_text(row.get("purpose"))]
        for key, en, zh in (("customer_id", "Customer ID", "客户编号"), ("tier", "Tier", "客户等级"),
                            ("phone", "Phone", "电话"), ("days_overdue", "Days overdue", "逾期天数")):
            v = row.get(key)
            v = _value(_text(v), lang) if key == "tier" else _text(v)
            if v and not (key == "days_overdue" and v == "0"):
                desc.append(f"{t(lang, en, zh)}: {v}")
        lines += ["BEGIN:VEVENT", f"UID:{uid}@xlcrm", f"DTSTAMP:{stamp}",
                  f"DTSTART;VALUE=DATE:{day.strftime('%Y%m%d')}",
                  f"DTEND;VALUE=DATE:{(day + dt.timedelta(days=1)).strftime('%Y%m%d')}",
                  "SUMMARY:" + _ics.escape_text(summary)]
        if _text(row.get("address")):
            lines.append("LOCATION:" + _ics.escape_text(_text(row.get("address"))))
        lines += ["DESCRIPTION:" + _ics.escape_text("\n".join(desc)), "TRANSP:TRANSPARENT", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return _ics.join_lines(lines)


def ics_by_rep(plan: pd.DataFrame, *, lang: Lang = "zh", asof: dt.date) -> dict[str, str]:
    """rep -> that rep's calendar text (``to_ics``), for every rep in the plan, in name order."""
    reps = sorted({_text(r) for r in plan["rep"]} - {""}) if len(plan) else []
    return {rep: to_ics(plan, rep, lang=lang, asof=asof) for rep in reps}
