"""No traceback on any input (issue 2): random messy workbooks through the whole pipeline.

Hypothesis builds order workbooks with openpyxl the way offices type them: header aliases
drawn from ``xlcrm.schema``, title rows, merged cells, blank rows, totals lines, amounts
and dates typed as text, junk in any cell, other tables (deliveries, customer master,
complaints, visits, settings with odd values), sheet names in Chinese and with quotes.
``refresh(..., output=...)`` must either succeed (openpyxl then loads what it wrote) or
raise an ``XlcrmError``; any other exception is a bug.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xlcrm import schema
from xlcrm.errors import XlcrmError
from xlcrm.refresh import refresh
from xlcrm.settings import ALL as ALL_SETTINGS

SHEET_NAMES = ["订单", "1月", "2月", "销售明细", "Sheet1", "客户's 订单", "O'Brien", "发货", "客户档案",
               "投诉登记", "拜访记录", "设置", "数据 (2024)", "表 #1", "Orders & Sales", "分级历史",
               "CRM Customers", "客户分级", "ABCDEFGHIJKLMNOPQRSTUVWXYZ01234"]
JUNK = [None, "", " ", "abc", "N/A", "#N/A", "-", "—", "合计", "总计", "小计", "Total", "=SUM(A1:A3)",
        "+86 138", "@x", "待定", "\u3000", "0", "1e400", "nan", "inf", -1.0, 0, 1e308, -1e308, True, False,
        "2024/13/45", "2024年2月30日", "99999999", "x" * 300, "李\n四", "客户\t1"]


def _value(draw, ftype: str):
    kind = draw(st.sampled_from(["good", "good", "text", "junk"]))
    if kind == "junk":
        return draw(st.sampled_from(JUNK))
    if ftype == "date":
        d = draw(st.dates(dt.date(1899, 12, 30), dt.date(2030, 12, 31)))
        if kind == "good":
            return draw(st.sampled_from([dt.datetime(d.year, d.month, d.day), d.toordinal() - 693594.0]))
        return draw(st.sampled_from([f"{d.year}/{d.month}/{d.day}", d.isoformat(),
                                     f"{d.year}年{d.month}月{d.day}日", f"{d.month}/{d.day}/{d.year}"]))
    if ftype == "number":
        x = draw(st.floats(-1e7, 1e9, allow_nan=False) | st.integers(-10, 10**6))
        if kind == "good":
            return x
        return draw(st.sampled_from([f"{x:,.2f}", f"¥{x:,.2f}", f"{x:,.2f}元", f" {x} ", f"({abs(x)})"]))
    if ftype == "flag":
        return draw(st.sampled_from(["是", "否", "Y", "N", "yes", "no", True, False, 1, 0]))
    pool = ["华东机械", "南方电子", "北方化工", "C001", "C002", "c001 ", "Acme", "张三", "李四", "1001",
            1001, 1001.0, "客户 A", "客户Ａ"]
    return draw(st.sampled_from(pool))


@st.composite
def workbooks(draw):
    """A list of sheets: (name, rows, merges)."""
    roles = ["orders"] + draw(st.lists(st.sampled_from(["orders", "deliveries", "customers", "complaints",
                                                         "visits", "settings", "junk"]), max_size=3))
    names = draw(st.lists(st.sampled_from(SHEET_NAMES), min_size=len(roles), max_size=len(roles), unique=True))
    sheets = []
    for role, name in zip(roles, names):
        rows: list[list] = [[draw(st.sampled_from(["销售台账", "2024年订单明细", None, "单位: 元"]))]
                            for _ in range(draw(st.integers(0, 2)))]
        merges = []
        if role == "junk":
            rows += [[draw(st.sampled_from(JUNK)) for _ in range(4)] for _ in range(draw(st.integers(0, 5)))]
            sheets.append((name, rows, merges))
            continue
        if role == "settings":
            rows.append(["设置项", "值"])
            for s in draw(st.lists(st.sampled_from(ALL_SETTINGS), max_size=4)):
                label = draw(st.sampled_from([s.zh, s.en, s.key]))
                rows.append([label, draw(st.sampled_from(JUNK + [0.5, 2, -3, "2024-06-30", "120%", "zh"]))])
            sheets.append((name, rows, merges))
            continue
        fields = list(schema.ROLES[role])
        chosen = draw(st.lists(st.sampled_from(fields), min_size=1, max_size=len(fields), unique_by=lambda f: f.key))
        if role == "orders" and draw(st.integers(0, 9)):  # mostly a usable order table, so the pipeline runs
            core = [f for f in fields if f.key in ("order_date", "customer_name", "customer_id", "amount")]
            chosen = [f for f in core if f.key != draw(st.sampled_from(["customer_name", "customer_id", ""]))] \
                + [f for f in chosen if f not in core]
            chosen = draw(st.permutations(chosen))
        header = [draw(st.sampled_from(f.aliases)) for f in chosen]
        types = [f.type for f in chosen]
        if draw(st.booleans()):  # a column xlcrm does not know
            at = draw(st.integers(0, len(header)))
            header.insert(at, draw(st.sampled_from(["备注", None, "Unnamed"])))
            types.insert(at, "text")
        if rows and draw(st.booleans()):
            merges.append((1, 1, 1, max(2, len(header))))  # a merged title row over the table
        rows.append(header)
        n = draw(st.integers(0, 12))
        for _ in range(n):
            kind = draw(st.sampled_from(["data"] * 6 + ["blank", "total"]))
            if kind == "blank":
                rows.append([])
            elif kind == "total":
                rows.append([draw(st.sampled_from(["合计", "总计", "Total"]))] + [None] * (len(header) - 2) + [123.0])
            else:
                rows.append([_value(draw, t) for t in types])
        sheets.append((name, rows, merges))
    return sheets


def _save(sheets, path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows, merges in sheets:
        ws = wb.create_sheet(name)
        for r, row in enumerate(rows, 1):
            for c, v in enumerate(row, 1):
                if v is None:
                    continue
                cell = ws.cell(r, c, v)
                if isinstance(v, str) and v.startswith("="):
                    cell.data_type = "s"  # typed text, not a formula
        for r1, c1, r2, c2 in merges:
            ws.merge_cells(start_row=r1, start_column=c1, end_row=r2, end_column=c2)
    wb.save(path)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(workbooks(), st.sampled_from([None, "zh", "en"]), st.dates(dt.date(2000, 1, 1), dt.date(2031, 1, 1)))
def test_refresh_of_any_messy_workbook_succeeds_or_raises_an_xlcrm_error(sheets, lang, asof):
    with tempfile.TemporaryDirectory() as tmp:
        src, out = Path(tmp) / "book.xlsx", Path(tmp) / "out.xlsx"
        _save(sheets, src)
        before = src.read_bytes()
        try:
            refresh(src, output=out, asof=asof, lang=lang)
        except XlcrmError:
            assert not out.exists()
        else:
            wb = openpyxl.load_workbook(out)
            assert wb.sheetnames, "the output has sheets"
            wb.close()
        assert src.read_bytes() == before, "--output never touches the source"
