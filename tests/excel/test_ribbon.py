"""Ribbon callbacks through the book seam, with an in-memory book and a stand-in pipeline.

These check what each button writes, says and survives; test_ribbon_filebook.py runs the
same callbacks on a real workbook file through the real pipeline.
"""

from __future__ import annotations

import sys
from types import SimpleNamespace

import pandas as pd
import pytest

from xlcrm import i18n
from xlcrm.errors import NoOrderTable
from xlcrm.excel import ribbon
from xlcrm.excel.book import Book, FileBook, cell_value, table_rows
from xlcrm.model import Column, Frames, Results, SheetSpec, TableSpec

ALL_ROLES = ["customers", "churn", "visits", "complaints", "dashboard", "issues", "key_accounts", "winback",
             "history"]


class MemoryBook:
    """A Book held in memory: what was read, what got written, what the user was told."""

    replaces_all_owned = False

    def __init__(self, lang="zh", settings=None, fail=None):
        self.name = "订单.xlsx"
        self.user_sheets: list[SheetSpec] = []
        self.lang = lang
        self.settings = settings or {}
        self.fail = fail
        self.written: list[SheetSpec] = []
        self.messages: list[str] = []

    def read(self):
        if self.fail:
            raise self.fail
        orders = pd.DataFrame({"customer_key": ["A"], "order_date": [pd.Timestamp("2024-01-05")],
                               "amount": [100.0], "source_sheet": ["订单"], "source_row": [2]})
        return SimpleNamespace(frames=Frames(orders=orders, settings=dict(self.settings)), lang=self.lang,
                               settings_cells={})

    def owned_roles(self):
        return {s.role for s in self.written}

    def write(self, sheets, *, lang):
        self.written.extend(sheets)
        return [s.name for s in sheets]

    def add_user_sheet(self, sheet, *, lang):
        self.user_sheets.append(sheet)
        return sheet.name

    def message(self, text):
        self.messages.append(text)


@pytest.fixture()
def pipeline(monkeypatch):
    """The real ``xlcrm.refresh.run`` (settings, language, as-of) over a stand-in ``compute``
    that returns one sheet per role and records its inputs."""
    import xlcrm.refresh

    calls = []

    def compute(frames, settings, asof, lang, *, progress=None, extra_issues=None, register_columns=None):
        calls.append((frames, settings, asof, lang, list(extra_issues or [])))
        sheets = [SheetSpec(role, i18n.sheet_name(role, lang), []) for role in ALL_ROLES]
        issues = list(frames.issues) + list(extra_issues or [])
        return SimpleNamespace(results=Results(sheets=sheets, issues=issues))

    monkeypatch.setattr(xlcrm.refresh, "compute", compute)
    return calls


def test_memory_and_file_books_satisfy_the_book_protocol(tmp_path):
    assert isinstance(MemoryBook(), Book)
    assert isinstance(FileBook(tmp_path / "x.xlsx"), Book)


def test_refresh_all_writes_every_sheet_and_says_so_in_the_workbooks_language(pipeline):
    book = MemoryBook(lang="zh")
    outcome = ribbon.refresh_all(book)
    assert outcome.ok and [s.role for s in book.written] == ALL_ROLES
    assert book.messages == [outcome.message] and outcome.message.startswith("xlcrm：已更新 客户分级")


@pytest.mark.parametrize("action, roles", [
    ("classify", {"customers", "key_accounts", "history", "dashboard", "issues"}),
    ("churn", {"churn", "winback", "issues"}),
    ("visit_plan", {"visits", "issues"}),
    ("complaint_log", {"complaints", "issues"}),
])
def test_each_button_writes_only_its_own_sheets_plus_data_issues(pipeline, action, roles):
    book = MemoryBook(lang="en")
    getattr(ribbon, action)(book)
    assert {s.role for s in book.written} == roles


def test_settings_sheet_values_reach_the_pipeline(pipeline):
    import datetime as dt

    book = MemoryBook(lang="zh", settings={"统计日期": "2024-06-30", "语言": "en", "重要客户比例": "2%"})
    ribbon.refresh_all(book)
    _, settings, asof, lang, _ = pipeline[0]
    assert asof == dt.date(2024, 6, 30) and lang == "en" and settings.tier_key_share == 0.02


