"""Regression tests for bugs found by the fuzz test and the foreign corpora (benchmarks/corpus.py).

Each builds the smallest workbook that reproduced its bug.
"""

from __future__ import annotations

import datetime as dt

import openpyxl

from xlcrm.refresh import refresh


def test_absurd_amounts_are_data_issues_not_an_overflow(tmp_path):
    # Fuzz: amounts of ±1E+308 overflowed every sum to inf (numpy RuntimeWarning, pytest
    # error). No sales office types 10^15 or more; such a cell is unreadable like any other.
    src = tmp_path / "book.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "订单"
    ws.append(["订单日期", "客户名称", "金额"])
    ws.append([dt.datetime(2024, 1, 5), "华东机械", 1e308])
    ws.append([dt.datetime(2024, 2, 5), "华东机械", -1e308])
    ws.append([dt.datetime(2024, 3, 5), "华东机械", "1e300"])
    ws.append([dt.datetime(2024, 4, 5), "华东机械", 1234.5])
    wb.save(src)
    report = refresh(src, output=tmp_path / "out.xlsx", asof=dt.date(2025, 1, 1))
    assert report.computed.customers["revenue"].tolist() == [1234.5]  # the one sane amount
    assert {i.cell for i in report.issues} >= {"C2", "C3", "C4"}


def _small_book(path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "订单"
    ws.append(["订单日期", "客户名称", "金额"])
    ws.append([dt.datetime(2024, 1, 5), "华东机械", 100.0])
    wb.save(path)
    return path


def _cli(*args):
    from typer.testing import CliRunner

    from xlcrm.cli import app

    return CliRunner().invoke(app, ["refresh", *map(str, args), "-q"])


def test_output_into_a_missing_folder_is_one_line_exit_1(tmp_path):
    # Was an OSError traceback from the temporary file beside the output.
    src = _small_book(tmp_path / "book.xlsx")
    result = _cli(src, "--output", tmp_path / "no" / "such" / "out.xlsx")
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    lines = [ln for ln in result.output.splitlines() if ln.strip()]
    assert len(lines) == 1 and "out.xlsx" in lines[0] and "folder" in lines[0], result.output


def test_output_named_xlsm_is_a_usage_error_not_a_traceback(tmp_path):
    # The CLI let .xlsm through and write_new raised ValueError; a new workbook is .xlsx.
    src = _small_book(tmp_path / "book.xlsx")
    result = _cli(src, "--output", tmp_path / "out.xlsm")
    assert result.exit_code == 2 and not (tmp_path / "out.xlsm").exists()
    from xlcrm.errors import XlcrmError

    try:
        refresh(src, output=tmp_path / "out.xlsm")
    except XlcrmError as exc:
        assert ".xlsx" in str(exc)
    else:
        raise AssertionError("refresh(output=*.xlsm) must refuse")


def test_output_that_is_the_workbook_itself_is_refused_and_the_file_kept(tmp_path):
    # Was: the user's workbook replaced by a new one holding only xlcrm's sheets.
    src = _small_book(tmp_path / "book.xlsx")
    before = src.read_bytes()
    link = tmp_path / "link.xlsx"
    link.symlink_to(src)
    for out in (src, link):
        result = _cli(src, "--output", out)
        assert result.exit_code == 1, result.output
        assert "--output" in result.output and src.read_bytes() == before


def test_a_stray_value_at_xfd1048576_is_refused_in_one_line_not_an_abort(tmp_path):
    # Was: calamine (under both loaders) allocated A1:XFD1048576 densely and the process
    # aborted (SIGABRT, no message, exit -6). Found with a hand-built sheet like this one.
    from xlcrm.errors import UnsafeWorkbook

    src = _small_book(tmp_path / "book.xlsx")
    wb = openpyxl.load_workbook(src)
    wb["订单"]["XFD1048576"] = "x"
    wb.save(src)
    before = src.read_bytes()
    for output in (tmp_path / "out.xlsx", None):
        try:
            refresh(src, output=output)
        except UnsafeWorkbook as exc:
            assert "XFD1048576" in str(exc) and "\n" not in str(exc)
        else:
            raise AssertionError("a 17-billion-cell grid must be refused")
        assert src.read_bytes() == before


def test_a_far_value_within_the_limit_is_read(tmp_path):
    # The guard must not refuse what loads: a value in column XFD of row 3 is 49,152 cells.
    src = _small_book(tmp_path / "book.xlsx")
    wb = openpyxl.load_workbook(src)
    wb["订单"]["XFD3"] = "备注"
    wb.save(src)
    report = refresh(src, output=tmp_path / "out.xlsx", asof=dt.date(2025, 1, 1))
    assert report.computed.customers["revenue"].tolist() == [100.0]


def test_two_sheets_with_one_name_are_refused_not_read_twice(tmp_path):
    # A foreign package naming two sheets alike: was a "truth value of a DataFrame" traceback
    # (dataclass equality over frames), and once past that the first sheet was read twice,
    # doubling revenue. Excel forbids the duplicate, so the file is refused in one line.
    import re
    import zipfile

    from xlcrm.errors import NotAWorkbook

    src = _small_book(tmp_path / "book.xlsx")
    wb = openpyxl.load_workbook(src)
    wb.create_sheet("Other").append(["x"])
    wb.save(src)
    with zipfile.ZipFile(src) as z:
        parts = {i.filename: z.read(i) for i in z.infolist()}
    parts["xl/workbook.xml"] = re.sub(rb'name="Other"', 'name="订单"'.encode(), parts["xl/workbook.xml"])
    with zipfile.ZipFile(src, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    before = src.read_bytes()
    try:
        refresh(src, output=tmp_path / "out.xlsx")
    except NotAWorkbook as exc:
        assert "订单" in str(exc)
    else:
        raise AssertionError("two sheets named 订单 must be refused")
    assert src.read_bytes() == before
