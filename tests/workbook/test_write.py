"""Writing safely: lock files, backups, a failure or a kill half-way, and new workbooks."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import textwrap
import time
import warnings
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from tests.libreoffice import read_back
from tests.workbook.fixtures import compare_packages, feature_workbook, parts_of, result_sheets
from xlcrm.errors import CannotWrite, WorkbookLocked
from xlcrm.workbook import write
from xlcrm.workbook.graft import GraftError
from xlcrm.workbook.write import (
    BACKUP_DIR,
    TEMP_PREFIX,
    WriteReport,
    check_lock,
    owned_sheets,
    write_in_place,
    write_new,
)

ROOT = Path(__file__).resolve().parents[2]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _listing(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


@pytest.fixture
def book(tmp_path: Path) -> Path:
    return feature_workbook(tmp_path / "订单台账.xlsx", pivot=False)


def test_public_api_is_what_the_cli_uses() -> None:
    assert set(write.__all__) == {"BACKUP_DIR", "WriteReport", "check_lock", "check_writable", "owned_sheets",
                                  "write_in_place", "write_new"}


@pytest.mark.parametrize("lock", ["~${name}", ".~lock.{name}#"])
def test_excel_or_libreoffice_lock_file_refuses_in_one_line(book: Path, lock: str) -> None:
    (book.parent / lock.format(name=book.name)).write_bytes(b"user")
    before, listing = _digest(book), _listing(book.parent)
    with pytest.raises(WorkbookLocked) as info:
        write_in_place(book, result_sheets(), lang="zh")
    message = str(info.value)
    assert "\n" not in message and "close it in Excel" in message and "ribbon" in message
    assert _digest(book) == before and _listing(book.parent) == listing


def test_no_lock_file_no_complaint(book: Path) -> None:
    check_lock(book)  # raises nothing
    (book.parent / "~$other.xlsx").write_bytes(b"")
    check_lock(book)


def test_refresh_reports_what_it_wrote_and_keeps_a_backup_of_the_previous_version(book: Path) -> None:
    original = book.read_bytes()
    report = write_in_place(book, result_sheets(), lang="zh")
    assert isinstance(report, WriteReport)
    assert report.written == ["客户分级", "数据问题"] and report.removed == []
    assert report.backup is not None and report.backup.parent == book.parent / BACKUP_DIR
    assert report.backup.read_bytes() == original
    assert report.backup.name.startswith("订单台账.") and report.backup.suffix == ".xlsx"


def test_only_the_last_backups_are_kept(book: Path) -> None:
    versions = []
    for _ in range(4):
        versions.append(book.read_bytes())
        write_in_place(book, result_sheets(), lang="zh", backups=2)
    kept = sorted((book.parent / BACKUP_DIR).iterdir())
    assert len(kept) == 2
    assert {p.read_bytes() for p in kept} == set(versions[-2:])


def test_failure_of_the_final_replace_leaves_the_workbook_and_no_temp_file(book: Path,
                                                                           monkeypatch) -> None:
    before, listing = _digest(book), _listing(book.parent)

    def fail(tmp: Path, path: Path) -> None:
        assert tmp.exists() and tmp.parent == path.parent  # written beside it, complete
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(write, "_replace", fail)
    with pytest.raises(CannotWrite):
        write_in_place(book, result_sheets(), lang="zh")
    assert _digest(book) == before and _listing(book.parent) == listing
    (book.parent / BACKUP_DIR).mkdir()
    with pytest.raises(CannotWrite):
        write_in_place(book, result_sheets(), lang="zh")
    assert _digest(book) == before and not list((book.parent / BACKUP_DIR).iterdir())


def test_failure_while_writing_leaves_the_workbook_and_no_temp_file(book: Path, monkeypatch) -> None:
    before, listing = _digest(book), _listing(book.parent)

    def broken(pkg, plan, out):
        out.write(b"PK\x03\x04 half a package")
        raise RuntimeError("disk went away")

    monkeypatch.setattr(write, "write_plan", broken)
    with pytest.raises(RuntimeError):
        write_in_place(book, result_sheets(), lang="zh")
    assert _digest(book) == before and _listing(book.parent) == listing


def test_named_temp_files_are_removed_too_where_o_tmpfile_is_missing(book: Path, monkeypatch) -> None:
    monkeypatch.delattr(os, "O_TMPFILE", raising=False)
    before, listing = _digest(book), _listing(book.parent)
    monkeypatch.setattr(write, "_replace", lambda tmp, path: (_ for _ in ()).throw(OSError("no")))
    with pytest.raises(CannotWrite):
        write_in_place(book, result_sheets(), lang="zh", backups=0)
    assert _digest(book) == before and _listing(book.parent) == listing
    monkeypatch.undo()
    write_in_place(book, result_sheets(), lang="zh", backups=0)  # and a named temp file works
    assert owned_sheets(book) == {"customers": "客户分级", "issues": "数据问题"}


def test_a_table_name_clash_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    import xlsxwriter

    path = tmp_path / "clash.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("订单")
    ws.add_table(0, 0, 2, 1, {"name": "xlcrm_customers"})  # a user's table with our name
    wb.close()
    before, listing = _digest(path), _listing(tmp_path)
    with pytest.raises(GraftError, match="xlcrm_customers"):
        write_in_place(path, result_sheets(), lang="zh")
    assert _digest(path) == before and _listing(tmp_path) == listing


_KILL_SCRIPT = textwrap.dedent("""
    import sys, time
    sys.path.insert(0, {root!r})
    from pathlib import Path
    from xlcrm.workbook import write
    from tests.workbook.fixtures import result_sheets
    real = write.write_plan

    def slow(pkg, plan, out):
        real(pkg, plan, out)           # the whole new package is in the temporary file...
        out.flush()
        Path({ready!r}).write_text("x")
        time.sleep(60)                 # ...when the process is killed

    write.write_plan = slow
    write.write_in_place(Path({path!r}), result_sheets(), lang="zh")
