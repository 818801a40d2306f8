"""Thresholds users can change, with documented defaults (DESIGN.md invariant 6).

Each setting has a key (used in code and in config files), a zh and an en label (either
may be typed in the 设置/Settings sheet, column 设置项/Setting and 值/Value), a default and
a help line. ``Settings.from_mapping`` reads what the workbook gives; a value that cannot
be used becomes a data issue and the default stays.

Add a setting by appending a ``Setting`` to the list of its area below.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xlcrm.model import Issue
from xlcrm.parsing import EXCLUDED_STATUS_WORDS, currency_code, is_no, is_yes
from xlcrm.workbook.cells import parse_date


@dataclass(frozen=True)
class Setting:
    key: str
    zh: str
    en: str
    default: Any
    help: str
    # "float", "int", "pct" (accepts 1%, 0.01 or 1), "bool", "text", "date", "dates" (list), "list",
    # "map" (name = text pairs), "rates" (currency = positive number pairs)
    type: str = "float"


GENERAL = [
    Setting("lang", "语言", "Language", "", "zh or en; empty = from the workbook's headers", "text"),
    Setting("currency", "货币", "Currency", "¥", "currency symbol used in labels", "text"),
    Setting("asof", "统计日期", "As-of date", None,
            "figures as of this date (orders after it are ignored); empty = today; --asof wins", "date"),
]

CLASSIFY = [
    Setting("value_window_days", "价值统计天数", "Value window days", 365,
            "orders after as-of minus this many days count for value, tier, ABC and RFM", "int"),
    Setting("tier_key_share", "重要客户比例", "Key share", 0.01, "top share of ranked customers that are Key", "pct"),
    Setting("tier_major_share", "主要客户累计比例", "Major cumulative share", 0.20,
            "Key + Major together (textbook: top 20%)", "pct"),
    Setting("tier_regular_share", "普通客户累计比例", "Regular cumulative share", 0.50,
            "Key + Major + Regular together (textbook: top 50%)", "pct"),
    Setting("abc_a_share", "A类累计价值比例", "ABC A cumulative value", 0.80, "A up to this share of value", "pct"),
    Setting("abc_b_share", "B类累计价值比例", "ABC B cumulative value", 0.95, "B up to this share of value", "pct"),
    Setting("loyal_quarters", "忠诚客户连续季度", "Loyal quarters", 4,
            "Loyal: an order in each of this many last quarters", "int"),
    Setting("loyal_min_orders", "忠诚客户年订单数", "Loyal orders in 12 months", 6,
            "Loyal: at least this many orders in the last 12 months", "int"),
    Setting("lost_min_days", "流失最少天数", "Lost after days", 180,
            "Lost: no order for more than max(this, multiple x own median gap)", "int"),
    Setting("lost_gap_multiple", "流失间隔倍数", "Lost gap multiple", 3.0,
            "Lost: multiple of the customer's own median days between orders", "float"),
    Setting("key_account_cap", "大客户名单上限", "Key account cap", 25, "most accounts on the key-account list", "int"),
    Setting("key_account_min_orders", "大客户最少订单数", "Key account min orders", 4,
            "orders in the value window a key account needs", "int"),
    Setting("concentration_share", "集中度风险比例", "Concentration share", 0.10,
            "a customer above this share of all value is a concentration risk", "pct"),
    Setting("history_keep", "保留历史次数", "History snapshots kept", 24,
            "how many earlier refreshes the history sheet keeps", "int"),
    Setting("margin_low_ratio", "低毛利倍数", "Low margin ratio", 0.5,
            "bad signal: margin below this multiple of the margin of all customers", "float"),
    Setting("margin_high_ratio", "高毛利倍数", "High margin ratio", 1.5,
            "good signal: margin above this multiple of the margin of all customers", "float"),
    Setting("service_cost_multiple", "服务成本倍数", "Service cost multiple", 2.0,
            "bad signal: complaints per order or return rate above this multiple of all customers'", "float"),
    Setting("growth_signal", "增长信号比例", "Growth signal", 0.5,
            "good signal: revenue in the value window up by more than this on the window before", "pct"),
]

CHURN = [
    Setting("risk_high", "高风险阈值", "High risk from", 70, "Churn Risk at or above this is High", "float"),
    Setting("risk_medium", "中风险阈值", "Medium risk from", 40, "Churn Risk at or above this is Medium", "float"),
    Setting("recent_days", "近期对比天数", "Recent period days", 90,
            "falling spend: this many recent days against the customer's own past", "int"),
    Setting("departed_reps", "离职业务员", "Departed reps", [], "reps who have left, separated by , or 、", "list"),
    Setting("receivable_grace_days", "应收宽限天数", "Receivable grace days", 0,
            "a receivable is overdue this many days after its due date", "int"),
    Setting("churn_horizon_days", "流失预测天数", "Churn horizon days", 0,
            "Churn Risk is the chance of no order in this many days; 0 = each customer's own window"
            " (3 usual gaps between its orders, 30-365 days)", "int"),
    Setting("rep_idle_days", "业务员无单天数", "Rep idle days", 180,
            "a rep with no order at all in this many days (while others sell) counts as gone", "int"),
    Setting("signal_window_days", "预警回看天数", "Signal look-back days", 365,
            "complaints, delivery problems and late payments within this many days count", "int"),
]

VISITS = [
    Setting("visit_days_key", "重要客户拜访间隔", "Key visit every days", 7, "days between visits to Key customers", "int"),
    Setting("visit_days_major", "主要客户拜访间隔", "Major visit every days", 14, "days between visits to Major customers", "int"),
    Setting("visit_days_regular", "普通客户拜访间隔", "Regular visit every days", 30, "days between visits to Regular customers", "int"),
    Setting("visit_days_small", "小客户联系间隔", "Small contact every days", 90, "days between phone calls to Small customers", "int"),
    Setting("high_risk_within_days", "高风险客户拜访期限", "High risk visit within days", 7,
            "High-risk Key/Major/Regular customers are visited within this many days", "int"),
    Setting("complaint_followup_workdays", "投诉回访工作日", "Complaint follow-up workdays", 2,
            "follow up a resolved complaint within this many working days", "int"),
    Setting("plan_days", "计划天数", "Plan horizon days", 28, "the plan covers this many days from the as-of date", "int"),
    Setting("visits_per_day", "每人每日拜访数", "Visits per rep per day", 6, "capacity of one rep on one working day", "int"),
    Setting("holidays", "节假日", "Holidays", [], "extra days off (dates separated by , or newlines)", "dates"),
    Setting("workdays", "调休工作日", "Extra working days", [], "weekend days that are working days", "dates"),
    Setting("visit_days_lost", "流失客户联系间隔", "Lost contact every days", 90,
            "days between win-back phone calls to Lost customers without a tier; 0 = not planned", "int"),
    Setting("visit_days_prospect", "潜在客户联系间隔", "Prospect contact every days", 30,
            "days between visits to Target (on site) and Prospect (phone) customers; 0 = not planned", "int"),
    Setting("complaint_followup_lookback_days", "投诉回访追溯天数", "Complaint follow-up lookback days", 90,
            "complaints resolved longer ago than this get no follow-up visit any more", "int"),
]

COMPLAINTS = [
    Setting("response_same_day_tiers", "当日答复等级", "Same-day response tiers", ["Key", "Major"],
            "tiers whose complaints get a first response the same day", "list"),
    Setting("resolution_days", "结案期限天数", "Resolution days", 7, "a complaint is resolved within this many days", "int"),
    Setting("escalate_open_days", "升级天数", "Escalate after days open", 14,
            "a complaint open longer than this goes to a director", "int"),
    Setting("repeat_complaints", "重复投诉次数", "Repeat complainer count", 2,
            "a customer with this many complaints in 12 months is a repeat complainer", "int"),
]

READING = [
    Setting("column_mapping", "字段映射", "Column mapping", {},
            "field = header as typed in the workbook, e.g. 金额 = 实收金额 (one per row below this label, or "
            "separated by ;)", "map"),
    Setting("excluded_statuses", "排除状态", "Excluded statuses", list(EXCLUDED_STATUS_WORDS),
            "order lines whose status contains one of these words are left out of revenue", "list"),
    Setting("exchange_rates", "汇率", "Exchange rates", {},
            "currency = rate to the base currency (货币), e.g. USD = 7.1; lines in a currency without a rate "
            "are left out", "rates"),
    Setting("month_first", "日期月份在前", "Month-first dates", False,
            "text dates like 01/05/2024 are month/day/year (else they are data issues)", "bool"),
]

ALL: list[Setting] = GENERAL + CLASSIFY + CHURN + VISITS + COMPLAINTS + READING
BY_KEY: dict[str, Setting] = {s.key: s for s in ALL}


def _norm(label: str) -> str:
    return re.sub(r"[\s_\-()（）:：]+", "", str(label)).lower()


_BY_LABEL: dict[str, Setting] = {}
for _s in ALL:
    for _label in (_s.key, _s.zh, _s.en):
        _BY_LABEL[_norm(_label)] = _s


def is_setting_label(label: str) -> bool:
    return _norm(label) in _BY_LABEL


class Settings:
    """Values of every setting; attribute access by key (``settings.tier_key_share``)."""

    def __init__(self, **values: Any) -> None:
        self._values = {s.key: s.default for s in ALL}
        for key, value in values.items():
            if key not in BY_KEY:
                raise KeyError(f"unknown setting {key!r}")
            self._values[key] = value

    def __getattr__(self, key: str) -> Any:
        try:
            return self.__dict__["_values"][key]
        except KeyError:
            raise AttributeError(key) from None

    def replace(self, **values: Any) -> Settings:
        merged = dict(self._values)
        merged.update(values)
        return Settings(**merged)

    def as_dict(self) -> dict[str, Any]:
        return dict(self._values)

    def __repr__(self) -> str:
        changed = {k: v for k, v in self._values.items() if v != BY_KEY[k].default}
        return f"Settings({changed})"

    @classmethod
    def from_mapping(
        cls, raw: Mapping[str, Any], *, sheet: str = "Settings", cells: Mapping[str, str] | None = None,
        base: Settings | None = None, lang: str = "en",
    ) -> tuple[Settings, list[Issue]]:
        """Parse user-typed settings (label or key -> value). Unknown labels and bad values become issues.

        ``cells`` maps a label to the cell address holding its value, for the issue text.
        """
        values = dict((base or cls())._values)
        issues: list[Issue] = []
        for label, value in raw.items():
            where = (cells or {}).get(label, "")
            setting = _BY_LABEL.get(_norm(label))
            if setting is None:
                if lang == "zh":
                    issues.append(Issue(sheet, where, f"未知的设置项“{label}”",
                                        "请使用 README（设置）或使用说明中列出的名称，或删除该行"))
                else:
                    issues.append(Issue(sheet, where, f'unknown setting "{label}"',
                                        "use a name listed in the README (settings), or delete the row"))
                continue
            if value is None or (isinstance(value, str) and not value.strip()):
                continue
            try:
                values[setting.key] = _convert(setting, value)
            except (TypeError, ValueError) as exc:
                if lang == "zh":
                    issues.append(Issue(sheet, where, f"“{value}”不是有效的{setting.zh}（{exc}）",
                                        f"请填写：{setting.help}；现按默认值 {_shown(setting.default)} 计算"))
                else:
                    issues.append(Issue(sheet, where, f'"{value}" is not a valid {setting.en} ({exc})',
                                        f"enter {setting.help}; the default {_shown(setting.default)} is used"))
        return cls(**values), issues

    @classmethod
    def from_file(cls, path: str | Path) -> tuple[Settings, list[Issue]]:
        """Settings for batch runs from a .toml or .json file (keys or labels)."""
        path = Path(path)
        text = path.read_text(encoding="utf-8")
        raw = tomllib.loads(text) if path.suffix.lower() == ".toml" else json.loads(text)
        if not isinstance(raw, dict):  # e.g. a JSON list: was an AttributeError traceback
            raise ValueError("the file must hold settings as name = value pairs (a JSON object)")
        if isinstance(raw.get("xlcrm"), dict):
            raw = raw["xlcrm"]
        return cls.from_mapping(raw, sheet=path.name)


def _shown(value: Any) -> str:
    if isinstance(value, dict):
        return "; ".join(f"{k} = {v}" for k, v in value.items()) or "-"
    if isinstance(value, list):
        return ", ".join(map(str, value)) or "-"
    if isinstance(value, float) and value < 1:
        return f"{value:g}"
    return "-" if value is None else str(value)


def _split(value: Any) -> list[Any]:
    if isinstance(value, (list, tuple)):
        return list(value)
    return [p.strip() for p in re.split(r"[,，、;；\n]+", str(value)) if p.strip()]


_PAIR = re.compile(r"^\s*(.+?)\s*(?:=|＝|:|：|->|→)\s*(.+?)\s*$")


def _pairs(value: Any) -> dict[str, str]:
    """{name: text} from a dict (config file, settings section) or "a = b; c = d" text."""
    if isinstance(value, Mapping):
        out = {str(k).strip(): v for k, v in value.items() if str(k).strip() and v is not None and str(v).strip()}
        return {k: (v if isinstance(v, (int, float)) else str(v).strip()) for k, v in out.items()}
    pairs: dict[str, str] = {}
    for part in re.split(r"[;；\n]+|[,，](?=[^,，]*[=＝:：])", str(value)):
        if not part.strip():
            continue
        m = _PAIR.match(part)
        if not m:
            raise ValueError(f'"{part.strip()}" is not "name = value"')
        pairs[m.group(1)] = m.group(2)
    return pairs


def _number(value: Any) -> float:
    if isinstance(value, bool):
        raise ValueError("not a number")
    if isinstance(value, (int, float)):
        return float(value)
    text = str(value).strip().replace(",", "")
    if text.endswith("%"):
        return float(text[:-1]) / 100
    return float(text)


def _convert(setting: Setting, value: Any) -> Any:
    t = setting.type
    if t == "text":
        return str(value).strip()
    if t == "list":
        return [str(v) for v in _split(value)]
    if t == "date":
        return _to_date(value)
    if t == "dates":
        return [_to_date(v) for v in _split(value)]
    if t == "map":
        return _pairs(value)
    if t == "rates":
        rates = {}
        for k, v in _pairs(value).items():
            code = currency_code(k) or k.strip().upper()
            rate = _number(v)
            if not math.isfinite(rate) or rate <= 0:
                raise ValueError(f"{k}: the rate must be a positive number")
            rates[code] = rate
        return rates
    if t == "bool":
        text = str(value).strip().lower()
        if is_yes(value) or text in {"开", "on"}:
            return True
        if is_no(value) or text in {"关", "off"}:
            return False
        raise ValueError("expected yes/no")
    number = _number(value)
    if not math.isfinite(number):
        raise ValueError("not a finite number")
    if t == "pct":
        if isinstance(value, str) and value.strip().endswith("%"):
            pass
        elif number > 1:
            number /= 100  # "20" typed for 20%
        if not 0 <= number <= 1:
            raise ValueError("must be between 0% and 100%")
        return number
    if t == "int":
        if number != int(number) or number < 0:
            raise ValueError("must be a whole number >= 0")
        return int(number)
    if number < 0:
        raise ValueError("must be >= 0")
    return number


def _to_date(value: Any) -> dt.date:
    """A date typed in any form the reader accepts (2026/12/1, 2026年12月1日, a serial...)."""
    stamp = parse_date(value)  # raises ValueError for what is not a date
    if stamp is None:
        raise ValueError("empty")
    return stamp.date()


def defaults_table() -> list[tuple[str, str, str, Any, str]]:
    """(key, zh, en, default, help) rows: for the README and the demo settings sheet."""
    return [(s.key, s.zh, s.en, s.default, s.help) for s in ALL]
