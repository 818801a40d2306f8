"""Read the workbook a sales office keeps into clean ``Frames``.

``read_sheets`` is the engine: it takes each sheet's cells as loaded (``RawSheet``),
finds the table by its headers (``headers.find_header``), drops title/note/blank/totals
lines, parses text numbers and dates (``cells``) and reports every cell it cannot read as
an ``Issue`` at its Excel address. ``read_workbook`` loads a file's sheets with fastexcel
(python-calamine as the alternative engine) and feeds them to the engine.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from xlcrm import i18n
from xlcrm.errors import NoCustomerColumn, NoOrderTable, XlcrmError
from xlcrm.model import Frames, Issue, Lang
from xlcrm.schema import Field
from xlcrm.workbook import cells as C
from xlcrm.workbook.headers import (FAMILY_RANK, HEADER_SCAN_ROWS, HeaderMatch, find_header, partial_match,
                                    qualifies, role_fields)
from xlcrm.settings import Settings
from xlcrm.workbook import amounts, gates, joins
from xlcrm.workbook import mapping as colmap
from xlcrm.workbook.sniff import Choice, choose, describe, typical_bad

__all__ = [
    "MAX_ISSUES_PER_COLUMN",
    "RawSheet",
    "ColumnStat",
    "ReadResult",
    "SheetReport",
    "load_sheets",
    "read_sheets",
    "read_workbook",
]

is_total_text = C.is_total_text  # re-exported: the pipeline and tests ask the reader what a totals line is

log = logging.getLogger(__name__)

MAX_ISSUES_PER_COLUMN = 1000  # beyond this one summary issue per column: a list of 1M rows helps no one

_CUSTOMER_ROLES = ("orders", "deliveries", "customers", "complaints", "visits")
_FRAME_ROLES = ("orders", "deliveries", "customers", "complaints", "visits")
_MONEY = {"amount", "unit_price", "cost", "profit", "credit_limit"}
_QTY = {"quantity", "ordered_qty", "returned_qty"}


@dataclass
class RawSheet:
    """One sheet's cells as loaded, before any cleaning."""

    name: str
    rows: list[list[Any]] | pd.DataFrame  # values by position; row 0 is Excel row ``first_row``
    first_row: int = 1
    first_col: int = 1
    merged: list[tuple[int, int, int, int]] | tuple = ()  # (row1, col1, row2, col2), 1-based, inclusive
    date1904: bool = False


@dataclass
class SheetReport:
    sheet: str
    role: str  # orders, deliveries, customers, complaints, visits, settings, history, ignored, xlcrm
    header_row: int  # 1-based Excel row of the header (0 when none)
    rows: int  # data rows kept
    skipped: int  # lines left out without an issue: totals, notes
    mapping: dict[str, str]  # header as shown -> field key
    unmapped: list[str]  # headers that became no field
    letters: dict[str, str] = field(default_factory=dict)  # field key -> column letter ("received" -> "B")
    # Rows left out, by reason: totals, notes, no_customer, no_date, bad_date, excluded_status,
    # no_rate, duplicate_sheet (a copy of another sheet), ...
    dropped: dict[str, int] = field(default_factory=dict)
    choices: list[str] = field(default_factory=list)  # "amount: 实收金额 over 应收金额" (how a field was chosen)
    parsed: dict[str, ColumnStat] = field(default_factory=dict)  # date/number field -> how its cells parsed
    notes: list[str] = field(default_factory=list)  # what was left out or converted, in the user's words


@dataclass
class ColumnStat:
    """How one date or number column parsed: the gates judge a read by these."""

    header: str
    letter: str
    filled: int  # cells holding something
    bad: int  # of those, cells that are not a date / number
    example: str = ""  # the most common unreadable value


@dataclass
class ReadResult:
    frames: Frames
    sheets: list[SheetReport]
    lang: Lang
    settings_cells: dict[str, str]
    markers: list = field(default_factory=list)  # marker.Rejected: _xlcrm_* names ignored (not xlcrm's sheets)
    warnings: list[Issue] = field(default_factory=list)  # loud: printed by the CLI, first on the issues sheet
    currency: str = ""  # ISO code of the amounts (base currency) when the reader could tell


# ---------------------------------------------------------------------------- helpers

def _as_frame(raw: RawSheet) -> pd.DataFrame:
    if isinstance(raw.rows, pd.DataFrame):
        df = raw.rows
        df = df.set_axis(range(df.shape[1]), axis=1)
        return df.reset_index(drop=True)
    rows = raw.rows
    if not rows:
        return pd.DataFrame()
    width = max((len(r) for r in rows), default=0)
    return pd.DataFrame([list(r) + [None] * (width - len(r)) for r in rows], columns=range(width), dtype=object)


def _top_grid(df: pd.DataFrame, n: int) -> list[list[Any]]:
    # Column by column: a frame-wide astype/where costs seconds per thousand Arrow columns
    # (a sheet with one value in column XFD has 16,384 of them).
    top = df.iloc[:n]
    cols = [[None if pd.isna(v) else v for v in s.to_numpy(dtype=object)] for _, s in top.items()]
    return [list(row) for row in zip(*cols)] if cols else [[] for _ in range(len(top))]


def _rel_merges(raw: RawSheet) -> list[tuple[int, int, int, int]]:
    return [(r1 - raw.first_row, c1 - raw.first_col, r2 - raw.first_row, c2 - raw.first_col)
            for r1, c1, r2, c2 in raw.merged]


def _row_texts_have_total(df: pd.DataFrame, rows: np.ndarray) -> np.ndarray:
    out = np.zeros(len(rows), bool)
    if len(rows) == 0:
        return out
    sub = df.iloc[rows]
    for c in sub.columns:
        out |= C.total_mask(sub[c].to_numpy(dtype=object))
    return out


class _IssueSink:
    """Collects issues, capping each column at MAX_ISSUES_PER_COLUMN with one summary line."""

    def __init__(self, lang: Lang) -> None:
        self.lang = lang
        self.issues: list[Issue] = []
        self._count: dict[tuple[str, str], int] = {}
        self._last: dict[tuple[str, str], str] = {}

    def add(self, sheet: str, cell: str, problem: str, fix: str, column: str = "") -> None:
        key = (sheet, column)
        n = self._count.get(key, 0) + 1
        self._count[key] = n
        if not column or n <= MAX_ISSUES_PER_COLUMN:
            self.issues.append(Issue(sheet, cell, problem, fix))
        else:
            self._last[key] = cell

    def finish(self) -> list[Issue]:
        for (sheet, column), n in self._count.items():
            if column and n > MAX_ISSUES_PER_COLUMN:
                more = n - MAX_ISSUES_PER_COLUMN
                self.issues.append(Issue(
                    sheet, f"{column}:{self._last[(sheet, column)]}",
                    i18n.t(self.lang, "{n} more cells in column {c} cannot be read (not listed one by one)",
                           "{c} 列还有 {n} 个单元格无法读取（未逐一列出）", n=more, c=column),
                    i18n.t(self.lang, "fix the cells listed above the same way", "按上面各行的方法修正")))
        return self.issues


