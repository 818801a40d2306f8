"""Head office's nightly run: many branch workbooks refreshed on Dask, 1 worker vs N.

    python benchmarks/bench_batch.py [--books 40] [--rows 20000] [--workers N]
                                     [--scheduler tcp://host:8786] [--store hq.duckdb]

Generates BOOKS branch workbooks of ROWS sheet rows each (header included; the order sheet
of tests/branches.py: ~ROWS/10 customers, a customer master, a complaint register) into
/tmp/xlcrm-bench-batch/ once, then refreshes fresh copies of them twice with
``xlcrm.batch.run`` (what ``xlcrm refresh DIR --workers N`` runs): on a local cluster of one
worker process, the yardstick, and on N workers (default: the machine's cores) or on the
running cluster ``--scheduler`` names. Each time includes starting and stopping the local
cluster, as a user's run does. Speed-up = wall time on 1 worker / wall time on N.

On a real cluster (``dask scheduler`` on one machine, ``dask worker tcp://host:8786`` on
each of the others, xlcrm installed everywhere), the workbooks must be on a share every
worker sees at the same path: pass ``--dir /mnt/share/bench`` as well.

Seen on the shared 2-core development machine (2026-11-29), while other engineers'
test suites kept the load average at 12 (so both cores were already busy: a second worker
only competed with them, and the figure says nothing about an idle machine or a cluster):

  40 workbooks of 20,000 rows ready in /tmp/xlcrm-bench-batch/src-20000 (622.1 s)
  machine: 2 cores, load average 12.2 before the runs
  run                         wall s   files s  per book s  failed  speed-up
  1 worker (yardstick)         779.2     761.5       19.48       0     1.00x
  2 workers                    932.2    1812.7       23.31       0     0.84x
  load average after: 11.9

"files s" sums each task's own time: 2 workers took 1,813 s of task time for 761 s of work
on 1, i.e. each task ran at less than half speed, which is what 2 worker processes get on 2
cores someone else is saturating. Run it on an idle machine or a cluster before quoting a
speed-up; each workbook is an independent task, so the ceiling is min(workers, cores,
workbooks) less the cluster's start (about 2 s) and the run's tail.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.branches import make_branch  # noqa: E402
from xlcrm.batch import TaskOptions, run  # noqa: E402

TMP = Path("/tmp/xlcrm-bench-batch")


def generate(books: int, rows: int, folder: Path) -> list[Path]:
    src = folder / f"src-{rows}"
    src.mkdir(parents=True, exist_ok=True)
    paths = []
    t0 = time.perf_counter()
    for i in range(books):
        p = src / f"branch{i:02d}.xlsx"
        if not p.exists():
            make_branch(p.with_suffix(".part.xlsx"), office=f"B{i:02d}", seed=1000 + i,
                        customers=max(10, rows // 10), orders=rows - 1)
            p.with_suffix(".part.xlsx").rename(p)
        paths.append(p)
    print(f"{books} workbooks of {rows:,} rows ready in {src} ({time.perf_counter() - t0:.1f} s)")
    return paths


def one_run(paths: list[Path], work: Path, *, workers: int | None, scheduler: str | None,
            store: str | None) -> tuple[float, float, int]:
    """Wall seconds, the sum of the files' own seconds, and the failures."""
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    copies = []
    for p in paths:
        copies.append(Path(shutil.copy(p, work / p.name)))
    options = TaskOptions(snapshot=store is not None)
    saver = None
    if store:
        from xlcrm.store import open_store

        saver = open_store(store)

    def done(o):  # type: ignore[no-untyped-def]
        if saver is not None and o.snapshot is not None:
            saver.save(o.snapshot)
        o.snapshot = None

    t0 = time.perf_counter()
    outcomes = run(copies, options, workers=workers, scheduler=scheduler, on_outcome=done)
    wall = time.perf_counter() - t0
    if saver is not None:
        saver.close()
    return wall, sum(o.seconds for o in outcomes), sum(1 for o in outcomes if not o.ok)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--books", type=int, default=40)
    ap.add_argument("--rows", type=int, default=20_000)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--scheduler", default=None, help="a running Dask cluster for the N-worker run")
    ap.add_argument("--dir", type=Path, default=TMP, help="where the workbooks are made and refreshed")
    ap.add_argument("--store", default=None, help="also save each snapshot (e.g. /tmp/bench.duckdb)")
    args = ap.parse_args()

    paths = generate(args.books, args.rows, args.dir)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"machine: {os.cpu_count()} cores, load average {load:.1f} before the runs")
    base, base_cpu, f1 = one_run(paths, args.dir / "run-1", workers=1, scheduler=None, store=args.store)
    label = args.scheduler or f"{args.workers} workers"
    wall, cpu, fn = one_run(paths, args.dir / "run-n", workers=args.workers, scheduler=args.scheduler,
                            store=args.store)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"{'run':<24}{'wall s':>10}{'files s':>10}{'per book s':>12}{'failed':>8}{'speed-up':>10}")
    print(f"{'1 worker (yardstick)':<24}{base:>10.1f}{base_cpu:>10.1f}{base / len(paths):>12.2f}{f1:>8}{1.0:>9.2f}x")
    print(f"{label:<24}{wall:>10.1f}{cpu:>10.1f}{wall / len(paths):>12.2f}{fn:>8}{base / wall:>9.2f}x")
    print(f"load average after: {load:.1f}")


if __name__ == "__main__":
    main()
