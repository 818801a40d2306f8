"""Render one xlcrm result sheet (a ``SheetSpec``) as worksheet XML plus table parts.

The output is the part-level content the package writer grafts into a workbook:
``RenderedSheet.xml`` is ``xl/worksheets/sheetN.xml``; ``tables[i]`` is a
``xl/tables/tableM.xml`` whose relationship id in the sheet's rels must be ``rId{i+1}``.

Cells are built as strings, column by column (no per-cell ElementTree), so 100k rows
render in seconds. Text is always an inline string (``t="inlineStr"``): user text that
starts with = + - @ can never become a formula, and no sharedStrings part is needed.
"""

from __future__ import annotations

import datetime as dt
import decimal
import logging
import math
import re
from dataclasses import dataclass, field
from xml.sax.saxutils import quoteattr

import numpy as np
import pandas as pd

from xlcrm import i18n
from xlcrm.errors import XlcrmError
from xlcrm.model import Column, Kind, Lang, SheetSpec, TableSpec
from xlcrm.workbook.cells import column_letter
from xlcrm.workbook.charts import Placed, chart_xml, drawing_xml
from xlcrm.workbook.styles import CellStyle, DiffStyle, StyleBook

__all__ = [
    "FORMATS",
    "RenderedSheet",
    "SheetNameError",
    "clean_text",
    "col_letter",
    "display_width",
    "render_sheet",
    "validate_sheet_name",
]

log = logging.getLogger(__name__)

SML_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

FORMATS: dict[str, str] = {
    "text": "General", "money": "#,##0.00", "int": "#,##0", "number": "#,##0.00",
    "pct": "0.0%", "prob": "0.00", "score": "0", "date": "yyyy-mm-dd",
}
HEADER = CellStyle(bold=True, fill="4472C4", font_color="FFFFFF")
TITLE = CellStyle(bold=True, font_color="1F4E78")
CENTERED = CellStyle(halign="center")
TABLE_STYLE = "TableStyleMedium2"
TAB_COLOR = "FF4472C4"

# Excel's own conditional-format presets ("Light Red Fill with Dark Red Text", ...).
RED = DiffStyle(fill="FFC7CE", font_color="9C0006")
AMBER = DiffStyle(fill="FFEB9C", font_color="9C5700")
GREEN = DiffStyle(fill="C6EFCE", font_color="006100")
BAR_COLOR = "FF638EC6"
SCALE_COLORS = ("FF63BE7B", "FFFFEB84", "FFF8696B")  # green (min), yellow, red (max): a heat map

MAX_CELL_CHARS = 32767  # Excel's limit for one cell
MAX_ROWS, MAX_COLS = 1_048_576, 16_384  # Excel's sheet size
EXCEL_MAX, EXCEL_TINY = 9.99999999999999e307, 2.2250738585072e-308  # Excel's number range
MAX_WIDTH = 60.0
MIN_WIDTH = 6.0

_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_NEEDS_WORK = re.compile("[&<>\r\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]|_x[0-9A-Fa-f]{4}_")
_XESCAPE = re.compile(r"_(x[0-9A-Fa-f]{4}_)")
_WIDE = re.compile("[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f"
                   "\uff00-\uff60\uffe0-\uffe6]")
_SHEET_BAD = set('\\/?*[]:')
_TABLE_NAME = re.compile(r"^[A-Za-z_\\][A-Za-z0-9_.\\]*$")
_CELL_LIKE = re.compile(r"^(?:[A-Za-z]{1,3}\d+|[RrCc]|[Rr]\d*[Cc]\d*)$")
_ANCHOR = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")


class SheetNameError(XlcrmError, ValueError):
    """A sheet or table name Excel would refuse."""


@dataclass
class RenderedSheet:
    xml: bytes
    tables: list[bytes]
    table_names: list[str]
    ref: str
    widths: dict[int, float] = field(default_factory=dict)  # 0-based column -> width used
    drawing: bytes | None = None  # the drawing part holding the charts (relationship rId{len(tables)+1})
    charts: list[bytes] = field(default_factory=list)  # chart parts, drawing relationship rId1.. in order
    print_titles: str | None = None  # rows repeated on each printed page, like "$1:$1"
    print_area: str | None = None  # like "$A$1:$J$40" when the sheet is too wide to print whole


# ---- small helpers ---------------------------------------------------------------------

