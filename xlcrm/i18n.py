"""zh/en labels shared across xlcrm: sheet names, enumerated values, yes/no.

The core computes enumerated values as English codes ("Key", "Repeat", "High");
``value(code, lang)`` turns them into what the workbook shows. Sentences that explain a
row ("why" columns) are built by each module in the requested language with ``t``.
Module-specific column headers live with their module as ``xlcrm.model.Column`` lists.
"""

from __future__ import annotations

from typing import Any

from xlcrm.model import Lang

# DESIGN.md section 4 (stable contract).
SHEETS: dict[str, tuple[str, str]] = {  # role -> (zh, en)
    "customers": ("客户分级", "CRM Customers"),
    "churn": ("流失预警", "CRM Churn"),
    "visits": ("拜访计划", "CRM Visits"),
    "complaints": ("投诉跟踪", "CRM Complaints"),
    "dashboard": ("客户看板", "CRM Dashboard"),
    "issues": ("数据问题", "CRM Data Issues"),
    "key_accounts": ("大客户名单", "CRM Key Accounts"),
    "winback": ("挽回名单", "CRM Win-back"),
    "history": ("分级历史", "CRM History"),
    "card": ("客户卡片", "CRM Customer Card"),  # DESIGN.md section 6
}

VALUES: dict[str, str] = {  # English code -> zh
    # tiers (value pyramid)
    "Key": "重要客户", "Major": "主要客户", "Regular": "普通客户", "Small": "小客户",
    # lifecycle
    "Non-customer": "非客户", "Prospect": "潜在客户", "Target": "目标客户", "New": "初次购买客户",
    "Repeat": "重复购买客户", "Loyal": "忠诚客户", "Lost": "流失客户",
    # risk levels
    "High": "高", "Medium": "中", "Low": "低",
    # yes/no
    "Yes": "是", "No": "否",
    # visit types
    "On-site": "上门", "Phone": "电话",
    # tier movement
    "Up": "上升", "Down": "下降", "Same": "不变", "Entered": "新进入", "Left": "退出",
    # RFM segments: the eight widely used names, by R, F and M each above/below its mean
    "Important Value": "重要价值客户", "Important Development": "重要发展客户",
    "Important Retention": "重要保持客户", "Important Win-back": "重要挽留客户",
    "General Value": "一般价值客户", "General Development": "一般发展客户",
    "General Retention": "一般保持客户", "General Win-back": "一般挽留客户",
}
_ZH_TO_EN = {zh: en for en, zh in VALUES.items()}


def sheet_name(role: str, lang: Lang) -> str:
    zh, en = SHEETS[role]
    return zh if lang == "zh" else en


def value(code: Any, lang: Lang) -> Any:
    """The display form of an enumerated value; anything else passes through."""
    if lang == "zh" and isinstance(code, str):
        return VALUES.get(code, code)
    return code


def code(text: Any) -> Any:
    """The English code of a displayed value (zh or en); anything else passes through."""
    if isinstance(text, str):
        return _ZH_TO_EN.get(text.strip(), text.strip())
    return text


def t(lang: Lang, en: str, zh: str, **fmt: Any) -> str:
    """Pick the sentence for the language and fill it: ``t(lang, "{n} days", "{n} 天", n=3)``."""
    return (zh if lang == "zh" else en).format(**fmt)


def detect_lang(headers: list[str]) -> Lang:
    """zh when most header text is Chinese, else en."""
    cjk = sum(any("\u4e00" <= ch <= "\u9fff" for ch in str(h)) for h in headers if h)
    total = sum(1 for h in headers if h)
    return "zh" if total and cjk * 2 >= total else "en"
