"""The customer history store: every refresh's snapshot in a database (docs/store.md).

An embedded DuckDB file by default (``xlcrm.duckdb``), PostgreSQL for a shared server
(``postgresql://user:password@host:5432/db``, through psycopg: DuckDB's postgres
extension would be downloaded at run time, which offices' servers often cannot do).

Two tables hold the data, keyed by (workbook, as_of): ``xlcrm_refreshes`` (one row per
refresh: the workbook's key figures, the ones its dashboard shows) and
``xlcrm_snapshots`` (one row per customer per refresh). Saving a refresh first deletes
the rows of the same workbook and as-of date, in one transaction, so a re-run replaces
its snapshot instead of doubling it. ``xlcrm_schema_version`` records the migrations
applied; a store is upgraded step by step (``MIGRATIONS``), never rebuilt.

Enumerated values are stored as xlcrm's English codes (Key, Repeat, High), whatever the
workbook's language; the report translates them.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import numpy as np
import pandas as pd

from xlcrm import __version__
from xlcrm.errors import XlcrmError

__all__ = [
    "DEFAULT_STORE",
    "MIGRATIONS",
    "REFRESH_COLUMNS",
    "SCHEMA_VERSION",
    "SNAPSHOT_COLUMNS",
    "Snapshot",
    "Store",
    "StoreError",
    "open_store",
    "redact",
    "snapshot_of",
]

DEFAULT_STORE = "xlcrm.duckdb"


class StoreError(XlcrmError):
    """The store cannot be opened, upgraded or written (one line: what, where, the fix)."""


@dataclass(frozen=True)
class Col:
    name: str
    sql: str  # the type, as both DuckDB and PostgreSQL spell it
    doc: str


_KEY = [
    Col("workbook", "TEXT NOT NULL", "the workbook's absolute path, as the refreshing machine saw it"),
    Col("office", "TEXT NOT NULL", "the office: the workbook's file name without extension"),
    Col("as_of", "DATE NOT NULL", "the as-of date the figures are computed for"),
]

REFRESH_COLUMNS: list[Col] = _KEY + [
    Col("refreshed_at", "TIMESTAMP NOT NULL", "when the refresh ran (UTC)"),
    Col("xlcrm_version", "TEXT", "the xlcrm version that computed it"),
    Col("lang", "TEXT", "the workbook's language (zh or en)"),
    Col("customers", "INTEGER", "customers in the orders or the customer master (dashboard: Customers)"),
    Col("customers_ordered", "INTEGER", "customers with at least one order (dashboard: Customers who ordered)"),
    Col("lost_customers", "INTEGER", "lifecycle Lost (dashboard: Lost customers)"),
    Col("high_risk", "INTEGER", "customers not Lost at High churn risk (dashboard: High-risk customers now)"),
    Col("revenue_12m", "DOUBLE PRECISION", "order amounts in the 365 days to as-of (dashboard: Revenue, last 12 months)"),
    Col("at_risk_customers", "INTEGER", "customers at High or Medium churn risk who are not yet Lost"),
    Col("at_risk_revenue", "DOUBLE PRECISION",
        "their value at stake (12-month revenue x margin): the dashboard's revenue at risk, all reps"),
    Col("expected_loss", "DOUBLE PRECISION", "sum of expected loss (dashboard: Expected loss, next 12 months)"),
    Col("complaints", "INTEGER", "complaints tracked"),
    Col("open_complaints", "INTEGER", "complaints without a closing date (dashboard: Open complaints)"),
    Col("complaint_rate", "DOUBLE PRECISION", "dashboard: Complaint Rate (NULL when there were no orders)"),
    Col("omission_rate", "DOUBLE PRECISION", "dashboard: Omission Rate (NULL when there were no complaints)"),
    Col("dissatisfaction_rate", "DOUBLE PRECISION",
        "dashboard: Dissatisfaction Rate (NULL when no closed complaint had an answer)"),
    Col("visits_planned", "INTEGER", "dashboard: Visits planned"),
    Col("visits_unplaced", "INTEGER", "dashboard: Visits not placed"),
    Col("data_issues", "INTEGER", "dashboard: Data issues"),
]

SNAPSHOT_COLUMNS: list[Col] = _KEY + [
    Col("customer_key", "TEXT NOT NULL", "the customer's ID, else its normalised name (unique per workbook)"),
    Col("customer_id", "TEXT", "the customer ID as the workbook has it (NULL when it has none)"),
    Col("customer_name", "TEXT", "the customer's name"),
    Col("rep", "TEXT", "the sales rep"),
    Col("region", "TEXT", "the region"),
    Col("lifecycle", "TEXT", "Prospect, Target, New, Repeat, Loyal, Lost or Non-customer"),
    Col("tier", "TEXT", "Key, Major, Regular, Small; NULL when not ranked (no order in the value window)"),
    Col("abc", "TEXT", "A, B or C"),
    Col("rfm", "TEXT", "the RFM code, e.g. 545"),
    Col("rfm_segment", "TEXT", "the RFM segment code, e.g. Important Value"),
    Col("churn_risk", "DOUBLE PRECISION", "0-100; NULL for customers who never ordered"),
    Col("risk_level", "TEXT", "High, Medium or Low; NULL for customers who never ordered"),
    Col("revenue", "DOUBLE PRECISION", "all order amounts to as-of"),
    Col("revenue_12m", "DOUBLE PRECISION", "order amounts in the 365 days to as-of"),
    Col("value_at_stake", "DOUBLE PRECISION", "12-month revenue x margin (the churn sheet's Value at Stake)"),
    Col("expected_loss", "DOUBLE PRECISION", "value at stake x churn risk"),
    Col("open_complaints", "INTEGER", "the customer's complaints without a closing date"),
]

_TEXT_SNAPSHOT = [c.name for c in SNAPSHOT_COLUMNS if c.sql.startswith("TEXT")]
_FLOAT_SNAPSHOT = [c.name for c in SNAPSHOT_COLUMNS if c.sql.startswith("DOUBLE")]
_INT_SNAPSHOT = [c.name for c in SNAPSHOT_COLUMNS if c.sql.startswith("INTEGER")]


def _create(table: str, cols: Sequence[Col], key: str) -> str:
    body = ",\n  ".join(f"{c.name} {c.sql}" for c in cols)
    return f"CREATE TABLE {table} (\n  {body},\n  PRIMARY KEY ({key})\n)"


# Each step: (version, what it does, statements). Append new steps; never edit an applied one.
MIGRATIONS: list[tuple[int, str, list[str]]] = [
    (1, "refresh figures and customer snapshots", [
        _create("xlcrm_refreshes", REFRESH_COLUMNS, "workbook, as_of"),
        _create("xlcrm_snapshots", SNAPSHOT_COLUMNS, "workbook, as_of, customer_key"),
        "CREATE INDEX xlcrm_snapshots_office ON xlcrm_snapshots (office, as_of)",
    ]),
]
SCHEMA_VERSION = MIGRATIONS[-1][0]

_VERSION_TABLE = ("CREATE TABLE IF NOT EXISTS xlcrm_schema_version (\n  version INTEGER PRIMARY KEY,\n"
                  "  description TEXT,\n  applied_at TIMESTAMP NOT NULL,\n  xlcrm_version TEXT\n)")


@dataclass
class Snapshot:
    """One refresh as the store keeps it: its figures and one row per customer."""

    refresh: dict[str, Any]
    customers: pd.DataFrame = field(repr=False)

    @property
    def key(self) -> tuple[str, dt.date]:
        return self.refresh["workbook"], self.refresh["as_of"]


# ---------------------------------------------------------------------------- from a refresh

def _nan_to_none(v: Any) -> Any:
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, (float, np.floating)):
        return None if math.isnan(v) else float(v)
    if isinstance(v, np.integer):
        return int(v)
    return v


def snapshot_of(report: Any, *, workbook: str | None = None, office: str | None = None,
                refreshed_at: dt.datetime | None = None) -> Snapshot:
    """The store's rows for one ``xlcrm.refresh.RefreshReport`` (its ``computed`` frames)."""
    computed = report.computed
    if computed is None:
        raise ValueError("the refresh report carries no computed frames")
    path = Path(report.path)
    workbook = workbook or str(path.resolve())
    office = office or path.stem
    asof = report.asof
    customers = computed.customers
    risk = computed.churn
    tracked = computed.complaints
    keys = customers.index.astype(str)

    def col(frame: pd.DataFrame, name: str) -> pd.Series:
        if name in frame.columns:
            s = frame[name]
            s.index = frame.index.astype(str)
            return s[~s.index.duplicated()].reindex(keys)
        return pd.Series([None] * len(keys), index=keys, dtype=object)

    open_by = pd.Series(0, index=keys, dtype="int64")
    if len(tracked) and "is_open" in tracked and "customer_key" in tracked:
        counts = tracked.loc[tracked["is_open"].astype(bool)].groupby(
            tracked["customer_key"].astype(str)).size()
        open_by = counts.reindex(keys, fill_value=0).astype("int64")
    rows = pd.DataFrame({
        "workbook": workbook, "office": office, "as_of": pd.Timestamp(asof),
        "customer_key": keys,
        "customer_id": col(customers, "customer_id").to_numpy(object),
        "customer_name": col(customers, "customer").to_numpy(object),
        "rep": col(customers, "rep").to_numpy(object),
        "region": col(customers, "region").to_numpy(object),
        "lifecycle": col(customers, "lifecycle").to_numpy(object),
        "tier": col(customers, "tier").to_numpy(object),
        "abc": col(customers, "abc").to_numpy(object),
        "rfm": col(customers, "rfm").to_numpy(object),
        "rfm_segment": col(customers, "rfm_segment").to_numpy(object),
        "churn_risk": pd.to_numeric(col(risk, "churn_risk"), errors="coerce").to_numpy(float),
        "risk_level": col(risk, "risk_level").to_numpy(object),
        "revenue": pd.to_numeric(col(customers, "revenue"), errors="coerce").to_numpy(float),
        "revenue_12m": pd.to_numeric(col(customers, "revenue_12m"), errors="coerce").to_numpy(float),
        "value_at_stake": pd.to_numeric(col(risk, "value_at_stake"), errors="coerce").to_numpy(float),
        "expected_loss": pd.to_numeric(col(risk, "expected_loss"), errors="coerce").to_numpy(float),
        "open_complaints": open_by.to_numpy(),
    })
    rows = _clean_snapshot(rows)
    sm = report.summary
    lost = rows["lifecycle"] == "Lost"
    high = rows["risk_level"] == "High"
    at_risk = rows["risk_level"].isin(["High", "Medium"]) & ~lost
    refresh = {
        "workbook": workbook, "office": office, "as_of": asof,
        "refreshed_at": (refreshed_at or dt.datetime.now(dt.UTC)).replace(tzinfo=None, microsecond=0),
        "xlcrm_version": __version__, "lang": report.lang,
        "customers": int(sm.get("customers", len(rows))),
        "customers_ordered": int(len(risk)),
        "lost_customers": int(lost.sum()),
        "high_risk": int((high & ~lost).sum()),  # the dashboard's count: Lost ones are counted apart
        "revenue_12m": float(rows["revenue_12m"].sum()),
        "at_risk_customers": int(at_risk.sum()),
        "at_risk_revenue": float(rows.loc[at_risk, "value_at_stake"].sum()),
        "expected_loss": float(rows["expected_loss"].sum()),
        "complaints": int(sm.get("complaints", len(tracked))),
        "open_complaints": int(rows["open_complaints"].sum()),
        "complaint_rate": _nan_to_none(sm.get("complaint_rate")),
        "omission_rate": _nan_to_none(sm.get("omission_rate")),
        "dissatisfaction_rate": _nan_to_none(sm.get("dissatisfaction_rate")),
        "visits_planned": int(sm.get("visits", 0)),
        "visits_unplaced": int(sm.get("unplaced", 0)),
        "data_issues": int(sm.get("issues", len(report.issues))),
    }
    return Snapshot(refresh=refresh, customers=rows)


