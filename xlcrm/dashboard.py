"""The dashboard sheet (客户看板 / CRM Dashboard): key figures at A1, charts beside them, tables below.

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
from xlcrm.model import ChartSpec, Column, Frames, Issue, Kind, Lang, TableSpec
from xlcrm.settings import Settings
from xlcrm.workbook.cells import column_letter

METRIC_COLUMNS = [  # Metric/Value first: =VLOOKUP("投诉率", xlcrm_dashboard, 2, FALSE) gives the value
    Column("metric", "Metric", "指标", width=30),
    Column("value", "Value", "数值", kind="number", width=16),
    Column("note", "Note", "说明", width=44),
]
TIER_COLUMNS = [
    Column("tier", "Tier", "客户等级", coded=True),
    Column("customers", "Customers", "客户数", kind="int"),
    Column("value", "Value", "价值", kind="money"),
    Column("share_customers", "Share of Customers", "客户占比", kind="pct"),
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
    "High-risk customers now": ("active customers (not Lost) with Churn Risk >= {high:g}; Lost ones are counted apart",
                                "未流失且流失风险 >= {high:g} 的客户; 已流失客户另计"),
    "Expected loss of high-risk customers": ("sum of Expected Loss over the high-risk active customers",
                                             "未流失高风险客户的预计损失之和"),
    "Expected loss, next 12 months": ("sum over customers of value at stake x churn probability",
                                      "各客户 可能损失的价值 × 流失概率 之和"),
}

_CHURN_NOTES.update({
    "Customers active 12 months ago": (
        "first order by {d1} and an order on or after {d0}: customers a year ago",
        "{d1} 前已有首单、且 {d0} 以后下过单：一年前在册的客户"),
    "Of them lost now": ("of the customers active 12 months ago, lifecycle Lost on {asof}",
                         "一年前在册的客户中，{asof} 生命周期为流失客户的"),
    "Yearly churn rate (last 12 months)": (
        "lost now / active 12 months ago, window {d1} to {asof}: the rate the chain below uses",
        "现已流失 / 一年前在册，统计区间 {d1} 至 {asof}：下面的算法用这个年流失率"),
    "Lost share": ("lost customers / customers who ordered, over all the history (not a yearly rate)",
                   "流失客户数 / 下单客户数，全部历史（不是年流失率）"),
    "Revenue lost a year (customers x share x revenue)": (
        "the textbook's chain on a yearly basis: customers active 12 months ago x yearly churn rate x "
        "yearly revenue per lost customer",
        "教材算法（按年）：一年前在册客户数 × 年流失率 × 每客年销售额（例：64000 × 5% × 40000 = 128000000）"),
})

_TIERS = ["Key", "Major", "Regular", "Small"]


def _year_ago(asof: dt.date, years: int) -> str:
    return (pd.Timestamp(asof) - pd.Timedelta(days=365 * years)).date().isoformat()


def yearly_chain(rows: list[tuple[str, str, float, str]], customers: pd.DataFrame,
                 asof: dt.date) -> list[tuple[str, str, float, str]]:
    """The churn-cost chain on a yearly basis (issue 14): the textbook's chain (customers x
    churn rate x revenue each x margin) with the customers active 12 months ago as its base
    and the share of them lost now as its rate, instead of the share lost over all history."""
    by = {en: val for en, _zh, val, _k in rows}
    if "Yearly revenue per lost customer" not in by or not {"first_order", "last_order", "lifecycle"} <= set(customers):
        return rows
    a1, a0 = pd.Timestamp(asof) - pd.Timedelta(days=365), pd.Timestamp(asof) - pd.Timedelta(days=730)
    first, last = pd.to_datetime(customers["first_order"]), pd.to_datetime(customers["last_order"])
    base = (first <= a1) & (last >= a0)
    n = int(base.sum())
    lost = int((base & (customers["lifecycle"] == "Lost")).sum())
    rate = lost / n if n else 0.0
    cost = churn_mod.churn_cost(n, rate, float(by["Yearly revenue per lost customer"]),
                                float(by.get("Margin", 1.0)))
    out: list[tuple[str, str, float, str]] = []
    for en, zh, val, kind in rows:
        if en == "Yearly revenue per lost customer":
            out += [("Customers active 12 months ago", "一年前在册的客户", float(n), "int"),
                    ("Of them lost now", "其中现已流失", float(lost), "int"),
                    ("Yearly churn rate (last 12 months)", "年流失率（近 12 个月）", rate, "pct")]
        if en.startswith("Revenue lost a year"):
            val = cost["revenue_lost"]
        elif en.startswith("Profit lost a year"):
            val = cost["profit_lost"]
        out.append((en, zh, val, kind))
    return out
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
    head = churn_mod.headline(churn, settings, lang)
    add("Churn warning", "流失预警", head["at_risk"], head["text"], head["text"])
    if head["model_note"]:
        rows.append((t(lang, "Churn model", "流失模型"), float("nan"), head["model_note"], "number"))
    if head["backtest"]:
        rows.append((t(lang, "Churn score backtest", "流失评分回测"), head["backtest_top_fifth"], head["backtest"],
                     "pct"))
    for en, zh, val, kind in yearly_chain(churn_mod.churn_cost_summary(customers, churn, settings, lang),
                                          customers, asof):
        note_en, note_zh = _CHURN_NOTES.get(en, ("", ""))
        rows.append((t(lang, en, zh), float(val), t(lang, note_en, note_zh, high=settings.risk_high,
                                                     d0=_year_ago(asof, 2), d1=_year_ago(asof, 1), asof=asof),
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

    # The supporting tables, stacked below the charts at column A (LAYOUT below).
    blocks: list[tuple[str, pd.DataFrame, list[Column], str, str]] = []
    if "tier" in customers:
        blocks.append(("xlcrm_dashboard_tiers", tier_table(customers, tiered), TIER_COLUMNS,
                       "Value pyramid", "客户价值金字塔"))
    months, month_cols = revenue_by_month(frames.orders, customers, asof)
    blocks.append(("xlcrm_dashboard_months", months, month_cols,
                   "Revenue by month and tier (last 24 months)", "月度销售额（按客户等级，近 24 个月）"))
    blocks.append(("xlcrm_dashboard_reps", at_risk_by_rep(churn, lang), REP_RISK_COLUMNS,
                   "Revenue at risk by rep", "各业务员的风险销售额"))
    if "lifecycle" in customers:
        counts = customers["lifecycle"].value_counts()
        life = pd.DataFrame([{"lifecycle": lc, "customers": int(counts.get(lc, 0))} for lc in _LIFECYCLES])
        blocks.append(("xlcrm_dashboard_lifecycle", life, LIFECYCLE_COLUMNS, "Lifecycle", "客户生命周期"))
    blocks.append(("xlcrm_dashboard_categories", complaints_mod.pareto(complaints, lang),
                   complaints_mod.PARETO_COLUMNS, "Complaint categories (Pareto)", "投诉类别（帕累托）"))
    weeks, week_cols = visits_by_week(plan, asof, lang)
    blocks.append(("xlcrm_dashboard_visits", weeks, week_cols,
                   "Planned visits by rep and week", "计划拜访次数（按业务员、按周）"))
    blocks.append(("xlcrm_dashboard_repeat", complaints_mod.repeat_complainers(complaints, settings, asof, lang),
                   complaints_mod.REPEAT_COLUMNS, "Repeat complainers", "重复投诉客户"))
    blocks.append(("xlcrm_dashboard_migration", classify.migration(customers, lang), classify.MIGRATION_COLUMNS,
                   "Tier movement since the last refresh", "与上次相比的等级变动"))
    row = max(LAYOUT["tables_from"], len(metric_frame) + 3)
    for name, frame, columns, en, zh in blocks:
        tables.append(TableSpec(name, frame.reset_index(drop=True), columns, anchor=f"A{row + 1}",
                                title=t(lang, en, zh)))
        row += 1 + 1 + max(len(frame), 1) + 2  # title, header, rows, two blank rows
    return tables


# Where things sit (docs: /work/notes/manager.md). The first screen (A1:J35 at 100% zoom) holds
# the key figures (A:C) and three charts (E:J); three more charts below, then the tables.
LAYOUT = {
    "pyramid": "E1:J12", "months": "E13:J24", "reps": "E25:J35",
    "lifecycle": "A38:C55", "pareto": "E38:J55", "visits": "A58:C75",
    "tables_from": 78,
}
PRINT_COLUMNS = 10  # A:J, the charts' right edge
CHART_COLUMN_WIDTHS = {c: 12.0 for c in range(4, 10)}  # E:J, 0-based: room for the charts


def charts(tables: list[TableSpec], lang: Lang) -> list[ChartSpec]:
    """The dashboard's native charts, each over one of its tables (so Excel redraws them)."""
    names = {tb.name: tb for tb in tables}
    out: list[ChartSpec] = []

    def add(chart: ChartSpec) -> None:
        if chart.table in names:
            out.append(chart)

    add(ChartSpec("pyramid", t(lang, "Value pyramid: customers and value by tier", "客户价值金字塔：各等级客户与价值占比"),
                  "xlcrm_dashboard_tiers", "tier", bars=("share_customers", "share"), anchor=LAYOUT["pyramid"],
                  direction="bar", y_format="0%"))
    month_tb = names.get("xlcrm_dashboard_months")
    if month_tb is not None:
        series = tuple(c.key for c in month_tb.columns[1:])
        add(ChartSpec("months", t(lang, "Revenue by month and tier, last 24 months", "近 24 个月月度销售额（按客户等级）"),
                      "xlcrm_dashboard_months", "month", bars=series, anchor=LAYOUT["months"], stacked=True,
                      y_title=t(lang, "Revenue", "销售额")))
    add(ChartSpec("reps", t(lang, "Revenue at risk by rep", "各业务员的风险销售额"), "xlcrm_dashboard_reps", "rep",
                  bars=("value_at_stake", "expected_loss"), anchor=LAYOUT["reps"], direction="bar"))
    add(ChartSpec("lifecycle", t(lang, "Customers by lifecycle stage", "客户生命周期分布"), "xlcrm_dashboard_lifecycle",
                  "lifecycle", bars=("customers",), anchor=LAYOUT["lifecycle"], y_title=t(lang, "Customers", "客户数")))
    add(ChartSpec("pareto", t(lang, "Complaint categories (Pareto)", "投诉类别帕累托图"), "xlcrm_dashboard_categories",
                  "category", bars=("count",), lines=("cumulative",), anchor=LAYOUT["pareto"],
                  y_title=t(lang, "Complaints", "投诉数"), y2_title=t(lang, "Cumulative share", "累计占比")))
    visit_tb = names.get("xlcrm_dashboard_visits")
    if visit_tb is not None and len(visit_tb.columns) > 1:
        add(ChartSpec("visits", t(lang, "Planned visits per rep and week", "各业务员每周计划拜访次数"),
                      "xlcrm_dashboard_visits", "rep", bars=tuple(c.key for c in visit_tb.columns[1:]),
                      anchor=LAYOUT["visits"], y_title=t(lang, "Visits", "拜访次数")))
    return out