def _noun(f: Field, lang: Lang) -> str:
    if f.type == "date":
        return i18n.t(lang, "a date", "日期")
    if f.key in _MONEY:
        return i18n.t(lang, "an amount", "金额")
    if f.key in _QTY:
        return i18n.t(lang, "a quantity", "数量")
    if f.type == "flag":
        return i18n.t(lang, "yes or no", "是/否")
    return i18n.t(lang, "a number", "数字")


def _fix(f: Field, lang: Lang) -> str:
    if f.type == "date":
        return i18n.t(lang, "type a date such as 2024-01-05, or clear the cell",
                      "请填写日期，如 2024-01-05，或清空该单元格")
    if f.type == "flag":
        return i18n.t(lang, "type Yes or No", "请填写“是”或“否”")
    return i18n.t(lang, "type a number such as 1234.50, or clear the cell",
                  "请填写数字，如 1234.50，或清空该单元格")


_EXCEL_ERRORS = frozenset({"#N/A", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!",
                           "#CALC!", "#GETTING_DATA", "#ERROR"})


def _ERROR_FIX(lang: Lang) -> str:
    return i18n.t(lang, "the cell shows an Excel error: correct its formula, or type the value",
                  "该单元格是 Excel 错误值：请修正公式，或直接填写数值")


def _empty_frame(role: str) -> pd.DataFrame:
    cols: dict[str, pd.Series] = {}
    for f in role_fields(role):
        cols[f.key] = pd.Series([], dtype=_dtype(f))
    if role in _CUSTOMER_ROLES:
        cols["customer_key"] = pd.Series([], dtype=object)
    cols["source_sheet"] = pd.Series([], dtype=object)
    cols["source_row"] = pd.Series([], dtype="int64")
    return pd.DataFrame(cols)


def _dtype(f: Field) -> str:
    return {"date": "datetime64[ns]", "number": "float64"}.get(f.type, "object")


# ---------------------------------------------------------------------------- one table

@dataclass(eq=False)  # identity: two sheets may share a name in a foreign package, and frames do not compare
class _Found:
    raw: RawSheet
    df: pd.DataFrame
    match: HeaderMatch | None
    role: str


def _clean_table(found: _Found, sink: _IssueSink, lang: Lang, dropped: dict[str, int],
                 parsed: dict[str, ColumnStat], month_first: bool = False,
                 month_notes: list[str] | None = None) -> tuple[pd.DataFrame, int]:
    """The rows below the header as a frame of canonical fields; returns (frame, skipped).

    ``dropped`` counts the rows left out by reason; ``parsed`` gets how each date and number
    column parsed (for the gates)."""
    raw, df, hm, role = found.raw, found.df, found.match, found.role
    assert hm is not None
    sheet = raw.name
    data = df.iloc[hm.row + 1:]
    n = len(data)
    excel_rows = raw.first_row + hm.row + 1 + np.arange(n)
    fields = {f.key: f for f in role_fields(role)}
    col_of = {key: c for c, key in hm.columns.items()}

    # Merged cells below the header: a merged customer or date applies to each row it spans;
    # a merged amount is counted once (where Excel keeps it).
    data_merges = [m for m in _rel_merges(raw) if m[0] > hm.row]
    cols_data: dict[str, pd.Series] = {}
    for key, c in col_of.items():
        s = data[c].reset_index(drop=True) if c in data.columns else pd.Series([None] * n, dtype=object)
        if data_merges and fields[key].type != "number":
            s = s.astype(object)
            for r1, c1, r2, c2 in data_merges:
                if c1 <= c <= c2 and r1 > hm.row:
                    i1, i2 = r1 - hm.row - 1, min(r2 - hm.row - 1, n - 1)
                    v = df.iat[r1, c1] if c1 in df.columns else None
                    s.iloc[i1:i2 + 1] = v
        cols_data[key] = s

    out: dict[str, Any] = {}
    bad: dict[str, np.ndarray] = {}
    presents: dict[str, np.ndarray] = {}
    month_notes = month_notes if month_notes is not None else []
    blank_all = np.ones(n, bool)
    for key, s in cols_data.items():
        f = fields[key]
        if f.type == "date":
            months: list[int] = []
            vals, b = C.parse_dates(s, date1904=raw.date1904, month_first=month_first, months=months)
            if months:
                month_notes.append(i18n.t(
                    lang, "{h}: {n} dates are months only (e.g. 2024-01): read as the 1st of the month",
                    "{h}：{n} 个日期只有年月（如 2024-01），按当月 1 日计", h=hm.headers.get(col_of[key], key),
                    n=f"{sum(months):,}"))
            out[key] = vals.to_numpy()
            present = ~np.isnat(out[key]) | b
        elif f.type == "number":
            vals_n, b = C.parse_numbers(s)
            out[key] = vals_n
            present = ~np.isnan(vals_n) | b
        elif f.type == "id":
            out[key] = C.parse_ids(s)
            b = np.zeros(n, bool)
            present = ~pd.isna(out[key])
        elif f.type == "flag":
            out[key], b = C.parse_flags(s)
            present = ~pd.isna(out[key]) | b
        else:
            out[key] = C.normalise_text(s)
            b = np.zeros(n, bool)
            present = ~pd.isna(out[key]) & ~pd.Series(out[key], dtype=object).isin(C.BLANK_MARKS).to_numpy()
            out[key] = np.where(present, out[key], None)
        bad[key] = b
        blank_all &= ~present
        presents[key] = present

    keep = ~blank_all
    skipped = 0
    # A row with a readable number or date carries data; one with only text may be a note.
    informative = np.zeros(n, bool)
    for key, v in out.items():
        t = fields[key].type
        if t == "date":
            informative |= ~np.isnat(v)
        elif t == "number":
            informative |= ~np.isnan(v)
    if role in _CUSTOMER_ROLES:
        ids = out.get("customer_id", np.full(n, None, dtype=object))
        names = out.get("customer_name", np.full(n, None, dtype=object))
        # A totals word in the name is a customer (a CRM's test customer "小计") when the row
        # also has a customer ID, or an order ID: totals lines carry neither.
        total_cust = C.total_mask(ids) | (C.total_mask(names) & pd.isna(ids))
        if "order_id" in out:
            total_cust &= pd.isna(out["order_id"])
        no_cust = (pd.isna(ids) & pd.isna(names)) if n else np.zeros(0, bool)
        cand = np.flatnonzero(keep & no_cust)
        total_row = np.zeros(n, bool)
        total_row[cand] = _row_texts_have_total(data, cand)
        notes = keep & no_cust & ~informative & ~total_row
        totals = keep & (total_cust | total_row)
        skipped += int(totals.sum()) + int(notes.sum())
        _count(dropped, "totals", int(totals.sum()))
        _count(dropped, "notes", int(notes.sum()))
        keep &= ~totals & ~notes
        missing = keep & no_cust
        if missing.any():
            c_first = raw.first_col + min(hm.columns)
            c_last = raw.first_col + max(hm.columns)
            for i in np.flatnonzero(missing):
                r = int(excel_rows[i])
                sink.add(sheet, f"{C.column_letter(c_first)}{r}:{C.column_letter(c_last)}{r}",
                         i18n.t(lang, "row has no customer ID or name; left out",
                                "该行没有客户编号或客户名称，未计入"),
                         i18n.t(lang, "fill in the customer ID or name",
                                "请填写客户编号或客户名称"))
            _count(dropped, "no_customer", int(missing.sum()))
            keep &= ~missing

    # How each date and number column parsed on the data rows (not titles, notes or totals).
    for key, present in presents.items():
        if fields[key].type in ("date", "number"):
            b = bad[key] & keep
            parsed[key] = ColumnStat(hm.headers.get(col_of[key], key), C.column_letter(raw.first_col + col_of[key]),
                                     int((present & keep).sum()), int(b.sum()),
                                     typical_bad(cols_data[key], b) if b.any() else "")

    if role == "orders" and "order_date" in col_of:
        d = out["order_date"]
        no_date = keep & np.isnat(d)
        if no_date.any():
            c = raw.first_col + col_of["order_date"]
            src = cols_data["order_date"]
            for i in np.flatnonzero(no_date):
                addr = C.cell_address(int(excel_rows[i]), c)
                if bad["order_date"][i]:
                    problem = i18n.t(lang, '"{v}" is not a date; the order is left out',
                                     "“{v}”不是日期，该订单未计入", v=C.text_of(src.iat[i]))
                else:
                    problem = i18n.t(lang, "order date is empty; the order is left out",
                                     "订单日期为空，该订单未计入")
                sink.add(sheet, addr, problem, _fix(fields["order_date"], lang), "order_date")
            n_bad = int((no_date & bad["order_date"]).sum())
            _count(dropped, "bad_date", n_bad)
            _count(dropped, "no_date", int(no_date.sum()) - n_bad)
            keep &= ~no_date

    # Cells that cannot be read in kept rows: left out, reported at their address.
    for key, b in bad.items():
        if role == "orders" and key == "order_date":
            continue
        rows_bad = np.flatnonzero(b & keep)
        if not len(rows_bad):
            continue
        f = fields[key]
        c = raw.first_col + col_of[key]
        letter = C.column_letter(c)
        src = cols_data[key]
        for i in rows_bad:
            v = C.text_of(src.iat[i])
            sink.add(sheet, f"{letter}{int(excel_rows[i])}",
                     i18n.t(lang, '"{v}" is not {what}', "“{v}”不是{what}", v=v, what=_noun(f, lang)),
                     _ERROR_FIX(lang) if v in _EXCEL_ERRORS else _fix(f, lang), letter)

    idx = np.flatnonzero(keep)
    frame: dict[str, Any] = {}
    for key, f in fields.items():
        if key in out:
            frame[key] = pd.Series(out[key][idx], dtype=_dtype(f))
        else:
            frame[key] = pd.Series(np.full(len(idx), np.nan if f.type == "number" else None, dtype=object),
                                   dtype=_dtype(f))
    if role in _CUSTOMER_ROLES:
        frame["customer_key"] = pd.Series([None] * len(idx), dtype=object)
    frame["source_sheet"] = pd.Series([sheet] * len(idx), dtype=object)
    frame["source_row"] = pd.Series(excel_rows[idx], dtype="int64")
    result = pd.DataFrame(frame)

    if role in ("orders", "order_lines"):
        # A blank amount with price and quantity given is their product (less the discount);
        # a bad amount stays out.
        if "amount" in out:
            amt_blank = np.isnan(out["amount"][idx]) & ~bad["amount"][idx]
        else:
            amt_blank = np.ones(len(idx), bool)
        result = amounts.fill_amounts(result, ~amt_blank)
        profit_blank = result["profit"].isna().to_numpy().copy()
        if "profit" in out:
            profit_blank &= ~bad["profit"][idx]
        calc = result["amount"] - result["cost"]
        fillp = profit_blank & calc.notna().to_numpy()
        if fillp.any():
            result.loc[fillp, "profit"] = calc[fillp]
    return result, skipped


