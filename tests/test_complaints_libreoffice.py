"""The three rates of the hand log, computed a second way: by spreadsheet formulas that an
office would type (COUNTIFS, SUMPRODUCT), recalculated by LibreOffice, the client we did
not write. The due dates in the sheet are the hand-derived ones of test_complaints.py.
"""

from __future__ import annotations

import csv
import datetime as dt
import shutil
import subprocess
import tempfile
from pathlib import Path

import openpyxl
import pytest

from tests.libreoffice import CSV_FILTER, soffice
from tests.test_complaints import ASOF, HAND_LOG, HAND_ORDERS, _hand

pytestmark = pytest.mark.libreoffice

# First-response due days worked out by hand (Key/Major/severe same day, else next working day).
HAND_DUE = {"C1": "2026-11-02", "C2": "2026-11-09", "C3": "2026-11-11", "C4": "2026-11-16",
            "C5": "2026-11-23", "C6": "2025-11-24", "C7": "2026-06-01", "C8": "2026-12-01",
            "C9": "2026-03-03"}
RECALC = ('<?xml version="1.0" encoding="UTF-8"?><oor:items xmlns:oor="http://openoffice.org/2001/registry" '
          'xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
          '<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" '
          'oor:op="fuse"><value>0</value></prop></item></oor:items>')


def _d(text: str | None) -> dt.datetime | None:
    return None if text is None else dt.datetime.fromisoformat(text)


def _book(path: Path) -> None:
    wb = openpyxl.Workbook()
    log = wb.active
    log.title = "log"
    log.append(["id", "received", "handler", "first_response", "due", "closed", "satisfaction"])
    for r in HAND_LOG:
        log.append([r["complaint_id"], _d(r["received"]), r.get("handler"), _d(r.get("first_response")),
                    _d(HAND_DUE[r["complaint_id"]]), _d(r.get("closed")), r.get("satisfaction")])
    orders = wb.create_sheet("orders")
    orders.append(["order_id", "order_date"])
    for oid, day in zip(HAND_ORDERS["order_id"], HAND_ORDERS["order_date"]):
        orders.append([oid, day.to_pydatetime()])
    n, m = len(HAND_LOG) + 1, len(HAND_ORDERS) + 1
    calc = wb.create_sheet("calc")
    calc["A1"], calc["B1"] = "asof", dt.datetime.combine(ASOF, dt.time())
    calc["A2"], calc["B2"] = "start", "=EDATE(B1,-12)"
    inlog = f'log!B2:B{n},"<="&B1'
    # the log: complaints received on or before the as-of date
    calc["A3"], calc["B3"] = "complaints", f"=COUNTIFS({inlog})"
    calc["A4"], calc["B4"] = "in 12 months", f'=COUNTIFS(log!B2:B{n},">"&B2,log!B2:B{n},"<="&B1)'
    # distinct IDs in the window (each counted 1/k over its k rows) plus rows without an ID;
    # "+1-win" keeps rows outside the window from dividing by zero
    win = f"(orders!B2:B{m}>B2)*(orders!B2:B{m}<=B1)"
    calc["A5"], calc["B5"] = "orders", (
        f'=SUMPRODUCT({win}*(orders!A2:A{m}<>"")/(COUNTIFS(orders!A2:A{m},orders!A2:A{m}&"",'
        f'orders!B2:B{m},">"&B2,orders!B2:B{m},"<="&B1)+1-{win})+{win}*(orders!A2:A{m}=""))')
    calc["A6"], calc["B6"] = "omitted", (
        f'=SUMPRODUCT((log!B2:B{n}<=B1)*(((log!C2:C{n}="")+(log!D2:D{n}="")*(log!E2:E{n}<B1))>0))')
    unhappy = "".join(f'+COUNTIFS({inlog},log!F2:F{n},"<>",log!G2:G{n},"{v}")'
                      for v in ("有些不满意", "极不满意", "1", "2"))
    calc["A7"], calc["B7"] = "dissatisfied", "=" + unhappy[1:]
    calc["A8"], calc["B8"] = "answered", f'=COUNTIFS({inlog},log!F2:F{n},"<>",log!G2:G{n},"<>")'
    calc["A9"], calc["B9"] = "complaint rate", "=B4/B5"
    calc["A10"], calc["B10"] = "omission rate", "=B6/B3"
    calc["A11"], calc["B11"] = "dissatisfaction rate", "=B7/B8"
    wb.save(path)


def _recalculated(path: Path) -> dict[str, str]:
    with tempfile.TemporaryDirectory(prefix="xlcrm-lo-") as tmp:
        profile = Path(tmp, "profile")
        (profile / "user").mkdir(parents=True)
        (profile / "user" / "registrymodifications.xcu").write_text(RECALC, encoding="utf-8")
        out = Path(tmp, "out")
        out.mkdir()
        src = Path(tmp, "book.xlsx")
        shutil.copyfile(path, src)
        subprocess.run([soffice(), f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
                        "--convert-to", CSV_FILTER.replace(",-1", ",3"), "--outdir", str(out), str(src)],
                       capture_output=True, text=True, timeout=180)
        files = list(out.glob("*.csv"))
        assert files, "LibreOffice wrote no CSV"
        with open(files[0], newline="", encoding="utf-8") as fh:
            return {row[0]: row[1] for row in csv.reader(fh) if len(row) > 1}


def test_three_rates_match_libreoffice_countifs_on_the_hand_log(tmp_path):
    path = tmp_path / "hand.xlsx"
    _book(path)
    lo = _recalculated(path)
    _, m = _hand()
    assert float(lo["complaints"]) == 8 and float(lo["in 12 months"]) == m.loc["complaints_12m", "value"]
    assert float(lo["orders"]) == pytest.approx(m.loc["orders_12m", "value"])
    for key, name in (("complaint_rate", "complaint rate"), ("omission_rate", "omission rate"),
                      ("dissatisfaction_rate", "dissatisfaction rate")):
        assert m.loc[key, "value"] == pytest.approx(float(lo[name]), abs=1e-9), key
