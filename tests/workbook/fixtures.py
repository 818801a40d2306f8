"""Workbooks full of what a save through openpyxl would lose, built with XlsxWriter.

``feature_workbook`` makes a Chinese order workbook with a table, data validation, a
comment, a data bar with its Excel 2010 (x14) extension, sparklines, a chart, a picture
used on two sheets, a chartsheet, an autofilter (``_xlnm._FilterDatabase``), print areas
and titles, global and sheet-scoped defined names, a hand-made pivot table, and
optionally VBA (``vbaProject.bin`` from XlsxWriter, see ``data/SOURCES.md``) and a
customUI ribbon part. ``compare_packages`` compares two packages part by part in the way
of XlsxWriter's ``_compare_xlsx_files``.
"""

from __future__ import annotations

import datetime as dt
import io
import struct
import zipfile
import zlib
from pathlib import Path

import pandas as pd
import xlsxwriter
from lxml import etree

from xlcrm import i18n
from xlcrm.model import Column, SheetSpec, TableSpec

DATA = Path(__file__).parent / "data"
VBA_BIN = DATA / "vbaProject.bin"

# Parts a refresh may change: the package's bookkeeping (issue 3, "Done when").
BOOKKEEPING = {"[Content_Types].xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
               "docProps/app.xml", "docProps/core.xml", "docProps/custom.xml", "xl/styles.xml",
               "xl/sharedStrings.xml", "xl/calcChain.xml"}

CUSTOM_UI = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
             b'<customUI xmlns="http://schemas.microsoft.com/office/2009/07/customui">'
             b'<ribbon><tabs><tab id="xlcrmTest" label="Test"><group id="g" label="G">'
             b'<button id="hello" label="Hello" onAction="say_hello"/></group></tab></tabs>'
             b'</ribbon></customUI>')
REL_UI = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"