def _blank_to_none(values: np.ndarray) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    for i, v in enumerate(values):
        if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
            out[i] = None
        else:
            s = str(v).strip()
            out[i] = s or None
    return out


def _clean_snapshot(rows: pd.DataFrame) -> pd.DataFrame:
    """Canonical dtypes: text as str/None, floats with NaN, ints, asof as datetime64."""
    rows = rows.copy()
    for c in _TEXT_SNAPSHOT:
        if c in rows:
            rows[c] = _blank_to_none(rows[c].to_numpy(object))
    for c in _FLOAT_SNAPSHOT:
        rows[c] = pd.to_numeric(rows[c], errors="coerce").astype("float64")
    for c in _INT_SNAPSHOT:
        rows[c] = pd.to_numeric(rows[c], errors="coerce").fillna(0).astype("int64")
    rows["as_of"] = pd.to_datetime(rows["as_of"]).dt.normalize().astype("datetime64[ns]")
    return rows[[c.name for c in SNAPSHOT_COLUMNS]]


# ---------------------------------------------------------------------------- URLs

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]+)://")


def redact(url: str) -> str:
    """The URL without its password, for messages."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


def _kind(url: str) -> tuple[str, str]:
    """("duckdb", file path) or ("postgresql", url)."""
    m = _SCHEME.match(url)
    if not m:
        return "duckdb", url
    scheme = m.group(1).lower()
    if scheme in ("postgresql", "postgres"):
        return "postgresql", url
    if scheme == "duckdb":
        return "duckdb", url[len(m.group(0)):]
    raise StoreError(f"{redact(url)}: xlcrm stores history in DuckDB or PostgreSQL, not '{scheme}' — give a "
                     f"file name such as xlcrm.duckdb, or postgresql://user:password@host/database")


# ---------------------------------------------------------------------------- the store

class Store:
    """An open store. Use ``open_store(url)``; close it (or use ``with``) when done."""

    def __init__(self, url: str, kind: str, con: Any) -> None:
        self.url = url
        self.kind = kind
        self._con = con

    # -- plumbing shared by both engines
    def _sql(self, sql: str) -> str:
        return sql.replace("?", "%s") if self.kind == "postgresql" else sql

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        if self.kind == "postgresql":
            return self._con.execute(self._sql(sql), params or None)
        return self._con.execute(sql, list(params))

    def query(self, sql: str, params: Sequence[Any] = ()) -> pd.DataFrame:
        """Rows as a DataFrame (column names from the cursor)."""
        cur = self.execute(sql, params)
        names = [d[0] for d in cur.description]
        return pd.DataFrame(cur.fetchall(), columns=names)

    # Both connections run in autocommit mode; a write is one explicit transaction.
    def _begin(self) -> None:
        self._con.execute("BEGIN")

    def _commit(self) -> None:
        self._con.execute("COMMIT")

    def _rollback(self) -> None:
        self._con.execute("ROLLBACK")

    def close(self) -> None:
        self._con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- schema
    def version(self) -> int:
        """The schema version applied (0: an empty database)."""
        if not self._has_table("xlcrm_schema_version"):
            return 0
        got = self.execute("SELECT max(version) FROM xlcrm_schema_version").fetchone()
        return int(got[0] or 0)

    def _has_table(self, name: str) -> bool:
        row = self.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?"
                           + (" AND table_schema = current_schema()" if self.kind == "postgresql" else ""),
                           [name]).fetchone()
        return bool(row[0])

    def migrate(self) -> list[int]:
        """Apply the migrations this store lacks, each in its own transaction; the versions applied."""
        have = self.version()
        if have > SCHEMA_VERSION:
            raise StoreError(f"{redact(self.url)}: the store has schema version {have}, this xlcrm knows up to "
                             f"{SCHEMA_VERSION} — upgrade xlcrm (pip install -U xlcrm) to use it")
        applied = []
        for version, description, statements in MIGRATIONS:
            if version <= have:
                continue
            self._begin()
            try:
                if self.kind == "postgresql":  # two runs upgrading at once: one waits for the other
                    self.execute("SELECT pg_advisory_xact_lock(7210417)")
                self.execute(_VERSION_TABLE)
                done = self.execute("SELECT count(*) FROM xlcrm_schema_version WHERE version = ?",
                                    [version]).fetchone()[0]
                if not done:
                    for sql in statements:
                        self.execute(sql)
                    self.execute("INSERT INTO xlcrm_schema_version VALUES (?, ?, ?, ?)",
                                 [version, description, _utcnow(), __version__])
                self._commit()
            except BaseException:
                self._rollback()
                raise
            applied.append(version)
        return applied

    # -- writing
    def save(self, snap: Snapshot) -> int:
        """Replace the rows of ``snap``'s workbook and as-of date with it; the customer rows written."""
        workbook, asof = snap.key
        rows = _clean_snapshot(snap.customers)
        rows["workbook"], rows["office"] = workbook, snap.refresh["office"]
        rows["as_of"] = pd.Timestamp(asof)
        refresh = [_nan_to_none(snap.refresh.get(c.name)) for c in REFRESH_COLUMNS]
        names = [c.name for c in REFRESH_COLUMNS]
        self._begin()
        try:
            if self.kind == "postgresql":  # one writer per workbook and date at a time
                self.execute("SELECT pg_advisory_xact_lock(hashtext(?))", [f"{workbook}|{asof}"])
            self.execute("DELETE FROM xlcrm_snapshots WHERE workbook = ? AND as_of = ?", [workbook, asof])
            self.execute("DELETE FROM xlcrm_refreshes WHERE workbook = ? AND as_of = ?", [workbook, asof])
            self.execute(f"INSERT INTO xlcrm_refreshes ({', '.join(names)}) "
                         f"VALUES ({', '.join('?' for _ in names)})", refresh)
            self._insert_snapshot(rows)
            self._commit()
        except BaseException:
            self._rollback()
            raise
        return len(rows)

    def _insert_snapshot(self, rows: pd.DataFrame) -> None:
        names = [c.name for c in SNAPSHOT_COLUMNS]
        if self.kind == "duckdb":
            import pyarrow as pa

            table = pa.Table.from_pandas(rows[names], preserve_index=False)  # NaN -> NULL
            self._con.register("xlcrm_incoming", table)
            try:
                self._con.execute(f"INSERT INTO xlcrm_snapshots ({', '.join(names)}) "
                                  f"SELECT {', '.join(names)} FROM xlcrm_incoming")
            finally:
                self._con.unregister("xlcrm_incoming")
            return
        with self._con.cursor() as cur, cur.copy(f"COPY xlcrm_snapshots ({', '.join(names)}) FROM STDIN") as copy:
            for rec in _records(rows[names]):
                copy.write_row(rec)

    # -- reading
    def refreshes(self, *, asof: dt.date | None = None) -> pd.DataFrame:
        """Every refresh (one row per workbook and as-of date), oldest first."""
        where, params = ("WHERE as_of <= ?", [asof]) if asof else ("", [])
        frame = self.query(f"SELECT * FROM xlcrm_refreshes {where} ORDER BY office, workbook, as_of", params)
        return _typed(frame, REFRESH_COLUMNS)

    def snapshots(self, *, latest: int | None = None, asof: dt.date | None = None) -> pd.DataFrame:
        """Customer rows; ``latest=2``: only each workbook's two newest snapshots (a column ``n``:
        1 the newest, 2 the one before). ``asof``: snapshots on or before that date only."""
        cond, params = ("WHERE as_of <= ?", [asof]) if asof else ("", [])
        if latest is None:
            frame = self.query(f"SELECT * FROM xlcrm_snapshots {cond} "
                               "ORDER BY office, workbook, as_of, customer_key", params)
            return _typed(frame, SNAPSHOT_COLUMNS)
        sql = (f"WITH ranked AS (SELECT workbook, as_of, row_number() OVER (PARTITION BY workbook "
               f"ORDER BY as_of DESC) AS n FROM xlcrm_refreshes {cond}) "
               "SELECT s.*, r.n FROM xlcrm_snapshots s JOIN ranked r "
               "ON s.workbook = r.workbook AND s.as_of = r.as_of WHERE r.n <= ? "
               "ORDER BY s.office, s.workbook, s.as_of, s.customer_key")
        frame = self.query(sql, [*params, int(latest)])
        out = _typed(frame, SNAPSHOT_COLUMNS)
        out["n"] = pd.to_numeric(frame["n"]).astype("int64") if len(frame) else pd.Series(dtype="int64")
        return out

    def counts(self) -> pd.DataFrame:
        """Customer rows per workbook and as-of date (one snapshot each, by construction)."""
        return self.query("SELECT workbook, as_of, count(*) AS customers FROM xlcrm_snapshots "
                          "GROUP BY workbook, as_of ORDER BY workbook, as_of")


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


