"""In-place refresh time of a large order workbook, next to an openpyxl load-and-save.

Generates order workbooks of 100,000 and 1,048,576 rows (8 columns, XlsxWriter
``constant_memory``) in /tmp once, then for each prints:
- ``check_package`` (every member decompressed as a stream and CRC-checked);
- ``write_in_place`` of a ~1,000-row result sheet (check + render + graft + atomic write);
- openpyxl ``load_workbook`` + ``save`` of the same file (what a naive writer would do);
and the ratio. Run: ``python benchmarks/bench_write.py [--rows 100000 1048576] [--skip-openpyxl]``

Seen on the 2-core development machine (2026-11-23):

      rows  file MB  check s  refresh s   2nd s  openpyxl s   ratio
   100,000      5.0     0.07       0.10    0.08       27.15  322.9x
 1,048,576     52.3     0.74       0.81    0.72      280.20  386.8x

The refresh copies the order sheet's compressed bytes as they are, so its time is mostly
the CRC check of ``check_package``; openpyxl parses and re-serialises every cell (and
would drop charts, images and x14 extensions on the way).
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from xlcrm import i18n
from xlcrm.model import Column, SheetSpec, TableSpec
from xlcrm.workbook.package import check_package
from xlcrm.workbook.write import write_in_place

TMP = Path("/tmp/xlcrm-bench-write")
HEADERS = ["订单日期", "订单编号", "客户编号", "客户名称", "业务员", "片区", "数量", "金额(元)"]


def order_workbook(rows: int) -> Path:
    import xlsxwriter

    path = TMP / f"orders-{rows}.xlsx"
    if path.exists():
        return path
    TMP.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(rows)
    wb = xlsxwriter.Workbook(str(path) + ".part", {"constant_memory": True})
    ws = wb.add_worksheet("订单")
    date = wb.add_format({"num_format": "yyyy-mm-dd"})
    money = wb.add_format({"num_format": "#,##0.00"})
    ws.write_row(0, 0, HEADERS)
    start = dt.datetime(2022, 1, 1)
    days = rng.integers(0, 730, rows - 1)
    cust = rng.integers(0, 1500, rows - 1)
    qty = rng.integers(1, 200, rows - 1)
    amount = np.round(rng.gamma(2.0, 3000.0, rows - 1), 2)
    reps, regions = ["张三", "李四", "王五", "赵六"], ["华东", "华南", "华北", "西部"]
    for i in range(rows - 1):
        r = i + 1
        ws.write_datetime(r, 0, start + dt.timedelta(days=int(days[i])), date)
        ws.write_string(r, 1, f"SO{r:07d}")
        ws.write_string(r, 2, f"C{cust[i]:05d}")
        ws.write_string(r, 3, f"客户{cust[i]}")
        ws.write_string(r, 4, reps[cust[i] % 4])
        ws.write_string(r, 5, regions[cust[i] % 4])
        ws.write_number(r, 6, int(qty[i]))
        ws.write_number(r, 7, float(amount[i]), money)
    wb.close()
    Path(str(path) + ".part").rename(path)
    return path


def result_sheet(n: int = 1000) -> list[SheetSpec]:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({
        "customer_id": [f"C{i:05d}" for i in range(n)],
        "customer": [f"客户{i}" for i in range(n)],
        "orders": rng.integers(1, 900, n),
        "revenue": np.round(rng.gamma(2.0, 300000.0, n), 2),
        "last_order": pd.to_datetime("2023-12-31") - pd.to_timedelta(rng.integers(0, 400, n), "D"),
        "tier": rng.choice(["Key", "Major", "Regular", "Small"], n),
    })
    cols = [Column("customer_id", "Customer ID", "客户编号"), Column("customer", "Customer", "客户名称"),
            Column("orders", "Orders", "订单数", kind="int"),
            Column("revenue", "Revenue", "销售额", kind="money", style="bar"),
            Column("last_order", "Last Order", "最近下单", kind="date"),
            Column("tier", "Tier", "客户等级", coded=True)]
    return [SheetSpec("customers", i18n.sheet_name("customers", "zh"),
                      [TableSpec("xlcrm_customers", frame, cols)])]


def timed(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, nargs="*", default=[100_000, 1_048_576])
    ap.add_argument("--skip-openpyxl", action="store_true")
    args = ap.parse_args()
    print(f"{'rows':>10} {'file MB':>8} {'check s':>8} {'refresh s':>10} {'2nd s':>7} "
          f"{'openpyxl s':>11} {'ratio':>7}")
    for rows in args.rows:
        src = order_workbook(rows)
        work = TMP / f"work-{rows}.xlsx"
        shutil.copyfile(src, work)
        check = timed(lambda w=work: check_package(w))
        first = timed(lambda w=work: write_in_place(w, result_sheet(), lang="zh", backups=1))
        second = timed(lambda w=work: write_in_place(w, result_sheet(), lang="zh", backups=1))
        opx = float("nan")
        if not args.skip_openpyxl:
            import openpyxl

            def load_save(src: Path = src, rows: int = rows) -> None:
                wb = openpyxl.load_workbook(src)
                wb.save(TMP / f"openpyxl-{rows}.xlsx")
            opx = timed(load_save)
        mb = src.stat().st_size / 1e6
        print(f"{rows:>10,} {mb:>8.1f} {check:>8.2f} {first:>10.2f} {second:>7.2f} {opx:>11.2f} "
              f"{opx / second:>6.1f}x", flush=True)


if __name__ == "__main__":
    main()