def _count(d: dict[str, int], reason: str, n: int) -> None:
    if n:
        d[reason] = d.get(reason, 0) + n


def _read_settings(found: _Found, cells_out: dict[str, str]) -> tuple[dict[str, object], int]:
    raw, df, hm = found.raw, found.df, found.match
    if hm is not None:
        kc = next(c for c, k in hm.columns.items() if k == "key")
        vc = next(c for c, k in hm.columns.items() if k == "value")
        start = hm.row + 1
    else:  # a 设置 sheet without a header row: first two columns are label, value
        kc, vc, start = 0, 1, 0
    from xlcrm.settings import is_setting_label
    from xlcrm.workbook.mapping import section_of

    values: dict[str, object] = {}
    rows = 0
    section: str | None = None  # label of the open section (字段映射, 汇率 ...): its rows are name | value
    block: dict[str, object] | list[str] = {}
    for i in range(start, len(df)):
        label = df.iat[i, kc] if kc < df.shape[1] else None
        value = df.iat[i, vc] if vc < df.shape[1] else None
        if C.is_blank(label):
            section = None  # a blank row ends a section
            continue
        label = str(label).strip()
        if section is not None and not is_setting_label(label) and section_of(label) is None:
            v = _settings_value(value)
            if isinstance(block, list):
                block.append(label)
            elif v is not None:
                block[label] = v
            rows += 1
            continue
        section = None
        if section_of(label) is not None and C.is_blank(value):
            section = label
            block = [] if section_of(label) == "excluded_statuses" else {}
            values[label] = block
            cells_out[label] = C.cell_address(raw.first_row + i, raw.first_col + kc)
            rows += 1
            continue
        values[label] = _settings_value(value)
        cells_out[label] = C.cell_address(raw.first_row + i, raw.first_col + vc)
        rows += 1
    return values, rows


_RENDERED_DT = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")
_PLAIN_NUM = re.compile(r"^-?\d+(\.\d+)?$")


