"""CalcBook: the Excel ribbon's ``Book`` for the spreadsheet open in LibreOffice Calc.

It lives in the worker and asks the office (``oxt/pythonpath/xlcrmcalc/docio.py``) for cells
and writes, so the ribbon's callbacks (``xlcrm.excel.ribbon``) run unchanged: the same
read -> settings -> ``xlcrm.refresh.compute`` -> write as ``xlcrm refresh``. The decisions
(which sheet a role goes to, renames on a language switch, never writing into a user's
sheet) are the ones ``XlwingsBook`` makes; docio only carries them out. Owned sheets carry
the same ``_xlcrm_<role>`` named ranges, which Calc saves as the defined names the batch
reader and Excel look for.
"""

from __future__ import annotations

import re
from typing import Any, Protocol, Sequence

from xlcrm import i18n
from xlcrm.excel.book import cell_value, number_format
from xlcrm.model import Lang, SheetSpec, TableSpec


class Asker(Protocol):
    def ask(self, method: str, *args: Any) -> Any: ...


_ANCHOR = re.compile(r"^([A-Z]+)(\d+)$")


def anchor_position(anchor: str) -> tuple[int, int]:
    """"C5" -> (row 4, column 2), 0-based."""
    m = _ANCHOR.match(anchor.replace("$", "").upper())
    if not m:
        raise ValueError(f"not a cell address: {anchor!r}")
    col = 0
    for ch in m.group(1):
        col = col * 26 + ord(ch) - 64
    return int(m.group(2)) - 1, col - 1


def calc_value(value: Any, column: Any, lang: Lang) -> Any:
    """A result value as the Excel book writes it, less Excel's ' text prefix: Calc's
    setDataArray stores text as text, it never parses a leading = as a formula."""
    shown = i18n.value(value, lang) if getattr(column, "coded", False) and isinstance(value, str) else value
    if isinstance(shown, str) and shown[:1] in ("=", "+", "-", "@"):
        return shown
    return cell_value(value, column, lang)


def table_plan(table: TableSpec, lang: Lang) -> dict[str, Any]:
    cols = table.columns
    rows: list[list[Any]] = [[c.label(lang) for c in cols]]
    for record in table.frame[[c.key for c in cols]].itertuples(index=False, name=None):
        rows.append([calc_value(v, c, lang) for v, c in zip(record, cols)])
    keys = [c.key for c in cols]
    row, col = anchor_position(table.anchor)
    return {
        "name": table.name,
        "row": row,
        "col": col,
        "title": table.title if table.anchor.upper() != "A1" else None,
        "rows": rows,
        "formats": [number_format(c.kind) for c in cols],
        "row_formats": [number_format(k) for k in table.row_kinds] if table.row_kinds else None,
        "value_col": keys.index("value") if "value" in keys else len(keys) - 1,  # as TableSpec says
    }


class CalcBook:
    """The document open in Calc, through the worker's channel to the office."""

    replaces_all_owned = False

    def __init__(self, channel: Asker) -> None:
        self.channel = channel
        self.name = channel.ask("name")

    def read(self) -> Any:
        from xlcrm.workbook.read import RawSheet, read_sheets

        raws = [RawSheet(name, rows) for name, rows in self.channel.ask("raw_sheets")]
        return read_sheets(raws, owned=self.channel.ask("owned"), source=self.name)

    def owned_roles(self) -> set[str]:
        return set(self.channel.ask("owned").values())

    def write(self, sheets: Sequence[SheetSpec], *, lang: Lang) -> list[str]:
        owned = {role: sheet for sheet, role in self.channel.ask("owned").items()}
        existing = {n.lower() for n in self.channel.ask("sheet_names")}
        written = []
        for spec in sheets:
            current = owned.get(spec.role)
            rename = None
            if current is None:
                name = spec.name
                if name.lower() in existing:  # a user sheet of that name: never write into it
                    name = spec.name[:26] + " (2)"
                existing.add(name.lower())
            else:
                name = current
                # follow a language switch; keep a name the user chose
                if current != spec.name and current in i18n.SHEETS.get(spec.role, ()) \
                        and spec.name.lower() not in existing:
                    rename = spec.name
            plan = {"sheet": name, "create": current is None, "rename": rename, "role": spec.role,
                    "hidden": spec.hidden, "tables": [table_plan(t, lang) for t in spec.tables]}
            written.append(self.channel.ask("write_sheet", plan))
        return written

    def add_user_sheet(self, sheet: SheetSpec, *, lang: Lang) -> str | None:
        plan = {"sheet": sheet.name, "tables": [table_plan(t, lang) for t in sheet.tables]}
        return self.channel.ask("add_user_sheet", plan)

    def message(self, text: str) -> None:
        self.channel.ask("message", text)
