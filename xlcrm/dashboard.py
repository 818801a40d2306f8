"""The dashboard sheet (客户看板 / CRM Dashboard): key figures at A1, summaries beside them.

The Metric/Value table at A1 is the contract (issue 7): formulas such as
``=VLOOKUP("投诉率", xlcrm_dashboard, 2, FALSE)`` depend on its shape. Each row
says how it was computed in the Note column.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from xlcrm import churn as churn_mod
from xlcrm import classify
from xlcrm import complaints as complaints_mod
from xlcrm.i18n import t
from xlcrm.model import Column, Frames, Issue, Kind, Lang, TableSpec
from xlcrm.settings import Settings
from xlcrm.workbook.cells import column_letter

METRIC_COLUMNS = [  # Metric/Value first: =VLOOKUP("投诉率", xlcrm_dashboard, 2, FALSE) gives the value
    Column("metric", "Metric", "指标", width=28),
    Column("value", "Value", "数值", kind="number", width=18),
    Column("note", "Note", "说明", width=70),
]
TIER_COLUMNS = [
    Column("tier", "Tier", "客户等级", coded=True),
    Column("customers", "Customers", "客户数", kind="int"),
    Column("value", "Value", "价值", kind="money"),
    Column("share", "Share of Value", "价值占比", kind="pct", style="bar"),
]
LIFECYCLE_COLUMNS = [
    Column("lifecycle", "Lifecycle", "生命周期", coded=True),
    Column("customers", "Customers", "客户数", kind="int"),
]

# How each churn-cost row is computed (the textbook's chain, seed 003: 64,000 customers x 5%
# lost = 3,200; x 40,000 revenue = 128,000,000; x 10% margin = 12,800,000 of profit).
_CHURN_NOTES: dict[str, tuple[str, str]] = {
    "Customers who ordered": ("customers with at least one order", "至少有一笔订单的客户"),
    "Lost customers": ("lifecycle Lost: no order for longer than their own rhythm allows",
                       "生命周期为流失客户：超过自身下单节奏未下单"),
    "Lost share": ("lost customers / customers who ordered", "流失客户数 / 下单客户数"),
    "Yearly revenue per lost customer": ("average yearly revenue of the lost customers while they bought",
                                         "流失客户在购买期间的平均年销售额"),
    "Revenue lost a year (customers x share x revenue)": (
        "the textbook's chain: customers x lost share x revenue each",
        "教材算法：客户数 × 流失率 × 每客年销售额（例：64000 × 5% × 40000 = 128000000）"),
    "Margin": ("profit / revenue where profit or cost is given", "有毛利或成本的订单：毛利 / 销售额"),
    "Profit lost a year (revenue lost x margin)": ("revenue lost a year x margin",
                                                   "每年流失的销售额 × 利润率（例：128000000 × 10% = 12800000）"),
    "High-risk customers now": ("Churn Risk >= {high:g}", "流失风险 >= {high:g}"),
    "Expected loss, next 12 months": ("sum over customers of value at stake x churn probability",
                                      "各客户 可能损失的价值 × 流失概率 之和"),
}

_TIERS = ["Key", "Major", "Regular", "Small"]
_LIFECYCLES = ["Prospect", "Target", "New", "Repeat", "Loyal", "Lost", "Non-customer"]


def anchor_right_of(columns: list[Column], *, row: int = 1, start_col: int = 1, gap: int = 1) -> str:
    """The cell to anchor a table one ``gap`` column right of a table of ``columns`` starting at ``start_col``."""
    return f"{column_letter(start_col + len(columns) + gap)}{row}"


def _metric_rows(rows: list[tuple[str, float, str, Kind]]) -> tuple[pd.DataFrame, list[Kind]]:
    frame = pd.DataFrame([{"metric": m, "value": v, "note": n} for m, v, n, _k in rows],
                         columns=["metric", "value", "note"])
    return frame, [k for *_x, k in rows]


def build(*, frames: Frames, customers: pd.DataFrame, churn: pd.DataFrame, complaints: pd.DataFrame,
          plan: pd.DataFrame, unplaced: pd.DataFrame, issues: list[Issue], settings: Settings,
          asof: dt.date, lang: Lang) -> list[TableSpec]:
    """The dashboard's tables, the Metric/Value table first (at A1)."""
    rows: list[tuple[str, float, str, Kind]] = []

    def add(en: str, zh: str, val: float, note_en: str, note_zh: str, kind: Kind = "int") -> None:
        rows.append((t(lang, en, zh), float(val), t(lang, note_en, note_zh), kind))

    n_customers = len(customers)
    tiered = customers["tier"].notna() & (customers["tier"] != "") if "tier" in customers else pd.Series(dtype=bool)
    add("Customers", "客户数", n_customers, "customers in the orders or the customer master",
        "订单或客户档案中的客户")
    add("Customers in the value window", "统计期内有订单的客户", int(tiered.sum()),
        f"an order in the {settings.value_window_days} days to the as-of date (ranked in the pyramid)",
        f"统计日期前 {settings.value_window_days} 天内有订单（参与金字塔排名）")
    if "revenue_12m" in customers:
        add("Revenue, last 12 months", "近 12 个月销售额", customers["revenue_12m"].sum(),
            "sum of order amounts in the 365 days to the as-of date", "统计日期前 365 天订单金额合计", "money")
    for en, zh, val, kind in churn_mod.churn_cost_summary(customers, churn, settings, lang):
        note_en, note_zh = _CHURN_NOTES.get(en, ("", ""))
        rows.append((t(lang, en, zh), float(val), t(lang, note_en, note_zh, high=settings.risk_high),
                     kind))  # type: ignore[arg-type]
    metrics = complaints_mod.metrics(frames, complaints, settings, asof, lang)
    for rec in metrics.to_dict("records"):
        rows.append((rec["metric"], float(rec["value"]) if pd.notna(rec["value"]) else float("nan"),
                     rec.get("note", ""), rec.get("kind", "number")))
    add("Visits planned", "计划拜访次数", len(plan),
        f"in the {settings.plan_days} days from the as-of date", f"统计日期起 {settings.plan_days} 天内")
    add("Visits not placed", "未能安排的拜访", len(unplaced), "over capacity or without a rep: see the visit sheet",
        "超出拜访能力或无业务员：见拜访计划表")
    add("Data issues", "数据问题", len(issues), "cells that could not be read: see the data issues sheet",
        "无法读取的单元格：见数据问题表")
    metric_frame, kinds = _metric_rows(rows)
    tables = [TableSpec("xlcrm_dashboard", metric_frame, METRIC_COLUMNS, anchor="A1", row_kinds=kinds)]

    # Beside it: the pyramid, lifecycle counts, complaint categories, repeat complainers, migration.
    col = 1 + len(METRIC_COLUMNS) + 1
    blocks: list[tuple[str, pd.DataFrame, list[Column], str, str]] = []
    if "tier" in customers:
        total = customers.loc[tiered, "value"].sum() if "value" in customers else 0.0
        tier_rows = []
        for tier in _TIERS:
            sel = customers["tier"] == tier
            v = float(customers.loc[sel, "value"].sum()) if "value" in customers else 0.0
            tier_rows.append({"tier": tier, "customers": int(sel.sum()), "value": v,
                              "share": v / total if total else 0.0})
        blocks.append(("xlcrm_dashboard_tiers", pd.DataFrame(tier_rows), TIER_COLUMNS,
                       "Value pyramid", "客户价值金字塔"))
    if "lifecycle" in customers:
        counts = customers["lifecycle"].value_counts()
        life = pd.DataFrame([{"lifecycle": lc, "customers": int(counts.get(lc, 0))} for lc in _LIFECYCLES])
        blocks.append(("xlcrm_dashboard_lifecycle", life, LIFECYCLE_COLUMNS, "Lifecycle", "客户生命周期"))
    blocks.append(("xlcrm_dashboard_categories", complaints_mod.pareto(complaints, lang),
                   complaints_mod.PARETO_COLUMNS, "Complaint categories (Pareto)", "投诉类别（帕累托）"))
    blocks.append(("xlcrm_dashboard_repeat", complaints_mod.repeat_complainers(complaints, settings, asof, lang),
                   complaints_mod.REPEAT_COLUMNS, "Repeat complainers", "重复投诉客户"))
    blocks.append(("xlcrm_dashboard_migration", classify.migration(customers, lang), classify.MIGRATION_COLUMNS,
                   "Tier movement since the last refresh", "与上次相比的等级变动"))
    for name, frame, columns, en, zh in blocks:
        tables.append(TableSpec(name, frame.reset_index(drop=True), columns, anchor=f"{column_letter(col)}2",
                                title=t(lang, en, zh)))
        col += len(columns) + 1
    return tables