def _settings_value(value: Any) -> object:
    """Undo the string loader's rendering of typed cells (dates, numbers)."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, str):
        s = value.strip()
        if _RENDERED_DT.match(s):
            return pd.Timestamp(s).to_pydatetime()
        if _PLAIN_NUM.match(s):
            return float(s)
    return value


# ---------------------------------------------------------------------------- customer keys

def _assign_keys(frames: dict[str, pd.DataFrame]) -> None:
    """customer_key: the ID, else the ID that name has elsewhere, else the normalised name."""
    pairs = []
    for role in _FRAME_ROLES:
        df = frames.get(role)
        if df is None or df.empty:
            continue
        both = df["customer_id"].notna() & df["customer_name"].notna()
        if both.any():
            pairs.append(df.loc[both, ["customer_name", "customer_id"]])
    name_to_id: dict[str, str] = {}
    if pairs:
        p = pd.concat(pairs, ignore_index=True)
        counts = p.groupby(["customer_name", "customer_id"], sort=True).size().reset_index(name="n")
        counts = counts.sort_values(["customer_name", "n", "customer_id"], ascending=[True, False, True],
                                    kind="mergesort")
        name_to_id = dict(counts.drop_duplicates("customer_name")[["customer_name", "customer_id"]].to_numpy())
    for role in _FRAME_ROLES:
        df = frames.get(role)
        if df is None:
            continue
        ids = df["customer_id"].to_numpy(dtype=object)
        names = df["customer_name"].to_numpy(dtype=object)
        keys = [i if i is not None else name_to_id.get(nm, nm) for i, nm in zip(ids, names)]
        df["customer_key"] = pd.Series(keys, index=df.index, dtype=object)


# ---------------------------------------------------------------------------- the engine

def _frame_digest(frame: pd.DataFrame) -> tuple[int, int]:
    """Rows and an order-free hash of an order frame's fields (not where they came from)."""
    cols = [c for c in frame.columns if c not in ("source_sheet", "source_row", "customer_key")]
    if not len(frame):
        return 0, 0
    h = pd.util.hash_pandas_object(frame[cols], index=False).to_numpy()
    return len(frame), int(h.sum(dtype=np.uint64))  # a sum: the same rows in any order match


def _assign_region_reps(parts: dict[str, list[pd.DataFrame]], tables: list[pd.DataFrame], reports: list[SheetReport],
                        lang: Lang) -> None:
    """Orders and master rows with a region but no rep get the region's person."""
    pairs = pd.concat(tables, ignore_index=True).dropna(subset=["region", "rep"])
    if pairs.empty:
        return
    person = dict(zip(pairs["region"].map(str.casefold), pairs["rep"]))
    for role in ("orders", "customers"):
        for frame, rep in zip(parts.get(role, []), [r for r in reports if r.role == role]):
            if "region" not in frame or "rep" not in frame:
                continue
            need = frame["rep"].isna() & frame["region"].notna()
            if need.any():
                got = frame.loc[need, "region"].map(lambda v: person.get(str(v).casefold()))
                frame.loc[need, "rep"] = got
                n = int(got.notna().sum())
                if n:
                    src = ", ".join(r.sheet for r in reports if r.role == "region_reps")
                    rep.notes.append(i18n.t(lang, "sales rep of {n} rows taken from their region ({s})",
                                            "{n} 行的业务员按片区取自 {s}", n=f"{n:,}", s=src))


def _settle_orders(frames: list[pd.DataFrame], reports: list[SheetReport], reading: Settings, sink: _IssueSink,
                   warnings: list[Issue], lang: Lang) -> tuple[list[pd.DataFrame], str]:
    """Copies of a sheet out, then statuses and currencies (``amounts.settle``); returns the
    frames and the ISO code of the amounts' currency."""
    seen: dict[tuple[int, int], str] = {}
    kept: list[tuple[pd.DataFrame, SheetReport]] = []
    for frame, rep in zip(frames, reports):
        # Only a sheet of the same length can be a copy: most books never hash anything.
        same_len = sum(1 for f in frames if len(f) == len(frame)) > 1
        digest = _frame_digest(frame) if same_len else (len(frame), id(frame))
        if digest[0] and digest in seen:
            # A copy of a sheet (same rows) would count every order twice.
            rep.dropped["duplicate_sheet"] = len(frame)
            rep.notes.append(i18n.t(lang, "a copy of sheet '{s}' (same {n} rows): not counted twice",
                                    "与工作表“{s}”内容相同（{n} 行）：不重复计算", s=seen[digest], n=len(frame)))
            warnings.append(Issue(rep.sheet, "", i18n.t(
                lang, "this sheet is a copy of '{s}' (the same {n} rows); it is left out so no order counts twice",
                "此表与“{s}”内容相同（{n} 行），未计入，以免订单重复计算", s=seen[digest], n=len(frame)),
                i18n.t(lang, "delete or rename the copy if it is not meant to be there",
                       "如不需要此副本，请删除")))
            rep.rows = 0
            continue
        seen[digest] = rep.sheet
        kept.append((frame, rep))
    base = amounts.base_currency(str(reading.currency))
    codes: set[str] = set()
    for frame, _ in kept:
        if "currency" in frame and frame["currency"].notna().any():
            codes |= {amounts.currency_code(v) or str(v).strip().upper() for v in frame["currency"].dropna().unique()}
    currency = base
    if len(codes) == 1 and base not in codes and not reading.exchange_rates:
        # One currency throughout: it is the base (a USD export is read in USD, not refused).
        currency = base = next(iter(codes))
    out: list[pd.DataFrame] = []
    for frame, rep in kept:
        st = amounts.settle(frame, rep.sheet, excluded=list(reading.excluded_statuses),
                            rates=dict(reading.exchange_rates), base=base, lang=lang,
                            currency_letter=rep.letters.get("currency", ""))
        for k, n in st.dropped.items():
            rep.dropped[k] = rep.dropped.get(k, 0) + n
        rep.rows = len(st.frame)
        rep.notes.extend(st.notes)
        sink.issues.extend(st.issues)
        out.append(st.frame)
    return out or [_empty_frame("orders")], currency


def _summary_sheet(hm: HeaderMatch) -> bool:
    """A chart-data or summary sheet (月份 | 销售额): an order table only by a header family, and
    without customers. Left alone rather than reported as an order table missing its customers."""
    if hm.role != "orders" or hm.fields & {"customer_id", "customer_name"}:
        return False
    col = next((c for c, k in hm.columns.items() if k == "order_date"), None)
    rank = next((r for r, c, _ in hm.candidates.get("order_date", []) if c == col), 0)
    return rank >= FAMILY_RANK


def _no_order_table(source: str, found: list[_Found], tops: dict[int, list[list[Any]]],
                    user: dict[str, str]) -> NoOrderTable:
    """The refusal naming the missing fields of the sheet closest to an order table."""
    best: tuple[int, _Found, set[str], list[str]] | None = None
    for f in found:
        if id(f.raw) not in tops or f.role in ("settings", "xlcrm", "history"):
            continue
        fields, heads = partial_match(tops[id(f.raw)], _rel_merges(f.raw), "orders", user)
        score = len(fields) + (1 if "order" in f.raw.name.lower() or "订单" in f.raw.name or "销售" in f.raw.name
                               else 0)
        if best is None or score > best[0]:
            best = (score, f, fields, heads)
    if best is None or not best[2]:
        return NoOrderTable(source, f"no order table found (looked for headers {_LOOKED_FOR})",
                            "put the order table's headers in one row above its data, "
                            "e.g. 订单日期 | 客户名称 | 金额, or name your headers on the settings sheet "
                            "(字段映射 / Column mapping: 订单日期 = your header)")
    _, f, fields, heads = best
    problem, fix = colmap.missing_fields_line(f.raw.name, fields, heads)
    form = _document_form(tops[id(f.raw)])
    if form:
        # One delivery note or order form (customer and date above the lines): not read yet.
        problem = (f"sheet '{f.raw.name}' looks like one document form ({form}: the customer and date "
                   f"are written above the lines), which xlcrm does not read; {problem}")
        fix = ("copy its lines into an order table with one row per line and columns 订单日期 | 客户名称 | 金额 "
               "(Order Date | Customer | Amount), then run again")
    return NoOrderTable(source, problem, fix)


