"""Content checks: does a column hold what its header promises?

A header is a claim; the cells below it are the evidence. ``choose`` looks at a sample of
each matched column and keeps a header match only when the cells fit its field (dates
parse as dates, amounts as numbers, a customer is not a column of dates), moving the
field to the runner-up column when the first choice does not fit. Every field that had
more than one candidate column gets a ``Choice`` for the "how I read it" report.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from xlcrm.workbook import cells as C
from xlcrm.workbook.families import FAMILY_RANK
from xlcrm.workbook.headers import HeaderMatch, role_fields

__all__ = ["SAMPLE_ROWS", "Choice", "choose", "fit_share"]

SAMPLE_ROWS = 300  # rows below the header looked at per column
MIN_FIT = 0.6  # share of a sample's non-blank cells that must fit the field


@dataclass(frozen=True)
class Choice:
    """Which column became a field when several could, and why."""

    field: str
    header: str  # the column used
    runner_up: str  # the best column not used ("" when none fitted)
    reason: str  # "rule" (alias order), "content" (the first choice's cells did not fit), "mapping"


def fit_share(values: pd.Series, ftype: str, key: str = "") -> float | None:
    """Share of the non-blank cells that fit a field of type ``ftype``; None when all are blank."""
    s = values.reset_index(drop=True)
    if ftype == "date":
        vals, bad = C.parse_dates(s)
        ok = ~np.isnat(vals.to_numpy())
        n = int(ok.sum() + bad.sum())
        return None if n == 0 else float(ok.sum()) / n
    if ftype == "number":
        vals_n, bad = C.parse_numbers(s)
        ok = ~np.isnan(vals_n)
        n = int(ok.sum() + bad.sum())
        return None if n == 0 else float(ok.sum()) / n
    if ftype in ("text", "id"):
        texts = C.normalise_text(s)
        present = np.array([t is not None and t not in C.BLANK_MARKS for t in texts], bool)
        n = int(present.sum())
        if n == 0:
            return None
        if key in ("customer_name", "customer_id", "rep", "product", "order_status", "currency"):
            # A customer (or rep) column that is mostly dates or amounts is not one.
            d, _ = C.parse_dates(s[present])
            dates = int((~np.isnat(d.to_numpy())).sum())
            money = 0
            if key in ("customer_name", "rep", "product", "order_status", "currency"):
                num, _ = C.parse_numbers(s[present])
                money = int(np.sum(~np.isnan(num) & (np.mod(np.nan_to_num(num), 1) != 0)))
            return 1.0 - (dates + money) / n
        return 1.0
    return 1.0


def _fits(df: pd.DataFrame, start: int, col: int, ftype: str, key: str) -> bool:
    if col not in df.columns:
        return True
    # A plain object sample: pandas' per-call overhead on Arrow strings dwarfs 300 cells.
    sample = pd.Series(df[col].iloc[start:start + SAMPLE_ROWS].to_numpy(dtype=object), dtype=object)
    share = fit_share(sample, ftype, key)
    return share is None or share >= MIN_FIT


def choose(hm: HeaderMatch, df: pd.DataFrame, user_fields: set[str] | frozenset[str] = frozenset()) -> tuple[
        HeaderMatch, list[Choice]]:
    """``hm`` with each field on a column whose content fits, and the choices made.

    A field the user mapped is never second-guessed. An alias match is kept unless its
    cells do not fit and a runner-up's do; a family match (a header no alias names) is
    kept only when its cells fit.
    """
    types = {f.key: f.type for f in role_fields(hm.role)}
    start = hm.row + 1
    columns: dict[int, str] = {}
    shown: dict[int, str] = {}
    choices: list[Choice] = []
    used: set[int] = set()
    for key, cands in hm.candidates.items():
        ftype = types.get(key, "text")
        picked: tuple[int, int, str] | None = None
        reason = "rule"
        first = cands[0]
        if first[0] < 0 and key in user_fields:
            picked, reason = first, "mapping"
        elif len(cands) == 1 and first[0] < FAMILY_RANK and first[1] not in used:
            picked = first  # one alias match: nothing to choose, the gates judge its cells
        else:
            fits = [c for c in cands if c[1] not in used and _fits(df, start, c[1], ftype, key)]
            if fits and fits[0] is not first:
                reason = "content"
            if fits:
                picked = fits[0]
            elif first[0] < FAMILY_RANK and first[1] not in used:
                picked = first  # an alias whose cells do not fit: the gates will name the column
        if picked is None:
            continue
        columns[picked[1]] = key
        shown[picked[1]] = picked[2]
        used.add(picked[1])
        others = [c for c in cands if c is not picked]
        if len(cands) > 1 or reason != "rule":
            choices.append(Choice(key, picked[2], others[0][2] if others else "", reason))
    return replace(hm, columns=columns, headers=shown), choices


def describe(choice: Choice, lang: str) -> str:
    """One line for the "how I read it" report."""
    from xlcrm import i18n

    if choice.reason == "mapping":
        return i18n.t(lang, "{f}: {h} (column mapping)", "{f}: {h}（字段映射）", f=choice.field, h=choice.header)
    if choice.reason == "content":
        return i18n.t(lang, "{f}: {h} (the cells of {r} do not fit)", "{f}: {h}（{r} 的内容不符）",
                      f=choice.field, h=choice.header, r=choice.runner_up or "-")
    return i18n.t(lang, "{f}: {h} over {r}", "{f}: 选用 {h}，未用 {r}", f=choice.field, h=choice.header,
                  r=choice.runner_up or "-")


def typical_bad(values: Any, bad: np.ndarray) -> str:
    """The most common unreadable value of a column, as quoted in a one-line refusal."""
    idx = np.flatnonzero(bad)
    if not len(idx):
        return ""
    vals = pd.Series([C.text_of(values.iat[i]) for i in idx[:5000]], dtype=object)
    return str(vals.value_counts().index[0])
