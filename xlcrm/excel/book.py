"""The book seam: what the ribbon needs from a workbook, with a live-Excel and a file implementation.

Like httpx's transports, the ribbon logic (``xlcrm.excel.ribbon``) talks only to ``Book``:
- ``XlwingsBook``: the workbook open in Excel. Values are read through xlwings, results are
  written into the sheets xlcrm owns (found by their marker name) and Excel does the saving,
  so nothing of the user's is lost.
- ``FileBook``: a workbook on disk, read with ``xlcrm.workbook.read.read_workbook`` and
  written with ``xlcrm.workbook.write.write_in_place`` (the batch path); tests use it.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from pathlib import Path
from typing import Any, Protocol, Sequence, runtime_checkable

from xlcrm import i18n
from xlcrm.model import Lang, SheetSpec, TableSpec
from xlcrm.workbook import marker

log = logging.getLogger(__name__)



def number_format(kind: str | None) -> str | None:
    """The Excel format code of a column kind: the file writer's own map, so the ribbon and
    ``xlcrm refresh`` show numbers alike ("General" is left alone)."""
    from xlcrm.workbook.render import FORMATS

    fmt = FORMATS.get(kind or "")
    return None if fmt in (None, "General") else fmt


@runtime_checkable
class Book(Protocol):
    """A workbook the ribbon can act on."""

    name: str
    # True when ``write`` drops the xlcrm sheets it is not given (the batch writer does): the
    # ribbon then passes the other sheets xlcrm owns along, so one button never deletes them.
    replaces_all_owned: bool

    def read(self) -> Any:
        """The workbook's tables as ``xlcrm.workbook.read.ReadResult``."""

    def owned_roles(self) -> set[str]:
        """Roles of the sheets xlcrm owns in the workbook now."""

    def write(self, sheets: Sequence[SheetSpec], *, lang: Lang) -> list[str]:
        """Write ``sheets`` as xlcrm-owned sheets (replacing earlier ones); return their names."""

    def add_user_sheet(self, sheet: SheetSpec, *, lang: Lang) -> str | None:
        """Add a sheet that belongs to the user (no xlcrm marker, never replaced); its name,
        or None when this book cannot do that."""

    def message(self, text: str) -> None:
        """Tell the user something (a dialog in Excel)."""


class FileBook:
    """A workbook file: the batch reader and the in-place writer."""

    replaces_all_owned = True
    writes_forms = True  # the file writer renders the customer card's cells and formulas

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.name = self.path.name
        self.messages: list[str] = []

    def owned_roles(self) -> set[str]:
        from xlcrm.workbook.write import owned_sheets

        return set(owned_sheets(self.path))

    def add_user_sheet(self, sheet: SheetSpec, *, lang: Lang) -> str | None:
        # The batch writer marks every sheet it writes as xlcrm's (and the reader skips those),
        # so it cannot add a sheet for the user to edit without risking it on the next refresh.
        return None

    def read(self) -> Any:
        from xlcrm.workbook import package, write
        from xlcrm.workbook.read import read_workbook

        write.check_lock(self.path)  # as `xlcrm refresh`: refuse a file open in Excel, or unusable
        self._checked = write.file_signature(self.path)  # unchanged by the write: no second deep check
        package.check_package(self.path)
        return read_workbook(self.path)

    def write(self, sheets: Sequence[SheetSpec], *, lang: Lang) -> list[str]:
        from xlcrm.workbook.write import write_in_place

        report = write_in_place(self.path, list(sheets), lang=lang, checked=getattr(self, "_checked", None))
        return list(getattr(report, "written", None) or [s.name for s in sheets])

    def message(self, text: str) -> None:
        log.info("%s: %s", self.name, text)
        self.messages.append(text)


