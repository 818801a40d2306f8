"""The customer card (客户卡片 / CRM Customer Card, DESIGN.md section 6): one customer on one page.

A drop-down in B3 lists the customer IDs of the customers sheet; plain formulas (INDEX/MATCH,
COUNTIF(S), SUMPRODUCT, IFERROR: Excel and LibreOffice alike, no Python) fill in the profile
from xlcrm's result sheets: master data, tier and lifecycle with why, the value window's
revenue and orders, churn risk and its reasons, complaints, the next planned visit. The
ranges are the result tables' own (they start at A1, one header row), found from the sheet
specs of the same refresh, so they are exact for the sheets written beside the card.
"""

from __future__ import annotations

from xlcrm.i18n import t
from xlcrm.model import CardCell, Kind, Lang, SheetSpec
from xlcrm.workbook.cells import column_letter

__all__ = ["ID_CELL", "build"]

ID_CELL = "B3"

# (role, column key, label en, label zh, kind, tall): one card row reading one column by ID.
_PROFILE = [
    ("customers", "customer", "Customer", "客户名称", "text", False),
    ("customers", "rep", "Rep", "业务员", "text", False),
    ("customers", "region", "Region", "片区", "text", False),
    ("customers", "tier", "Tier", "客户等级", "text", False),
    ("customers", "tier_why", "Tier: why", "等级说明", "text", True),
    ("customers", "lifecycle", "Lifecycle", "生命周期", "text", False),
    ("customers", "lifecycle_why", "Lifecycle: why", "生命周期说明", "text", True),
    ("customers", "value", "Value", "价值", "money", False),
]
_ORDERS = [
    ("customers", "revenue_window", "Revenue in the value window", "期内销售额", "money", False),
    ("customers", "orders_window", "Orders in the value window", "期内订单数", "int", False),
    ("customers", "last_order", "Last order", "最近下单", "date", False),
    ("customers", "recency_days", "Days since the last order", "距最近下单天数", "int", False),
    ("customers", "overdue_amount", "Overdue receivables", "逾期应收金额", "money", False),
    ("customers", "signals", "Signals", "优劣信号", "text", True),
]
_CHURN = [
    ("churn", "churn_risk", "Churn risk (0-100)", "流失风险 (0-100)", "int", False),
    ("churn", "risk_level", "Risk level", "风险等级", "text", False),
    ("churn", "expected_loss", "Expected loss", "预计损失", "money", False),
    ("churn", "reasons", "Reasons", "原因", "text", True),
]
_VISITS = [
    ("visits", "date", "Next planned visit", "下次计划拜访", "date", False),
    ("visits", "rep", "Visited by", "拜访业务员", "text", False),
    ("visits", "purpose", "Purpose", "拜访目的", "text", True),
    ("visits", "last_contact", "Last contact", "上次联系", "date", False),
]


def _ranges(sheets: list[SheetSpec]) -> dict[str, dict[str, str]]:
    """role -> column key -> absolute data range ("$C$2:$C$163") of the sheet's A1 table."""
    out: dict[str, dict[str, str]] = {}
    for spec in sheets:
        if not spec.tables or spec.tables[0].anchor != "A1":
            continue
        table = spec.tables[0]
        last = 1 + max(len(table.frame), 1)
        out[spec.role] = {c.key: f"${column_letter(j + 1)}$2:${column_letter(j + 1)}${last}"
                          for j, c in enumerate(table.columns)}
    return out