def test_a_bad_setting_becomes_a_data_issue_not_a_failure(pipeline):
    book = MemoryBook(settings={"重要客户比例": "lots"})
    outcome = ribbon.refresh_all(book)
    extra = pipeline[0][4]
    assert outcome.ok and any("重要客户比例" in i.problem for i in extra)  # worded in the book's language
    assert "1 条数据问题" in outcome.message


def test_an_unusable_workbook_gives_one_message_and_writes_nothing(pipeline):
    error = NoOrderTable("订单.xlsx", "no sheet has order headers", "add a sheet with 订单日期 and 金额")
    book = MemoryBook(fail=error)
    outcome = ribbon.refresh_all(book)
    assert not outcome.ok and book.written == []
    assert book.messages == [f"xlcrm 无法刷新：{error}"]


def test_an_unexpected_error_is_reported_not_raised(pipeline, monkeypatch, caplog):
    def broken(*a, **k):
        raise KeyError("amount")

    monkeypatch.setattr(sys.modules["xlcrm.refresh"], "compute", broken)
    book = MemoryBook(lang="en")
    outcome = ribbon.churn(book)
    assert not outcome.ok and "KeyError" in outcome.message and "xlwings log" in outcome.message
    assert "Traceback" not in outcome.message


def test_a_book_whose_writer_drops_unlisted_sheets_gets_its_other_xlcrm_sheets_along(pipeline):
    class Batch(MemoryBook):
        replaces_all_owned = True

        def owned_roles(self):
            return {"customers", "churn", "visits"}

    book = Batch(lang="en")
    ribbon.complaint_log(book)
    assert {s.role for s in book.written} == {"complaints", "issues", "customers", "churn", "visits"}


def test_settings_button_adds_a_user_sheet_with_every_setting_once():
    from xlcrm.settings import ALL

    book = MemoryBook(lang="zh")
    outcome = ribbon.settings(book)
    assert book.written == []  # not an xlcrm sheet: refreshes read it and never replace it
    (spec,) = book.user_sheets
    assert spec.name == "设置" and outcome.written == ["设置"]
    frame = spec.tables[0].frame
    assert list(frame["key"]) == [s.zh for s in ALL]  # labels the settings reader accepts
    again = MemoryBook(lang="zh", settings={"重要客户比例": "1%"})
    ribbon.settings(again)
    assert again.user_sheets == [] and "已有设置表" in again.messages[0]


def test_help_speaks_the_workbooks_language_even_when_it_cannot_be_read():
    assert "Refresh All" in ribbon.help(MemoryBook(lang="en")).message
    assert "全部刷新" in ribbon.help(MemoryBook(fail=RuntimeError("locked"))).message


def test_written_cells_translate_codes_keep_text_as_text_and_blank_missing_values():
    columns = [Column("tier", "Tier", "客户等级", coded=True), Column("note", "Note", "备注"),
               Column("amount", "Revenue", "销售额", kind="money"),
               Column("last", "Last Order", "最近下单", kind="date")]
    frame = pd.DataFrame({"tier": ["Key", "Small"], "note": ["=HYPERLINK(\"x\")", "+86 10 1234"],
                          "amount": [1.5, float("nan")], "last": [pd.Timestamp("2024-01-05"), pd.NaT]})
    rows = table_rows(TableSpec("xlcrm_t", frame, columns), "zh")
    assert rows[0] == ["客户等级", "备注", "销售额", "最近下单"]
    assert rows[1][0] == "重要客户" and rows[2][0] == "小客户"
    assert rows[1][1] == "'=HYPERLINK(\"x\")" and rows[2][1] == "'+86 10 1234"  # DESIGN invariant 4
    assert rows[2][2] is None and rows[2][3] is None
    assert cell_value(pd.Timestamp("2024-01-05"), columns[3], "en").isoformat() == "2024-01-05T00:00:00"
