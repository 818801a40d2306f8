"""xlcrm live in LibreOffice Calc: every CRM_* formula and every menu command, checked cell by cell.

One headless soffice for the module, with the extension installed by ``xlcrm calc install``
into a throwaway profile (office.py). Formulas are entered through the UNO API as a user's
script would, recalculated, and each cell compared with the Excel UDF called in this process
on the same inputs (as xlwings passes them: rows of lists, dates as datetimes). Menu
commands are dispatched (``org.xlcrm.calc:<action>``, the URLs of the 客户管理 / CRM menu) on
the open document, the document is saved, and its sheets are compared with what
``xlcrm refresh`` writes into a copy of the same file.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

import xlcrm.excel.ribbon as ribbon
import xlcrm.excel.udfs as udfs
from xlcrm import i18n
from xlcrm.demo import make_demos
from xlcrm.excel._cache import CACHE
from xlcrm.settings import defaults_table

from .office import Office

pytestmark = pytest.mark.libreoffice

CODES = {"#VALUE!": 519, "#N/A": 32767, "#DIV/0!": 532}
ASOF = dt.datetime(2025, 6, 30)
TIERS = ["重要客户", "主要客户", "普通客户", "小客户"]


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    office = Office.start(tmp_path_factory.mktemp("calc-office"))
    yield office
    office.stop()


# ------------------------------------------------------------------ the formula workbook

def _data() -> dict[str, list[list[Any]]]:
    rnd = random.Random(18)
    orders = [["客户编号", "订单日期", "金额"]]
    for i in range(1, 31):
        n = 1 + (i * 7) % 9
        for _ in range(n):
            day = dt.datetime(2023, 1, 1) + dt.timedelta(days=rnd.randrange(0, 900))
            orders.append([f"C{i:02d}", day, float(rnd.randrange(200, 20000))])
    rfm = [["客户编号", "最近购买天数", "购买频次", "消费金额"]]
    for i in range(1, 21):
        rfm.append([f"C{i:02d}", float(rnd.randrange(1, 400)), float(rnd.randrange(1, 30)),
                    float(rnd.randrange(500, 90000))])
    visits = [["最近联系", "客户等级", "风险等级"]]
    for i in range(10):
        visits.append([dt.datetime(2025, 5, 1) + dt.timedelta(days=5 * i), TIERS[i % 4], ["高", "中", "低"][i % 3]])
    complaints = [["收到日期", "客户等级", "严重程度"]]
    for i in range(10):
        complaints.append([dt.datetime(2025, 6, 20) + dt.timedelta(days=i), TIERS[i % 4], ["严重", "一般"][i % 2]])
    satisfaction = [["感知", "期望"]] + [[float(6 + i % 5), float(5 + i % 4)] for i in range(10)]
    return {"orders": orders, "rfm": rfm, "visits": visits, "complaints": complaints, "satisfaction": satisfaction}


BLOCKS = {"orders": "A", "rfm": "G", "visits": "L", "complaints": "P", "satisfaction": "T"}


def _write_book(path: Path, data: dict[str, list[list[Any]]]) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "数据"
    for block, rows in data.items():
        col = openpyxl.utils.column_index_from_string(BLOCKS[block])
        for r, row in enumerate(rows, start=1):
            for c, v in enumerate(row):
                cell = ws.cell(r, col + c, v)
                if isinstance(v, dt.datetime):
                    cell.number_format = "yyyy-mm-dd"
    ws["Y1"] = ASOF
    ws["Y1"].number_format = "yyyy-mm-dd"
    wb.create_sheet("公式")
    wb.save(path)


def _col(data, block, j, rows=None):
    """Column j of a block, header included, as xlwings passes a one-column range."""
    src = data[block] if rows is None else data[block][:rows]
    return [[row[j]] for row in src]


def _cases(data) -> list[tuple[str, str, Any]]:
    """(label, Calc formula, expected value from the UDF) for every CRM_* function."""
    n = len(data["orders"])
    oc, od, oa = f"$'数据'.$A$1:$A${n}", f"$'数据'.$B$1:$B${n}", f"$'数据'.$C$1:$C${n}"
    OC, OD, OA = _col(data, "orders", 0), _col(data, "orders", 1), _col(data, "orders", 2)
    rid, rr, rf, rm = (f"$'数据'.${c}$1:${c}$21" for c in "GHIJ")
    RID, RR, RF, RM = (_col(data, "rfm", j) for j in range(4))
    some, SOME = "$'数据'.$G$2:$G$11", [[f"C{i:02d}"] for i in range(1, 11)]
    asof = "$'数据'.$Y$1"
    vl, vt, vr = "$'数据'.$L$2:$L$11", "$'数据'.$M$2:$M$11", "$'数据'.$N$2:$N$11"
    VL, VT, VR = ([[row[j]] for row in data["visits"][1:]] for j in range(3))
    cr, ct, cs = "$'数据'.$P$2:$P$11", "$'数据'.$Q$2:$Q$11", "$'数据'.$R$2:$R$11"
    CR, CT, CS = ([[row[j]] for row in data["complaints"][1:]] for j in range(3))
    sp, se = "$'数据'.$T$2:$T$11", "$'数据'.$U$2:$U$11"
    SP, SE = ([[row[j]] for row in data["satisfaction"][1:]] for j in range(2))
    u = udfs
    return [
        ("tier one", f'=CRM_TIER("C07";{oc};{oa})', u.CRM_TIER([["C07"]], OC, OA)),
        ("tier column", f"=CRM_TIER({some};{oc};{oa})", u.CRM_TIER(SOME, OC, OA)),
        ("tier en", f'=CRM_TIER("C30";{oc};{oa};;"en")', u.CRM_TIER([["C30"]], OC, OA, None, "en")),
        ("tier unknown", f'=CRM_TIER("C99";{oc};{oa})', u.CRM_TIER([["C99"]], OC, OA)),
        ("pyramid", f"=CRM_PYRAMID({oc};{oa})", u.CRM_PYRAMID(OC, OA)),
        ("lifecycle", f'=CRM_LIFECYCLE("C03";{oc};{od};{asof})', u.CRM_LIFECYCLE([["C03"]], OC, OD, ASOF)),
        ("lifecycle explain", f'=CRM_LIFECYCLE({some};{oc};{od};{asof};;1;"en")',
         u.CRM_LIFECYCLE(SOME, OC, OD, ASOF, None, True, "en")),
        ("rfm", f"=CRM_RFM({some};{rid};{rr};{rf};{rm})", u.CRM_RFM(SOME, RID, RR, RF, RM)),
        ("rfm segment", f'=CRM_RFM_SEGMENT("C04";{rid};{rr};{rf};{rm};"en")',
         u.CRM_RFM_SEGMENT([["C04"]], RID, RR, RF, RM, "en")),
        ("abc", f"=CRM_ABC({some};{oc};{oa})", u.CRM_ABC(SOME, OC, OA)),
        ("churn risk one", f"=CRM_CHURN_RISK(\"C11\";{oc};{od};{oa};{asof})",
         u.CRM_CHURN_RISK([["C11"]], OC, OD, OA, ASOF)),
        ("churn risk column", f"=CRM_CHURN_RISK({some};{oc};{od};{oa};{asof})",
         u.CRM_CHURN_RISK(SOME, OC, OD, OA, ASOF)),
        ("p alive", f"=CRM_P_ALIVE({some};{oc};{od};{oa};{asof})", u.CRM_P_ALIVE(SOME, OC, OD, OA, ASOF)),
        ("churn cost", "=CRM_CHURN_COST(64000;0.05;40000;0.1)", u.CRM_CHURN_COST(64000.0, 0.05, 40000.0, 0.1)),
        ("churn cost profit", '=CRM_CHURN_COST(64000;"5%";40000;"10%";"profit")',
         u.CRM_CHURN_COST(64000.0, "5%", 40000.0, "10%", "profit")),
        ("next visit", f"=CRM_NEXT_VISIT({vl};{vt};{vr};{asof})", u.CRM_NEXT_VISIT(VL, VT, VR, ASOF)),
        ("response due", f"=CRM_RESPONSE_DUE({cr};{ct};{cs})", u.CRM_RESPONSE_DUE(CR, CT, CS)),
        ("satisfaction", f"=CRM_SATISFACTION_INDEX({sp};{se})", u.CRM_SATISFACTION_INDEX(SP, SE)),
        ("satisfaction div0", "=CRM_SATISFACTION_INDEX(3;0)", u.CRM_SATISFACTION_INDEX(3.0, 0.0)),
        ("bad lang", f'=CRM_TIER("C07";{oc};{oa};;"fr")', u.CRM_TIER([["C07"]], OC, OA, None, "fr")),
    ]


def _address(row: int, col: int, rows: int, cols: int) -> str:
    a = openpyxl.utils.get_column_letter
    return f"{a(col)}{row}:{a(col + cols - 1)}{row + rows - 1}"


def _same(got: dict[str, Any], want: Any) -> bool:
    if isinstance(want, str) and want.split(" ", 1)[0] in CODES and " " in want:
        return got == {"err": CODES[want.split(" ", 1)[0]]}
    if isinstance(want, str):
        return got == {"s": want}
    if isinstance(want, bool):
        return got == {"v": float(want)}
    return "v" in got and math.isclose(got["v"], float(want), rel_tol=1e-12, abs_tol=1e-12)


def test_every_crm_formula_gives_the_udfs_value_in_every_cell(office, tmp_path):
    CACHE.clear()
    data = _data()
    book = tmp_path / "formulas.xlsx"
    _write_book(book, data)
    cases = _cases(data)
    steps: list[dict[str, Any]] = [{"op": "open", "path": str(book)}]
    placed = []
    row = 1
    for label, formula, want in cases:
        grid = want if isinstance(want, list) else [[want]]
        rng = _address(row, 1, len(grid), len(grid[0]))
        if isinstance(want, list):  # an array result: entered as an array formula
            steps.append({"op": "array", "sheet": "公式", "range": rng, "formula": formula})
        else:
            steps.append({"op": "formula", "sheet": "公式", "cell": rng.split(":")[0], "formula": formula})
        placed.append((label, rng, grid))
        row += len(grid) + 1
    steps.append({"op": "calculate"})
    steps += [{"op": "read", "sheet": "公式", "range": rng} for _, rng, _ in placed]
    steps.append({"op": "close"})
    results = office.run(steps)[-len(placed) - 1:-1]
    checked = 0
    for (label, rng, grid), got in zip(placed, results):
        assert len(got) == len(grid) and len(got[0]) == len(grid[0]), label
        for r, (got_row, want_row) in enumerate(zip(got, grid)):
            for c, (g, w) in enumerate(zip(got_row, want_row)):
                assert _same(g, w), f"{label} {rng} [{r}][{c}]: Calc {g}, UDF {w!r}"
                checked += 1
    assert checked > 150
    # every function was entered, and the error cases did show errors with their messages kept
    assert {f.split("(")[0][1:] for _, f, _ in cases} == set(udfs.__all__)
    log = office.log()
    assert "CRM_TIER #N/A: customer 'C99' not in ids" in log
    assert "CRM_SATISFACTION_INDEX #DIV/0!" in log
    assert 'CRM_TIER #VALUE!: lang "fr" is not a language' in log


def test_function_wizard_shows_the_udf_help(office):
    out = office.run([{"op": "wizard", "name": "CRM_CHURN_RISK"}])[0]
    assert out["description"] == " ".join(udfs.CRM_CHURN_RISK.__doc__.split())
    names = [a[0] for a in out["arguments"]]
    assert names == ["customer", "order_customers", "order_dates", "order_amounts", "asof", "lang", "settings"]
    assert [a[2] for a in out["arguments"]] == [False] * 4 + [True] * 3
    assert out["arguments"][1][1] == udfs.ARG_DOCS["order_customers"]


# ------------------------------------------------------------------ the menu commands

OWNED = [r for r in i18n.SHEETS if r != "card"]  # the customer card is the file writer's only (ribbon._select)


def _sheets(path: Path) -> dict[str, list[list[Any]]]:
    wb = CalamineWorkbook.from_path(str(path))
    return {name: wb.get_sheet_by_name(name).to_python() for name in wb.sheet_names}


def _equal(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)
    return a == b


def _diff(batch: list[list[Any]], calc: list[list[Any]]) -> list[tuple[int, int, Any, Any]]:
    out = []
    for i in range(max(len(batch), len(calc))):
        x = batch[i] if i < len(batch) else []
        y = calc[i] if i < len(calc) else []
        for j in range(max(len(x), len(y))):
            u = x[j] if j < len(x) else ""
            v = y[j] if j < len(y) else ""
            if not _equal(u, v):
                out.append((i + 1, j + 1, u, v))
    return out


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("calc-demo")
    zh = next(p for p in make_demos(folder) if p.name.endswith("-zh.xlsx"))
    batch = folder / "batch.xlsx"
    shutil.copyfile(zh, batch)
    proc = subprocess.run([sys.executable, "-m", "xlcrm", "refresh", str(batch)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return zh, _sheets(batch)


def _owned_names(batch: dict[str, Any]) -> list[str]:
    """xlcrm's sheets in the order the batch refresh wrote them."""
    ours = {i18n.SHEETS[r][0] for r in OWNED}
    return [name for name in batch if name in ours]