def png(width: int = 8, height: int = 6, rgb: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    """A small solid-colour PNG (no Pillow needed)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    raw = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


ORDERS = [
    (dt.datetime(2024, 1, 5), "华东机械", 12000.5, "张三"),
    (dt.datetime(2024, 1, 18), "南方电子", 8300.0, "李四"),
    (dt.datetime(2024, 2, 2), "华东机械", 15500.0, "张三"),
    (dt.datetime(2024, 2, 20), "北方化工", 4300.25, "王五"),
    (dt.datetime(2024, 3, 1), "南方电子", 9100.0, "李四"),
    (dt.datetime(2024, 3, 15), "西部物流", 2100.0, "王五"),
]


def feature_workbook(path: Path, *, vba: bool = False, custom_ui: bool = False,
                     pivot: bool = True, legacy_xlcrm_sheet: bool = False,
                     date1904: bool = False) -> Path:
    """Write the feature-rich workbook to ``path`` (.xlsm when ``vba``) and return its path."""
    opts = {"date_1904": True} if date1904 else {}
    wb = xlsxwriter.Workbook(str(path), opts)
    bold = wb.add_format({"bold": True})
    money = wb.add_format({"num_format": "#,##0.00"})
    date = wb.add_format({"num_format": "yyyy-mm-dd"})
    image = png()

    ws = wb.add_worksheet("订单")
    ws.write_row(0, 0, ["订单日期", "客户名称", "金额(元)", "业务员"], bold)
    for i, (d, c, a, r) in enumerate(ORDERS, 1):
        ws.write_datetime(i, 0, d, date)
        ws.write_string(i, 1, c)
        ws.write_number(i, 2, a, money)
        ws.write_string(i, 3, r)
    n = len(ORDERS)
    ws.add_table(0, 5, n, 7, {"name": "用户订单表", "columns": [{"header": "客户"}, {"header": "数量"},
                                                             {"header": "单价"}],
                              "data": [[c, i + 1, a] for i, (_, c, a, _) in enumerate(ORDERS)]})
    ws.data_validation(1, 3, n, 3, {"validate": "list", "source": ["张三", "李四", "王五"]})
    ws.write_comment(1, 1, "重点客户，注意回款")
    ws.conditional_format(1, 2, n, 2, {"type": "data_bar", "data_bar_2010": True, "bar_solid": True})
    ws.write_row(0, 9, ["一月", "二月", "三月"])
    ws.write_row(1, 9, [3, 5, 2])
    ws.add_sparkline(1, 12, {"range": "订单!J2:L2", "markers": True})
    ws.write_formula(n + 1, 2, f"=SUM(C2:C{n + 1})", money, sum(o[2] for o in ORDERS))
    ws.insert_image(n + 3, 0, "logo.png", {"image_data": io.BytesIO(image)})
    ws.print_area(0, 0, n + 1, 3)

    if legacy_xlcrm_sheet:
        # An xlcrm sheet (its marker, its table, nothing else) a user moved between their own
        # sheets; what a user adds to such a sheet makes it theirs (tests/safety/test_markers.py).
        old = wb.add_worksheet("客户分级")
        old.add_table(0, 0, 1, 1, {"name": "xlcrm_customers", "data": [["OLD", "旧数据"]],
                                   "columns": [{"header": "客户编号"}, {"header": "客户名称"}]})
        wb.define_name("_xlcrm_customers", "='客户分级'!$A$1")
        old.print_area(0, 0, 1, 1)

    cs = wb.add_worksheet("图表")
    chart = wb.add_chart({"type": "column"})
    chart.add_series({"name": "金额", "categories": f"=订单!$B$2:$B${n + 1}",
                      "values": f"=订单!$C$2:$C${n + 1}"})
    cs.insert_chart("B2", chart)
    cs.insert_image("J2", "logo.png", {"image_data": io.BytesIO(image)})  # the same picture again

    notes = wb.add_worksheet("备注")
    notes.write_row(0, 0, ["项目", "说明"], bold)
    notes.write_row(1, 0, ["回款", "月底前"])
    notes.autofilter(0, 0, 1, 1)
    notes.repeat_rows(0)
    wb.define_name("备注!本表名", "=备注!$A$1:$B$2")

    sheet = wb.add_chartsheet("趋势图")
    line = wb.add_chart({"type": "line"})
    line.add_series({"values": f"=订单!$C$2:$C${n + 1}"})
    sheet.set_chart(line)

    wb.define_name("销售额", f"=订单!$C$2:$C${n + 1}")
    wb.define_name("订单!本地区间", f"=订单!$A$2:$A${n + 1}")
    wb.set_properties({"title": "订单台账", "author": "销售部"})
    if vba:
        wb.add_vba_project(str(VBA_BIN))
        wb.set_vba_name("ThisWorkbook")
    wb.close()
    if pivot:
        add_pivot(path, "订单", f"A1:D{n + 1}", "备注", "D3")
    if custom_ui:
        add_custom_ui(path)
    return path


def _rewrite(path: Path, edit) -> None:
    """Rewrite a package through ``edit(parts: dict) -> None`` (fixtures only)."""
    with zipfile.ZipFile(path) as zf:
        parts = {i.filename: zf.read(i) for i in zf.infolist()}
    edit(parts)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(zipfile.ZipInfo(name, (2024, 1, 1, 0, 0, 0)), data,
                        compress_type=zipfile.ZIP_DEFLATED)


def _add_rel(xml: bytes, rid: str, rtype: str, target: str) -> bytes:
    return xml.replace(b"</Relationships>", f'<Relationship Id="{rid}" Type="{rtype}" '
                       f'Target="{target}"/></Relationships>'.encode())


def _add_override(xml: bytes, part: str, ctype: str) -> bytes:
    return xml.replace(b"</Types>", f'<Override PartName="{part}" ContentType="{ctype}"/></Types>'
                       .encode())


def add_custom_ui(path: Path) -> None:
    """Add a customUI14 ribbon part, linked from the package relations as Excel links it."""
    def edit(parts: dict[str, bytes]) -> None:
        parts["customUI/customUI14.xml"] = CUSTOM_UI
        parts["_rels/.rels"] = _add_rel(parts["_rels/.rels"], "rIdUI", REL_UI, "customUI/customUI14.xml")
    _rewrite(path, edit)


_SML = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def add_pivot(path: Path, source_sheet: str, source_ref: str, target_sheet: str, anchor: str) -> None:
    """Add a small pivot table (sum of 金额 by 客户名称) with its cache, the parts Excel writes.

    Hand-made from ECMA-376 Part 1, 18.10 (pivotTableDefinition, pivotCacheDefinition):
    cached field items, records, one row field and one data field.
    """
    def edit(parts: dict[str, bytes]) -> None:
        customers = sorted({o[1] for o in ORDERS})
        fields = [('<cacheField name="订单日期" numFmtId="14"><sharedItems containsSemiMixedTypes="0" '
                   'containsNonDate="0" containsDate="1" containsString="0" '
                   'minDate="2024-01-05T00:00:00" maxDate="2024-03-15T00:00:00"/></cacheField>'),
                  (f'<cacheField name="客户名称" numFmtId="0"><sharedItems count="{len(customers)}">'
                   + "".join(f'<s v="{c}"/>' for c in customers) + "</sharedItems></cacheField>"),
                  ('<cacheField name="金额(元)" numFmtId="4"><sharedItems containsSemiMixedTypes="0" '
                   'containsString="0" containsNumber="1" minValue="2100" maxValue="15500"/></cacheField>'),
                  '<cacheField name="业务员" numFmtId="0"><sharedItems/></cacheField>']
        parts["xl/pivotCache/pivotCacheDefinition1.xml"] = (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<pivotCacheDefinition '
            f'xmlns="{_SML}" xmlns:r="{_R}" r:id="rId1" refreshOnLoad="1" recordCount="{len(ORDERS)}">'
            f'<cacheSource type="worksheet"><worksheetSource ref="{source_ref}" sheet="{source_sheet}"/>'
            f'</cacheSource><cacheFields count="4">{"".join(fields)}</cacheFields></pivotCacheDefinition>'
        ).encode()
        records = "".join(f'<r><d v="{d:%Y-%m-%dT%H:%M:%S}"/><x v="{customers.index(c)}"/><n v="{a}"/>'
                          f'<s v="{r}"/></r>' for d, c, a, r in ORDERS)
        parts["xl/pivotCache/pivotCacheRecords1.xml"] = (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<pivotCacheRecords '
            f'xmlns="{_SML}" count="{len(ORDERS)}">{records}</pivotCacheRecords>').encode()
        parts["xl/pivotCache/_rels/pivotCacheDefinition1.xml.rels"] = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="'
            'http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" '
            f'Type="{_R}/pivotCacheRecords" Target="pivotCacheRecords1.xml"/></Relationships>').encode()
        col, row = anchor[0], int(anchor[1:])
        last = row + len(customers) + 1
        items = "".join(f'<item x="{i}"/>' for i in range(len(customers))) + '<item t="default"/>'
        parts["xl/pivotTables/pivotTable1.xml"] = (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<pivotTableDefinition '
            f'xmlns="{_SML}" name="数据透视表1" cacheId="1" applyNumberFormats="0" applyBorderFormats="0" '
            'applyFontFormats="0" applyPatternFormats="0" applyAlignmentFormats="0" '
            'applyWidthHeightFormats="1" dataCaption="值" updatedVersion="6" minRefreshableVersion="3" '
            'useAutoFormatting="1" itemPrintTitles="1" createdVersion="6" indent="0" outline="1" '
            f'outlineData="1" multipleFieldFilters="0"><location ref="{col}{row}:'
            f'{chr(ord(col) + 1)}{last}" firstHeaderRow="1" firstDataRow="1" firstDataCol="1"/>'
            '<pivotFields count="4"><pivotField numFmtId="14" showAll="0"/>'
            f'<pivotField axis="axisRow" showAll="0"><items count="{len(customers) + 1}">{items}'
            '</items></pivotField><pivotField dataField="1" numFmtId="4" showAll="0"/>'
            '<pivotField showAll="0"/></pivotFields><rowFields count="1"><field x="1"/></rowFields>'
            f'<rowItems count="{len(customers) + 1}">'
            + "".join(f'<i><x v="{i}"/></i>' if i else "<i><x/></i>" for i in range(len(customers)))
            + '<i t="grand"><x/></i></rowItems><colItems count="1"><i/></colItems>'
            '<dataFields count="1"><dataField name="求和项:金额(元)" fld="2" baseField="0" baseItem="0"/>'
            '</dataFields><pivotTableStyleInfo name="PivotStyleLight16" showRowHeaders="1" '
            'showColHeaders="1" showRowStripes="0" showColStripes="0" showLastColumn="1"/>'
            "</pivotTableDefinition>").encode()
        parts["xl/pivotTables/_rels/pivotTable1.xml.rels"] = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="'
            'http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" '
            f'Type="{_R}/pivotCacheDefinition" Target="../pivotCache/pivotCacheDefinition1.xml"/>'
            "</Relationships>").encode()
        # Link: workbook -> cache, target sheet -> pivot table.
        wb = parts["xl/workbook.xml"]
        parts["xl/_rels/workbook.xml.rels"] = _add_rel(
            parts["xl/_rels/workbook.xml.rels"], "rIdPivot1", f"{_R}/pivotCacheDefinition",
            "pivotCache/pivotCacheDefinition1.xml")
        cache = b'<pivotCaches><pivotCache cacheId="1" r:id="rIdPivot1"/></pivotCaches>'
        at = wb.index(b"<calcPr") if b"<calcPr" in wb else wb.index(b"</workbook>")
        parts["xl/workbook.xml"] = wb[:at] + cache + wb[at:]
        root = etree.fromstring(wb)
        ns = {"m": _SML, "r": _R}
        rid = root.xpath(f'//m:sheet[@name="{target_sheet}"]/@r:id', namespaces=ns)[0]
        rels = etree.fromstring(parts["xl/_rels/workbook.xml.rels"])
        target = next(r.get("Target") for r in rels if r.get("Id") == rid)
        sheet_part = "xl/" + target
        sheet_rels = sheet_part.replace("worksheets/", "worksheets/_rels/") + ".rels"
        base = parts.get(sheet_rels, b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                         b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                         b'relationships"></Relationships>')
        parts[sheet_rels] = _add_rel(base, "rIdPivotT1", f"{_R}/pivotTable",
                                     "../pivotTables/pivotTable1.xml")
        ct = parts["[Content_Types].xml"]
        for part, kind in (("/xl/pivotCache/pivotCacheDefinition1.xml", "pivotCacheDefinition"),
                           ("/xl/pivotCache/pivotCacheRecords1.xml", "pivotCacheRecords"),
                           ("/xl/pivotTables/pivotTable1.xml", "pivotTable")):
            ct = _add_override(ct, part, f"application/vnd.openxmlformats-officedocument."
                                         f"spreadsheetml.{kind}+xml")
        parts["[Content_Types].xml"] = ct
    _rewrite(path, edit)


# -- result sheets -------------------------------------------------------------------------
CUSTOMER_COLUMNS = [
    Column("customer_id", "Customer ID", "客户编号"),
    Column("customer", "Customer", "客户名称"),
    Column("orders", "Orders", "订单数", kind="int"),
    Column("revenue", "Revenue", "销售额", kind="money"),
    Column("last_order", "Last Order", "最近下单", kind="date"),
    Column("tier", "Tier", "客户等级", coded=True),
]
ISSUE_COLUMNS = [Column("sheet", "Sheet", "工作表"), Column("cell", "Cell", "单元格"),
                 Column("problem", "Problem", "问题"), Column("fix", "Fix", "处理建议")]


def result_sheets(lang: str = "zh", *, n: int = 4, roles: tuple[str, ...] = ("customers", "issues"),
                  seed: int = 0) -> list[SheetSpec]:
    """xlcrm-like result sheets with known values (a text that looks like a formula too)."""
    customers = pd.DataFrame({
        "customer_id": [f"C{seed}{i:03d}" for i in range(n)],
        "customer": [["华东机械", "南方电子", "=HYPERLINK(\"x\")", "+86 西部物流"][i % 4] for i in range(n)],
        "orders": [i + 1 for i in range(n)],
        "revenue": [1000.5 * (i + 1) + seed for i in range(n)],
        "last_order": pd.to_datetime([dt.date(2024, 3, 1) + dt.timedelta(days=i) for i in range(n)]),
        "tier": [["Key", "Major", "Regular", "Small"][i % 4] for i in range(n)],
    })
    issues = pd.DataFrame({"sheet": ["订单"], "cell": ["C9"], "problem": ["\"abc\" 不是金额"],
                           "fix": ["请输入数字"]})
    out = []
    for role in roles:
        if role == "issues":
            out.append(SheetSpec(role, i18n.sheet_name(role, lang),
                                 [TableSpec(f"xlcrm_{role}", issues, ISSUE_COLUMNS)]))
        else:
            out.append(SheetSpec(role, i18n.sheet_name(role, lang),
                                 [TableSpec(f"xlcrm_{role}", customers, CUSTOMER_COLUMNS)]))
    return out


# -- comparing packages --------------------------------------------------------------------
def parts_of(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {i.filename: zf.read(i) for i in zf.infolist()}


def _reach(parts: dict[str, bytes], roots: list[str]) -> set[str]:
    import posixpath

    out: set[str] = set()
    stack = list(roots)
    while stack:
        part = stack.pop()
        if part in out:
            continue
        out.add(part)
        rel = posixpath.join(posixpath.dirname(part), "_rels", posixpath.basename(part) + ".rels")
        if rel in parts:
            out.add(rel)
            for r in etree.fromstring(parts[rel]):
                if r.get("TargetMode") != "External":
                    stack.append(posixpath.normpath(posixpath.join(posixpath.dirname(part), r.get("Target"))))
    return out


def xlcrm_parts(parts: dict[str, bytes]) -> set[str]:
    """The parts hanging off xlcrm's sheets only (found through the marker names and relations)."""
    import posixpath

    from xlcrm.workbook import marker

    wb = etree.fromstring(parts["xl/workbook.xml"])
    ns = {"m": _SML, "r": _R}
    names = {marker.sheet_of_ref(dn.text or "") for dn in wb.xpath("//m:definedName", namespaces=ns)
             if marker.role_of_name(dn.get("name", "")) and dn.get("localSheetId") is None}
    rels = {r.get("Id"): r.get("Target") for r in etree.fromstring(parts["xl/_rels/workbook.xml.rels"])}
    mine = {s.get(f"{{{_R}}}id") for s in wb.xpath("//m:sheet", namespaces=ns) if s.get("name") in names}
    ours = _reach(parts, [posixpath.normpath(posixpath.join("xl", rels[rid])) for rid in mine])
    roots = [r.get("Target").lstrip("/") for r in etree.fromstring(parts["_rels/.rels"])
             if r.get("Target").lstrip("/") != "xl/workbook.xml"]
    theirs = _reach(parts, roots + [posixpath.normpath(posixpath.join("xl", t))
                                    for rid, t in rels.items() if rid not in mine])
    return ours - theirs


def compare_packages(before: dict[str, bytes], after: dict[str, bytes]) -> list[str]:
    """Differences in the user's parts between two packages (empty when none).

    Like XlsxWriter's ``_compare_xlsx_files``: the same part list (less xlcrm's own parts
    and a dropped calcChain), every part byte-identical except the bookkeeping parts, whose
    user elements are checked by ``bookkeeping_kept``.
    """
    before, after = canonical(before), canonical(after)
    mine_before, mine_after = xlcrm_parts(before), xlcrm_parts(after)
    user_before = set(before) - mine_before - {"xl/calcChain.xml"}
    # A bookkeeping part the package lacked (styles.xml, docProps/app.xml) may be added.
    user_after = set(after) - mine_after - {"xl/calcChain.xml"} - (BOOKKEEPING - set(before))
    problems = []
    if user_before != user_after:
        problems.append(f"part lists differ: lost {sorted(user_before - user_after)}, "
                        f"gained {sorted(user_after - user_before)}")
    for name in sorted(user_before & user_after):
        if name not in BOOKKEEPING and before[name] != after[name]:
            problems.append(f"{name} changed")
    problems += bookkeeping_kept(before, after)
    return problems


def canonical(parts: dict[str, bytes]) -> dict[str, bytes]:
    """The package with its workbook part moved to xl/workbook.xml, for the checks above.

    Real packages may keep the workbook elsewhere (``wtf/workbook.xml``, ``workbook.xml`` at
    the root); relative targets inside stay valid when the whole folder moves.
    """
    import posixpath

    rels = etree.fromstring(parts["_rels/.rels"])
    wb = next((r.get("Target", "").lstrip("/") for r in rels
               if r.get("Type", "").endswith("/officeDocument")), "xl/workbook.xml")
    wb = posixpath.normpath(wb)
    if wb == "xl/workbook.xml":
        return parts
    folder = posixpath.dirname(wb)
    keep = {"[Content_Types].xml", "_rels/.rels"}
    out = {}
    for name, data in parts.items():
        inside = name.startswith(folder + "/") if folder else not (name in keep or name.startswith("docProps/"))
        if not inside:
            out[name] = data
            continue
        rest = name[len(folder) + 1:] if folder else name
        if rest == posixpath.basename(wb):
            rest = "workbook.xml"
        elif rest == "_rels/" + posixpath.basename(wb) + ".rels":
            rest = "_rels/workbook.xml.rels"
        out["xl/" + rest] = data
    for r in rels:
        if posixpath.normpath(r.get("Target", "").lstrip("/")) == wb:
            r.set("Target", "xl/workbook.xml")
    out["_rels/.rels"] = etree.tostring(rels)
    return out


def _sheet_list(parts: dict[str, bytes]) -> list[dict[str, str]]:
    wb = etree.fromstring(parts["xl/workbook.xml"])
    return [{k.split("}")[-1]: v for k, v in s.attrib.items()} for s in wb.iter(f"{{{_SML}}}sheet")]


def bookkeeping_kept(before: dict[str, bytes], after: dict[str, bytes]) -> list[str]:
    """The user's elements of the bookkeeping parts are unchanged (ours aside)."""
    from xlcrm.workbook import marker

    problems = []
    mine = {marker.sheet_of_ref(v) for v in _markers(before).values()} | \
        {marker.sheet_of_ref(v) for v in _markers(after).values()}
    user_b = [s for s in _sheet_list(before) if s["name"] not in mine]
    user_a = [s for s in _sheet_list(after) if s["name"] not in mine]
    if user_b != user_a:
        problems.append(f"user sheets changed: {user_b} -> {user_a}")
    all_a = [s["name"] for s in _sheet_list(after)]
    if all_a[:len(user_a)] != [s["name"] for s in user_a]:
        problems.append(f"xlcrm sheets are not after the user's: {all_a}")
    if _user_names(before, mine) != _user_names(after, mine):
        problems.append(f"user defined names changed: {_user_names(before, mine)} -> "
                        f"{_user_names(after, mine)}")
    rb = _rels(before, "xl/_rels/workbook.xml.rels")
    ra = _rels(after, "xl/_rels/workbook.xml.rels")
    mine_targets = {p.removeprefix("xl/") for p in xlcrm_parts(before) | xlcrm_parts(after)}
    lost = {r for r in rb - ra if r[2] not in mine_targets and not r[1].endswith("/calcChain")}
    if lost:
        problems.append(f"workbook relations lost: {lost}")
    ctb, cta = _content_types(before), _content_types(after)
    lost_ct = {c for c in ctb - cta if c[1].lstrip("/") not in xlcrm_parts(before)
               and not c[1].endswith("calcChain.xml")}
    if lost_ct:
        problems.append(f"content types lost: {lost_ct}")
    if "xl/styles.xml" in before:
        problems += _styles_kept(before["xl/styles.xml"], after["xl/styles.xml"])
    wb_b, wb_a = etree.fromstring(before["xl/workbook.xml"]), etree.fromstring(after["xl/workbook.xml"])
    for el_b in wb_b:
        tag = etree.QName(el_b).localname
        if tag in ("sheets", "definedNames", "bookViews", "calcPr"):
            continue
        el_a = wb_a.find(el_b.tag)
        if el_a is None or etree.tostring(el_a) != etree.tostring(el_b):
            problems.append(f"workbook.xml <{tag}> changed")
    return problems


def _markers(parts: dict[str, bytes]) -> dict[str, str]:
    from xlcrm.workbook import marker

    wb = etree.fromstring(parts["xl/workbook.xml"])
    return {dn.get("name"): dn.text or "" for dn in wb.iter(f"{{{_SML}}}definedName")
            if marker.role_of_name(dn.get("name", "")) and dn.get("localSheetId") is None}


def _user_names(parts: dict[str, bytes], mine: set[str | None]) -> list[tuple]:
    """User defined names with their scope as a sheet name (positions may move)."""
    from xlcrm.workbook import marker

    wb = etree.fromstring(parts["xl/workbook.xml"])
    sheets = [s.get("name") for s in wb.iter(f"{{{_SML}}}sheet")]
    out = []
    for dn in wb.iter(f"{{{_SML}}}definedName"):
        if marker.role_of_name(dn.get("name", "")):
            continue
        local = dn.get("localSheetId")
        scope = sheets[int(local)] if local is not None else None
        if scope in mine:
            continue
        attrs = {k: v for k, v in dn.attrib.items() if k != "localSheetId"}
        out.append((scope, tuple(sorted(attrs.items())), dn.text))
    return out


def _rels(parts: dict[str, bytes], name: str) -> set[tuple[str, str, str]]:
    return {(r.get("Id"), r.get("Type"), r.get("Target")) for r in etree.fromstring(parts[name])}


def _content_types(parts: dict[str, bytes]) -> set[tuple[str, str, str]]:
    return {(etree.QName(e).localname, e.get("PartName") or e.get("Extension"), e.get("ContentType"))
            for e in etree.fromstring(parts["[Content_Types].xml"])}


def _styles_kept(before: bytes, after: bytes) -> list[str]:
    """Every collection of the user's styles.xml keeps its entries as a prefix, unchanged."""
    b, a = etree.fromstring(before), etree.fromstring(after)
    problems = []
    for el_b in b:
        el_a = a.find(el_b.tag)
        if el_a is None:
            problems.append(f"styles.xml lost <{etree.QName(el_b).localname}>")
            continue
        kids_b = [etree.tostring(k) for k in el_b]
        kids_a = [etree.tostring(k) for k in el_a][:len(kids_b)]
        if kids_b != kids_a:
            problems.append(f"styles.xml <{etree.QName(el_b).localname}> entries changed")
    return problems
