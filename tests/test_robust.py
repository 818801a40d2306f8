"""Regression tests for bugs found by the fuzz test and the foreign corpora (benchmarks/corpus.py).

Each builds the smallest workbook that reproduced its bug.
"""

from __future__ import annotations

import datetime as dt

import openpyxl

from xlcrm.refresh import refresh


def test_absurd_amounts_are_data_issues_not_an_overflow(tmp_path):
    # Fuzz: amounts of ±1E+308 overflowed every sum to inf (numpy RuntimeWarning, pytest
    # error). No sales office types 10^15 or more; such a cell is unreadable like any other.
    src = tmp_path / "book.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "订单"
    ws.append(["订单日期", "客户名称", "金额"])
    ws.append([dt.datetime(2024, 1, 5), "华东机械", 1e308])
    ws.append([dt.datetime(2024, 2, 5), "华东机械", -1e308])
    ws.append([dt.datetime(2024, 3, 5), "华东机械", "1e300"])
    ws.append([dt.datetime(2024, 4, 5), "华东机械", 1234.5])
    wb.save(src)
    report = refresh(src, output=tmp_path / "out.xlsx", asof=dt.date(2025, 1, 1))
    assert report.computed.customers["revenue"].tolist() == [1234.5]  # the one sane amount
    assert {i.cell for i in report.issues} >= {"C2", "C3", "C4"}