def tier_table(customers: pd.DataFrame, tiered: pd.Series) -> pd.DataFrame:
    """Customers and value by tier, with each tier's share of both (the pyramid)."""
    total = customers.loc[tiered, "value"].sum() if "value" in customers else 0.0
    n = int(tiered.sum())
    rows = []
    for tier in _TIERS:
        sel = customers["tier"] == tier
        v = float(customers.loc[sel, "value"].sum()) if "value" in customers else 0.0
        rows.append({"tier": tier, "customers": int(sel.sum()), "value": v,
                     "share_customers": int(sel.sum()) / n if n else 0.0,
                     "share": v / total if total else 0.0})
    return pd.DataFrame(rows)


def revenue_by_month(orders: pd.DataFrame, customers: pd.DataFrame, asof: dt.date) -> tuple[pd.DataFrame, list[Column]]:
    """Order revenue of the 24 calendar months to the as-of month, split by the customer's tier now."""
    months = pd.period_range(end=pd.Period(asof, "M"), periods=24, freq="M")
    cols = [Column("month", "Month", "月份")] + [
        Column(f"rev_{tier.lower()}", tier, i18n_value(tier), kind="money") for tier in _TIERS] + [
        Column("rev_other", "Not ranked now", "当前未分级", kind="money")]
    frame = pd.DataFrame({"month": [str(m) for m in months]})
    for c in cols[1:]:
        frame[c.key] = 0.0
    if {"order_date", "amount", "customer_key"} <= set(orders.columns) and len(orders):
        o = orders[orders["order_date"].notna() & orders["amount"].notna()]
        period = o["order_date"].dt.to_period("M")
        o = o[(period >= months[0]) & (period <= months[-1])]
        tier_of = customers["tier"] if "tier" in customers else pd.Series(dtype=object)
        tier = o["customer_key"].astype(str).map(tier_of).where(lambda s: s.isin(_TIERS), "other")
        key = tier.map(lambda x: "rev_other" if x == "other" else f"rev_{str(x).lower()}")
        sums = o.groupby([o["order_date"].dt.to_period("M").astype(str), key])["amount"].sum()
        for (month, col), val in sums.items():
            frame.loc[frame["month"] == month, col] = float(val)
    return frame, cols


