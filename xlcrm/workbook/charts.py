"""Native Excel charts for xlcrm's sheets: DrawingML chart parts and the drawing that holds them.

Each chart's series read a range of an xlcrm table on the same sheet (``'客户看板'!$B$38:$B$41``),
so Excel and LibreOffice redraw it from the cells; the cached values written beside each
reference only show until the application recalculates. The parts follow ECMA-376 Part 1,
21.2 (chart) and 20.5 (spreadsheet drawing), element order as the schema requires.

``graft_parts`` is the small hook ``xlcrm.workbook.graft`` calls: it adds the drawing part, its
chart parts, their relationships and content types for one grafted sheet. The parts hang off
that sheet only, so the next refresh removes them with it.
"""

from __future__ import annotations

import math
import posixpath
import re
from dataclasses import dataclass
from xml.sax.saxutils import escape

import pandas as pd

from xlcrm import i18n
from xlcrm.errors import XlcrmError
from xlcrm.model import ChartSpec, Column, Lang

__all__ = ["CT_CHART", "CT_DRAWING", "REL_CHART", "REL_DRAWING", "Placed", "chart_xml",
           "drawing_xml", "graft_parts", "sheet_ref"]

NS_C = "http://schemas.openxmlformats.org/drawingml/2006/chart"
NS_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
NS_XDR = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
NS_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
REL_DRAWING = NS_R + "/drawing"
REL_CHART = NS_R + "/chart"
CT_DRAWING = "application/vnd.openxmlformats-officedocument.drawing+xml"
CT_CHART = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"

# Office's default series colours, then a red for lines (a Pareto's cumulative share).
PALETTE = ("4472C4", "ED7D31", "A5A5A5", "FFC000", "5B9BD5", "70AD47", "264478", "9E480E")
LINE_COLOR = "C00000"
_BOX = re.compile(r"^([A-Z]{1,3})(\d+):([A-Z]{1,3})(\d+)$")


@dataclass
class Placed:
    """Where a table landed on its sheet: what a chart needs to reference its columns."""

    name: str
    col0: int  # 0-based first column
    header_row: int  # 1-based
    last_row: int
    columns: list[Column]
    frame: pd.DataFrame

    def letter(self, key: str) -> str:
        from xlcrm.workbook.render import col_letter

        for j, c in enumerate(self.columns):
            if c.key == key:
                return col_letter(self.col0 + j)
        raise XlcrmError(f"chart over table {self.name!r}: it has no column {key!r}")


def sheet_ref(sheet: str) -> str:
    """The sheet as a formula names it: always quoted (Chinese names, spaces, 'CRM Dashboard')."""
    return "'" + sheet.replace("'", "''") + "'"


def _col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def _box(anchor: str) -> tuple[int, int, int, int]:
    """"E1:J12" -> 0-based (col0, row0, col1, row1) of the drawing anchor; the chart covers
    E1 through J12 inclusive, so its far corner is the top-left of K13."""
    m = _BOX.match(anchor.strip().upper())
    if not m:
        raise XlcrmError(f"chart anchor {anchor!r} is not a cell box like E1:J12")
    c0, r0, c1, r1 = _col_index(m.group(1)), int(m.group(2)) - 1, _col_index(m.group(3)), int(m.group(4)) - 1
    if c1 < c0 or r1 < r0:
        raise XlcrmError(f"chart anchor {anchor!r}: the second cell must be below and right of the first")
    return c0, r0, c1 + 1, r1 + 1


def _text(s: str) -> str:
    return escape(s)


def _rich(text: str, lang: Lang, size: int = 1200, bold: bool = True) -> str:
    # Write the <c:tx><c:rich> element of a title.
    lang_tag = "zh-CN" if lang == "zh" else "en-US"
    return (f'<c:tx><c:rich><a:bodyPr/><a:lstStyle/><a:p><a:pPr><a:defRPr sz="{size}" '
            f'b="{1 if bold else 0}"/></a:pPr><a:r><a:rPr lang="{lang_tag}" sz="{size}" '
            f'b="{1 if bold else 0}"/><a:t>{_text(text)}</a:t></a:r></a:p></c:rich></c:tx>')


def _title(text: str, lang: Lang, size: int = 1200) -> str:
    # Write the <c:title> element.
    if not text:
        return ""
    return f'<c:title>{_rich(text, lang, size)}<c:overlay val="0"/></c:title>'


def _cache_text(values: list[object], with_fmt: bool = False) -> str:
    pts = "".join(f'<c:pt idx="{i}"><c:v>{_text(str(v))}</c:v></c:pt>'
                  for i, v in enumerate(values) if v is not None and v == v and str(v) != "")
    return f'<c:ptCount val="{len(values)}"/>{pts}'


