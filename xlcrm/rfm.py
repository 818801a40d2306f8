"""RFM scores and the eight widely used RFM segments.

Scores 1-5 by rank (quintiles): each value is ranked from worst to best, ties share the
lowest rank of their group (pandas ``rank(method="min")``), and

    score = floor(5 x (rank - 1) / n) + 1

so with n distinct values each fifth gets one score, equal values always get the same
score (deterministic, no arbitrary tie split), and n = 1 gives 1. Recency: fewer days
since the last order is better; frequency and monetary: more is better.

Segments: each score is High when it is *above* the mean of that score over the
customers scored, else Low (a score equal to the mean is Low):

    R F M   segment (zh)        code
    H H H   重要价值客户          Important Value
    H L H   重要发展客户          Important Development
    L H H   重要保持客户          Important Retention
    L L H   重要挽留客户          Important Win-back
    H H L   一般价值客户          General Value
    H L L   一般发展客户          General Development
    L H L   一般保持客户          General Retention
    L L L   一般挽留客户          General Win-back
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from xlcrm.pyramid import flatten  # an Excel range arrives 2-D

SEGMENTS: dict[tuple[bool, bool, bool], str] = {
    (True, True, True): "Important Value",
    (True, False, True): "Important Development",
    (False, True, True): "Important Retention",
    (False, False, True): "Important Win-back",
    (True, True, False): "General Value",
    (True, False, False): "General Development",
    (False, True, False): "General Retention",
    (False, False, False): "General Win-back",
}


def quintile_scores(values: Iterable[Any], *, higher_is_better: bool = True) -> pd.Series:
    """1-5 by rank; missing values get <NA>."""
    s = pd.to_numeric(pd.Series(values if isinstance(values, pd.Series) else list(values), dtype=object),
                      errors="coerce").astype(float)
    key = s if higher_is_better else -s
    rank = key.rank(method="min", na_option="keep")
    n = int(s.notna().sum())
    out = pd.Series(pd.NA, index=s.index, dtype="Int64")
    if n:
        ok = rank.notna()
        out[ok] = ((rank[ok].to_numpy(dtype=np.int64) - 1) * 5 // n + 1)
    return out


def rfm_scores(recency_days: Iterable[Any], frequency: Iterable[Any], monetary: Iterable[Any]) -> pd.DataFrame:
    """Columns r, f, m (1-5), rfm ("543") and segment (English code, see module docstring).

    The index is that of ``recency_days`` when it is a Series, else 0..n-1. A row with any
    input missing gets <NA> scores and empty code and segment (and is left out of the means).
    """
    index = recency_days.index if isinstance(recency_days, pd.Series) else None
    rec = pd.Series(flatten(recency_days), dtype=object)
    freq = pd.Series(flatten(frequency), dtype=object)
    mon = pd.Series(flatten(monetary), dtype=object)
    if not len(rec) == len(freq) == len(mon):
        raise ValueError(f"recency ({len(rec)}), frequency ({len(freq)}) and monetary ({len(mon)}) "
                         "must have one value per customer")
    num = pd.DataFrame({"r": rec, "f": freq, "m": mon}).apply(pd.to_numeric, errors="coerce").astype(float)
    complete = num.notna().all(axis=1)
    out = pd.DataFrame({"r": pd.Series(pd.NA, index=num.index, dtype="Int64"),
                        "f": pd.Series(pd.NA, index=num.index, dtype="Int64"),
                        "m": pd.Series(pd.NA, index=num.index, dtype="Int64"),
                        "rfm": "", "segment": ""}, index=num.index)
    if complete.any():
        sub = num[complete]
        r = quintile_scores(sub["r"], higher_is_better=False)
        f = quintile_scores(sub["f"])
        m = quintile_scores(sub["m"])
        out.loc[complete, "r"] = r
        out.loc[complete, "f"] = f
        out.loc[complete, "m"] = m
        out.loc[complete, "rfm"] = r.astype(str) + f.astype(str) + m.astype(str)
        rh = (r.astype(float) > r.astype(float).mean()).to_numpy()
        fh = (f.astype(float) > f.astype(float).mean()).to_numpy()
        mh = (m.astype(float) > m.astype(float).mean()).to_numpy()
        names = np.array([SEGMENTS[(bool(i & 4), bool(i & 2), bool(i & 1))] for i in range(8)], dtype=object)
        out.loc[complete, "segment"] = names[rh * 4 + fh * 2 + mh * 1]
    if index is not None:
        out.index = index
    return out
