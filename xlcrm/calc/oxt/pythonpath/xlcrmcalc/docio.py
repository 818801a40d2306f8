"""The document half of CalcBook: read cells from and write tables into the open spreadsheet.

Only mechanics live here (UNO calls); what to write where is decided by
``xlcrm.calc.book.CalcBook`` in the worker, the same logic as the Excel ribbon's book.
Values cross as plain Python: float, str, bool, None, datetime.
"""

import datetime as dt

from com.sun.star.util.NumberFormat import DATE, DATETIME, LOGICAL
from com.sun.star.table.CellContentType import EMPTY

PREFIX = "_xlcrm_"  # xlcrm.workbook.marker.PREFIX
CLEAR_ALL = 1023  # com.sun.star.sheet.CellFlags: every kind of content and format


def null_date(doc):
    d = doc.NullDate
    return dt.datetime(d.Year, d.Month, d.Day)


def _sheet_rows(doc, sheet, base, formats):
    cursor = sheet.createCursor()
    cursor.gotoEndOfUsedArea(False)
    end = cursor.getRangeAddress()
    if end.EndRow == 0 and end.EndColumn == 0 and sheet.getCellByPosition(0, 0).Type == EMPTY:
        return []
    area = sheet.getCellRangeByPosition(0, 0, end.EndColumn, end.EndRow)
    rows = [[None if v == "" else v for v in row] for row in area.getDataArray()]
    # dates and booleans are numbers in Calc; their number format says which (as Excel's)
    for rng in sheet.getCellFormatRanges():
        kind = _kind(formats, rng.NumberFormat)
        if kind is None:
            continue
        a = rng.getRangeAddress()
        for r in range(a.StartRow, min(a.EndRow, end.EndRow) + 1):
            row = rows[r]
            for c in range(a.StartColumn, min(a.EndColumn, end.EndColumn) + 1):
                v = row[c]
                if isinstance(v, float):
                    if kind == "bool":
                        row[c] = bool(v)
                    else:
                        row[c] = base + dt.timedelta(days=v)
    return rows


def _kind(formats, key):
    try:
        t = formats.getByKey(key).Type
    except Exception:  # noqa: BLE001 - an unknown key is a plain number
        return None
    if t & LOGICAL:
        return "bool"
    if t & (DATE | DATETIME):
        return "date"
    return None


def raw_sheets(doc):
    """[(name, rows)] for every sheet, rows from A1 to the end of the used area."""
    base = null_date(doc)
    formats = doc.NumberFormats
    sheets = doc.Sheets
    return [(sheets.getByIndex(i).Name, _sheet_rows(doc, sheets.getByIndex(i), base, formats))
            for i in range(sheets.Count)]


def owned(doc):
    """{sheet name: role} from the ``_xlcrm_<role>`` named ranges (they follow a renamed sheet)."""
    out = {}
    names = doc.NamedRanges
    for name in names.ElementNames:
        if not name.startswith(PREFIX):
            continue
        try:
            index = names.getByName(name).getReferredCells().getRangeAddress().Sheet
            out[doc.Sheets.getByIndex(index).Name] = name[len(PREFIX):]
        except Exception:  # noqa: BLE001 - a name whose sheet was deleted (#REF!) marks nothing
            continue
    return out


def sheet_names(doc):
    return list(doc.Sheets.ElementNames)


def _format_key(doc, code):
    from com.sun.star.lang import Locale

    formats = doc.NumberFormats
    locale = Locale("en", "US", "")
    key = formats.queryKey(code, locale, False)
    if key == -1:
        key = formats.addNew(code, locale)
    return key


def _cell(v, base):
    if v is None:
        return ""
    if isinstance(v, bool):
        return 1.0 if v else 0.0
    if isinstance(v, dt.datetime):
        delta = v - base
        return delta.days + delta.seconds / 86400.0
    if isinstance(v, (int, float)):
        return float(v)
    return str(v)


def _marker(doc, role, sheet_name):
    from com.sun.star.table import CellAddress

    names = doc.NamedRanges
    name = PREFIX + role
    if names.hasByName(name):
        names.removeByName(name)
    index = list(doc.Sheets.ElementNames).index(sheet_name)
    content = "$'%s'.$A$1" % sheet_name.replace("'", "''")
    names.addNewByName(name, content, CellAddress(index, 0, 0), 0)


def write_sheet(doc, plan):
    """Write one sheet as planned by CalcBook: create or clear it, rename, mark, fill its tables."""
    sheets = doc.Sheets
    name = plan["sheet"]
    if plan["create"]:
        sheets.insertNewByName(name, sheets.Count)
    sheet = sheets.getByName(name)
    if not plan["create"]:
        sheet.clearContents(CLEAR_ALL)
        if plan.get("rename") and plan["rename"] != name:
            sheet.Name = plan["rename"]
            name = plan["rename"]
    if plan.get("role"):
        _marker(doc, plan["role"], name)
    base = null_date(doc)
    for table in plan["tables"]:
        _write_table(doc, sheet, table, base)
    sheet.IsVisible = not plan.get("hidden", False)
    return name


def _write_table(doc, sheet, table, base):
    rows = table["rows"]
    col0, row0 = table["col"], table["row"]  # 0-based anchor
    if table.get("title") and row0 > 0:
        sheet.getCellByPosition(col0, row0 - 1).setString(table["title"])
    width = len(rows[0])
    data = tuple(tuple(_cell(v, base) for v in row) for row in rows)
    target = sheet.getCellRangeByPosition(col0, row0, col0 + width - 1, row0 + len(rows) - 1)
    target.setDataArray(data)
    n = len(rows)
    for j, code in enumerate(table["formats"]):
        if code and n > 1:
            sheet.getCellRangeByPosition(col0 + j, row0 + 1, col0 + j, row0 + n - 1).NumberFormat = \
                _format_key(doc, code)
    for i, code in enumerate(table.get("row_formats") or []):
        if code:
            sheet.getCellByPosition(col0 + table["value_col"], row0 + 1 + i).NumberFormat = _format_key(doc, code)
    header = sheet.getCellRangeByPosition(col0, row0, col0 + width - 1, row0)
    header.CharWeight = 150.0  # com.sun.star.awt.FontWeight.BOLD
    for j in range(width):
        sheet.Columns.getByIndex(col0 + j).OptimalWidth = True
    if table.get("name"):
        _database_range(doc, table["name"], target.getRangeAddress())


def _database_range(doc, name, address):
    """The table as a named database range with an AutoFilter (Calc's Excel table)."""
    ranges = doc.DatabaseRanges
    if ranges.hasByName(name):
        ranges.removeByName(name)
    try:
        ranges.addNewByName(name, address)
        ranges.getByName(name).AutoFilter = True
    except Exception:  # noqa: BLE001 - a clash with a user's range name: the cells are written anyway
        pass


def add_user_sheet(doc, plan):
    sheets = doc.Sheets
    existing = {n.lower() for n in sheets.ElementNames}
    name, n = plan["sheet"], 2
    while name.lower() in existing:
        name = "%s (%d)" % (plan["sheet"][:27], n)
        n += 1
    sheets.insertNewByName(name, sheets.Count)
    sheet = sheets.getByName(name)
    base = null_date(doc)
    for table in plan["tables"]:
        _write_table(doc, sheet, dict(table, name=None), base)
    return name
