"""Grafting xlcrm's sheets: every user part survives one and two refreshes byte-identical.

The comparison follows XlsxWriter's ``_compare_xlsx_files`` (fixtures.compare_packages):
same part list, every part byte-identical except the bookkeeping parts named in issue 3,
whose user elements are checked one by one. The workbooks carry what a save through
openpyxl loses (TOOLS.md): x14 data bars, sparklines, charts, pictures, comments, a
pivot table, VBA and a customUI ribbon.
"""

from __future__ import annotations

import warnings
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from tests.libreoffice import read_back
from tests.workbook.fixtures import (
    _SML,
    ORDERS,
    REL_UI,
    compare_packages,
    feature_workbook,
    parts_of,
    result_sheets,
    xlcrm_parts,
)
from xlcrm.workbook import marker
from xlcrm.workbook.write import owned_sheets, write_in_place

NS = {"m": _SML, "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships"}


def _load(path: Path) -> openpyxl.Workbook:
    with warnings.catch_warnings():  # openpyxl warns that it would drop the x14 extensions
        warnings.simplefilter("ignore", UserWarning)
        return openpyxl.load_workbook(path, keep_vba=path.suffix == ".xlsm")


def _sheets(path: Path) -> list[str]:
    root = etree.fromstring(parts_of(path)["xl/workbook.xml"])
    return root.xpath("//m:sheet/@name", namespaces=NS)


def _refresh_twice(path: Path, **kw) -> tuple[dict, dict, dict]:
    p0 = parts_of(path)
    write_in_place(path, result_sheets(**kw), lang=kw.get("lang", "zh"))
    p1 = parts_of(path)
    write_in_place(path, result_sheets(**kw), lang=kw.get("lang", "zh"))
    return p0, p1, parts_of(path)


@pytest.mark.parametrize("kind", ["xlsx", "xlsm"])
def test_every_user_part_is_byte_identical_after_one_and_two_refreshes(tmp_path: Path, kind: str) -> None:
    path = feature_workbook(tmp_path / f"orders.{kind}", vba=kind == "xlsm", custom_ui=kind == "xlsm")
    p0, p1, p2 = _refresh_twice(path)
    assert compare_packages(p0, p1) == []
    assert compare_packages(p1, p2) == []
    assert compare_packages(p0, p2) == []
    # The user's parts really are all there (pivot, chart, image, comments, VBA...).
    for part in ["xl/pivotTables/pivotTable1.xml", "xl/pivotCache/pivotCacheRecords1.xml",
                 "xl/charts/chart1.xml", "xl/media/image1.png", "xl/comments1.xml",
                 "xl/drawings/vmlDrawing1.vml", "xl/tables/table1.xml", "xl/chartsheets/sheet1.xml"]:
        assert p2[part] == p0[part]
    assert b"x14:dataBar" in p2["xl/worksheets/sheet1.xml"] and b"x14:sparkline" in p2["xl/worksheets/sheet1.xml"]
    assert _sheets(path) == ["订单", "图表", "备注", "趋势图", "客户分级", "数据问题"]
    assert owned_sheets(path) == {"customers": "客户分级", "issues": "数据问题"}
    assert len(xlcrm_parts(p2)) == len(xlcrm_parts(p1))  # nothing piles up


def test_xlsm_keeps_its_vba_project_and_ribbon(tmp_path: Path) -> None:
    with warnings.catch_warnings():  # oletools calls a deprecated pyparsing name on import
        warnings.simplefilter("ignore", DeprecationWarning)
        from oletools.olevba import VBA_Parser

    path = feature_workbook(tmp_path / "macros.xlsm", vba=True, custom_ui=True)
    before = parts_of(path)
    _refresh_twice(path)
    after = parts_of(path)
    assert path.suffix == ".xlsm"
    assert after["xl/vbaProject.bin"] == before["xl/vbaProject.bin"]
    assert after["customUI/customUI14.xml"] == before["customUI/customUI14.xml"]
    assert after["_rels/.rels"] == before["_rels/.rels"] and REL_UI.encode() in after["_rels/.rels"]
    assert b"sheet.macroEnabled.main+xml" in after["[Content_Types].xml"]
    vba = VBA_Parser(str(path))  # oletools, a reader we did not write
    code = "".join(src for _, _, _, src in vba.extract_macros())
    vba.close()
    assert "Sub say_hello()" in code


