"""The UDF adapter layer: argument shapes as xlwings passes them, results Excel can spill,
Excel-style error text, the content cache, and xlwings' own decorator machinery.

The core is replaced by ``fakecore`` here (these tests are about the adapter); the real
numbers are checked in test_udfs_core.py against the textbook.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl.utils.datetime import to_excel

import xlcrm.excel.udfs as udfs
from tests.excel import fakecore
from xlcrm.excel import _cells
from xlcrm.excel._cache import CACHE, ContentCache

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture()
def fake_core(monkeypatch):
    for name, module in fakecore.modules().items():
        monkeypatch.setitem(sys.modules, name, module)
    fakecore.CALLS.clear()
    CACHE.clear()
    yield fakecore.CALLS
    CACHE.clear()


def col(*values):
    """A column range as xlwings passes it with ndim=2: a list of one-cell rows."""
    return [[v] for v in values]


IDS = col("客户编号", *[f"C{i}" for i in range(1, 101)], None, None)  # header, 100 customers, blanks
VALUES = col("毛利", *[float(1000 - i) for i in range(1, 101)], None, None)
ORDER_CUSTOMERS = col("客户名称", "A", "A", "B", None)
ORDER_DATES = col("订单日期", dt.datetime(2024, 1, 5), 45300.0, "2024年3月1日", None)
ORDER_AMOUNTS = col("金额", 100.0, "¥1,200", 50.0, None)
ASOF = dt.datetime(2024, 6, 1)


def assert_spillable(result):
    """What Excel can show: a scalar, or a non-empty rectangular list of lists of plain values."""
    plain = (str, float, int, bool)
    if isinstance(result, list):
        assert result and all(isinstance(r, list) for r in result)
        assert len({len(r) for r in result}) == 1, "rows of different lengths do not spill"
        cells = [c for r in result for c in r]
    else:
        cells = [result]
    for c in cells:
        assert type(c) in plain, f"{c!r} ({type(c).__name__}) is not a plain Excel value"
        assert not (isinstance(c, float) and (math.isnan(c) or math.isinf(c)))


CALLS = {  # every UDF with arguments shaped the way xlwings passes them
    "CRM_TIER": lambda: udfs.CRM_TIER([["C1"]], IDS, VALUES),
    "CRM_PYRAMID": lambda: udfs.CRM_PYRAMID(IDS, VALUES),
    "CRM_ABC": lambda: udfs.CRM_ABC([["C7"]], IDS, VALUES),
    "CRM_RFM": lambda: udfs.CRM_RFM([["x"]], col("ID", "x", "y"), col(10.0, 100.0), col(9.0, 1.0),
                                    col(5000.0, 10.0)),
    "CRM_RFM_SEGMENT": lambda: udfs.CRM_RFM_SEGMENT(col("x", "y"), col("x", "y"), col(10.0, 100.0),
                                                    col(9.0, 1.0), col(5000.0, 10.0)),
    "CRM_LIFECYCLE": lambda: udfs.CRM_LIFECYCLE([["A"]], ORDER_CUSTOMERS, ORDER_DATES, ASOF),
    "CRM_CHURN_RISK": lambda: udfs.CRM_CHURN_RISK([["A"]], ORDER_CUSTOMERS, ORDER_DATES, ORDER_AMOUNTS, ASOF),
    "CRM_P_ALIVE": lambda: udfs.CRM_P_ALIVE([["B"]], ORDER_CUSTOMERS, ORDER_DATES, ORDER_AMOUNTS, ASOF),
    "CRM_CHURN_COST": lambda: udfs.CRM_CHURN_COST(64000.0, 0.05, 40000.0, 0.1),
    "CRM_NEXT_VISIT": lambda: udfs.CRM_NEXT_VISIT([[dt.datetime(2024, 1, 5)]], [["重要客户"]]),
    "CRM_RESPONSE_DUE": lambda: udfs.CRM_RESPONSE_DUE([[45300.0]], [["Small"]]),
    "CRM_SATISFACTION_INDEX": lambda: udfs.CRM_SATISFACTION_INDEX([[8.0]], [[10.0]]),
}


def test_public_api_lists_every_udf_the_issue_asks_for():
    assert set(udfs.__all__) == set(CALLS)
    for name in udfs.__all__:
        f = getattr(udfs, name)
        assert f.__name__ == name and name.startswith("CRM_")
        # xlwings shows the docstring as the Insert Function help, cut at 255 characters
        assert f.__doc__ and len(f.__doc__) <= 255, name
        # xlwings would take annotations as converters; the UDFs must have none
        assert not f.__wrapped__.__annotations__, name


@pytest.mark.parametrize("name", sorted(CALLS))
def test_each_udf_returns_what_excel_can_spill(fake_core, name):
    result = CALLS[name]()
    assert not (isinstance(result, str) and result.startswith("#")), result
    assert_spillable(result)


def test_pyramid_spills_a_header_row_and_one_row_per_customer(fake_core):
    table = udfs.CRM_PYRAMID(IDS, VALUES)
    assert table[0] == ["客户编号", "价值", "排名", "客户等级"]  # header in the header's language
    assert len(table) == 101
    assert [r[0] for r in table[1:4]] == ["C1", "C2", "C3"]  # highest value first
    assert udfs.CRM_PYRAMID(IDS, VALUES, None, "en")[0] == ["Customer ID", "Value", "Rank", "Tier"]


def test_ranges_with_and_without_header_row_give_the_same_answer(fake_core):
    with_header = udfs.CRM_TIER(col(*[f"C{i}" for i in range(1, 101)]), IDS, VALUES, None, "en")
    without = udfs.CRM_TIER(col(*[f"C{i}" for i in range(1, 101)]), IDS[1:], VALUES[1:], None, "en")
    assert with_header == without
    assert [r[0] for r in with_header[:3]] == ["Key", "Major", "Major"]


def test_a_range_of_customers_spills_a_column_and_blank_customers_stay_blank(fake_core):
    out = udfs.CRM_TIER(col("C1", None, "C100"), IDS, VALUES, None, "en")
    assert out == [["Key"], [""], ["Small"]]


def test_repeated_ids_are_summed_like_order_lines(fake_core):
    ids = col("A", "B", "A", "C")
    vals = col(10.0, 15.0, 10.0, 1.0)
    table = udfs.CRM_PYRAMID(ids, vals, None, "en")
    assert table[1][:3] == ["A", 20.0, 1]


def test_number_cells_holding_ids_match_text_ids(fake_core):
    # Excel hands an ID typed as 1001 over as the float 1001.0
    as_number = udfs.CRM_TIER([[1001.0]], col(1001.0, 1002.0), col(5.0, 1.0), None, "en")
    as_text = udfs.CRM_TIER([["1001"]], col(1001.0, 1002.0), col(5.0, 1.0), None, "en")
    assert as_number == as_text and not as_number.startswith("#")
    assert udfs.CRM_PYRAMID(col(1001.0, 1002.0), col(5.0, 1.0))[1][0] == "1001"


def test_unknown_customer_shows_na_text_naming_it(fake_core):
    out = udfs.CRM_TIER([["C9x"]], IDS, VALUES)
    assert out.startswith("#N/A ") and "'C9x'" in out and "ids" in out
    # in a spilled column only its own row says so
    column = udfs.CRM_TIER(col("C1", "C9x"), IDS, VALUES, None, "en")
    assert column[0] == ["Key"] and column[1][0].startswith("#N/A customer 'C9x'")
    risk = udfs.CRM_CHURN_RISK(col("A", "Q"), ORDER_CUSTOMERS, ORDER_DATES, ORDER_AMOUNTS, ASOF)
    assert isinstance(risk[0][0], float) and risk[1][0].startswith("#N/A") and risk[1][1] == ""
    assert udfs.CRM_CHURN_RISK([["Q"]], ORDER_CUSTOMERS, ORDER_DATES, ORDER_AMOUNTS, ASOF).startswith("#N/A")


@pytest.mark.parametrize("call, code, words", [
    (lambda: udfs.CRM_TIER([["C1"]], [["a", "b"], ["c", "d"]], VALUES), "#VALUE!", "one column"),
    (lambda: udfs.CRM_TIER([["C1"]], col("C1", "C2"), col(1.0, 2.0, 3.0)), "#VALUE!", "select the same rows in each"),
    (lambda: udfs.CRM_TIER([["C1"]], col("C1", "C2"), col(1.0, "abc")), "#VALUE!", '"abc" is not a number'),
    (lambda: udfs.CRM_LIFECYCLE([["A"]], col("A"), col("2024-13-45"), ASOF), "#VALUE!", "not a date"),
    (lambda: udfs.CRM_TIER([["C1"]], IDS, VALUES, None, "fr"), "#VALUE!", 'use "zh" or "en"'),
    (lambda: udfs.CRM_SATISFACTION_INDEX(8.0, 0.0), "#DIV/0!", "expectation"),
    (lambda: udfs.CRM_CHURN_COST(64000.0, None, 40000.0, 0.1), "#VALUE!", "lost_share is blank"),
    (lambda: udfs.CRM_CHURN_COST(64000.0, 0.05, 40000.0, 0.1, "cats"), "#VALUE!", "lost, revenue, profit"),
    (lambda: udfs.CRM_TIER([["C1"]], IDS, VALUES, None, None, [["Key share", "lots"]]), "#VALUE!", "Key share"),
])
def test_bad_input_shows_excel_error_text_that_says_what_to_fix(fake_core, call, code, words):
    out = call()
    assert isinstance(out, str) and out.startswith(code + " "), out
    assert words in out


def test_core_failures_become_error_text_not_tracebacks(fake_core, monkeypatch):
    from xlcrm.errors import ModelError

    def boom(*a, **k):
        raise ModelError("BG/NBD did not converge — add more order history")

    monkeypatch.setattr(sys.modules["xlcrm.churn"], "score", boom)
    out = udfs.CRM_CHURN_RISK([["A"]], ORDER_CUSTOMERS, ORDER_DATES, ORDER_AMOUNTS, ASOF)
    assert out == "#VALUE! BG/NBD did not converge — add more order history"

    def crash(*a, **k):
        raise ZeroDivisionError("float division by zero")

    monkeypatch.setattr(sys.modules["xlcrm.classify"], "assign_tiers", crash)
    out = udfs.CRM_TIER([["C1"]], IDS, VALUES)
    assert out.startswith("#VALUE! CRM_TIER failed (ZeroDivisionError") and "Traceback" not in out


def test_filling_a_formula_down_computes_the_pyramid_once(fake_core):
    # xlwings converts the ranges afresh for every cell: new lists each call, same content
    for i in range(1, 1001):
        udfs.CRM_TIER([[f"C{i % 100 + 1}"]], [list(r) for r in IDS], [list(r) for r in VALUES])
    assert fake_core["assign_tiers"] == 1
    assert CACHE.info()["hits"] == 999
    changed = [list(r) for r in VALUES]
    changed[5] = [1e9]
    assert udfs.CRM_TIER([["C5"]], IDS, changed, None, "en") == "Key"  # new content, new pyramid
    assert fake_core["assign_tiers"] == 2


def test_the_churn_model_runs_once_for_risk_and_p_alive_alike(fake_core):
    for who in ("A", "B", "A"):
        udfs.CRM_CHURN_RISK([[who]], ORDER_CUSTOMERS, ORDER_DATES, ORDER_AMOUNTS, ASOF)
        udfs.CRM_P_ALIVE([[who]], ORDER_CUSTOMERS, ORDER_DATES, ORDER_AMOUNTS, ASOF)
    assert fake_core["score"] == 1 and fake_core["classify"] == 1
    udfs.CRM_CHURN_RISK([["A"]], ORDER_CUSTOMERS, ORDER_DATES, ORDER_AMOUNTS, dt.datetime(2024, 7, 1))
    assert fake_core["score"] == 2  # another as-of date is another model run


def test_concurrent_first_calls_compute_once(fake_core):
    barrier = threading.Barrier(8)
    results = []

    def call():
        barrier.wait()
        results.append(udfs.CRM_TIER([["C1"]], IDS, VALUES, None, "en"))

    threads = [threading.Thread(target=call) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == ["Key"] * 8
    assert fake_core["assign_tiers"] == 1


def test_cache_is_bounded_least_recently_used_first():
    cache = ContentCache(maxsize=3)
    for k in "abcd":
        cache.get_or_compute(k, lambda k=k: k.upper())
    cache.get_or_compute("b", lambda: "recomputed")  # b is still there (a was evicted)
    assert cache.info()["size"] == 3 and cache.info()["hits"] == 1
    assert cache.get_or_compute("a", lambda: "again") == "again"


def test_dates_go_out_as_excel_serial_numbers_like_openpyxl_writes_them(fake_core):
    # fakecore: Key customers every 7 days from the last contact
    out = udfs.CRM_NEXT_VISIT([[dt.datetime(2024, 1, 5)]], [["重要客户"]])
    assert out == to_excel(dt.datetime(2024, 1, 12))
    due = udfs.CRM_RESPONSE_DUE(col(45300.0, "2024-01-09"), col("Key", "Small"))
    assert due == [[45300.0], [to_excel(dt.datetime(2024, 1, 10))]]


@pytest.mark.parametrize("text, want", [
    ("2024-01-05", dt.date(2024, 1, 5)), ("2024/1/5", dt.date(2024, 1, 5)),
    ("2024年1月5日", dt.date(2024, 1, 5)), (45296.0, dt.date(2024, 1, 5)),
    (dt.datetime(2024, 1, 5, 13, 30), dt.date(2024, 1, 5)), (None, None),
])
def test_dates_in_are_read_from_the_forms_workbooks_hold(text, want):
    assert _cells.to_date(text) == want
    if isinstance(text, float):  # openpyxl agrees on the serial number
        assert to_excel(dt.datetime.combine(want, dt.time())) == text


def test_churn_cost_spills_a_labelled_table_or_one_number(fake_core):
    assert udfs.CRM_CHURN_COST(64000.0, "5%", 40000.0, 10.0, "profit") == pytest.approx(12_800_000)
    table = udfs.CRM_CHURN_COST(64000.0, 0.05, 40000.0, 0.1, None, "en")
    assert [r[0] for r in table] == ["Customers lost", "Revenue lost", "Profit lost"]


def test_explain_spills_the_lifecycle_reason_beside_the_class(fake_core):
    out = udfs.CRM_LIFECYCLE([["A"]], ORDER_CUSTOMERS, ORDER_DATES, ASOF, None, True, "en")
    assert out == [["Repeat", "2 orders"]]
    assert udfs.CRM_LIFECYCLE([["Z"]], ORDER_CUSTOMERS, ORDER_DATES, ASOF, "Target", False, "en") == "Target"


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=False, width=32),
                          st.text(max_size=5), st.datetimes(min_value=dt.datetime(1901, 1, 1),
                                                            max_value=dt.datetime(2100, 1, 1))),
                min_size=1, max_size=30))
def test_any_column_of_cells_gives_a_spillable_answer_or_error_text(values):
    # whatever the cells hold, the user sees a value or an error text, never an exception
    import tests.excel.fakecore as fc

    saved = {n: sys.modules.get(n) for n in fc.modules()}
    sys.modules.update(fc.modules())
    try:
        ids = col(*[f"C{i}" for i in range(len(values))])
        out = udfs.CRM_PYRAMID(ids, col(*values))
        assert isinstance(out, str) and out.startswith("#") or assert_spillable(out) is None
    finally:
        for n, m in saved.items():
            if m is None:
                sys.modules.pop(n, None)
            else:
                sys.modules[n] = m
        CACHE.clear()


_XLWINGS_WINDOWS = r'''
import json, sys, types
# Stand-ins for pywin32, so xlwings' Windows UDF machinery (xlwings/udfs.py) imports here.
for name in ["pythoncom", "pywintypes", "win32com", "win32com.client"]:
    sys.modules[name] = types.ModuleType(name)
sys.modules["pythoncom"].CoInitialize = lambda: None
sys.modules["pywintypes"].com_error = Exception
sys.modules["win32com.client"].Dispatch = lambda *a, **k: None
import xlwings, xlwings.udfs as U
xlwings.func, xlwings.arg, xlwings.ret = U.xlfunc, U.xlarg, U.xlret
import xlcrm.excel.udfs as M
import io
class WB: Name = "xlcrm.xlam"
out = io.StringIO()
U.generate_vba_wrapper("xlcrm.excel.udfs", M, out, WB())
info = {n: {"category": getattr(M, n).__xlfunc__["category"],
            "doc": getattr(M, n).__xlfunc__["ret"]["doc"],
            "args": [(a["name"], a["doc"], a["options"], "optional" in a)
                     for a in getattr(M, n).__xlfunc__["args"]]} for n in M.__all__}
print(json.dumps({"vba": out.getvalue(), "info": info}, default=str))
'''


def test_xlwings_windows_decorators_accept_every_udf_and_write_its_vba_wrapper():
    proc = subprocess.run([sys.executable, "-c", _XLWINGS_WINDOWS], capture_output=True, text=True,
                          cwd=ROOT, env={"PYTHONPATH": str(ROOT), "PATH": ""}, timeout=120)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout.strip().splitlines()[-1])
    vba, info = data["vba"], data["info"]
    assert "Function CRM_TIER(customer, ids, values, Optional revenue, Optional lang, Optional settings)" in vba
    assert 'XLPy.CallUDF("xlcrm.excel.udfs", "CRM_PYRAMID", Array(ids, values, revenue, lang, settings), ' \
           "ActiveWorkbook, Application.Caller)" in vba  # an add-in calls on behalf of the active workbook
    # model fits do not run while the user types in the Insert Function dialog
    churn_vba = vba[vba.index("Function CRM_CHURN_RISK("):vba.index("End Function", vba.index("Function CRM_CHURN_RISK("))]
    assert 'If (Not Application.CommandBars("Standard").Controls(1).Enabled) Then Exit Function' in churn_vba
    tier_vba = vba[vba.index("Function CRM_TIER("):vba.index("End Function", vba.index("Function CRM_TIER("))]
    assert "CommandBars" not in tier_vba
    for name in udfs.__all__:
        assert f"Function {name}(" in vba
        assert info[name]["category"] == "xlcrm"
        assert info[name]["doc"] == getattr(udfs, name).__doc__
        for arg, doc, options, _ in info[name]["args"]:
            assert doc == udfs.ARG_DOCS[arg]  # the Insert Function dialog explains every argument
            if arg in ("ids", "values", "order_dates"):
                # the Range itself crosses COM, not its 1,048,576 values: cut to the used range first
                assert options == {"convert": "xlcrm_range"}


HEADERLESS = {  # each population-range UDF with and without the header rows (lang given)
    "CRM_ABC": lambda h: udfs.CRM_ABC(col("C3", "C90"), h(IDS), h(VALUES)),
    "CRM_PYRAMID": lambda h: udfs.CRM_PYRAMID(h(IDS), h(VALUES), None, "en")[1:],
    "CRM_LIFECYCLE": lambda h: udfs.CRM_LIFECYCLE(col("A", "B"), h(ORDER_CUSTOMERS), h(ORDER_DATES), ASOF,
                                                  None, True, "en"),
    "CRM_CHURN_RISK": lambda h: udfs.CRM_CHURN_RISK(col("A", "B"), h(ORDER_CUSTOMERS), h(ORDER_DATES),
                                                    h(ORDER_AMOUNTS), ASOF, "en"),
    "CRM_P_ALIVE": lambda h: udfs.CRM_P_ALIVE(col("A", "B"), h(ORDER_CUSTOMERS), h(ORDER_DATES),
                                              h(ORDER_AMOUNTS), ASOF),
    "CRM_RFM": lambda h: udfs.CRM_RFM(col("x", "y"), h(col("ID", "x", "y")), h(col("Recency", 10.0, 100.0)),
                                      h(col("Frequency", 9.0, 1.0)), h(col("Monetary", 5000.0, 10.0))),
}


@pytest.mark.parametrize("name", sorted(HEADERLESS))
def test_population_ranges_give_the_same_answer_with_or_without_their_header_row(fake_core, name):
    with_header = HEADERLESS[name](lambda rng: rng)
    without = HEADERLESS[name](lambda rng: rng[1:])
    assert with_header == without
    assert not (isinstance(with_header, str) and with_header.startswith("#"))


def test_optional_columns_with_trailing_blanks_still_line_up(fake_core):
    # a whole-column selection: tier filled for 3 rows, risk level only for the first, blanks below;
    # fakecore: Key every 7 days, Small 90, Major 14, from the last contact (or the as-of date)
    out = udfs.CRM_NEXT_VISIT(col(dt.datetime(2024, 1, 5), dt.datetime(2024, 1, 5), None, None),
                              col("Key", "Small", "Major", None), col("High", None, None, None), ASOF)
    assert out == [[to_excel(dt.datetime(2024, 1, 12))], [to_excel(dt.datetime(2024, 4, 4))],
                   [to_excel(dt.datetime(2024, 6, 15))]]
