"""Many branch workbooks at once on a local Dask cluster, with the history store.

Twenty generated branch workbooks, one corrupt and one open in Excel (its lock file
beside it), plus an xlcrm backup folder: every good file is refreshed, the two bad ones
are reported and leave the run's exit code 1, the lock file and the backups are passed
over, and the store holds exactly one snapshot per workbook and as-of date. The same run
on a real PostgreSQL server (started by .ci/run) stores the same rows as DuckDB.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from tests.branches import make_branch
from tests.postgres import fresh_schema
from xlcrm import movement
from xlcrm.batch import expand, skip_reason
from xlcrm.cli import app
from xlcrm.refresh import refresh
from xlcrm.store import open_store
from xlcrm.workbook.write import owned_sheets

runner = CliRunner()
N = 20
CORRUPT, LOCKED = "b07.xlsx", "b13.xlsx"
ROOT = Path(__file__).resolve().parents[1]


def _digest(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The branch folder as head office finds it on the share (copied for each run)."""
    d = tmp_path_factory.mktemp("branches")
    for i in range(N):
        name = f"b{i:02d}.xlsx"
        if name == CORRUPT:
            (d / name).write_bytes(b"PK\x03\x04 this download was cut short")
        else:
            make_branch(d / name, office=f"B{i:02d}", seed=i, customers=12, orders=90)
    (d / f"~${LOCKED}").write_bytes(b"\x00" * 165)  # Excel's owner file: the workbook is open
    (d / "xlcrm-backups").mkdir()
    shutil.copy(d / "b01.xlsx", d / "xlcrm-backups" / "b01.20261101-080000.xlsx")
    (d / "notes.txt").write_text("not a workbook")
    return d


def _run(pristine: Path, tmp: Path, *args: str) -> tuple[Path, object]:
    d = tmp / "share"
    shutil.copytree(pristine, d)
    result = runner.invoke(app, ["refresh", str(d), *args])
    return d, result


def _check_run(d: Path, result, store_url: str, pristine: Path) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    out = result.output
    assert result.exit_code == 1, out  # two files failed
    good = [d / f"b{i:02d}.xlsx" for i in range(N) if f"b{i:02d}.xlsx" not in (CORRUPT, LOCKED)]
    for p in good:
        assert "dashboard" in owned_sheets(p), p
    # the bad ones: one line each, named, and the summary says so
    assert f"{d / CORRUPT}: corrupt or truncated workbook package" in out
    assert f"{d / LOCKED}: the workbook is open (lock file ~${LOCKED} beside it)" in out
    assert "失败：不是工作簿或已损坏" in out and "失败：文件已打开" in out
    assert f"共 {N} 个工作簿，已刷新 {N - 2} 个，失败 2 个。" in out
    assert "xlcrm backup x1" in out and "Excel lock file x1" in out
    # the backup copy and the locked workbook were not touched
    backup = Path("xlcrm-backups") / "b01.20261101-080000.xlsx"
    assert _digest(d / backup) == _digest(pristine / backup)
    assert _digest(d / LOCKED) == _digest(pristine / LOCKED)
    with open_store(store_url) as st:
        counts = st.counts()
        rows = st.snapshots()
        refreshes = st.refreshes()
    assert sorted(counts["workbook"]) == sorted(str(p.resolve()) for p in good)
    assert counts.groupby("workbook").size().eq(1).all()  # exactly one snapshot per workbook and as-of
    per_book = refreshes.set_index("workbook")["customers"]
    assert counts.set_index("workbook")["customers"].to_dict() == per_book.to_dict()
    assert not rows.duplicated(["workbook", "as_of", "customer_key"]).any()
    return rows


@pytest.fixture(scope="module")
def duck_run(pristine: Path, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    tmp = tmp_path_factory.mktemp("duck")
    url = str(tmp / "hq.duckdb")
    d, result = _run(pristine, tmp, "--workers", "2", "--store", url)
    return d, result, url


def test_twenty_branches_on_a_local_dask_cluster_with_a_duckdb_store(duck_run, pristine: Path) -> None:  # type: ignore[no-untyped-def]
    d, result, url = duck_run
    rows = _check_run(d, result, url, pristine)
    assert len(rows) == 18 * (12 + 3 + 1 + 1)  # own customers + 3 company-wide + 1 shared name + 1 prospect


def test_a_rerun_replaces_the_snapshot_instead_of_adding_one(duck_run) -> None:  # type: ignore[no-untyped-def]
    d, _result, url = duck_run
    with open_store(url) as st:
        before = st.counts()
    result = runner.invoke(app, ["refresh", str(d / "b00.xlsx"), "--store", url, "-q"])  # the single-file path
    assert result.exit_code == 0, result.output
    with open_store(url) as st:
        after = st.counts()
    pd.testing.assert_frame_equal(before, after)


def test_the_same_run_on_postgresql_stores_the_same_rows_as_duckdb(duck_run, pristine: Path,
                                                                 tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from dask.distributed import LocalCluster

    d_duck, _r, duck_url = duck_run
    with fresh_schema() as pg_url, LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                                  dashboard_address="127.0.0.1:0") as cluster:
        d_pg, result = _run(pristine, tmp_path, "--scheduler", cluster.scheduler_address, "--store", pg_url)
        pg_rows = _check_run(d_pg, result, pg_url, pristine)
        with open_store(pg_url) as pg, open_store(duck_url) as duck:
            pg_ref, duck_ref = pg.refreshes(), duck.refreshes()
        with open_store(duck_url) as duck:
            duck_rows = duck.snapshots()
    # Same rows, but for where the share was mounted and when the runs happened.
    key = ["office", "as_of", "customer_key"]
    a = duck_rows.drop(columns="workbook").sort_values(key).reset_index(drop=True)
    b = pg_rows.drop(columns="workbook").sort_values(key).reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b)
    drop = ["workbook", "refreshed_at"]
    pd.testing.assert_frame_equal(duck_ref.drop(columns=drop).sort_values("office").reset_index(drop=True),
                                  pg_ref.drop(columns=drop).sort_values("office").reset_index(drop=True))


