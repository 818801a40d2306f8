"""The live Excel kit: every test here is marked ``excel`` and runs only where Microsoft Excel
can be started through xlwings (Windows; the ribbon part also on macOS). Elsewhere each test
is collected and skipped with the reason, so ``pytest -m excel`` on Linux reports "skipped".

Run it on a Windows PC with Excel (docs/excel.md, "Checking in real Excel"):

    pip install "xlcrm[excel,test]"   (or, in a clone: pip install -e ".[excel,test]")
    xlcrm excel install
    python -m pytest -m excel tests/live_excel -v
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent


def excel_missing() -> str | None:
    """Why Excel cannot be driven here, or None."""
    if not (sys.platform.startswith("win") or sys.platform == "darwin"):
        return f"needs Microsoft Excel (Windows or macOS); this is {sys.platform}"
    try:
        import xlwings as xw

        with xw.App(visible=False, add_book=False):
            pass
    except Exception as exc:  # noqa: BLE001 - any failure to start Excel means: skip, say why
        return f"xlwings could not start Excel: {type(exc).__name__}: {exc}"
    return None


def pytest_collection_modifyitems(config, items):
    ours = [item for item in items if HERE in Path(str(item.fspath)).parents]
    if not ours:
        return
    reason = excel_missing()
    for item in ours:
        item.add_marker(pytest.mark.excel)
        if reason:
            item.add_marker(pytest.mark.skip(reason=reason))
