"""Ribbon callbacks on workbook files, through FileBook and the real pipeline.

Expected values come from ``xlcrm refresh`` (the batch path) and from LibreOffice reading
the results back: a button must give the same sheets as the command line, and write
nothing but xlcrm's own sheets.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest

from tests.libreoffice import read_back
from xlcrm import i18n
from xlcrm.excel import ribbon
from xlcrm.excel.book import FileBook
from xlcrm.refresh import refresh

ASOF_SETTING = "2024-06-30"


def small_book(path: Path, *, with_settings: bool = True) -> Path:
    """An order sheet as offices keep it (title row, zh headers), plus a settings sheet."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "订单"
    ws.append(["2024年销售明细"])
    ws.append(["订单编号", "订单日期", "客户编号", "客户名称", "金额", "毛利", "业务员"])
    rows = []
    for i in range(40):
        cust = i % 8
        rows.append([f"SO{i:04d}", f"2024-{1 + i % 6:02d}-{1 + (i * 3) % 27:02d}", f"K{cust:03d}",
                     f"客户{cust}", 1000.0 * (8 - cust) + i, 200.0 * (8 - cust), "张三"])
    for r in rows:
        ws.append(r)
    if with_settings:
        st = wb.create_sheet("设置")
        st.append(["设置项", "值"])
        st.append(["统计日期", ASOF_SETTING])
    wb.save(path)
    return path


@pytest.fixture()
def book(tmp_path) -> Path:
    return small_book(tmp_path / "orders.xlsx")


@pytest.mark.libreoffice
@pytest.mark.slow
def test_refresh_all_button_writes_the_same_sheets_as_xlcrm_refresh(book, tmp_path):
    cli_copy = tmp_path / "cli.xlsx"
    shutil.copyfile(book, cli_copy)
    outcome = ribbon.refresh_all(FileBook(book))
    assert outcome.ok, outcome.message
    report = refresh(cli_copy)
    assert set(outcome.written) == set(report.written)
    button, cli = read_back(book), read_back(cli_copy)
    for name in report.written:
        assert button[name] == cli[name], f"sheet {name} differs between the button and xlcrm refresh"
    assert button["订单"] == cli["订单"]  # the user's sheet, read back unchanged


@pytest.mark.libreoffice
def test_classify_button_writes_the_customers_sheet_with_the_contract_columns(book):
    outcome = ribbon.classify(FileBook(book))
    assert outcome.ok, outcome.message
    assert i18n.sheet_name("customers", "zh") in outcome.written
    assert i18n.sheet_name("churn", "zh") not in outcome.written
    sheets = read_back(book)
    header = sheets["客户分级"][0]
    for col in ("客户编号", "客户名称", "订单数", "销售额", "毛利", "生命周期", "客户等级", "ABC类", "RFM"):
        assert col in header
    tiers = {row[header.index("客户编号")]: row[header.index("客户等级")] for row in sheets["客户分级"][1:]}
    assert tiers["K000"] == "重要客户"  # the highest profit of 8 customers: the top of the pyramid


def test_settings_button_on_a_file_explains_instead_of_writing_a_sheet_refresh_would_drop(tmp_path):
    path = small_book(tmp_path / "bare.xlsx", with_settings=False)
    before = path.read_bytes()
    book = FileBook(path)
    outcome = ribbon.settings(book)
    assert outcome.ok and outcome.written == [] and "设置项" in book.messages[0]
    assert path.read_bytes() == before


def test_one_button_on_a_file_keeps_the_other_xlcrm_sheets(book):
    assert ribbon.refresh_all(FileBook(book)).ok
    before = set(openpyxl.load_workbook(book, read_only=True).sheetnames)
    outcome = ribbon.visit_plan(FileBook(book))
    assert outcome.ok, outcome.message
    assert set(openpyxl.load_workbook(book, read_only=True).sheetnames) == before


def test_an_unusable_file_gives_one_message_and_is_left_unchanged(tmp_path):
    path = tmp_path / "not-a-workbook.xlsx"
    path.write_bytes(b"this is not a zip")
    before = path.read_bytes()
    book = FileBook(path)
    outcome = ribbon.refresh_all(book)
    assert not outcome.ok and len(book.messages) == 1 and "not-a-workbook.xlsx" in book.messages[0]
    assert path.read_bytes() == before