def test_refresh_all_writes_the_same_sheets_as_xlcrm_refresh_cell_for_cell(office, demo, tmp_path):
    zh, batch = demo
    book = tmp_path / "book.xlsx"
    shutil.copyfile(zh, book)
    saved = tmp_path / "saved.xlsx"
    out = office.run([{"op": "open", "path": str(book)}, {"op": "sheets"},
                      {"op": "dispatch", "url": "org.xlcrm.calc:refresh_all"}, {"op": "sheets"},
                      {"op": "dispatch", "url": "org.xlcrm.calc:refresh_all"}, {"op": "sheets"},
                      {"op": "store", "path": str(saved), "filter": "Calc MS Excel 2007 XML"},
                      {"op": "close"}])
    before, after_first, after_second = out[1], out[3], out[5]
    calc = _sheets(saved)
    owned = _owned_names(batch)
    assert len(owned) >= 8
    assert after_first == before + owned  # appended after the user's sheets, in the batch's order
    assert after_second == after_first  # a second press replaces, never duplicates
    for name in list(batch):
        if name == i18n.SHEETS["card"][0]:
            continue  # the customer card is the file writer's only (ribbon._select)
        assert name in calc
        if name in owned:
            assert len(batch[name]) > 1
            assert _diff(batch[name], calc[name]) == [], name
    assert "xlcrm：已更新 客户分级" in office.log()


