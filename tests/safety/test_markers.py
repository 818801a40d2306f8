"""Issue 12, finding 1: a ``_xlcrm_*`` name pointing at a user's sheet must not cost that sheet.

Each workbook here is what copy-pasting sheets between workbooks can produce: a hidden
``_xlcrm_<role>`` name that names a sheet xlcrm did not write. Before the fix the writer
deleted or overwrote that sheet (exit 0, no message) and the reader left it out of the figures.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import openpyxl
import xlsxwriter
from lxml import etree
from typer.testing import CliRunner

from tests.workbook.fixtures import result_sheets
from xlcrm.cli import app
from xlcrm.refresh import refresh
from xlcrm.workbook import read
from xlcrm.workbook.write import owned_sheets, write_in_place

ASOF = dt.date(2025, 1, 1)
ORDERS_2024 = [(dt.datetime(2024, 3, 5), "华东机械", 1200.0), (dt.datetime(2024, 6, 9), "南方电子", 800.0),
               (dt.datetime(2024, 9, 1), "华东机械", 300.0)]
MASTER = [["客户编号", "客户名称", "地址", "电话", "信用额度"],
          ["K01", "华东机械", "上海市浦东新区张江路 1 号", "021-5555 0101", 500000],
          ["K02", "南方电子", "深圳市南山区科技园 8 号", "0755-8888 0202", 200000]]


def _book(path: Path, names: dict[str, str]) -> Path:
    """Orders of 2024 and 2023, a customer master and a chart sheet; ``names`` are workbook names."""
    wb = xlsxwriter.Workbook(str(path))
    date = wb.add_format({"num_format": "yyyy-mm-dd"})
    for title, rows in (("2024订单", ORDERS_2024), ("2023订单", [(dt.datetime(2023, 5, 5), "华东机械", 50.0)])):
        ws = wb.add_worksheet(title)
        ws.write_row(0, 0, ["订单日期", "客户名称", "金额"])
        for i, (d, c, a) in enumerate(rows, 1):
            ws.write_datetime(i, 0, d, date)
            ws.write_string(i, 1, c)
            ws.write_number(i, 2, a)
    ws = wb.add_worksheet("客户档案")
    for i, row in enumerate(MASTER):
        ws.write_row(i, 0, row)
    cs = wb.add_chartsheet("销售趋势")
    chart = wb.add_chart({"type": "line"})
    chart.add_series({"values": "='2024订单'!$C$2:$C$4"})
    cs.set_chart(chart)
    for name, ref in names.items():
        wb.define_name(name, ref)
    wb.close()
    return path


def _sheets(path: Path) -> list[str]:
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        return wb.sheetnames
    finally:
        wb.close()


def _cells(path: Path, sheet: str) -> list[list[object]]:
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        return [list(r) for r in wb[sheet].iter_rows(values_only=True)]
    finally:
        wb.close()


def _part_of_sheet(path: Path, sheet: str) -> bytes:
    with zipfile.ZipFile(path) as z:
        ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
        wb = etree.fromstring(z.read("xl/workbook.xml"))
        rid = wb.xpath(f"//m:sheet[@name='{sheet}']/@r:id", namespaces={
            **ns, "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships"})[0]
        rels = etree.fromstring(z.read("xl/_rels/workbook.xml.rels"))
        target = next(r.get("Target") for r in rels if r.get("Id") == rid)
        return z.read("xl/" + target.lstrip("/").removeprefix("xl/"))


def test_a_marker_on_the_order_sheet_neither_deletes_it_nor_drops_its_orders(tmp_path: Path) -> None:
    path = _book(tmp_path / "book.xlsx", {"_xlcrm_notes": "='2024订单'!$A$1"})
    before = _part_of_sheet(path, "2024订单")
    report = refresh(path, asof=ASOF, backups=1)
    assert "2024订单" in _sheets(path)
    assert _part_of_sheet(path, "2024订单") == before
    # Its orders are in the figures: 1200 + 300 + 50 for 华东机械, 800 for 南方电子.
    revenue = dict(zip(report.computed.customers["customer"], report.computed.customers["revenue"]))
    assert revenue == {"华东机械": 1550.0, "南方电子": 800.0}
    assert any("_xlcrm_notes" in i.problem and i.sheet == "2024订单" for i in report.issues)
    refresh(path, asof=ASOF, backups=1)  # and again: still there
    assert _part_of_sheet(path, "2024订单") == before


def test_a_marker_on_the_customer_master_never_overwrites_it(tmp_path: Path) -> None:
    path = _book(tmp_path / "book.xlsx", {"_xlcrm_customers": "='客户档案'!$A$1"})
    before = _part_of_sheet(path, "客户档案")
    report = refresh(path, asof=ASOF, backups=1)
    assert _cells(path, "客户档案") == MASTER
    assert _part_of_sheet(path, "客户档案") == before
    assert "客户分级" in _sheets(path)  # xlcrm's own sheet, beside the master
    assert owned_sheets(path)["customers"] == "客户分级"
    # The master was read as the customer master it is.
    assert sorted(report.computed.customers["customer_id"]) == ["K01", "K02"]
    assert any("_xlcrm_customers" in i.problem for i in report.issues)


def test_a_marker_on_a_chart_sheet_never_deletes_the_chart(tmp_path: Path) -> None:
    path = _book(tmp_path / "book.xlsx", {"_xlcrm_history": "='销售趋势'!$A$1"})
    refresh(path, asof=ASOF, backups=1)
    refresh(path, asof=ASOF, backups=1)
    assert "销售趋势" in _sheets(path)
    with zipfile.ZipFile(path) as z:
        assert any(n.startswith("xl/chartsheets/") for n in z.namelist())
        assert any(n.startswith("xl/charts/chart") for n in z.namelist())


def test_an_unknown_role_is_not_accepted(tmp_path: Path) -> None:
    path = _book(tmp_path / "book.xlsx", {"_xlcrm_notes": "='2023订单'!$A$1"})
    assert "notes" not in owned_sheets(path)
    assert read._book_info(path).owned == {}
    write_in_place(path, result_sheets(), lang="zh")
    assert "2023订单" in _sheets(path)


def test_reader_and_writer_agree_on_a_marker_that_differs_in_case(tmp_path: Path) -> None:
    path = tmp_path / "book.xlsx"
    write_in_place(_book(path, {}), result_sheets(lang="en"), lang="en")
    assert owned_sheets(path)["customers"] == "CRM Customers"
    data = {}
    with zipfile.ZipFile(path) as z:
        for info in z.infolist():
            data[info.filename] = z.read(info)
    data["xl/workbook.xml"] = data["xl/workbook.xml"].replace(b"'CRM Customers'!", b"'crm customers'!")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, body in data.items():
            z.writestr(name, body)
    writer = {s: r for r, s in owned_sheets(path).items()}
    assert writer == read._book_info(path).owned


def test_xlcrm_s_sheet_with_a_note_typed_beside_its_table_is_refused_not_overwritten(tmp_path: Path) -> None:
    # xlcrm's own sheet on which the user typed a note beside the table: the sheet holds the
    # user's data now. Its table keeps the name xlcrm's new table needs, so xlcrm cannot write
    # beside it: one line naming the sheet and the fix, the file unchanged (the decision in
    # docs/safety.md).
    path = tmp_path / "book.xlsx"
    write_in_place(_book(path, {}), result_sheets(), lang="zh")
    wb = openpyxl.load_workbook(path)
    wb["客户分级"]["K1"] = "周一前核对"
    wb.save(path)
    before = path.read_bytes()
    result = CliRunner().invoke(app, ["refresh", str(path), "--asof", "2025-01-01", "-q"])
    assert result.exit_code == 1
    lines = [ln for ln in result.output.splitlines() if ln.strip()]
    refusal = [ln for ln in lines if "xlcrm_customers" in ln and "客户分级" in ln and " — " in ln]
    assert len(refusal) == 1 and "Traceback" not in result.output
    assert path.read_bytes() == before
    assert _cells(path, "客户分级")[0][10] == "周一前核对"


def test_a_marker_on_a_user_sheet_named_like_xlcrm_s_gets_xlcrm_a_sheet_of_its_own(tmp_path: Path) -> None:
    # The user's own 客户分级 (no xlcrm table on it) carrying a copied marker: kept, and
    # xlcrm writes beside it under a name that does not collide.
    path = _book(tmp_path / "book.xlsx", {"_xlcrm_customers": "='客户分级'!$A$1"})
    wb = openpyxl.load_workbook(path)
    wb["客户档案"].title = "客户分级"
    wb.defined_names["_xlcrm_customers"].attr_text = "'客户分级'!$A$1"
    wb.save(path)
    report = refresh(path, asof=ASOF, backups=0)
    assert _cells(path, "客户分级") == MASTER
    assert "客户分级 (2)" in report.written
    assert owned_sheets(path)["customers"] == "客户分级 (2)"
    again = refresh(path, asof=ASOF, backups=0)
    assert "客户分级 (2)" in again.written and "客户分级 (3)" not in _sheets(path)
    assert _cells(path, "客户分级") == MASTER


def test_the_cli_names_an_ignored_marker_in_one_line(tmp_path: Path) -> None:
    path = _book(tmp_path / "book.xlsx", {"_xlcrm_customers": "='客户档案'!$A$1"})
    result = CliRunner().invoke(app, ["refresh", str(path), "--asof", "2025-01-01", "-q"])
    assert result.exit_code == 0, result.output
    lines = [ln for ln in result.output.splitlines() if "_xlcrm_customers" in ln]
    assert len(lines) == 1 and "客户档案" in lines[0]


def test_a_real_xlcrm_sheet_is_still_recognised_and_replaced(tmp_path: Path) -> None:
    path = _book(tmp_path / "book.xlsx", {})
    refresh(path, asof=ASOF, backups=0)
    first = _sheets(path)
    report = refresh(path, asof=ASOF, backups=0)
    assert _sheets(path) == first  # no duplicates: every sheet xlcrm wrote passes its own check
    assert not [i for i in report.issues if "_xlcrm_" in i.problem]
    assert set(owned_sheets(path)) == {"customers", "churn", "visits", "complaints", "dashboard", "card",
                                       "key_accounts", "winback", "issues", "history"}


def test_xlcrm_s_sheets_saved_again_by_libreoffice_are_still_recognised(tmp_path: Path) -> None:
    # A spreadsheet application re-writes every part (tables, dimension, drawings of the
    # dashboard's charts, hyperlinks of the issues sheet): the checks must still pass, or every
    # refresh after a save would add a second copy of each sheet.
    import subprocess
    import tempfile

    from tests.libreoffice import soffice

    path = _book(tmp_path / "book.xlsx", {})
    refresh(path, asof=ASOF, backups=0)
    with tempfile.TemporaryDirectory() as prof:
        subprocess.run([soffice(), f"-env:UserInstallation=file://{prof}", "--headless", "--convert-to", "xlsx",
                        "--outdir", str(tmp_path / "lo"), str(path)], capture_output=True, timeout=180, check=True)
    saved = tmp_path / "lo" / "book.xlsx"
    assert read._book_info(saved).rejected == []
    assert set(owned_sheets(saved)) == set(owned_sheets(path))
    report = refresh(saved, asof=ASOF, backups=0)
    assert not [s for s in _sheets(saved) if s.endswith(" (2)")]
    assert not [i for i in report.issues if "_xlcrm_" in i.problem]
