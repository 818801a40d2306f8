"""classify() end to end on hand-made order books.

Sources of the expectations:
- the pyramid and its counts: seeds/003_154a3ff00e5abfe2.txt (客户金字塔: 1% / 19% / 30% /
  50%), with ceil() worked by hand;
- relative service cost: seeds/003 "一个大客户的服务成本是200元,银行净收益是10万元,那这200元的
  服务成本就显得微不足道;而一个小客户的服务成本是10元,但银行的净收益只有20元 ... 相对服务成本
  却大了很多倍" (cost is judged relative to the business, not in absolute terms);
- big is not good: seeds/003 "大客户不等于好客户" (credit/receivable and concentration risks);
- key accounts: seeds/000 KAM step 4 "关键客户的数目不应该多 ... 介于5到25家之间 ... 应明确界定
  成为关键客户的条件" (a short list with written criteria);
- movement: seeds/003 "以上五类客户之间是流动的,可以相互转化的" (show who moved).
"""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd
import pytest

from xlcrm import classify as classify_module
from xlcrm.classify import (
    CUSTOMER_COLUMNS,
    HISTORY_COLUMNS,
    KEY_ACCOUNT_COLUMNS,
    MIGRATION_COLUMNS,
    classify,
    key_accounts,
    migration,
    update_history,
)
from xlcrm.model import Frames
from xlcrm.schema import HISTORY_FIELDS
from xlcrm.settings import Settings

ASOF = dt.date(2025, 6, 30)


def day(days_ago: int) -> pd.Timestamp:
    return pd.Timestamp(ASOF) - pd.Timedelta(days=days_ago)


def orders(rows: list[dict]) -> pd.DataFrame:
    df = pd.DataFrame(rows)
    df["order_date"] = pd.to_datetime(df["order_date"])
    if "customer_id" not in df:
        df["customer_id"] = df["customer_key"]
    for col in ("due_date", "paid_date"):
        if col in df:
            df[col] = pd.to_datetime(df[col])
    df["source_sheet"] = "订单"
    df["source_row"] = np.arange(len(df)) + 2
    return df


def one_order_each(values: dict[str, float], days_ago: int = 10) -> pd.DataFrame:
    return orders([{"customer_key": k, "order_date": day(days_ago), "amount": v} for k, v in values.items()])


def test_contract_columns_exist_and_act_first_columns_lead():
    labels = {(c.en, c.zh) for c in CUSTOMER_COLUMNS}
    assert {("Customer ID", "客户编号"), ("Customer", "客户名称"), ("Orders", "订单数"),
            ("Revenue", "销售额"), ("Profit", "毛利"), ("First Order", "首次下单"),
            ("Last Order", "最近下单"), ("Lifecycle", "生命周期"), ("Tier", "客户等级"),
            ("ABC", "ABC类"), ("RFM", "RFM")} <= labels  # DESIGN.md section 4: they exist
    # Issue 14: who, which group, who looks after it, how much, since when, what is wrong.
    assert [c.key for c in CUSTOMER_COLUMNS[:11]] == ["customer_id", "customer", "tier", "lifecycle", "rep",
                                                      "value", "revenue", "last_order", "recency_days",
                                                      "tier_change", "signals"]
    assert len({c.key for c in CUSTOMER_COLUMNS}) == len(CUSTOMER_COLUMNS)
    coded = {c.key for c in CUSTOMER_COLUMNS if c.coded}
    assert {"lifecycle", "tier", "rfm_segment", "tier_prev", "tier_change"} <= coded
    assert [(c.key, c.en, c.zh) for c in HISTORY_COLUMNS] == [(f.key, f.en, f.zh) for f in HISTORY_FIELDS]


def test_public_api_is_what_the_issue_names():
    for name in ("CUSTOMER_COLUMNS", "KEY_ACCOUNT_COLUMNS", "MIGRATION_COLUMNS", "HISTORY_COLUMNS", "classify",
                 "assign_tiers", "abc_classes", "rfm_scores", "lifecycle_of", "key_accounts", "migration",
                 "update_history"):
        assert name in classify_module.__all__ and hasattr(classify_module, name)


