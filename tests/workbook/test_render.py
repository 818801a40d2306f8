"""render_sheet: worksheet XML and table parts that Excel, openpyxl and LibreOffice accept.

Structure is checked against the element order of ECMA-376 part 1 (CT_Worksheet, 18.3.1.99);
values are checked by reading the written workbook back with openpyxl and LibreOffice.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from xml.etree import ElementTree as ET

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from tests.libreoffice import read_back
from xlcrm.errors import XlcrmError
from xlcrm.model import Column, SheetSpec, TableSpec
from xlcrm.workbook.render import (
    FORMATS,
    RenderedSheet,
    SheetNameError,
    display_width,
    render_sheet,
    validate_sheet_name,
)
from xlcrm.workbook.styles import StyleBook
from xlcrm.workbook.write import write_in_place, write_new

NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
RNS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"

# ECMA-376 part 1, 18.3.1.99 CT_Worksheet: the children in the order the schema requires.
WORKSHEET_ORDER = [
    "sheetPr", "dimension", "sheetViews", "sheetFormatPr", "cols", "sheetData", "sheetCalcPr",
    "sheetProtection", "protectedRanges", "scenarios", "autoFilter", "sortState",
    "dataConsolidate", "customSheetViews", "mergeCells", "phoneticPr", "conditionalFormatting",
    "dataValidations", "hyperlinks", "printOptions", "pageMargins", "pageSetup", "headerFooter",
    "rowBreaks", "colBreaks", "customProperties", "cellWatches", "ignoredErrors", "smartTags",
    "drawing", "legacyDrawing", "legacyDrawingHF", "drawingHF", "picture", "oleObjects",
    "controls", "webPublishItems", "tableParts", "extLst",
]
FORMULA_LIKE = ['=HYPERLINK("http://evil.example","click")', "+86 138 0013 8000", "-5%",
                "@SUM(A1:A9)", "=1+1", "=cmd|' /C calc'!A0"]


def _ref_cells(ref: str) -> tuple[int, int, int, int]:
    """'B2:D9' -> (col0, row0, col1, row1), columns 0-based."""
    def one(a: str) -> tuple[int, int]:
        m = re.fullmatch(r"([A-Z]+)(\d+)", a)
        assert m, a
        n = 0
        for ch in m.group(1):
            n = n * 26 + ord(ch) - 64
        return n - 1, int(m.group(2))
    a, _, b = ref.partition(":")
    (c0, r0), (c1, r1) = one(a), one(b or a)
    return c0, r0, c1, r1


def check_structure(rs: RenderedSheet, first_table_id: int = 1) -> dict[str, str]:
    """Assert the sheet is well-formed by the schema; return {cell ref: text} of its strings."""
    root = ET.fromstring(rs.xml)
    names = [e.tag.replace(NS, "") for e in root]
    assert all(n in WORKSHEET_ORDER for n in names), names
    pos = [WORKSHEET_ORDER.index(n) for n in names]
    assert pos == sorted(pos), f"worksheet children out of schema order: {names}"
    assert root.find(f".//{NS}f") is None, "a formula was written"
    texts: dict[str, str] = {}
    last_row = 0
    cells = []
    for row in root.find(NS + "sheetData"):
        r = int(row.get("r"))
        assert r > last_row
        last_row = r
        last_col = -1
        for c in row:
            col, rr, _, _ = _ref_cells(c.get("r"))
            assert rr == r and col > last_col, c.get("r")
            last_col = col
            cells.append((col, rr))
            if c.get("t") == "inlineStr":
                texts[c.get("r")] = "".join(t.text or "" for t in c.iter(NS + "t"))
            else:
                assert c.get("t") is None and c.find(NS + "v") is not None
    d0, dr0, d1, dr1 = _ref_cells(root.find(NS + "dimension").get("ref"))
    assert all(d0 <= c <= d1 and dr0 <= r <= dr1 for c, r in cells)
    assert root.find(NS + "dimension").get("ref") == rs.ref
    parts = root.find(NS + "tableParts")
    assert int(parts.get("count")) == len(rs.tables) == len(parts)
    assert [p.get(RNS + "id") for p in parts] == [f"rId{i + 1}" for i in range(len(rs.tables))]
    seen_names = set()
    for i, (xml, name) in enumerate(zip(rs.tables, rs.table_names)):
        t = ET.fromstring(xml)
        assert t.get("id") == str(first_table_id + i)
        assert t.get("name") == t.get("displayName") == name
        assert name.casefold() not in seen_names
        seen_names.add(name.casefold())
        assert t.find(NS + "autoFilter").get("ref") == t.get("ref")
        c0, r0, c1, r1 = _ref_cells(t.get("ref"))
        assert r1 > r0, "a table needs at least one data row"
        tcols = t.find(NS + "tableColumns")
        assert int(tcols.get("count")) == len(tcols) == c1 - c0 + 1
        header = [texts.get(f"{openpyxl.utils.get_column_letter(c + 1)}{r0}") for c in range(c0, c1 + 1)]
        assert [tc.get("name") for tc in tcols] == header
        assert len({h.casefold() for h in header}) == len(header)
    prios = [int(r.get("priority")) for r in root.iter(NS + "cfRule")]
    assert len(prios) == len(set(prios))
    return texts


def write_specs(path: Path, specs: list[SheetSpec], *, lang: str = "zh") -> Path:
    """A new workbook holding ``specs``, through the package writer (graft's write_new)."""
    write_new(path, specs, lang=lang, backups=0)  # type: ignore[arg-type]
    return path


def render(spec: SheetSpec, lang: str = "zh", **kw) -> tuple[RenderedSheet, StyleBook]:
    styles = StyleBook.minimal()
    rs = render_sheet(spec, lang=lang, styles=styles, first_table_id=kw.pop("first_table_id", 1), **kw)
    return rs, styles


def churn_spec(lang_frame: pd.DataFrame | None = None) -> SheetSpec:
    df = lang_frame if lang_frame is not None else pd.DataFrame({
        "customer_id": ["C001", "C002", "C003", "C004"],
        "customer": ["上海精工机械有限公司", "Acme & <Co>", None, FORMULA_LIKE[0]],
        "revenue": [1234.5, np.nan, -5.0, 1e6],
        "last_order": pd.to_datetime(["2024-01-05", None, "2023-12-31", "2024-02-29"]),
        "level": ["High", "Low", "Medium", None],
        "overdue": [True, False, True, False],
        "risk": [80, 10, 55, 0],
    })
    cols = [
        Column("customer_id", "Customer ID", "客户编号"),
        Column("customer", "Customer", "客户名称"),
        Column("revenue", "Revenue", "销售额", "money", style="bar"),
        Column("last_order", "Last Order", "最近下单", "date"),
        Column("level", "Risk Level", "风险等级", style="risk", coded=True),
        Column("overdue", "Overdue", "逾期", coded=True, style="flag"),
        Column("risk", "Churn Risk", "流失风险", "score", style="scale"),
    ]
    return SheetSpec("churn", "流失预警", [TableSpec("xlcrm_churn", df, cols)])


# ---- structure ------------------------------------------------------------------------

def test_churn_sheet_is_schema_ordered_with_table_columns_equal_to_headers():
    rs, _ = render(churn_spec(), first_table_id=7)
    texts = check_structure(rs, first_table_id=7)
    assert rs.ref == "A1:G5" and rs.table_names == ["xlcrm_churn"]
    assert texts["A1"] == "客户编号" and texts["E2"] == "高"  # zh header, translated code
    root = ET.fromstring(rs.xml)
    pane = root.find(f"{NS}sheetViews/{NS}sheetView/{NS}pane")
    assert (pane.get("ySplit"), pane.get("state"), pane.get("topLeftCell")) == ("1", "frozen", "A2")


def test_english_sheet_uses_english_headers_and_codes():
    rs, _ = render(churn_spec(), lang="en")
    texts = check_structure(rs)
    assert texts["A1"] == "Customer ID" and texts["E2"] == "High" and texts["F2"] == "Yes"


@pytest.mark.libreoffice
def test_date_serials_match_excel_in_both_date_systems(tmp_path):
    # Excel: 2024-01-01 is serial 45292 in the 1900 system; the 1904 system is 1,462 days less.
    df = pd.DataFrame({"d": pd.to_datetime(["2024-01-01", "1900-03-01"]),
                       "o": [dt.date(2024, 1, 1), pd.Timestamp("2024-01-01 12:00")]})
    cols = [Column("d", "D", "D", "date"), Column("o", "O", "O", "date")]
    spec = SheetSpec("customers", "X", [TableSpec("t_dates", df, cols)])
    for date1904, serial in ((False, 45292.0), (True, 45292.0 - 1462)):
        rs, _ = render(spec, date1904=date1904)
        vals = {c.get("r"): float(c.find(NS + "v").text)
                for c in ET.fromstring(rs.xml).iter(NS + "c") if c.find(NS + "v") is not None}
        assert vals["A2"] == serial and vals["B2"] == serial and vals["B3"] == serial + 0.5
    assert ET.fromstring(render(spec)[0].xml).find(f".//{NS}c[@r='A3']/{NS}v").text == "61.0"

    # A user's workbook in the 1904 system (Mac Excel): the dates read back as the same days.
    user = openpyxl.Workbook()
    user.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
    user.active["A1"] = dt.datetime(2020, 5, 17)
    user.save(tmp_path / "mac.xlsx")
    write_in_place(tmp_path / "mac.xlsx", [spec], lang="zh", backups=0)
    lo = read_back(tmp_path / "mac.xlsx")
    assert lo["X"][1][:2] == ["2024-01-01", "2024-01-01"]
    assert lo["Sheet"][0][0].startswith("2020-05-17")  # the user's own date, as before


def test_dates_excel_cannot_show_stay_readable_as_text():
    df = pd.DataFrame({"d": pd.to_datetime(["1899-01-01", "2024-01-01"])})
    rs, _ = render(SheetSpec("x", "X", [TableSpec("t", df, [Column("d", "D", "D", "date")])]))
    texts = check_structure(rs)
    assert texts["A2"] == "1899-01-01"


def test_number_formats_by_kind_as_openpyxl_reads_them(tmp_path):
    kinds = ["money", "int", "number", "pct", "prob", "score", "date"]
    df = pd.DataFrame({k: [pd.Timestamp("2024-01-01") if k == "date" else 0.5] for k in kinds})
    spec = SheetSpec("x", "X", [TableSpec("t", df, [Column(k, k, k, k) for k in kinds])])
    ws = openpyxl.load_workbook(write_specs(tmp_path / "k.xlsx", [spec])).active
    expected = {"money": "#,##0.00", "int": "#,##0", "number": "#,##0.00", "pct": "0.0%",
                "prob": "0.00", "score": "0", "date": "yyyy-mm-dd"}  # the list
    assert {k: ws.cell(2, i + 1).number_format for i, k in enumerate(kinds)} == expected
    assert FORMATS == {**expected, "text": "General"}


def test_header_is_bold_and_filled(tmp_path):
    ws = openpyxl.load_workbook(write_specs(tmp_path / "h.xlsx", [churn_spec()])).active
    assert all(c.font.b and c.fill.fill_type == "solid" for c in ws[1])
    assert ws["A2"].font.b is not True


def test_conditional_formats_present_with_their_colours(tmp_path):
    rs, styles = render(churn_spec())
    root = ET.fromstring(rs.xml)
    dxfs = list(ET.fromstring(styles.to_xml()).find(NS + "dxfs"))
    by_ref = {cf.get("sqref"): list(cf) for cf in root.iter(NS + "conditionalFormatting")}
    assert set(by_ref) == {"C2:C5", "E2:E5", "F2:F5", "G2:G5"}
    assert by_ref["C2:C5"][0].get("type") == "dataBar"
    assert by_ref["G2:G5"][0].get("type") == "colorScale"
    fills = {}
    for rule in by_ref["E2:E5"]:
        formula = rule.find(NS + "formula").text
        fill = dxfs[int(rule.get("dxfId"))].find(f"{NS}fill/{NS}patternFill/{NS}bgColor").get("rgb")
        fills[formula] = fill
    # Excel's presets: light red (High), yellow (Medium), green (Low); both languages match
    assert fills == {'OR(TRIM(E2)="High",TRIM(E2)="高")': "FFFFC7CE",
                     'OR(TRIM(E2)="Medium",TRIM(E2)="中")': "FFFFEB9C",
                     'OR(TRIM(E2)="Low",TRIM(E2)="低")': "FFC6EFCE"}
    assert by_ref["F2:F5"][0].find(NS + "formula").text == 'OR(TRIM(F2)="Yes",TRIM(F2)="是")'
    ws = openpyxl.load_workbook(write_specs(tmp_path / "cf.xlsx", [churn_spec()])).active
    assert {str(r.sqref) for r in ws.conditional_formatting} == set(by_ref)


def test_cjk_text_gets_about_double_width_and_widths_are_capped():
    df = pd.DataFrame({"zh": ["上海精工机械有限公司"], "en": ["ABCDEFGHIJ"], "long": ["x" * 500]})
    cols = [Column("zh", "a", "a"), Column("en", "b", "b"), Column("long", "c", "c")]
    rs, _ = render(SheetSpec("x", "X", [TableSpec("t", df, cols)]))
    assert display_width("上海精工机械有限公司") == 20 and display_width("ABCDEFGHIJ") == 10
    w = {int(c.get("min")): float(c.get("width")) for c in ET.fromstring(rs.xml).iter(NS + "col")}
    assert w[1] - w[2] == pytest.approx(10)
    assert w[3] == 60


def test_header_width_leaves_room_for_the_filter_button():
    df = pd.DataFrame({"n": [1]})
    rs, _ = render(SheetSpec("x", "X", [TableSpec("t", df, [Column("n", "N", "最近一次下单日期")])]))
    w = float(next(ET.fromstring(rs.xml).iter(NS + "col")).get("width"))
    assert w >= display_width("最近一次下单日期") + 2


def test_duplicate_and_awkward_headers_become_unique_escaped_table_columns():
    df = pd.DataFrame({"a": [1], "b": [2], "c": [3], "d": [4]})
    cols = [Column("a", "Value", "值"), Column("b", "value", "值"), Column("c", 'A&B <"x">', "A&B"),
            Column("d", "", ""), Column("e", " Two\n lines\t", "")]
    df["e"] = [5]
    rs, _ = render(SheetSpec("x", "X", [TableSpec("t", df, cols)]), lang="en")
    texts = check_structure(rs)
    assert [texts[f"{c}1"] for c in "ABCDE"] == ["Value", "value 2", 'A&B <"x">', "Column4",
                                                  "Two lines"]


def test_control_characters_are_stripped_and_the_xml_stays_well_formed(tmp_path):
    df = pd.DataFrame({"t": ["a\x01b\x0bc\x1f", "tab\tnew\nline", "\ufffebad"]})
    spec = SheetSpec("x", "X", [TableSpec("t", df, [Column("t", "T\x07", "T")])])
    rs, _ = render(spec, lang="en")
    texts = check_structure(rs)
    assert (texts["A1"], texts["A2"], texts["A3"], texts["A4"]) == ("T", "abc", "tab\tnew\nline", "bad")


def test_long_ids_stay_exact_as_text():
    df = pd.DataFrame({"id": pd.Series([123456789012345678, 42], dtype=object)})
    rs, _ = render(SheetSpec("x", "X", [TableSpec("t", df, [Column("id", "ID", "ID")])]))
    texts = check_structure(rs)
    assert texts["A2"] == "123456789012345678"


def test_row_kinds_format_the_last_column_row_by_row(tmp_path):
    df = pd.DataFrame({"m": ["Customers", "Revenue", "Key share", "As of"],
                       "v": [120, 1234567.8, 0.213, pd.Timestamp("2024-06-30")]})
    spec = SheetSpec("dashboard", "客户看板", [TableSpec(
        "xlcrm_dashboard", df, [Column("m", "Metric", "指标"), Column("v", "Value", "数值", "number")],
        row_kinds=["int", "money", "pct", "date"])])
    ws = openpyxl.load_workbook(write_specs(tmp_path / "r.xlsx", [spec])).active
    assert [ws.cell(r, 2).number_format for r in range(2, 6)] == ["#,##0", "#,##0.00", "0.0%",
                                                                 "yyyy-mm-dd"]
    assert ws["B5"].value == dt.datetime(2024, 6, 30)


# ---- one workbook through the package writer, read back by openpyxl and LibreOffice -----

def formula_spec() -> SheetSpec:
    df = pd.DataFrame({"v": FORMULA_LIKE})
    return SheetSpec("issues", "数据问题", [TableSpec("xlcrm_issues", df, [Column("v", "Value", "值")])])


def empty_spec() -> SheetSpec:
    df = pd.DataFrame({"a": pd.Series([], dtype=object), "b": pd.Series([], dtype=float)})
    return SheetSpec("customers", "空表", [TableSpec("xlcrm_empty", df, [
        Column("a", "Sheet", "工作表"), Column("b", "Cell", "单元格", "int", style="bar")])])


ESCAPES = ["_x0041_", " lead", "trail ", "普通文本", "two\nlines"]  # (LibreOffice reads CR LF as LF)


def escape_spec() -> SheetSpec:
    df = pd.DataFrame({"v": ESCAPES})
    return SheetSpec("complaints", "转义", [TableSpec("xlcrm_escape", df, [Column("v", "V", "V")])])


def dashboard_spec() -> SheetSpec:
    a = pd.DataFrame({"m": ["Customers", "Revenue"], "v": [120.0, 5e5]})
    b = pd.DataFrame({"tier": ["Key", "Major", "Regular"], "n": [3, 20, 40]})
    return SheetSpec("dashboard", "客户看板", [
        TableSpec("xlcrm_dashboard", a, [Column("m", "Metric", "指标"), Column("v", "Value", "数值")],
                  anchor="A2", title="概览"),
        TableSpec("xlcrm_dashboard_tiers", b, [Column("tier", "Tier", "客户等级", coded=True),
                                               Column("n", "Customers", "客户数", "int")],
                  anchor="D2", title="客户等级分布"),
    ])


def values_frame() -> tuple[pd.DataFrame, list[Column]]:
    rng = np.random.default_rng(7)
    n = 300
    df = pd.DataFrame({
        "id": [f"C{i:04d}" for i in range(n)],
        "amount": rng.normal(1000, 500, n).round(2),
        "orders": rng.integers(0, 50, n),
        "when": pd.Timestamp("2023-01-01") + pd.to_timedelta(rng.integers(0, 700, n), unit="D"),
        "p": rng.random(n).round(4),
    })
    df.loc[::7, "amount"] = np.nan
    cols = [Column("id", "ID", "编号"), Column("amount", "Amount", "金额", "money"),
            Column("orders", "Orders", "订单数", "int"), Column("when", "When", "日期", "date"),
            Column("p", "P", "概率", "prob")]
    return df, cols


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    """One workbook with every sheet below, written by write_new; (openpyxl book, LibreOffice rows)."""
    df, cols = values_frame()
    specs = [formula_spec(), churn_spec(), empty_spec(), escape_spec(), dashboard_spec(),
             SheetSpec("visits", "结果", [TableSpec("xlcrm_values", df, cols)])]
    path = write_specs(tmp_path_factory.mktemp("book") / "book.xlsx", specs)
    return openpyxl.load_workbook(path), read_back(path)


@pytest.mark.libreoffice
def test_formula_looking_text_stays_text_in_openpyxl_and_libreoffice(book):
    check_structure(render(formula_spec())[0])  # includes: no <f> anywhere
    ws = book[0]["数据问题"]
    assert [c.value for c in ws["A"][1:]] == FORMULA_LIKE
    assert all(c.data_type == "s" for c in ws["A"][1:])
    assert [r[0] for r in book[1]["数据问题"][1:]] == FORMULA_LIKE


@pytest.mark.libreoffice
def test_missing_values_are_empty_cells_and_numbers_dates_are_values(book):
    ws = book[0]["流失预警"]
    assert ws["C3"].value is None and ws["D3"].value is None and ws["B4"].value is None
    assert ws["E5"].value is None
    assert ws["C2"].value == 1234.5 and ws["C4"].value == -5.0
    assert ws["D2"].value == dt.datetime(2024, 1, 5) and ws["D5"].value == dt.datetime(2024, 2, 29)
    assert (ws["F2"].value, ws["F3"].value) == ("是", "否")
    lo = book[1]["流失预警"]
    assert lo[1] == ["C001", "上海精工机械有限公司", "1234.5", "2024-01-05", "高", "是", "80"]
    assert lo[2] == ["C002", "Acme & <Co>", "", "", "低", "否", "10"]
    assert lo[4][:4] == ["C004", FORMULA_LIKE[0], "1000000", "2024-02-29"]


@pytest.mark.libreoffice
def test_empty_frame_is_a_valid_table_with_one_empty_row(book):
    rs, _ = render(empty_spec())
    check_structure(rs)
    assert ET.fromstring(rs.tables[0]).get("ref") == "A1:B2"
    assert book[0]["空表"].tables["xlcrm_empty"].ref == "A1:B2"
    assert book[1]["空表"][0] == ["工作表", "单元格"]


@pytest.mark.libreoffice
def test_excel_escape_sequences_and_line_ends_in_user_text_stay_literal(book):
    # Excel and LibreOffice read _xHHHH_ in a string as an escaped character.
    assert [r[0] for r in book[1]["转义"][1:]] == ESCAPES


@pytest.mark.libreoffice
def test_dashboard_blocks_side_by_side_with_titles_above(book):
    rs, _ = render(dashboard_spec(), first_table_id=3)
    texts = check_structure(rs, first_table_id=3)
    assert (texts["A1"], texts["D1"], texts["D3"]) == ("概览", "客户等级分布", "重要客户")
    assert rs.ref == "A1:E5"
    ws = book[0]["客户看板"]
    assert (ws.tables["xlcrm_dashboard"].ref, ws.tables["xlcrm_dashboard_tiers"].ref) == ("A2:B4", "D2:E5")
    assert book[1]["客户看板"][2][:5] == ["Customers", "120", "", "重要客户", "3"]


@pytest.mark.libreoffice
def test_values_read_back_by_libreoffice_equal_the_frame(book):
    df, _ = values_frame()
    lo = pd.DataFrame(book[1]["结果"][1:], columns=["id", "amount", "orders", "when", "p"])
    assert lo["id"].tolist() == df["id"].tolist()
    got = pd.to_numeric(lo["amount"].replace("", np.nan))
    np.testing.assert_array_equal(got.to_numpy(), df["amount"].to_numpy())
    assert lo["orders"].astype(int).tolist() == df["orders"].tolist()
    assert lo["when"].tolist() == df["when"].dt.strftime("%Y-%m-%d").tolist()
    np.testing.assert_array_equal(lo["p"].astype(float).to_numpy(), df["p"].to_numpy())


def test_overlapping_tables_are_refused():
    df = pd.DataFrame({"a": [1, 2]})
    spec = SheetSpec("d", "D", [TableSpec("first", df, [Column("a", "A", "A")]),
                                TableSpec("second", df, [Column("a", "A", "A")], anchor="A3")])
    with pytest.raises(XlcrmError, match="overlap"):
        render(spec)


@pytest.mark.parametrize("name,problem", [
    ("", "blank"), ("   ", "blank"), ("x" * 32, "31"), ("a/b", "/"), ("a\\b", "\\\\"),
    ("what?", r"\?"), ("a*", r"\*"), ("[x]", r"\["), ("a:b", ":"), ("'quoted", "apostrophe"),
    ("History", "reserved"),
])
def test_sheet_names_excel_refuses_get_a_clear_error(name, problem):
    with pytest.raises(SheetNameError, match=problem):
        validate_sheet_name(name)
    spec = SheetSpec("x", name, [TableSpec("t", pd.DataFrame({"a": [1]}), [Column("a", "A", "A")])])
    with pytest.raises(SheetNameError):
        render(spec)


def test_good_sheet_names_pass():
    for name in ["客户分级", "CRM Data Issues", "x" * 31, "CRM Win-back"]:
        assert validate_sheet_name(name) == name


@pytest.mark.parametrize("name", ["A1", "R1C1", "r", "1abc", "has space", "xl-crm"])
def test_table_names_excel_refuses_are_refused(name):
    spec = SheetSpec("x", "X", [TableSpec(name, pd.DataFrame({"a": [1]}), [Column("a", "A", "A")])])
    with pytest.raises(SheetNameError, match="table name"):
        render(spec)


def test_same_table_name_twice_on_a_sheet_is_refused():
    df = pd.DataFrame({"a": [1]})
    spec = SheetSpec("x", "X", [TableSpec("t", df, [Column("a", "A", "A")]),
                                TableSpec("T", df, [Column("a", "A", "A")], anchor="C1")])
    with pytest.raises(SheetNameError, match="twice"):
        render(spec)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.text(max_size=40), min_size=1, max_size=5))
