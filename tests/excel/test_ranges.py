"""Range arguments: aligned or refused, never shifted; whole columns cut before they are read.

The ranges go through ``_ranges.read_args`` as xlwings hands them over with our converter
(the Range itself), on a stand-in sheet of 1,048,576 rows that counts the cells read, then
through the real UDFs and the real core.
"""

from __future__ import annotations

import types

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import xlcrm.excel.udfs as udfs
from xlcrm.excel import _ranges
from xlcrm.excel._cache import CACHE

MAX_ROWS = 1_048_576


class Sheet:
    def __init__(self, name: str, columns: dict[int, list]):
        self.name = name
        self.cells = {(r + 1, c): v for c, col in columns.items() for r, v in enumerate(col) if v is not None}
        self.read = 0  # cells handed over, as COM would
        self.book = types.SimpleNamespace(app=types.SimpleNamespace(engine=None))  # for xlwings' converters

    @property
    def used_range(self):
        rows = [r for r, _ in self.cells] or [1]
        cols = [c for _, c in self.cells] or [1]
        return Range(self, min(rows), min(cols), max(rows) - min(rows) + 1, max(cols) - min(cols) + 1)

    def range(self, col: int, first: int, last: int) -> "Range":
        return Range(self, first, col, last - first + 1, 1)


class Range:
    """The part of xlwings.Range that _ranges uses: sheet, row, shape, resize, options().value."""

    def __init__(self, sheet, row, col, rows, cols):
        self.sheet, self.row, self.column, self.shape = sheet, row, col, (rows, cols)

    def resize(self, row_size, column_size):
        return Range(self.sheet, self.row, self.column, row_size, column_size)

    def options(self, ndim=None, **_):
        return self

    @property
    def value(self):
        rows, cols = self.shape
        self.sheet.read += rows * cols
        return [[self.sheet.cells.get((self.row + i, self.column + j)) for j in range(cols)] for i in range(rows)]


@pytest.fixture(autouse=True)
def _fresh_cache():
    CACHE.clear()
    yield
    CACHE.clear()


def sheet_of(ids, values, id_head="客户编号", value_head="毛利") -> Sheet:
    return Sheet("订单", {1: [id_head, *ids], 2: [value_head, *values]})


IDS = ["K1", "K2", "K3", "K4", "K5", "K6"]
VALUES = [500.0, 90.0, 3000.0, 45.0, 700.0, 12.0]


def test_the_issue_example_header_in_one_range_only_is_lined_up_not_shifted():
    sh = sheet_of(IDS[:4], VALUES[:4])
    # =CRM_TIER(A2, A1:A5, B2:B5): A1 is the header, B2:B5 has none
    got = udfs.CRM_PYRAMID(sh.range(1, 1, 5), sh.range(2, 2, 5), None, "en")
    want = udfs.CRM_PYRAMID([[k] for k in IDS[:4]], [[v] for v in VALUES[:4]], None, "en")
    assert got == want
    assert udfs.CRM_TIER(sh.range(1, 4, 4), sh.range(1, 1, 5), sh.range(2, 2, 5), None, "en") == \
        udfs.CRM_TIER("K3", [[k] for k in IDS[:4]], [[v] for v in VALUES[:4]], None, "en")


def test_ranges_of_different_heights_are_refused_naming_both():
    sh = sheet_of(IDS[:4], VALUES[:4])
    out = udfs.CRM_TIER("K1", sh.range(1, 1, 5), sh.range(2, 1, 4))  # header + 4 ids; header + 3 values
    assert out.startswith("#VALUE! ids has 4 rows but values has 3 rows")


def test_ranges_starting_on_different_rows_of_one_sheet_are_refused():
    sh = sheet_of(IDS[:4], VALUES[:4])
    out = udfs.CRM_TIER("K1", sh.range(1, 2, 4), sh.range(2, 3, 5))  # A2:A4 against B3:B5: same height, shifted
    assert out.startswith("#VALUE! ids starts at row 2 of 订单 but values at row 3")


def test_a_whole_column_is_cut_to_the_used_range_before_it_is_read():
    sh = sheet_of(IDS, VALUES)
    whole = udfs.CRM_PYRAMID(sh.range(1, 1, MAX_ROWS), sh.range(2, 1, MAX_ROWS), None, "en")
    assert sh.read == 2 * (len(IDS) + 1)  # two columns of the used rows, not 2 x 1,048,576
    assert whole == udfs.CRM_PYRAMID([[k] for k in IDS], [[v] for v in VALUES], None, "en")


