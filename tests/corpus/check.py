"""Run xlcrm on one corpus file as a user would and compare with the manifest's reading.

``check(entry, path, workdir)`` runs ``python -m xlcrm refresh FILE --output OUT --asof D
[--config C]`` in a subprocess, reads OUT's customers sheet with openpyxl, and compares
each customer's Orders and Revenue with ``manifest.expected`` (to the cent). Verdicts:

- ``right``    exit 0 and every customer's revenue and order count equal the reading by hand
- ``refused``  exit 1 with one line (``named`` tells whether it names the field the entry says)
- ``warned``   exit 0 with a loud WARNING line that names the field the file lacks (a partial
               result the user is told about, e.g. "no amount column: revenue is 0 for every customer")
- ``WRONG``    exit 0 with other numbers, or exit 0 where the file has no such field
- ``BUG``      any other exit code, a traceback, or more than one line on exit 1
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pandas as pd

from tests.corpus.manifest import FIELD_WORDS, Entry, expected

ROOT = Path(__file__).resolve().parents[2]
CUSTOMER_SHEETS = ("客户分级", "CRM Customers")


@dataclass
class Result:
    name: str
    verdict: str
    rc: int
    line: str  # the one line on exit 1, or the first difference on WRONG
    customers: int = 0  # customers in the reading by hand
    named: bool = False  # the refusal names the entry's missing field
    partial: str = ""  # the first difference in the entry's right_today fields ('' = equal)
    seconds: float = 0.0


def run_cli(path: Path, out: Path, asof: str, config: Path | None = None, *,
            inprocess: bool = False, timeout: float = 600) -> tuple[int, str]:
    """Exit code and everything printed. In process (tests) through the same Typer app the
    console script runs; else a subprocess, as a user's shell would."""
    args = ["refresh", str(path), "--output", str(out), "--asof", asof, "-q"]
    if config is not None:
        args += ["--config", str(config)]
    if inprocess:
        from typer.testing import CliRunner

        from xlcrm.cli import app

        res = CliRunner().invoke(app, args)
        text = res.output
        if res.exception is not None and not isinstance(res.exception, SystemExit):
            import traceback

            text += "".join(traceback.format_exception(res.exception))
        return res.exit_code, text
    # XLCRM_CODE: run another checkout's xlcrm (e.g. a branch before it lands) on the corpus.
    env = dict(os.environ, PYTHONPATH=os.environ.get("XLCRM_CODE", str(ROOT)), COLUMNS="200")
    proc = subprocess.run([sys.executable, "-m", "xlcrm", *args], capture_output=True, text=True,
                          timeout=timeout, env=env, cwd=env["PYTHONPATH"])
    return proc.returncode, proc.stdout + proc.stderr


def write_config(e: Entry, folder: Path) -> Path | None:
    """The column mapping / exchange rates the user states for this file, as --config JSON."""
    if not e.mapping and not e.rates:
        return None
    cfg: dict = {}
    if e.mapping:
        cfg["column_mapping"] = dict(e.mapping)
    if e.rates:
        cfg["exchange_rates"] = dict(e.rates)
    p = folder / f"{Path(e.name).stem}.config.json"
    p.write_text(json.dumps(cfg, ensure_ascii=False), encoding="utf-8")
    return p


def read_customers(out: Path) -> pd.DataFrame:
    """xlcrm's customers sheet: Customer ID, Customer, Orders, Revenue (either language)."""
    wb = openpyxl.load_workbook(out, read_only=True, data_only=True)
    try:
        ws = next(wb[s] for s in CUSTOMER_SHEETS if s in wb.sheetnames)
        rows = ws.iter_rows(values_only=True)
        head = [str(h) if h is not None else "" for h in next(rows)]
        body = [r for r in rows if any(v is not None for v in r)]
    finally:
        wb.close()
    df = pd.DataFrame(body, columns=head)
    pick = {"客户编号": "id", "Customer ID": "id", "客户名称": "name", "Customer": "name",
            "订单数": "orders", "Orders": "orders", "销售额": "revenue", "Revenue": "revenue"}
    return df[[c for c in df.columns if c in pick]].rename(columns=pick)