def _cache_num(values: list[object], fmt: str) -> str:
    pts = []
    for i, v in enumerate(values):
        try:
            f = float(v)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            continue
        if math.isfinite(f):
            pts.append(f'<c:pt idx="{i}"><c:v>{f!r}</c:v></c:pt>')
    return f"<c:formatCode>{_text(fmt)}</c:formatCode><c:ptCount val=\"{len(values)}\"/>{''.join(pts)}"


def _display(values: pd.Series, column: Column, lang: Lang) -> list[object]:
    out = []
    for v in values.tolist():
        if isinstance(v, str) and column.coded:
            v = i18n.value(v, lang)
        out.append(None if v is None or (isinstance(v, float) and math.isnan(v)) else v)
    return out


def _series(idx: int, key: str, t: Placed, sheet: str, lang: Lang, fmt: str, *, line: bool,
            color: str, categories: str) -> str:
    # Write one <c:ser> element: name from the header cell, categories and values from the table.
    col = next(c for c in t.columns if c.key == key)
    cat_col = next(c for c in t.columns if c.key == categories)
    L, C = t.letter(key), t.letter(categories)
    first, last = t.header_row + 1, t.last_row
    ref = sheet_ref(sheet)
    n = last - first + 1
    vals = _display(t.frame[key], col, lang)[:n] if key in t.frame else []
    cats = _display(t.frame[categories], cat_col, lang)[:n] if categories in t.frame else []
    vals += [None] * (n - len(vals))
    cats += [None] * (n - len(cats))
    label = col.label(lang)
    if line:
        sp = (f'<c:spPr><a:ln w="28575" cap="rnd"><a:solidFill><a:srgbClr val="{color}"/></a:solidFill>'
              '<a:round/></a:ln></c:spPr><c:marker><c:symbol val="circle"/><c:size val="5"/>'
              f'<c:spPr><a:solidFill><a:srgbClr val="{color}"/></a:solidFill></c:spPr></c:marker>')
    else:
        sp = f'<c:spPr><a:solidFill><a:srgbClr val="{color}"/></a:solidFill></c:spPr><c:invertIfNegative val="0"/>'
    return (f'<c:ser><c:idx val="{idx}"/><c:order val="{idx}"/>'
            f'<c:tx><c:strRef><c:f>{_text(ref)}!${L}${t.header_row}</c:f>'
            f"<c:strCache>{_cache_text([label])}</c:strCache></c:strRef></c:tx>{sp}"
            f"<c:cat><c:strRef><c:f>{_text(ref)}!${C}${first}:${C}${last}</c:f>"
            f"<c:strCache>{_cache_text(cats)}</c:strCache></c:strRef></c:cat>"
            f"<c:val><c:numRef><c:f>{_text(ref)}!${L}${first}:${L}${last}</c:f>"
            f"<c:numCache>{_cache_num(vals, fmt)}</c:numCache></c:numRef></c:val>"
            + ('<c:smooth val="0"/>' if line else "") + "</c:ser>")


def _cat_ax(ax: int, cross: int, pos: str, title: str, lang: Lang, *, reverse: bool = False,
            delete: bool = False) -> str:
    # Write a <c:catAx> element.
    return (f'<c:catAx><c:axId val="{ax}"/><c:scaling><c:orientation val="{"maxMin" if reverse else "minMax"}"/>'
            f'</c:scaling><c:delete val="{1 if delete else 0}"/><c:axPos val="{pos}"/>'
            + (_title(title, lang, 1000) if title and not delete else "")
            + '<c:numFmt formatCode="General" sourceLinked="1"/><c:majorTickMark val="out"/>'
            f'<c:minorTickMark val="none"/><c:tickLblPos val="{"none" if delete else "nextTo"}"/>'
            f'<c:crossAx val="{cross}"/><c:crosses val="autoZero"/><c:auto val="1"/>'
            '<c:lblAlgn val="ctr"/><c:lblOffset val="100"/><c:noMultiLvlLbl val="0"/></c:catAx>')


