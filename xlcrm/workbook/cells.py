"""Cell values as people type them: numbers stored as text, dates in many forms, ids.

Each parser takes a column (a ``pandas.Series`` of whatever the loader produced:
floats, ints, datetimes, dates, bools, strings, None/NaN) and returns the parsed
values plus a boolean ``bad`` mask of cells that hold something but cannot be read.
Blank cells are neither parsed nor bad. Work is vectorised: the common forms go
through pandas' C parsers on the whole column; only what they reject is looked at
one distinct value at a time.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from xlcrm import parsing as P
from xlcrm.schema import TOTAL_WORDS

__all__ = [
    "BLANK_MARKS",
    "cell_address",
    "column_letter",
    "is_blank",
    "is_total_text",
    "normalise_text",
    "parse_date",
    "parse_dates",
    "parse_flags",
    "parse_ids",
    "parse_number",
    "parse_numbers",
    "text_of",
    "total_mask",
]

BLANK_MARKS = P.BLANK_MARKS

_EXCEL_EPOCH_1900 = np.datetime64("1899-12-30", "ns")
_EXCEL_EPOCH_1904 = np.datetime64("1904-01-01", "ns")
MAX_NUMBER = P.MAX_NUMBER
_MIN_SERIAL = 3654  # 1910-01-01: smaller serials are month numbers, days or years, not order dates
_MAX_SERIAL = 109574  # 2199-12-31: later serials are not business dates (and overflow datetime64[ns])

_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def column_letter(col: int) -> str:
    """1 -> A, 27 -> AA."""
    out = ""
    while col > 0:
        col, rem = divmod(col - 1, 26)
        out = chr(65 + rem) + out
    return out


def cell_address(row: int, col: int) -> str:
    """1-based row and column -> "F18"."""
    return f"{column_letter(col)}{row}"


def _nfkc(s: str) -> str:
    return unicodedata.normalize("NFKC", s)


def is_blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    if value is pd.NaT or (isinstance(value, np.datetime64) and np.isnat(value)):
        return True
    if isinstance(value, str):
        s = value.strip()
        return not s or s in BLANK_MARKS
    return False


def text_of(value: Any) -> str:
    """How a value is quoted in a problem message."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.datetime, pd.Timestamp)):
        return value.strftime("%Y-%m-%d %H:%M") if (value.hour or value.minute) else value.strftime("%Y-%m-%d")
    return str(value).strip()


def _blank_mask(s: pd.Series) -> np.ndarray:
    """Blank cells: None/NaN/NaT, whitespace, a lone dash."""
    na = s.isna().to_numpy()
    if s.dtype == object or pd.api.types.is_string_dtype(s.dtype):
        strs = s.where(~na)
        is_str = _is_str_mask(s, na)
        if is_str.any():
            st = strs[is_str].astype(str).str.strip()
            na = na.copy()
            na[is_str] = (st.eq("") | st.isin(BLANK_MARKS)).to_numpy()
    return na


def _is_str_mask(s: pd.Series, na: np.ndarray) -> np.ndarray:
    if s.dtype != object:
        return ~na
    return np.fromiter((type(v) is str for v in s.to_numpy()), bool, len(s)) & ~na


# ---------------------------------------------------------------------------- numbers

_clean_number_text = P.number_from_text


