"""One pipeline: the ribbon gives what ``xlcrm refresh`` gives, cell for cell.

The workbook has what offices keep and what breaks naive code: orders under a title row,
a complaint register with inconsistent rows (issues must name the cell, "G7", as the CLI
does), a visit log, a settings sheet (as-of date, and one unreadable value) and bad cells
(text in an amount, an impossible date).

Three hosts of the same workbook are compared with the CLI's output:
- the ribbon on a FileBook (the batch reader and writer): every cell and number format
  of every sheet;
- the ribbon on an XlwingsBook over a stand-in of xlwings' object model loaded with the
  same cells: every value and number format of every result table.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from tests.excel.fakexl import FakeBook, FakeSheet
from xlcrm import i18n
from xlcrm.cli import app
from xlcrm.complaint_register import REGISTER_TEMPLATE
from xlcrm.excel import ribbon
from xlcrm.excel.book import FileBook, XlwingsBook, number_format
from xlcrm.workbook import marker

ASOF = dt.date(2024, 6, 30)
HEADERS = [zh for zh, _, _ in REGISTER_TEMPLATE]


def _register_row(**values: object) -> list[object]:
    return [values.get(h) for h in HEADERS]


def office_book(path: Path) -> Path:
    wb = openpyxl.Workbook()
    orders = wb.active
    orders.title = "订单"
    orders.append(["2024年销售明细"])
    orders.append(["订单编号", "订单日期", "客户编号", "客户名称", "金额", "毛利", "业务员"])
    for i in range(60):
        cust = i % 10
        day = dt.date(2023, 7, 1) + dt.timedelta(days=(i * 37 + cust * 11) % 360)
        orders.append([f"SO{i:04d}", day, f"K{cust:03d}", f"客户{cust}", 1500.0 * (10 - cust) + i,
                       300.0 * (10 - cust), "张三" if cust % 2 else "李四"])
    orders.append(["SO9001", dt.date(2024, 3, 1), "K001", "客户1", "abc", 10.0, "张三"])  # bad amount
    orders.append(["SO9002", "2024-13-45", "K002", "客户2", 800.0, 10.0, "李四"])  # impossible date

    reg = wb.create_sheet("投诉登记")
    reg.append(HEADERS)
    reg.append(_register_row(投诉编号="TS001", 受理日期=dt.date(2024, 5, 2), 客户编号="K001", 客户名称="客户1",
                             投诉类别="产品质量", 投诉内容="包装破损", 严重程度="一般", 处理人="李四"))
    reg.append(_register_row(投诉编号="TS002", 受理日期=dt.date(2024, 5, 20), 客户编号="K003", 客户名称="客户3",
                             投诉类别="不知道", 投诉内容="态度", 严重程度="严重", 处理人="张三",
                             结案日期=dt.date(2024, 5, 10)))  # unknown category (G3), closed before received (T3)
    reg.append(_register_row(投诉编号="TS003", 受理日期=dt.date(2024, 6, 3), 客户编号="K005", 客户名称="客户5",
                             投诉类别="送货", 投诉内容="晚到", 严重程度="很重", 处理人="李四"))  # severity (L4)

    visits = wb.create_sheet("拜访记录")
    visits.append(["拜访日期", "客户编号", "客户名称", "业务员", "拜访方式", "拜访目的", "拜访结果"])
    for i in range(8):
        visits.append([dt.date(2024, 4, 1) + dt.timedelta(days=7 * i), f"K{i:03d}", f"客户{i}",
                       "张三" if i % 2 else "李四", "上门", "回访", "正常"])

    settings = wb.create_sheet("设置")
    settings.append(["设置项", "值"])
    settings.append(["统计日期", ASOF])
    settings.append(["重要客户比例", "lots"])  # unreadable: a data issue, the default used
    wb.save(path)
    return path


def _cells(path: Path) -> dict[str, dict[str, tuple[object, str]]]:
    """sheet -> cell -> (value, number format), every non-empty cell."""
    wb = openpyxl.load_workbook(path)
    out: dict[str, dict[str, tuple[object, str]]] = {}
    for ws in wb.worksheets:
        out[ws.title] = {c.coordinate: (c.value, c.number_format)
                         for row in ws.iter_rows() for c in row if c.value is not None}
    return out


@pytest.fixture(scope="module")
def cli_result(tmp_path_factory) -> tuple[Path, Path]:
    """(the original workbook, the workbook after `xlcrm refresh`)"""
    folder = tmp_path_factory.mktemp("parity")
    original = office_book(folder / "office.xlsx")
    cli = folder / "cli.xlsx"
    shutil.copyfile(original, cli)
    result = CliRunner().invoke(app, ["refresh", str(cli), "--quiet"])
    assert result.exit_code == 0, result.output
    return original, cli


def test_the_workbook_has_the_problems_the_parity_is_about(cli_result):
    _, cli = cli_result
    issues = _cells(cli)[i18n.sheet_name("issues", "zh")]
    rows = {}
    for coord, (value, _) in issues.items():
        col, row = re.fullmatch(r"([A-Z]+)(\d+)", coord).groups()
        rows.setdefault(int(row), {})[col] = value
    named = {(r.get("A"), r.get("B")) for r in rows.values()}
    # register issues name the cell (G3: category, T3: closing date, L4: severity), not the row
    assert {("投诉登记", "G3"), ("投诉登记", "T3"), ("投诉登记", "L4")} <= named
    assert not any(re.fullmatch(r"\d+:\d+", str(cell)) for _, cell in named)
    assert any(sheet == "订单" for sheet, _ in named)  # the bad cells
    assert any("重要客户比例" in str(r.get("C")) for r in rows.values())  # the bad setting


def test_refresh_all_on_a_file_book_equals_xlcrm_refresh_cell_for_cell(cli_result, tmp_path):
    original, cli = cli_result
    button = tmp_path / "button.xlsx"
    shutil.copyfile(original, button)
    outcome = ribbon.refresh_all(FileBook(button))
    assert outcome.ok, outcome.message
    assert "统计日期 2024-06-30" in outcome.message  # the settings sheet's as-of, resolved once
    got, want = _cells(button), _cells(cli)
    assert list(got) == list(want)
    for sheet in want:
        assert got[sheet] == want[sheet], f"{sheet}: the button and xlcrm refresh differ"


def _fake_from(path: Path) -> FakeBook:
    """The workbook as xlwings would hand it over: numbers as float, dates as datetime."""
    wb = openpyxl.load_workbook(path)
    sheets = []
    for ws in wb.worksheets:
        cells = {}
        for row in ws.iter_rows():
            for c in row:
                v = c.value
                if v is None:
                    continue
                if isinstance(v, bool):
                    pass
                elif isinstance(v, int):
                    v = float(v)
                elif isinstance(v, dt.date) and not isinstance(v, dt.datetime):
                    v = dt.datetime(v.year, v.month, v.day)
                cells[(c.row, c.column)] = v
        sheets.append(FakeSheet(ws.title, cells))
    book = FakeBook(sheets)
    book.name = path.name
    return book


def _value(c) -> object:
    """A cell's value as stored: openpyxl fills an empty cell that carries a hyperlink with the
    link's location (the data-issues sheet links a whole-sheet problem to the sheet's A1)."""
    link = c.hyperlink
    if link is not None and c.value is not None and c.value in (link.location, link.target):
        return None
    return c.value


def _same(a: object, b: object) -> bool:
    if isinstance(a, str) and a.startswith("'"):
        a = a[1:]  # Excel's text prefix is not part of the value
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return abs(float(a) - float(b)) <= 1e-9 * max(1.0, abs(float(b)))
    return a == b


def test_refresh_all_in_excel_writes_the_tables_and_formats_of_xlcrm_refresh(cli_result):
    """Every cell of every result table, and its number format, as the CLI wrote it."""
    from xlcrm.workbook.read import read_workbook

    original, cli = cli_result
    fake = _fake_from(original)
    outcome = ribbon.refresh_all(XlwingsBook(fake))
    assert outcome.ok, outcome.message
    assert fake.app.alerts and fake.app.alerts[-1][1] == outcome.message
    wb = openpyxl.load_workbook(cli)
    by_name = {s.name: s for s in fake.sheets}
    compared = 0
    for ws in wb.worksheets:
        if marker.role_of_name(f"_xlcrm_{ws.title}") is None and ws.title not in outcome.written:
            continue
        if ws.title == i18n.SHEETS["card"][0]:
            continue  # the customer card is written by the file writer only (ribbon._run)
        sheet = by_name[ws.title]
        for table in ws.tables.values():
            for row in ws[table.ref]:
                for c in row:
                    got, want = sheet.cells.get((c.row, c.column)), _value(c)
                    assert _same(got, want), f"{ws.title}!{c.coordinate}: Excel {got!r}, file {want!r}"
                    if c.row > ws[table.ref][0][0].row and c.value is not None \
                            and c.number_format != "General":
                        fmt = sheet.formats.get((c.row, c.column))
                        assert fmt == c.number_format, f"{ws.title}!{c.coordinate}: {fmt} vs {c.number_format}"
                    compared += 1
    assert compared > 500
    # the live host read the same workbook as the file reader: the same data issues
    assert len(read_workbook(original).frames.issues) > 0


def test_number_formats_are_the_file_writers():
    from xlcrm.workbook.render import FORMATS

    assert number_format("int") == FORMATS["int"] == "#,##0"
    assert number_format("text") is None
