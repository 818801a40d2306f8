"""Run `xlcrm refresh` over corpora of workbooks no one here wrote and print what happened.

    python benchmarks/corpus.py DIR... [--jobs 2] [--timeout 60] [--asof 2025-06-30]
    python benchmarks/corpus.py --graft DIR...       # graft test sheets into every package

CLI mode: every .xlsx/.xlsm under DIR is refreshed in a subprocess, once with
``--output`` (on a copy; the copy must stay byte-identical) and once in place on another
copy (twice when the first succeeds). Each row: file, exit code of the --output and the
in-place run, seconds, the one line printed on exit 1, and the verdict.

Graft mode: xlcrm's writer grafts two result sheets into a copy of every package in
process (twice), whether or not the reader would find orders there, so every foreign
package meets the writer. Refusals must be ``XlcrmError``s.

Inject mode (``--inject``, with CLI mode): first graft a small order sheet into a copy of
each package (xlcrm's writer, then its marker name removed, so the sheet is the user's),
so that the whole pipeline, not just the reader's "no order table", meets every package.

Allowed outcomes: exit 0, or exit 1 with one plain line naming the file and the fix.
Anything else is a BUG: a traceback, another exit code, a hang past the timeout, a user
part changed by an in-place run (compared as in tests/workbook/fixtures.py), a file
changed after exit 1. Nothing is asserted; the table is printed and the BUG count is the
exit status's hint.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from multiprocessing import Pool
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


@dataclass
class Row:
    file: str
    out_rc: object = ""
    inplace_rc: object = ""
    seconds: float = 0.0
    line: str = ""
    verdict: str = "ok"


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _run(args: list[str], timeout: float) -> tuple[object, str, float]:
    env = dict(os.environ, PYTHONPATH=str(ROOT), COLUMNS="400")
    t0 = time.perf_counter()
    try:
        p = subprocess.run([sys.executable, "-m", "xlcrm", "refresh", *args], cwd=ROOT, env=env,
                           capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return "hang", "", time.perf_counter() - t0
    return p.returncode, p.stderr, time.perf_counter() - t0


def _exit1_ok(stderr: str) -> str | None:
    """The problem with an exit-1 message, or None when it is one plain line."""
    lines = [ln for ln in stderr.splitlines() if ln.strip()]
    if "Traceback" in stderr:
        return "traceback"
    if len(lines) != 1:
        return f"{len(lines)} lines on stderr"
    return None


def _parts_diff(before: Path, after: Path) -> list[str]:
    from tests.workbook.fixtures import compare_packages, parts_of

    try:
        return compare_packages(parts_of(before), parts_of(after))
    except Exception as exc:  # noqa: BLE001 - a report, not a library
        return [f"cannot compare: {type(exc).__name__}: {exc}"]


def inject_orders(src: Path, dest: Path) -> None:
    """Copy ``src`` to ``dest`` with an order sheet grafted in as a user sheet."""
    import datetime as dt
    import posixpath
    import re

    import pandas as pd

    from xlcrm.model import Column, SheetSpec, TableSpec
    from xlcrm.workbook import write

    shutil.copyfile(src, dest)
    days = pd.to_datetime([dt.date(2024, 1, 5) + dt.timedelta(days=23 * i) for i in range(24)])
    orders = pd.DataFrame({"order_date": days, "customer": [f"客户{i % 5}" for i in range(24)],
                           "amount": [1000.0 + 37.5 * i for i in range(24)]})
    cols = [Column("order_date", "Order Date", "订单日期", kind="date"),
            Column("customer", "Customer", "客户名称"), Column("amount", "Amount", "金额", kind="money")]
    write.write_in_place(dest, [SheetSpec("orders", "订单", [TableSpec("InjectedOrders", orders, cols)])],
                         lang="zh", backups=0)
    with zipfile.ZipFile(dest) as zf:
        parts = [(i, zf.read(i)) for i in zf.infolist()]
    from lxml import etree

    parts_by_name = {i.filename: d for i, d in parts}
    wb = next((r.get("Target", "").lstrip("/") for r in etree.fromstring(parts_by_name["_rels/.rels"])
               if r.get("Type", "").endswith("/officeDocument")), "xl/workbook.xml")
    wb = posixpath.normpath(wb)
    xml = parts_by_name[wb].decode("utf-8")
    xml = re.sub(r"<definedName [^>]*name=\"_xlcrm_[^\"]*\"[^>]*>[^<]*</definedName>", "", xml)
    xml = re.sub(r"<definedNames>\s*</definedNames>|<definedNames/>", "", xml)
    with zipfile.ZipFile(dest, "w") as zf:
        for info, data in parts:
            zf.writestr(info, xml.encode("utf-8") if info.filename == wb else data)


def cli_one(src: Path, asof: str, timeout: float, inject: bool = False) -> Row:
    row = Row(str(src))
    if inject:
        tmpdir = Path(tempfile.mkdtemp(prefix="xlcrm-inject-"))
        injected = tmpdir / ("i" + src.suffix.lower())
        try:
            inject_orders(src, injected)
        except Exception as exc:  # noqa: BLE001 - the graft mode reports these
            row.verdict = f"(not injected: {type(exc).__name__}: {str(exc)[:100]})"
            row.out_rc = "-"
            return row
        try:
            out = cli_one(injected, asof, timeout)
        finally:
            shutil.rmtree(tmpdir, ignore_errors=True)
        out.file = str(src)
        if out.verdict.startswith("(not"):
            out.verdict = "ok"
        return out
    bugs: list[str] = []
    with tempfile.TemporaryDirectory(prefix="xlcrm-corpus-") as tmp:
        t = Path(tmp)
        a = t / ("a" + src.suffix.lower())
        shutil.copyfile(src, a)
        before = _sha(a)
        rc, stderr, secs = _run([str(a), "--output", str(t / "out.xlsx"), "--asof", asof, "-q"], timeout)
        row.out_rc, row.seconds = rc, secs
        if rc == 1:
            row.line = next((ln for ln in stderr.splitlines() if ln.strip()), "")
            if (p := _exit1_ok(stderr)):
                bugs.append(f"--output: {p}")
        elif rc != 0:
            bugs.append(f"--output: exit {rc}" + (": " + stderr.strip().splitlines()[-1] if stderr.strip() else ""))
        if _sha(a) != before:
            bugs.append("--output changed the source")
        if rc == 0:
            try:
                import openpyxl
                openpyxl.load_workbook(t / "out.xlsx", read_only=True).close()
            except Exception as exc:  # noqa: BLE001
                bugs.append(f"openpyxl cannot load the output: {type(exc).__name__}")

        b = t / ("b" + src.suffix.lower())
        shutil.copyfile(src, b)
        for attempt in (1, 2):
            rc2, stderr2, secs2 = _run([str(b), "--asof", asof, "-q", "--backups", "0"], timeout)
            row.seconds += secs2
            row.inplace_rc = rc2 if attempt == 1 else f"{row.inplace_rc},{rc2}"
            if rc2 == 1:
                if (p := _exit1_ok(stderr2)):
                    bugs.append(f"in place: {p}")
                if _sha(b) != before:
                    bugs.append("in place: file changed after exit 1")
                row.line = row.line or next((ln for ln in stderr2.splitlines() if ln.strip()), "")
                break
            if rc2 != 0:
                bugs.append(f"in place: exit {rc2}" + (": " + stderr2.strip().splitlines()[-1]
                                                        if stderr2.strip() else ""))
                break
            diff = _parts_diff(a, b)
            if diff:
                bugs.append(f"in place #{attempt}: " + "; ".join(diff[:3]))
                break
    if bugs:
        row.verdict = "BUG " + " | ".join(bugs)
    row.line = row.line.replace(tmp, "…")
    return row


def _alarm(_sig, _frame):
    raise TimeoutError("timed out")


def graft_one(args: tuple[str, float]) -> Row:
    """Graft test sheets into a copy of ``src`` twice, in process (worker of a Pool)."""
    src, timeout = Path(args[0]), args[1]
    import warnings

    from tests.workbook.fixtures import result_sheets
    from xlcrm.errors import XlcrmError
    from xlcrm.workbook import write
    warnings.simplefilter("ignore")  # openpyxl's complaints about foreign files are not ours
    row = Row(str(src))
    signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(int(timeout))
    t0 = time.perf_counter()
    try:
        with tempfile.TemporaryDirectory(prefix="xlcrm-graft-") as tmp:
            b = Path(tmp) / ("b" + src.suffix.lower())
            shutil.copyfile(src, b)
            before = _sha(b)
            for attempt in (1, 2):
                try:
                    write.write_in_place(b, result_sheets(seed=attempt), lang="zh", backups=0)
                except XlcrmError as exc:
                    row.out_rc = 1
                    row.line = str(exc).replace(tmp, "…").splitlines()[0]
                    if "\n" in str(exc).strip():
                        row.verdict = "BUG multi-line message"
                    if _sha(b) != before:
                        row.verdict = "BUG file changed after a refusal"
                    break
                row.out_rc = 0
                diff = _parts_diff(src, b)
                if diff:
                    row.verdict = f"BUG graft #{attempt}: " + "; ".join(diff[:3])
                    break
                try:
                    import openpyxl
                    openpyxl.load_workbook(b, read_only=True).close()
                except Exception as exc:  # noqa: BLE001 - openpyxl's own limits are not ours
                    if not _openpyxl_rejects(src):
                        row.verdict = f"BUG openpyxl cannot load the result: {type(exc).__name__}: {exc}"[:200]
                        break
    except TimeoutError:
        row.out_rc, row.verdict = "hang", "BUG hang"
    except Exception as exc:  # noqa: BLE001
        import traceback
        tb = traceback.extract_tb(exc.__traceback__)[-1]
        row.out_rc = "exc"
        row.verdict = f"BUG {type(exc).__name__}: {exc} ({Path(tb.filename).name}:{tb.lineno})"[:300]
    finally:
        signal.alarm(0)
    row.seconds = time.perf_counter() - t0
    return row


def _openpyxl_rejects(src: Path) -> bool:
    try:
        import openpyxl
        openpyxl.load_workbook(src, read_only=True).close()
        return False
    except Exception:  # noqa: BLE001
        return True


def files_under(dirs: list[str]) -> list[Path]:
    out: list[Path] = []
    for d in dirs:
        p = Path(d)
        out += [p] if p.is_file() else sorted(q for q in p.rglob("*") if q.suffix.lower() in (".xlsx", ".xlsm"))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dirs", nargs="+")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("--asof", default="2025-06-30")
    ap.add_argument("--graft", action="store_true", help="graft test sheets in process instead of the CLI")
    ap.add_argument("--inject", action="store_true", help="graft an order sheet into each file first")
    ap.add_argument("--bugs-only", action="store_true", help="print only the rows that are bugs")
    opts = ap.parse_args()
    files = files_under(opts.dirs)
    t0 = time.perf_counter()
    if opts.graft:
        with Pool(opts.jobs, maxtasksperchild=50) as pool:
            rows = list(pool.imap(graft_one, [(str(f), opts.timeout) for f in files]))
    else:
        with ThreadPoolExecutor(opts.jobs) as ex:
            rows = list(ex.map(lambda f: cli_one(f, opts.asof, opts.timeout, opts.inject), files))
    print(f"{'file':60} {'out':>4} {'inpl':>5} {'sec':>6}  verdict / line")
    for r in rows:
        if opts.bugs_only and r.verdict == "ok":
            continue
        name = r.file if len(r.file) <= 60 else "…" + r.file[-59:]
        print(f"{name:60} {r.out_rc!s:>4} {r.inplace_rc!s:>5} {r.seconds:6.1f}  "
              f"{r.verdict if r.verdict != 'ok' else r.line[:140]}")
    from collections import Counter
    outcomes = Counter((str(r.out_rc), "bug" if r.verdict.startswith("BUG") else "ok") for r in rows)
    print(f"\n{len(files)} files in {time.perf_counter() - t0:.0f} s; outcomes (exit, verdict): "
          + ", ".join(f"{k[0]}/{k[1]}: {v}" for k, v in sorted(outcomes.items())))
    slow = sorted(rows, key=lambda r: -r.seconds)[:3]
    print("slowest: " + ", ".join(f"{Path(r.file).name} {r.seconds:.1f}s" for r in slow))
    bugs = sum(r.verdict.startswith("BUG") for r in rows)
    print(f"BUGS: {bugs}")
    return 1 if bugs else 0


if __name__ == "__main__":
    sys.exit(main())
