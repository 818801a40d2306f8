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
