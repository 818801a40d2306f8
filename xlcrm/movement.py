"""Movement between classes (seeds/003: classes are fluid, "用动态的眼光"): the history of
snapshots kept in the workbook, who moved up or down, and the migration table.

The history sheet holds one row per customer per refresh (asof, customer_key,
customer_id, lifecycle, tier, abc). The previous snapshot of a refresh is the latest one
dated *before* its as-of date (a re-run on the same date replaces, not compares).
History read back from a zh workbook holds displayed values (重要客户); they are turned
back into codes with ``i18n.code``.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from xlcrm import i18n
from xlcrm.model import Column, Lang
from xlcrm.pyramid import TIER_RANK, TIERS
from xlcrm.schema import HISTORY_FIELDS
from xlcrm.settings import Settings

_CODED = {"lifecycle", "tier"}
HISTORY_COLUMNS: list[Column] = [
    Column(f.key, f.en, f.zh, "date" if f.key == "asof" else "text", coded=f.key in _CODED)
    for f in HISTORY_FIELDS
]
_HISTORY_KEYS = [c.key for c in HISTORY_COLUMNS]
EXCEL_MAX_ROWS = 1_048_575  # one header row in a 1,048,576-row sheet


def _blank(x: object) -> bool:
    return x is None or x is pd.NA or (isinstance(x, float) and np.isnan(x)) or (isinstance(x, str) and not x.strip())


def normalize_history(history: pd.DataFrame | None) -> pd.DataFrame:
    """History with the canonical columns, datetime asof, str keys and English codes."""
    if history is None or len(history) == 0:
        return pd.DataFrame({k: pd.Series(dtype="datetime64[ns]" if k == "asof" else object)
                             for k in _HISTORY_KEYS})
    h = history.copy()
    for k in _HISTORY_KEYS:
        if k not in h:
            h[k] = None
    h = h[_HISTORY_KEYS]
    h["asof"] = pd.to_datetime(h["asof"], errors="coerce").dt.normalize().astype("datetime64[ns]")
    h = h[h["asof"].notna() & h["customer_key"].notna()]
    h["customer_key"] = h["customer_key"].astype(str)
    for k in ("lifecycle", "tier", "abc"):
        h[k] = _codes(h[k].to_numpy(object))
    return h.reset_index(drop=True)


def _codes(values: np.ndarray) -> np.ndarray:
    """``None if _blank(v) else i18n.code(v)`` for each value, each distinct text once (the
    history sheet of a 100k-customer book holds up to a million rows of a dozen words)."""
    out = np.empty(len(values), dtype=object)
    is_str = np.fromiter((isinstance(v, str) for v in values), bool, len(values))
    if is_str.any():
        codes, uniq = pd.factorize(values[is_str])
        out[is_str] = np.array([None if _blank(u) else i18n.code(u) for u in uniq] + [None], dtype=object)[codes]
    for i in np.flatnonzero(~is_str):
        v = values[i]
        out[i] = None if _blank(v) else i18n.code(v)
    return out


def previous_snapshot(history: pd.DataFrame | None, asof: dt.date) -> tuple[pd.DataFrame, pd.Timestamp | None]:
    """The latest snapshot before as-of, indexed by customer_key (tier, lifecycle, abc), and its date."""
    h = normalize_history(history)
    h = h[h["asof"] < pd.Timestamp(asof)]
    if h.empty:
        return pd.DataFrame(columns=["tier", "lifecycle", "abc"], index=pd.Index([], name="customer_key")), None
    last = h["asof"].max()
    snap = h[h["asof"] == last].drop_duplicates("customer_key", keep="last").set_index("customer_key")
    return snap[["tier", "lifecycle", "abc"]], last


def tier_change(prev: pd.Series, now: pd.Series) -> pd.Series:
    """Up/Down/Same/Entered/Left per customer; "" when neither snapshot has a tier."""
    p = prev.map(lambda x: TIER_RANK.get(x, -1) if isinstance(x, str) else -1).to_numpy()
    c = now.map(lambda x: TIER_RANK.get(x, -1) if isinstance(x, str) else -1).to_numpy()
    out = np.select([(p < 0) & (c < 0), p < 0, c < 0, c < p, c > p], ["", "Entered", "Left", "Up", "Down"], "Same")
    return pd.Series(out, index=now.index, dtype=object)


MIGRATION_COLUMNS: list[Column] = (
    [Column("tier_prev", "Previous Tier \\ Current Tier", "上期等级＼本期等级", coded=True)]
    + [Column(t, t, i18n.VALUES[t], "int") for t in TIERS]
    + [Column("none", "No Tier", "无等级", "int"), Column("total", "Total", "合计", "int")]
)


def migration(customers: pd.DataFrame, lang: Lang) -> pd.DataFrame:
    """Previous tier (rows, incl. no tier) x current tier (columns, incl. no tier): counts."""
    none = i18n.t(lang, "(no tier)", "（无等级）")
    levels = list(TIERS) + ["none"]
    prev = customers["tier_prev"].map(lambda x: x if x in TIER_RANK else "none")
    now = customers["tier"].map(lambda x: x if x in TIER_RANK else "none")
    table = pd.crosstab(pd.Categorical(prev, categories=levels), pd.Categorical(now, categories=levels),
                        dropna=False)
    table = table.reindex(index=levels, columns=levels, fill_value=0).astype(np.int64)
    table["total"] = table.sum(axis=1)
    table.index = [none if k == "none" else k for k in levels]
    table.columns = [*levels[:-1], "none", "total"]
    out = table.reset_index(names="tier_prev")
    return out[[c.key for c in MIGRATION_COLUMNS]]


def update_history(previous: pd.DataFrame | None, customers: pd.DataFrame, asof: dt.date,
                   settings: Settings) -> pd.DataFrame:
    """Earlier snapshots plus this one (a snapshot of the same as-of date is replaced), keeping
    the last ``history_keep`` snapshots (this one included) and no more rows than an Excel
    sheet holds (older snapshots go first)."""
    return history_update(previous, customers, asof, settings)[0]


def history_update(previous: pd.DataFrame | None, customers: pd.DataFrame, asof: dt.date,
                   settings: Settings) -> tuple[pd.DataFrame, list[pd.Timestamp]]:
    """``update_history`` and the dates of the snapshots left out only because the sheet would
    otherwise pass Excel's row limit (the refresh says so; ``--store`` keeps them all)."""
    asof_ts = pd.Timestamp(asof).normalize()
    snap = pd.DataFrame({
        "asof": asof_ts,
        "customer_key": customers.index.astype(str),
        "customer_id": customers["customer_id"].to_numpy() if "customer_id" in customers else customers.index,
        "lifecycle": customers["lifecycle"].to_numpy(),
        "tier": customers["tier"].to_numpy(),
        "abc": customers["abc"].to_numpy(),
    })
    for k in ("lifecycle", "tier", "abc"):
        snap[k] = [None if _blank(v) else v for v in snap[k]]
    snap["asof"] = snap["asof"].astype("datetime64[ns]")
    prev = normalize_history(previous)
    prev = prev[prev["asof"] != asof_ts]
    out = pd.concat([prev, snap], ignore_index=True) if len(prev) else snap
    dates = sorted(out["asof"].unique())[-max(1, int(settings.history_keep)):]
    counts = out["asof"].value_counts()
    dropped = []
    while len(dates) > 1 and sum(int(counts[d]) for d in dates) > EXCEL_MAX_ROWS:
        dropped.append(pd.Timestamp(dates[0]))
        dates = dates[1:]
    out = out[out["asof"].isin(dates)].sort_values(["asof", "customer_key"], kind="stable")
    return out.reset_index(drop=True)[_HISTORY_KEYS], dropped