def parse_number(value: Any) -> float | None:
    """One cell -> float; None for blank; raises ValueError for a value that is not a number."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise ValueError(value)  # noqa: TRY004 - one error type for "not a number", whatever the cell held
    if isinstance(value, (int, float, np.integer, np.floating)):
        x = float(value)
        if not math.isfinite(x) or abs(x) > MAX_NUMBER:
            raise ValueError(value)
        return x
    if isinstance(value, str):
        x = _clean_number_text(value)
        if x is None or abs(x) > MAX_NUMBER:
            raise ValueError(value)
        return x
    raise ValueError(value)


def parse_numbers(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """A column -> (float64 array, bad mask)."""
    s = values.reset_index(drop=True)
    n = len(s)
    out = np.full(n, np.nan)
    blank = _blank_mask(s)
    if blank.all():
        return out, np.zeros(n, bool)
    if pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype):
        out = s.to_numpy(dtype=float, na_value=np.nan).copy()
        with np.errstate(invalid="ignore"):
            bad = (~np.isfinite(out) | (np.abs(out) > MAX_NUMBER)) & ~blank
        out[bad] = np.nan
        return out, bad
    obj = s.astype(object) if s.dtype != object else s
    todo = ~blank
    if s.dtype == object:
        kinds = np.fromiter((type(v) in (bool, np.bool_) for v in obj.to_numpy()), bool, n)
        todo &= ~kinds
    fast = pd.to_numeric(obj.where(todo), errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    ok = todo & np.isfinite(fast)
    out[ok] = fast[ok]
    rest = todo & ~ok
    bad = ~blank & ~todo  # bools
    if rest.any():
        vals = obj.to_numpy()[rest]
        uniq: dict[Any, float | None] = {}
        parsed = np.empty(len(vals))
        for i, v in enumerate(vals):
            key = (type(v), v) if not isinstance(v, float) else (float, v)
            if key not in uniq:
                uniq[key] = _clean_number_text(v) if isinstance(v, str) else None
            r = uniq[key]
            parsed[i] = np.nan if r is None else r
        out[rest] = parsed
        bad[rest] = np.isnan(parsed)
    huge = np.abs(np.nan_to_num(out)) > MAX_NUMBER
    out[huge] = np.nan
    return out, bad | huge


# ---------------------------------------------------------------------------- dates

_KIND: dict[type, int] = {
    dt.datetime: 1, pd.Timestamp: 1, np.datetime64: 1, dt.date: 2, float: 3, int: 3, np.float64: 3, np.int64: 3,
    np.float32: 3, np.int32: 3, str: 4, np.str_: 4,
}


def _serial_to_ns(x: np.ndarray, date1904: bool) -> np.ndarray:
    epoch = _EXCEL_EPOCH_1904 if date1904 else _EXCEL_EPOCH_1900
    if not date1904:
        # Excel counts a phantom 1900-02-29 (serial 60): serials below it are one day later.
        x = np.where(x < 60, x + 1, x)
    ns = np.round(x * 86_400_000_000).astype("int64") * 1000  # to the microsecond, as Excel shows
    return epoch + ns.astype("timedelta64[ns]")


def _date_from_text(text: str, date1904: bool) -> np.datetime64 | None:
    d = P.date_from_text(text)
    if d is not None:
        return np.datetime64(d, "ns")
    s = P.nfkc(text).strip()
    if _NUMBER.match(s):  # a serial typed as text
        x = float(s)
        if _MIN_SERIAL <= x <= _MAX_SERIAL:
            return _serial_to_ns(np.array([x]), date1904)[0]
    return None


def _date_from_number(x: float, date1904: bool) -> np.datetime64 | None:
    if not math.isfinite(x):
        return None
    if _MIN_SERIAL <= x <= _MAX_SERIAL:
        return _serial_to_ns(np.array([x]), date1904)[0]
    if x.is_integer() and 19000101 <= x <= 21991231:  # 20240105 typed as a number
        return _date_from_text(str(int(x)), date1904)
    return None


_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$")


def _day_month_year(strs: np.ndarray, vals: np.ndarray, month_first: bool) -> None:
    """Fill ``vals`` for the d/m/y or m/d/y texts left unread, when the column settles the order."""
    miss = np.flatnonzero(np.isnat(vals))
    if not len(miss):
        return
    found: dict[int, tuple[int, int, int, int, int, int]] = {}
    first_big = second_big = False
    for j in miss:
        t = strs[j]
        m = _DMY.match(P.nfkc(t).strip()) if isinstance(t, str) else None
        if m:
            a, b, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
            found[j] = (a, b, y, int(m.group(4) or 0), int(m.group(5) or 0), int(m.group(6) or 0))
            first_big |= a > 12
            second_big |= b > 12
    if not found or (first_big and second_big):
        return  # nothing of that form, or a column that contradicts itself
    if month_first or second_big:
        order = "mdy"
    elif first_big:
        order = "dmy"
    else:
        return  # every value is ambiguous: data issues, unless the settings say month-first
    for j, (a, b, y, h, mi, sec) in found.items():
        mo, d = (a, b) if order == "mdy" else (b, a)
        if not P.MIN_YEAR <= y <= P.MAX_YEAR:
            continue
        try:
            vals[j] = np.datetime64(dt.datetime(y, mo, d, h, mi, sec), "ns")
        except ValueError:
            continue


def parse_date(value: Any, *, date1904: bool = False) -> pd.Timestamp | None:
    """One cell -> Timestamp; None for blank; raises ValueError for a value that is not a date."""
    if is_blank(value):
        return None
    r = parse_dates(pd.Series([value], dtype=object), date1904=date1904)
    if r[1][0]:
        raise ValueError(value)
    return r[0].iloc[0]


def parse_dates(values: pd.Series, *, date1904: bool = False, month_first: bool = False,
                months: list[int] | None = None) -> tuple[pd.Series, np.ndarray]:
    """A column -> (datetime64[ns] Series, bad mask). Serials follow the workbook's date system.

    Numeric dates without the year first (01/05/2024) are read only when the column settles
    the order (some first number above 12: day-first; some second one: month-first, as in
    2/24/2003 0:00) or ``month_first`` says so; otherwise they are bad cells. A month without
    a day ("2024-01", "2024年1月") is its first day; with ``months`` given, their count is
    appended to it so the reader can say so.
    """
    s = values.reset_index(drop=True)
    n = len(s)
    out = np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
    blank = _blank_mask(s)
    bad = np.zeros(n, bool)
    if blank.all():
        return pd.Series(out, dtype="datetime64[ns]"), bad
    if pd.api.types.is_datetime64_any_dtype(s.dtype):
        r = pd.Series(s.to_numpy(), dtype="datetime64[ns]") if s.dt.tz is None else s.dt.tz_localize(None)
        return r.astype("datetime64[ns]"), bad
    if pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype):
        x = s.to_numpy(dtype=float, na_value=np.nan)
        todo = ~blank
        for i in np.flatnonzero(todo):
            r = _date_from_number(float(x[i]), date1904)
            if r is None:
                bad[i] = True
            else:
                out[i] = r
        return pd.Series(out, dtype="datetime64[ns]"), bad
    arr = s.to_numpy(dtype=object) if s.dtype != object else s.to_numpy()
    todo = ~blank
    if s.dtype == object:
        # Typed cells first: datetimes, dates, serial numbers.
        kind = np.fromiter((_KIND.get(type(v), 5) for v in arr), np.int8, n)
        is_dt = (kind == 1) & todo
        if is_dt.any():
            out[is_dt] = [np.datetime64(pd.Timestamp(v).tz_localize(None), "ns") for v in arr[is_dt]]
        is_d = (kind == 2) & todo
        for i in np.flatnonzero(is_d):
            out[i] = np.datetime64(arr[i], "ns")
        is_num = (kind == 3) & todo
        if is_num.any():
            x = np.array([float(v) for v in arr[is_num]])
            ok = (x >= _MIN_SERIAL) & (x <= _MAX_SERIAL)
            conv = np.full(len(x), np.datetime64("NaT"), dtype="datetime64[ns]")
            conv[ok] = _serial_to_ns(x[ok], date1904)
            for j in np.flatnonzero(~ok):
                r = _date_from_number(x[j], date1904)
                if r is not None:
                    conv[j] = r
            out[is_num] = conv
            bad[is_num] = np.isnat(conv)
        is_s = (kind == 4) & todo
        other = todo & ~is_dt & ~is_d & ~is_num & ~is_s
        bad |= other
        todo = is_s
    if todo.any():
        strs = pd.Series(arr[todo], dtype=object).astype(str).str.strip()
        # The loader's own rendering of date cells, and ISO text: pandas' C parser.
        fast = pd.to_datetime(strs, format="%Y-%m-%d %H:%M:%S", errors="coerce")
        miss = fast.isna().to_numpy()
        if miss.any():
            fast2 = pd.to_datetime(strs[miss], format="%Y-%m-%d", errors="coerce")
            fast[miss] = fast2
        years = fast.dt.year
        fast = fast.where((years >= P.MIN_YEAR) & (years <= P.MAX_YEAR))
        miss = fast.isna().to_numpy()
        vals = fast.astype("datetime64[ns]").to_numpy().copy()
        if miss.any():
            cache: dict[str, np.datetime64 | None] = {}
            strs_arr = strs.to_numpy(dtype=object)
            for j in np.flatnonzero(miss):
                t = strs_arr[j]
                if t not in cache:
                    cache[t] = _date_from_text(t, date1904)
                r = cache[t]
                vals[j] = np.datetime64("NaT") if r is None else r
            _day_month_year(strs_arr, vals, month_first)
            n_months = 0
            for j in np.flatnonzero(np.isnat(vals)):
                m = P.month_from_text(strs_arr[j]) if isinstance(strs_arr[j], str) else None
                if m is not None:
                    vals[j] = np.datetime64(m, "ns")
                    n_months += 1
            if months is not None and n_months:
                months.append(n_months)
        idx = np.flatnonzero(todo)
        out[idx] = vals
        bad[idx] = np.isnat(vals)
    return pd.Series(out, dtype="datetime64[ns]"), bad


# ---------------------------------------------------------------------------- ids, text

_INT_TEXT = re.compile(r"^([+-]?\d+)\.0*$")
_SPACES = re.compile(r"\s+")


def _norm_text_one(v: Any) -> str | None:
    if isinstance(v, str):
        t = _SPACES.sub(" ", _nfkc(v)).strip()
        return t or None
    return text_of(v) or None


def _factorized(values: pd.Series, normalise: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """Apply ``normalise`` to each distinct value once; the result shares one str per distinct
    value (a 1M-row column of 5,000 customer names holds 5,000 strings, not 1M)."""
    s = values.reset_index(drop=True)
    if not len(s):
        return np.full(0, None, dtype=object)
    codes, uniq = pd.factorize(s, use_na_sentinel=True)
    table = np.empty(len(uniq) + 1, dtype=object)
    table[:-1] = normalise(np.asarray(uniq, dtype=object))
    table[-1] = None  # code -1: blank
    return table[codes]


def _normalise_uniques(vals: np.ndarray) -> np.ndarray:
    out = np.full(len(vals), None, dtype=object)
    is_str = np.fromiter((isinstance(v, str) for v in vals), bool, len(vals))
    for i in np.flatnonzero(~is_str):
        out[i] = _norm_text_one(vals[i])
    if is_str.any():
        # Arrow kernels: a column of 1M distinct order numbers is normalised in C.
        import pyarrow as pa
        import pyarrow.compute as pac

        arr = pa.array(vals[is_str], type=pa.large_string())
        arr = pac.utf8_normalize(arr, "NFKC")
        arr = pac.utf8_trim_whitespace(pac.replace_substring_regex(arr, r"\s+", " "))
        res = arr.to_numpy(zero_copy_only=False).astype(object)
        res[res == ""] = None
        out[is_str] = res
    return out


def normalise_text(values: pd.Series) -> np.ndarray:
    """Strip, full-width -> half-width, collapse spaces; blanks -> None. Object array of str."""
    return _factorized(values, _normalise_uniques)


def _norm_id_one(v: Any) -> str | None:
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, (float, np.floating)):
        if not math.isfinite(v):
            return None
        return str(int(v)) if float(v).is_integer() else repr(float(v))
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    t = _norm_text_one(v)
    if t is None or t in BLANK_MARKS:
        return None
    m = _INT_TEXT.match(t)
    return m.group(1) if m else t


def parse_ids(values: pd.Series) -> np.ndarray:
    """Customer/order ids: 1001, 1001.0 and "1001" are the same id. Object array of str/None."""
    return _factorized(values, lambda u: np.array([_norm_id_one(v) for v in u] or [], dtype=object))


# ---------------------------------------------------------------------------- totals lines, yes/no

_TOTAL_ZH = tuple(w for w in TOTAL_WORDS if not w.isascii())
_TOTAL_EN = tuple(sorted((w for w in TOTAL_WORDS if w.isascii()), key=len, reverse=True))
# A name ending like a company is a customer even when it starts with 合计 or Total.
_COMPANY = re.compile(r"(?i)(公司|厂|店|行|集团|中心|经营部|门市部?|商贸|贸易|科技|工作室|"
                      r"\b(ltd|limited|inc|co|corp|corporation|llc|gmbh|company|group|trading|plc))\.?$")
_TOTAL_STRIP = re.compile(r"[\s:：()（）\[\]【】\-_*=#.,，。]")


def is_total_text(text: Any) -> bool:
    """A cell that marks a totals line: 合计, 本月合计, 华东区小计：, Total, Grand total ..."""
    if not isinstance(text, str):
        return False
    raw = text.strip()
    s = _TOTAL_STRIP.sub("", raw).lower()
    if not s or len(s) > 24 or _COMPANY.search(raw):
        return False
    for w in _TOTAL_ZH:
        if (s.startswith(w) or s.endswith(w)) and len(s) <= len(w) + 6:
            return True
    words = re.sub(r"[^a-z0-9 ]", " ", raw.lower()).split()
    if not words:
        return False
    joined = " ".join(words)
    for w in _TOTAL_EN:
        if joined == w or joined in (w + "s", "grand " + w):
            return True
        if w != "sum" and (joined.startswith(w + " ") or joined.endswith(" " + w)) and len(joined) <= len(w) + 13:
            return True
    return False


# Necessary conditions for is_total_text (see _total_candidates), derived from TOTAL_WORDS.
_TOTAL_ZH_CHARS = "|".join(sorted({re.escape(w[-1]) for w in _TOTAL_ZH}))
_TOTAL_EN_TOKENS = "|".join(sorted({re.escape(t) for w in _TOTAL_EN for t in w.split()}))


def total_mask(values: np.ndarray) -> np.ndarray:
    """is_total_text over a column, looking at each distinct value once."""
    if not len(values):
        return np.zeros(0, bool)
    codes, uniq = pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=True)
    uniq = np.asarray(uniq, dtype=object)
    hit = np.zeros(len(uniq) + 1, bool)
    for i in np.flatnonzero(_total_candidates(uniq)):
        hit[i] = is_total_text(uniq[i])
    return hit[codes]


def _total_candidates(uniq: np.ndarray) -> np.ndarray:
    """Strings that may be totals: is_total_text needs the last character of a Chinese total
    word (计, 额) or a word of an English one ("total", "sum", ...) in any case. A cheap C pass,
    so a column of 1M distinct order numbers is not run through the regular expressions one by one."""
    import pyarrow as pa
    import pyarrow.compute as pac

    is_str = np.fromiter((isinstance(v, str) for v in uniq), bool, len(uniq))
    out = np.zeros(len(uniq), bool)
    if not is_str.any():
        return out
    arr = pa.array(uniq[is_str], type=pa.large_string())
    cand = pac.or_(pac.match_substring_regex(arr, _TOTAL_ZH_CHARS),
                   pac.match_substring_regex(arr, _TOTAL_EN_TOKENS, ignore_case=True))
    out[is_str] = cand.to_numpy(zero_copy_only=False)
    return out


_YES = P.YES_WORDS
_NO = P.NO_WORDS | {"x"}  # a lone x in a signed column is a cross: not signed


def parse_flags(s: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    vals = normalise_text(s)
    out = np.full(len(vals), None, dtype=object)
    bad = np.zeros(len(vals), bool)
    for i, v in enumerate(vals):
        if v is None or v in BLANK_MARKS:
            continue
        t = v.lower()
        if t in _YES:
            out[i] = "Yes"
        elif t in _NO:
            out[i] = "No"
        else:
            bad[i] = True
    return out, bad