def col_letter(i: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA (0-based; ``cells.column_letter`` is the 1-based original)."""
    return column_letter(i + 1)


def _col_index(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n - 1


def clean_text(s: str) -> str:
    """Text as a cell may hold it: XML-illegal characters removed, at most 32,767 chars."""
    s = _ILLEGAL.sub("", s)
    if len(s) > MAX_CELL_CHARS:
        log.warning("text of %d characters cut to Excel's %d-character cell limit", len(s),
                    MAX_CELL_CHARS)
        s = s[:MAX_CELL_CHARS]
    return s


def _inline(s: str) -> str:
    """The ``<is>`` body of an inline-string cell holding ``s`` literally."""
    if _NEEDS_WORK.search(s):
        s = _ILLEGAL.sub("", s)
        # Excel reads _xHHHH_ as an escaped character; escape the underscore to keep it literal.
        s = _XESCAPE.sub(r"_x005F_\1", s)
        s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        s = s.replace("\r", "&#13;")  # a raw CR would be read back as LF (XML end-of-line rule)
    if not s:
        return ""  # nothing left to show: the caller writes no cell
    if len(s) > MAX_CELL_CHARS:
        s = clean_text(s)
    if (s[0].isspace() or s[-1].isspace()):
        return f'<is><t xml:space="preserve">{s}</t></is>'
    return f"<is><t>{s}</t></is>"


def display_width(s: str) -> int:
    """Characters as a column width counts them: CJK and full-width count double."""
    longest = max(s.split("\n"), key=len) if "\n" in s else s
    return len(longest) + len(_WIDE.findall(longest))


def validate_sheet_name(name: str) -> str:
    """``name`` if Excel accepts it as a sheet name, else a SheetNameError saying why."""
    if not isinstance(name, str) or not name.strip():
        raise SheetNameError(f"sheet name {name!r} is blank — give the sheet a name")
    if len(name) > 31:
        raise SheetNameError(f"sheet name {name!r} has {len(name)} characters; Excel allows "
                             "at most 31 — shorten it")
    bad = sorted({ch for ch in name if ch in _SHEET_BAD})
    if bad:
        raise SheetNameError(f"sheet name {name!r} contains {' '.join(bad)}, which Excel does "
                             "not allow in sheet names — remove them")
    if _ILLEGAL.search(name):
        raise SheetNameError(f"sheet name {name!r} contains control characters — remove them")
    if name.startswith("'") or name.endswith("'"):
        raise SheetNameError(f"sheet name {name!r} starts or ends with an apostrophe, which "
                             "Excel does not allow — remove it")
    if name.strip().casefold() == "history":
        raise SheetNameError("sheet name 'History' is reserved by Excel — choose another name")
    return name


def _validate_table_name(name: str) -> str:
    if not name or len(name) > 255 or not _TABLE_NAME.match(name) or _CELL_LIKE.match(name):
        raise SheetNameError(
            f"table name {name!r} is not a valid Excel table name — use letters, digits, "
            "underscores and periods, starting with a letter or underscore, not a cell reference")
    return name


def _excel_serial(ts: dt.datetime | dt.date, date1904: bool) -> float | None:
    """Days since the workbook's epoch, or None when Excel cannot show the date."""
    if isinstance(ts, dt.datetime):
        if ts.tzinfo is not None:
            ts = ts.replace(tzinfo=None)
        base = dt.datetime(1904, 1, 1) if date1904 else dt.datetime(1899, 12, 30)
        delta = ts - base
        serial = delta.days + delta.seconds / 86400 + delta.microseconds / 86400e6
    else:
        base_d = dt.date(1904, 1, 1) if date1904 else dt.date(1899, 12, 30)
        serial = float((ts - base_d).days)
    # Before 1900-03-01 Excel's 1900 system is off by one (its 1900-02-29); none is valid < 0.
    low = 0.0 if date1904 else 61.0
    return serial if low <= serial < 2958466 else None


# ---- one column to cell fragments ------------------------------------------------------

@dataclass
class _ColOut:
    cells: list[str]
    width: float  # content width in characters (without padding)


class _Renderer:
    def __init__(self, lang: Lang, styles: StyleBook, date1904: bool) -> None:
        self.lang = lang
        self.styles = styles
        self.date1904 = date1904
        self.yes = i18n.value("Yes", lang)
        self.no = i18n.value("No", lang)
        self.date_xf = styles.xf(CellStyle(num_fmt=FORMATS["date"]))

    def kind_xf(self, kind: Kind) -> int:
        return self.styles.xf(CellStyle(num_fmt=FORMATS.get(kind, "General")))

    def column(self, values: pd.Series, letter: str, first_row: int, col: Column,
               row_xf: list[int] | None) -> _ColOut:
        if col.coded:
            values = _translate(values, self.lang)
        dtype = values.dtype
        num_xf = self.kind_xf(col.kind)
        # Short level/flag words read best centred (and clear of a number to their left).
        text_xf = self.styles.xf(CENTERED) if col.style in ("risk", "flag") else 0
        if pd.api.types.is_bool_dtype(dtype):
            texts = [None if v is None or v is pd.NA else (self.yes if v else self.no)
                     for v in values.tolist()]
            return self._objects(pd.Series(texts, dtype=object), letter, first_row, col, num_xf,
                                 row_xf, text_xf)
        if isinstance(dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_any_dtype(dtype):
            return self._datetimes(values, letter, first_row)
        if pd.api.types.is_numeric_dtype(dtype):
            arr = values.to_numpy(dtype="float64", na_value=np.nan)
            return self._numbers(arr, letter, first_row, num_xf, row_xf, col.kind)
        return self._objects(values, letter, first_row, col, num_xf, row_xf, text_xf)

    def _numbers(self, arr: np.ndarray, letter: str, first_row: int, xf: int,
                 row_xf: list[int] | None, kind: Kind) -> _ColOut:
        # Excel's doubles stop at 9.99999999999999E+307 and below 2.2250738585072E-308.
        arr = np.where(np.abs(arr) < EXCEL_TINY, 0.0, arr)
        finite = np.isfinite(arr) & (np.abs(arr) <= EXCEL_MAX)
        cells: list[str] = []
        append = cells.append
        r = first_row
        if row_xf is None:
            s = f' s="{xf}"' if xf else ""
            for v, ok in zip(arr.tolist(), finite.tolist()):
                append(f'<c r="{letter}{r}"{s}><v>{v!r}</v></c>' if ok else "")
                r += 1
        else:
            for v, ok, x in zip(arr.tolist(), finite.tolist(), row_xf):
                append((f'<c r="{letter}{r}"' + (f' s="{x}"' if x else "") + f"><v>{v!r}</v></c>")
                       if ok else "")
                r += 1
        width = _number_width(arr[finite], kind) if finite.any() else 0.0
        return _ColOut(cells, width)

    def _datetimes(self, values: pd.Series, letter: str, first_row: int) -> _ColOut:
        if isinstance(values.dtype, pd.DatetimeTZDtype):
            values = values.dt.tz_localize(None)
        base = pd.Timestamp("1904-01-01" if self.date1904 else "1899-12-30")
        serial = ((values - base) / pd.Timedelta(days=1)).to_numpy(dtype="float64", na_value=np.nan)
        low = 0.0 if self.date1904 else 61.0
        if (np.isfinite(serial) & ((serial < low) | (serial >= 2958466))).any():
            # Some dates Excel cannot show as dates: the per-cell path writes those as ISO text.
            return self._objects(values.astype(object), letter, first_row,
                                 Column("", "", "", "date"), self.date_xf, None)
        return self._numbers(serial, letter, first_row, self.date_xf, None, "date")

    def _objects(self, values: pd.Series, letter: str, first_row: int, col: Column, num_xf: int,
                 row_xf: list[int] | None, text_xf: int = 0) -> _ColOut:
        cells: list[str] = []
        append = cells.append
        memo: dict[str, str] = {}
        texts: set[str] = set()
        numbers: list[float] = []
        has_date = False
        r = first_row
        date_xf = self.date_xf
        ts_attr = f' s="{text_xf}"' if text_xf else ""
        for i, v in enumerate(values.tolist()):
            xf = num_xf if row_xf is None else row_xf[i]
            if v is None or v is pd.NaT or v is pd.NA:
                append("")
            elif isinstance(v, str):
                body = memo.get(v)
                if body is None:
                    body = memo[v] = _inline(v)
                    texts.add(v)
                append(f'<c r="{letter}{r}"{ts_attr} t="inlineStr">{body}</c>' if body else "")
            elif isinstance(v, (bool, np.bool_)):
                t = self.yes if v else self.no
                texts.add(t)
                append(f'<c r="{letter}{r}"{ts_attr} t="inlineStr">{_inline(t)}</c>')
            elif isinstance(v, (int, np.integer)) and abs(int(v)) >= 10**15:
                t = str(int(v))  # Excel keeps 15 digits: a long ID stays exact as text
                texts.add(t)
                append(f'<c r="{letter}{r}" t="inlineStr">{_inline(t)}</c>')
            elif isinstance(v, (int, float, np.integer, np.floating, decimal.Decimal)):
                f = float(v)
                if abs(f) < EXCEL_TINY:
                    f = 0.0
                if math.isfinite(f) and abs(f) <= EXCEL_MAX:
                    s = f' s="{xf}"' if xf else ""
                    append(f'<c r="{letter}{r}"{s}><v>{f!r}</v></c>')
                    numbers.append(f)
                else:
                    append("")
            elif isinstance(v, (dt.date, np.datetime64)):
                ts = pd.Timestamp(v).to_pydatetime() if isinstance(v, np.datetime64) else v
                serial = _excel_serial(ts, self.date1904)
                if serial is None:
                    t = ts.isoformat()[:10]
                    texts.add(t)
                    append(f'<c r="{letter}{r}" t="inlineStr">{_inline(t)}</c>')
                else:
                    append(f'<c r="{letter}{r}" s="{date_xf}">'
                           f"<v>{serial!r}</v></c>")
                    has_date = True
            else:
                t = str(v)
                texts.add(t)
                body = _inline(t)
                append(f'<c r="{letter}{r}" t="inlineStr">{body}</c>' if body else "")
            r += 1
        kind: Kind = col.kind if row_xf is None else "number"  # mixed kinds: a fair guess
        num_w = _number_width(np.array(numbers), kind) if numbers else 0.0
        return _ColOut(cells, max(num_w, 10.0 if has_date else 0.0, _text_width(texts)))


def _translate(values: pd.Series, lang: Lang) -> pd.Series:
    if lang != "zh" or not (values.dtype == object or pd.api.types.is_string_dtype(values.dtype)):
        return values
    uniq = {v for v in values.tolist() if isinstance(v, str)}
    mapping = {v: i18n.value(v, lang) for v in uniq}
    return pd.Series([mapping.get(v, v) if isinstance(v, str) else v for v in values.tolist()],
                     index=values.index, dtype=object)


def _width_bound(s: str) -> int:
    """A cheap upper bound of display_width: every wide character takes 3+ bytes in UTF-8."""
    return len(s) + (len(s.encode("utf-8", "surrogatepass")) - len(s)) // 2


def _text_width(texts: set[str]) -> float:
    best = 0
    for s in sorted(texts, key=_width_bound, reverse=True):
        if _width_bound(s) <= best or best >= MAX_WIDTH:
            break  # nothing further down can be wider
        best = max(best, display_width(s))
    return float(best)


def _number_width(finite: np.ndarray, kind: Kind) -> float:
    """How many characters the widest number shows in the column's format."""
    big = float(np.max(np.abs(finite))) * (100 if kind == "pct" else 1)
    neg = 1 if float(np.min(finite)) < 0 else 0
    digits = len(str(int(big))) if big < 1e15 else 16  # Excel shows large numbers as 1E+15
    commas = (digits - 1) // 3
    if kind in ("money", "number"):
        return digits + commas + 3 + neg
    if kind == "int":
        return digits + commas + neg
    if kind == "pct":
        return digits + 3 + neg
    if kind == "prob":
        return digits + 3 + neg
    if kind == "score":
        return digits + neg
    if kind == "date":
        return 10
    return min(11, max(len(repr(float(v))) for v in finite[:1000].tolist()) + neg)


# ---- tables and the sheet -------------------------------------------------------------

@dataclass
class _Block:
    """One table placed on the sheet."""

    spec: TableSpec
    col0: int  # 0-based first column
    header_row: int  # 1-based
    last_row: int  # last data row (>= header_row + 1: Excel needs one data row)
    labels: list[str]
    header: str  # the header row's cells
    cols: list[list[str]]  # per column, one cell fragment per data row ("" when empty)
    n: int  # data rows in the frame
    nonneg: list[bool]  # per column: no negative number in it
    widths: list[float]


def _unique_labels(columns: list[Column], lang: Lang) -> list[str]:
    """Header texts, cleaned and unique case-insensitively (Excel repairs duplicate names)."""
    out: list[str] = []
    seen: set[str] = set()
    for i, c in enumerate(columns):
        label = re.sub(r"\s+", " ", clean_text(str(c.label(lang)))).strip()  # one line
        label = label or f"Column{i + 1}"
        cand, k = label, 2
        while cand.casefold() in seen:
            cand, k = f"{label} {k}", k + 1
        seen.add(cand.casefold())
        out.append(cand)
    return out


def _layout(spec: TableSpec, lang: Lang, rnd: _Renderer) -> _Block:
    m = _ANCHOR.match(spec.anchor.strip())
    if not m:
        raise XlcrmError(f"table {spec.name!r}: anchor {spec.anchor!r} is not a cell like A1 — "
                         "give the top-left cell of the table")
    col0, header_row = _col_index(m.group(1)), int(m.group(2))
    frame = spec.frame
    missing = [c.key for c in spec.columns if c.key not in frame.columns]
    if missing:
        raise XlcrmError(f"table {spec.name!r}: the frame has no column {', '.join(missing)} — "
                         "add it or drop it from the Column list")
    if not spec.columns:
        raise XlcrmError(f"table {spec.name!r} has no columns — give it at least one Column")
    dup = sorted({c.key for c in spec.columns if list(frame.columns).count(c.key) > 1})
    if dup:
        raise XlcrmError(f"table {spec.name!r}: the frame has column {', '.join(dup)} twice — "
                         "keep one")
    labels = _unique_labels(spec.columns, lang)
    n = len(frame)
    if header_row + max(n, 1) > MAX_ROWS or col0 + len(spec.columns) > MAX_COLS:
        raise XlcrmError(f"table {spec.name!r} has {n:,} rows x {len(spec.columns)} columns at "
                         f"{spec.anchor}; a sheet holds at most {MAX_ROWS:,} rows x {MAX_COLS:,} "
                         "columns — filter the data or split it over sheets")
    first = header_row + 1
    hxf = rnd.styles.xf(HEADER)
    row_xf: list[int] | None = None
    # Metric/Value tables: the "value" column (else the last) is formatted row by row.
    keys = [c.key for c in spec.columns]
    kinds_col = keys.index("value") if "value" in keys else len(spec.columns) - 1
    if spec.row_kinds is not None:
        col_kind = spec.columns[kinds_col].kind
        kinds = list(spec.row_kinds)[:n] + [col_kind] * max(0, n - len(spec.row_kinds))
        row_xf = [rnd.kind_xf(k) for k in kinds]
    cols: list[list[str]] = []
    widths: list[float] = []
    for j, (c, label) in enumerate(zip(spec.columns, labels)):
        letter = col_letter(col0 + j)
        out = rnd.column(frame[c.key].reset_index(drop=True), letter, first, c,
                         row_xf if j == kinds_col else None)
        cols.append(out.cells)
        header_w = display_width(label) + 3  # room for the filter button
        w = c.width if c.width is not None else min(MAX_WIDTH, max(MIN_WIDTH, header_w,
                                                                   out.width + 3))
        widths.append(float(w))
    hdr = "".join(f'<c r="{col_letter(col0 + j)}{header_row}"'
                  + (f' s="{hxf}"' if hxf else "") + f' t="inlineStr">{_inline(label)}</c>'
                  for j, label in enumerate(labels))
    last_row = header_row + max(n, 1)
    nonneg = [not bool((pd.to_numeric(frame[c.key], errors="coerce") < 0).any())
              if c.style == "bar" else True for c in spec.columns]
    return _Block(spec, col0, header_row, last_row, labels, hdr, cols, n, nonneg, widths)


def _table_xml(b: _Block, table_id: int) -> bytes:
    # Write the <table> element (one ListObject).
    ref = f"{col_letter(b.col0)}{b.header_row}:{col_letter(b.col0 + len(b.labels) - 1)}{b.last_row}"
    cols = "".join(f'<tableColumn id="{i + 1}" name={quoteattr(label)}/>'
                   for i, label in enumerate(b.labels))
    name = quoteattr(b.spec.name)
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<table xmlns="{SML_NS}" id="{table_id}" name={name} displayName={name} ref="{ref}" '
        f'totalsRowShown="0"><autoFilter ref="{ref}"/>'
        f'<tableColumns count="{len(b.labels)}">{cols}</tableColumns>'
        f'<tableStyleInfo name="{TABLE_STYLE}" showFirstColumn="0" showLastColumn="0" '
        'showRowStripes="1" showColumnStripes="0"/></table>'
    ).encode()


def _conditional(b: _Block, styles: StyleBook, priority: int) -> tuple[list[str], int]:
    """<conditionalFormatting> blocks for the columns that ask for one (Column.style)."""
    out: list[str] = []
    first, last = b.header_row + 1, b.last_row
    for j, c in enumerate(b.spec.columns):
        if not c.style:
            continue
        L = col_letter(b.col0 + j)
        sqref = f"{L}{first}:{L}{last}"
        cell = f"{L}{first}"
        rules: list[str] = []

        def expr(codes: list[str], style: DiffStyle, cell: str = cell,
                 rules: list[str] = rules) -> None:
            nonlocal priority
            terms = []
            for code in codes:
                for text in dict.fromkeys([code, i18n.value(code, "zh")]):
                    terms.append(f'TRIM({cell})="{text}"')
            formula = f"OR({','.join(terms)})".replace("&", "&amp;").replace("<", "&lt;")
            rules.append(f'<cfRule type="expression" dxfId="{styles.dxf(style)}" '
                         f'priority="{priority}"><formula>{formula}</formula></cfRule>')
            priority += 1

        if c.style == "risk":
            expr(["High"], RED)
            expr(["Medium"], AMBER)
            expr(["Low"], GREEN)
        elif c.style == "flag":
            expr(["Yes"], AMBER)
        elif c.style == "bar":
            # From zero when nothing is negative, so a bar's length is proportional to its value.
            low = '<cfvo type="num" val="0"/>' if b.nonneg[j] else '<cfvo type="min"/>'
            rules.append(f'<cfRule type="dataBar" priority="{priority}"><dataBar>'
                         f'{low}<cfvo type="max"/><color rgb="{BAR_COLOR}"/>'
                         "</dataBar></cfRule>")
            priority += 1
        elif c.style == "scale":
            lo, mid, hi = SCALE_COLORS
            rules.append(f'<cfRule type="colorScale" priority="{priority}"><colorScale>'
                         '<cfvo type="min"/><cfvo type="percentile" val="50"/><cfvo type="max"/>'
                         f'<color rgb="{lo}"/><color rgb="{mid}"/><color rgb="{hi}"/>'
                         "</colorScale></cfRule>")
            priority += 1
        else:
            log.warning("column %r asks for unknown style %r; left unformatted", c.key, c.style)
            continue
        out.append(f'<conditionalFormatting sqref="{sqref}">{"".join(rules)}</conditionalFormatting>')
    return out, priority


LINK = CellStyle(font_color="0563C1")  # Excel's hyperlink blue
_CELL_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d{1,7})")