class XlwingsBook:
    """The workbook open in Excel (``xw.Book.caller()`` when run from the ribbon)."""

    replaces_all_owned = False

    def __init__(self, book: Any = None) -> None:
        if book is None:
            import xlwings as xw

            book = xw.Book.caller()
        self.book = book
        self.name = book.name

    # -- reading
    def raw_sheets(self) -> list[Any]:
        from xlcrm.workbook.read import RawSheet

        out = []
        for sheet in self.book.sheets:
            used = sheet.used_range
            rows = used.options(ndim=2).value or []
            out.append(RawSheet(sheet.name, rows, first_row=used.row, first_col=used.column))
        return out

    def read(self) -> Any:
        from xlcrm.workbook.read import read_sheets

        owned = {sheet.name: role for role, sheet in self._owned().items()}
        return read_sheets(self.raw_sheets(), owned=owned, source=self.name)

    # -- writing
    def owned_roles(self) -> set[str]:
        return set(self._owned())

    def add_user_sheet(self, sheet: SheetSpec, *, lang: Lang) -> str | None:
        existing = {s.name.lower() for s in self.book.sheets}
        name = sheet.name
        n = 2
        while name.lower() in existing:
            name = f"{sheet.name[:27]} ({n})"
            n += 1
        target = self.book.sheets.add(name, after=self.book.sheets[-1])
        for table in sheet.tables:
            _write_table(target, table, lang)
        return name

    def _owned(self) -> dict[str, Any]:
        """role -> sheet, from the marker names (a renamed sheet keeps its marker)."""
        owned = {}
        names = {s.name: s for s in self.book.sheets}
        for name in self.book.names:
            role = marker.role_of_name(name.name.split("!")[-1])
            if role is None:
                continue
            sheet = marker.sheet_of_ref(str(name.refers_to))
            if sheet in names:
                owned[role] = names[sheet]
        return owned

    def write(self, sheets: Sequence[SheetSpec], *, lang: Lang) -> list[str]:
        owned = self._owned()
        existing = {s.name.lower() for s in self.book.sheets}
        written = []
        app = self.book.app
        screen = app.screen_updating
        app.screen_updating = False
        try:
            for spec in sheets:
                sheet = owned.get(spec.role)
                if sheet is None:
                    name = spec.name
                    if name.lower() in existing:  # a user sheet of that name: never write into it
                        name = (spec.name[:26] + " (2)")
                    sheet = self.book.sheets.add(name, after=self.book.sheets[-1])
                    existing.add(name.lower())
                    self.book.names.add(marker.defined_name(spec.role), "=" + marker.ref_to_sheet(name))
                    _hide_name(self.book, marker.defined_name(spec.role))
                else:
                    for table in list(sheet.tables):
                        table.delete()
                    sheet.clear()
                    # follow a language switch; keep a name the user chose
                    ours = i18n.SHEETS.get(spec.role, ())
                    if sheet.name != spec.name and sheet.name in ours and spec.name.lower() not in existing:
                        sheet.name = spec.name
                for table in spec.tables:
                    _write_table(sheet, table, lang)
                sheet.visible = not spec.hidden
                written.append(sheet.name)
        finally:
            app.screen_updating = screen
        return written

    def message(self, text: str) -> None:
        app = self.book.app
        try:
            if not app.visible:  # Excel run by a script: a dialog nobody sees would wait forever
                app.status_bar = text
                return
            app.alert(text, title="xlcrm")
        except Exception:  # noqa: BLE001 - older Excel/xlwings without alert: the status bar will do
            app.status_bar = text


def _hide_name(book: Any, name: str) -> None:
    try:
        book.names[name].api.Visible = False  # Windows COM; on a Mac the name stays visible
    except Exception:  # noqa: BLE001
        log.debug("could not hide the defined name %s", name)


def cell_value(value: Any, column: Any, lang: Lang) -> Any:
    """A result value as written by xlwings: codes translated, text never a formula, NaN blank."""
    if value is None or type(value).__name__ in ("NAType", "NaTType"):  # pandas' missing markers
        return None  # (pd.NA would reach COM as an object it cannot pass)
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "to_pydatetime"):
        return None if value != value else value.to_pydatetime()
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if getattr(column, "coded", False):
        value = i18n.value(value, lang)
    if isinstance(value, str) and not value:
        return None  # an empty cell, as the file writer leaves it
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value  # Excel's text prefix: shown as typed, never evaluated
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.datetime(value.year, value.month, value.day)
    return value


def table_rows(table: TableSpec, lang: Lang) -> list[list[Any]]:
    """Header row plus values of one result table, ready for ``range.value``."""
    cols = table.columns
    rows = [[c.label(lang) for c in cols]]
    frame = table.frame
    for record in frame[[c.key for c in cols]].itertuples(index=False, name=None):
        rows.append([cell_value(v, c, lang) for v, c in zip(record, cols)])
    return rows


def _write_table(sheet: Any, table: TableSpec, lang: Lang) -> None:
    rows = table_rows(table, lang)
    anchor = sheet.range(table.anchor)
    if table.title and table.anchor != "A1":
        anchor.offset(-1, 0).value = table.title
    target = anchor.resize(len(rows), len(rows[0]))
    target.value = rows
    for j, col in enumerate(table.columns):
        fmt = number_format(col.kind)
        if fmt and len(rows) > 1:
            anchor.offset(1, j).resize(len(rows) - 1, 1).number_format = fmt
    if table.row_kinds:  # Metric/Value tables: each row's value has its own kind
        keys = [c.key for c in table.columns]
        last = keys.index("value") if "value" in keys else len(keys) - 1  # as TableSpec says
        for i, kind in enumerate(table.row_kinds):
            fmt = number_format(kind)
            if fmt:
                anchor.offset(1 + i, last).number_format = fmt
    sheet.tables.add(source=target, name=table.name)
    target.columns.autofit()