def test_an_xlcrm_sheet_moved_between_user_sheets_is_replaced_and_names_keep_their_sheet(
        tmp_path: Path) -> None:
    # 客户分级 sits at position 1 with the marker; sheet-scoped names of 备注 (position 3)
    # move to position 2 when it is removed: their localSheetId must follow.
    path = feature_workbook(tmp_path / "moved.xlsx", legacy_xlcrm_sheet=True)
    p0 = parts_of(path)
    assert _sheets(path) == ["订单", "客户分级", "图表", "备注", "趋势图"]
    write_in_place(path, result_sheets(), lang="zh")
    p1 = parts_of(path)
    assert compare_packages(p0, p1) == []  # compares names by the sheet they are scoped to
    assert _sheets(path) == ["订单", "图表", "备注", "趋势图", "客户分级", "数据问题"]
    wb = etree.fromstring(p1["xl/workbook.xml"])
    local = {(dn.get("name"), dn.get("localSheetId")) for dn in wb.xpath("//m:definedName", namespaces=NS)}
    assert ("本表名", "2") in local and ("_xlnm._FilterDatabase", "2") in local
    assert ("本地区间", "0") in local
    # The old sheet's print area went with it; the new sheet has only its print titles.
    at4 = [(dn.get("name"), dn.text) for dn in wb.xpath("//m:definedName", namespaces=NS)
           if dn.get("localSheetId") == "4"]
    assert at4 == [("_xlnm.Print_Titles", "'客户分级'!$1:$1")]
    # What hung off the old sheet (its table) is gone, with its content types.
    gone = set(p0) - set(p1)
    tables = [p for p in p1 if p.startswith("xl/tables/")]
    assert len(tables) == 3  # the user's 用户订单表 and xlcrm's two new ones: the old one went
    assert "xl/media/image1.png" in p1
    for part in gone:
        assert f'"/{part}"'.encode() not in p1["[Content_Types].xml"]
    assert "OLD" not in str([list(r) for r in _load(path)["客户分级"].values])


def test_active_tab_follows_the_user_sheet_it_showed(tmp_path: Path) -> None:
    path = feature_workbook(tmp_path / "active.xlsx", legacy_xlcrm_sheet=True)
    parts = parts_of(path)
    wb = parts["xl/workbook.xml"].replace(b"<workbookView ", b'<workbookView activeTab="3" firstSheet="1" ')
    _replace_part(path, "xl/workbook.xml", wb)
    write_in_place(path, result_sheets(), lang="zh")
    view = etree.fromstring(parts_of(path)["xl/workbook.xml"]).find(".//m:workbookView", NS)
    sheets = _sheets(path)
    assert sheets[int(view.get("activeTab"))] == "备注"
    assert sheets[int(view.get("firstSheet"))] == sheets[0]  # its sheet (客户分级) moved to the end