def test_each_button_writes_its_own_sheets_equal_to_the_batch(office, demo, tmp_path):
    zh, batch = demo
    book = tmp_path / "book.xlsx"
    shutil.copyfile(zh, book)
    saved = tmp_path / "saved.xlsx"
    actions = ["classify", "churn", "visit_plan", "complaint_log"]
    steps: list[dict[str, Any]] = [{"op": "open", "path": str(book)}, {"op": "sheets"}]
    for action in actions:
        steps += [{"op": "dispatch", "url": f"org.xlcrm.calc:{action}"}, {"op": "sheets"}]
    steps += [{"op": "store", "path": str(saved), "filter": "Calc MS Excel 2007 XML"}, {"op": "close"}]
    out = office.run(steps)
    names = [out[1]] + [out[3 + 2 * i] for i in range(len(actions))]
    added = [[n for n in after if n not in before] for before, after in zip(names, names[1:])]
    zh_of = {r: i18n.SHEETS[r][0] for r in OWNED}
    assert added[0] == [zh_of[r] for r in ("customers", "dashboard", "key_accounts", "issues", "history")
                        if zh_of[r] in batch]
    assert added[1] == [zh_of["churn"], zh_of["winback"]]
    assert added[2] == [zh_of["visits"]]
    assert added[3] == [zh_of["complaints"]]
    calc = _sheets(saved)
    for name in sum(added, []):
        assert _diff(batch[name], calc[name]) == [], name


