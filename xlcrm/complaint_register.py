"""The complaint register the user fills (投诉登记): its columns, drop-down lists, and
how its entries are read (categories, severities, yes/no steps), plus consistency checks
for the data-issues sheet.

The form follows seed 003 (company, address, phone, reason, the recorder's signature),
extended with the fields the seven steps and the deadlines need. Categories are seed 003's
three causes (product quality, service attitude, misleading promises) plus delivery and
other. ``REGISTER_TEMPLATE`` gives the zh headers and zh drop-down values;
``register_template(lang)`` gives either language. Both are read back by the schema.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pandas as pd

from xlcrm.i18n import t
from xlcrm.model import Frames, Issue, Lang
from xlcrm.satisfaction import LEVELS, satisfaction_level

__all__ = ["CATEGORIES", "SEVERITIES", "REGISTER_TEMPLATE", "register_template", "category_code",
           "severity_code", "register_issues"]

CATEGORIES: dict[str, str] = {"Product quality": "产品质量", "Service attitude": "服务态度",
                              "Misleading promise": "虚假承诺", "Delivery": "送货", "Other": "其他"}
SEVERITIES: dict[str, str] = {"Minor": "轻微", "Normal": "一般", "Severe": "严重"}

_CATEGORY_WORDS: dict[str, tuple[str, ...]] = {
    "Product quality": ("产品质量", "质量", "质量问题", "产品", "productquality", "quality", "product"),
    "Service attitude": ("服务态度", "态度", "服务", "服务问题", "serviceattitude", "attitude", "service"),
    "Misleading promise": ("虚假承诺", "承诺", "虚假宣传", "受骗上当", "misleadingpromise", "promise",
                           "brokenpromise", "misleading"),
    "Delivery": ("送货", "交货", "物流", "配送", "发货", "送货问题", "delivery", "logistics", "shipping"),
    "Other": ("其他", "其它", "other", "others"),
}
_SEVERITY_WORDS: dict[str, tuple[str, ...]] = {
    "Minor": ("轻微", "轻", "低", "minor", "low"),
    "Normal": ("一般", "中", "普通", "normal", "medium", "moderate"),
    "Severe": ("严重", "重大", "紧急", "高", "重", "severe", "high", "critical", "urgent", "major"),
}

# The register the user fills (投诉登记): (zh header, en header, drop-down values or None).
REGISTER_TEMPLATE: list[tuple[str, str, list[str] | None]] = [
    ("投诉编号", "Complaint ID", None),
    ("受理日期", "Received", None),
    ("客户编号", "Customer ID", None),
    ("客户名称", "Customer", None),
    ("联系电话", "Phone", None),
    ("地址", "Address", None),
    ("投诉类别", "Category", list(CATEGORIES.values())),
    ("投诉内容", "Details", None),
    ("产品", "Product", None),
    ("规格", "Specification", None),
    ("批号", "Batch", None),
    ("严重程度", "Severity", list(SEVERITIES.values())),
    ("记录人", "Recorded By", None),
    ("处理人", "Handler", None),
    ("首次答复日期", "First Response", None),
    ("处理方案", "Solution", None),
    ("审批", "Approval", ["同意", "不同意"]),
    ("客户确认", "Customer Confirmed", ["已确认", "未确认"]),
    ("执行情况", "Execution", ["已执行", "执行中"]),
    ("结案日期", "Closed", None),
    ("补偿", "Compensation", None),
    ("客户满意度", "Satisfaction", [zh for zh, _ in LEVELS.values()]),
    ("回访日期", "Follow-up Date", None),
    ("期望得分", "Expectation", None),
    ("感知得分", "Perception", None),
]
_EN_VALUES = {"同意": "Approved", "不同意": "Not approved", "已确认": "Confirmed", "未确认": "Not confirmed",
              "已执行": "Carried out", "执行中": "In progress",
              **{zh: en for en, zh in CATEGORIES.items()}, **{zh: en for en, zh in SEVERITIES.items()},
              **{zh: en for en, (zh, _) in LEVELS.items()}}


def register_template(lang: Lang) -> list[tuple[str, list[str] | None]]:
    """The register's headers and drop-down values in one language (both are read back)."""
    out = []
    for zh, en, values in REGISTER_TEMPLATE:
        if lang == "zh":
            out.append((zh, values))
        else:
            out.append((en, None if values is None else [_EN_VALUES[v] for v in values]))
    return out