def _replace_part(path: Path, name: str, data: bytes) -> None:
    with zipfile.ZipFile(path) as zf:
        parts = [(i, zf.read(i)) for i in zf.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, old in parts:
            zf.writestr(info, data if info.filename == name else old)


def test_openpyxl_written_workbook_with_r_namespace_on_each_sheet(tmp_path: Path) -> None:
    path = tmp_path / "opx.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "订单"
    wb.active.append(["客户名称", "金额"])
    wb.active.append(["华东机械", 100.5])
    wb.create_sheet("汇总")["A1"] = "=SUM(订单!B:B)"
    wb.save(path)
    p0 = parts_of(path)
    assert b'<sheet xmlns:r="' in p0["xl/workbook.xml"]  # the pitfall TOOLS.md names
    p0, _, p2 = _refresh_twice(path)
    assert compare_packages(p0, p2) == []
    assert _load(path).sheetnames == ["订单", "汇总", "客户分级", "数据问题"]
    assert read_back(path)["订单"][1][:2] == ["华东机械", "100.5"]


def test_a_user_sheet_with_xlcrm_s_name_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "clash.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "客户分级"  # the user's own sheet, no marker
    wb.active["A1"] = "我的分级"
    wb.save(path)
    p0 = parts_of(path)
    write_in_place(path, result_sheets(), lang="zh")
    write_in_place(path, result_sheets(), lang="zh")
    assert _sheets(path) == ["客户分级", "客户分级 (2)", "数据问题"]
    assert compare_packages(p0, parts_of(path)) == []
    assert owned_sheets(path)["customers"] == "客户分级 (2)"


def test_a_renamed_xlcrm_sheet_keeps_the_users_name_and_a_language_switch_renames(tmp_path: Path) -> None:
    path = feature_workbook(tmp_path / "rename.xlsx", pivot=False)
    write_in_place(path, result_sheets(), lang="zh")
    wb = parts_of(path)["xl/workbook.xml"].replace("客户分级".encode(), "我的客户".encode())
    _replace_part(path, "xl/workbook.xml", wb)
    assert owned_sheets(path)["customers"] == "我的客户"
    write_in_place(path, result_sheets(), lang="zh")
    assert owned_sheets(path) == {"customers": "我的客户", "issues": "数据问题"}
    write_in_place(path, result_sheets("en"), lang="en")
    assert owned_sheets(path) == {"customers": "我的客户", "issues": "CRM Data Issues"}
    assert _sheets(path) == ["订单", "图表", "备注", "趋势图", "我的客户", "CRM Data Issues"]


def test_fewer_roles_on_the_next_refresh_remove_the_old_sheet_and_its_parts(tmp_path: Path) -> None:
    path = feature_workbook(tmp_path / "fewer.xlsx", pivot=False)
    p0 = parts_of(path)
    write_in_place(path, result_sheets(roles=("customers", "issues", "churn")), lang="zh")
    report = write_in_place(path, result_sheets(roles=("customers",)), lang="zh")
    p2 = parts_of(path)
    assert sorted(report.removed) == sorted(["客户分级", "数据问题", "流失预警"])
    assert _sheets(path)[-1] == "客户分级" and "流失预警" not in _sheets(path)
    assert compare_packages(p0, p2) == []
    assert set(p2) - set(p0) == xlcrm_parts(p2)  # only the one sheet and its table are new
    ct = p2["[Content_Types].xml"].decode()
    for part in xlcrm_parts(p2):
        if not part.endswith(".rels"):
            assert f'PartName="/{part}"' in ct
    assert ct.count("/xl/tables/") == 2  # the user's table and ours


def test_stale_calc_chain_is_dropped_with_its_relation_and_override(tmp_path: Path) -> None:
    path = feature_workbook(tmp_path / "calc.xlsx", pivot=False)
    write_in_place(path, result_sheets(), lang="zh")
    wb = etree.fromstring(parts_of(path)["xl/workbook.xml"])
    ours = wb.xpath('//m:sheet[@name="客户分级"]/@sheetId', namespaces=NS)[0]
    _add_calc_chain(path, f'<c r="C8" i="1"/><c r="B2" i="{ours}"/>')
    write_in_place(path, result_sheets(), lang="zh")
    after = parts_of(path)
    assert "xl/calcChain.xml" not in after
    assert b"calcChain" not in after["xl/_rels/workbook.xml.rels"]
    assert b"calcChain" not in after["[Content_Types].xml"]


def test_calc_chain_of_user_sheets_only_is_kept(tmp_path: Path) -> None:
    path = feature_workbook(tmp_path / "calc2.xlsx", pivot=False)
    write_in_place(path, result_sheets(), lang="zh")
    _add_calc_chain(path, '<c r="C8" i="1"/>')
    before = parts_of(path)
    write_in_place(path, result_sheets(), lang="zh")
    assert parts_of(path)["xl/calcChain.xml"] == before["xl/calcChain.xml"]


def _add_calc_chain(path: Path, cells: str) -> None:
    with zipfile.ZipFile(path) as zf:
        parts = {i.filename: zf.read(i) for i in zf.infolist()}
    parts["xl/calcChain.xml"] = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                                 f'<calcChain xmlns="{_SML}">{cells}</calcChain>').encode()
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>", b'<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/'
        b'officeDocument/2006/relationships/calcChain" Target="calcChain.xml"/></Relationships>')
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>", b'<Override PartName="/xl/calcChain.xml" ContentType="application/vnd.'
        b'openxmlformats-officedocument.spreadsheetml.calcChain+xml"/></Types>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)


