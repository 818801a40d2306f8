"""Python-side cost of a UDF call, uncached and cached (``python benchmarks/bench_udfs.py [N]``).

A user fills ``=CRM_TIER(A2, $A$2:$A$N, $B$2:$B$N)`` down N rows: Excel calls the UDF N
times, each time with the whole population. The first call ranks everyone (uncached); the
others hash the inputs and look the answer up (cached). Also timed: CRM_CHURN_RISK, whose
uncached call fits the churn model. Excel's own cost (COM transfer of the ranges, which
xlwings pays on every call) is not included: measure that in Excel. Last: whole columns
(A:A), read in full before, cut to the used range now (``xlcrm.excel._ranges``).
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import xlcrm.excel.udfs as udfs  # noqa: E402
from xlcrm.excel._cache import CACHE  # noqa: E402


def _time(fn, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def main(n: int = 10_000) -> None:
    rng = random.Random(7)
    ids = [["客户编号"]] + [[f"C{i:05d}"] for i in range(n)]
    values = [["毛利"]] + [[round(rng.lognormvariate(8, 1.2), 2)] for _ in range(n)]

    def fresh(rows):  # xlwings hands over new lists on every call
        return [list(r) for r in rows]

    # fresh copies made before timing: their cost is xlwings', not ours
    pool = [(fresh(ids), fresh(values)) for _ in range(30)]

    def tier_call(k=0):
        a, b = pool[k % len(pool)]
        return udfs.CRM_TIER([[f"C{rng.randrange(n):05d}"]], a, b)

    CACHE.clear()
    uncached = _time(lambda: (CACHE.clear(), tier_call()), 5)
    tier_call()
    cached = [_time(lambda k=k: tier_call(k), 1)[0] for k in range(30)]
    u, c = statistics.median(uncached), statistics.median(cached)
    print(f"CRM_TIER, {n:,} customers: uncached {u * 1e3:8.1f} ms, cached {c * 1e3:6.2f} ms "
          f"({u / c:,.0f}x); fill-down of {n:,} cells ~ {(u + (n - 1) * c):.1f} s in Python "
          f"(vs {n * u:,.0f} s without the cache)")

    orders = max(n * 5, 1)
    cust = [["客户名称"]] + [[f"C{rng.randrange(n):05d}"] for _ in range(orders)]
    start = dt.datetime(2022, 1, 1)
    dates = [["订单日期"]] + [[start + dt.timedelta(days=rng.randrange(900))] for _ in range(orders)]
    amounts = [["金额"]] + [[round(rng.uniform(100, 5000), 2)] for _ in range(orders)]
    asof = dt.datetime(2024, 6, 30)

    pool2 = [(fresh(cust), fresh(dates), fresh(amounts)) for _ in range(5)]

    def churn_call(k=0):
        c, d, a = pool2[k % len(pool2)]
        return udfs.CRM_CHURN_RISK([[cust[1][0]]], c, d, a, asof)

    uncached = _time(lambda: (CACHE.clear(), churn_call()), 2)
    churn_call()
    cached = [_time(lambda k=k: churn_call(k), 1)[0] for k in range(10)]
    u, c = statistics.median(uncached), statistics.median(cached)
    print(f"CRM_CHURN_RISK, {orders:,} order lines: uncached {u * 1e3:8.1f} ms, cached {c * 1e3:6.2f} ms "
          f"({u / c:,.0f}x); for many customers give CRM_CHURN_RISK a range of customers: one call spills all")
    print(f"cache: {CACHE.info()}")
    whole_columns(n)


class _Sheet:
    """A sheet of 1,048,576 rows whose used range is the data; counts the cells handed over."""

    def __init__(self, columns):
        self.name, self.columns, self.read = "订单", columns, 0
        self.used_range = _Range(self, 1, 1, len(columns[0]), len(columns))


class _Range:
    def __init__(self, sheet, row, col, rows, cols):
        self.sheet, self.row, self.col, self.shape = sheet, row, col, (rows, cols)

    def resize(self, rows, cols):
        return _Range(self.sheet, self.row, self.col, rows, cols)

    def options(self, **_):
        return self

    @property
    def value(self):  # what COM would hand over: every cell of the range, blanks as None
        rows, _ = self.shape
        self.sheet.read += rows
        data = self.sheet.columns[self.col - 1]
        return [[data[self.row - 1 + i] if self.row - 1 + i < len(data) else None] for i in range(rows)]


def whole_columns(n: int) -> None:
    """=CRM_TIER(A2, A:A, B:B): before, xlwings read both whole columns (1,048,576 cells each)
    on every call; now the Range crosses COM and is cut to the used range before it is read.
    Timed here with the cache cleared: building the cell lists (a stand-in for what COM hands
    over) plus the UDF; COM's own cost per cell, which the cut saves too, is Excel's and is not
    measured on Linux. The yardstick is the same call before the change."""
    rng = random.Random(11)
    ids = ["客户编号"] + [f"C{i:05d}" for i in range(n)]
    vals = ["毛利"] + [round(rng.lognormvariate(8, 1.2), 2) for _ in range(n)]
    sheet = _Sheet([ids, vals])
    rows = 1_048_576

    def old():  # what xlwings passed before: the two whole columns, read in full
        a = _Range(sheet, 1, 1, rows, 1).value
        b = _Range(sheet, 1, 2, rows, 1).value
        return udfs.CRM_TIER([["C00001"]], a, b)

    def new():  # the Range objects themselves; _ranges cuts them to the used range
        return udfs.CRM_TIER([["C00001"]], _Range(sheet, 1, 1, rows, 1), _Range(sheet, 1, 2, rows, 1))

    assert old() == new()
    sheet.read = 0
    t_old = statistics.median(_time(lambda: (CACHE.clear(), old()), 3))
    read_old, sheet.read = sheet.read / 3, 0
    t_new = statistics.median(_time(lambda: (CACHE.clear(), new()), 3))
    read_new = sheet.read / 3
    print(f"CRM_TIER over A:A, B:B with {n:,} customers: cells read per call {read_old:,.0f} -> {read_new:,.0f} "
          f"({read_old / read_new:,.0f}x fewer); time with the stand-in transfer {t_old * 1e3:,.0f} ms -> {t_new * 1e3:,.0f} ms "
          f"({t_old / t_new:,.1f}x)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
