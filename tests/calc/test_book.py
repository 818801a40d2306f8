"""CalcBook's decisions without an office: what it asks LibreOffice to write, and where.

The document side (docio.py) only carries out plans; these tests pin the plans: a role goes
to the sheet its marker names, a user's sheet of the same name is never written into, a
language switch renames xlcrm's own sheet but never a name the user chose, values match the
Excel book's, and text that looks like a formula stays text.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import pytest

from xlcrm.calc.book import CalcBook, anchor_position, calc_value, table_plan
from xlcrm.excel.book import Book, table_rows
from xlcrm.model import Column, SheetSpec, TableSpec


class FakeOffice:
    """Answers the worker's document questions from a dict of sheets; records the plans."""

    def __init__(self, sheets: list[str], owned: dict[str, str]) -> None:
        self.sheets = list(sheets)
        self.owned = dict(owned)  # sheet -> role
        self.plans: list[dict[str, Any]] = []

    def ask(self, method: str, *args: Any) -> Any:
        if method == "name":
            return "book.xlsx"
        if method == "owned":
            return dict(self.owned)
        if method == "sheet_names":
            return list(self.sheets)
        if method == "write_sheet":
            plan = args[0]
            self.plans.append(plan)
            name = plan["sheet"]
            if plan["create"]:
                self.sheets.append(name)
            if plan["rename"]:
                self.sheets[self.sheets.index(name)] = plan["rename"]
                self.owned.pop(name, None)
                name = plan["rename"]
            self.owned[name] = plan["role"]
            return name
        raise AssertionError(method)


def _spec(role: str, name: str) -> SheetSpec:
    frame = pd.DataFrame({"customer_id": ["C1", "=cmd|' /C calc'!A0"], "value": [1.5, None],
                          "day": [pd.Timestamp("2024-01-05"), pd.NaT]})
    cols = [Column("customer_id", "Customer ID", "客户编号"), Column("value", "Value", "价值", kind="money"),
            Column("day", "Day", "日期", kind="date")]
    return SheetSpec(role, name, [TableSpec(f"xlcrm_{role}", frame, cols)])


def test_calc_book_is_a_book():
    assert isinstance(CalcBook(FakeOffice([], {})), Book)


def test_new_role_is_appended_and_a_user_sheet_of_that_name_is_never_written_into():
    office = FakeOffice(["订单", "客户分级"], {})  # the user has a sheet called 客户分级
    written = CalcBook(office).write([_spec("customers", "客户分级")], lang="zh")
    assert written == ["客户分级 (2)"]
    assert office.plans[0]["create"] and office.plans[0]["role"] == "customers"


def test_owned_sheet_is_reused_even_when_the_user_renamed_it():
    office = FakeOffice(["订单", "我的分级"], {"我的分级": "customers"})
    written = CalcBook(office).write([_spec("customers", "客户分级")], lang="zh")
    assert written == ["我的分级"]  # the user's name is kept
    assert office.plans[0]["create"] is False and office.plans[0]["rename"] is None


def test_language_switch_renames_xlcrms_own_sheet_name():
    office = FakeOffice(["Orders", "客户分级"], {"客户分级": "customers"})
    written = CalcBook(office).write([_spec("customers", "CRM Customers")], lang="en")
    assert written == ["CRM Customers"]
    assert office.plans[0]["rename"] == "CRM Customers"


def test_table_plan_has_the_excel_books_values_and_the_file_writers_formats():
    spec = _spec("customers", "客户分级")
    plan = table_plan(spec.tables[0], "zh")
    excel = table_rows(spec.tables[0], "zh")
    assert plan["rows"][0] == excel[0] == ["客户编号", "价值", "日期"]
    assert plan["rows"][1] == excel[1] == ["C1", 1.5, dt.datetime(2024, 1, 5)]
    # Excel needs its ' prefix to keep formula-like text as text; Calc's setDataArray does not
    assert excel[2][0] == "'=cmd|' /C calc'!A0"
    assert plan["rows"][2] == ["=cmd|' /C calc'!A0", None, None]
    assert plan["formats"] == [None, "#,##0.00", "yyyy-mm-dd"]
    assert (plan["row"], plan["col"], plan["title"]) == (0, 0, None)


@pytest.mark.parametrize("anchor,pos", [("A1", (0, 0)), ("C5", (4, 2)), ("$AA$10", (9, 26)), ("h3", (2, 7))])
def test_anchor_position(anchor, pos):
    assert anchor_position(anchor) == pos


def test_calc_value_keeps_a_leading_quote_the_user_typed():
    col = Column("note", "Note", "备注")
    assert calc_value("'=x", col, "zh") == "'=x"
    assert calc_value("-5 days", col, "zh") == "-5 days"
