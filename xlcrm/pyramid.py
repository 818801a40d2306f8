"""The value pyramid (客户金字塔) and ABC classes on plain vectors.

Textbook (seeds/003, 客户金字塔模型): rank customers by the profit/value they bring;
重要客户 = the top 1%, 主要客户 = the rest of the top 20% (19%), 普通客户 = the rest of
the top 50% (30%), 小客户 = the bottom 50%.

Counts: with n ranked customers, the first ceil(key_share x n) are Key, positions up to
ceil(major_share x n) Major, up to ceil(regular_share x n) Regular, the rest Small. So
n=1 gives one Key; n=100 gives 1/19/30/50; n=101 gives 2/19/30/50 (ceil(1.01)=2,
ceil(20.2)=21, ceil(50.5)=51).

Order: value descending, then revenue descending, then customer ID ascending (IDs that
are whole numbers compare as numbers, so "9" comes before "10"; other IDs as text).

ABC: customers in the same order; a customer is A if the cumulative share of value of
the customers ranked *before* it is below abc_a_share (80%), B if below abc_b_share
(95%), else C. So the top customer is always A, and the customer that crosses 80% is A
too. Customers with equal value get the class of the first of them (no split ties).
Negative values count as zero in the shares (a loss-making customer adds no share).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from xlcrm.settings import Settings

TIERS: tuple[str, ...] = ("Key", "Major", "Regular", "Small")
TIER_RANK: dict[str, int] = {t: i for i, t in enumerate(TIERS)}  # 0 = top


def _ceil_share(share: float, n: int) -> int:
    # round() first: 0.07 * 100 is 7.000000000000001 in floating point, and ceil must give 7.
    return min(n, max(0, math.ceil(round(float(share) * n, 9))))


def tier_counts(n: int, settings: Settings | None = None) -> dict[str, int]:
    """How many of n ranked customers fall in each tier (ceil of the cumulative shares)."""
    s = settings or Settings()
    key = _ceil_share(s.tier_key_share, n)
    major = max(key, _ceil_share(s.tier_major_share, n))
    regular = max(major, _ceil_share(s.tier_regular_share, n))
    return {"Key": key, "Major": major - key, "Regular": regular - major, "Small": n - regular}


def _natural(value: Any) -> tuple[int, float, str]:
    text = "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)
    if re.fullmatch(r"\s*-?\d+(\.\d+)?\s*", text):
        return (0, float(text), text)
    return (1, 0.0, text)


def id_order(ids: Sequence[Any]) -> np.ndarray:
    """Position of each ID in ascending natural order (0 = first)."""
    order = sorted(range(len(ids)), key=lambda i: _natural(ids[i]))
    pos = np.empty(len(ids), dtype=np.int64)
    pos[np.asarray(order, dtype=np.int64)] = np.arange(len(ids))
    return pos


def rank_order(values: np.ndarray, revenue: np.ndarray, id_pos: np.ndarray) -> np.ndarray:
    """Indices sorted by value desc, revenue desc, ID asc (NaN revenue counts as 0)."""
    rev = np.nan_to_num(np.asarray(revenue, dtype=float), nan=0.0)
    # lexsort: the last key is the primary one.
    return np.lexsort((id_pos, -rev, -np.asarray(values, dtype=float)))


def tiers_in_order(n: int, settings: Settings | None = None) -> np.ndarray:
    """Tier codes for positions 0..n-1 of the ranking."""
    counts = tier_counts(n, settings)
    return np.repeat(np.array(TIERS, dtype=object), [counts[t] for t in TIERS])


def flatten(values: Iterable[Any]) -> list[Any]:
    """A flat list; a 2-D range as xlwings passes it ([[1], [2]] or [[1, 2]]) is flattened row by row."""
    out: list[Any] = []
    for v in values:
        if isinstance(v, (list, tuple)):
            out.extend(v)
        else:
            out.append(v)
    return out


def _vector(values: Iterable[Any]) -> np.ndarray:
    return pd.to_numeric(pd.Series(flatten(values), dtype=object), errors="coerce").to_numpy(dtype=float)


def assign_tiers(values: Iterable[Any], revenue: Iterable[Any] | None = None,
                 ids: Iterable[Any] | None = None, *, settings: Settings | None = None) -> list[str | None]:
    """The pyramid on plain vectors: a tier code per value, None where the value is missing.

    Inputs may be flat or 2-D (an Excel range as xlwings passes it, flattened row by row);
    text that is not a number counts as missing.

    ``revenue`` and ``ids`` break ties (value desc, revenue desc, ID asc); without IDs the
    earlier position wins.
    """
    v = _vector(values)
    n_all = len(v)
    rev = _vector(revenue) if revenue is not None else np.zeros(n_all)
    if len(rev) != n_all:
        raise ValueError(f"revenue has {len(rev)} values but values has {n_all}: give one revenue per value")
    id_list = flatten(ids) if ids is not None else list(range(n_all))
    if len(id_list) != n_all:
        raise ValueError(f"ids has {len(id_list)} values but values has {n_all}: give one ID per value")
    present = np.flatnonzero(~np.isnan(v))
    out: list[str | None] = [None] * n_all
    if len(present) == 0:
        return out
    pos = id_order([id_list[i] for i in present])
    order = rank_order(v[present], rev[present], pos)
    tiers = tiers_in_order(len(present), settings)
    for rank, idx in enumerate(order):
        out[int(present[idx])] = str(tiers[rank])
    return out


def abc_in_order(sorted_values: np.ndarray, settings: Settings | None = None) -> np.ndarray:
    """ABC codes for values already sorted descending (ties share the class of their first)."""
    s = settings or Settings()
    v = np.clip(np.nan_to_num(np.asarray(sorted_values, dtype=float), nan=0.0), 0.0, None)
    n = len(v)
    if n == 0:
        return np.array([], dtype=object)
    total = v.sum()
    before = np.concatenate(([0.0], np.cumsum(v)[:-1]))
    share_before = before / total if total > 0 else np.where(np.arange(n) == 0, 0.0, 1.0)
    # Equal values share the class of the first of them.
    raw = np.asarray(sorted_values, dtype=float)
    group_start = np.r_[True, raw[1:] != raw[:-1]]
    share_before = share_before[np.maximum.accumulate(np.where(group_start, np.arange(n), 0))]
    return np.where(share_before < s.abc_a_share - 1e-12, "A",
                    np.where(share_before < s.abc_b_share - 1e-12, "B", "C")).astype(object)


def abc_classes(values: Iterable[Any], *, settings: Settings | None = None) -> list[str]:
    """ABC class per value by cumulative share of value; "" where the value is missing."""
    v = _vector(values)
    present = np.flatnonzero(~np.isnan(v))
    out = [""] * len(v)
    order = present[np.argsort(-v[present], kind="stable")]
    for idx, cls in zip(order, abc_in_order(v[order], settings)):
        out[int(idx)] = str(cls)
    return out