def test_result_has_every_column_key_and_one_row_per_customer():
    o = one_order_each({"A": 100, "B": 50})
    master = pd.DataFrame({"customer_key": ["B", "P"], "customer_name": ["Bee Ltd", "Prospect Co"],
                           "status": ["正常", "意向客户"]})
    c = classify(Frames(orders=o, customers=master), Settings(), ASOF, "en")
    assert sorted(c.index) == ["A", "B", "P"] and c.index.is_unique
    for col in CUSTOMER_COLUMNS:
        assert col.key in c.columns, col.key
    for internal in ("rep", "region", "median_gap_days", "orders_12m", "revenue_12m", "value", "status"):
        assert internal in c.columns
    assert c.loc["P", "lifecycle"] == "Prospect" and c.loc["P", "orders"] == 0 and c.loc["P", "tier"] is None
    assert c.loc["B", "customer"] == "Bee Ltd"


def test_name_and_rep_from_master_else_most_recent_order():
    o = orders([
        {"customer_key": "A", "customer_name": "Old name", "rep": "王", "order_date": day(100), "amount": 1},
        {"customer_key": "A", "customer_name": "New name", "rep": "李", "order_date": day(5), "amount": 1},
        {"customer_key": "A", "customer_name": "Future name", "rep": "赵", "order_date": day(-5), "amount": 1},
        {"customer_key": "B", "customer_name": "B orders", "rep": "王", "order_date": day(5), "amount": 1},
    ])
    master = pd.DataFrame({"customer_key": ["B"], "customer_name": ["B master"], "rep": ["张"]})
    c = classify(Frames(orders=o, customers=master), Settings(), ASOF, "en")
    assert (c.loc["A", "customer"], c.loc["A", "rep"]) == ("New name", "李")
    assert (c.loc["B", "customer"], c.loc["B", "rep"]) == ("B master", "张")


def test_orders_after_asof_are_ignored_and_history_vs_window():
    o = orders([
        {"customer_key": "A", "order_date": day(500), "amount": 1000, "order_id": "1"},
        {"customer_key": "A", "order_date": day(30), "amount": 10, "order_id": "2"},
        {"customer_key": "A", "order_date": day(-1), "amount": 99999, "order_id": "3"},
    ])
    c = classify(Frames(orders=o), Settings(), ASOF, "en").loc["A"]
    assert c["orders"] == 2 and c["revenue"] == 1010  # all history to as-of
    assert c["revenue_window"] == 10 and c["orders_window"] == 1 and c["value"] == 10  # value window
    assert c["first_order"] == day(500) and c["last_order"] == day(30)


def test_an_unreadable_amount_stays_out_of_revenue_even_with_price_and_quantity():
    """DESIGN invariant 4: a cell the reader could not read is left out of the figures.
    The reader derives blank amounts itself; classify must not re-derive a bad one."""
    o = orders([
        {"customer_key": "A", "order_date": day(30), "amount": 100.0, "unit_price": 10.0, "quantity": 10,
         "order_id": "1"},
        {"customer_key": "A", "order_date": day(20), "amount": np.nan, "unit_price": 50.0, "quantity": 7,
         "order_id": "2"},
    ])
    c = classify(Frames(orders=o), Settings(), ASOF, "en").loc["A"]
    assert c["revenue"] == 100.0


def test_value_is_profit_where_cost_or_profit_is_given():
    o = orders([
        {"customer_key": "A", "order_date": day(5), "amount": 1000, "cost": 950},  # profit 50
        {"customer_key": "B", "order_date": day(5), "amount": 200, "profit": 120},  # profit 120
    ])
    c = classify(Frames(orders=o), Settings(), ASOF, "en")
    assert c.attrs["value_basis"] == "profit"
    assert c.loc["A", "value"] == 50 and c.loc["B", "value"] == 120
    assert c.loc["B", "tier"] == "Key"  # more profit ranks first despite less revenue
    c2 = classify(Frames(orders=o.drop(columns=["cost", "profit"])), Settings(), ASOF, "en")
    assert c2.attrs["value_basis"] == "revenue" and c2.loc["A", "tier"] == "Key"
    assert c2["profit"].isna().all()