def test_app_xml_titles_list_the_sheets_in_order(tmp_path: Path) -> None:
    path = feature_workbook(tmp_path / "app.xlsx", legacy_xlcrm_sheet=True)
    _refresh_twice(path)
    app = etree.fromstring(parts_of(path)["docProps/app.xml"])
    vt = {"vt": "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes",
          "ep": "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"}
    heading = app.xpath("//ep:HeadingPairs//vt:variant/*/text()", namespaces=vt)
    titles = app.xpath("//ep:TitlesOfParts//vt:lpstr/text()", namespaces=vt)
    assert heading[:2] == ["Worksheets", "5"]
    assert titles[:5] == ["订单", "图表", "备注", "客户分级", "数据问题"]
    assert int(app.xpath("//ep:TitlesOfParts/vt:vector/@size", namespaces=vt)[0]) == len(titles)
    assert sum(int(x) for x in heading[1::2]) == len(titles)


def test_date1904_workbooks_pass_the_flag_to_the_renderer(tmp_path: Path, monkeypatch) -> None:
    from xlcrm.workbook import render

    seen = []
    real = render.render_sheet

    def spy(spec, **kw):
        seen.append(kw["date1904"])
        return real(spec, **kw)

    monkeypatch.setattr(render, "render_sheet", spy)
    write_in_place(feature_workbook(tmp_path / "mac.xlsx", date1904=True, pivot=False),
                   result_sheets(), lang="zh")
    write_in_place(feature_workbook(tmp_path / "win.xlsx", pivot=False), result_sheets(), lang="zh")
    assert seen == [True, True, False, False]


@pytest.mark.libreoffice
def test_libreoffice_reads_the_user_sheets_as_before_and_ours_as_pandas_does(tmp_path: Path) -> None:
    path = feature_workbook(tmp_path / "lo.xlsm", vba=True, custom_ui=True)
    _refresh_twice(path)
    after = read_back(path)
    ours = pd.read_excel(path, sheet_name=None, engine="calamine", dtype=str)
    _same_as_pandas(after, ours, ("订单", "客户分级", "数据问题"))
    assert after["客户分级"][3][1] == '=HYPERLINK("x")'  # user text stays text
    # LibreOffice refreshes the user's pivot table on load: its sums are the orders' sums.
    pivot = {r[3]: float(r[4]) for r in after["备注"][3:] if len(r) > 4 and r[4] and r[3] != "总计"}
    sums: dict[str, float] = {}
    for _, customer, amount, _ in ORDERS:
        sums[customer] = sums.get(customer, 0.0) + amount
    assert {k: v for k, v in pivot.items() if k in sums} == pytest.approx(sums)
    _load(path)


def _same_as_pandas(lo_sheets: dict, pandas_sheets: dict, names: tuple[str, ...]) -> None:
    for sheet in names:
        lo = lo_sheets[sheet]
        pdf = pandas_sheets[sheet]
        assert [c for c in lo[0] if c] == [c for c in pdf.columns if not str(c).startswith("Unnamed")]
        assert len(lo) - 1 == len(pdf)
        for lo_row, (_, pd_row) in zip(lo[1:], pdf.iterrows()):
            for a, b in zip(lo_row, pd_row.tolist()):
                assert _same(a, b), (sheet, lo_row, pd_row.tolist())