_FORM_TITLE = re.compile(r"(送货单|发货单|销售单|出库单|订货单|订购单|报价单|销货单|提货单|发票|delivery\s*note|"
                         r"packing\s*list|order\s*form|invoice)", re.I)
_FORM_LABEL = re.compile(r"^\s*(客户|客户名称|收货单位|购货单位|购买方|customer|bill\s*to|ship\s*to)\s*[:：]", re.I)


def _document_form(top: list[list[Any]]) -> str:
    """The form's title ("送货单") when the top of a sheet reads like one document form, else ""."""
    title = ""
    label = False
    for row in top[:12]:
        for v in row:
            if not isinstance(v, str):
                continue
            m = _FORM_TITLE.search(v)
            if m and not title and len(v.strip()) <= 30:
                title = m.group(1)
            label |= bool(_FORM_LABEL.match(v))
    return title if title and label else ("" if not label else "order form")


_LOOKED_FOR = "订单日期/Order Date, 客户名称/Customer or 客户编号/Customer ID, 金额/Amount"


def read_sheets(sheets: Iterable[RawSheet], *, owned: dict[str, str] | None = None, source: str = "",
                lang: Lang | None = None, progress: Callable[[str], None] | None = None,
                base: Settings | None = None) -> ReadResult:
    """Find and clean every table in ``sheets``. ``owned`` maps xlcrm's own sheets to their role.

    ``base`` holds the settings of a config file (``--config``): its column mapping, excluded
    statuses and exchange rates apply under the workbook's own settings sheet.
    Raises NoOrderTable (no data, or no order table) and NoCustomerColumn.
    """
    owned = owned or {}
    source = source or "workbook"
    found: list[_Found] = []
    tops: dict[int, list[list[Any]]] = {}
    any_data = False
    for raw in sheets:
        df = _as_frame(raw)
        has_data = bool(df.size) and bool(df.notna().to_numpy().any())
        role_owned = owned.get(raw.name)
        if role_owned is not None and role_owned != "history":
            found.append(_Found(raw, pd.DataFrame(), None, "xlcrm"))
            continue
        any_data |= has_data and role_owned is None
        if not has_data:
            found.append(_Found(raw, df, None, "ignored"))
            continue
        top = _top_grid(df, HEADER_SCAN_ROWS)
        roles = ["history"] if role_owned == "history" else None
        hm = find_header(top, _rel_merges(raw), raw.name, roles)
        role = hm.role if hm is not None else "ignored"
        if hm is None and any(h in raw.name.lower() for h in ("设置", "settings", "参数")):
            role = "settings"
        found.append(_Found(raw, df, hm, role))
        tops[id(raw)] = top

    if not any_data:
        raise NoOrderTable(source, "no sheet holds any data",
                           "open the workbook with the order table and save it, then run again")

    # The settings sheet first: its column mapping decides how the other sheets are read.
    settings: dict[str, object] = {}
    settings_cells: dict[str, str] = {}
    settings_rows: dict[int, int] = {}
    for f in found:
        if f.role == "settings":
            vals, n = _read_settings(f, settings_cells)
            settings.update(vals)
            settings_rows[id(f)] = n
    head_lang = lang or i18n.detect_lang([h for f in found if f.match is not None and f.role != "history"
                                          for h in f.match.headers.values()])
    reading, _ = Settings.from_mapping(settings, base=base, lang=head_lang)
    settings_sheet = next((f.raw.name for f in found if f.role == "settings"), "设置")
    user, map_issues = colmap.resolve(reading.column_mapping, sheet=settings_sheet, lang=head_lang)
    user_fields = set(user.values())

    choices: dict[int, list[Choice]] = {}
    for k, f in enumerate(found):
        if f.role in ("settings", "xlcrm", "history") or id(f.raw) not in tops:
            continue
        hm = f.match
        if user:
            hm = find_header(tops[id(f.raw)], _rel_merges(f.raw), f.raw.name, None, user=user) or hm
        if hm is None:
            continue
        if hm.role != "settings":
            hm, made = choose(hm, f.df, user_fields)
            if not qualifies(hm.role, hm.fields) or _summary_sheet(hm):
                found[k] = _Found(f.raw, f.df, None, "ignored")
                continue
            choices[id(hm)] = made
        found[k] = _Found(f.raw, f.df, hm, hm.role)

    order_sheets = [f for f in found if f.role == "orders"]
    if not order_sheets:
        raise _no_order_table(source, found, tops, user)
    with_cust = [f for f in order_sheets if f.match and f.match.fields & {"customer_id", "customer_name"}]
    if not with_cust:
        f0 = order_sheets[0]
        problem, fix = colmap.missing_fields_line(
            f0.raw.name, f0.match.fields if f0.match else set(),
            [t for c, t in f0.match.all_headers.items() if c not in f0.match.columns] if f0.match else [])
        raise NoCustomerColumn(source, problem, fix)

    if lang is None:
        heads = [h for f in found if f.match is not None and f.role not in ("history",)
                 for h in f.match.headers.values()]
        lang = i18n.detect_lang(heads)
    sink = _IssueSink(lang)
    for issue in map_issues:
        sink.issues.append(issue)

    parts: dict[str, list[pd.DataFrame]] = {}
    reports: list[SheetReport] = []
    order_reports: list[SheetReport] = []
    for k, f in enumerate(found):
        hm = f.match
        mapping = {hm.headers[c]: key for c, key in sorted(hm.columns.items())} if hm else {}
        unmapped = [t for c, t in sorted(hm.all_headers.items()) if c not in hm.columns] if hm else []
        header_row = f.raw.first_row + hm.row if hm else 0
        if f.role in ("ignored", "xlcrm"):
            reports.append(SheetReport(f.raw.name, f.role, 0, 0, 0, {}, []))
        elif f.role == "settings":
            reports.append(SheetReport(f.raw.name, "settings", header_row, settings_rows.get(id(f), 0), 0,
                                       mapping, unmapped))
        elif f.role == "orders" and f not in with_cust:
            sink.add(f.raw.name, "", i18n.t(lang, "order table without a customer column; sheet left out",
                                            "订单表没有客户列，该表未计入"),
                     i18n.t(lang, "add a column headed Customer or Customer ID",
                            "请添加“客户名称”或“客户编号”列"))
            reports.append(SheetReport(f.raw.name, "ignored", header_row, 0, 0, mapping, unmapped))
        else:
            if progress is not None:
                progress(f.raw.name)
            dropped: dict[str, int] = {}
            parsed: dict[str, ColumnStat] = {}
            month_notes: list[str] = []
            frame, skipped = _clean_table(f, sink, lang, dropped, parsed, bool(reading.month_first), month_notes)
            parts.setdefault(f.role, []).append(frame)
            letters = {key: C.column_letter(f.raw.first_col + c) for c, key in hm.columns.items()} if hm else {}
            made = [describe(c, lang) for c in choices.get(id(hm), [])]
            reports.append(SheetReport(f.raw.name, f.role, header_row, len(frame), skipped, mapping, unmapped,
                                       letters, dropped, made, parsed, month_notes))
            if f.role == "orders":
                order_reports.append(reports[-1])
        found[k] = _Found(f.raw, pd.DataFrame(), f.match, f.role)  # let the raw cells go

    warnings: list[Issue] = []
    currency = ""
    region_reps = parts.pop("region_reps", None)
    if region_reps:
        _assign_region_reps(parts, region_reps, reports, lang)
    lines = parts.pop("order_lines", None)
    if lines and parts.get("orders"):
        line_reports = [r for r in reports if r.role == "order_lines"]
        parts["orders"] = joins.attach_lines(parts["orders"], order_reports, lines, line_reports, reading, lang)
    if parts.get("orders"):
        parts["orders"], currency = _settle_orders(parts["orders"], order_reports, reading, sink, warnings, lang)

    frames: dict[str, pd.DataFrame] = {}
    for role, dfs in parts.items():
        frames[role] = dfs[0] if len(dfs) == 1 else pd.concat(dfs, ignore_index=True)
    if "orders" not in frames:
        frames["orders"] = _empty_frame("orders")
    _assign_keys(frames)
    history = frames.get("history")
    if history is not None:
        for col in ("lifecycle", "tier", "abc"):
            history[col] = history[col].map(i18n.code)
        history["customer_key"] = history["customer_key"].where(history["customer_key"].notna(),
                                                                history["customer_id"])
    warnings.extend(gates.check(source, frames["orders"], reports, lang))
    result = Frames(
        orders=frames["orders"], deliveries=frames.get("deliveries"), customers=frames.get("customers"),
        complaints=frames.get("complaints"), visits=frames.get("visits"), history=history,
        settings=settings, issues=warnings + sink.finish())  # the loud ones first
    return ReadResult(result, reports, lang, settings_cells, warnings=warnings, currency=currency)


