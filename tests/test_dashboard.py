"""The dashboard's Metric/Value table at A1: the shape users' formulas depend on (issue 7)."""

from __future__ import annotations

import openpyxl
import pytest

from tests.libreoffice import read_back
from xlcrm.refresh import refresh
from xlcrm.demo import make_demos


@pytest.fixture(scope="module")
def dashboard(tmp_path_factory):
    d = tmp_path_factory.mktemp("dash")
    zh, _en = make_demos(d)
    out = d / "out.xlsx"
    report = refresh(zh, output=out)
    return out, report


def test_metric_value_note_at_a1_with_rates_as_percentages(dashboard):
    out, _report = dashboard
    ws = openpyxl.load_workbook(out)["客户看板"]
    assert [ws.cell(1, c).value for c in (1, 2, 3)] == ["指标", "数值", "说明"]
    rows = {ws.cell(r, 1).value: ws.cell(r, 2) for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value}
    for rate in ("投诉率", "遗漏率", "不满意率"):
        assert rate in rows and rows[rate].number_format.endswith("%"), rate
        assert 0 <= rows[rate].value <= 1
    assert rows["客户数"].number_format in ("#,##0", "0")


@pytest.mark.libreoffice
def test_complaint_rate_on_the_dashboard_is_complaints_over_orders_of_the_last_12_months(dashboard):
    """Recomputed from what LibreOffice reads on the tracking sheet and the demo's orders."""
    out, report = dashboard
    sheets = read_back(out)
    dash = {r[0]: r[1] for r in sheets["客户看板"][1:] if r and r[0]}
    n_complaints = float(dash["投诉数(12个月)"])
    n_orders = float(dash["订单数(12个月)"])
    rate = dash["投诉率"]  # LibreOffice writes a percent cell as "3.59...%"
    rate = float(rate[:-1]) / 100 if rate.endswith("%") else float(rate)
    assert rate == pytest.approx(n_complaints / n_orders, abs=1e-9)
    tracked = sheets["投诉跟踪"]
    head = tracked[0]
    received = [r[head.index("受理日期")] for r in tracked[1:] if r[0]]
    asof = str(report.asof)
    lo = f"{int(asof[:4]) - 1}{asof[4:]}"
    assert n_complaints == sum(1 for d in received if lo < d <= asof)


def test_churn_cost_chain_uses_the_yearly_rate_of_customers_active_12_months_ago(dashboard):
    """Issue 14: customers x rate x revenue each, with the base and rate of the last 12 months."""
    import datetime as dt

    import pandas as pd

    out, report = dashboard
    ws = openpyxl.load_workbook(out)["客户看板"]
    rows = {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value}
    c = report.computed.customers
    asof = pd.Timestamp(report.asof)
    base = (c["first_order"] <= asof - dt.timedelta(days=365)) & (c["last_order"] >= asof - dt.timedelta(days=730))
    lost = base & (c["lifecycle"] == "Lost")
    assert rows["一年前在册的客户"] == base.sum() and rows["其中现已流失"] == lost.sum()
    assert rows["年流失率（近 12 个月）"] == pytest.approx(lost.sum() / base.sum())
    assert rows["每年流失的销售额 (客户数×流失率×单客销售额)"] == pytest.approx(
        rows["一年前在册的客户"] * rows["年流失率（近 12 个月）"] * rows["每个流失客户的年销售额"])
    assert rows["每年流失的利润 (流失销售额×利润率)"] == pytest.approx(
        rows["每年流失的销售额 (客户数×流失率×单客销售额)"] * rows["利润率"])