def _same(lo: str, pd_value: object) -> bool:
    if str(pd_value) == lo or (lo == "" and pd.isna(pd_value)):
        return True
    try:
        return abs(float(lo) - float(str(pd_value))) < 1e-9
    except ValueError:
        return str(pd_value)[:10] == lo[:10]  # a date: LibreOffice gives ISO, calamine a timestamp


# -- a property over generated workbooks ---------------------------------------------------
_NAMES = st.text(alphabet=st.sampled_from(list("订单客户汇总备注ABCxyz 12")), min_size=1, max_size=12).map(
    str.strip).filter(bool)


@st.composite
def workbooks(draw):
    names = draw(st.lists(_NAMES, min_size=1, max_size=4, unique_by=str.casefold))
    features = [draw(st.sets(st.sampled_from(["table", "comment", "image", "chart", "local_name",
                                              "autofilter", "data_bar"]))) for _ in names]
    legacy = draw(st.sampled_from([None, *range(len(names) + 1)]))
    runs = draw(st.lists(st.tuples(st.sampled_from(["zh", "en"]),
                                   st.sets(st.sampled_from(["customers", "churn", "issues"]),
                                           min_size=1)), min_size=1, max_size=3))
    return names, features, legacy, runs


def _build(path: Path, names, features, legacy) -> None:
    import io

    import xlsxwriter

    from tests.workbook.fixtures import png

    wb = xlsxwriter.Workbook(str(path))
    for k, (name, feats) in enumerate(zip(names, features)):
        if legacy == k:
            old = wb.add_worksheet("流失预警")
            old.add_table(0, 0, 1, 0, {"name": "xlcrm_churn", "columns": [{"header": "旧"}]})
            wb.define_name("_xlcrm_churn", "='流失预警'!$A$1")
        if name.casefold() in {"流失预警"}:
            continue
        ws = wb.add_worksheet(name)
        ws.write_row(0, 0, ["客户", "金额"])
        ws.write_row(1, 0, [name, k + 1.5])
        if "table" in feats:
            ws.add_table(3, 0, 5, 1, {"name": f"用户表{k}"})
        if "comment" in feats:
            ws.write_comment(0, 0, f"注{k}")
        if "image" in feats:
            ws.insert_image(7, 0, "p.png", {"image_data": io.BytesIO(png())})
        if "chart" in feats:
            ch = wb.add_chart({"type": "bar"})
            ch.add_series({"values": [name, 1, 1, 1, 1]})
            ws.insert_chart(8, 3, ch)
        if "local_name" in feats:
            wb.define_name(f"'{name}'!局部{k}", f"='{name}'!$A$1")
        if "autofilter" in feats:
            ws.autofilter(0, 0, 1, 1)
        if "data_bar" in feats:
            ws.conditional_format(1, 1, 1, 1, {"type": "data_bar", "data_bar_2010": True})
    if legacy == len(names):
        old = wb.add_worksheet("流失预警")
        old.add_table(0, 0, 1, 0, {"name": "xlcrm_churn", "columns": [{"header": "旧"}]})
        wb.define_name("_xlcrm_churn", "='流失预警'!$A$1")
    wb.define_name("全局", f"='{names[0]}'!$B$2")
    wb.close()


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(workbooks())
def test_property_no_user_part_changes_and_xlcrm_sheets_never_duplicate(tmp_path_factory, case) -> None:
    names, features, legacy, runs = case
    path = tmp_path_factory.mktemp("prop") / "book.xlsx"
    _build(path, names, features, legacy)
    original = parts_of(path)
    for lang, roles in runs:
        roles = tuple(sorted(roles))
        write_in_place(path, result_sheets(lang, roles=roles), lang=lang, backups=0)
        now = parts_of(path)
        assert compare_packages(original, now) == []
        owned = owned_sheets(path)
        assert sorted(owned) == sorted(roles)
        sheets = _sheets(path)
        assert len({s.casefold() for s in sheets}) == len(sheets)
        markers = [dn for dn in etree.fromstring(now["xl/workbook.xml"]).xpath(
            "//m:definedName/@name", namespaces=NS) if marker.role_of_name(dn)]
        assert sorted(markers) == sorted(marker.defined_name(r) for r in roles)
        assert sheets[-len(roles):] == list(owned.values()) or set(sheets[-len(roles):]) == set(owned.values())