# ---------------------------------------------------------------------------- loading a file

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_MERGE_START = re.compile(rb"<(?:\w+:)?mergeCells\b")
# Both loaders (calamine underneath) hold a sheet as a dense grid from A1 to its last
# valued cell: one stray value at XFD1048576 asks for 17 billion cells and the process
# aborts. 1,048,576 rows x 64 columns is the most xlcrm loads; beyond it we refuse.
MAX_SHEET_CELLS = 1_048_576 * 64
_WIDE = 1024  # columns beyond which a sheet is loaded as one object block (a stray far value)
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="\$?[A-Z]{0,3}\$?\d*:?\$?([A-Z]{1,3})\$?(\d+)"')
_VALUED_FAR_CELL = re.compile(rb'<(?:\w+:)?c\s[^>]*?\br="([A-Z]{3})(\d+)"[^>]*?(?<!/)>')
_CELL_REF = re.compile(rb'\br="([A-Z]{1,3})(\d+)"')
_MERGE_REF = re.compile(rb"<(?:\w+:)?mergeCell\s+ref=\"\$?([A-Z]{1,3})\$?(\d+)(?::\$?([A-Z]{1,3})\$?(\d+))?\"")


@dataclass
class _SheetEntry:
    name: str
    part: str  # zip member, e.g. xl/worksheets/sheet1.xml


@dataclass
class _BookInfo:
    sheets: list[_SheetEntry]
    date1904: bool
    owned: dict[str, str] = field(default_factory=dict)
    rejected: list = field(default_factory=list)  # marker.Rejected: names that are not xlcrm's


def _col_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n


def _check_container(path: Path) -> None:
    from xlcrm.errors import NotAWorkbook, PasswordProtected

    if not path.exists():
        raise NotAWorkbook(path, "file not found", "check the file name and folder")
    if path.is_dir():
        raise NotAWorkbook(path, "this is a folder, not a workbook", "give the path of an .xlsx file")
    with open(path, "rb") as fh:
        head = fh.read(8)
    if head == _OLE_MAGIC:
        import olefile

        try:
            with olefile.OleFileIO(str(path)) as ole:
                encrypted = ole.exists("EncryptedPackage") or ole.exists("EncryptionInfo")
        except OSError:
            encrypted = False
        if encrypted:
            raise PasswordProtected(path, "the workbook is password-protected",
                                    "open it in Excel, remove the password (File > Info > Protect "
                                    "Workbook), save it and run again")
        raise NotAWorkbook(path, "this is an old .xls workbook", "open it in Excel and save it as .xlsx")
    if head[:4] not in (b"PK\x03\x04", b"PK\x05\x06"):
        raise NotAWorkbook(path, "not an Excel workbook (.xlsx/.xlsm)",
                           "open it in Excel and save it as .xlsx")


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _book_info(path: Path) -> _BookInfo:
    """Sheet names and parts, the date system and xlcrm's marker names, from xl/workbook.xml."""
    import posixpath
    import zipfile
    import zlib
    from xml.etree.ElementTree import ParseError

    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import fromstring

    from xlcrm.errors import NotAWorkbook, UnsafeWorkbook

    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
            if "xl/workbook.xml" not in names:
                if "xl/workbook.bin" in names:
                    raise NotAWorkbook(path, "this is a binary .xlsb workbook",
                                       "open it in Excel and save it as .xlsx")
                raise NotAWorkbook(path, "not an Excel workbook (no xl/workbook.xml)",
                                   "open it in Excel and save it as .xlsx")
            root = fromstring(z.read("xl/workbook.xml"))
            rels = fromstring(z.read("xl/_rels/workbook.xml.rels")) \
                if "xl/_rels/workbook.xml.rels" in names else None
            recognition = _recognise(z, root, rels)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError, KeyError,
            NotImplementedError, UnicodeDecodeError) as exc:
        raise NotAWorkbook(path, f"the workbook is damaged ({type(exc).__name__})",
                           "open it in Excel, let Excel repair it, save it as .xlsx and run again") from None
    except DefusedXmlException:
        raise UnsafeWorkbook(path, "workbook.xml uses XML entities (a known attack)",
                             "open it in Excel and save it as a new .xlsx") from None
    except ParseError:
        raise NotAWorkbook(path, "the workbook is damaged (xl/workbook.xml is not valid XML)",
                           "open it in Excel, let Excel repair it, save it as .xlsx and run again") from None
    targets: dict[str, str] = {}
    if rels is not None:
        for rel in rels:
            rid, target = rel.get("Id"), rel.get("Target") or ""
            if rid:
                targets[rid] = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
                    posixpath.join("xl", target))
    sheets: list[_SheetEntry] = []
    date1904 = False
    for el in root.iter():
        tag = _local(el.tag)
        if tag == "workbookPr":
            date1904 = (el.get("date1904") or "").strip().lower() in ("1", "true")
        elif tag == "sheet":
            rid = next((v for k, v in el.attrib.items() if _local(k) == "id"), "")
            part = targets.get(rid, "")
            if "worksheets/" in part or not part:  # chartsheets and dialog sheets hold no cells
                sheets.append(_SheetEntry(el.get("name") or "", part))
    seen: set[str] = set()
    for entry in sheets:  # Excel forbids it; the loaders look sheets up by name and would read one twice
        if entry.name.casefold() in seen:
            raise NotAWorkbook(path, f"two sheets are both named '{entry.name}'",
                               "open it in Excel, let Excel repair it (or rename one sheet), save and run again")
        seen.add(entry.name.casefold())
    return _BookInfo(sheets, date1904, recognition.sheet_roles(), recognition.rejected)