def test_any_text_round_trips_through_openpyxl_minus_illegal_characters(tmp_path_factory, values):
    assume(not any(re.search(r"_x[0-9A-Fa-f]{4}_", v) for v in values))  # openpyxl keeps escapes raw
    df = pd.DataFrame({"t": pd.Series(values, dtype=object)})
    spec = SheetSpec("x", "X", [TableSpec("t", df, [Column("t", "T", "T")])])
    rs, _ = render(spec)
    check_structure(rs)
    path = write_specs(tmp_path_factory.mktemp("h") / "h.xlsx", [spec])
    ws = openpyxl.load_workbook(path).active
    illegal = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
    expected = [illegal.sub("", v) or None for v in values]
    assert [ws.cell(r + 2, 1).value for r in range(len(values))] == expected


def test_public_api_is_what_the_package_writer_uses():
    import xlcrm.workbook.render as render_mod
    import xlcrm.workbook.styles as styles_mod

    assert set(render_mod.__all__) == {"RenderedSheet", "SheetNameError", "render_sheet",
                                       "validate_sheet_name", "col_letter", "clean_text",
                                       "display_width", "FORMATS"}
    assert set(styles_mod.__all__) == {"CellStyle", "DiffStyle", "StyleBook", "StylesError"}
    assert [f for f in RenderedSheet.__dataclass_fields__][:4] == ["xml", "tables", "table_names", "ref"]


