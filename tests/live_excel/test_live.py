"""Real Excel through xlwings: the add-in loads, each ribbon command runs the pipeline, every
CRM_* formula gives what the Python core gives. Skipped where Excel is absent (conftest.py).

Before running: ``xlcrm excel install`` (the xlwings add-in, xlwings.conf, the xlcrm add-in)
with this checkout installed (``pip install -e ".[excel,test]"``), so that the Python Excel
starts is the one with this code. Formulas also need File > Options > Trust Center > Macro
Settings > "Trust access to the VBA project object model" (xlwings writes the formula
wrappers into the test workbook).
"""

from __future__ import annotations

import datetime as dt
import math
import shutil
import sys
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from typer.testing import CliRunner

from tests.excel.test_parity import _value, office_book
from tests.live_excel import cases as kit
from xlcrm import i18n
from xlcrm.cli import app as cli_app
from xlcrm.excel import build

BUTTONS = {  # control id -> the roles its sheets have (data issues always go along)
    "xlcrmRefreshAll": {"customers", "churn", "visits", "complaints", "dashboard", "issues"},
    "xlcrmClassify": {"customers", "issues"},
    "xlcrmChurn": {"churn", "issues"},
    "xlcrmVisitPlan": {"visits", "issues"},
    "xlcrmComplaintLog": {"complaints", "issues"},
}


@pytest.fixture(scope="module")
def excel():
    import xlwings as xw

    app = xw.App(visible=False, add_book=False)
    app.display_alerts = False
    try:
        startup = Path(app.startup_path)
        xlwings_addin = startup / "xlwings.xlam"
        if not xlwings_addin.exists():
            pytest.fail(f"no xlwings add-in in {startup}: run `xlcrm excel install` first")
        # Excel started by automation does not load XLSTART: open the add-ins as Excel would
        app.books.open(str(xlwings_addin))
        ours = startup / "xlcrm.xlam"
        app.books.open(str(ours if ours.exists() else build.PACKAGED_ADDIN))
        yield app
    finally:
        app.quit()


def press(app: Any, book: Any, control_id: str) -> str:
    """Press a ribbon button (its VBA, as the ribbon would) on ``book``; the message shown."""
    book.activate()
    app.status_bar = False
    app.macro("'xlcrm.xlam'!xlcrmPress")(control_id)
    return str(app.status_bar or "")


def test_the_addin_loads_with_its_vba_and_its_label_sheet(excel):
    names = [b.name.lower() for b in excel.books]
    assert "xlcrm.xlam" in names and "xlwings.xlam" in names
    book = excel.books.add()
    try:
        book.sheets[0].name = "订单"  # a Chinese workbook: Chinese labels
        book.activate()
        assert excel.macro("'xlcrm.xlam'!xlcrmText")("xlcrmTab") == "客户管理"
        book.sheets[0].name = "Orders"
        assert excel.macro("'xlcrm.xlam'!xlcrmText")("xlcrmRefreshAll") in ("Refresh All", "全部刷新")
    finally:
        book.close()


@pytest.fixture()
def office(excel, tmp_path):
    """The parity workbook open in Excel, and the same workbook after `xlcrm refresh`."""
    path = office_book(tmp_path / "office.xlsx")
    cli = tmp_path / "cli.xlsx"
    shutil.copyfile(path, cli)
    result = CliRunner().invoke(cli_app, ["refresh", str(cli), "--quiet"])
    assert result.exit_code == 0, result.output
    book = excel.books.open(str(path))
    yield book, cli
    book.close()


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)
    if isinstance(a, dt.datetime) and isinstance(b, dt.datetime):
        return a.replace(microsecond=0) == b.replace(microsecond=0)
    return (a if a not in ("",) else None) == (b if b not in ("",) else None)