def test_lines_of_one_order_are_one_purchase_and_credit_notes_are_not_purchases():
    o = orders([
        {"customer_key": "A", "order_date": day(20), "amount": 100, "order_id": "S1"},
        {"customer_key": "A", "order_date": day(20), "amount": 50, "order_id": "S1"},
        {"customer_key": "A", "order_date": day(10), "amount": -30, "order_id": "C1"},  # credit note
        {"customer_key": "B", "order_date": day(20), "amount": 10},  # no IDs: one purchase per day
        {"customer_key": "B", "order_date": day(20), "amount": 10},
        {"customer_key": "B", "order_date": day(40), "amount": 10},
    ])
    c = classify(Frames(orders=o), Settings(), ASOF, "en")
    assert c.loc["A", "orders"] == 1 and c.loc["A", "lifecycle"] == "New"
    assert c.loc["A", "revenue"] == 120 and c.loc["A", "last_order"] == day(20)
    assert c.loc["B", "orders"] == 2 and c.loc["B", "lifecycle"] == "Repeat"


@pytest.mark.parametrize(("n", "counts"), [
    (1, (1, 0, 0, 0)), (2, (1, 0, 0, 1)), (3, (1, 0, 1, 1)),
    (99, (1, 19, 30, 49)), (100, (1, 19, 30, 50)), (101, (2, 19, 30, 50)),
])
def test_pyramid_counts_end_to_end(n, counts):
    # Customers without an order in the window are not ranked and do not count in n.
    o = pd.concat([one_order_each({f"C{i:03d}": 1000 - i for i in range(n)}),
                   one_order_each({"OLD1": 10**6, "OLD2": 5}, days_ago=400)], ignore_index=True)
    c = classify(Frames(orders=o), Settings(), ASOF, "en")
    got = tuple(int((c["tier"] == t).sum()) for t in ("Key", "Major", "Regular", "Small"))
    assert got == counts
    assert c.loc["OLD1", "tier"] is None and c.loc["OLD1", "abc"] == "" and c.loc["OLD1", "rfm"] == ""
    assert c.loc["C000", "tier"] == "Key" and c.loc["C000", "tier_rank"] == 1
    assert "No order in the last 365 days" in c.loc["OLD1", "tier_why"]


def test_ties_in_value_are_broken_by_revenue_then_customer_id():
    o = orders([
        {"customer_key": "X2", "order_date": day(5), "amount": 500, "profit": 100},
        {"customer_key": "X1", "order_date": day(5), "amount": 500, "profit": 100},
        {"customer_key": "X3", "order_date": day(5), "amount": 900, "profit": 100},
    ])
    c = classify(Frames(orders=o), Settings(), ASOF, "en")
    # n=3: Key, Regular, Small. X3 has the most revenue; X1 before X2 by ID.
    assert c.loc[["X3", "X1", "X2"], "tier"].tolist() == ["Key", "Regular", "Small"]
    assert c.loc[["X3", "X1", "X2"], "tier_rank"].tolist() == [1, 2, 3]


def test_relative_service_cost_not_absolute_counts():
    # Big: 40 orders, 2 complaints (0.05 per order). Small: 1 order, 1 complaint (1 per order).
    # All customers: 3 complaints on 41 orders = 0.073 per order. The big customer has more
    # complaints in absolute terms but the small one costs far more relative to its business.
    rows = [{"customer_key": "BIG", "order_date": day(5 + i), "amount": 100000 / 40, "order_id": f"B{i}"}
            for i in range(40)]
    rows.append({"customer_key": "SMALL", "order_date": day(5), "amount": 20, "order_id": "S1"})
    complaints = pd.DataFrame({"customer_key": ["BIG", "BIG", "SMALL"],
                               "received": [day(3), day(4), day(2)]})
    c = classify(Frames(orders=orders(rows), complaints=complaints), Settings(), ASOF, "en")
    assert "high service cost" in c.loc["SMALL", "signals"] and "1 complaints on 1 orders" in c.loc["SMALL", "signals"]
    assert "service cost" not in c.loc["BIG", "signals"]
    assert bool(c.loc["SMALL", "serious"]) and c.loc["BIG", "complaints"] == 2


