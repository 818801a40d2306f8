"""What a manager sees on the result sheets (issue 14): act-first complaint order, hyperlinks
from data issues to the cell, key accounts left off with the reason, sheets that print."""

from __future__ import annotations

import subprocess
import warnings
from pathlib import Path

import openpyxl
import pytest

from tests.libreoffice import convert
from xlcrm.demo import make_demos
from xlcrm.i18n import SHEETS
from xlcrm.refresh import refresh


def _load(path: Path) -> openpyxl.Workbook:
    with warnings.catch_warnings():  # the demo's own sheets carry sparklines openpyxl would drop
        warnings.simplefilter("ignore", UserWarning)
        return openpyxl.load_workbook(path)


@pytest.fixture(scope="module")
def zh(tmp_path_factory):
    d = tmp_path_factory.mktemp("sheets")
    book, _en = make_demos(d)
    report = refresh(book, backups=0)
    return Path(book), report, _load(Path(book))


def _rows(ws) -> list[dict]:  # type: ignore[no-untyped-def]
    head = [c.value for c in ws[1]]
    return [dict(zip(head, r)) for r in ws.iter_rows(min_row=2, values_only=True) if any(v is not None for v in r)]


def test_complaints_open_and_overdue_now_first_then_open_then_closed(zh) -> None:
    _book, _report, wb = zh
    rows = _rows(wb["投诉跟踪"])
    assert len(rows) == 46
    group = [0 if r["当前逾期"] == "是" else 1 if r["结案日期"] is None else 2 for r in rows]
    assert group == sorted(group) and {0, 2} <= set(group)
    for g in (0, 1):  # open ones: the earliest response deadline first
        due = [r["答复期限"] for r, k in zip(rows, group) if k == g and r["答复期限"] is not None]
        assert due == sorted(due)
    closed = [r["结案日期"] for r, k in zip(rows, group) if k == 2]
    assert closed == sorted(closed, reverse=True)
    # Overdue now is only ever open; a complaint answered late and closed is history, not "now".
    assert all(r["结案日期"] is None for r in rows if r["当前逾期"] == "是")
    late_closed = [r for r in rows if r["答复逾期"] == "是" and r["结案日期"] is not None]
    assert late_closed and all(r["当前逾期"] == "否" for r in late_closed)
    assert sum(r["当前逾期"] == "是" for r in rows) < sum(r["答复逾期"] == "是" for r in rows)


def test_each_data_issue_cell_is_a_hyperlink_to_that_cell(zh) -> None:
    _book, _report, wb = zh
    ws = wb["数据问题"]
    rows = list(ws.iter_rows(min_row=2))
    assert rows
    for sheet_cell, cell_cell, *_ in rows:
        if not cell_cell.value:  # a whole-sheet problem names no cell
            assert cell_cell.hyperlink is None
            continue
        link = cell_cell.hyperlink
        assert link is not None and link.location == f"'{sheet_cell.value}'!{cell_cell.value}"
        target = wb[sheet_cell.value][cell_cell.value]  # the sheet and cell exist in the workbook
        assert target.value is not None or target.coordinate == cell_cell.value


def test_key_and_major_customers_left_off_the_list_are_listed_with_their_reason(zh) -> None:
    _book, report, wb = zh
    ws = wb["大客户名单"]
    listed = ws.tables["xlcrm_key_accounts"]
    left = ws.tables["xlcrm_key_accounts_left_off"]
    assert int(left.ref.split(":")[0][1:]) > int(listed.ref.split(":")[1][1:]) + 1  # a section of its own
    ids_on = {r[1].value for r in ws[listed.ref][1:]}
    left_rows = {r[0].value: r[5].value for r in ws[left.ref][1:]}
    customers = report.computed.customers
    big = set(customers.loc[customers["tier"].isin(["Key", "Major"]), "customer_id"])
    assert ids_on | set(left_rows) == big and not ids_on & set(left_rows)
    # Both Key customers are off the list; each says why (an overdue receivable, named).
    keys = set(customers.loc[customers["tier"] == "Key", "customer_id"])
    assert keys <= set(left_rows)
    assert any("应收逾期" in left_rows[k] for k in keys)
    assert all(left_rows.values())


def test_every_result_sheet_prints_on_a4_landscape_with_titles_header_and_footer(zh) -> None:
    _book, _report, wb = zh
    for role in ("customers", "churn", "visits", "complaints", "dashboard", "key_accounts", "winback", "issues"):
        ws = wb[SHEETS[role][0]]
        ps = ws.page_setup
        assert (ps.paperSize, ps.orientation, ps.fitToWidth, ps.fitToHeight) == (9, "landscape", 1, 0), role
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert "&A" in ws.oddHeader.left.text and "统计日期" in ws.oddHeader.right.text, role
        assert "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text, role
        if role != "dashboard":
            assert ws.print_title_rows == "$1:$1", role
    # The 36-column customer sheet prints its leading (act-first) columns, not all 36 squeezed.
    ws = wb["客户分级"]
    area = ws.print_area if isinstance(ws.print_area, str) else ws.print_area[0]
    last = area.split(":")[-1].lstrip("$").rstrip("0123456789$")
    n = openpyxl.utils.column_index_from_string(last)
    assert 8 <= n < 36
    width = sum(ws.column_dimensions[openpyxl.utils.get_column_letter(i)].width for i in range(1, n + 1))
    assert width <= 200
    assert [ws.cell(1, i).value for i in range(1, 4)] == ["客户编号", "客户名称", "客户等级"]
    dash = wb["客户看板"].print_area
    assert "$A$1:$J$" in (dash if isinstance(dash, str) else dash[0])  # the key figures and charts


@pytest.mark.libreoffice
def test_libreoffice_repeats_the_header_row_on_every_printed_page(zh, tmp_path: Path) -> None:
    book, _report, _wb = zh
    out = tmp_path / "only.xlsx"
    refresh(book, output=out, backups=0)
    pdf = convert([out], "pdf", tmp_path / "pdf")[0]
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    pages = [p for p in text.split("\f") if p.strip()]
    customer_pages = [p for p in pages if p.lstrip().startswith("客户分级")]
    assert len(customer_pages) >= 3  # 162 customers do not fit one readable page
    for i, page in enumerate(customer_pages, 1):
        assert "客户编号" in page and "客户名称" in page, f"page {i} of 客户分级 lacks the header row"
        assert f"第 {i} 页" in page  # the footer counts the sheet's pages
        assert "统计日期 2026-11-20" in page


def test_act_order_puts_overdue_now_then_open_by_deadline_then_recently_closed() -> None:
    import pandas as pd

    from xlcrm.complaints import act_order

    d = pd.Timestamp
    tracked = pd.DataFrame({
        "complaint_id": ["closed-old", "open-late", "open-soon", "overdue-b", "closed-new", "overdue-a"],
        "is_open": [False, True, True, True, False, True],
        "is_overdue_now": [False, False, False, True, False, True],
        "response_due": [d("2026-01-02"), d("2026-11-25"), d("2026-11-21"), d("2026-11-10"), d("2026-05-01"),
                         d("2026-10-01")],
        "closed": [d("2026-01-05"), pd.NaT, pd.NaT, pd.NaT, d("2026-05-03"), pd.NaT],
    })
    assert act_order(tracked)["complaint_id"].tolist() == [
        "overdue-a", "overdue-b", "open-soon", "open-late", "closed-new", "closed-old"]
