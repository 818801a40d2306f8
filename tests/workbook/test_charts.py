"""The dashboard's native charts: parts grafted beside the user's, series over xlcrm's tables,
drawn by LibreOffice (the spreadsheet client we did not write)."""

from __future__ import annotations

import posixpath
import re
import shutil
import warnings
import zipfile
from pathlib import Path

import openpyxl
import pytest
from lxml import etree

from tests.libreoffice import convert, page_pixels
from tests.workbook.fixtures import compare_packages, parts_of, xlcrm_parts
from xlcrm.demo import make_demos
from xlcrm.refresh import refresh

C = "http://schemas.openxmlformats.org/drawingml/2006/chart"
NS = {"c": C}

# chart name -> (table, category header, series headers) in the zh demo (dashboard.charts).
EXPECTED = {
    "pyramid": ("xlcrm_dashboard_tiers", "客户等级", ["客户占比", "价值占比"]),
    "months": ("xlcrm_dashboard_months", "月份", ["重要客户", "主要客户", "普通客户", "小客户", "当前未分级"]),
    "reps": ("xlcrm_dashboard_reps", "业务员", ["风险价值(12个月)", "预计损失"]),
    "lifecycle": ("xlcrm_dashboard_lifecycle", "生命周期", ["客户数"]),
    "pareto": ("xlcrm_dashboard_categories", "投诉类别", ["投诉数", "累计占比"]),
}


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    d = tmp_path_factory.mktemp("charts")
    zh, en = make_demos(d)
    before = parts_of(Path(zh))
    refresh(zh, backups=0)
    once = parts_of(Path(zh))
    refresh(zh, backups=0)
    return Path(zh), Path(en), before, once, parts_of(Path(zh))


def _charts(parts: dict[str, bytes], sheet_part: str) -> dict[str, bytes]:
    """name (the drawing's cNvPr name) -> chart part XML, for the drawing of ``sheet_part``."""
    def rels(part: str) -> dict[str, str]:
        name = posixpath.join(posixpath.dirname(part), "_rels", posixpath.basename(part) + ".rels")
        root = etree.fromstring(parts[name])
        return {r.get("Id"): posixpath.normpath(posixpath.join(posixpath.dirname(part), r.get("Target")))
                for r in root}

    drawing = next(t for t in rels(sheet_part).values() if "/drawings/" in t)
    by_id = rels(drawing)
    root = etree.fromstring(parts[drawing])
    out = {}
    for frame in root.iter("{*}graphicFrame"):
        name = frame.find(".//{*}cNvPr").get("name")
        rid = frame.find(f".//{{{C}}}chart").get(
            "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id")
        out[name] = parts[by_id[rid]]
    return out


def _dashboard_part(parts: dict[str, bytes], sheet: str) -> str:
    wb = etree.fromstring(parts["xl/workbook.xml"])
    rid = next(s.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id")
               for s in wb.iter("{*}sheet") if s.get("name") == sheet)
    rels = etree.fromstring(parts["xl/_rels/workbook.xml.rels"])
    target = next(r.get("Target") for r in rels if r.get("Id") == rid)
    return posixpath.normpath(posixpath.join("xl", target))


def _dashboard(path: Path):  # type: ignore[no-untyped-def]
    with warnings.catch_warnings():  # openpyxl warns it would drop the demo's sparklines
        warnings.simplefilter("ignore", UserWarning)
        wb = openpyxl.load_workbook(path)
    ws = wb["客户看板"]
    wb.close()
    return ws


def _column_range(ws, table: str, header: str) -> str:
    """'客户看板'!$B$38:$B$41: the data range of the column ``header`` of ``table``."""
    ref = ws.tables[table].ref
    (c0, r0), (c1, r1) = (openpyxl.utils.cell.coordinate_from_string(x) for x in ref.split(":"))
    for col in range(openpyxl.utils.column_index_from_string(c0), openpyxl.utils.column_index_from_string(c1) + 1):
        if ws.cell(r0, col).value == header:
            L = openpyxl.utils.get_column_letter(col)
            return f"'{ws.title}'!${L}${r0 + 1}:${L}${r1}"
    raise AssertionError(f"{table} has no column {header}")


def test_each_chart_series_reads_its_column_of_the_dashboard_table(demo) -> None:
    zh, _en, _before, _once, after = demo
    charts = _charts(after, _dashboard_part(after, "客户看板"))
    assert set(EXPECTED) | {"visits"} == set(charts)
    ws = _dashboard(zh)
    for name, (table, cat_header, headers) in EXPECTED.items():
        root = etree.fromstring(charts[name])
        sers = root.findall(".//c:ser", NS)
        names = [s.find("c:tx/c:strRef/c:f", NS).text for s in sers]
        vals = [s.find("c:val/c:numRef/c:f", NS).text for s in sers]
        cats = {s.find("c:cat/c:strRef/c:f", NS).text for s in sers}
        assert vals == [_column_range(ws, table, h) for h in headers], name
        assert cats == {_column_range(ws, table, cat_header)}, name
        # The series name is the header cell above the values: a renamed header renames it.
        for f, v in zip(names, vals):
            assert f == re.sub(r"\$(\d+):.*", lambda m: f"${int(m.group(1)) - 1}", v)
    # The Pareto's cumulative share is a line on a secondary axis running 0-100%.
    pareto = etree.fromstring(charts["pareto"])
    assert pareto.find(".//c:lineChart/c:ser/c:val/c:numRef/c:f", NS).text.endswith(
        _column_range(ws, "xlcrm_dashboard_categories", "累计占比").split("!")[1])
    assert len(pareto.findall(".//c:valAx", NS)) == 2
    assert pareto.find(".//c:valAx/c:scaling/c:max", NS).get("val") == "1"
    # Titles in the workbook's language.
    title = "".join(etree.fromstring(charts["pyramid"]).find("c:chart/c:title", NS).itertext())
    assert "客户价值金字塔" in title