def _records(frame: pd.DataFrame) -> Iterable[tuple[Any, ...]]:
    """Plain Python values for the driver: None for NaN/NaT, date for asof, int/float/str."""
    cols = []
    for name in frame.columns:
        s = frame[name]
        if name == "as_of":
            cols.append([None if pd.isna(v) else v.date() for v in s])
        else:
            cols.append([_nan_to_none(v) for v in s.to_numpy(object)])
    return zip(*cols)


def _typed(frame: pd.DataFrame, cols: Sequence[Col]) -> pd.DataFrame:
    """The same dtypes whichever engine answered: text object (None), floats, ints, dates."""
    out = pd.DataFrame(index=range(len(frame)))
    for c in cols:
        s = frame[c.name] if c.name in frame else pd.Series([None] * len(frame))
        s = s.reset_index(drop=True)
        if c.sql.startswith("DOUBLE"):
            out[c.name] = pd.to_numeric(s, errors="coerce").astype("float64")
        elif c.sql.startswith("INTEGER"):
            out[c.name] = pd.to_numeric(s, errors="coerce").astype("Int64")
        elif c.sql.startswith(("DATE", "TIMESTAMP")):
            out[c.name] = pd.to_datetime(s, errors="coerce").astype("datetime64[ns]")
        else:
            out[c.name] = pd.Series([None if v is None or (isinstance(v, float) and math.isnan(v)) else str(v)
                                     for v in s], dtype=object)
    return out


