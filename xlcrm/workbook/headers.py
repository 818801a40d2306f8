"""Find a table's header row and map its headers to the canonical fields of ``xlcrm.schema``.

A header matches a field when both normalise to the same key: case, spaces, full-width
forms, punctuation, a trailing ``*`` and bracketed units (``金额(元)``, ``（万元）``,
``[RMB]``) do not matter. Every row near the top of a sheet is tried as the header row of
every role; the best scoring (role, row) wins. Merged cells are filled across their range
first, and a merged group title above sub-headers is tried as a prefix of each
sub-header (``客户`` over ``编号 | 名称`` -> ``客户编号``, ``客户名称``).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any

from xlcrm import schema
from xlcrm.schema import Field
from xlcrm.workbook.families import FAMILY_RANK, family_match

__all__ = [
    "FAMILY_RANK",
    "HEADER_SCAN_ROWS",
    "USER_RANK",
    "HeaderMatch",
    "fill_merged",
    "find_header",
    "match_field",
    "normalise_header",
    "partial_match",
    "qualifies",
    "role_fields",
]

USER_RANK = -1000  # a header the user mapped on the settings sheet beats every alias
HEADER_SCAN_ROWS = 30  # headers sit within the first rows; title and note rows come above

_BRACKETS = re.compile(r"\([^()]*\)|\[[^\[\]]*\]|【[^【】]*】|〔[^〔〕]*〕|<[^<>]*>")
_UNIT_SUFFIX = re.compile(r"(?i)(/|／|:|：)?\s*(元|万元|千元|rmb|cny|usd|¥|\$|%|件|个|kg|pcs)\s*$")
_PUNCT = re.compile(r"[\s_\-.:：,，;；'\"`*#№/\\|?？!！、·]+")


@lru_cache(maxsize=4096)
def normalise_header(text: str) -> str:
    """The key a header is matched by."""
    s = unicodedata.normalize("NFKC", str(text)).strip().lower()
    s = s.replace("\n", " ")
    stripped = _BRACKETS.sub(" ", s).strip()
    # A header that is only a bracket ("【金额】") keeps its words.
    s = stripped if stripped else re.sub(r"[()\[\]【】〔〕<>]", "", s)
    s = s.strip(" *:")
    s = re.sub(r"\s*[#№]\s*$", " no", s)  # "Customer #" names the number, like "Customer No."
    s2 = _UNIT_SUFFIX.sub("", s).strip()
    if s2:
        s = s2
    return _PUNCT.sub("", s)


def role_fields(role: str) -> tuple[Field, ...]:
    if role == "history":
        return schema.HISTORY_FIELDS
    return schema.ROLES[role]


@cache
def _alias_index(role: str) -> dict[str, tuple[str, int]]:
    """normalised alias -> (field key, rank); rank 0 is the most specific (the display name)."""
    index: dict[str, tuple[str, int]] = {}
    for f in role_fields(role):
        for rank, alias in enumerate(f.aliases):
            key = normalise_header(alias)
            if alias in f.prefer:
                rank = f.prefer.index(alias) - len(f.prefer)  # ahead of every other alias
            # First field listing an alias keeps it: field order in schema breaks ties.
            if key and (key not in index or index[key][1] > rank):
                index[key] = (f.key, rank)
    return index


def match_field(header: Any, role: str, user: dict[str, str] | None = None) -> tuple[str, int] | None:
    """(field key, rank) a header names in ``role``, or None.

    ``user`` (normalised header -> field key, the settings' column mapping) wins over the
    aliases; an alias wins over a family match (rank ``FAMILY_RANK``), which only a
    content check (``sniff``) confirms.
    """
    if header is None:
        return None
    text = str(header).strip()
    if not text:
        return None
    key = normalise_header(text)
    if user and key in user and user[key] in _field_keys(role):
        return user[key], USER_RANK
    hit = _alias_index(role).get(key)
    if hit is not None:
        return hit
    fam = family_match(key, role)
    return (fam, FAMILY_RANK) if fam is not None else None


@cache
def _field_keys(role: str) -> frozenset[str]:
    return frozenset(f.key for f in role_fields(role))


@dataclass
class HeaderMatch:
    role: str
    row: int  # 0-based index into the grid of the (lowest) header row
    columns: dict[int, str]  # 0-based column index -> field key
    headers: dict[int, str]  # 0-based column index -> header text as shown
    score: float = 0.0
    all_headers: dict[int, str] = field(default_factory=dict)  # every non-blank header cell
    # field -> every column that could be it, best rank first: (rank, column, header as shown).
    # ``columns`` holds the first of each; ``sniff.choose`` may move a field to a runner-up.
    candidates: dict[str, list[tuple[int, int, str]]] = field(default_factory=dict)

    @property
    def fields(self) -> set[str]:
        return set(self.columns.values())


def fill_merged(grid: list[list[Any]], merged: Iterable[tuple[int, int, int, int]]) -> list[list[Any]]:
    """A copy of ``grid`` (0-based) with each merged range's top-left value over its range.

    ``merged`` is 0-based (r1, c1, r2, c2) inclusive, relative to the grid.
    """
    out = [list(r) for r in grid]
    for r1, c1, r2, c2 in merged:
        if r1 < 0 or c1 < 0 or r1 >= len(out):
            continue
        row = out[r1]
        v = row[c1] if c1 < len(row) else None
        for r in range(r1, min(r2, len(out) - 1) + 1):
            cur = out[r]
            if len(cur) <= c2:
                cur.extend([None] * (c2 + 1 - len(cur)))
            for c in range(c1, c2 + 1):
                cur[c] = v
    return out


def _text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return "" if math.isnan(v) else (str(int(v)) if v.is_integer() else str(v))
    return str(v).strip()


# Which fields a role must have to be recognised at all.
def qualifies(role: str, f: set[str]) -> bool:
    cust = bool(f & {"customer_id", "customer_name"})
    if role == "orders":
        return "order_date" in f and bool(f & {"amount", "unit_price", "quantity", "customer_id",
                                               "customer_name", "order_id", "product"})
    if role == "region_reps":
        return f == {"region", "rep"}
    if role == "order_lines":
        return ("order_id" in f and ("amount" in f or {"unit_price", "quantity"} <= f)
                and "order_date" not in f and not f & {"customer_id", "customer_name"})
    if role == "deliveries":
        return bool(f & {"ship_date", "received_date", "signed"}) and bool(
            f & {"quantity", "returned_qty", "signed", "delivery_id", "ordered_qty", "received_date"})
    if role == "customers":
        return cust and len(f) >= 3
    if role == "complaints":
        return "received" in f and bool(f & {"content", "category", "complaint_id", "severity"})
    if role == "visits":
        return "visit_date" in f and cust and bool(f & {"visit_type", "purpose", "result"})
    if role == "settings":
        return {"key", "value"} <= f
    if role == "history":
        return "customer_key" in f or "customer_id" in f
    return False


def _map_row(cells: Sequence[str], groups: Sequence[str] | None, role: str,
             user: dict[str, str] | None = None) -> tuple[dict[int, str], dict[int, str], dict[str, list]]:
    """Map one candidate header row; each field goes to its most specific column, the others
    stay candidates. A column names one field (its best-ranked match)."""
    cands: dict[str, list[tuple[int, int, str]]] = {}
    for c, text in enumerate(cells):
        cand: list[tuple[str, str]] = []
        g = groups[c] if groups is not None and c < len(groups) else ""
        if text:
            cand.append((text, text))
            if g and g != text:
                cand.append((g + text, f"{g} {text}"))
        elif g:
            cand.append((g, g))
        for probe, label in cand:
            m = match_field(probe, role, user)
            if m is None:
                continue
            key, rank = m
            cands.setdefault(key, []).append((rank, c, label))
            break
    for lst in cands.values():
        lst.sort()
    columns = {lst[0][1]: key for key, lst in cands.items()}
    shown = {lst[0][1]: lst[0][2] for lst in cands.values()}
    return columns, shown, cands


def _hint(role: str, sheet: str) -> bool:
    name = sheet.lower()
    return any(h in name for h in schema.ROLE_SHEET_HINTS.get(role, ()))


def find_header(grid: list[list[Any]], merged: Iterable[tuple[int, int, int, int]] = (),
                sheet: str = "", roles: Iterable[str] | None = None,
                user: dict[str, str] | None = None) -> HeaderMatch | None:
    """The best (role, header row) among the first rows of ``grid``, or None.

    ``grid`` holds the top rows as loaded (0-based); ``merged`` is 0-based and relative to it.
    """
    top = fill_merged(grid[:HEADER_SCAN_ROWS], list(merged))
    # Rows spanned by a horizontal merge: candidates for a group title above sub-headers.
    group_rows = {r1 for r1, c1, r2, c2 in merged if c2 > c1 and r1 < len(top)}
    texts = [[_text(v) for v in row] for row in top]
    roles = list(roles) if roles is not None else list(schema.ROLES)
    best: HeaderMatch | None = None
    for r, cells in enumerate(texts):
        if sum(1 for t in cells if t) < 2:
            continue
        group_opts: list[list[str] | None] = [None]
        if r - 1 in group_rows:
            group_opts.append(texts[r - 1])
        for role in roles:
            for groups in group_opts:
                cols, shown, cands = _map_row(cells, groups, role, user)
                fset = set(cols.values())
                if not qualifies(role, fset):
                    continue
                # Matched columns (a family match counts half), a little for a telling sheet
                # name, a little for fewer unmatched.
                nonblank = sum(1 for t in cells if t)
                weak = sum(1 for lst in cands.values() if lst[0][0] >= FAMILY_RANK)
                score = len(cols) - 0.5 * weak + (0.5 if _hint(role, sheet) else 0.0) - 0.01 * (nonblank - len(cols))
                if best is None or score > best.score + 1e-9:
                    heads = {c: t for c, t in enumerate(cells) if t}
                    if groups is not None:
                        heads.update({c: shown[c] for c in shown})
                    best = HeaderMatch(role, r, cols, shown, score, heads, cands)
    return best


def partial_match(grid: list[list[Any]], merged: Iterable[tuple[int, int, int, int]] = (), role: str = "orders",
                  user: dict[str, str] | None = None) -> tuple[set[str], list[str]]:
    """(fields, other headers) of the row among the first ones that names most fields of
    ``role``, qualified or not: what a refusal says was found on a sheet that is almost that table."""
    top = fill_merged(grid[:HEADER_SCAN_ROWS], list(merged))
    best: tuple[set[str], list[str]] = (set(), [])
    for row in top:
        cells = [_text(v) for v in row]
        if sum(1 for t in cells if t) < 2:
            continue
        cols, _, _ = _map_row(cells, None, role, user)
        if len(cols) > len(best[0]):
            best = (set(cols.values()), [t for c, t in enumerate(cells) if t and c not in cols])
    return best