def test_refresh_all_in_excel_writes_what_xlcrm_refresh_writes(excel, office):
    book, cli = office
    message = press(excel, book, "xlcrmRefreshAll")
    assert message.startswith("xlcrm：已更新"), message
    wb = openpyxl.load_workbook(cli)
    sheets = {s.name: s for s in book.sheets}
    for role in BUTTONS["xlcrmRefreshAll"]:
        name = i18n.sheet_name(role, "zh")
        ws, sheet = wb[name], sheets[name]
        for table in ws.tables.values():
            for row in ws[table.ref]:
                for c in row:
                    live, want = sheet.range(c.coordinate), _value(c)
                    assert _same(live.value, want), f"{name}!{c.coordinate}: Excel {live.value!r}, file {want!r}"
                    if c.value is not None and c.number_format != "General" and c.row > ws[table.ref][0][0].row:
                        assert live.number_format == c.number_format, f"{name}!{c.coordinate}"


@pytest.mark.parametrize("control_id", [b for b in BUTTONS if b != "xlcrmRefreshAll"])
def test_each_analysis_button_writes_its_sheets(excel, office, control_id):
    book, _ = office
    message = press(excel, book, control_id)
    assert message.startswith("xlcrm：已更新"), message
    names = {s.name for s in book.sheets}
    assert {i18n.sheet_name(role, "zh") for role in BUTTONS[control_id]} <= names


def test_settings_button_adds_a_settings_sheet_once(excel, tmp_path):
    path = tmp_path / "orders.xlsx"
    wb = openpyxl.load_workbook(office_book(tmp_path / "o.xlsx"))
    del wb["设置"]
    wb.save(path)
    book = excel.books.open(str(path))
    try:
        assert "已添加" in press(excel, book, "xlcrmSettings")
        assert "设置" in {s.name for s in book.sheets}
        assert "已有设置表" in press(excel, book, "xlcrmSettings")
    finally:
        book.close()


def test_help_button_explains_the_buttons(excel, office):
    book, _ = office
    assert "全部刷新" in press(excel, book, "xlcrmHelp")


@pytest.fixture(scope="module")
def formula_book(excel, tmp_path_factory):
    if not sys.platform.startswith("win"):
        pytest.skip("xlwings runs Python formulas (UDFs) on Windows only")
    import xlwings as xw

    book = excel.books.add()
    try:
        project = book.api.VBProject
        project.References.AddFromFile(str(Path(excel.startup_path) / "xlwings.xlam"))
        xw.import_udfs("xlcrm.excel.udfs", book.api)
    except Exception as exc:  # noqa: BLE001
        book.close()
        pytest.skip(f"xlwings could not add the formulas ({exc}): tick 'Trust access to the VBA project "
                    "object model' in Excel's Trust Center")
    sheet = book.sheets[0]
    sheet.name = "数据"
    sheet.range("A1").value = kit.grid()
    yield book
    book.close()


@pytest.mark.parametrize("case", kit.cases(), ids=lambda c: c.name)
def test_each_formula_in_excel_gives_the_python_answer(excel, formula_book, case):
    sheet = formula_book.sheets[0]
    anchor = sheet.range("U2")
    sheet.range("U2:Z40").clear_contents()
    expected = case.python(lambda address: sheet.range(address).options(ndim=2).value)
    if case.spills:
        if not hasattr(anchor, "formula2"):
            pytest.skip("this xlwings has no formula2 (dynamic arrays)")
        anchor.formula2 = case.formula
    else:
        anchor.formula = case.formula
    excel.calculate()
    if case.spills:
        rows, cols = len(expected), len(expected[0])
        got = anchor.resize(rows, cols).options(ndim=2).value
        want = expected
    else:
        got, want = [[anchor.value]], [[expected]]
    for got_row, want_row in zip(got, want):
        for g, w in zip(got_row, want_row):
            assert _same(g, w), f"{case.formula}: Excel {got!r}, Python {want!r}"
    if case.error:
        assert str(got[0][0]).startswith("#VALUE!")