def _val_ax(ax: int, cross: int, pos: str, title: str, fmt: str, lang: Lang, *, crosses: str = "autoZero",
            grid: bool = True, max_one: bool = False) -> str:
    # Write a <c:valAx> element.
    scaling = '<c:orientation val="minMax"/>' + ('<c:max val="1"/><c:min val="0"/>' if max_one else "")
    return (f'<c:valAx><c:axId val="{ax}"/><c:scaling>{scaling}</c:scaling><c:delete val="0"/>'
            f'<c:axPos val="{pos}"/>'
            + ('<c:majorGridlines><c:spPr><a:ln w="6350"><a:solidFill><a:srgbClr val="D9D9D9"/>'
               '</a:solidFill></a:ln></c:spPr></c:majorGridlines>' if grid else "")
            + (_title(title, lang, 1000) if title else "")
            + f'<c:numFmt formatCode="{_text(fmt)}" sourceLinked="0"/><c:majorTickMark val="out"/>'
            f'<c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/><c:crossAx val="{cross}"/>'
            f'<c:crosses val="{crosses}"/><c:crossBetween val="between"/></c:valAx>')


def chart_xml(chart: ChartSpec, tables: dict[str, Placed], sheet: str, lang: Lang, number: int) -> bytes:
    """The chart part (``xl/charts/chartN.xml``) of ``chart`` over the placed tables of ``sheet``."""
    # Write the <c:chartSpace> element.
    t = tables.get(chart.table)
    if t is None:
        raise XlcrmError(f"chart {chart.name!r} reads table {chart.table!r}, which is not on sheet {sheet!r}")
    for key in (chart.categories, *chart.bars, *chart.lines):
        t.letter(key)  # every referenced column exists
    if not chart.bars and not chart.lines:
        raise XlcrmError(f"chart {chart.name!r} has no series — give it bars or lines")
    base = 50000 + number * 10
    ax_cat, ax_val, ax_cat2, ax_val2 = base + 1, base + 2, base + 3, base + 4
    plot = ['<c:plotArea><c:layout/>']
    idx = 0
    horizontal = chart.direction == "bar"
    if chart.bars:
        grouping = "stacked" if chart.stacked else "clustered"
        plot.append(f'<c:barChart><c:barDir val="{chart.direction}"/><c:grouping val="{grouping}"/>'
                    '<c:varyColors val="0"/>')
        for key in chart.bars:
            plot.append(_series(idx, key, t, sheet, lang, chart.y_format, line=False,
                                color=PALETTE[idx % len(PALETTE)], categories=chart.categories))
            idx += 1
        plot.append(f'<c:gapWidth val="{60 if chart.stacked else 80}"/>'
                    + ('<c:overlap val="100"/>' if chart.stacked else "")
                    + f'<c:axId val="{ax_cat}"/><c:axId val="{ax_val}"/></c:barChart>')
    secondary = bool(chart.bars and chart.lines)
    if chart.lines:
        plot.append('<c:lineChart><c:grouping val="standard"/><c:varyColors val="0"/>')
        for k, key in enumerate(chart.lines):
            color = LINE_COLOR if secondary and k == 0 else PALETTE[idx % len(PALETTE)]
            fmt = chart.y2_format if secondary else chart.y_format
            plot.append(_series(idx, key, t, sheet, lang, fmt, line=True, color=color,
                                categories=chart.categories))
            idx += 1
        axes = (ax_cat2, ax_val2) if secondary else (ax_cat, ax_val)
        plot.append(f'<c:marker val="1"/><c:axId val="{axes[0]}"/><c:axId val="{axes[1]}"/></c:lineChart>')
    cat_pos, val_pos = ("l", "b") if horizontal else ("b", "l")
    plot.append(_cat_ax(ax_cat, ax_val, cat_pos, chart.x_title, lang, reverse=horizontal))
    # Horizontal bars list the first category on top (reversed axis); the value axis then
    # crosses at the last category to stay at the bottom.
    plot.append(_val_ax(ax_val, ax_cat, val_pos, chart.y_title, chart.y_format, lang,
                        crosses="max" if horizontal else "autoZero"))
    if secondary:
        plot.append(_val_ax(ax_val2, ax_cat2, "r", chart.y2_title, chart.y2_format, lang, crosses="max",
                            grid=False, max_one=chart.y2_format.endswith("%")))
        plot.append(_cat_ax(ax_cat2, ax_val2, "b", "", lang, delete=True))
    plot.append("</c:plotArea>")
    legend = idx > 1
    lang_tag = "zh-CN" if lang == "zh" else "en-US"
    xml = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<c:chartSpace xmlns:c="{NS_C}" xmlns:a="{NS_A}" xmlns:r="{NS_R}">'
        f'<c:date1904 val="0"/><c:lang val="{lang_tag}"/><c:roundedCorners val="0"/>'
        f"<c:chart>{_title(chart.title, lang, 1300)}<c:autoTitleDeleted val=\"{0 if chart.title else 1}\"/>"
        + "".join(plot)
        + ('<c:legend><c:legendPos val="b"/><c:overlay val="0"/></c:legend>' if legend else "")
        + '<c:plotVisOnly val="1"/><c:dispBlanksAs val="gap"/></c:chart>'
        '<c:spPr><a:solidFill><a:srgbClr val="FFFFFF"/></a:solidFill><a:ln w="9525"><a:solidFill>'
        '<a:srgbClr val="D9D9D9"/></a:solidFill></a:ln></c:spPr>'
        '<c:txPr><a:bodyPr/><a:lstStyle/><a:p><a:pPr><a:defRPr sz="900"/></a:pPr>'
        f'<a:endParaRPr lang="{lang_tag}"/></a:p></c:txPr>'
        '<c:printSettings><c:headerFooter/><c:pageMargins b="0.75" l="0.7" r="0.7" t="0.75" '
        'header="0.3" footer="0.3"/><c:pageSetup/></c:printSettings></c:chartSpace>'
    )
    return xml.encode("utf-8")


