"""Turn what xlwings hands a UDF into clean Python columns, and results into what Excel spills.

xlwings (with ``ndim=2``) passes every range as a list of rows: ``None`` for a blank cell,
``float`` for numbers, ``datetime`` for date-formatted cells, ``str`` for text, ``bool``.
A single cell arrives as ``[[value]]``. Users select ranges with or without their header
row, and often whole columns (``A:A``), so trailing blanks are trimmed and a header row is
recognised by its text (a known header alias, or text above numbers/dates).

Results go back as a scalar or a rectangular list of lists of ``str``/``float``/``int``/
``bool``: no ``None`` (Excel shows an empty variant in a spilled array as 0), no NaN,
no numpy scalars. Problems are raised as ``CellError`` and shown as Excel-style text,
``#VALUE! customer 'C9' not in ids — ...``, never as a traceback.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Sequence

from xlcrm import schema
from xlcrm.i18n import detect_lang
from xlcrm.model import Lang

EXCEL_EPOCH = dt.date(1899, 12, 30)  # serial 1 = 1900-01-01 (with Lotus' leap-year bug from March 1900)
_MAX_SERIAL = 2958465  # 9999-12-31


class CellError(Exception):
    """A problem the user can fix in the sheet; shown in the cell as ``{code} {message}``."""

    def __init__(self, message: str, code: str = "#VALUE!") -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def text(self) -> str:
        return f"{self.code} {self.message}"


def _norm(text: str) -> str:
    return re.sub(r"[\s_\-()（）\[\]【】:：/]+", "", str(text)).lower()


# Every header alias of every input table, normalised: text in a first row that matches one
# of these is a header, whatever is below it.
_HEADER_WORDS: frozenset[str] = frozenset(
    _norm(alias)
    for fields in schema.ROLES.values()
    for field in fields
    for alias in field.aliases
) | frozenset(_norm(w) for w in ("ID", "IDs", "Value", "Values", "价值", "Recency", "Frequency",
                                  "Monetary", "最近购买天数", "购买频次", "消费金额", "Tier", "客户等级",
                                  "Risk Level", "风险等级", "Last Contact", "最近联系"))


# ---------------------------------------------------------------------------- inputs

def grid(value: Any) -> list[list[Any]]:
    """Any xlwings argument as a list of rows (a scalar becomes ``[[value]]``)."""
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        if value and all(isinstance(row, (list, tuple)) for row in value):
            return [list(row) for row in value]
        return [[v] for v in value]  # a 1-D list from ndim=1: treat as a column
    return [[value]]


def vector(value: Any, name: str) -> list[Any]:
    """One column or one row of cells as a flat list, trailing blanks trimmed."""
    rows = grid(value)
    if not rows:
        return []
    width = max(len(r) for r in rows)
    if width == 1:
        cells = [r[0] if r else None for r in rows]
    elif len(rows) == 1:
        cells = list(rows[0])
    else:
        raise CellError(f"{name} is {len(rows)} rows x {width} columns — select one column (or one row)")
    while cells and _blank(cells[-1]):
        cells.pop()
    return cells


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip()) or (isinstance(v, float) and math.isnan(v))


def given(value: Any) -> Any:
    """An optional argument, or None when it is blank (an empty cell, "", an empty range)."""
    return None if all(_blank(c) for row in grid(value) for c in row) else value


def is_header_text(v: Any) -> bool:
    return isinstance(v, str) and _norm(v) in _HEADER_WORDS


@dataclass
class Columns:
    """Input columns of equal length after header detection."""

    data: dict[str, list[Any]]
    header: dict[str, Any]  # name -> header text, when the ranges had a header row
    first_row: int  # 0 or 1: index in the original ranges of the first data row

    @property
    def lang(self) -> Lang | None:
        """The language of the header row, if there was one."""
        texts = [str(h) for h in self.header.values() if isinstance(h, str)]
        return detect_lang(texts) if texts else None

    def __len__(self) -> int:
        return len(next(iter(self.data.values()), []))


def columns(kinds: dict[str, str], **ranges: Any) -> Columns:
    """Flatten ranges named by ``kinds`` (``"id"``, ``"number"``, ``"date"``, ``"text"``),
    detect a shared header row, check their lengths agree. ``None`` ranges are skipped.

    The first row is a header when a cell in it is a known header alias, or is text without
    digits where a number or date column has a number/date below it.
    """
    vecs = {name: vector(rng, name) for name, rng in ranges.items() if rng is not None}
    # an optional range left blank ("" or an empty cell) counts as not given
    vecs = {name: cells for name, cells in vecs.items() if cells or kinds.get(name) == "id"}
    header = False
    for name, cells in vecs.items():
        if not cells:
            continue
        first = cells[0]
        if is_header_text(first):
            header = True
        elif (kinds.get(name) in ("number", "date") and isinstance(first, str) and len(cells) > 1
              and not re.search(r"\d", first)):
            # text with no digits above a number/date: a header we do not know ("毛利(元)");
            # text with digits is a mistyped value and gets its error below
            parse = to_number if kinds[name] == "number" else to_date
            try:
                parse(first, name)
            except CellError:
                try:
                    parse(cells[1], name)
                    header = True
                except CellError:
                    pass
    heads: dict[str, Any] = {}
    if header:
        heads = {name: cells[0] for name, cells in vecs.items() if cells}
        vecs = {name: cells[1:] for name, cells in vecs.items()}
    lengths = {name: len(cells) for name, cells in vecs.items()}
    longest = max(lengths.values(), default=0)
    for name, cells in vecs.items():
        # trailing blanks were trimmed per column; pad so a blank last value is kept as blank
        cells.extend([None] * (longest - len(cells)))
    if lengths and len(set(lengths.values())) > 1:
        # a column shorter only by trailing blanks is fine; one longer than its id column is not
        ids = [n for n in vecs if kinds.get(n) == "id"]
        if ids and lengths[ids[0]] < longest:
            longer = max(lengths, key=lengths.__getitem__)
            raise CellError(
                f"{longer} has {lengths[longer]} rows but {ids[0]} has {lengths[ids[0]]} — "
                "select ranges of the same height"
            )
    return Columns(vecs, heads, 1 if header else 0)


def to_number(v: Any, name: str = "value") -> float:
    """A cell as float; blank -> NaN; text like ``¥1,234.50`` or ``1,234.50元`` is read."""
    if _blank(v):
        return math.nan
    if isinstance(v, bool):
        raise CellError(f"{name}: {v} is not a number — enter a number")
    if isinstance(v, (int, float)):
        return float(v)
    if isinstance(v, (dt.date, dt.datetime)):
        raise CellError(f"{name}: {v:%Y-%m-%d} is a date, not a number — select the amount column")
    text = re.sub(r"[,\s¥￥$元]", "", str(v))
    pct = text.endswith("%")
    try:
        number = float(text.rstrip("%"))
    except ValueError:
        raise CellError(f'{name}: "{v}" is not a number — enter a number, or clear the cell') from None
    return number / 100 if pct else number


def to_date(v: Any, name: str = "date") -> dt.date | None:
    """A cell as a date: a datetime, an Excel serial number, or text (2024-01-05, 2024/1/5,
    2024年1月5日). Blank -> None."""
    if _blank(v):
        return None
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    if isinstance(v, bool):
        raise CellError(f"{name}: {v} is not a date — enter a date")
    if isinstance(v, (int, float)):
        if 1 <= v <= _MAX_SERIAL:
            return EXCEL_EPOCH + dt.timedelta(days=int(v))
        raise CellError(f"{name}: {v} is not an Excel date — enter a date such as 2024-01-05")
    text = str(v).strip()
    m = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T].*)?", text)
    if m:
        try:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            pass
    raise CellError(f'{name}: "{v}" is not a date — enter a date such as 2024-01-05')


def to_key(v: Any) -> str | None:
    """A customer id/name as the join key: text stripped; 1001.0 (a number cell) -> "1001"."""
    if _blank(v):
        return None
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def scalar(value: Any) -> Any:
    """The single value of a one-cell argument (``[[x]]`` -> x)."""
    rows = grid(value)
    if not rows:
        return None
    if len(rows) == 1 and len(rows[0]) == 1:
        return rows[0][0]
    raise CellError("expected one cell, got a range — point at a single cell")


def lang_of(lang: Any, cols: Columns | None = None) -> Lang:
    """Explicit ``lang`` ("zh"/"en"/"中文"/"English") wins; else the header's language; else zh."""
    v = scalar(lang) if isinstance(lang, list) else lang
    if not _blank(v):
        text = str(v).strip().lower()
        if text in ("zh", "cn", "中文", "chinese", "zh-cn"):
            return "zh"
        if text in ("en", "english", "英文"):
            return "en"
        raise CellError(f'lang "{v}" is not a language — use "zh" or "en"')
    return (cols.lang if cols is not None else None) or "zh"