def test_a_table_past_the_last_excel_row_is_refused():
    spec = SheetSpec("x", "X", [TableSpec("t", pd.DataFrame({"a": [1]}), [Column("a", "A", "A")],
                                          anchor="A1048576")])
    with pytest.raises(XlcrmError, match="1,048,576 rows"):
        render(spec)


def _present(v: object) -> bool:
    if v is None or v is pd.NaT:
        return False
    if isinstance(v, float):
        return bool(np.isfinite(v)) and abs(v) <= 9.99999999999999e307  # Excel's largest
    if isinstance(v, str):
        return bool(re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]", "", v))
    return True


cell_values = st.one_of(
    st.none(), st.floats(allow_nan=True, allow_infinity=True), st.integers(-10**12, 10**12),
    st.text(max_size=12), st.booleans(),
    st.datetimes(min_value=dt.datetime(1901, 1, 1), max_value=dt.datetime(2100, 1, 1)),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(cell_values, min_size=3, max_size=3), max_size=15),
       st.lists(st.sampled_from(["text", "money", "int", "pct", "date", "score"]), min_size=3,
                max_size=3),
       st.sampled_from(["zh", "en"]), st.booleans())
@example([[1.797693134862316e306, None, None]], ["pct", "text", "text"], "zh", False)  # was a crash
def test_any_frame_renders_a_well_formed_sheet_with_one_cell_per_present_value(rows, kinds, lang,
                                                                                date1904):
    df = pd.DataFrame(rows, columns=["a", "b", "c"], dtype=object)
    cols = [Column(k, f"{k}{kind}", f"列{k}", kind) for k, kind in zip("abc", kinds)]
    rs, _ = render(SheetSpec("x", "X", [TableSpec("t", df, cols)]), lang=lang, date1904=date1904)
    check_structure(rs)
    root = ET.fromstring(rs.xml)
    data_cells = [c for row in root.find(NS + "sheetData") if row.get("r") != "1" for c in row]
    assert len(data_cells) == sum(_present(v) for row in rows for v in row)
    numbers = {c.get("r"): float(c.find(NS + "v").text) for c in data_cells if c.get("t") is None}
    for i, row in enumerate(rows):
        for j, v in enumerate(row):
            ref = f"{'abc'[j].upper()}{i + 2}"
            if isinstance(v, (int, float)) and not isinstance(v, bool) and _present(v):
                tiny = abs(v) < 2.2250738585072e-308  # below Excel's smallest: written as 0
                assert numbers[ref] == (0.0 if tiny else float(v))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet="aZ9 —é上海，ｱ\n", max_size=40), min_size=1, max_size=20))
def test_text_column_width_is_the_widest_value_plus_padding_capped(values):
    df = pd.DataFrame({"t": pd.Series(values, dtype=object)})
    rs, _ = render(SheetSpec("x", "X", [TableSpec("t", df, [Column("t", "T", "T")])]))
    width = float(next(ET.fromstring(rs.xml).iter(NS + "col")).get("width"))
    widest = max(display_width(v) for v in values)
    assert width == pytest.approx(min(60, max(6, display_width("T") + 3, widest + 3)))