def open_store(url: str | Path | None = None, *, migrate: bool = True, create: bool = True) -> Store:
    """Open the store at ``url`` and bring its schema up to date; ``create=False``: a DuckDB
    file that does not exist yet is an error instead of a new, empty store."""
    url = str(url) if url is not None else DEFAULT_STORE
    kind, target = _kind(url)
    if kind == "duckdb" and not create and not Path(target).expanduser().exists():
        raise StoreError(f"{url}: no such store — give the file your refreshes saved to "
                         "(xlcrm refresh ... --store FILE)")
    if kind == "duckdb":
        store = Store(url, kind, _connect_duckdb(url, target))
    else:
        store = Store(url, kind, _connect_postgresql(url))
    if migrate:
        try:
            store.migrate()
        except BaseException:
            store.close()
            raise
    return store


def _need(module: str) -> Any:
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError:
        raise StoreError(f'--store needs the {module} package — install it with: pip install "xlcrm[hq]"') from None


def _connect_duckdb(url: str, target: str) -> Any:
    duckdb = _need("duckdb")

    path = Path(target).expanduser()
    if not path.parent.exists():
        raise StoreError(f"{url}: the folder {path.parent} does not exist — create it or give another path")
    try:
        return duckdb.connect(str(path))
    except duckdb.IOException as exc:
        msg = str(exc)
        if "lock" in msg.lower():
            raise StoreError(f"{url}: another program has the store open ({msg.splitlines()[0]}) — wait for "
                             "it to finish, or use PostgreSQL for stores several machines write at once") from None
        raise StoreError(f"{url}: cannot open the DuckDB store ({msg.splitlines()[0]}) — check the path and "
                         "that you may write there") from None
    except duckdb.Error as exc:
        raise StoreError(f"{url}: not a DuckDB store ({str(exc).splitlines()[0]}) — give a new file name "
                         "or an existing xlcrm.duckdb") from None


def _connect_postgresql(url: str) -> Any:
    psycopg = _need("psycopg")

    try:
        return psycopg.connect(url, connect_timeout=10, autocommit=True)
    except psycopg.Error as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise StoreError(f"{redact(url)}: cannot connect to PostgreSQL ({first}) — check the host, port, "
                         "database, user and password, and that the server is running") from None