def _text(v) -> str | None:
    """A customer key as compared: full-width forms and runs of spaces do not matter (xlcrm shows
    天津（中粮） as 天津(中粮); the customer is the same)."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    s = " ".join(unicodedata.normalize("NFKC", str(v)).split())
    return s or None


def compare(want: pd.DataFrame, got: pd.DataFrame, fields: tuple[str, ...] = ("revenue", "orders")) -> str:
    """'' when equal in ``fields``, else the first difference in words."""
    got = got.copy()
    got["orders"] = pd.to_numeric(got["orders"], errors="coerce").fillna(0)
    got["revenue"] = pd.to_numeric(got["revenue"], errors="coerce").fillna(0.0)
    # Customers listed without any order (e.g. a customers sheet's prospects) are not readings.
    got = got[(got["orders"] > 0) | (got["revenue"].abs() > 0.004)]
    index: dict[str, int] = {}
    for i, row in enumerate(got.itertuples(index=False)):
        for k in {_text(getattr(row, "id", None)), _text(getattr(row, "name", None))} - {None}:
            index.setdefault(k, i)
    used: set[int] = set()
    for key, w in want.iterrows():
        i = index.get(_text(key))
        if i is None:
            return f"customer {key!r} missing (by hand: {w['revenue']:.2f} in {int(w['orders'])} orders)"
        used.add(i)
        g = got.iloc[i]
        if "revenue" in fields and abs(float(g["revenue"]) - float(w["revenue"])) > 0.005:
            return f"{key}: revenue {float(g['revenue']):.2f}, by hand {w['revenue']:.2f}"
        if "orders" in fields and int(g["orders"]) != int(w["orders"]):
            return f"{key}: {int(g['orders'])} orders, by hand {int(w['orders'])}"
    extra = len(got) - len(used)
    if extra:
        return f"{extra} customers more than by hand ({len(want)})"
    return ""


def _missing_part(line: str) -> str:
    """The part of a refusal that says what is missing ("… has no 订单日期/Order Date column …");
    the whole line when it has no such part (a generic refusal)."""
    i = line.find("has no ")
    if i < 0:
        return line
    j = line.find(" column", i)
    return line[i:j if j > 0 else None]


def check(e: Entry, path: Path, workdir: Path, *, inprocess: bool = False, timeout: float = 600) -> Result:
    import time

    workdir.mkdir(parents=True, exist_ok=True)
    out = workdir / f"{Path(e.name).stem}.out.xlsx"
    if out.exists():
        out.unlink()
    t0 = time.perf_counter()
    rc, text = run_cli(path, out, e.asof, write_config(e, workdir), inprocess=inprocess, timeout=timeout)
    secs = time.perf_counter() - t0
    text = text.strip()
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if rc == 1:
        line = lines[-1] if lines else ""
        if len(lines) != 1 or "Traceback" in text:
            return Result(e.name, "BUG", 1, f"exit 1 with {len(lines)} lines: {line[:200]}", seconds=secs)
        fields = e.refuse or e.or_refuse
        named = bool(fields) and any(w in _missing_part(line) for f in fields.split("|") for w in FIELD_WORDS[f])
        return Result(e.name, "refused", 1, line, named=named, seconds=secs)
    if rc != 0 or "Traceback" in text:
        return Result(e.name, "BUG", rc, text[-300:], seconds=secs)
    if e.refuse:
        warn = next((ln for ln in lines if ln.lstrip().upper().startswith("WARNING")
                     and any(w in ln for f in e.refuse.split("|") for w in FIELD_WORDS[f])), None)
        if warn is not None:
            return Result(e.name, "warned", 0, warn.strip(), named=True, seconds=secs)
        return Result(e.name, "WRONG", 0, f"exit 0 but the file has no {e.refuse} column", seconds=secs)
    want = expected(e, path)
    got = read_customers(out)
    diff = compare(want, got)
    partial = compare(want, got, e.right_today) if e.right_today else diff
    return Result(e.name, "WRONG" if diff else "right", 0, diff, customers=len(want), seconds=secs,
                  partial=partial)