# -- workbooks Excel saved (XlsxWriter's reference files, data/SOURCES.md) ------------------
EXCEL_FILES = sorted((Path(__file__).parent / "data" / "excel").iterdir())


@pytest.mark.parametrize("source", EXCEL_FILES, ids=[p.name for p in EXCEL_FILES])
def test_excel_made_workbooks_keep_every_user_part(tmp_path: Path, source: Path) -> None:
    path = tmp_path / source.name
    path.write_bytes(source.read_bytes())
    p0, p1, p2 = _refresh_twice(path)
    assert compare_packages(p0, p1) == [] and compare_packages(p0, p2) == []
    assert _load(path).sheetnames[-2:] == ["客户分级", "数据问题"]


MODERN_ROOT = (
    b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
    b'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" mc:Ignorable="x15 xr xr6 xr10 xr2" '
    b'xmlns:x15="http://schemas.microsoft.com/office/spreadsheetml/2010/11/main" '
    b'xmlns:xr="http://schemas.microsoft.com/office/spreadsheetml/2014/revision" '
    b'xmlns:xr6="http://schemas.microsoft.com/office/spreadsheetml/2016/revision6" '
    b'xmlns:xr10="http://schemas.microsoft.com/office/spreadsheetml/2016/revision10" '
    b'xmlns:xr2="http://schemas.microsoft.com/office/spreadsheetml/2015/revision2">'
    b'<fileVersion appName="xl" lastEdited="7" lowestEdited="7" rupBuild="27328"/>'
    b'<workbookPr defaultThemeVersion="166925"/>'
    b'<mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">'
    b'<mc:Choice Requires="x15"><x15ac:absPath url="C:\\Users\\\xe9\x94\x80\xe5\x94\xae\\" '
    b'xmlns:x15ac="http://schemas.microsoft.com/office/spreadsheetml/2010/11/ac"/></mc:Choice>'
    b'</mc:AlternateContent><xr:revisionPtr revIDLastSave="0" documentId="8_{1}" '
    b'xr6:coauthVersionLast="47" xr6:coauthVersionMax="47" xr10:uidLastSave="{00000000-0000-0000-0000-000000000000}"/>'
)


def test_modern_excel_workbook_xml_keeps_its_namespaces_and_extensions(tmp_path: Path) -> None:
    # Excel 2016+ declares prefixes used only in mc:Ignorable; renaming or dropping them
    # makes Excel repair the file, so they must come out as they went in.
    path = feature_workbook(tmp_path / "modern.xlsx", pivot=False)
    wb = parts_of(path)["xl/workbook.xml"]
    start = wb.index(b"<workbook ")
    end = wb.index(b"<bookViews>")
    wb = wb[:start] + MODERN_ROOT + wb[end:]
    wb = wb.replace(b"</workbook>", b'<extLst><ext uri="{140A7094-0E35-4892-8432-C4D2E57EDEB5}" '
                    b'xmlns:x15="http://schemas.microsoft.com/office/spreadsheetml/2010/11/main">'
                    b'<x15:workbookPr chartTrackingRefBase="1"/></ext></extLst></workbook>')
    _replace_part(path, "xl/workbook.xml", wb)
    p0, _, p2 = _refresh_twice(path)
    assert compare_packages(p0, p2) == []
    out = p2["xl/workbook.xml"]
    root_in = etree.fromstring(MODERN_ROOT + b"</workbook>")
    root_out = etree.fromstring(out)
    assert root_out.nsmap == root_in.nsmap  # every prefix declared as before, none renamed
    assert dict(root_out.attrib) == dict(root_in.attrib)  # mc:Ignorable="x15 xr xr6 xr10 xr2"
    for chunk in (b"<mc:AlternateContent", b"x15ac:absPath", b"<xr:revisionPtr", b"<x15:workbookPr"):
        assert chunk in out
    assert out.index(b"</sheets>") < out.index(b"<definedNames>") < out.index(b"<extLst>")
    _load(path)