_NEGATIVE_PREFIX = ("未", "不", "否", "待", "拒", "没", "暂无", "尚未")
_NEGATIVE_WORDS = {"no", "n", "not", "false", "0", "none", "pending", "rejected", "notapproved",
                   "notconfirmed", "unconfirmed", "notdone", "notstarted", "inprogress", "open",
                   "declined", "refused", "无", "x", "×"}


# ---------------------------------------------------------------- small readers
def _missing(value: Any) -> bool:
    if value is None or value is pd.NaT:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    if isinstance(value, str) and not value.strip():
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _done(value: Any) -> bool:
    """A step's text field counts when filled and not a 'no' (未确认, 不同意, 执行中, pending)."""
    if _missing(value) or value is False:
        return False
    if not isinstance(value, str):
        return not (isinstance(value, (int, float)) and value == 0)  # a 0 typed for "no"
    text = "".join(value.split()).lower()
    if _placeholder(text) or text.startswith(_NEGATIVE_PREFIX) or text.replace("-", "") in _NEGATIVE_WORDS:
        return False
    return not (text.endswith("中") or "进行" in text or "in progress" in value.lower())


_UNASSIGNED = {"无", "待定", "未定", "未分配", "待分配", "暂无", "none", "n/a", "na", "tbd", "tba", "unassigned"}


def _placeholder(text: str) -> bool:
    """Text that stands for an empty cell: only punctuation ("-", "/", "—")."""
    return not any(ch.isalnum() for ch in text)


def _unassigned(value: Any) -> bool:
    """No handler: a blank cell, a dash or slash, or a word for "nobody yet" (待定, 未分配, TBD)."""
    if _missing(value):
        return True
    if not isinstance(value, str):
        return False
    text = "".join(value.split()).lower()
    return _placeholder(text) or text in _UNASSIGNED


def _date(value: Any) -> dt.date | None:
    if _missing(value):
        return None
    if isinstance(value, dt.datetime):  # also pd.Timestamp
        return value.date()
    if isinstance(value, dt.date):
        return value
    return None


def _match(value: Any, words: dict[str, tuple[str, ...]]) -> str | None:
    if _missing(value) or not isinstance(value, str):
        return None
    text = "".join(value.split()).lower().replace("_", "").replace("-", "")
    for code, options in words.items():
        if text in options:
            return code
    return None


def category_code(value: Any) -> str | None:
    """The category code of a register entry (zh or en, common synonyms), or None."""
    return _match(value, _CATEGORY_WORDS)


def severity_code(value: Any) -> str | None:
    """Minor / Normal / Severe from a register entry (轻微/一般/严重, high/low, ...), or None."""
    return _match(value, _SEVERITY_WORDS)


def _col(frame: pd.DataFrame, key: str) -> list[Any]:
    if key in frame.columns:
        return frame[key].tolist()
    return [None] * len(frame)


def _fmt(day: dt.date | None) -> str:
    return "" if day is None else day.isoformat()