""")


def test_a_refresh_killed_half_way_leaves_the_original_intact_and_no_temp_file(book: Path,
                                                                                tmp_path: Path) -> None:
    before, listing = _digest(book), _listing(book.parent)
    ready = tmp_path.parent / f"{tmp_path.name}-ready"
    script = _KILL_SCRIPT.format(root=str(ROOT), ready=str(ready), path=str(book))
    proc = subprocess.Popen([sys.executable, "-c", script])
    try:
        deadline = time.monotonic() + 60
        while not ready.exists():
            assert proc.poll() is None, "the writer exited before it was killed"
            assert time.monotonic() < deadline
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert _digest(book) == before
    assert _listing(book.parent) == listing  # the anonymous temporary file died with it
    write_in_place(book, result_sheets(), lang="zh")  # and the next run just works
    assert not [p for p in book.parent.iterdir() if p.name.startswith(TEMP_PREFIX)]


def test_temp_files_of_dead_runs_are_swept(book: Path) -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()
    stale = book.parent / f"{TEMP_PREFIX}{book.name}.{dead}.0.tmp"
    stale.write_bytes(b"half")
    write_in_place(book, result_sheets(), lang="zh")
    assert not stale.exists()


def test_file_permissions_are_kept(book: Path) -> None:
    os.chmod(book, 0o640)
    write_in_place(book, result_sheets(), lang="zh")
    assert (book.stat().st_mode & 0o777) == 0o640


def test_write_new_holds_only_the_result_sheets(tmp_path: Path) -> None:
    out = tmp_path / "result.xlsx"
    report = write_new(out, result_sheets(), lang="zh")
    assert report.written == ["客户分级", "数据问题"] and report.backup is None
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["客户分级", "数据问题"]
    assert owned_sheets(out) == {"customers": "客户分级", "issues": "数据问题"}
    assert list(wb["客户分级"].tables) == ["xlcrm_customers"]
    # Writing it again: the same bytes (deterministic), the old file backed up.
    first = out.read_bytes()
    report = write_new(out, result_sheets(), lang="zh")
    assert out.read_bytes() == first and report.backup is not None


def test_write_new_then_refresh_in_place_replaces_without_duplicates(tmp_path: Path) -> None:
    out = tmp_path / "result.xlsx"
    write_new(out, result_sheets("en"), lang="en")
    p0 = parts_of(out)
    write_in_place(out, result_sheets("en"), lang="en")
    assert compare_packages(p0, parts_of(out)) == []
    assert owned_sheets(out) == {"customers": "CRM Customers", "issues": "CRM Data Issues"}


@pytest.mark.libreoffice
def test_libreoffice_reads_a_new_workbook_as_pandas_does(tmp_path: Path) -> None:
    out = tmp_path / "result.xlsx"
    write_new(out, result_sheets("en", n=6), lang="en")
    lo = read_back(out)
    assert sorted(lo) == ["CRM Customers", "CRM Data Issues"]
    frame = pd.read_excel(out, sheet_name="CRM Customers", engine="openpyxl")
    rows = lo["CRM Customers"]
    assert rows[0] == list(frame.columns)
    assert [r[1] for r in rows[1:]] == frame["Customer"].tolist()
    assert [float(r[3]) for r in rows[1:]] == frame["Revenue"].tolist()
    assert [r[4][:10] for r in rows[1:]] == [d.strftime("%Y-%m-%d") for d in frame["Last Order"]]
    assert rows[3][1] == '=HYPERLINK("x")' and rows[4][1] == "+86 西部物流"  # text stays text


def test_hidden_result_sheets_are_written_hidden_and_owned(book: Path) -> None:
    from dataclasses import replace

    from lxml import etree

    sheets = result_sheets(roles=("customers", "history"))
    sheets[1] = replace(sheets[1], hidden=True)
    assert owned_sheets(book) == {}
    write_in_place(book, sheets, lang="zh")
    wb = etree.fromstring(parts_of(book)["xl/workbook.xml"])
    state = {s.get("name"): s.get("state") for s in wb.iter("{*}sheet")}
    assert state["分级历史"] == "hidden" and state["客户分级"] is None
    assert owned_sheets(book) == {"customers": "客户分级", "history": "分级历史"}


def test_strict_open_xml_is_refused_with_the_fix(book: Path, tmp_path: Path) -> None:
    import zipfile

    from xlcrm.errors import NotAWorkbook

    strict = tmp_path / "strict.xlsx"
    with zipfile.ZipFile(book) as src, zipfile.ZipFile(strict, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "_rels/.rels":
                data = data.replace(b"http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
                                    b"officeDocument", b"http://purl.oclc.org/ooxml/officeDocument/"
                                    b"relationships/officeDocument")
            dst.writestr(info, data)
    with pytest.raises(NotAWorkbook, match="Strict"):
        write_in_place(strict, result_sheets(), lang="zh")


def test_write_new_insists_on_an_xlsx_name(tmp_path: Path) -> None:
    # Excel refuses to open a package whose extension does not match its content type.
    with pytest.raises(ValueError, match=r"\.xlsx"):
        write_new(tmp_path / "out.xlsm", result_sheets(), lang="zh")
    assert not list(tmp_path.iterdir())


def test_writing_no_sheets_removes_xlcrm_s_sheets_but_never_the_last_one(book: Path, tmp_path: Path) -> None:
    p0 = parts_of(book)
    write_in_place(book, result_sheets(), lang="zh")
    report = write_in_place(book, [], lang="zh")
    assert sorted(report.removed) == ["客户分级", "数据问题"] and owned_sheets(book) == {}
    assert compare_packages(p0, parts_of(book)) == []
    only_ours = tmp_path / "only.xlsx"
    write_new(only_ours, result_sheets(), lang="zh")
    before = _digest(only_ours)
    with pytest.raises(ValueError, match="no sheet left"):
        write_in_place(only_ours, [], lang="zh")
    assert _digest(only_ours) == before


def test_an_xlcrm_sheet_the_user_hid_stays_hidden(book: Path) -> None:
    import zipfile

    write_in_place(book, result_sheets(), lang="zh")
    parts = parts_of(book)
    parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(
        'name="数据问题"'.encode(), 'name="数据问题" state="hidden"'.encode())
    with zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    write_in_place(book, result_sheets(), lang="zh")
    assert _load_states(book) == {"订单": "visible", "图表": "visible", "备注": "visible",
                                  "客户分级": "visible", "数据问题": "hidden"}


def _load_states(path: Path) -> dict[str, str]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        wb = openpyxl.load_workbook(path)
    return {ws.title: ws.sheet_state for ws in wb.worksheets}


def test_a_symlinked_workbook_is_refreshed_where_it_lives(book: Path, tmp_path: Path) -> None:
    link = tmp_path / "link" / "orders.xlsx"
    link.parent.mkdir()
    link.symlink_to(book)
    write_in_place(link, result_sheets(), lang="zh")
    assert link.is_symlink() and owned_sheets(book) == {"customers": "客户分级", "issues": "数据问题"}
    assert (book.parent / BACKUP_DIR).is_dir()