def _hyperlinks(blocks: list[_Block], styles: StyleBook) -> list[str]:
    """<hyperlinks> for tables with ``links``: a cell like F18 opens that cell of its sheet
    (a row like A5:H5 its first cell; a whole-sheet problem gets none). Internal links need
    no relationship part. Restyles the linked cells blue (call before the rows are joined)."""
    links: list[str] = []
    xf = styles.xf(LINK)
    for b in blocks:
        keys = [c.key for c in b.spec.columns]
        for cell_key, sheet_key in b.spec.links.items():
            if cell_key not in keys or sheet_key not in b.spec.frame:
                continue
            j = keys.index(cell_key)
            letter = col_letter(b.col0 + j)
            cells = b.spec.frame[cell_key].tolist()
            sheets = b.spec.frame[sheet_key].tolist()
            for i, (cell, sheet) in enumerate(zip(cells, sheets)):
                if not isinstance(sheet, str) or not sheet.strip():
                    continue
                m = _CELL_REF.match(str(cell).strip()) if isinstance(cell, str) else None
                if m is None:
                    # A whole-sheet problem (no cell): a link on an empty cell reads back as the
                    # link's text in some readers, so the file and Excel paths would differ.
                    continue
                target = f"{m.group(1).upper()}{m.group(2)}"
                ref = f"{letter}{b.header_row + 1 + i}"
                location = "'" + clean_text(sheet).replace("'", "''") + "'!" + target
                links.append(f'<hyperlink ref="{ref}" location={quoteattr(location)} '
                             f"display={quoteattr(str(cell))}/>")
                frag = b.cols[j][i]
                if frag and ' s="' not in frag.split(">", 1)[0]:
                    b.cols[j][i] = frag.replace(f'<c r="{ref}"', f'<c r="{ref}" s="{xf}"', 1)
    return ["<hyperlinks>" + "".join(links) + "</hyperlinks>"] if links else []


