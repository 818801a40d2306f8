"""Issue 12, findings 2-4: the backup promised is kept, a save by the user is never lost,
a read-only workbook is never replaced.

Before the fix backups were named by local wall-clock time and pruned by name, so a
time-zone change deleted the newest; a killed copy left a 0-byte "backup" that took a kept
slot; a save between the backup and the final rename was overwritten; a read-only workbook
was replaced (exit 0).
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.workbook.fixtures import feature_workbook, result_sheets
from xlcrm.cli import app
from xlcrm.errors import CannotWrite, UnusableWorkbook
from xlcrm.workbook import write
from xlcrm.workbook.write import BACKUP_DIR, write_in_place

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def book(tmp_path: Path) -> Path:
    return feature_workbook(tmp_path / "订单台账.xlsx", pivot=False)


def _valid(p: Path) -> bool:
    return p.stat().st_size > 0 and zipfile.is_zipfile(p)


def _in_zone(monkeypatch, zone: str) -> None:
    monkeypatch.setenv("TZ", zone)
    time.tzset()


def test_a_time_zone_change_never_prunes_the_backup_just_made(book: Path, monkeypatch) -> None:
    # Colleagues in Shanghai and New York refresh the same workbook on a share.
    try:
        _in_zone(monkeypatch, "Asia/Shanghai")
        write_in_place(book, result_sheets(), lang="zh", backups=1)
        between = book.read_bytes()
        _in_zone(monkeypatch, "America/New_York")
        report = write_in_place(book, result_sheets(seed=1), lang="zh", backups=1)
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
    assert report.backup is not None and report.backup.exists()
    assert report.backup.read_bytes() == between


def test_a_backup_named_by_a_clock_ahead_never_prunes_the_new_one(book: Path) -> None:
    folder = book.parent / BACKUP_DIR
    folder.mkdir()
    (folder / "订单台账.20991231-235959.xlsx").write_bytes(book.read_bytes())  # a clock far ahead
    before = book.read_bytes()
    report = write_in_place(book, result_sheets(), lang="zh", backups=1)
    assert report.backup is not None and report.backup.read_bytes() == before


def test_a_zero_byte_backup_does_not_take_a_kept_slot(book: Path) -> None:
    first = book.read_bytes()
    write_in_place(book, result_sheets(), lang="zh", backups=2)  # backup 1: the original
    folder = book.parent / BACKUP_DIR
    # What a kill during the copy left under a newer backup name (the old naming).
    (folder / "订单台账.20991231-235959.xlsx").write_bytes(b"")
    second = book.read_bytes()
    report = write_in_place(book, result_sheets(seed=1), lang="zh", backups=2)
    kept = sorted(p.read_bytes() for p in folder.iterdir() if _valid(p))
    assert report.backup.read_bytes() == second
    assert kept == sorted([first, second])
    assert all(_valid(p) for p in folder.iterdir())  # the empty one is gone


_KILL_COPY = textwrap.dedent("""
    import os, signal, sys
    from pathlib import Path
    sys.path.insert(0, {root!r})
    from tests.workbook.fixtures import result_sheets
    from xlcrm.workbook import write
    import shutil

    def half(src, dst, *a, **k):         # the copy is half-way...
        Path(dst).write_bytes(Path(src).read_bytes()[:100])
        os.kill(os.getpid(), signal.SIGKILL)   # ...when the process is killed
    shutil.copyfile = half
    shutil.copy2 = half
    write.write_in_place(Path({path!r}), result_sheets(), lang="zh")
