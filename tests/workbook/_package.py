"""A minimal package around rendered sheets, for tests only (graft's write_new is the real one).

Just enough parts for openpyxl and LibreOffice to open the result: content types, package
and workbook relations, workbook.xml, styles.xml, each sheet with its table parts.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.sax.saxutils import quoteattr

from xlcrm.model import SheetSpec
from xlcrm.workbook.render import RenderedSheet, render_sheet
from xlcrm.workbook.styles import StyleBook

CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"


def assemble(path: Path, sheets: list[tuple[str, RenderedSheet]], styles: StyleBook,
             *, date1904: bool = False) -> Path:
    overrides = [f'<Override PartName="/xl/workbook.xml" ContentType="{CT}.sheet.main+xml"/>',
                 f'<Override PartName="/xl/styles.xml" ContentType="{CT}.styles+xml"/>']
    wb_rels = [f'<Relationship Id="rIdS" Type="{REL}/styles" Target="styles.xml"/>']
    sheet_els = []
    parts: dict[str, bytes] = {}
    table_no = 0
    for i, (name, rs) in enumerate(sheets, start=1):
        parts[f"xl/worksheets/sheet{i}.xml"] = rs.xml
        overrides.append(f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
                         f'ContentType="{CT}.worksheet+xml"/>')
        wb_rels.append(f'<Relationship Id="rId{i}" Type="{REL}/worksheet" '
                       f'Target="worksheets/sheet{i}.xml"/>')
        sheet_els.append(f"<sheet name={quoteattr(name)} sheetId=\"{i}\" r:id=\"rId{i}\"/>")
        rels = []
        for k, table in enumerate(rs.tables, start=1):
            table_no += 1
            parts[f"xl/tables/table{table_no}.xml"] = table
            overrides.append(f'<Override PartName="/xl/tables/table{table_no}.xml" '
                             f'ContentType="{CT}.table+xml"/>')
            rels.append(f'<Relationship Id="rId{k}" Type="{REL}/table" '
                        f'Target="../tables/table{table_no}.xml"/>')
        parts[f"xl/worksheets/_rels/sheet{i}.xml.rels"] = (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<Relationships xmlns="{PKG_REL}">{"".join(rels)}</Relationships>').encode()
    pr = '<workbookPr date1904="1"/>' if date1904 else "<workbookPr/>"
    parts["xl/workbook.xml"] = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        f'xmlns:r="{REL}">{pr}<bookViews><workbookView/></bookViews>'
        f'<sheets>{"".join(sheet_els)}</sheets></workbook>').encode()
    parts["xl/_rels/workbook.xml.rels"] = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<Relationships xmlns="{PKG_REL}">{"".join(wb_rels)}</Relationships>').encode()
    parts["xl/styles.xml"] = styles.to_xml()
    parts["_rels/.rels"] = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{PKG_REL}">'
        f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/>'
        '</Relationships>').encode()
    ctypes = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
              '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
              '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
              '<Default Extension="xml" ContentType="application/xml"/>'
              + "".join(overrides) + "</Types>").encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", ctypes)
        for name, data in parts.items():
            z.writestr(name, data)
    return path


def write_specs(path: Path, specs: list[SheetSpec], *, lang: str = "zh",
                date1904: bool = False) -> Path:
    styles = StyleBook.minimal()
    rendered = []
    next_id = 1
    for spec in specs:
        rs = render_sheet(spec, lang=lang, styles=styles, first_table_id=next_id,  # type: ignore[arg-type]
                          date1904=date1904)
        next_id += len(rs.tables)
        rendered.append((spec.name, rs))
    return assemble(path, rendered, styles, date1904=date1904)
