"""Python-side cost of a UDF call, uncached and cached (``python benchmarks/bench_udfs.py [N]``).

A user fills ``=CRM_TIER(A2, $A$2:$A$N, $B$2:$B$N)`` down N rows: Excel calls the UDF N
times, each time with the whole population. The first call ranks everyone (uncached); the
others hash the inputs and look the answer up (cached). Also timed: CRM_CHURN_RISK, whose
uncached call fits the churn model. Excel's own cost (COM transfer of the ranges, which
xlwings pays on every call) is not included: measure that in Excel.
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


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