def test_whole_columns_on_sheets_of_different_lengths_stay_lined_up():
    ids = Sheet("客户", {1: ["客户编号", *IDS]})
    vals = Sheet("毛利", {1: ["毛利", *VALUES[:4]]})  # the last two values blank
    got = udfs.CRM_PYRAMID(ids.range(1, 1, MAX_ROWS), vals.range(1, 1, MAX_ROWS), None, "en")
    want = udfs.CRM_PYRAMID([[k] for k in IDS], [[v] for v in VALUES[:4]] + [[None], [None]], None, "en")
    assert got == want and ids.read + vals.read == 2 * (len(IDS) + 1)


def test_our_converter_hands_over_the_range_and_keeps_a_typed_value():
    from xlwings import conversion

    def read(rng, value):  # xlwings.conversion.read, minus the engine lookup Linux has none for
        ctx = types.SimpleNamespace(range=rng, value=value)
        conversion.accessors[_ranges.CONVERTER].reader({"convert": _ranges.CONVERTER})(ctx)
        return ctx.value

    rng = Sheet("s", {1: [1.0]}).range(1, 1, 1)
    assert read(rng, None) is rng
    assert read(None, "K1") == "K1"  # xlwings' own "range" converter would give None
    assert read(None, (("K1",), ("K2",))) == (("K1",), ("K2",))  # an array constant


HEADS = {"ids": ["客户编号", "Name", None], "values": ["毛利", "Profit", None]}


@settings(max_examples=60, deadline=None)
@given(n=st.integers(2, 6), id_head=st.sampled_from(HEADS["ids"]), value_head=st.sampled_from(HEADS["values"]),
       id_start=st.integers(1, 3), value_start=st.integers(1, 3), id_extra=st.integers(-1, 2),
       value_extra=st.integers(-1, 2), whole=st.booleans())
def test_any_mix_of_selections_gives_the_right_answer_or_a_clear_error(n, id_head, value_head, id_start, value_start,
                                                                       id_extra, value_extra, whole):
    """Row 1 holds the headers (known, unknown, or none), rows 2..n+1 the data. Each range starts
    at row 1 (with its header), 2 or 3 and ends anywhere near the data's end (or is A:A)."""
    ids, values = IDS[:n], VALUES[:n]
    sh = sheet_of(ids, values, id_head, value_head)
    end = n + 1

    def pick(col, start, extra):
        return sh.range(col, 1, MAX_ROWS) if whole else sh.range(col, start, max(start, end + extra))

    out = udfs.CRM_PYRAMID(pick(1, id_start, id_extra), pick(2, value_start, value_extra), None, "en")
    if isinstance(out, str):
        assert out.startswith("#VALUE! ") and "ids" in out and "values" in out, out
        return
    # an answer: it is the pyramid of the rows the ranges share (never of shifted pairs)
    first = max(id_start, value_start, 2) if not whole else 2
    last = min(end + id_extra, end + value_extra, end) if not whole else end
    rows = range(first - 2, last - 1)
    want = udfs.CRM_PYRAMID([[ids[i]] for i in rows], [[values[i]] for i in rows], None, "en")
    pairs = {r[0]: r[1] for r in out[1:]}
    assert all(pairs[k] == dict(zip(ids, values))[k] for k in pairs), "a customer got another's value"
    assert out == want


def test_the_udfs_run_without_xlwings_for_other_hosts():
    """The Calc host calls the same functions without the excel extra installed."""
    import subprocess
    import sys
    from pathlib import Path

    code = ("import sys; sys.modules['xlwings'] = None\n"
            "import xlcrm.excel.udfs as u\n"
            "print(u.CRM_TIER('K1', [['客户编号'], ['K1'], ['K2']], [[5.0], [1.0]], None, 'en'))")
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=root,
                          env={"PYTHONPATH": str(root), "PATH": ""}, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == udfs.CRM_TIER("K1", [["K1"], ["K2"]], [[5.0], [1.0]], None, "en")


