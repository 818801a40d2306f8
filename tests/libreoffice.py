"""Read a workbook back through LibreOffice headless: the spreadsheet client we did not write.

``read_back(path)`` converts every sheet to UTF-8 CSV (raw values, ISO dates) with a
private profile and returns {sheet name: list of rows}. Tests that use it are marked
``libreoffice``; they skip where soffice is missing, except under CI=true where a
missing LibreOffice is a failure (CI installs it).
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

CSV_FILTER = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"


def soffice() -> str:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        if os.environ.get("CI") == "true":
            pytest.fail("LibreOffice (soffice) is not installed; .ci/run must install it")
        pytest.skip("LibreOffice (soffice) is not installed")
    return exe


RECALC_ON_LOAD = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse">\
<value>0</value></prop></item>
</oor:items>
"""


def read_back(path: str | Path, timeout: float = 180, *, recalc: bool = False) -> dict[str, list[list[str]]]:
    """Every sheet of ``path`` as LibreOffice reads it, as CSV rows of strings; ``recalc``:
    LibreOffice recalculates every formula on load (TOOLS.md: OOXMLRecalcMode 0)."""
    path = Path(path)
    exe = soffice()
    with tempfile.TemporaryDirectory(prefix="xlcrm-lo-") as tmp:
        profile = Path(tmp, "profile")
        if recalc:
            (profile / "user").mkdir(parents=True)
            (profile / "user" / "registrymodifications.xcu").write_text(RECALC_ON_LOAD, encoding="utf-8")
        out = Path(tmp, "out")
        out.mkdir()
        src = Path(tmp, "book" + path.suffix)  # a plain ASCII name: LibreOffice names CSVs after it
        shutil.copyfile(path, src)
        cmd = [exe, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
               "--convert-to", CSV_FILTER, "--outdir", str(out), str(src)]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        sheets: dict[str, list[list[str]]] = {}
        for csv_path in sorted(out.glob("book-*.csv")):
            name = csv_path.stem[len("book-"):]
            with open(csv_path, newline="", encoding="utf-8") as fh:
                sheets[name] = list(csv.reader(fh))
        if not sheets:
            raise AssertionError(f"LibreOffice read nothing from {path}: {proc.stdout} {proc.stderr}")
        return sheets


def convert(paths: list[Path], target: str, outdir: Path, timeout: float = 300) -> list[Path]:
    """``paths`` converted by one LibreOffice run (``target`` like "pdf" or "ods") into ``outdir``."""
    exe = soffice()
    outdir.mkdir(parents=True, exist_ok=True)
    profile = outdir / ".lo-profile"
    cmd = [exe, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
           "--convert-to", target, "--outdir", str(outdir), *map(str, paths)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    ext = target.split(":")[0]
    out = [outdir / (Path(p).stem + "." + ext) for p in paths]
    missing = [p for p in out if not p.exists()]
    if missing:
        raise AssertionError(f"LibreOffice did not write {missing}: {proc.stdout} {proc.stderr}")
    return out


def page_pixels(pdf: Path, page: int, dpi: int = 60):  # type: ignore[no-untyped-def]
    """Page ``page`` (1-based) of ``pdf`` as an RGB numpy array (pdftoppm's PPM, no Pillow needed)."""
    import numpy as np

    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    data = subprocess.run(["pdftoppm", "-r", str(dpi), "-f", str(page), "-l", str(page), str(pdf)],
                          capture_output=True, check=True, timeout=120).stdout
    magic, w, h, maxval = data.split(maxsplit=4)[:4]
    assert magic == b"P6" and maxval == b"255"
    w, h = int(w), int(h)
    # The pixels are the last w*h*3 bytes (a split would eat pixel bytes that look like spaces).
    return np.frombuffer(data[len(data) - w * h * 3:], dtype=np.uint8).reshape(h, w, 3)
