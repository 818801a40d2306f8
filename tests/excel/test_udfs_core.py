"""The CRM_* functions on the real core: the textbook's numbers, and the same figure as the core.

Expected values: the textbook's worked examples and rules in ../shared/seeds (via DOMAIN.md):
the value pyramid's 1/19/30/50 shares, the churn-cost chain (003), c = b / a, the lifecycle
classes (003); dates as openpyxl writes them; otherwise the core function called directly.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter

import pytest
from openpyxl.utils.datetime import to_excel

import xlcrm.excel.udfs as udfs
from xlcrm.excel._cache import CACHE


@pytest.fixture(autouse=True)
def _fresh_cache():
    CACHE.clear()
    yield
    CACHE.clear()


def col(*values):
    return [[v] for v in values]


IDS = col("客户编号", *[f"C{i:03d}" for i in range(1, 101)])
VALUES = col("毛利", *[float(10_000 - 37 * i) for i in range(1, 101)])


def test_pyramid_of_100_customers_has_the_textbooks_1_19_30_50_shares():
    table = udfs.CRM_PYRAMID(IDS, VALUES, None, "en")
    assert table[0] == ["Customer ID", "Value", "Rank", "Tier"]
    counts = Counter(row[3] for row in table[1:])
    assert counts == {"Key": 1, "Major": 19, "Regular": 30, "Small": 50}
    assert [row[2] for row in table[1:]] == list(range(1, 101))


def test_tier_of_one_customer_matches_its_row_of_the_pyramid_in_both_languages():
    assert udfs.CRM_TIER([["C001"]], IDS, VALUES) == "重要客户"  # zh headers -> zh values
    assert udfs.CRM_TIER([["C020"]], IDS, VALUES, None, "en") == "Major"
    assert udfs.CRM_TIER([["C021"]], IDS, VALUES, None, "en") == "Regular"
    assert udfs.CRM_TIER([["C100"]], IDS, VALUES, None, "en") == "Small"


def test_churn_cost_matches_the_textbook_example():
    # 64,000 customers, 5% lost = 3,200; x 40,000 = 128,000,000 revenue; x 10% = 12,800,000 profit (003)
    table = udfs.CRM_CHURN_COST(64000.0, 0.05, 40000.0, 0.1, None, "zh")
    assert [row[1] for row in table] == pytest.approx([3200, 128_000_000, 12_800_000])
    assert udfs.CRM_CHURN_COST(64000.0, "5%", 40000.0, "10%", "profit") == pytest.approx(12_800_000)


def test_satisfaction_index_is_perception_over_expectation():
    assert udfs.CRM_SATISFACTION_INDEX(8.0, 10.0) == pytest.approx(0.8)  # c = b / a (000)
    assert udfs.CRM_SATISFACTION_INDEX(col(9.0, 12.0), col(10.0, 10.0)) == [[pytest.approx(0.9)],
                                                                             [pytest.approx(1.2)]]


def test_abc_classes_follow_cumulative_value_80_95():
    ids = col("A1", "B1", "C1")
    vals = col(80.0, 15.0, 5.0)
    assert udfs.CRM_ABC(ids, ids, vals) == [["A"], ["B"], ["C"]]


def test_lifecycle_classes_follow_the_textbook():
    asof = dt.datetime(2024, 6, 30)
    custs = col("客户名称", "N", "R", "R")
    dates = col("订单日期", dt.datetime(2024, 6, 1), dt.datetime(2024, 3, 1), dt.datetime(2024, 6, 1))
    assert udfs.CRM_LIFECYCLE([["N"]], custs, dates, asof) == "初次购买客户"  # first purchase: New
    assert udfs.CRM_LIFECYCLE([["R"]], custs, dates, asof, None, False, "en") == "Repeat"  # two or more
    out = udfs.CRM_LIFECYCLE([["Z"]], custs, dates, asof, "目标客户", True, "en")
    assert out[0][0] == "Target" and out[0][1]  # chosen by us, no purchase yet; with its reason


def test_rfm_best_on_all_three_is_555_and_important_value():
    ids = col("客户编号", *[f"C{i}" for i in range(10)])
    recency = col("最近购买天数", *[float(5 + 30 * i) for i in range(10)])
    freq = col("购买频次", *[float(20 - 2 * i) for i in range(10)])
    money = col("消费金额", *[float(10_000 - 900 * i) for i in range(10)])
    assert str(udfs.CRM_RFM([["C0"]], ids, recency, freq, money)) == "555"
    assert udfs.CRM_RFM_SEGMENT([["C0"]], ids, recency, freq, money, "en") == "Important Value"
    assert udfs.CRM_RFM_SEGMENT([["C9"]], ids, recency, freq, money) == "一般挽留客户"  # zh headers


def test_churn_risk_and_p_alive_are_the_core_figures_with_reasons():
    import pandas as pd

    from xlcrm import churn, classify
    from xlcrm.model import Frames
    from xlcrm.settings import Settings

    asof = dt.date(2024, 6, 30)
    rows = [("A", dt.date(2024, 1, 1) + dt.timedelta(days=14 * k)) for k in range(13)]  # every 2 weeks
    rows += [("B", dt.date(2023, 1, 2) + dt.timedelta(days=14 * k)) for k in range(10)]  # stopped in 2023
    rows += [("C", dt.date(2023, 6, 1) + dt.timedelta(days=60 * k)) for k in range(6)]
    custs = col("客户名称", *[r[0] for r in rows])
    dates = col("订单日期", *[dt.datetime.combine(r[1], dt.time()) for r in rows])
    amounts = col("金额", *[500.0 for _ in rows])
    out = udfs.CRM_CHURN_RISK(col("A", "B"), custs, dates, amounts, dt.datetime(2024, 6, 30), "en")
    assert len(out) == 2 and all(isinstance(r[1], str) and r[1] for r in out)
    assert out[1][0] > out[0][0]  # a customer silent for a year is at more risk than a regular one

    orders = pd.DataFrame({"customer_key": [r[0] for r in rows], "customer_id": [r[0] for r in rows],
                           "order_date": pd.to_datetime([r[1] for r in rows]), "amount": 500.0,
                           "source_sheet": "UDF", "source_row": range(2, 2 + len(rows))})
    frames = Frames(orders=orders)
    customers = classify.classify(frames, Settings(), asof, "en")
    direct = churn.score(frames, customers, None, Settings(), asof, "en")
    assert out[0][0] == pytest.approx(float(direct.loc["A", "churn_risk"]))
    p = udfs.CRM_P_ALIVE(col("A", "B", "C"), custs, dates, amounts, dt.datetime(2024, 6, 30))
    # Three customers are too few for BG/NBD: the sheet leaves P(alive) blank, the UDF too.
    assert direct["p_alive"].isna().all() and [r[0] for r in p] == ["", "", ""]
    assert all(0.0 <= r[0] <= 1.0 for r in p if not isinstance(r[0], str))


def test_next_visit_and_response_due_are_the_core_dates_as_excel_serials():
    from xlcrm import complaints, visits

    asof = dt.date(2026, 11, 23)
    want = visits.next_visit_date(dt.date(2026, 11, 16), "Key", None, asof)
    got = udfs.CRM_NEXT_VISIT([[dt.datetime(2026, 11, 16)]], [["重要客户"]], None, dt.datetime(2026, 11, 23))
    assert got == to_excel(dt.datetime.combine(want, dt.time()))
    # Key customers get a first response the same day (003, 001); others the next working day
    friday = dt.datetime(2026, 11, 20)
    assert udfs.CRM_RESPONSE_DUE([[friday]], [["Key"]]) == to_excel(friday)
    small = complaints.response_due(friday.date(), "Small", None)
    assert udfs.CRM_RESPONSE_DUE([[friday]], [["小客户"]]) == to_excel(dt.datetime.combine(small, dt.time()))
    assert small == dt.date(2026, 11, 23)  # Monday: the weekend is not a working day


def test_every_udf_result_on_the_real_core_is_spillable():
    from tests.excel.test_udfs import CALLS, assert_spillable

    for name, call in CALLS.items():
        out = call()
        assert not (isinstance(out, str) and out.startswith("#")), f"{name}: {out}"
        assert_spillable(out)
        assert not (isinstance(out, float) and math.isnan(out))


def test_pyramid_and_abc_formulas_agree_with_the_customers_sheet_of_the_demo_workbook():
    # A number is the same wherever it is seen (DESIGN section 1): feed the formulas the values
    # the customers sheet ranks by, and they give its tiers, ranks and ABC classes.
    from pathlib import Path

    from xlcrm import classify
    from xlcrm.refresh import resolve_asof, resolve_settings
    from xlcrm.workbook.read import read_workbook

    demo = Path(__file__).resolve().parents[2] / "workbooks" / "xlcrm-demo-zh.xlsx"
    read = read_workbook(demo)
    settings, _ = resolve_settings(read.frames)
    sheet = classify.classify(read.frames, settings, resolve_asof(None, settings), "zh")
    ranked = sheet[sheet["ranked"]]
    ids = col("客户编号", *ranked["customer_id"].tolist())
    values = col("价值", *ranked["value"].astype(float).tolist())
    revenue = col("销售额", *ranked["revenue_window"].astype(float).tolist())
    table = udfs.CRM_PYRAMID(ids, values, revenue, "en")
    got = {row[0]: (row[3], row[2]) for row in table[1:]}
    want = {cid: (tier, int(rank)) for cid, tier, rank in
            zip(ranked["customer_id"], ranked["tier"], ranked["tier_rank"])}
    assert got == want
    abc = udfs.CRM_ABC(ids[1:], ids, values)
    assert [r[0] for r in abc] == ranked["abc"].tolist()