def test_settings_adds_an_editable_settings_sheet_with_every_default(office, tmp_path):
    book = tmp_path / "orders.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "订单"
    ws.append(["客户编号", "订单日期", "金额"])
    for i in range(40):
        ws.append([f"C{i % 7}", dt.datetime(2025, 1, 1) + dt.timedelta(days=3 * i), 100.0 + i])
    wb.save(book)
    saved = tmp_path / "saved.xlsx"
    out = office.run([{"op": "open", "path": str(book)}, {"op": "dispatch", "url": "org.xlcrm.calc:settings"},
                      {"op": "dispatch", "url": "org.xlcrm.calc:settings"}, {"op": "sheets"},
                      {"op": "store", "path": str(saved), "filter": "Calc MS Excel 2007 XML"}, {"op": "close"}])
    assert out[3] == ["订单", "设置"]  # the second press finds it and adds no other
    rows = _sheets(saved)["设置"]
    assert rows[0] == ["设置项", "值", "说明"]
    assert [r[0] for r in rows[1:]] == [zh for _, zh, _, _, _ in defaults_table()]
    log = office.log()
    assert "xlcrm：已添加“设置”表" in log and "本工作簿已有设置表" in log


def test_explain_and_help_answer_in_the_log_and_bad_input_never_stops_the_office(office, tmp_path):
    book = tmp_path / "empty.xlsx"
    openpyxl.Workbook().save(book)
    out = office.run([{"op": "open", "path": str(book)},
                      {"op": "formula", "sheet": "Sheet", "cell": "A1", "formula": '=CRM_TIER("x";B1:B3;C1:C3)'},
                      {"op": "calculate"}, {"op": "read", "sheet": "Sheet", "range": "A1"},
                      {"op": "dispatch", "url": "org.xlcrm.calc:refresh_all"},
                      {"op": "dispatch", "url": "org.xlcrm.calc:explain_errors"},
                      {"op": "dispatch", "url": "org.xlcrm.calc:help"},
                      {"op": "formula", "sheet": "Sheet", "cell": "A2", "formula": "=CRM_SATISFACTION_INDEX(8;10)"},
                      {"op": "calculate"}, {"op": "read", "sheet": "Sheet", "range": "A2"}, {"op": "close"}])
    assert out[3] == [[{"err": CODES["#VALUE!"]}]]
    assert out[9] == [[{"v": 0.8}]]  # the office and the worker still answer
    log = office.log()
    assert "CRM_TIER #VALUE!: ids is empty" in log
    assert "latest formula errors" in log and "xlcrm 无法刷新" in log
    assert "全部刷新" in log  # the help text


def test_menu_lists_the_ribbon_buttons_in_the_ribbons_order(office):
    # LibreOffice lists a set's nodes shortest name first, then alphabetically: names of one
    # length keep our order (with names like m07_help it showed Help first)
    menus = office.run([{"op": "menu"}])[0]
    items = menus["org.xlcrm.calc.menu"]["items"]
    actions = [url.removeprefix("org.xlcrm.calc:") for url, _ in items]
    ribbon_buttons = [a for a in ribbon.__all__ if a != "Outcome"]
    assert [a for a in actions if a != "explain_errors"] == ribbon_buttons
    assert actions[-2:] == ["explain_errors", "help"]