def test_return_rate_relative_to_all_customers():
    o = one_order_each({"A": 100, "B": 100})
    deliveries = pd.DataFrame({"customer_key": ["A", "B"], "ship_date": [day(5), day(5)],
                               "quantity": [1000.0, 10.0], "returned_qty": [10.0, 5.0]})
    c = classify(Frames(orders=o, deliveries=deliveries), Settings(), ASOF, "en")
    # all: 15/1010 = 1.5%; A 1.0% is fine, B 50% is above 2 x 1.5%
    assert c.loc["B", "return_rate"] == 0.5 and "returned 50.0% of quantity shipped" in c.loc["B", "signals"]
    assert "returned" not in c.loc["A", "signals"]
    assert c.loc["A", "deliveries"] == 1


def test_overdue_receivables_and_payment_behaviour_with_evidence():
    rows = [{"customer_key": "LATE", "order_date": day(100), "amount": 500, "order_id": "L1",
             "due_date": day(70), "paid_date": pd.NaT},
            {"customer_key": "GOOD", "order_date": day(100), "amount": 500, "order_id": "G1",
             "due_date": day(70), "paid_date": day(75)}]
    rows += [{"customer_key": "GOOD", "order_date": day(90 - i), "amount": 100, "order_id": f"G{i + 2}",
              "due_date": day(60 - i), "paid_date": day(61 - i)} for i in range(3)]
    c = classify(Frames(orders=orders(rows)), Settings(currency="¥"), ASOF, "en")
    assert c.loc["LATE", "overdue_receivables"] == 1 and c.loc["LATE", "overdue_amount"] == 500
    assert "1 unpaid (¥500), oldest 70 days past due" in c.loc["LATE", "signals"]
    assert "pays on time: all 4 receivables" in c.loc["GOOD", "signals"]
    zh = classify(Frames(orders=orders(rows)), Settings(), ASOF, "zh")
    assert "应收逾期：1笔未回款" in zh.loc["LATE", "signals"]


def test_concentration_risk_names_the_share():
    o = one_order_each({"BIG": 900, **{f"S{i}": 10 for i in range(10)}})
    c = classify(Frames(orders=o), Settings(), ASOF, "en")
    assert "concentration risk: 90.0% of all value (above 10.0%)" in c.loc["BIG", "signals"]
    assert "concentration" not in c.loc["S1", "signals"]


def test_margin_signals_compare_with_all_customers():
    o = orders([{"customer_key": "HI", "order_date": day(5), "amount": 100, "profit": 60},
                {"customer_key": "LO", "order_date": day(5), "amount": 100, "profit": 5},
                {"customer_key": "MID", "order_date": day(5), "amount": 800, "profit": 175},
                {"customer_key": "NEG", "order_date": day(5), "amount": 100, "profit": -10}])
    c = classify(Frames(orders=o), Settings(), ASOF, "en")
    # all: 230 / 1100 = 20.9%
    assert "high margin: 60.0% against 20.9%" in c.loc["HI", "signals"]
    assert "low margin: 5.0% against 20.9%" in c.loc["LO", "signals"]
    assert "loss-making: profit ¥-10 on revenue ¥100" in c.loc["NEG", "signals"]