def settings_of(rng: Any) -> Any:
    """A two-column Setting/Value range (like the 设置/Settings sheet) as ``Settings``; None = defaults."""
    from xlcrm.settings import Settings

    rows = [r for r in grid(rng) if r and not _blank(r[0])]
    if not rows:
        return Settings()
    if any(len(r) < 2 for r in rows):
        raise CellError("settings must be two columns: Setting and Value (as on the Settings sheet)")
    raw = {str(r[0]).strip(): r[1] for r in rows}
    for head in ("设置项", "Setting", "Key", "Name"):
        raw.pop(head, None)
    settings, issues = Settings.from_mapping(raw, sheet="settings")
    if issues:
        raise CellError(f"settings: {issues[0].problem} — {issues[0].fix}")
    return settings


# ---------------------------------------------------------------------------- outputs

def excel_date(day: Any) -> float | str:
    """A date as an Excel serial number (format the cell as a date); blank -> ""."""
    if day is None or (isinstance(day, float) and math.isnan(day)):
        return ""
    if hasattr(day, "to_pydatetime"):  # pandas Timestamp (NaT has no date)
        if day != day:  # NaT
            return ""
        day = day.to_pydatetime()
    if isinstance(day, dt.datetime):
        day = day.date()
    return float((day - EXCEL_EPOCH).days)