def drawing_xml(charts: list[ChartSpec]) -> bytes:
    """The drawing part holding one graphic frame per chart; chart i is relationship rId{i+1}."""
    # Write the <xdr:wsDr> element.
    frames = []
    for i, chart in enumerate(charts):
        c0, r0, c1, r1 = _box(chart.anchor)
        frames.append(
            f"<xdr:twoCellAnchor editAs=\"oneCell\"><xdr:from><xdr:col>{c0}</xdr:col><xdr:colOff>0</xdr:colOff>"
            f"<xdr:row>{r0}</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from><xdr:to><xdr:col>{c1}</xdr:col>"
            f"<xdr:colOff>0</xdr:colOff><xdr:row>{r1}</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:to>"
            f'<xdr:graphicFrame macro=""><xdr:nvGraphicFramePr><xdr:cNvPr id="{i + 2}" '
            f'name="{_text(chart.name)}" descr="{_text(chart.title)}"/><xdr:cNvGraphicFramePr/>'
            '</xdr:nvGraphicFramePr><xdr:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/></xdr:xfrm>'
            f'<a:graphic><a:graphicData uri="{NS_C}"><c:chart xmlns:c="{NS_C}" r:id="rId{i + 1}"/>'
            "</a:graphicData></a:graphic></xdr:graphicFrame><xdr:clientData/></xdr:twoCellAnchor>")
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<xdr:wsDr xmlns:xdr="{NS_XDR}" xmlns:a="{NS_A}" xmlns:r="{NS_R}">'
            + "".join(frames) + "</xdr:wsDr>").encode("utf-8")


def _rels(targets: list[tuple[str, str]]) -> bytes:
    body = "".join(f'<Relationship Id="rId{i + 1}" Type="{typ}" Target="{escape(target)}"/>'
                   for i, (typ, target) in enumerate(targets))
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<Relationships xmlns="{NS_PKG_REL}">{body}</Relationships>').encode("utf-8")


def graft_parts(sheet_part: str, drawing: bytes | None, charts: list[bytes], taken: set[str],
                add: dict[str, bytes], overrides: list[tuple[str, str]]) -> str | None:
    """Add the drawing and chart parts of one sheet; the drawing's path relative to the sheet
    (for the sheet's relationship), or None when the sheet has no charts."""
    if drawing is None or not charts:
        return None
    xl = posixpath.dirname(posixpath.dirname(sheet_part))
    dpart = _free(taken, posixpath.join(xl, "drawings", "drawing{}.xml"))
    targets = []
    for data in charts:
        cpart = _free(taken, posixpath.join(xl, "charts", "chart{}.xml"))
        add[cpart] = data
        overrides.append((cpart, CT_CHART))
        targets.append((REL_CHART, posixpath.relpath(cpart, posixpath.dirname(dpart))))
    add[dpart] = drawing
    overrides.append((dpart, CT_DRAWING))
    add[posixpath.join(posixpath.dirname(dpart), "_rels", posixpath.basename(dpart) + ".rels")] = _rels(targets)
    return posixpath.relpath(dpart, posixpath.dirname(sheet_part))


def _free(taken: set[str], pattern: str) -> str:
    n = 1
    while pattern.format(n) in taken or _rels_of(pattern.format(n)) in taken:
        n += 1
    name = pattern.format(n)
    taken.add(name)
    return name


def _rels_of(part: str) -> str:
    return posixpath.join(posixpath.dirname(part), "_rels", posixpath.basename(part) + ".rels")
