"""Render a form-like xlcrm sheet (the customer card): free cells, formulas and a drop-down.

Formulas are written without a cached value, so Excel computes them when it opens the book
(and LibreOffice when told to recalculate on load, or with Ctrl+Shift+F9). "{role}" in a
formula or a validation list becomes the quoted name that role's sheet got in this workbook
(a user may have renamed it).
"""

from __future__ import annotations

import re
from xml.sax.saxutils import escape, quoteattr

from xlcrm.errors import XlcrmError
from xlcrm.model import Lang, SheetSpec
from xlcrm.workbook.charts import sheet_ref
from xlcrm.workbook.styles import CellStyle, StyleBook

__all__ = ["render_form"]

_REF = re.compile(r"^([A-Z]{1,3})(\d+)$")
_ROLE = re.compile(r"\{([a-z_]+)\}")
FORMATS = {"text": "General", "money": "#,##0.00", "int": "#,##0", "number": "#,##0.00",
           "pct": "0.0%", "prob": "0.00", "score": "0", "date": "yyyy-mm-dd"}
STYLES = {
    "title": CellStyle(bold=True, font_color="1F4E78"),
    "section": CellStyle(bold=True, fill="4472C4", font_color="FFFFFF"),
    "label": CellStyle(bold=True),
    "input": CellStyle(bold=True, fill="FFF2CC", border=True),
    "note": CellStyle(font_color="7F7F7F"),
}


def _col(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _resolve(text: str, names: dict[str, str]) -> str:
    def sub(m: re.Match[str]) -> str:
        role = m.group(1)
        if role not in names:
            raise XlcrmError(f"a formula refers to the {role} sheet, which this refresh does not write")
        return sheet_ref(names[role])
    return _ROLE.sub(sub, text)


def render_form(spec: SheetSpec, *, lang: Lang, styles: StyleBook, sheet_names: dict[str, str],
                first_table_id: int = 1) -> object:
    """A ``RenderedSheet`` (no tables) for ``spec.cells``."""
    from xlcrm.workbook.render import RenderedSheet, _page_setup, clean_text

    rows: dict[int, list[tuple[int, str]]] = {}
    for cell in spec.cells:
        m = _REF.match(cell.ref)
        if not m:
            raise XlcrmError(f"card cell {cell.ref!r} is not a cell like B3")
        col, row = _col(m.group(1)), int(m.group(2))
        if cell.formula is not None:
            style = CellStyle(num_fmt=FORMATS.get(cell.kind, "General"), wrap=cell.style == "text")
            xf = styles.xf(style)
            body = f"<f>{escape(_resolve(cell.formula, sheet_names))}</f>"
            frag = f'<c r="{cell.ref}" s="{xf}">{body}</c>'
        else:
            xf = styles.xf(STYLES.get(cell.style, CellStyle()))
            value = cell.value
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                frag = f'<c r="{cell.ref}" s="{xf}"><v>{float(value)!r}</v></c>'
            else:
                text = escape(clean_text("" if value is None else str(value)))
                frag = f'<c r="{cell.ref}" s="{xf}" t="inlineStr"><is><t>{text}</t></is></c>'
        rows.setdefault(row, []).append((col, frag))
    max_row = max(rows, default=1)
    max_col = max((c for r in rows.values() for c, _ in r), default=1)
    parts = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n',
             '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
             'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">',
             '<sheetPr><tabColor rgb="FF4472C4"/><pageSetUpPr fitToPage="1"/></sheetPr>',
             f'<dimension ref="A1:{_letter(max_col)}{max_row}"/>',
             '<sheetViews><sheetView showGridLines="0" workbookViewId="0"><selection activeCell="B3" '
             'sqref="B3"/></sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/><cols>']
    for c in sorted(spec.col_widths):
        parts.append(f'<col min="{c + 1}" max="{c + 1}" width="{spec.col_widths[c]:.2f}" customWidth="1"/>')
    parts.append("</cols><sheetData>")
    for r in sorted(rows):
        height = spec.row_heights.get(r)
        attrs = f' ht="{height:g}" customHeight="1"' if height else ""
        parts.append(f'<row r="{r}"{attrs}>' + "".join(f for _, f in sorted(rows[r])) + "</row>")
    parts.append("</sheetData>")
    if spec.validations:
        parts.append(f'<dataValidations count="{len(spec.validations)}">')
        for sqref, source in spec.validations:
            parts.append(f'<dataValidation type="list" allowBlank="1" showInputMessage="1" showErrorMessage="1" '
                         f'sqref="{sqref}"><formula1>{escape(_resolve(source, sheet_names))}</formula1>'
                         "</dataValidation>")
        parts.append("</dataValidations>")
    setup = _page_setup(spec, lang).replace('fitToHeight="0"', 'fitToHeight="1"')  # one page
    parts.append(setup.replace('orientation="landscape"', 'orientation="portrait"'))
    # One table over A2:B<last> (header row 2): xlcrm knows its sheets by their xlcrm_<role> table.
    name = f"xlcrm_{spec.role}"
    heads = {c.ref: str(c.value) for c in spec.cells if c.ref in ("A2", "B2")}
    ref = f"A2:B{max(max_row, 3)}"
    parts.append('<tableParts count="1"><tablePart r:id="rId1"/></tableParts>')
    parts.append("</worksheet>")
    cols = "".join(f'<tableColumn id="{i + 1}" name={quoteattr(clean_text(heads.get(c, f"Column{i + 1}")))}/>'
                   for i, c in enumerate(("A2", "B2")))
    table = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
             f'<table xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" id="{first_table_id}" '
             f'name="{name}" displayName="{name}" ref="{ref}" totalsRowShown="0">'
             f'<tableColumns count="2">{cols}</tableColumns><tableStyleInfo name="TableStyleLight1" '
             'showFirstColumn="0" showLastColumn="0" showRowStripes="0" showColumnStripes="0"/></table>')
    widths = {c: float(w) for c, w in spec.col_widths.items()}
    return RenderedSheet("".join(parts).encode("utf-8"), [table.encode("utf-8")], [name],
                         f"A1:{_letter(max_col)}{max_row}", widths,
                         print_area=f"$A$1:${_letter(spec.print_cols or max_col)}${max_row}")


def _letter(n: int) -> str:
    from xlcrm.workbook.cells import column_letter

    return column_letter(n)