def test_every_signal_carries_numbers():
    rng = np.random.default_rng(1)
    n = 400
    o = pd.DataFrame({"customer_key": [f"C{i}" for i in rng.integers(0, 60, n)],
                      "order_date": [day(int(d)) for d in rng.integers(0, 500, n)],
                      "amount": rng.gamma(2, 500, n), "cost": rng.gamma(2, 350, n)})
    o["due_date"] = o["order_date"] + pd.Timedelta(days=30)
    o["paid_date"] = (o["order_date"] + pd.to_timedelta(rng.integers(0, 60, n), unit="D")).where(rng.random(n) > .1)
    comp = pd.DataFrame({"customer_key": [f"C{i}" for i in rng.integers(0, 60, 30)],
                         "received": [day(int(d)) for d in rng.integers(0, 300, 30)]})
    for lang in ("en", "zh"):
        c = classify(Frames(orders=o, complaints=comp), Settings(), ASOF, lang)
        parts = [p for text in c["signals"] for p in re.split(r"[;；.。]\s*(?:Good: |Bad: |优：|劣：)?", text) if p]
        assert len(parts) > 20
        for p in parts:
            assert re.search(r"\d", p), p


def test_history_gives_previous_tier_and_change_and_zh_values_read_back():
    o = one_order_each({"A": 100, "B": 50, "C": 10, "D": 5, "E": 1})
    history = pd.DataFrame({
        "asof": ["2025-03-31"] * 5 + ["2024-12-31"],
        "customer_key": ["A", "B", "C", "F", "E", "A"],
        "customer_id": ["A", "B", "C", "F", "E", "A"],
        "lifecycle": ["重复购买客户", "New", "New", "Repeat", "New", "New"],
        "tier": ["主要客户", "Key", "Small", "Major", None, "Small"],
        "abc": ["A", "A", "B", "C", None, "C"],
    })
    c = classify(Frames(orders=o, history=history), Settings(), ASOF, "en")
    # n=5: Key 1 (A), Major ceil(1)-1=0, Regular ceil(2.5)-1=2 (B, C), Small 2 (D, E)
    assert c["tier"].tolist() == ["Key", "Regular", "Regular", "Small", "Small"]
    assert c.loc["A", "tier_prev"] == "Major" and c.loc["A", "lifecycle_prev"] == "Repeat"
    assert c["tier_change"].tolist() == ["Up", "Down", "Up", "Entered", "Entered"]
    assert "On 2025-03-31 it was Major" in c.loc["A", "tier_why"]
    m = migration(c, "en")
    assert [col.key for col in MIGRATION_COLUMNS] == m.columns.tolist()
    assert m["total"].sum() == len(c)
    row = m.set_index("tier_prev")
    assert row.loc["Major", "Key"] == 1 and row.loc["Key", "Regular"] == 1 and row.loc["(no tier)", "Small"] == 2


def test_no_history_means_no_change_claimed():
    c = classify(Frames(orders=one_order_each({"A": 1})), Settings(), ASOF, "en")
    assert c.loc["A", "tier_change"] == "" and pd.isna(c.loc["A", "tier_prev"])


def test_update_history_replaces_same_date_and_keeps_the_last_snapshots():
    c = classify(Frames(orders=one_order_each({"A": 1, "B": 2})), Settings(), ASOF, "en")
    h = None
    for month in (1, 2, 3, 4):
        h = update_history(h, c, dt.date(2025, month, 28), Settings(history_keep=3))
    h = update_history(h, c, dt.date(2025, 4, 28), Settings(history_keep=3))  # same date again
    assert h.columns.tolist() == [col.key for col in HISTORY_COLUMNS]
    assert sorted(h["asof"].dt.month.unique()) == [2, 3, 4] and len(h) == 6
    assert h.loc[h["customer_key"] == "B", "tier"].iloc[0] == "Key"