def _recognise(z, root, rels):  # type: ignore[no-untyped-def]
    """xlcrm's own sheets, by ``marker.recognise`` (the writer's graft asks the same function)."""
    import posixpath

    from xlcrm.workbook import marker

    folded = {n.casefold(): n for n in z.namelist()}
    kinds: dict[str, tuple[str, str]] = {}
    for rel in (rels if rels is not None else []):
        target = rel.get("Target") or ""
        part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        kinds[rel.get("Id") or ""] = (part, rel.get("Type") or "")
    sheets, names = [], []
    for el in root.iter():
        if _local(el.tag) == "sheet":
            rid = next((v for k, v in el.attrib.items() if _local(k) == "id"), "")
            part, rtype = kinds.get(rid, ("", ""))
            worksheet = rtype.endswith("/worksheet") and rtype.startswith("http://schemas.openxmlformats.org/")
            sheets.append(marker.SheetInfo(el.get("name") or "", folded.get(part.casefold(), part)
                                           if worksheet else None))
        elif _local(el.tag) == "definedName":
            names.append((el.get("name") or "", el.get("localSheetId"), el.text or ""))

    def read(name: str) -> bytes | None:
        name = folded.get(name.casefold(), "")
        return z.read(name) if name and z.getinfo(name).file_size <= 1 << 26 else None

    def head(name: str) -> bytes:
        name = folded.get(name.casefold(), "")
        if not name:
            return b""
        with z.open(name) as fh:
            return fh.read(1 << 16)

    return marker.recognise(names, sheets, read, head)


def _scan_part(path: Path, part: str) -> tuple[list[tuple[int, int, int, int]], dict[tuple[int, int], str]]:
    """Merged ranges and error cells (#N/A, #DIV/0! ...) of a sheet part.

    Both readers load an error cell as empty, which would hide it from the data issues, so the
    part is streamed once: a plain ``find`` for error cells in the cell data and for
    <mergeCells> after it (a 1M-row sheet never sits in memory).
    """
    import zipfile
    import zlib

    if not part:
        return [], {}
    extent = [0, 0]
    try:
        buf, errs = _stream_part(path, part, extent)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as exc:
        from xlcrm.errors import NotAWorkbook

        raise NotAWorkbook(path, f"the workbook is damaged ({part}: {type(exc).__name__})",
                           "open it in Excel, let Excel repair it, save it as .xlsx and run again") from None
    merges: list[tuple[int, int, int, int]] = []
    for m in _MERGE_REF.finditer(buf):
        c1, r1 = _col_number(m.group(1)), int(m.group(2))
        c2 = _col_number(m.group(3)) if m.group(3) else c1
        r2 = int(m.group(4)) if m.group(4) else r1
        merges.append((r1, c1, r2, c2))
    if extent[0] * extent[1] > MAX_SHEET_CELLS:
        from xlcrm.errors import UnsafeWorkbook

        raise UnsafeWorkbook(path, f"a sheet ({part}) has values as far as {C.column_letter(extent[1])}{extent[0]}, "
                             f"a grid of {extent[0] * extent[1]:,} cells (limit {MAX_SHEET_CELLS:,})",
                             "delete the rows and columns beyond your data (or that stray value), save and run again")
    return merges, errs


_ERROR_CELL = re.compile(rb'<(?:\w+:)?c\s[^>]*?\br="\$?([A-Z]{1,3})\$?(\d+)"[^>]*>(.*?)</(?:\w+:)?c>', re.DOTALL)
_ERROR_VALUE = re.compile(rb"<(?:\w+:)?v>([^<]{1,40})</(?:\w+:)?v>")


def _errors_in(data: bytes, errs: dict[tuple[int, int], str]) -> None:
    at = data.find(b't="e"')
    while at >= 0:
        start = data.rfind(b"<", 0, at)  # t="e" is an attribute of the <c> tag it sits in
        m = _ERROR_CELL.match(data, start) if start >= 0 else None
        if m:
            v = _ERROR_VALUE.search(m.group(3))
            text = v.group(1).decode("utf-8", "replace") if v else "#ERROR"
            errs[(int(m.group(2)), _col_number(m.group(1)))] = text
        at = data.find(b't="e"', at + 5)


def _extent(data: bytes, cut: int, extent: list[int]) -> None:
    """Grow ``extent`` [rows, cols] by the valued cells of ``data[:cut]`` (rows come in order)."""
    end = data.rfind(b"</c>", 0, cut)
    start = data.rfind(b' r="', 0, end) if end >= 0 else -1  # the last valued cell's own reference
    last = _CELL_REF.match(data, start + 1) if start >= 0 else None
    if last:
        extent[0] = max(extent[0], int(last.group(2)))
        extent[1] = max(extent[1], _col_number(last.group(1)))
    for m in _VALUED_FAR_CELL.finditer(data, 0, cut):
        extent[1] = max(extent[1], _col_number(m.group(1)))


def _stream_part(path: Path, part: str, extent: list[int] | None = None,
                 *, trust: bool = True) -> tuple[bytes, dict[tuple[int, int], str]]:
    """Merge XML and error cells of ``part``; with ``extent``, also its last valued row and column.

    The extent costs a regex over the cells, so it is measured only for a sheet whose
    <dimension> is missing or claims more than MAX_SHEET_CELLS.
    """
    import zipfile

    buf = b""
    errs: dict[tuple[int, int], str] = {}
    with zipfile.ZipFile(path) as z:
        try:
            fh = z.open(part)
        except KeyError:
            return b"", errs
        with fh:
            tail = b""
            found = False
            first = True
            declared: tuple[int, int] | None = None
            measure, lied = extent, False
            while True:
                chunk = fh.read(1 << 22)
                if not chunk:
                    break
                if found:
                    buf += chunk
                    continue
                data = tail + chunk
                # Cut at the last complete cell so no error cell straddles two chunks.
                cut = data.rfind(b"</c>")
                cut = len(data) if cut < 0 else cut + 4
                if first and extent is not None:
                    first = False
                    dim = _DIMENSION.search(data, 0, 1 << 16)
                    if trust and dim and _col_number(dim.group(1)) * int(dim.group(2)) <= MAX_SHEET_CELLS:
                        extent = None  # the sheet says it is small enough: no need to measure...
                        declared = (int(dim.group(2)), _col_number(dim.group(1)))
                if extent is not None:
                    _extent(data, cut, extent)
                elif declared is not None and not lied:
                    lied = _beyond(data, cut, declared)  # ...while its cells agree (issue 12)
                if b't="e"' in data:
                    _errors_in(data[:cut], errs)
                at = data.find(b"mergeCells")  # a plain find: a regex over 300 MB of XML is slow
                m = _MERGE_START.search(data, max(at - 20, 0)) if at >= 0 else None
                if m:
                    found = True
                    buf = data[m.start():]
                else:
                    tail = data[cut:][-(1 << 16):]
    if lied:  # a <dimension ref="A1"/> with a value at XFD1048576: measure the cells after all
        return _stream_part(path, part, measure, trust=False)
    return buf, errs