""")


def test_a_kill_during_the_backup_copy_leaves_no_file_under_a_backup_name(book: Path) -> None:
    before = book.read_bytes()
    proc = subprocess.run([sys.executable, "-c", _KILL_COPY.format(root=str(ROOT), path=str(book))],
                          capture_output=True, timeout=120)
    assert proc.returncode == -9, proc.stderr.decode()
    assert book.read_bytes() == before
    folder = book.parent / BACKUP_DIR
    assert not [p for p in folder.iterdir() if not p.name.startswith(write.TEMP_PREFIX)] \
        if folder.exists() else True
    report = write_in_place(book, result_sheets(), lang="zh", backups=1)  # the next run just works
    assert [p.name for p in folder.iterdir()] == [report.backup.name]
    assert report.backup.read_bytes() == before


def test_backup_order_is_creation_order_whatever_the_clock(book: Path, monkeypatch) -> None:
    stamps = iter([2_000_000_000.0, 1_000_000_000.0, 1_500_000_000.0])  # 2033, 2001, 2017
    versions = []
    for _ in range(3):
        t = next(stamps)
        monkeypatch.setattr(write.time, "time", lambda t=t: t)
        versions.append(book.read_bytes())
        write_in_place(book, result_sheets(), lang="zh", backups=2)
    kept = [p for _, p in write._backups(book)]
    assert [p.read_bytes() for p in kept] == versions[1:]


def _excel_saves(path: Path, data: bytes) -> None:
    """What Excel does on save: a new file renamed over the old one."""
    tmp = path.with_name("~excel.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def test_a_save_between_the_backup_and_the_final_rename_is_kept(book: Path, monkeypatch) -> None:
    users = feature_workbook(book.parent / "other.xlsx", pivot=False, date1904=True).read_bytes()
    real = write._backup

    def backup_then_user_saves(path: Path, *args, **kwargs):
        made = real(path, *args, **kwargs)
        _excel_saves(path, users)
        return made

    monkeypatch.setattr(write, "_backup", backup_then_user_saves)
    with pytest.raises(UnusableWorkbook) as err:
        write_in_place(book, result_sheets(), lang="zh")
    assert book.read_bytes() == users
    assert "changed" in str(err.value) and "\n" not in str(err.value)
    assert not [p for p in book.parent.iterdir() if p.name.startswith(write.TEMP_PREFIX)]


def test_a_save_while_xlcrm_computes_is_kept(tmp_path: Path, monkeypatch) -> None:
    from xlcrm import refresh as pipeline
    from xlcrm.demo import make_demos

    src = make_demos(tmp_path)[1]
    saved = src.read_bytes()  # the same workbook, saved again (a new file, as Excel saves)
    real = pipeline.compute

    def compute_then_user_saves(*args, **kwargs):
        out = real(*args, **kwargs)
        _excel_saves(src, saved)
        return out

    monkeypatch.setattr(pipeline, "compute", compute_then_user_saves)
    with pytest.raises(UnusableWorkbook, match="changed"):
        pipeline.refresh(src)
    assert src.read_bytes() == saved


def test_a_read_only_workbook_is_refused_before_any_work(book: Path) -> None:
    os.chmod(book, 0o444)
    before = book.read_bytes()
    with pytest.raises(CannotWrite, match="read-only"):
        write_in_place(book, result_sheets(), lang="zh")
    assert book.read_bytes() == before and not (book.parent / BACKUP_DIR).exists()


def test_the_cli_refuses_a_read_only_workbook_in_one_line_and_goes_on(tmp_path: Path) -> None:
    from xlcrm.demo import make_demos

    zh, en = make_demos(tmp_path)
    os.chmod(zh, 0o444)
    before = zh.read_bytes()
    result = CliRunner().invoke(app, ["refresh", str(zh), str(en), "-q"])
    assert result.exit_code == 1
    line = [ln for ln in result.output.splitlines() if zh.name in ln and "read-only" in ln]
    assert len(line) == 1 and "Traceback" not in result.output
    assert zh.read_bytes() == before
    assert b"xlcrm_customers" in zipfile.ZipFile(en).read("xl/tables/" + next(
        n.rsplit("/", 1)[1] for n in zipfile.ZipFile(en).namelist() if n.startswith("xl/tables/")))


def test_restoring_the_newest_backup_as_docs_safety_md_says_gives_the_file_before_the_refresh(book: Path) -> None:
    before = book.read_bytes()
    write_in_place(book, result_sheets(), lang="zh", backups=3)
    after_first = book.read_bytes()
    write_in_place(book, result_sheets(seed=1), lang="zh", backups=3)
    folder = book.parent / BACKUP_DIR
    newest = max(folder.iterdir(), key=lambda p: int(p.name.split(".")[1]))  # the highest number
    oldest = min(folder.iterdir(), key=lambda p: int(p.name.split(".")[1]))
    assert newest.read_bytes() == after_first and oldest.read_bytes() == before
    assert sorted(p.name for p in folder.iterdir()) == [oldest.name, newest.name]  # by name = by age
    book.write_bytes(newest.read_bytes())  # "copy it over the workbook"
    assert book.read_bytes() == after_first
