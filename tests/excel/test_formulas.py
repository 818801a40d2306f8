"""Formulas as users type them reach our UDFs with the right shapes.

The ``formulas`` package (an Excel formula engine we did not write) computes a workbook
whose cells call CRM_TIER (filled down, one cell each) and CRM_PYRAMID / CRM_CHURN_COST
(array formulas that spill). Ranges arrive from it as 2-D object arrays with an EMPTY
marker for blank cells; a thin shim turns them into what xlwings passes (lists of rows,
None for blanks, float numbers). Not Excel: it shows the formula text, argument order and
result shapes work, nothing about COM.
"""

from __future__ import annotations

import sys
import warnings

import numpy as np
import openpyxl
import pytest
from openpyxl.worksheet.formula import ArrayFormula

import xlcrm.excel.udfs as udfs
from tests.excel import fakecore
from xlcrm.excel._cache import CACHE

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    import formulas
    import formulas.functions
    import schedula as sh


def _xlwings_shape(value):
    """A formulas argument as xlwings would pass it (ndim=2 lists, None for blank cells)."""
    def plain(v):
        if v is sh.EMPTY:
            return None
        if isinstance(v, (np.integer, np.floating)):
            return float(v)
        if isinstance(v, np.bool_):
            return bool(v)
        return v

    if isinstance(value, np.ndarray):
        return [[plain(v) for v in row] for row in np.atleast_2d(value).tolist()]
    return plain(value)


def _register(name, seen):
    func = getattr(udfs, name)

    def call(*args):
        shaped = [_xlwings_shape(a) for a in args]
        seen.append((name, shaped))
        out = func(*shaped)
        return np.asarray(out, dtype=object) if isinstance(out, list) else out

    formulas.get_functions()[name] = formulas.functions.wrap_func(call)


@pytest.fixture()
def book(tmp_path, monkeypatch):
    for name, module in fakecore.modules().items():
        monkeypatch.setitem(sys.modules, name, module)
    fakecore.CALLS.clear()
    CACHE.clear()
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Orders"
    ws.append(["客户编号", "毛利"])
    for i in range(1, 11):
        ws.append([f"C{i}", 1000.0 - 10 * i])
    ws.append([None, None])  # a blank row inside the selected range
    for r in range(2, 12):  # CRM_TIER filled down column D
        ws[f"D{r}"] = f'=CRM_TIER(A{r},$A$1:$A$12,$B$1:$B$12,"","en")'
    ws["F1"] = ArrayFormula("F1:I11", "=CRM_PYRAMID(A1:A12,B1:B12)")
    ws["K1"] = ArrayFormula("K1:L3", '=CRM_CHURN_COST(64000,"5%",40000,0.1,"","en")')
    path = tmp_path / "udfs.xlsx"
    wb.save(path)
    return path


def _values(solution, sheet, cells):
    out = {}
    for key, value in solution.items():
        ref = key.split("!")[-1]
        if f"]{sheet.upper()}'" in key.upper() and ref in cells:
            out[ref] = value.value.tolist() if hasattr(value, "value") else value
    return out


def test_formulas_typed_in_cells_reach_the_udfs_and_spill(book):
    seen = []
    for name in ("CRM_TIER", "CRM_PYRAMID", "CRM_CHURN_COST"):
        _register(name, seen)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = formulas.ExcelModel().loads(str(book)).finish()
        solution = model.calculate()
    tiers = _values(solution, "Orders", {f"D{r}" for r in range(2, 12)})
    # fakecore ranks by cumulative share of customers: 1-2 of 10 Major, 3-5 Regular, 6-10 Small
    assert tiers["D2"] == tiers["D3"] == [["Major"]]
    assert tiers["D4"] == [["Regular"]] and tiers["D11"] == [["Small"]]
    pyramid = _values(solution, "Orders", {"F1:I11"})["F1:I11"]
    assert pyramid[0] == ["客户编号", "价值", "排名", "客户等级"]
    assert [row[0] for row in pyramid[1:]] == [f"C{i}" for i in range(1, 11)]
    # (an argument skipped as ",," reaches a UDF as 0 in formulas but as "missing" -> default in
    # xlwings, so the formulas here spell the skipped ones as "")
    cost = _values(solution, "Orders", {"K1:L3"})["K1:L3"]
    assert [row[1] for row in cost] == [3200.0, 128_000_000.0, 12_800_000.0]

    # what the UDFs received: 2-D lists with the header row, None for the blank row
    name, args = next(s for s in seen if s[0] == "CRM_TIER")
    assert isinstance(args[0], list) and len(args[0]) == 1 and len(args[0][0]) == 1  # one cell
    assert args[1][0] == ["客户编号"] and args[1][-1] == [None] and len(args[1]) == 12
    assert args[2][1] == [990.0]
    assert sum(1 for s in seen if s[0] == "CRM_TIER") == 10
    assert fakecore.CALLS["assign_tiers"] == 1  # ten cells and the spilled table: one pyramid