def _sheet_rows(parts: list[str], blocks: list[_Block],
                titles: dict[int, list[tuple[int, str]]]) -> None:
    """Append the <row> elements, cells in column order across side-by-side tables."""
    blocks = sorted(blocks, key=lambda b: b.col0)
    rows = set(titles)
    for b in blocks:
        rows.add(b.header_row)
        rows.update(range(b.header_row + 1, b.header_row + 1 + b.n))
    append, extend = parts.append, parts.extend
    single = len(blocks) == 1 and not titles
    for r in sorted(rows):
        append(f'<row r="{r}">')
        if single:  # the common large case: one table, no merging to do
            b = blocks[0]
            if r == b.header_row:
                append(b.header)
            else:
                i = r - b.header_row - 1
                extend([c[i] for c in b.cols])
            append("</row>")
            continue
        items: list[tuple[int, list[str]]] = [(c0, [frag]) for c0, frag in titles.get(r, [])]
        for b in blocks:
            if r == b.header_row:
                items.append((b.col0, [b.header]))
            elif b.header_row < r <= b.header_row + b.n:
                i = r - b.header_row - 1
                items.append((b.col0, [c[i] for c in b.cols]))
        for _, frags in sorted(items, key=lambda x: x[0]):
            extend(frags)
        append("</row>")