def register_issues(frames: Frames, asof: dt.date, lang: Lang,
                    columns: dict[str, str] | None = None) -> list[Issue]:
    """Rows of the register that are readable but inconsistent, for the data-issues sheet.

    ``columns`` maps a field key to its column letter in the register ("received" -> "B")
    so the cell reads like B7; without it the whole row is named (7:7).
    """
    raw = frames.complaints
    if raw is None or len(raw) == 0:
        return []
    fields = ["complaint_id", "received", "first_response", "closed", "followup_date", "category",
              "severity", "satisfaction", "source_sheet", "source_row"]
    rows = [dict(zip(fields, v)) for v in zip(*(_col(raw, f) for f in fields))]
    seen: dict[str, Any] = {}
    out: list[Issue] = []

    def add(row: dict[str, Any], field: str, problem: tuple[str, str], fix: tuple[str, str], **fmt: Any):
        sheet = "" if _missing(row["source_sheet"]) else str(row["source_sheet"])
        line = "" if _missing(row["source_row"]) else str(int(row["source_row"]))
        letter = (columns or {}).get(field)
        cell = f"{letter}{line}" if letter and line else (f"{line}:{line}" if line else "")
        out.append(Issue(sheet, cell, t(lang, *problem, **fmt), t(lang, *fix, **fmt)))

    for row in rows:
        received, responded, closed = _date(row["received"]), _date(row["first_response"]), _date(row["closed"])
        follow = _date(row["followup_date"])
        if received is None:
            add(row, "received", ("complaint has no received date: no deadlines, not in the Complaint Rate",
                                  "投诉没有受理日期：无法计算期限，不计入投诉率"),
                ("enter the date the complaint came in", "填写受理投诉的日期"))
        elif received > asof:
            add(row, "received", ("received {d} is after the as-of date {a}: left out",
                                  "受理日期 {d} 晚于统计日期 {a}：未计入"),
                ("check the date, or set a later as-of date", "核对日期，或调整统计日期"),
                d=_fmt(received), a=_fmt(asof))
        for field, day, name in (("first_response", responded, ("first response", "首次答复日期")),
                                 ("closed", closed, ("closing date", "结案日期"))):
            if received is not None and day is not None and day < received:
                add(row, field, ("{n} {d} is before the received date {r}", "{n} {d} 早于受理日期 {r}"),
                    ("correct one of the two dates", "更正其中一个日期"),
                    n=name[0] if lang == "en" else name[1], d=_fmt(day), r=_fmt(received))
        if closed is not None and follow is not None and follow < closed:
            add(row, "followup_date", ("follow-up {f} is before the closing date {c}",
                                       "回访日期 {f} 早于结案日期 {c}"),
                ("correct one of the two dates", "更正其中一个日期"), f=_fmt(follow), c=_fmt(closed))
        if not _missing(row["category"]) and category_code(row["category"]) is None:
            add(row, "category", ('category "{v}" is not one of the list', '投诉类别"{v}"不在列表中'),
                ("choose 产品质量/服务态度/虚假承诺/送货/其他 (the Pareto shows it as typed)",
                 "从 产品质量/服务态度/虚假承诺/送货/其他 中选择（帕累托图按原文统计）"), v=row["category"])
        if not _missing(row["severity"]) and severity_code(row["severity"]) is None:
            add(row, "severity", ('severity "{v}" is not 轻微/一般/严重', '严重程度"{v}"不是 轻微/一般/严重'),
                ("choose 轻微, 一般 or 严重 (only 严重 gets a same-day deadline)",
                 "选择 轻微、一般 或 严重（严重投诉须当日答复）"), v=row["severity"])
        if not _missing(row["satisfaction"]) and satisfaction_level(row["satisfaction"]) is None:
            add(row, "satisfaction", ('satisfaction "{v}" is not one of the five levels: not counted',
                                      '满意度"{v}"不是五级之一：不计入不满率'),
                ("choose 高度满意/一般满意/无意见/有些不满意/极不满意, or a score 1-5",
                 "选择 高度满意/一般满意/无意见/有些不满意/极不满意，或填 1-5 分"), v=row["satisfaction"])
        cid = row["complaint_id"]
        if not _missing(cid):
            if str(cid).strip() in seen:
                add(row, "complaint_id", ('complaint ID "{v}" is used twice (also row {o})',
                                          '投诉编号"{v}"重复（另见第 {o} 行）'),
                    ("give each complaint its own ID; both rows are counted", "每件投诉一个编号；两行都会计入"),
                    v=cid, o=seen[str(cid).strip()])
            else:
                seen[str(cid).strip()] = row["source_row"]
    return out
