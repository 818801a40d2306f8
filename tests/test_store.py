"""The history store: the same rows in DuckDB and PostgreSQL, idempotent saves, migrations."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pandas as pd
import pytest

from tests.branches import make_branch
from tests.postgres import fresh_schema
from xlcrm import store as store_mod
from xlcrm.refresh import refresh
from xlcrm.store import SNAPSHOT_COLUMNS, StoreError, open_store, snapshot_of

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def refreshed(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    path = make_branch(tmp_path_factory.mktemp("store") / "BJ.xlsx", office="BJ", seed=3)
    return refresh(path)


@pytest.fixture(params=["duckdb", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path):  # type: ignore[no-untyped-def]
    if request.param == "duckdb":
        yield str(tmp_path / "h.duckdb")
    else:
        with fresh_schema() as u:
            yield u


def test_snapshot_holds_every_customer_with_the_sheets_figures(refreshed) -> None:  # type: ignore[no-untyped-def]
    snap = snapshot_of(refreshed)
    c = refreshed.computed
    assert len(snap.customers) == len(c.customers) == snap.refresh["customers"]
    rows = snap.customers.set_index("customer_key")
    assert rows["tier"].value_counts().to_dict() == c.customers["tier"].value_counts().to_dict()
    risk = c.churn["churn_risk"]
    assert rows.loc[risk.index, "churn_risk"].tolist() == pytest.approx(risk.tolist())
    prospects = c.customers.index.difference(c.churn.index)  # never ordered: no churn risk
    assert len(prospects) and rows.loc[prospects, "churn_risk"].isna().all()
    assert snap.refresh["open_complaints"] == int(c.complaints["is_open"].sum())
    assert snap.refresh["expected_loss"] == pytest.approx(float(c.churn["expected_loss"].sum()))


def test_duckdb_and_postgresql_hold_the_same_rows(refreshed, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    snap = snapshot_of(refreshed)
    with fresh_schema() as pg_url, open_store(pg_url) as pg, open_store(tmp_path / "h.duckdb") as duck:
        pg.save(snap)
        duck.save(snap)
        pd.testing.assert_frame_equal(duck.snapshots(), pg.snapshots())
        pd.testing.assert_frame_equal(duck.refreshes(), pg.refreshes())
        assert duck.snapshots()["churn_risk"].isna().sum() > 0  # NULLs survive both ways


def test_saving_the_same_workbook_and_date_again_replaces_its_rows(refreshed, url: str) -> None:  # type: ignore[no-untyped-def]
    snap = snapshot_of(refreshed)
    later = snapshot_of(refreshed)
    later.refresh["as_of"] = snap.refresh["as_of"] + dt.timedelta(days=7)
    with open_store(url) as st:
        n = st.save(snap)
        st.save(snap)
        st.save(later)
        counts = st.counts()
        assert counts["customers"].tolist() == [n, n]  # one snapshot per workbook and as-of date
        assert len(st.refreshes()) == 2
        latest = st.snapshots(latest=1)
        assert set(latest["as_of"]) == {pd.Timestamp(later.refresh["as_of"])} and len(latest) == n


def test_a_store_is_upgraded_step_by_step_not_rebuilt(refreshed, url: str, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    with open_store(url) as st:
        assert st.version() == store_mod.SCHEMA_VERSION == 1
        st.save(snapshot_of(refreshed))
    step = (2, "a test column", ["ALTER TABLE xlcrm_snapshots ADD COLUMN note TEXT"])
    monkeypatch.setattr(store_mod, "MIGRATIONS", [*store_mod.MIGRATIONS, step])
    monkeypatch.setattr(store_mod, "SCHEMA_VERSION", 2)
    with open_store(url, migrate=False) as st:
        assert st.migrate() == [2]
        assert st.migrate() == []
        assert st.version() == 2
        kept = st.query("SELECT count(*) AS n, count(note) AS notes FROM xlcrm_snapshots")
        assert kept["n"][0] == len(refreshed.computed.customers) and kept["notes"][0] == 0
        applied = st.query("SELECT version FROM xlcrm_schema_version ORDER BY version")
        assert applied["version"].tolist() == [1, 2]


def test_a_store_from_a_newer_xlcrm_is_refused_in_one_line(url: str, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    with open_store(url):
        pass
    monkeypatch.setattr(store_mod, "SCHEMA_VERSION", 0)
    with pytest.raises(StoreError, match=r"schema version 1, this xlcrm knows up to 0 — upgrade xlcrm"):
        open_store(url)


def test_store_urls_that_cannot_work_get_one_line(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="DuckDB or PostgreSQL, not 'mysql'"):
        open_store("mysql://u:p@h/db")
    with pytest.raises(StoreError, match="does not exist"):
        open_store(tmp_path / "no" / "such" / "h.duckdb")
    with pytest.raises(StoreError) as info:
        open_store("postgresql://hq:s3cret@127.0.0.1:1/none")
    assert "s3cret" not in str(info.value) and "cannot connect to PostgreSQL" in str(info.value)
    not_db = tmp_path / "notes.duckdb"
    not_db.write_text("not a database")
    with pytest.raises(StoreError, match="not a DuckDB store|cannot open"):
        open_store(not_db)


def test_docs_store_describes_every_column() -> None:
    text = (ROOT / "docs" / "store.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `(\w+)` \|", text, flags=re.M))
    for col in SNAPSHOT_COLUMNS + store_mod.REFRESH_COLUMNS:
        assert col.name in documented, col.name
    assert f"schema version {store_mod.SCHEMA_VERSION}" in text
