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


def _flat(value: Any, name: str) -> list[Any]:
    """One column or one row of cells as a flat list, every cell kept."""
    rows = grid(value)
    if not rows:
        return []
    width = max(len(r) for r in rows)
    if width == 1:
        return [r[0] if r else None for r in rows]
    if len(rows) == 1:
        return list(rows[0])
    raise CellError(f"{name} is {len(rows)} rows x {width} columns — select one column (or one row)")


def vector(value: Any, name: str) -> list[Any]:
    """One column or one row of cells as a flat list, trailing blanks trimmed."""
    cells = _flat(value, name)
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


def _header_state(cells: list[Any], kind: str | None, name: str) -> bool | None:
    """Whether a range's first cell is a header: True, False, or None when its text could be
    either (an id column whose first cell is text but no header xlcrm knows)."""
    if not cells:
        return False
    first = cells[0]
    if is_header_text(first):
        return True
    if not isinstance(first, str) or _blank(first):
        return False
    if kind in ("number", "date"):
        parse = to_number if kind == "number" else to_date
        try:
            parse(first, name)
            return False  # a value typed as text ("1,234")
        except CellError:
            pass
        if re.search(r"\d", first) or len(cells) < 2:
            return False  # text with digits is a mistyped value: it gets its error later
        try:
            parse(cells[1], name)
            return True  # text above a number/date: a header xlcrm does not know ("毛利(元)")
        except CellError:
            return False
    return None


def _rows(n: int) -> str:
    return f"{n} row" + ("" if n == 1 else "s")


def columns(kinds: dict[str, str], **ranges: Any) -> Columns:
    """Flatten ranges named by ``kinds`` (``"id"``, ``"number"``, ``"date"``, ``"text"``), each
    with or without its own header row, and line them up row by row. ``None`` ranges are
    skipped, and so are optional ranges left blank.

    Never a shifted answer: a header is recognised per range (a known header alias, or text
    without digits above a number/date); text that could be a header or a value is taken as
    whichever makes the ranges equally high. Ranges that are not then equally high, or that
    start on different rows of one sheet, are refused with an error naming them.
    """
    cells: dict[str, list[Any]] = {}
    origin: dict[str, tuple[Any, Any]] = {}
    for name, rng in ranges.items():
        if rng is None:
            continue
        flat = _flat(rng, name)
        if kinds.get(name) != "id" and all(_blank(c) for c in flat):
            continue  # an optional range left blank ("" or an empty cell) counts as not given
        cells[name] = flat
        origin[name] = (getattr(rng, "sheet", None), getattr(rng, "row", None))
    state = {name: _header_state(c, kinds.get(name), name) for name, c in cells.items()}

    def has_header(name: str, unknown_is_header: bool) -> bool:
        return bool(state[name]) if state[name] is not None else unknown_is_header

    def heights(unknown_is_header: bool) -> dict[str, int]:
        return {n: len(c) - has_header(n, unknown_is_header) for n, c in cells.items()}

    # text that may be a header: first read as a value (a customer may be called "Name"),
    # as a header when that is what lines the ranges up
    choice = next((u for u in (False, True) if len(set(heights(u).values())) <= 1), None)
    if choice is None:
        h = heights(False)
        (a, ha), (b, hb) = sorted(h.items(), key=lambda kv: -kv[1])[0], sorted(h.items(), key=lambda kv: kv[1])[0]
        heads_note = {n for n in cells if state[n]}
        why = (f" after the header row of {', '.join(sorted(heads_note))}" if heads_note else "")
        raise CellError(f"{a} has {_rows(ha)} but {b} has {_rows(hb)}{why} — select the same rows in each, "
                        "all with or all without the header row")
    heads = {n: c[0] for n, c in cells.items() if has_header(n, choice)}
    data = {n: (c[1:] if n in heads else list(c)) for n, c in cells.items()}

    starts: dict[Any, dict[int, str]] = {}
    for name, (sheet, row) in origin.items():
        if sheet is not None and row is not None:
            starts.setdefault(sheet, {}).setdefault(int(row) + (name in heads), name)
    for sheet, first_rows in starts.items():
        if len(first_rows) > 1:
            (ra, a), (rb, b) = sorted(first_rows.items())[:2]
            raise CellError(f"{a} starts at row {ra} of {sheet} but {b} at row {rb} — one row per record: "
                            "select the same rows in each")

    n = len(next(iter(data.values()), []))
    while n and all(_blank(col[n - 1]) for col in data.values()):
        n -= 1  # rows blank in every range (the end of a whole-column selection)
    data = {name: col[:n] for name, col in data.items()}
    return Columns(data, heads, 1 if heads else 0)


def to_number(v: Any, name: str = "value") -> float:
    """A cell as float; blank -> NaN; text like ``¥1,234.50``, ``1,234.50元`` or ``(12.50)`` is
    read as ``xlcrm refresh`` reads it; ``1,2,3`` is not a number (never 123)."""
    if _blank(v):
        return math.nan
    if isinstance(v, bool):
        raise CellError(f"{name}: {v} is not a number — enter a number")
    if isinstance(v, (int, float)):
        return float(v)
    if isinstance(v, (dt.date, dt.datetime)):
        raise CellError(f"{name}: {v:%Y-%m-%d} is a date, not a number — select the amount column")
    from xlcrm.workbook.cells import parse_number

    try:  # text read by the workbook reader's own rules, so a formula and `xlcrm refresh` agree
        number = parse_number(str(v))
    except ValueError:
        number = None
    if number is None:
        raise CellError(f'{name}: "{v}" is not a number — enter a number, or clear the cell')
    return number


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
    from xlcrm.workbook.cells import parse_date

    try:  # the workbook reader's rules (2024-01-05, 2024/1/5, 2024年1月5日, 20240105, 5-Jan-2024 ...)
        day = parse_date(str(v).strip())
    except ValueError:
        day = None
    if day is None or day != day:
        raise CellError(f'{name}: "{v}" is not a date — enter a date such as 2024-01-05')
    return day.date()


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
