"""The live kit's formulas (tests/live_excel/cases.py) on Linux: every CRM_* function is
entered at least once, and every expected answer computes from the kit's data sheet, so a
failure in Excel points at Excel, xlwings or COM, not at the kit."""

from __future__ import annotations

import pytest

import xlcrm.excel.udfs as udfs
from tests.live_excel import cases as kit


def test_the_kit_enters_every_crm_function():
    assert kit.names_covered() == set(udfs.__all__)


@pytest.mark.parametrize("case", kit.cases(), ids=lambda c: c.name)
def test_each_expected_answer_computes_from_the_kit_data(case):
    data = kit.grid()
    got = case.python(lambda address: kit.read(data, address))
    is_error = isinstance(got, str) and got.startswith("#")
    assert is_error == case.error, got
    if not case.error:
        assert isinstance(got, list) == case.spills, got  # spilled cases return a table


def test_whole_columns_read_like_the_kit_ranges():
    data = kit.grid()
    assert kit.read(data, "A:A")[:11] == kit.read(data, "$A$1:$A$11")