def cell(v: Any) -> Any:
    """One value as Excel takes it: None/NaN -> "", numpy scalars -> Python, dates -> serials."""
    if v is None or type(v).__name__ in ("NAType", "NaTType"):  # pandas' missing markers
        return ""
    if hasattr(v, "item") and not isinstance(v, (str, bytes)):  # numpy scalar
        v = v.item()
    if isinstance(v, float):
        return "" if math.isnan(v) or math.isinf(v) else v
    if isinstance(v, bool) or isinstance(v, (int, str)):
        return v
    if isinstance(v, (dt.date, dt.datetime)) or hasattr(v, "to_pydatetime"):
        return excel_date(v)
    try:
        if v != v:  # pandas NA / NaT
            return ""
    except (TypeError, ValueError):
        pass
    return str(v)


def table(rows: Iterable[Sequence[Any]]) -> list[list[Any]]:
    """A rectangular list of lists of Excel values (short rows padded with "")."""
    out = [[cell(v) for v in row] for row in rows]
    width = max((len(r) for r in out), default=0)
    return [r + [""] * (width - len(r)) for r in out] or [[""]]


def excel_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Run a UDF body; turn a ``CellError`` or an xlcrm error into Excel-style error text."""
    import functools
    import logging

    from xlcrm.errors import XlcrmError

    log = logging.getLogger("xlcrm.excel")

    @functools.wraps(func)
    def wrapper(*args: Any) -> Any:
        try:
            return func(*args)
        except CellError as exc:
            return exc.text()
        except XlcrmError as exc:
            return f"#VALUE! {exc}"
        except (ValueError, TypeError, KeyError) as exc:
            # the core rejected the input: still the user's to fix, so say what it said
            log.warning("%s failed", func.__name__, exc_info=True)
            return f"#VALUE! {func.__name__}: {exc}"
        except Exception as exc:  # noqa: BLE001 - a cell must never show a traceback
            log.exception("%s failed", func.__name__)
            return f"#VALUE! {func.__name__} failed ({type(exc).__name__}: {exc}) — see the xlwings log"

    return wrapper