def test_the_first_screen_holds_three_charts_beside_the_key_figures(demo) -> None:
    zh, *_rest, after = demo
    part = _dashboard_part(after, "客户看板")
    drawing = next(n for n in after if n.startswith("xl/drawings/drawing") and n.endswith(".xml")
                   and b"pyramid" in after[n])
    root = etree.fromstring(after[drawing])
    boxes = {}
    for anchor in root.iter("{*}twoCellAnchor"):
        name = anchor.find(".//{*}cNvPr").get("name")
        frm, to = anchor.find("{*}from"), anchor.find("{*}to")
        boxes[name] = tuple(int(x.find(f"{{*}}{k}").text) for x in (frm, to) for k in ("col", "row"))
    first = [n for n, (c0, r0, c1, r1) in boxes.items() if c1 <= 10 and r1 <= 35]  # within A1:J35
    assert sorted(first) == ["months", "pyramid", "reps"]
    ws = _dashboard(zh)
    assert ws.tables["xlcrm_dashboard"].ref.startswith("A1:C")  # the VLOOKUP contract
    assert all(not ws.tables[t].ref.startswith(("D", "E", "F", "G", "H", "I", "J", "K")) for t in ws.tables)
    assert part in after


def test_user_parts_stay_byte_identical_with_charts_added(demo) -> None:
    _zh, _en, before, once, after = demo
    assert compare_packages(before, once) == []
    assert compare_packages(before, after) == []
    # The demo's own monthly chart keeps its part names and bytes; ours come beside it.
    assert after["xl/charts/chart1.xml"] == before["xl/charts/chart1.xml"]
    ours = {n for n in xlcrm_parts(after) if "/charts/" in n}
    assert len(ours) == 6 and "xl/charts/chart1.xml" not in ours
    assert len(xlcrm_parts(after)) == len(xlcrm_parts(once))  # the second refresh replaced, not piled up


def _chromatic(px, y0: float, y1: float, x0: float, x1: float) -> float:
    h, w, _ = px.shape
    box = px[int(h * y0):int(h * y1), int(w * x0):int(w * x1)].astype(int)
    return float(((box.max(axis=2) - box.min(axis=2)) > 60).mean())  # coloured, not grey text


@pytest.mark.libreoffice
def test_libreoffice_draws_every_chart(demo, tmp_path: Path) -> None:
    zh, *_rest = demo
    # Only xlcrm's sheets, and a control copy whose dashboard lost its <drawing> element.
    book = tmp_path / "book.xlsx"
    refresh(zh, output=book, backups=0)
    control = tmp_path / "control.xlsx"
    parts = parts_of(book)
    part = _dashboard_part(parts, "客户看板")
    with zipfile.ZipFile(control, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            if name == part:
                data = re.sub(rb'<drawing r:id="rId\d+"/>', b"", data)
            zf.writestr(name, data)
    ods = convert([book], "ods", tmp_path / "ods")[0]
    with zipfile.ZipFile(ods) as zf:
        content = zf.read("content.xml").decode("utf-8")
        dash = content[content.index('table:name="客户看板"'):]
        dash = dash[:dash.index("</table:table>")]
        objects = re.findall(r'<draw:object [^>]*xlink:href="\./([^"]+)"', dash)
        assert len(objects) == 6
        for obj in objects:
            chart = zf.read(f"{obj}/content.xml").decode("utf-8")
            assert "<chart:chart" in chart and "<chart:series" in chart
            assert 'table:cell-range-address' in chart or "chart:values-cell-range-address" in chart
    pdfs = convert([book, control], "pdf", tmp_path / "pdf")
    from tools.render import page_sheets

    pages = [page_sheets(p, ["客户看板"]).index("客户看板") + 1 for p in pdfs]
    real, blank = (page_pixels(p, n) for p, n in zip(pdfs, pages))
    # The three first-screen charts sit right of the key figures, one above the other.
    for y0, y1 in ((0.05, 0.19), (0.19, 0.33), (0.33, 0.47)):
        assert _chromatic(real, y0, y1, 0.52, 0.95) > 0.01, (y0, y1)
        assert _chromatic(blank, y0, y1, 0.52, 0.95) < 0.001, (y0, y1)
    # The Pareto chart below them (bars and the red cumulative line).
    assert _chromatic(real, 0.47, 0.66, 0.52, 0.95) > 0.01
    assert _chromatic(blank, 0.47, 0.66, 0.52, 0.95) < 0.001
    shutil.rmtree(tmp_path / "ods", ignore_errors=True)
