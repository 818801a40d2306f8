"""The head-office workbook: LibreOffice opens it, and its figures equal the branches' own
dashboards (read back from each branch workbook's dashboard tables), its shared customers
are the ones the branches really share, and its tier movement equals each branch's own
Tier Change column."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from tests.branches import SHARED_IDS, make_branch
from tests.libreoffice import read_back
from xlcrm.cli import app
from xlcrm.report import name_key

runner = CliRunner()
OFFICES = ["北京", "上海", "广州"]
ASOFS = ["2026-10-20", "2026-11-20"]


@pytest.fixture(scope="module")
def hq(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    d = tmp_path_factory.mktemp("hq")
    books = [make_branch(d / f"{o}分公司.xlsx", office=o, seed=10 + i, customers=14, orders=120)
             for i, o in enumerate(OFFICES)]
    store = str(d / "hq.duckdb")
    for asof in ASOFS:
        result = runner.invoke(app, ["refresh", *map(str, books), "--asof", asof, "--store", store, "-q"])
        assert result.exit_code == 0, result.output
    out = d / "hq.xlsx"
    result = runner.invoke(app, ["report", "--store", store, "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert "3 个分公司，6 次快照" in result.output
    return d, books, store, out


def _table(path: Path, sheet: str, name: str) -> list[dict[str, object]]:
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    rows = [[c.value for c in row] for row in ws[ws.tables[name].ref]]
    wb.close()
    return [dict(zip(rows[0], r)) for r in rows[1:]]


def _num(text: str) -> float:
    """A CSV cell as LibreOffice exports it (percentages keep their sign: 9.0909%)."""
    if text in ("", None):
        return 0.0
    return float(text[:-1]) / 100 if text.endswith("%") else float(text)


@pytest.mark.libreoffice
def test_office_figures_equal_each_branch_dashboard(hq) -> None:  # type: ignore[no-untyped-def]
    _d, books, _store, out = hq
    sheets = read_back(out)
    rows = sheets["分公司对比"]
    head = rows[0]
    offices = {r[head.index("分公司")]: dict(zip(head, r)) for r in rows[1:] if r and r[0]}
    assert sorted(offices) == sorted(f"{o}分公司" for o in OFFICES)
    for book in books:
        mine = offices[book.stem]
        assert mine["统计日期"] == "2026-11-20"
        dash = {r["指标"]: r["数值"] for r in _table(book, "客户看板", "xlcrm_dashboard")}
        for label in ("客户数", "流失客户数", "当前高风险客户数", "计划拜访次数", "未结案投诉"):
            assert _num(mine[label]) == dash[label], (book.stem, label)
        for label in ("预计未来12个月损失", "近 12 个月销售额", "投诉率", "遗漏率", "不满意率"):
            assert _num(mine[label]) == pytest.approx(dash[label], rel=1e-9, abs=1e-9), (book.stem, label)
        tiers = {r["客户等级"]: r["客户数"] for r in _table(book, "客户看板", "xlcrm_dashboard_tiers")}
        for label in ("重要客户", "主要客户", "普通客户", "小客户"):
            assert _num(mine[label]) == tiers[label], (book.stem, label)
        # Revenue at risk: the churn sheet's value at stake of the not-yet-lost High/Medium customers.
        churn = _table(book, "流失预警", "xlcrm_churn")
        at_risk = [r for r in churn if r["风险等级"] in ("高", "中") and r["生命周期"] != "流失客户"]
        assert _num(mine["风险客户数"]) == len(at_risk)
        assert _num(mine["风险销售额"]) == pytest.approx(sum(r["风险价值(12个月)"] for r in at_risk), rel=1e-9)
    # every refresh is in the history sheet, the older snapshots included
    history = sheets["历次快照"]
    assert sorted((r[0], r[1]) for r in history[1:] if r and r[0]) == sorted(
        (f"{o}分公司", a) for o in OFFICES for a in ASOFS)


@pytest.mark.libreoffice
def test_shared_customers_are_the_ones_the_branches_share(hq) -> None:  # type: ignore[no-untyped-def]
    _d, _books, _store, out = hq
    rows = read_back(out)["跨分公司客户"]
    head = rows[0]
    data = [dict(zip(head, r)) for r in rows[1:] if r and r[0]]
    groups: dict[str, list[dict[str, str]]] = {}
    for r in data:
        groups.setdefault(r["客户组"], []).append(r)
    by_id = {r["客户编号"] for g in groups.values() for r in g if r["匹配依据"] == "相同编号和名称"}
    assert by_id == {cid for cid, _name in SHARED_IDS}
    by_name = [g for g in groups.values() if g[0]["匹配依据"] == "相同名称"]
    assert len(by_name) == 1  # 华夏重工, typed three ways under three offices' own IDs
    assert {name_key(r["客户名称"]) for r in by_name[0]} == {"华夏重工有限公司"}
    assert sorted(r["分公司"] for r in by_name[0]) == sorted(f"{o}分公司" for o in OFFICES)
    assert all(r["分公司数"] == "3" for r in data)
    # no office's own customer (北京-0001 ...; the same number in every office) is claimed as shared
    assert not [r for r in data if r["客户编号"].split("-")[0] in OFFICES and r["匹配依据"] != "相同名称"]


def test_tier_movement_equals_each_branch_tier_change_column(hq) -> None:  # type: ignore[no-untyped-def]
    _d, books, _store, out = hq
    summary = {r["分公司"]: r for r in _table(out, "等级变动", "xlcrm_hq_movement")}
    movers = _table(out, "等级变动", "xlcrm_hq_movers")
    for book in books:
        own = _table(book, "客户分级", "xlcrm_customers")
        up = sorted(r["客户编号"] for r in own if r["等级变化"] == "上升")
        down = sorted(r["客户编号"] for r in own if r["等级变化"] == "下降")
        mine = summary[book.stem]
        assert (mine["上升"], mine["下降"]) == (len(up), len(down))
        assert mine["上次快照"].date() == dt.date(2026, 10, 20)
        assert sorted(r["客户编号"] for r in movers if r["分公司"] == book.stem and r["等级变化"] == "上升") == up
        assert sorted(r["客户编号"] for r in movers if r["分公司"] == book.stem and r["等级变化"] == "下降") == down
    assert movers, "the generated branches move some customers between the two dates"


def test_english_report_and_an_empty_store(hq, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _d, _books, store, _out = hq
    out = tmp_path / "hq-en.xlsx"
    result = runner.invoke(app, ["report", "--store", store, "--output", str(out), "--lang", "en"])
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(out, read_only=True)
    assert wb.sheetnames == ["HQ Offices", "HQ Shared Customers", "HQ Tier Movement", "HQ Snapshots"]
    wb.close()
    result = runner.invoke(app, ["report", "--store", str(tmp_path / "none.duckdb"), "--output", str(out)])
    assert result.exit_code == 1
    assert "none.duckdb: no such store" in result.output
    assert not (tmp_path / "none.duckdb").exists()
    from xlcrm.store import open_store

    open_store(tmp_path / "empty.duckdb").close()
    result = runner.invoke(app, ["report", "--store", str(tmp_path / "empty.duckdb"), "--output", str(out)])
    assert result.exit_code == 1
    assert "数据库中还没有刷新记录" in result.output


@pytest.mark.libreoffice
def test_libreoffice_draws_the_charts_over_the_office_and_movement_tables(hq, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import re
    import zipfile

    from tests.libreoffice import convert

    _d, _books, _store, out = hq
    ods = convert([out], "ods", tmp_path / "ods")[0]
    expected = {"分公司对比": 3, "等级变动": 1}
    with zipfile.ZipFile(ods) as zf:
        content = zf.read("content.xml").decode("utf-8")
        for sheet, n in expected.items():
            body = content[content.index(f'table:name="{sheet}"'):]
            body = body[:body.index("</table:table>")]
            objects = re.findall(r'<draw:object [^>]*xlink:href="\./([^"]+)"', body)
            assert len(objects) == n, sheet
            for obj in objects:
                chart = zf.read(f"{obj}/content.xml").decode("utf-8")
                ranges = re.findall(r'chart:values-cell-range-address="([^"]+)"', chart)
                assert ranges and all(sheet in r for r in ranges), (sheet, ranges)
