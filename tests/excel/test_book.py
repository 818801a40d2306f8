"""XlwingsBook against a small stand-in of the xlwings object model it uses.

Only the calls XlwingsBook makes are modelled (sheets, names, used_range, range, tables,
app.alert/status_bar/screen_updating), with xlwings' signatures. This checks our logic
(owned sheets found by marker, user sheets never written, tables replaced), not Excel.
"""

from __future__ import annotations

import sys
import types

import pandas as pd
import pytest

from xlcrm.excel.book import XlwingsBook
from xlcrm.model import Column, SheetSpec, TableSpec
from xlcrm.workbook import marker

from tests.excel.fakexl import FakeBook, FakeSheet


COLUMNS = [Column("customer_id", "Customer ID", "客户编号"), Column("tier", "Tier", "客户等级", coded=True),
           Column("revenue", "Revenue", "销售额", kind="money")]


def spec(rows):
    frame = pd.DataFrame(rows, columns=["customer_id", "tier", "revenue"])
    return SheetSpec("customers", "客户分级", [TableSpec("xlcrm_customers", frame, COLUMNS)])


def test_raw_sheets_carry_values_and_where_the_used_range_starts(monkeypatch):
    class RawSheet:  # stand-in with the contract's signature, until the reader is merged
        def __init__(self, name, rows, first_row=1, first_col=1, merged=(), date1904=False):
            self.name, self.rows, self.first_row, self.first_col = name, rows, first_row, first_col

    try:
        import xlcrm.workbook.read  # noqa: F401
    except ImportError:
        monkeypatch.setitem(sys.modules, "xlcrm.workbook.read", types.SimpleNamespace(RawSheet=RawSheet))
    orders = FakeSheet("订单", {(3, 2): "客户编号", (3, 3): "金额", (4, 2): "C1", (4, 3): 12.5})
    (raw,) = XlwingsBook(FakeBook([orders])).raw_sheets()
    assert raw.name == "订单" and raw.first_row == 3 and raw.first_col == 2
    assert raw.rows == [["客户编号", "金额"], ["C1", 12.5]]


def test_first_write_adds_a_marked_sheet_and_never_touches_a_user_sheet_of_that_name():
    user = FakeSheet("客户分级", {(1, 1): "my own notes"})
    book = FakeBook([FakeSheet("订单"), user])
    written = XlwingsBook(book).write([spec([["C1", "Key", 1000.0]])], lang="zh")
    assert user.cells == {(1, 1): "my own notes"}  # DESIGN invariant 2
    assert written == ["客户分级 (2)"] and book.sheets[-1].name == "客户分级 (2)"
    (name,) = book.names
    assert name.name == marker.defined_name("customers") and not name.api.Visible
    assert marker.sheet_of_ref(name.refers_to) == "客户分级 (2)"
    sheet = book.sheets[-1]
    assert sheet.cells[(1, 1)] == "客户编号" and sheet.cells[(2, 2)] == "重要客户"
    assert sheet.formats[(2, 3)] == "#,##0.00"
    assert [t.name for t in sheet.tables] == ["xlcrm_customers"]
    assert book.app.screen_updating is True  # restored


def test_second_write_replaces_the_owned_sheet_found_by_its_marker_after_a_rename():
    book = FakeBook([FakeSheet("订单")])
    xb = XlwingsBook(book)
    xb.write([spec([["C1", "Key", 1.0], ["C2", "Small", 2.0]])], lang="zh")
    book.sheets[-1].name = "我的分级"  # the user renamed it; the marker name follows in Excel
    book.names[0].refers_to = "='我的分级'!$A$1"
    xb.write([spec([["C9", "Major", 3.0]])], lang="en")
    assert len(book.sheets) == 2
    sheet = book.sheets[-1]
    assert sheet.cells[(2, 1)] == "C9" and (3, 1) not in sheet.cells  # old rows gone
    assert sheet.cells[(2, 2)] == "Major" and len(sheet.tables) == 1
    assert sheet.name == "我的分级"  # the user's name is kept


def test_a_language_switch_renames_the_owned_sheet():
    book = FakeBook([FakeSheet("订单")])
    xb = XlwingsBook(book)
    xb.write([spec([["C1", "Key", 1.0]])], lang="zh")
    english = spec([["C1", "Key", 1.0]])
    english.name = "CRM Customers"
    assert xb.write([english], lang="en") == ["CRM Customers"]


def test_messages_use_an_alert_or_fall_back_to_the_status_bar():
    book = FakeBook([FakeSheet("订单")])
    XlwingsBook(book).message("done")
    assert book.app.alerts == [("xlcrm", "done")]
    quiet = FakeBook([FakeSheet("订单")], alert_works=False)
    XlwingsBook(quiet).message("done")
    assert quiet.app.status_bar == "done"
    hidden = FakeBook([FakeSheet("订单")])
    hidden.app.visible = False  # Excel driven by a script (the live test kit): no dialog to wait on
    XlwingsBook(hidden).message("done")
    assert hidden.app.alerts == [] and hidden.app.status_bar == "done"


@pytest.mark.parametrize("lang, header", [("zh", "客户编号"), ("en", "Customer ID")])
def test_headers_follow_the_language(lang, header):
    book = FakeBook([FakeSheet("订单")])
    XlwingsBook(book).write([spec([["C1", "Key", 1.0]])], lang=lang)
    assert book.sheets[-1].cells[(1, 1)] == header


def test_a_user_sheet_gets_no_marker_and_a_free_name():
    book = FakeBook([FakeSheet("订单"), FakeSheet("设置")])
    settings = SheetSpec("settings", "设置", [TableSpec("Settings", pd.DataFrame({"customer_id": ["x"],
                         "tier": ["Key"], "revenue": [1.0]}), COLUMNS)])
    assert XlwingsBook(book).add_user_sheet(settings, lang="zh") == "设置 (2)"
    assert list(book.names) == [] and book.sheets[-1].cells[(1, 1)] == "客户编号"


def test_metric_value_tables_get_a_number_format_per_row():
    cols = [Column("metric", "Metric", "指标"), Column("value", "Value", "数值", kind="number"),
            Column("note", "Note", "说明")]
    frame = pd.DataFrame({"metric": ["Customers", "Share"], "value": [27, 0.4], "note": ["", ""]})
    dash = SheetSpec("dashboard", "客户看板", [TableSpec("xlcrm_dash", frame, cols, row_kinds=["int", "pct"])])
    book = FakeBook([FakeSheet("订单")])
    XlwingsBook(book).write([dash], lang="zh")
    sheet = book.sheets[-1]
    # the file writer's formats (xlcrm.workbook.render.FORMATS), not a second map
    assert sheet.formats[(2, 2)] == "#,##0" and sheet.formats[(3, 2)] == "0.0%"
