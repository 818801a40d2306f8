"""End-to-end in-place refresh of realistic order books, per stage, with peak memory.

    python benchmarks/bench_refresh.py [--sizes 10000 100000 1048576] [--openpyxl-max 100000]

Each size is a workbook generated once (XlsxWriter ``constant_memory``, fixed seed) into
/tmp/xlcrm-bench-refresh/: an order sheet of ROWS rows including the header (1,048,576 is
Excel's limit) with ~ROWS/10 customers, a customer master with reps, regions, status and
coordinates, a complaint register (~1 complaint per 20 customers) and a visit log (~1
visit per 4 customers). Customers differ in how much and how often they buy, and a fifth
of them stopped buying at some point, so every stage has real work to do.

Figures are CPU seconds of this process (``time.process_time``: the machine may be shared,
so wall time is noisy; the wall total is printed too). Each size is refreshed in a fresh process (so its peak RSS is its own) on a copy of
the workbook, twice: the first refresh grafts xlcrm's sheets into a clean workbook, the
second replaces them (and reads them back: history). Stage times come from
``refresh(progress=...)``. An openpyxl ``load_workbook`` + ``save`` of the same source
file is timed for the sizes up to ``--openpyxl-max`` (at 1,048,576 rows it takes many
minutes and over 6 GB; pass ``--openpyxl-max 1048576`` to include it). Ratio = refresh CPU /
openpyxl CPU (openpyxl only loads and saves; the refresh reads, computes and writes).

Seen on the shared 2-core development machine (2026-11-23), CPU seconds per stage; run 1
grafts into a clean workbook, run 2 replaces the sheets (and reads the history back):

  before (main at 55f948e)
      rows run  read classify complaints  churn visits tables  write  cpu s  peak MB openpyxl s  ratio
    10,000   1  0.37     0.19       0.08   0.39   0.24   1.29   0.24   2.89      237       4.07  0.71x
    10,000   2  0.34     0.14       0.01   0.31   0.15   1.22   0.19   2.38      237       4.07  0.59x
   100,000   1  1.95     0.43       0.20   2.72   2.58   8.28   1.29  17.66      423      41.09  0.43x
   100,000   2  2.34     0.51       0.06   2.56   2.15   5.72   1.43  14.94      423      41.09  0.36x
 1,048,576   1 20.24     4.60       0.62  30.32  24.08  54.77  14.92 150.70     1898          -      -

  after (branch scale; openpyxl at 1M run separately: 446 s CPU, peak 7.7 GB)
    10,000   1  0.30     0.13       0.08   0.24   0.18   0.81   0.23   2.08      240       3.86  0.54x
    10,000   2  0.32     0.16       0.01   0.26   0.09   0.99   0.16   2.01      240       3.86  0.52x
   100,000   1  1.88     0.45       0.19   1.25   0.97   0.84   1.12   6.90      402      40.64  0.17x
   100,000   2  1.81     0.39       0.05   1.14   1.04   1.20   1.16   6.93      402      40.64  0.17x
 1,048,576   1 20.36     4.36       0.65  18.51  16.77   5.15  12.31  79.68     1974     446.04  0.18x
 1,048,576   2 24.33     5.31       0.65  17.93  14.99   5.57  12.83  83.14     1974     446.04  0.19x

Wall time of the last 1M runs: 83 and 86 s. The "before" 1M run shared the cores with
another job (wall 287 s), so its CPU figure may be inflated a little. The 1M workbook holds
1,048,575 orders of 104,857 customers (plus 5,242 prospects), 419 reps.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
TMP = Path("/tmp/xlcrm-bench-refresh")
ASOF = dt.date(2026, 11, 20)
STAGES = ["read", "classify", "complaints", "churn", "visits", "tables", "write"]

ORDER_HEAD = ["订单日期", "订单编号", "客户编号", "客户名称", "产品名称", "数量", "单价", "金额(元)", "成本",
              "业务员", "片区", "应收日期", "回款日期"]
MASTER_HEAD = ["客户编号", "客户名称", "客户状态", "业务员", "业务员状态", "片区", "地址", "联系电话",
               "纬度", "经度", "行业", "建档日期"]
COMPLAINT_HEAD = ["投诉编号", "受理日期", "客户编号", "客户名称", "投诉类别", "投诉内容", "严重程度", "处理人",
                  "首次答复日期", "结案日期", "客户满意度"]
VISIT_HEAD = ["拜访日期", "客户编号", "客户名称", "业务员", "拜访方式", "拜访目的", "拜访结果"]
REGIONS = [("华东", 31.2, 121.5), ("华南", 23.1, 113.3), ("华北", 39.9, 116.4), ("华中", 30.6, 114.3),
           ("西南", 30.7, 104.1), ("西北", 34.3, 108.9), ("东北", 41.8, 123.4), ("山东", 36.7, 117.0)]
PRODUCTS = [("深沟球轴承", 12.5), ("液压阀", 380.0), ("压力传感器", 215.0), ("减速机", 4200.0),
            ("密封圈", 3.2), ("气缸", 160.0), ("伺服电机", 2600.0), ("联轴器", 85.0)]


def _dt(day: np.datetime64) -> dt.datetime:
    return dt.datetime.combine(day.astype("datetime64[D]").astype(dt.date), dt.time())


def generate(rows: int) -> Path:
    """The workbook of ``rows`` sheet rows (header included) in /tmp, made once."""
    path = TMP / f"book-{rows}.xlsx"
    if path.exists():
        return path
    import xlsxwriter

    t0 = time.perf_counter()
    TMP.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(rows)
    n_orders = rows - 1
    n_cust = max(100, rows // 10)
    n_reps = max(4, n_cust // 250)
    # Customers: a size (how much they buy per order) and a share of the orders (how often),
    # both heavy-tailed; a fifth stopped buying at some day ("end").
    start = np.datetime64("2024-01-01")
    span = int((np.datetime64(ASOF) - start).astype(int))
    weight = rng.pareto(1.2, n_cust) + 0.05
    size = rng.lognormal(0.0, 1.0, n_cust)
    first = rng.integers(0, span - 30, n_cust)
    end = np.where(rng.random(n_cust) < 0.2, rng.integers(0, span, n_cust), span)
    end = np.maximum(end, first + 30)
    region = rng.integers(0, len(REGIONS), n_cust)
    rep = (region * (n_reps // len(REGIONS) or 1) + rng.integers(0, max(1, n_reps // len(REGIONS)), n_cust)) % n_reps
    departed = {n_reps - 1}
    cust = rng.choice(n_cust, n_orders, p=weight / weight.sum())
    day = first[cust] + (rng.random(n_orders) * (np.minimum(end[cust], span) - first[cust])).astype(int)
    order_day = start + day.astype("timedelta64[D]")
    order_day = np.sort(order_day)  # an order book is kept in date order
    prod = rng.integers(0, len(PRODUCTS), n_orders)
    qty = np.maximum(1, (rng.gamma(2.0, 10.0, n_orders) * size[cust]).astype(int))
    price = np.array([p for _n, p in PRODUCTS])[prod]
    amount = np.round(qty * price, 2)
    cost = np.round(amount * rng.uniform(0.6, 0.9, n_orders), 2)
    pay_lag = rng.integers(0, 90, n_orders)
    unpaid = rng.random(n_orders) < 0.03

    wb = xlsxwriter.Workbook(str(path) + ".part", {"constant_memory": True, "strings_to_numbers": False,
                                                    "strings_to_formulas": False})
    datef = wb.add_format({"num_format": "yyyy-mm-dd"})
    money = wb.add_format({"num_format": "#,##0.00"})
    ws = wb.add_worksheet("销售订单")
    ws.write_row(0, 0, ORDER_HEAD)
    rep_name = [f"业务员{r:03d}" for r in range(n_reps)]
    cid = [f"C{c:06d}" for c in range(n_cust)]
    cname = [f"{REGIONS[region[c]][0]}客户{c}有限公司" for c in range(n_cust)]
    one_day = dt.timedelta(days=1)
    for i in range(n_orders):
        r, c = i + 1, int(cust[i])
        d = _dt(order_day[i])
        ws.write_datetime(r, 0, d, datef)
        ws.write_string(r, 1, f"SO{r:08d}")
        ws.write_string(r, 2, cid[c])
        ws.write_string(r, 3, cname[c])
        ws.write_string(r, 4, PRODUCTS[prod[i]][0])
        ws.write_number(r, 5, int(qty[i]))
        ws.write_number(r, 6, float(price[i]), money)
        ws.write_number(r, 7, float(amount[i]), money)
        ws.write_number(r, 8, float(cost[i]), money)
        ws.write_string(r, 9, rep_name[rep[c]])
        ws.write_string(r, 10, REGIONS[region[c]][0])
        due = d + 30 * one_day
        ws.write_datetime(r, 11, due, datef)
        paid = d + int(pay_lag[i]) * one_day
        if not unpaid[i] and paid.date() <= ASOF:
            ws.write_datetime(r, 12, paid, datef)

    ms = wb.add_worksheet("客户档案")
    ms.write_row(0, 0, MASTER_HEAD)
    lat = np.array([REGIONS[g][1] for g in region]) + rng.normal(0, 0.4, n_cust)
    lon = np.array([REGIONS[g][2] for g in region]) + rng.normal(0, 0.4, n_cust)
    for c in range(n_cust):
        r = c + 1
        ms.write_string(r, 0, cid[c])
        ms.write_string(r, 1, cname[c])
        ms.write_string(r, 2, "成交客户")
        ms.write_string(r, 3, rep_name[rep[c]])
        ms.write_string(r, 4, "离职" if rep[c] in departed else "在职")
        ms.write_string(r, 5, REGIONS[region[c]][0])
        ms.write_string(r, 6, f"{REGIONS[region[c]][0]}工业园{c % 500}号")
        ms.write_string(r, 7, f"138{c:08d}")
        ms.write_number(r, 8, round(float(lat[c]), 5))
        ms.write_number(r, 9, round(float(lon[c]), 5))
        ms.write_string(r, 10, ["机械", "汽配", "电子", "化工"][c % 4])
        ms.write_datetime(r, 11, _dt(start + int(first[c]) - 30), datef)
    extra = n_cust  # prospects: in the master, never ordered
    for j in range(n_cust // 20):
        r = extra + j + 1
        ms.write_string(r, 0, f"P{j:06d}")
        ms.write_string(r, 1, f"潜在客户{j}")
        ms.write_string(r, 2, "潜在客户" if j % 2 else "目标客户")
        ms.write_string(r, 3, rep_name[j % n_reps])
        ms.write_string(r, 4, "在职")
        g = j % len(REGIONS)
        ms.write_string(r, 5, REGIONS[g][0])
        ms.write_number(r, 8, REGIONS[g][1] + float(rng.normal(0, 0.4)))
        ms.write_number(r, 9, REGIONS[g][2] + float(rng.normal(0, 0.4)))

    cs = wb.add_worksheet("投诉登记")
    cs.write_row(0, 0, COMPLAINT_HEAD)
    cats = ["产品质量", "服务态度", "虚假承诺", "送货", "其他"]
    sats = ["高度满意", "一般满意", "无意见", "有些不满意", "极不满意"]
    asof_dt = dt.datetime.combine(ASOF, dt.time())
    for j in range(max(10, n_cust // 20)):
        r = j + 1
        c = int(rng.choice(n_cust, p=weight / weight.sum()))
        rec = asof_dt - dt.timedelta(days=int(rng.integers(0, 400)))
        cs.write_string(r, 0, f"TS{j:07d}")
        cs.write_datetime(r, 1, rec, datef)
        cs.write_string(r, 2, cid[c])
        cs.write_string(r, 3, cname[c])
        cs.write_string(r, 4, cats[min(int(rng.exponential(1.2)), 4)])
        cs.write_string(r, 5, "产品异响" if j % 2 else "送货延误")
        cs.write_string(r, 6, ["轻微", "一般", "严重"][j % 3])
        if rng.random() < 0.9:
            cs.write_string(r, 7, ["周敏", "吴刚", "郑丽"][j % 3])
            resp = rec + dt.timedelta(days=int(rng.integers(0, 4)))
            if resp <= asof_dt:
                cs.write_datetime(r, 8, resp, datef)
            closed = rec + dt.timedelta(days=int(rng.integers(2, 30)))
            if closed <= asof_dt and rng.random() < 0.85:
                cs.write_datetime(r, 9, closed, datef)
                cs.write_string(r, 10, sats[min(int(rng.exponential(1.0)), 4)])

    vs = wb.add_worksheet("拜访记录")
    vs.write_row(0, 0, VISIT_HEAD)
    for j in range(n_cust // 4):
        r = j + 1
        c = int(rng.integers(n_cust))
        day = asof_dt - dt.timedelta(days=int(rng.integers(1, 180)))
        vs.write_datetime(r, 0, day, datef)
        vs.write_row(r, 1, [cid[c], cname[c], rep_name[rep[c]], "上门" if j % 3 else "电话",
                            ["核对交易", "调整订货量", "产品培训", "新业务洽谈"][j % 4], "正常"])
    wb.close()
    Path(str(path) + ".part").rename(path)
    print(f"generated {path.name}: {n_orders:,} orders, {n_cust:,} customers, {n_reps} reps, "
          f"{path.stat().st_size / 1e6:.1f} MB in {time.perf_counter() - t0:.0f} s", flush=True)
    return path


def measure(src: str, runs: int, profile: str | None) -> None:
    """One size in this (fresh) process: refresh a copy in place ``runs`` times."""
    sys.path.insert(0, str(ROOT))
    from xlcrm.refresh import refresh

    work = Path(src).with_name(f"work-{os.getpid()}-" + Path(src).name)
    shutil.copyfile(src, work)
    for old in (work.parent / "xlcrm-backups").glob(f"{work.stem}.*"):
        old.unlink()
    out = []
    for run in range(runs):
        marks: list[tuple[str, float, float]] = []

        def progress(msg: str, marks: list[tuple[str, float, float]] = marks) -> None:
            if msg in STAGES:
                marks.append((msg, time.perf_counter(), time.process_time()))

        t0, c0 = time.perf_counter(), time.process_time()
        if profile and run == runs - 1:
            import cProfile

            prof = cProfile.Profile()
            prof.enable()
            refresh(work, asof=ASOF, progress=progress, backups=1)
            prof.disable()
            prof.dump_stats(profile)
        else:
            refresh(work, asof=ASOF, progress=progress, backups=1)
        t1, c1 = time.perf_counter(), time.process_time()
        stages: dict[str, float] = {}
        cpu: dict[str, float] = {}
        for (name, t, c), (_n, nt, nc) in zip(marks, marks[1:] + [("end", t1, c1)]):
            stages[name] = stages.get(name, 0.0) + nt - t
            cpu[name] = cpu.get(name, 0.0) + nc - c
        out.append({"total": t1 - t0, "stages": stages, "cpu": c1 - c0, "cpu_stages": cpu})
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    for old in [work, *(work.parent / "xlcrm-backups").glob(f"{work.stem}.*")]:
        old.unlink()
    print(json.dumps({"runs": out, "peak_mb": peak}))


def openpyxl_load_save(src: str) -> None:
    import openpyxl

    t = time.process_time()
    dst = Path(src).with_name(f"openpyxl-{os.getpid()}-" + Path(src).name)
    wb = openpyxl.load_workbook(src)
    wb.save(str(dst))
    cpu = time.process_time() - t
    dst.unlink()
    print(json.dumps({"total": cpu,
                      "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


def fastexcel_read(src: str) -> None:
    """The yardstick: fastexcel (Rust, calamine) reading every sheet of the same file to pandas."""
    t, w = time.process_time(), time.perf_counter()
    import fastexcel

    reader = fastexcel.read_excel(src)
    rows = sum(len(reader.load_sheet(name).to_pandas()) for name in reader.sheet_names)
    print(json.dumps({"cpu": time.process_time() - t, "wall": time.perf_counter() - w, "rows": rows,
                      "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


def cold_start(runs: int) -> list[str]:
    """Whole-process wall time of `xlcrm refresh DEMO` against `python -c "import pandas"`, interleaved.

    Each run refreshes a fresh copy of the demo (so it grafts, as a first refresh does);
    medians of ``runs`` pairs, after one warm-up pair (the file cache is then warm for both).
    """
    import statistics

    demo_dir = TMP / "demo"
    subprocess.run([sys.executable, "-m", "xlcrm", "demo", str(demo_dir)], check=True, capture_output=True,
                   env={**os.environ, "PYTHONPATH": str(ROOT)})
    lines = []
    for lang in ("zh", "en"):
        src = demo_dir / f"xlcrm-demo-{lang}.xlsx"
        ours, theirs = [], []
        for run in range(runs + 1):
            work = demo_dir / f"cold-{lang}.xlsx"
            shutil.copyfile(src, work)
            t = time.perf_counter()
            subprocess.run([sys.executable, "-m", "xlcrm", "refresh", str(work), "--quiet", "--backups", "0"],
                           check=True, capture_output=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
            a = time.perf_counter() - t
            t = time.perf_counter()
            subprocess.run([sys.executable, "-c", "import pandas"], check=True)
            b = time.perf_counter() - t
            if run:
                ours.append(a)
                theirs.append(b)
        ratio = statistics.median(x / y for x, y in zip(ours, theirs))
        lines.append(f"cold start, {lang} demo: xlcrm refresh {statistics.median(ours):.2f} s wall, "
                     f"import pandas {statistics.median(theirs):.2f} s; ratio {ratio:.2f}x (goal <= 2x)")
    return lines


def _child(*args: str) -> dict:
    out = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, check=False,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    if out.returncode:
        raise SystemExit(f"{args}: failed\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000, 1_048_576])
    ap.add_argument("--openpyxl-max", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=2)
    ap.add_argument("--profile", help="cProfile the last run of each size into PREFIX-ROWS.prof")
    ap.add_argument("--measure", nargs=2, help=argparse.SUPPRESS)
    ap.add_argument("--openpyxl", help=argparse.SUPPRESS)
    ap.add_argument("--fastexcel", help=argparse.SUPPRESS)
    ap.add_argument("--cold-runs", type=int, default=5, help="pairs for the cold-start line (0: skip)")
    args = ap.parse_args()
    if args.measure:
        measure(args.measure[0], args.runs, args.measure[1] if args.measure[1] != "-" else None)
        return
    if args.openpyxl:
        openpyxl_load_save(args.openpyxl)
        return
    if args.fastexcel:
        fastexcel_read(args.fastexcel)
        return
    import platform

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
          f"{dt.datetime.now():%Y-%m-%d %H:%M}", flush=True)
    if args.cold_runs:
        print(*cold_start(args.cold_runs), sep="\n", flush=True)
        print(flush=True)
    head = (f"{'rows':>10} {'run':>3} " + " ".join(f"{s:>10}" for s in STAGES)
            + f" {'cpu s':>7} {'wall s':>7} {'peak MB':>8} {'fastexcel s':>11} {'x fastexcel':>11}"
            + f" {'openpyxl s':>10} {'openpyxl/us':>11}")
    lines = []
    for rows in args.sizes:
        src = generate(rows)
        prof = f"{args.profile}-{rows}.prof" if args.profile else "-"
        res = _child("--measure", str(src), prof, "--runs", str(args.runs))
        fx = _child("--fastexcel", str(src))
        opx = _child("--openpyxl", str(src))["total"] if rows <= args.openpyxl_max else float("nan")
        for i, run in enumerate(res["runs"], start=1):
            ratio = f"{opx / run['cpu']:10.1f}x" if not math.isnan(opx) else "        n/a"
            lines.append(f"{rows:>10,} {i:>3} " + " ".join(f"{run['cpu_stages'].get(s, 0.0):>10.2f}" for s in STAGES)
                         + f" {run['cpu']:>7.2f} {run['total']:>7.2f} {res['peak_mb']:>8.0f}"
                         + f" {fx['wall']:>11.2f} {run['total'] / fx['wall']:>10.2f}x {opx:>10.2f} {ratio:>11}")
        print(head, *lines, sep="\n", flush=True)
        print(flush=True)


if __name__ == "__main__":
    main()