def test_row_wise_functions_drop_a_header_per_range_and_refuse_shifted_rows():
    import datetime as dt

    last = [dt.datetime(2024, 6, 1) + dt.timedelta(days=i) for i in range(4)]
    tiers = ["重要客户", "小客户", "主要客户", "普通客户"]
    sh = Sheet("拜访", {1: ["最近联系", *last], 2: ["客户等级", *tiers]})
    asof = dt.datetime(2024, 6, 30)
    want = udfs.CRM_NEXT_VISIT([[d] for d in last], [[t] for t in tiers], None, asof)
    assert not isinstance(want, str)
    # the header selected in one range only: lined up by the header, not shifted
    assert udfs.CRM_NEXT_VISIT(sh.range(1, 1, 5), sh.range(2, 2, 5), None, asof) == want
    assert udfs.CRM_NEXT_VISIT(sh.range(1, 1, 5), sh.range(2, 1, 5), None, asof) == want
    out = udfs.CRM_NEXT_VISIT(sh.range(1, 2, 4), sh.range(2, 3, 5), None, asof)  # H2:H4 against I3:I5
    assert out.startswith("#VALUE! last_contact starts at row 2 of 拜访 but tier at row 3")
    out = udfs.CRM_NEXT_VISIT(sh.range(1, 2, 5), sh.range(2, 2, 4), None, asof)
    assert out.startswith("#VALUE! last_contact has 4 rows but tier has 3")


RFM_HEADS = [("客户编号", "Name"), ("最近购买天数", "Days"), ("购买频次", "Orders"), ("消费金额", "Spent")]
RFM_DATA = [["K1", "K2", "K3", "K4", "K5", "K6"], [5.0, 40.0, 200.0, 12.0, 90.0, 365.0],
            [9.0, 3.0, 1.0, 6.0, 2.0, 1.0], [9000.0, 1200.0, 80.0, 4000.0, 600.0, 20.0]]


@settings(max_examples=60, deadline=None)
@given(n=st.integers(3, 6), heads=st.lists(st.integers(0, 2), min_size=4, max_size=4),
       starts=st.lists(st.integers(1, 3), min_size=4, max_size=4),
       extras=st.lists(st.integers(-1, 1), min_size=4, max_size=4), whole=st.booleans())
def test_four_ranges_in_any_mix_give_the_rfm_of_the_shared_rows_or_a_clear_error(n, heads, starts, extras, whole):
    """CRM_RFM over ids, recency, frequency and monetary, each with a known header, an unknown
    one or none (0/1/2) in row 1, selected from row 1, 2 or 3 to about the data's end."""
    columns = {c + 1: [RFM_HEADS[c][heads[c]] if heads[c] < 2 else None, *RFM_DATA[c][:n]] for c in range(4)}
    sh = Sheet("RFM", columns)
    end = n + 1
    ranges = [sh.range(c + 1, 1, MAX_ROWS) if whole else sh.range(c + 1, starts[c], max(starts[c], end + extras[c]))
              for c in range(4)]
    out = udfs.CRM_RFM(sh.range(1, 3, 3), *ranges)
    if isinstance(out, str) and out.startswith("#"):
        assert out.startswith("#VALUE! ") or out.startswith("#N/A "), out
        if out.startswith("#VALUE! "):
            assert any(name in out for name in ("ids", "recency_days", "frequency", "monetary")), out
        return
    first = 2 if whole else max(2, *starts)
    last = end if whole else min(end, *(end + e for e in extras))
    rows = range(first - 2, last - 1)
    want = udfs.CRM_RFM("K2", *[[[RFM_DATA[c][i]] for i in rows] for c in range(4)])
    assert out == want


def test_text_numbers_are_read_by_the_workbook_readers_rules_never_as_a_different_number():
    """Before, the formulas removed every comma: "1,2,3" became 123 and ranked a customer
    that high. Now text goes through the reader's parse_number, as `xlcrm refresh` reads it."""
    from xlcrm.workbook.cells import parse_number

    ids = [["K1"], ["K2"], ["K3"]]
    assert udfs.CRM_TIER("K1", ids, [["1,2,3"], [5.0], [1.0]], None, "en").startswith('#VALUE! values: "1,2,3"')
    for text in ("¥1,234.50", "(12.50)", "１２３", "1,234.50元"):
        got = udfs.CRM_PYRAMID(ids, [[text], [5.0], [1.0]], None, "en")
        assert dict((r[0], r[1]) for r in got[1:])["K1"] == parse_number(text)
