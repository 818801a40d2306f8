"""Until the renderer (xlcrm.workbook.render) lands, a minimal stand-in with its interface."""

from __future__ import annotations

import importlib.util
import sys
import types
from dataclasses import dataclass, field
from xml.sax.saxutils import escape


def _install_stub() -> None:
    @dataclass
    class RenderedSheet:
        xml: bytes
        tables: list[bytes]
        table_names: list[str]
        ref: str
        widths: dict = field(default_factory=dict)

    def col(i: int) -> str:
        s = ""
        i += 1
        while i:
            i, r = divmod(i - 1, 26)
            s = chr(65 + r) + s
        return s

    def render_sheet(spec, *, lang, styles, first_table_id, date1904=False):
        from xlcrm.workbook.styles import CellStyle

        bold = styles.xf(CellStyle(bold=True, fill="DDEBF7"))
        t = spec.tables[0]
        cols = t.columns
        rows = [f'<row r="1">' + "".join(
            f'<c r="{col(j)}1" s="{bold}" t="inlineStr"><is><t>{escape(c.label(lang))}</t></is></c>'
            for j, c in enumerate(cols)) + "</row>"]
        for i, rec in enumerate(t.frame[[c.key for c in cols]].itertuples(index=False), 2):
            cells = []
            for j, v in enumerate(rec):
                if isinstance(v, (int, float)) and not isinstance(v, bool):
                    cells.append(f'<c r="{col(j)}{i}"><v>{v!r}</v></c>')
                else:
                    cells.append(f'<c r="{col(j)}{i}" t="inlineStr"><is><t>{escape(str(v))}</t></is></c>')
            rows.append(f'<row r="{i}">' + "".join(cells) + "</row>")
        ref = f"A1:{col(len(cols) - 1)}{len(t.frame) + 1}"
        xml = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
               '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
               'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
               f'<dimension ref="{ref}"/><sheetData>' + "".join(rows) + "</sheetData>"
               '<tableParts count="1"><tablePart r:id="rId1"/></tableParts></worksheet>')
        table = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                 '<table xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                 f'id="{first_table_id}" name="{t.name}" displayName="{t.name}" ref="{ref}">'
                 f'<autoFilter ref="{ref}"/><tableColumns count="{len(cols)}">'
                 + "".join(f'<tableColumn id="{j + 1}" name="{escape(c.label(lang))}"/>'
                           for j, c in enumerate(cols))
                 + '</tableColumns><tableStyleInfo name="TableStyleMedium2" showRowStripes="1"/></table>')
        return RenderedSheet(xml.encode(), [table.encode()], [t.name], ref)

    mod = types.ModuleType("xlcrm.workbook.render")
    mod.RenderedSheet = RenderedSheet
    mod.render_sheet = render_sheet
    sys.modules["xlcrm.workbook.render"] = mod


if importlib.util.find_spec("xlcrm.workbook.render") is None:
    _install_stub()