@pytest.mark.libreoffice
def test_a_workbook_libreoffice_saved_keeps_every_user_part(tmp_path: Path) -> None:
    import subprocess
    import tempfile

    from tests.libreoffice import soffice

    src = feature_workbook(tmp_path / "src.xlsx", pivot=False)
    with tempfile.TemporaryDirectory() as prof:
        subprocess.run([soffice(), f"-env:UserInstallation=file://{prof}", "--headless",
                        "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(tmp_path / "lo"),
                        str(src)], capture_output=True, timeout=120, check=True)
    path = tmp_path / "lo" / "src.xlsx"
    p0, _, p2 = _refresh_twice(path)
    assert compare_packages(p0, p2) == []
    after = read_back(path)
    ours = pd.read_excel(path, sheet_name=None, engine="calamine", dtype=str)
    _same_as_pandas(after, ours, ("备注", "客户分级", "数据问题"))
    assert after["客户分级"][1][:2] == ["C0000", "华东机械"]


def test_refreshing_again_with_the_same_results_gives_the_same_bytes(tmp_path: Path) -> None:
    # DESIGN.md invariant 5: from the second refresh on, the package does not change at all
    # (styles are reused, sheet parts, sheetIds and table ids are the same).
    path = feature_workbook(tmp_path / "same.xlsm", vba=True, custom_ui=True)
    _, p1, p2 = _refresh_twice(path)
    write_in_place(path, result_sheets(), lang="zh")
    p3 = parts_of(path)
    assert list(p3) == list(p2)
    assert [name for name in p3 if p3[name] != p2[name]] == []
    assert p2["xl/styles.xml"] == p1["xl/styles.xml"]


@pytest.mark.libreoffice
def test_libreoffice_reads_every_excel_made_workbook_the_same_after_refresh(tmp_path: Path) -> None:
    # One LibreOffice run over the originals and the refreshed copies: every user sheet
    # reads back the same, and xlcrm's sheets read back what pandas reads.
    import csv
    import subprocess
    import tempfile

    from tests.libreoffice import CSV_FILTER, soffice

    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    out.mkdir()
    for i, f in enumerate(EXCEL_FILES):
        (src / f"orig{i}{f.suffix}").write_bytes(f.read_bytes())
        new = src / f"new{i}{f.suffix}"
        new.write_bytes(f.read_bytes())
        write_in_place(new, result_sheets(), lang="zh", backups=0)
    with tempfile.TemporaryDirectory() as prof:
        subprocess.run([soffice(), f"-env:UserInstallation=file://{prof}", "--headless", "--norestore",
                        "--convert-to", CSV_FILTER, "--outdir", str(out),
                        *sorted(str(p) for p in src.iterdir())], capture_output=True, timeout=300, check=True)

    def sheets(stem: str) -> dict[str, list[list[str]]]:
        found = {}
        for p in out.glob(f"{stem}-*.csv"):
            with open(p, newline="", encoding="utf-8") as fh:
                found[p.stem[len(stem) + 1:]] = list(csv.reader(fh))
        return found

    for i, f in enumerate(EXCEL_FILES):
        before, after = sheets(f"orig{i}"), sheets(f"new{i}")
        assert before, f"LibreOffice could not read {f.name}"
        assert {k: v for k, v in after.items() if k not in ("客户分级", "数据问题")} == before, f.name
        ours = pd.read_excel(src / f"new{i}{f.suffix}", sheet_name=["客户分级", "数据问题"],
                             engine="calamine", dtype=str)
        _same_as_pandas(after, ours, ("客户分级", "数据问题"))