def build(sheets: list[SheetSpec], lang: Lang, *, name: str, asof: str = "") -> SheetSpec | None:
    """The card sheet over ``sheets`` (the refresh's result sheets), or None without customers."""
    ranges = _ranges(sheets)
    if "customers" not in ranges or "customer_id" not in ranges["customers"]:
        return None
    cust = next(s for s in sheets if s.role == "customers").tables[0].frame
    first_id = str(cust["customer_id"].iloc[0]) if len(cust) else ""
    cells: list[CardCell] = []
    heights: dict[int, float] = {}
    idc = f"${ID_CELL[0]}${ID_CELL[1:]}"

    def ref(role: str, key: str) -> str | None:
        r = ranges.get(role, {}).get(key)
        return f"{{{role}}}!{r}" if r else None

    cells.append(CardCell("A1", t(lang, "Customer card: pick a customer ID in B3; formulas fill in the rest "
                                        "from xlcrm's sheets (as of {d}).",
                                  "客户卡片：在 B3 选择客户编号，下面各项由公式从 xlcrm 的结果表自动填写（统计日期 {d}）。",
                                  d=asof), style="title"))
    # The card is one table (xlcrm_card, A2:B..): how xlcrm recognises its own sheet next time.
    cells.append(CardCell("A2", t(lang, "Item", "项目"), style="section"))
    cells.append(CardCell("B2", t(lang, "Value", "内容"), style="section"))
    cells.append(CardCell("A3", t(lang, "Customer ID", "客户编号"), style="label"))
    cells.append(CardCell(ID_CELL, first_id, style="input"))
    row = 4

    def section(en: str, zh: str) -> None:
        nonlocal row
        row += 1
        cells.append(CardCell(f"A{row}", t(lang, en, zh), style="section"))
        row += 1

    def field(label: str, formula: str | None, kind: Kind, tall: bool) -> None:
        nonlocal row
        cells.append(CardCell(f"A{row}", label, style="label"))
        if formula is not None:
            cells.append(CardCell(f"B{row}", formula=formula, kind=kind, style="text" if tall else "value"))
        if tall:
            heights[row] = 45.0
        row += 1

    def lookups(rows: list[tuple[str, str, str, str, Kind, bool]], id_role: str, missing: str = '""') -> None:
        ids = ref(id_role, "customer_id")
        for role, key, en, zh, kind, tall in rows:
            col = ref(role, key)
            if ids is None or col is None:
                continue
            f = f'IFERROR(INDEX({col},MATCH({idc},{ids},0)),{missing})'
            if kind == "date":  # an empty date cell reads as 0: show nothing rather than 1900-01-00
                f = f'IFERROR(IF(INDEX({col},MATCH({idc},{ids},0))=0,"",INDEX({col},MATCH({idc},{ids},0))),{missing})'
            field(t(lang, en, zh), f, kind, tall)

    section("Profile", "客户资料")
    lookups(_PROFILE, "customers")
    section("Orders", "交易")
    lookups(_ORDERS, "customers")
    section("Churn risk", "流失风险")
    lookups(_CHURN, "churn")
    if "complaints" in ranges:
        section("Complaints", "投诉")
        ids, closed, overdue, received = (ref("complaints", k) for k in
                                          ("customer_id", "closed", "overdue_now", "received"))
        yes = t(lang, "Yes", "是")
        if ids:
            field(t(lang, "Complaints", "投诉次数"), f"COUNTIF({ids},{idc})", "int", False)
            if closed:
                field(t(lang, "Open complaints", "未结案投诉"),
                      f'COUNTIF({ids},{idc})-COUNTIFS({ids},{idc},{closed},">0")', "int", False)
            if overdue:
                field(t(lang, "Overdue now", "当前逾期投诉"), f'COUNTIFS({ids},{idc},{overdue},"{yes}")', "int", False)
            if received:
                f = f"SUMPRODUCT(MAX(({ids}={idc})*{received}))"
                field(t(lang, "Last complaint received", "最近一次投诉"), f'IF({f}=0,"",{f})', "date", False)
    section("Visits", "拜访")
    lookups(_VISITS, "visits", missing='""')
    cells.append(CardCell(f"A{row}", t(lang, "Blank", "空白"), style="note"))
    cells.append(CardCell(f"B{row}", t(
        lang, "not on that sheet (no churn row without orders, no visit planned in the horizon)",
        "该表中没有这个客户（无订单则无流失行；计划期内未安排拜访）"), style="note"))

    cust_ids = ranges["customers"]["customer_id"]
    return SheetSpec(role="card", name=name, tables=[], cells=cells,
                     validations=[(ID_CELL, f"{{customers}}!{cust_ids}")], row_heights=heights,
                     asof=asof, col_widths={0: 26.0, 1: 90.0}, print_cols=2)
