"""Issue 12: a sheet whose ``<dimension ref="A1"/>`` lies about a value at XFD1048576.

The loaders size their grid from the declared dimension and the cells; a stray far value
under a dimension that claims one cell made the process abort (Rust allocation failure,
exit 134, no message). It must be one line (or a data issue), in a process that survives.
Run in a subprocess: an abort would take the test runner with it.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

ROOT = Path(__file__).resolve().parents[2]


def _lying_book(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "订单"
    ws.append(["订单日期", "客户名称", "金额"])
    ws.append([dt.datetime(2024, 1, 5), "华东机械", 100.0])
    ws["XFD1048576"] = "x"
    wb.save(path)
    with zipfile.ZipFile(path) as z:
        parts = {i.filename: z.read(i) for i in z.infolist()}
    sheet = parts["xl/worksheets/sheet1.xml"]
    parts["xl/worksheets/sheet1.xml"] = re.sub(rb'<dimension ref="[^"]*"\s*/>', b'<dimension ref="A1"/>', sheet)
    assert b'<dimension ref="A1"/>' in parts["xl/worksheets/sheet1.xml"]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return path


@pytest.mark.parametrize("engine", ["fastexcel", "calamine"])
def test_a_lying_dimension_with_a_value_at_xfd1048576_is_one_line_not_an_abort(tmp_path: Path, engine: str) -> None:
    path = _lying_book(tmp_path / "book.xlsx")
    before = path.read_bytes()
    code = ("import sys; sys.path.insert(0, sys.argv[1]); from xlcrm.workbook.read import read_workbook; "
            "from xlcrm.errors import XlcrmError\n"
            "try:\n    read_workbook(sys.argv[2], engine=sys.argv[3])\n"
            "except XlcrmError as e:\n    print(e); sys.exit(1)\n")
    proc = subprocess.run([sys.executable, "-c", code, str(ROOT), str(path), engine],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode in (0, 1), (proc.returncode, proc.stderr[-500:])
    if proc.returncode == 1:
        lines = [ln for ln in proc.stdout.splitlines() if ln.strip()]
        assert len(lines) == 1 and "XFD1048576" in lines[0], proc.stdout
    assert path.read_bytes() == before


def test_the_cli_answers_a_lying_dimension_in_one_line(tmp_path: Path) -> None:
    path = _lying_book(tmp_path / "book.xlsx")
    before = path.read_bytes()
    proc = subprocess.run([sys.executable, "-m", "xlcrm", "refresh", str(path), "-q"], capture_output=True,
                          text=True, timeout=300, cwd=ROOT, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert proc.returncode == 1, (proc.returncode, proc.stderr[-500:])
    lines = [ln for ln in (proc.stdout + proc.stderr).splitlines() if ln.strip()]
    assert len(lines) == 1 and "book.xlsx" in lines[0] and "Traceback" not in proc.stderr
    assert path.read_bytes() == before
