"""StyleBook appends xlcrm's styles to a user's styles.xml without moving the user's.

The user's styles come from the producers people really use (openpyxl, XlsxWriter,
LibreOffice, and an Excel-shaped part with extensions); the check that the user's cells
keep their look is openpyxl reading the workbook back before and after.
"""

from __future__ import annotations

import functools
import re
import shutil
import subprocess
import tempfile
import time
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import openpyxl
import pytest
import xlsxwriter
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl.styles import Font, PatternFill

from tests.libreoffice import soffice
from xlcrm.workbook.styles import CellStyle, DiffStyle, StyleBook, StylesError

NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"

NEW = [
    CellStyle(bold=True, fill="4472C4", font_color="FFFFFF"),
    CellStyle(num_fmt="yyyy-mm-dd"),
    CellStyle(num_fmt="#,##0.00"),
    CellStyle(num_fmt="0.0%", border=True),
    CellStyle(wrap=True, halign="center"),
]


# ---- user workbooks from several producers -------------------------------------------

def _user_cells(ws) -> None:
    ws["A1"] = "bold"
    ws["B1"] = 1.5
    ws["C1"] = "filled"


def openpyxl_book(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    _user_cells(ws)
    ws["A1"].font = Font(bold=True, italic=True)
    ws["B1"].number_format = "0.000"
    ws["C1"].fill = PatternFill("solid", fgColor="FFFF00")
    wb.save(path)
    return path


def xlsxwriter_book(path: Path) -> Path:
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet()
    ws.write(0, 0, "bold", wb.add_format({"bold": True, "italic": True}))
    ws.write(0, 1, 1.5, wb.add_format({"num_format": "0.000"}))
    ws.write(0, 2, "filled", wb.add_format({"bg_color": "#FFFF00", "pattern": 1}))
    wb.close()
    return path


def libreoffice_book(path: Path) -> Path:
    """The openpyxl book saved again by LibreOffice: LibreOffice's own styles.xml."""
    exe = soffice()
    src = openpyxl_book(path.with_name("src.xlsx"))
    out = path.parent / "lo"
    subprocess.run([exe, f"-env:UserInstallation=file://{path.parent}/lo-profile", "--headless",
                    "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out), str(src)],
                   capture_output=True, timeout=120, check=True)
    shutil.move(out / "src.xlsx", path)
    return path


PRODUCERS = {
    "openpyxl": openpyxl_book,
    "xlsxwriter": xlsxwriter_book,
    "libreoffice": pytest.param(libreoffice_book, marks=pytest.mark.libreoffice),
}


def _replace_part(path: Path, name: str, data: bytes) -> Path:
    out = path.with_name("edited.xlsx")
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            zout.writestr(item, data if item.filename == name else zin.read(item.filename))
    return out


def _look(path: Path) -> list[tuple]:
    ws = openpyxl.load_workbook(path).worksheets[0]
    return [(c.value, c.font.b, c.font.i, c.number_format, c.fill.fgColor.rgb, c.fill.fill_type)
            for c in ws[1]]


def _children(root: ET.Element, coll: str) -> list[ET.Element]:
    el = root.find(NS + coll)
    return [] if el is None else list(el)


def _check_counts(root: ET.Element) -> None:
    for coll in ("numFmts", "fonts", "fills", "borders", "cellStyleXfs", "cellXfs", "dxfs"):
        el = root.find(NS + coll)
        if el is not None and el.get("count") is not None:
            assert int(el.get("count")) == len(el), coll


@pytest.mark.parametrize("make", list(PRODUCERS.values()), ids=list(PRODUCERS))
def test_user_styles_keep_their_indices_and_look_after_append(make, tmp_path):
    book = make(tmp_path / "user.xlsx")
    before_look = _look(book)
    original = zipfile.ZipFile(book).read("xl/styles.xml")
    old = ET.fromstring(original)
    sb = StyleBook.parse(original)
    idx = [sb.xf(s) for s in NEW]
    dx = sb.dxf(DiffStyle(fill="FFC7CE", font_color="9C0006"))
    out = sb.to_xml()
    new = ET.fromstring(out)

    # every entry the user had is still at its index, unchanged
    for coll in ("fonts", "fills", "borders", "cellStyleXfs", "cellXfs", "dxfs", "numFmts"):
        a, b = _children(old, coll), _children(new, coll)
        assert [ET.tostring(e) for e in a] == [ET.tostring(e) for e in b[:len(a)]], coll
    n_old_xfs = len(_children(old, "cellXfs"))
    assert idx == list(range(n_old_xfs, n_old_xfs + len(NEW)))
    assert dx == len(_children(old, "dxfs"))
    _check_counts(new)
    assert new[0].tag == NS + "numFmts"

    _check_new(new, idx)

    # openpyxl sees the user's cells exactly as before
    assert _look(_replace_part(book, "xl/styles.xml", out)) == before_look


def _check_new(new: ET.Element, idx: list[int]) -> None:
    """The xfs returned for NEW point at the font, fill, format and alignment asked for."""
    fmts = {int(e.get("numFmtId")): e.get("formatCode") for e in _children(new, "numFmts")}
    assert len(fmts) == len(_children(new, "numFmts")), "numFmt ids must be unique"
    assert all(i >= 164 for i in fmts)
    xfs, fonts, fills = _children(new, "cellXfs"), _children(new, "fonts"), _children(new, "fills")
    header = xfs[idx[0]]
    assert fonts[int(header.get("fontId"))].find(NS + "b") is not None
    assert fonts[int(header.get("fontId"))].find(NS + "color").get("rgb") == "FFFFFFFF"
    assert fills[int(header.get("fillId"))].find(f"{NS}patternFill/{NS}fgColor").get("rgb") == "FF4472C4"
    assert fmts[int(xfs[idx[1]].get("numFmtId"))] == "yyyy-mm-dd"
    assert xfs[idx[2]].get("numFmtId") == "4"  # built-in #,##0.00 (ECMA-376 18.8.30)
    assert fmts[int(xfs[idx[3]].get("numFmtId"))] == "0.0%"
    assert xfs[idx[4]].find(NS + "alignment").get("wrapText") == "1"


EXCEL_FILES = sorted((Path(__file__).parent / "data" / "excel").glob("*.xls[xm]"))


def _full_look(path: Path) -> list[tuple]:
    wb = openpyxl.load_workbook(path)
    return [(ws.title, c.coordinate, c.font.b, c.font.i, c.font.color and c.font.color.rgb,
             c.number_format, c.fill.fill_type, c.fill.fgColor.rgb, c.border.left.style,
             c.alignment.horizontal, c.alignment.wrap_text)
            for ws in wb.worksheets for row in ws.iter_rows() for c in row]


@pytest.mark.parametrize("path", EXCEL_FILES, ids=[p.name for p in EXCEL_FILES])
def test_styles_saved_by_excel_keep_every_user_cell_look(path, tmp_path):
    # Files saved by Excel itself (XlsxWriter's comparison files, see data/SOURCES.md).
    book = tmp_path / path.name
    book.write_bytes(path.read_bytes())
    original = zipfile.ZipFile(book).read("xl/styles.xml")
    old = ET.fromstring(original)
    sb = StyleBook.parse(original)
    idx = [sb.xf(s) for s in NEW]
    dx = sb.dxf(DiffStyle(fill="FFC7CE", font_color="9C0006"))
    new = ET.fromstring(sb.to_xml())
    for coll in ("fonts", "fills", "borders", "cellStyleXfs", "cellXfs", "dxfs", "numFmts",
                 "cellStyles", "colors"):
        a, b = _children(old, coll), _children(new, coll)
        assert [ET.tostring(e) for e in a] == [ET.tostring(e) for e in b[:len(a)]], coll
    _check_counts(new)
    _check_new(new, idx)
    assert new[0].tag == NS + "numFmts"
    assert _children(new, "dxfs")[dx].find(f"{NS}fill/{NS}patternFill/{NS}bgColor").get("rgb") == "FFFFC7CE"
    edited = _replace_part(book, "xl/styles.xml", sb.to_xml())
    assert _full_look(edited) == _full_look(book)


@functools.cache
def xw_styles() -> bytes:
    with tempfile.TemporaryDirectory(prefix="xlcrm-sty-") as tmp:
        return zipfile.ZipFile(xlsxwriter_book(Path(tmp) / "u.xlsx")).read("xl/styles.xml")


@pytest.mark.parametrize("data", [xw_styles, lambda: EXCEL_LIKE], ids=["xlsxwriter", "excel"])
def test_nothing_appended_returns_the_part_byte_identical(data):
    sb = StyleBook.parse(data())
    assert sb.xf(CellStyle()) == 0  # the plain style is the workbook's Normal xf
    assert sb.to_xml() == data()


# An Excel 2016-shaped styles part: mc:Ignorable prefixes, x14ac attributes, an extLst with
# its own x14:dxfs, a self-closing dxfs, a comment, and an element we do not know.
EXCEL_LIKE = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
    b'<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    b'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" mc:Ignorable="x14ac x16r2" '
    b'xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac" '
    b'xmlns:x16r2="http://schemas.microsoft.com/office/spreadsheetml/2015/02/main">'
    b'<fonts count="1" x14ac:knownFonts="1"><font><sz val="11"/><color theme="1"/>'
    b'<name val="\xe7\xad\x89\xe7\xba\xbf"/><family val="2"/><charset val="134"/><scheme val="minor"/></font></fonts>'
    b'<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
    b'<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    b'<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"><alignment vertical="center"/></xf></cellStyleXfs>'
    b'<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"><alignment vertical="center"/></xf></cellXfs>'
    b'<cellStyles count="1"><cellStyle name="\xe5\xb8\xb8\xe8\xa7\x84" xfId="0" builtinId="0"/></cellStyles>'
    b'<!-- user comment --><dxfs count="0"/>'
    b'<tableStyles count="0" defaultTableStyle="TableStyleMedium2" defaultPivotStyle="PivotStyleLight16"/>'
    b'<x16r2:unknownThing a="1"/>'
    b'<extLst><ext uri="{EB79DEF2-80B8-43e5-95BD-54CBDDF9020C}" '
    b'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
    b'<x14:slicerStyles defaultSlicerStyle="SlicerStyleLight1"/><x14:dxfs count="0"/></ext></extLst>'
    b'</styleSheet>'
)


def test_excel_part_keeps_extensions_prefixes_and_unknown_elements():
    sb = StyleBook.parse(EXCEL_LIKE)
    h = sb.xf(CellStyle(bold=True, num_fmt="yyyy-mm-dd"))
    d = sb.dxf(DiffStyle(fill="FFEB9C"))
    out = sb.to_xml()
    # everything the user wrote is still there, byte for byte, in the same order
    for piece in (b'mc:Ignorable="x14ac x16r2"', b'<fonts count="2" x14ac:knownFonts="1">',
                  b"<!-- user comment -->", b'<x16r2:unknownThing a="1"/>',
                  EXCEL_LIKE[EXCEL_LIKE.index(b"<extLst>"):], b"\r\n"):
        assert piece in out
    root = ET.fromstring(out)
    assert root[0].tag == NS + "numFmts"  # created as the first child (schema order)
    assert (h, d) == (1, 0)
    _check_counts(root)
    # the new bold font is the user's default font (等线, charset 134) made bold
    font = _children(root, "fonts")[1]
    assert font.find(NS + "b") is not None and font.find(NS + "name").get("val") == "等线"
    assert font.find(NS + "charset").get("val") == "134"
    # the x14:dxfs inside extLst was left alone
    assert b'<x14:dxfs count="0"/>' in out


def test_prefixed_stylesheet_gets_prefixed_entries():
    data = EXCEL_LIKE.replace(b"<styleSheet xmlns=", b"<x:styleSheet xmlns:x=")
    data = re.sub(rb"<(/?)(fonts|font|sz|color|name|family|charset|scheme|fills|fill|patternFill|"
                  rb"borders|border|left|right|top|bottom|diagonal|cellStyleXfs|cellXfs|xf|"
                  rb"alignment|cellStyles|cellStyle|dxfs|tableStyles|extLst|ext)([ />])",
                  rb"<\1x:\2\3", data).replace(b"</styleSheet>", b"</x:styleSheet>")
    ET.fromstring(data)  # the fixture itself is well-formed
    sb = StyleBook.parse(data)
    i = sb.xf(CellStyle(bold=True, fill="FF0000", num_fmt="0.0%"))
    root = ET.fromstring(sb.to_xml())
    _check_counts(root)
    xf = _children(root, "cellXfs")[i]
    assert xf.tag == NS + "xf" and _children(root, "numFmts")[0].get("formatCode") == "0.0%"
    assert b"<numFmts" not in sb.to_xml()  # every new element carries the x: prefix


def test_missing_collections_are_created_in_schema_order():
    data = (b'<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            b'<fonts count="1"><font><sz val="10"/><name val="Arial"/></font></fonts>'
            b'<fills count="2"><fill><patternFill patternType="none"/></fill>'
            b'<fill><patternFill patternType="gray125"/></fill></fills>'
            b'<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" xfId="0"/></cellXfs>'
            b'<extLst/></styleSheet>')
    sb = StyleBook.parse(data)
    sb.xf(CellStyle(num_fmt="0.0%", border=True))
    sb.dxf(DiffStyle(font_color="9C0006", bold=True))
    root = ET.fromstring(sb.to_xml())
    order = [e.tag.replace(NS, "") for e in root]
    assert order == ["numFmts", "fonts", "fills", "borders", "cellStyleXfs", "cellXfs", "dxfs",
                     "extLst"]
    _check_counts(root)


def test_wrong_count_attribute_is_corrected_from_the_children():
    data = (b'<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            b'<numFmts count="7"><numFmt numFmtId="170" formatCode="0.0000"/></numFmts>'
            b'<fonts count="9"><font/><font><i/></font></fonts>'
            b'<fills count="2"><fill/><fill/></fills><borders><border/></borders>'
            b'<cellStyleXfs count="1"><xf/></cellStyleXfs>'
            b'<cellXfs count="40"><xf/><xf/><xf/></cellXfs></styleSheet>')
    sb = StyleBook.parse(data)
    assert sb.xf(CellStyle(bold=True, num_fmt="0.0%")) == 3
    root = ET.fromstring(sb.to_xml())
    _check_counts(root)
    assert [e.get("numFmtId") for e in _children(root, "numFmts")] == ["170", "171"]
    assert root.find(NS + "borders").get("count") is None  # untouched: nothing added there


def test_same_style_twice_is_one_entry_and_shared_parts_are_reused():
    sb = StyleBook.minimal()
    a = sb.xf(CellStyle(bold=True, num_fmt="#,##0"))
    b = sb.xf(CellStyle(bold=True, num_fmt="#,##0"))
    c = sb.xf(CellStyle(bold=True, num_fmt="0.0%"))
    d1, d2 = sb.dxf(DiffStyle(fill="C6EFCE")), sb.dxf(DiffStyle(fill="C6EFCE"))
    root = ET.fromstring(sb.to_xml())
    assert a == b != c and d1 == d2
    assert len(_children(root, "fonts")) == 2  # the default + one bold, shared by a and c
    assert len(_children(root, "dxfs")) == 1


def test_existing_custom_format_code_is_reused_not_duplicated():
    sb = StyleBook.parse(xw_styles())
    i = sb.xf(CellStyle(num_fmt="0.000"))  # the user's numFmt 164
    root = ET.fromstring(sb.to_xml())
    assert _children(root, "cellXfs")[i].get("numFmtId") == "164"
    assert len(_children(root, "numFmts")) == 1


def test_dxf_solid_fill_uses_bgcolor_like_excel():
    sb = StyleBook.minimal()
    i = sb.dxf(DiffStyle(fill="FFC7CE", font_color="9C0006", bold=True))
    dxf = _children(ET.fromstring(sb.to_xml()), "dxfs")[i]
    assert dxf.find(f"{NS}fill/{NS}patternFill/{NS}bgColor").get("rgb") == "FFFFC7CE"
    assert dxf.find(f"{NS}font/{NS}color").get("rgb") == "FF9C0006"
    assert dxf.find(f"{NS}font/{NS}b") is not None


def test_minimal_styles_open_in_openpyxl(tmp_path):
    sb = StyleBook.minimal()
    sb.xf(CellStyle(num_fmt="yyyy-mm-dd"))
    plain = openpyxl.Workbook()
    plain.active["A1"] = "plain"
    plain.save(tmp_path / "u.xlsx")
    wb = openpyxl.load_workbook(_replace_part(tmp_path / "u.xlsx", "xl/styles.xml", sb.to_xml()))
    assert wb.active["A1"].value == "plain"
    assert wb._number_formats[0] == "yyyy-mm-dd"  # openpyxl read our custom format


@pytest.mark.parametrize("bad", [
    (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
     b'<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">&lol2;</styleSheet>'),
    b'<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><fonts>',
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>',
    b"",
])
def test_unusable_styles_part_is_a_clear_error_quickly(bad):
    t0 = time.perf_counter()
    with pytest.raises(StylesError, match="styles.xml"):
        StyleBook.parse(bad)
    assert time.perf_counter() - t0 < 2


def test_bad_colour_is_refused_with_the_value():
    with pytest.raises(ValueError, match="'red'"):
        StyleBook.minimal().xf(CellStyle(fill="red"))


styles_st = st.builds(
    CellStyle,
    num_fmt=st.sampled_from(["General", "0", "#,##0", "0.0%", "yyyy-mm-dd", '0.00" 元"', "@"]),
    bold=st.booleans(),
    fill=st.none() | st.sampled_from(["4472C4", "FFC7CE", "FFFFFF"]),
    font_color=st.none() | st.sampled_from(["FFFFFF", "9C0006"]),
    wrap=st.booleans(),
    halign=st.none() | st.sampled_from(["left", "center", "right"]),
    border=st.booleans(),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(styles_st, max_size=12), st.sampled_from(["xlsxwriter", "excel"]))
def test_any_sequence_of_styles_keeps_indices_stable_and_counts_right(styles, base):
    data = EXCEL_LIKE if base == "excel" else xw_styles()
    sb = StyleBook.parse(data)
    first = [sb.xf(s) for s in styles]
    again = [sb.xf(s) for s in styles]
    assert first == again
    out = sb.to_xml()
    root = ET.fromstring(out)
    _check_counts(root)
    old_n = len(_children(ET.fromstring(data), "cellXfs"))
    xfs = _children(root, "cellXfs")
    assert all(i == 0 or old_n <= i < len(xfs) for i in first)
    ids = [e.get("numFmtId") for e in _children(root, "numFmts")]
    assert len(ids) == len(set(ids))
    # reading our output again and appending nothing gives it back unchanged
    assert StyleBook.parse(out).to_xml() == out



@pytest.mark.parametrize("data", [xw_styles, lambda: EXCEL_LIKE], ids=["xlsxwriter", "excel"])
def test_a_second_refresh_reuses_what_the_first_appended(data):
    # Nightly refreshes must not grow styles.xml (Excel stops at 64,000 cell formats).
    first = StyleBook.parse(data())
    a = [first.xf(s) for s in NEW] + [first.dxf(DiffStyle(fill="FFC7CE", font_color="9C0006"))]
    once = first.to_xml()
    second = StyleBook.parse(once)
    b = [second.xf(s) for s in NEW] + [second.dxf(DiffStyle(fill="FFC7CE", font_color="9C0006"))]
    assert a == b
    assert second.to_xml() == once


def test_a_user_entry_equal_in_meaning_is_reused_whatever_its_attribute_order():
    data = EXCEL_LIKE.replace(
        b'<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"><alignment vertical="center"/></xf></cellXfs>',
        b'<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"><alignment vertical="center"/></xf>'
        b'<xf applyNumberFormat="1" xfId="0" borderId="0" fillId="0" fontId="0" numFmtId="4"/></cellXfs>')
    sb = StyleBook.parse(data)
    assert sb.xf(CellStyle(num_fmt="#,##0.00")) == 1
    assert sb.to_xml() == data