def test_folders_and_globs_expand_to_workbooks_without_locks_or_backups(tmp_path: Path) -> None:
    for name in ["a.xlsx", "b.XLSM", "~$a.xlsx", ".~lock.b.XLSM#", "c.csv", ".~xlcrm.a.xlsx.1.0.tmp"]:
        (tmp_path / name).write_bytes(b"x")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "d.xlsx").write_bytes(b"x")
    (tmp_path / "xlcrm-backups").mkdir()
    (tmp_path / "xlcrm-backups" / "a.20260101-000000.xlsx").write_bytes(b"x")
    files, skipped = expand([tmp_path, tmp_path / "a.xlsx", str(tmp_path / "*.xlsx"), str(tmp_path / "none*.xlsx")])
    assert files == [tmp_path / "a.xlsx", tmp_path / "b.XLSM", tmp_path / "sub" / "d.xlsx", tmp_path / "none*.xlsx"]
    reasons = sorted(why for _p, why in skipped)
    assert reasons == ["Excel lock file", "Excel lock file", "LibreOffice lock file", "xlcrm backup",
                       "xlcrm temporary file"]
    assert skip_reason(Path("x/xlcrm-backups/b.xlsx")) == "xlcrm backup"


def test_a_glob_that_matches_nothing_is_reported_like_a_missing_file(tmp_path: Path) -> None:
    result = runner.invoke(app, ["refresh", str(tmp_path / "分公司*.xlsx")])
    assert result.exit_code == 1
    assert "file not found" in result.output


def test_a_folder_without_workbooks_is_one_line_not_a_silent_success(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "~$old.xlsx").write_bytes(b"x")  # only a lock file left
    result = runner.invoke(app, ["refresh", str(tmp_path / "empty")])
    assert result.exit_code == 1
    assert f"{tmp_path / 'empty'}: is a folder, not a workbook" in result.output


def test_a_single_refresh_does_not_import_dask_or_the_database_drivers(tmp_path: Path) -> None:
    book = make_branch(tmp_path / "one.xlsx", office="X", seed=1, customers=8, orders=40)
    code = ("import sys; from xlcrm.cli import app\n"
            "try:\n    app([\"refresh\", sys.argv[1], \"-q\"])\nexcept SystemExit as e:\n    assert not e.code, e.code\n"
            "print(sorted(m for m in ('dask', 'distributed', 'duckdb', 'psycopg') if m in sys.modules))")
    proc = subprocess.run([sys.executable, "-c", code, str(book)], capture_output=True, text=True, cwd=ROOT,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == "[]"


def test_history_sheet_at_the_row_limit_keeps_the_newest_and_says_so(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    book = make_branch(tmp_path / "h.xlsx", office="H", seed=2, customers=8, orders=40)
    n = len(refresh(book).computed.customers)  # first snapshot, as of the settings' date
    # An Excel sheet as small as two snapshots: the third refresh must drop the oldest.
    monkeypatch.setattr(movement, "EXCEL_MAX_ROWS", 2 * n)
    import datetime as dt

    refresh(book, asof=dt.date(2026, 11, 27))
    result = runner.invoke(app, ["refresh", str(book), "--asof", "2026-12-04", "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "The history sheet is at Excel's row limit: its 1 oldest snapshots were left out" in result.output
    import openpyxl

    wb = openpyxl.load_workbook(book, read_only=True)
    history = [r for r in wb["CRM History"].iter_rows(min_row=2, values_only=True)]
    issues = [r for r in wb["CRM Data Issues"].iter_rows(min_row=2, values_only=True)]
    wb.close()
    assert sorted({r[0].date() for r in history}) == [dt.date(2026, 11, 27), dt.date(2026, 12, 4)]
    assert len(history) == 2 * n
    assert any(r[0] == "CRM History" and "the 1 oldest snapshots (2026-11-20) are no longer in this sheet" in r[2]
               for r in issues), issues