REP_RISK_COLUMNS = [
    Column("rep", "Rep", "业务员"),
    Column("at_risk", "Customers at Risk", "风险客户数", kind="int"),
    Column("value_at_stake", "Value at Stake (12 months)", "风险价值(12个月)", kind="money"),
    Column("expected_loss", "Expected Loss", "预计损失", kind="money"),
]


def at_risk_by_rep(churn: pd.DataFrame, lang: Lang) -> pd.DataFrame:
    """Per rep: the customers at High or Medium risk that are not lost yet, their value at stake
    and expected loss; largest value at stake first."""
    cols = [c.key for c in REP_RISK_COLUMNS]
    if churn is None or not len(churn) or "risk_level" not in churn:
        return pd.DataFrame(columns=cols)
    risk = churn[churn["risk_level"].isin(["High", "Medium"])]
    if "lifecycle" in risk:
        risk = risk[risk["lifecycle"] != "Lost"]
    rep = risk["rep"].where(risk["rep"].notna() & (risk["rep"].astype(str).str.strip() != ""),
                            t(lang, "(no rep)", "（无业务员）")) if "rep" in risk else pd.Series(dtype=object)
    out = pd.DataFrame({"rep": rep, "value_at_stake": risk.get("value_at_stake", 0.0),
                        "expected_loss": risk.get("expected_loss", 0.0)})
    out = out.groupby("rep", sort=False).agg(at_risk=("rep", "size"), value_at_stake=("value_at_stake", "sum"),
                                             expected_loss=("expected_loss", "sum")).reset_index()
    return out.sort_values(["value_at_stake", "rep"], ascending=[False, True])[cols].reset_index(drop=True)


def visits_by_week(plan: pd.DataFrame, asof: dt.date, lang: Lang) -> tuple[pd.DataFrame, list[Column]]:
    """Planned visits per rep (rows) and week (columns, weeks starting on Monday)."""
    cols = [Column("rep", "Rep", "业务员")]
    if plan is None or not len(plan) or "date" not in plan:
        return pd.DataFrame(columns=["rep"]), cols
    monday = (plan["date"] - pd.to_timedelta(plan["date"].dt.day_of_week, unit="D")).dt.normalize()
    weeks = sorted(monday.dropna().unique())
    for i, w in enumerate(weeks):
        day = pd.Timestamp(w)
        cols.append(Column(f"week_{i + 1}", f"Week of {day:%m-%d}", f"{day.month}月{day.day}日当周", kind="int"))
    counts = pd.crosstab(plan["rep"].fillna(t(lang, "(no rep)", "（无业务员）")), monday)
    frame = pd.DataFrame({"rep": counts.index.astype(str)})
    for i, w in enumerate(weeks):
        frame[f"week_{i + 1}"] = counts[w].to_numpy().astype("int64") if w in counts else 0
    return frame, cols


def i18n_value(code: str) -> str:
    from xlcrm.i18n import value

    return str(value(code, "zh"))