def render_sheet(spec: SheetSpec, *, lang: Lang, styles: StyleBook, first_table_id: int,
                 date1904: bool = False, sheet_names: dict[str, str] | None = None) -> RenderedSheet:
    """The worksheet XML and table parts of one xlcrm sheet (see the module docstring).
    ``sheet_names`` (role -> name in this workbook) serves a form sheet's formulas."""
    validate_sheet_name(spec.name)
    if spec.cells and not spec.tables:
        from xlcrm.workbook.form import render_form

        return render_form(spec, lang=lang, styles=styles,  # type: ignore[return-value]
                           sheet_names={**(sheet_names or {}), spec.role: spec.name},
                           first_table_id=first_table_id)
    if not spec.tables:
        raise XlcrmError(f"sheet {spec.name!r} has no tables — give it at least one TableSpec")
    rnd = _Renderer(lang, styles, date1904)
    names: set[str] = set()
    blocks: list[_Block] = []
    for t in spec.tables:
        _validate_table_name(t.name)
        if t.name.casefold() in names:
            raise SheetNameError(f"table name {t.name!r} is used twice on sheet {spec.name!r} — "
                                 "give each table its own name")
        names.add(t.name.casefold())
        blocks.append(_layout(t, lang, rnd))

    # Titles above tables not at A1 (dashboard blocks).
    titles: dict[int, list[tuple[int, str]]] = {}
    txf = styles.xf(TITLE)
    boxes: list[tuple[int, int, int, int, str]] = []  # r0, c0, r1, c1, name: overlap check
    for b in blocks:
        top = b.header_row
        title = clean_text(b.spec.title or "").strip()
        if title and (b.col0, b.header_row) != (0, 1) and b.header_row > 1:
            top = b.header_row - 1
            titles.setdefault(top, []).append(
                (b.col0, (f'<c r="{col_letter(b.col0)}{top}" s="{txf}" t="inlineStr">'
                          f"{_inline(title)}</c>")))
        boxes.append((top, b.col0, b.last_row, b.col0 + len(b.labels) - 1, b.spec.name))
    for i, (r0, c0, r1, c1, n1) in enumerate(boxes):
        for r0b, c0b, r1b, c1b, n2 in boxes[i + 1:]:
            if r0 <= r1b and r0b <= r1 and c0 <= c1b and c0b <= c1:
                raise XlcrmError(f"sheet {spec.name!r}: tables {n1!r} and {n2!r} overlap — "
                                 "move one of their anchors")

    # Column widths: the widest any table needs.
    widths: dict[int, float] = {}
    for b in blocks:
        for j, w in enumerate(b.widths):
            widths[b.col0 + j] = max(widths.get(b.col0 + j, 0.0), w)
    for c, w in spec.col_widths.items():
        widths[c] = max(widths.get(c, 0.0), float(w))

    max_row = max(r1 for _, _, r1, _, _ in boxes)
    max_col = max(c1 for _, _, _, c1, _ in boxes)
    min_row = min(r0 for r0, _, _, _, _ in boxes)
    min_col = min(c0 for _, c0, _, _, _ in boxes)
    ref = f"{col_letter(min_col)}{min_row}:{col_letter(max_col)}{max_row}"

    header_rows = {b.header_row for b in blocks}
    freeze = header_rows.pop() if len(header_rows) == 1 else 0
    if not freeze and not spec.charts and any((b.col0, b.header_row) == (0, 1) for b in blocks):
        freeze = 1  # the main table's header at A1 stays in view and prints on every page

    links = _hyperlinks(blocks, styles)  # restyles the linked cells, so before the rows are written
    cf: list[str] = []
    priority = 1
    for b in blocks:
        more, priority = _conditional(b, styles, priority)
        cf += more

    parts: list[str] = [
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n',
        f'<worksheet xmlns="{SML_NS}" xmlns:r="{REL_NS}">',
        f'<sheetPr><tabColor rgb="{TAB_COLOR}"/><pageSetUpPr fitToPage="1"/></sheetPr>',
        f'<dimension ref="{ref}"/>',
        '<sheetViews><sheetView workbookViewId="0">',
    ]
    if freeze:
        top_left = f"A{freeze + 1}"
        parts.append(f'<pane ySplit="{freeze}" topLeftCell="{top_left}" activePane="bottomLeft" '
                     f'state="frozen"/><selection pane="bottomLeft" activeCell="{top_left}" '
                     f'sqref="{top_left}"/>')
    parts.append('</sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/><cols>')
    for c in sorted(widths):
        parts.append(f'<col min="{c + 1}" max="{c + 1}" width="{widths[c]:.2f}" customWidth="1"/>')
    parts.append("</cols><sheetData>")
    _sheet_rows(parts, blocks, titles)
    parts.append("</sheetData>")
    parts += cf
    parts += links
    print_cols = spec.print_cols or _print_columns(widths)
    parts.append(_page_setup(spec, lang))
    drawing, charts = None, []
    if spec.charts:
        placed = {b.spec.name: Placed(b.spec.name, b.col0, b.header_row, b.last_row, b.spec.columns,
                                      b.spec.frame.reset_index(drop=True)) for b in blocks}
        charts = [chart_xml(c, placed, spec.name, lang, i + 1) for i, c in enumerate(spec.charts)]
        drawing = drawing_xml(spec.charts)
        parts.append(f'<drawing r:id="rId{len(blocks) + 1}"/>')
    parts.append(f'<tableParts count="{len(blocks)}">'
                 + "".join(f'<tablePart r:id="rId{i + 1}"/>' for i in range(len(blocks)))
                 + "</tableParts></worksheet>")
    tables = [_table_xml(b, first_table_id + i) for i, b in enumerate(blocks)]
    titles_rows = f"${freeze}:${freeze}" if freeze else None
    area = f"$A$1:${col_letter(print_cols - 1)}${max_row}" if spec.print_cols or print_cols <= max_col else None
    return RenderedSheet("".join(parts).encode("utf-8"), tables, [b.spec.name for b in blocks],
                         ref, widths, drawing, charts, titles_rows, area)


