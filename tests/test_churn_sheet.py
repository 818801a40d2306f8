"""The churn sheet and headline as a manager meets them (issue 13): through the CLI, on the
demo and on a book too small for the model, read back from the written workbook."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from xlcrm.cli import app
from xlcrm.demo import ZH_FILE

runner = CliRunner()


def _table(ws) -> list[dict]:
    head = [c.value for c in ws[1]]
    return [dict(zip(head, (c.value for c in row))) for row in ws.iter_rows(min_row=2) if row[0].value is not None]


@pytest.fixture(scope="module")
def demo_zh(tmp_path_factory) -> tuple[Path, str]:
    d = tmp_path_factory.mktemp("churn-demo")
    assert runner.invoke(app, ["demo", str(d)]).exit_code == 0
    out = d / "out.xlsx"
    result = runner.invoke(app, ["refresh", str(d / ZH_FILE), "--output", str(out)])
    assert result.exit_code == 0, result.output
    return out, result.output


def test_console_and_dashboard_say_at_risk_and_lost_apart(demo_zh):
    out, printed = demo_zh
    wb = openpyxl.load_workbook(out)
    rows = _table(wb["流失预警"])
    lost = [r for r in rows if r["状态"] == "已流失"]
    at_risk = [r for r in rows if r["状态"] == "在册预警" and r["风险等级"] == "高"]
    loss = sum(r["预计损失"] for r in at_risk)
    said = f"{len(at_risk)} 个在册客户高风险 (预计损失 ¥{loss:,.0f}), {len(lost)} 个已流失"
    assert f"流失预警: {said}" in printed
    dash = {r["指标"]: r for r in _table(wb["客户看板"])}
    assert dash["流失预警"]["数值"] == len(at_risk) and dash["流失预警"]["说明"] == said
    assert dash["当前高风险客户数"]["数值"] == len(at_risk)
    assert dash["流失客户数"]["数值"] == len(lost)
    assert len(lost) > 0 and len(at_risk) > 0


def test_demo_churn_sheet_opens_on_active_customers_with_money_at_stake(demo_zh):
    out, _ = demo_zh
    ws = openpyxl.load_workbook(out)["流失预警"]
    head = [c.value for c in ws[1]]
    assert head[:10] == ["客户编号", "客户名称", "状态", "预计损失", "挽回价值(年)", "流失风险", "风险等级",
                         "下一步", "截止日期", "业务员"]
    rows = _table(ws)
    for r in rows[:10]:
        assert r["状态"] == "在册预警" and r["预计损失"] > 0 and r["生命周期"] != "流失客户"
    status = [r["状态"] for r in rows]
    first_lost = status.index("已流失")
    assert set(status[first_lost:]) == {"已流失"}  # one lower section, nothing active below it
    worth = [r["挽回价值(年)"] or 0 for r in rows[first_lost:]]
    assert worth == sorted(worth, reverse=True)
    # P(alive) never says "likely active" next to Lost without the note saying why.
    for r in rows:
        if r["生命周期"] == "流失客户" and r["存活概率"] is not None and r["存活概率"] >= 0.5:
            assert "按流失规则" in r["存活概率说明"], r


def _tiny_book(path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "订单"
    ws.append(["订单日期", "客户编号", "客户名称", "金额"])
    for i in range(12):
        ws.append([dt.datetime(2026, 1 + i % 10, 5), f"C{i % 4}", f"客户{i % 4}", 100.0 + i])
    wb.save(path)


def test_a_model_problem_is_said_once_on_console_dashboard_and_issues_not_per_row(tmp_path):
    src, out = tmp_path / "book.xlsx", tmp_path / "out.xlsx"
    _tiny_book(src)
    result = runner.invoke(app, ["refresh", str(src), "--output", str(out), "--asof", "2026-11-01"])
    assert result.exit_code == 0, result.output
    note = re.search(r"流失模型: (.+)", result.output).group(1)
    assert "BG/NBD" in note and "4 个客户" in note
    assert result.output.count("BG/NBD") == 1
    wb = openpyxl.load_workbook(out)
    issues = [r for r in _table(wb["数据问题"]) if r["工作表"] == "流失预警"]
    assert len(issues) == 1 and issues[0]["问题"] == note
    assert issues[0]["单元格"] is None  # a whole-sheet problem: no cell, and no link that would read as one
    dash = {r["指标"]: r for r in _table(wb["客户看板"])}
    assert dash["流失模型"]["说明"] == note
    churn = _table(wb["流失预警"])
    assert all("BG/NBD" not in r["原因"] for r in churn)
    assert all(r["存活概率"] is None and r["存活概率说明"].startswith("未估计") for r in churn)


def test_the_backtest_is_said_in_words_on_console_and_dashboard(demo_zh):
    out, printed = demo_zh
    said = re.search(r"流失评分: (.+)", printed).group(1)
    m = re.fullmatch(r"(\d{4}-\d\d-\d\d) 之后 (\d+) 天内停止下单的 (\d+) 个在册客户中, 本评分 \(权重只用此前的历史学得\) "
                     r"把 (\d+)% 排在前五分之一 \(AUC 0\.\d\d\)", said)
    assert m, said
    dash = {r["指标"]: r for r in _table(openpyxl.load_workbook(out)["客户看板"])}
    row = dash["流失评分回测"]
    assert row["说明"] == said and round(row["数值"] * 100) == int(m.group(4))