def test_key_accounts_meet_written_criteria_and_are_capped():
    rows = []
    for i in range(30):  # 30 customers; top ones order often
        for k in range(6 if i < 10 else 1):
            rows.append({"customer_key": f"K{i:02d}", "order_date": day(10 + 30 * k), "amount": 1000 - 10 * i,
                         "order_id": f"{i}-{k}"})
    o = orders(rows)
    o.loc[(o["customer_key"] == "K01"), "due_date"] = day(200)  # K01 has overdue receivables
    s = Settings(key_account_cap=3)
    c = classify(Frames(orders=o), s, ASOF, "en")
    # n=30: Key ceil(.3)=1, Key+Major ceil(6)=6 -> K00..K05 are Key/Major.
    ka = key_accounts(c, s, "en")
    assert [col.key for col in KEY_ACCOUNT_COLUMNS] == ka.columns.tolist()
    assert ka.index.tolist() == ["K00", "K02", "K03"]  # K01 left out (overdue), cap 3
    assert "rank 1 of 30" in ka.iloc[0]["why"] and "6 orders" in ka.iloc[0]["why"]
    assert set(c.loc[ka.index, "tier"]) <= {"Key", "Major"}
    ka_all = key_accounts(c, Settings(), "zh")
    assert ka_all.index.tolist() == ["K00", "K02", "K03", "K04", "K05"]  # K06.. are Regular
    assert "至少4单" in ka_all.iloc[0]["why"]


def test_customer_with_only_later_orders_is_listed_without_orders():
    o = orders([{"customer_key": "Z", "customer_name": "Zed", "order_date": day(-3), "amount": 5},
                {"customer_key": "A", "customer_name": "Ay", "order_date": day(3), "amount": 5}])
    o.index = [7, 7]  # a non-unique index must not matter
    c = classify(Frames(orders=o), Settings(), ASOF, "zh")
    assert c.loc["Z", "customer"] == "Zed" and c.loc["Z", "orders"] == 0 and c.loc["Z", "revenue"] == 0
    assert c.loc["Z", "lifecycle"] == "Prospect" and "截至2025-06-30无订单" in c.loc["Z", "lifecycle_why"]
    assert c.loc["A", "customer"] == "Ay" and c.loc["A", "lifecycle"] == "New"


def test_lifecycle_why_says_when_the_class_moved():
    o = orders([{"customer_key": "A", "order_date": day(5), "amount": 1, "order_id": "1"},
                {"customer_key": "A", "order_date": day(50), "amount": 1, "order_id": "2"}])
    history = pd.DataFrame({"asof": ["2025-03-31"], "customer_key": ["A"], "customer_id": ["A"],
                            "lifecycle": ["初次购买客户"], "tier": ["重要客户"], "abc": ["A"]})
    c = classify(Frames(orders=o, history=history), Settings(), ASOF, "zh")
    assert c.loc["A", "lifecycle"] == "Repeat" and c.loc["A", "lifecycle_prev"] == "New"
    assert c.loc["A", "lifecycle_why"].endswith("2025-03-31时为初次购买客户。")
    assert c.loc["A", "tier_change"] == "Same"


def test_history_drops_oldest_snapshots_before_passing_the_excel_row_limit(monkeypatch):
    from xlcrm import movement

    monkeypatch.setattr(movement, "EXCEL_MAX_ROWS", 5)  # stands in for 1,048,575 data rows
    c = classify(Frames(orders=one_order_each({"A": 1, "B": 2})), Settings(), ASOF, "en")
    h = None
    for month in (1, 2, 3):
        h = update_history(h, c, dt.date(2025, month, 28), Settings())
    assert sorted(h["asof"].dt.month.unique()) == [2, 3]  # 3 snapshots x 2 rows = 6 > 5


def test_growing_customer_is_a_good_signal_with_both_figures():
    # 003: "对小客户的评判 ... 要用动态的眼光,要看趋势" (judge small customers by their trend).
    o = orders([{"customer_key": "G", "order_date": day(400), "amount": 100, "order_id": "1"},
                {"customer_key": "G", "order_date": day(10), "amount": 300, "order_id": "2"},
                {"customer_key": "F", "order_date": day(400), "amount": 100, "order_id": "3"},
                {"customer_key": "F", "order_date": day(10), "amount": 120, "order_id": "4"}])
    c = classify(Frames(orders=o), Settings(), ASOF, "en")
    assert c.loc["G", "growth"] == 2.0
    assert "growing: revenue ¥300 in the last 365 days against ¥100 in the 365 before (+200.0%)" in c.loc["G", "signals"]
    assert "growing" not in c.loc["F", "signals"]  # +20% is under the 50% default
