"""Read time and peak memory of ``read_workbook`` on large order sheets.

    python benchmarks/bench_read.py [ROWS ...]        (default: 100000 1048575)

Each workbook is generated once into /tmp with XlsxWriter ``constant_memory``: a merged
title row, a note row, headers on row 3, then order rows with dates as dates and as text,
amounts as numbers and as text with separators/currency signs, a totals line every 1,000
rows. Each (engine, size) runs in a fresh process so its peak RSS is its own.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEADER = ["订单日期", "订单编号", "客户编号", "客户名称", "产品名称", "数量", "单价", "金额(元)"]


def source_rows(rows: int):
    """The order sheet's rows below the header: ("total", None) or ("order", fields)."""
    base = dt.datetime(2023, 1, 1)
    for i in range(rows - 3):
        if i % 1000 == 999:
            yield "total", None
        else:
            d = base + dt.timedelta(days=i % 700)
            cust = 1000 + (i * 7919) % 5000
            qty = 1 + i % 20
            price = 10 + (i % 97) * 1.5
            yield "order", (i, d, cust, qty, price, round(qty * price, 2))


def source_revenue(rows: int) -> float:
    """Revenue as generated (the ground truth the read must reproduce to the cent)."""
    return sum(round(f[5] * 100) for kind, f in source_rows(rows) if kind == "order") / 100


def generate(rows: int) -> Path:
    path = Path(f"/tmp/xlcrm-bench-{rows}.xlsx")
    if path.exists():
        return path
    import xlsxwriter

    t = time.perf_counter()
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet("销售明细")
    datef = wb.add_format({"num_format": "yyyy-mm-dd"})
    ws.merge_range(0, 0, 0, len(HEADER) - 1, "年度销售明细表")
    ws.write_row(1, 0, ["单位：元"])
    ws.write_row(2, 0, HEADER)
    for r, (kind, f) in enumerate(source_rows(rows), start=3):
        if kind == "total":
            ws.write_row(r, 0, [None, None, None, "小计", None, None, None, 0])
            continue
        i, d, cust, qty, price, amount = f
        if i % 5 == 0:
            ws.write_string(r, 0, f"{d.year}/{d.month}/{d.day}")  # a text date
        else:
            ws.write_datetime(r, 0, d, datef)
        ws.write_string(r, 1, f"D{i:07d}")
        ws.write_number(r, 2, cust)
        ws.write_string(r, 3, f"客户{cust}")
        ws.write_string(r, 4, f"产品{i % 50}")
        ws.write_number(r, 5, qty)
        ws.write_number(r, 6, price)
        if i % 7 == 0:
            ws.write_string(r, 7, f"¥{amount:,.2f}")  # a text amount
        else:
            ws.write_number(r, 7, amount)
    wb.close()
    print(f"generated {path} ({rows:,} rows) in {time.perf_counter() - t:.1f} s", flush=True)
    return path


def measure(path: str, engine: str) -> None:
    sys.path.insert(0, str(ROOT))
    from xlcrm.workbook.read import read_workbook

    r0 = resource.getrusage(resource.RUSAGE_SELF)
    t = time.perf_counter()
    res = read_workbook(path, engine=engine)
    wall = time.perf_counter() - t
    r1 = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)  # robust when the machine is busy
    peak_mb = r1.ru_maxrss / 1024
    o = res.frames.orders
    print(json.dumps({"wall": wall, "cpu": cpu, "peak_mb": peak_mb, "rows": len(o), "customers": int(o["customer_key"].nunique()),
                      "revenue": round(float(o["amount"].sum()), 2), "issues": len(res.frames.issues)}))


def main(argv: list[str]) -> None:
    if len(argv) >= 3 and argv[0] == "--measure":
        measure(argv[1], argv[2])
        return
    sizes = [int(a) for a in argv] or [100_000, 1_048_575]
    for rows in sizes:
        path = generate(rows)
        truth = source_revenue(rows)
        print(f"{rows:>9,} rows  source revenue {truth:,.2f}")
        results = {}
        for engine in ("fastexcel", "calamine"):
            out = subprocess.run([sys.executable, __file__, "--measure", str(path), engine],
                                 capture_output=True, text=True, check=False,
                                 env={**os.environ, "PYTHONPATH": str(ROOT)})
            if out.returncode:
                print(f"{engine}: failed\n{out.stderr[-2000:]}")
                continue
            results[engine] = r = json.loads(out.stdout.strip().splitlines()[-1])
            print(f"{rows:>9,} rows  {engine:<9}  {r['wall']:6.2f} s wall  {r['cpu']:6.2f} s cpu  peak {r['peak_mb']:7.0f} MB  "
                  f"({r['rows']:,} orders, {r['customers']:,} customers, revenue {r['revenue']:,.2f}, "
                  f"{r['issues']} issues; revenue equals source: {r['revenue'] == truth})", flush=True)
        if len(results) == 2:
            f, c = results["fastexcel"], results["calamine"]
            print(f"{'':>9}       calamine / fastexcel: wall x{c['wall'] / f['wall']:.2f}, cpu x{c['cpu'] / f['cpu']:.2f}, "
                  f"memory x{c['peak_mb'] / f['peak_mb']:.2f}; same revenue: {f['revenue'] == c['revenue']}")


if __name__ == "__main__":
    main(sys.argv[1:])