def _beyond(data: bytes, cut: int, declared: tuple[int, int]) -> bool:
    """Whether the last valued cell of ``data[:cut]`` lies outside the declared (rows, columns).
    Free (two rfinds a chunk); rows come in order, so a far last row is always seen."""
    end = data.rfind(b"</c>", 0, cut)
    start = data.rfind(b' r="', 0, end) if end >= 0 else -1
    last = _CELL_REF.match(data, start + 1) if start >= 0 else None
    return bool(last) and (int(last.group(2)) > declared[0] or _col_number(last.group(1)) > declared[1])


def _put_errors(raw: RawSheet, errs: dict[tuple[int, int], str]) -> None:
    """Write each error cell's text where the loader left it empty, so it is reported."""
    if not errs:
        return
    rows = raw.rows
    for (r, c), text in errs.items():
        i, j = r - raw.first_row, c - raw.first_col
        if isinstance(rows, pd.DataFrame):
            if 0 <= i < rows.shape[0] and 0 <= j < rows.shape[1] and pd.isna(rows.iat[i, j]):
                rows.iat[i, j] = text
        elif 0 <= i < len(rows) and 0 <= j < len(rows[i]) and rows[i][j] is None:
            rows[i][j] = text


def _result_sheet(entry: _SheetEntry, info: _BookInfo) -> bool:
    """xlcrm's own result sheet (not its history): read_sheets never looks at its cells, and on
    a large book it is a 100k-row sheet per refresh to parse for nothing. Loaded empty."""
    role = info.owned.get(entry.name)
    return role is not None and role != "history"


def _load_fastexcel(path: Path, info: _BookInfo, progress: Callable[[str], None] | None) -> list[RawSheet]:
    import fastexcel

    out: list[RawSheet] = []
    try:
        reader = fastexcel.read_excel(str(path))
        for entry in info.sheets:
            if progress is not None:
                progress(entry.name)
            if _result_sheet(entry, info):
                out.append(RawSheet(entry.name, pd.DataFrame(), 1, 1, [], info.date1904))
                continue
            merges, errs = _scan_part(path, entry.part)  # first: it refuses a grid too large to load
            sh = reader.load_sheet(entry.name, header_row=None, skip_rows=0, dtypes="string")
            cols = sh.available_columns()
            first_col = cols[0].absolute_index + 1 if cols else 1
            if len(cols) > _WIDE:  # one object block: 16,384 Arrow columns make every frame step slow
                tbl = sh.to_arrow()
                grid = np.empty((tbl.num_rows, tbl.num_columns), object)
                for j, col in enumerate(tbl.columns):
                    grid[:, j] = col.to_numpy(zero_copy_only=False)
                df = pd.DataFrame(grid, copy=False)
            else:
                df = sh.to_pandas() if cols else pd.DataFrame()
            raw = RawSheet(entry.name, df, 1, first_col, merges, info.date1904)
            _put_errors(raw, errs)
            out.append(raw)
    except XlcrmError:
        raise
    except (KeyboardInterrupt, SystemExit, MemoryError):
        raise
    except BaseException as exc:  # noqa: BLE001 - FastExcelError, and Rust panics (BaseException) on damaged parts
        raise _unreadable(path, exc) from None
    return out


def _load_calamine(path: Path, info: _BookInfo, progress: Callable[[str], None] | None) -> list[RawSheet]:
    import python_calamine as pc

    out: list[RawSheet] = []
    try:
        wb = pc.CalamineWorkbook.from_path(str(path))
        for entry in info.sheets:
            if progress is not None:
                progress(entry.name)
            if _result_sheet(entry, info):
                out.append(RawSheet(entry.name, [], 1, 1, [], info.date1904))
                continue
            errs = _scan_part(path, entry.part)[1]  # first: it refuses a grid too large to load
            sh = wb.get_sheet_by_name(entry.name)
            start = sh.start or (0, 0)
            rows = sh.to_python(skip_empty_area=True)
            rows = [[None if v == "" else v for v in r] for r in rows]
            merged = [(a[0] + 1, a[1] + 1, b[0] + 1, b[1] + 1) for a, b in (sh.merged_cell_ranges or [])]
            raw = RawSheet(entry.name, rows, start[0] + 1, start[1] + 1, merged, info.date1904)
            _put_errors(raw, errs)
            out.append(raw)
        wb.close()
    except XlcrmError:
        raise
    except (KeyboardInterrupt, SystemExit, MemoryError):
        raise
    except BaseException as exc:  # noqa: BLE001 - CalamineError and friends, and Rust panics
        raise _unreadable(path, exc) from None
    return out


def _unreadable(path: Path, exc: BaseException) -> XlcrmError:
    from xlcrm.errors import NotAWorkbook

    detail = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:120]
    log.debug("reading %s failed", path, exc_info=exc)
    return NotAWorkbook(path, f"the workbook is damaged and cannot be read ({detail})",
                        "open it in Excel, let Excel repair it, save it as .xlsx and run again")


def load_sheets(path: str | Path, *, engine: str = "fastexcel",
                progress: Callable[[str], None] | None = None) -> tuple[list[RawSheet], dict[str, str]]:
    """Every worksheet of ``path`` as RawSheets, and xlcrm's own sheets (name -> role).

    xlcrm's own result sheets come back without cells (``read_sheets`` skips them); its
    history sheet is loaded like any other.
    """
    sheets, info = _load(Path(path), engine, progress)
    return sheets, info.owned


def _load(path: Path, engine: str, progress: Callable[[str], None] | None) -> tuple[list[RawSheet], _BookInfo]:
    _check_container(path)
    info = _book_info(path)
    loader = _load_calamine if engine == "calamine" else _load_fastexcel
    return loader(path, info, progress), info


def read_workbook(path: str | Path, *, progress: Callable[[str], None] | None = None,
                  lang: Lang | None = None, engine: str = "fastexcel", settings: Settings | None = None) -> ReadResult:
    """Load ``path`` (.xlsx/.xlsm) and read it; unusable files raise ``xlcrm.errors`` classes.

    ``progress`` is called with each sheet's name as it is loaded and again as it is cleaned.
    ``engine`` is "fastexcel" (default: Arrow strings, least memory) or "calamine".
    """
    sheets, info = _load(Path(path), engine, progress)
    result = read_sheets(sheets, owned=info.owned, source=str(path), lang=lang, progress=progress,
                         base=settings)
    result.markers = list(info.rejected)
    return result