# A4 landscape between 0.5-inch margins is about 140 character widths at 100%; below ~70% the
# text is too small to read, so a wider sheet prints only its first (act-first) columns.
PRINT_WIDTH = 200.0


def _print_columns(widths: dict[int, float]) -> int:
    """How many leading columns print: all that fit in PRINT_WIDTH character widths."""
    total, n = 0.0, 0
    for c in range(max(widths, default=-1) + 1):
        total += widths.get(c, 8.43) + 0.7  # cell padding
        if total > PRINT_WIDTH and n:
            break
        n += 1
    return n


def _page_setup(spec: SheetSpec, lang: Lang) -> str:
    # Write <pageMargins>, <pageSetup> and <headerFooter>: A4 landscape, fit to the page's width.
    asof = ""
    if spec.asof:
        asof = f"统计日期 {spec.asof}" if lang == "zh" else f"As of {spec.asof}"
    page = "第 &P 页，共 &N 页" if lang == "zh" else "Page &P of &N"
    header = "&L&A" + (f"&R{asof}" if asof else "")
    footer = f"&Lxlcrm&C{page}"

    def esc(s: str) -> str:
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    return ('<pageMargins left="0.5" right="0.5" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
            '<pageSetup paperSize="9" orientation="landscape" fitToWidth="1" fitToHeight="0"/>'
            f"<headerFooter><oddHeader>{esc(header)}</oddHeader><oddFooter>{esc(footer)}</oddFooter>"
            "</headerFooter>")
