"""What the Calc extension's worker process costs per formula call (``python benchmarks/bench_calc.py [N]``).

A user fills ``=CRM_TIER(A2; $A$1:$A$N; $B$1:$B$N)`` down N rows. In Calc each call goes from
LibreOffice's Python to xlcrm's worker (xlcrm.calc.worker) over a pipe; the yardstick is the
same call in-process (what an in-process design, or Excel's xlwings after COM, pays). Printed:
both per-call costs and their ratio, for the first (uncached) call and the rest (cached, the
population sent once then by digest), and the worker's start-up. The client here runs in
xlcrm's Python; LibreOffice's Python runs the same code.
"""

from __future__ import annotations

import importlib
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import xlcrm.excel.udfs as udfs  # noqa: E402
from xlcrm.calc import build, install  # noqa: E402
from xlcrm.excel._cache import CACHE  # noqa: E402


def main(n: int = 2000) -> None:
    ids = (("客户编号",),) + tuple((f"C{i:05d}",) for i in range(n))
    values = (("毛利",),) + tuple((float((i * 7919) % 100_000),) for i in range(n))
    ids_l, values_l = [list(r) for r in ids], [list(r) for r in values]
    customers = [f"C{i:05d}" for i in range(n)]

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["XLCRM_CALC_HOME"] = tmp
        install.write_config(Path(tmp))
        sys.path.insert(0, str(build.OXT / "pythonpath"))
        client = importlib.import_module("xlcrmcalc.client")
        worker = client.Worker()
        t = time.perf_counter()
        worker.call("CRM_SATISFACTION_INDEX", [((1.0,),), ((1.0,),)])
        start = time.perf_counter() - t

        CACHE.clear()
        t = time.perf_counter()
        udfs.CRM_TIER([[customers[0]]], ids_l, values_l, None, None, None)
        inproc_first = time.perf_counter() - t
        t = time.perf_counter()
        worker.call("CRM_TIER", [((customers[0],),), ids, values, None, None, None])
        worker_first = time.perf_counter() - t

        inproc, piped = [], []
        for c in customers[1:200]:
            t = time.perf_counter()
            udfs.CRM_TIER([[c]], ids_l, values_l, None, None, None)
            inproc.append(time.perf_counter() - t)
            t = time.perf_counter()
            worker.call("CRM_TIER", [((c,),), ids, values, None, None, None])
            piped.append(time.perf_counter() - t)
        worker.stop()

    a, b = statistics.median(inproc), statistics.median(piped)
    print(f"population {n} customers")
    print(f"worker start (python + xlcrm + pandas import): {start * 1000:.0f} ms, once per LibreOffice session")
    print(f"first call (ranks everyone):  in-process {inproc_first * 1000:.1f} ms, "
          f"worker {worker_first * 1000:.1f} ms, ratio {worker_first / inproc_first:.2f}")
    print(f"next calls (cached), median:  in-process {a * 1000:.3f} ms, worker {b * 1000:.3f} ms, "
          f"ratio {b / a:.2f}; {n} rows filled down: {n * b:.2f} s vs {n * a:.2f} s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
