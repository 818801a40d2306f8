"""Churn early warning: the textbook's cost example, each signal on hand-made books, invariants."""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from xlcrm.churn import (
    CHURN_COLUMNS,
    SIGNALS,
    WINBACK_COLUMNS,
    churn_cost,
    churn_cost_summary,
    headline,
    model_issue,
    score,
    winback,
)
from xlcrm.model import Frames
from xlcrm.settings import Settings

ASOF = dt.date(2025, 6, 30)
END = pd.Timestamp(ASOF)
S = Settings()


def _orders(key: str, dates, amount=1000.0, rep="王芳", **extra) -> list[dict]:
    return [{"customer_key": key, "order_date": pd.Timestamp(d), "amount": float(amount), "rep": rep, **extra}
            for d in dates]


def every(days: int, last_days_ago: int, n: int) -> list[pd.Timestamp]:
    """n order dates, ``days`` apart, the last one ``last_days_ago`` before the as-of date."""
    return [END - pd.Timedelta(days=last_days_ago + days * i) for i in range(n)][::-1]


def base_rows() -> list[dict]:
    """A small office: steady buyers, a few who stopped, one-time buyers (enough for BG/NBD)."""
    rng = np.random.default_rng(3)
    rows: list[dict] = []
    for i in range(14):
        gap = 8 + 3 * i
        dates = np.cumsum(rng.integers(max(1, gap - 3), gap + 4, size=60))
        dates = [END - pd.Timedelta(days=int(d)) for d in dates if d < 400]
        rows += _orders(f"B{i:02d}", sorted(dates), 500 + 100 * i)
    for i in range(5):  # stopped 60-200 days ago after a regular spell
        rows += _orders(f"S{i}", every(20, 60 + 35 * i, 8), 800)
    for i in range(6):  # one order only
        rows += _orders(f"O{i}", [END - pd.Timedelta(days=10 + 60 * i)], 300)
    return rows


def frames_of(rows, **kw) -> Frames:
    return Frames(orders=pd.DataFrame(rows), **kw)


def run(rows, lang="en", customers=None, complaints=None, settings=S, **kw) -> pd.DataFrame:
    return score(frames_of(rows, **kw), customers, complaints, settings, ASOF, lang)


# ---- cost of churn ---------------------------------------------------------------------------
def test_churn_cost_matches_textbook_example():
    # Seed 003: 64,000 customers, 5% lost = 3,200; x 40,000 = 128,000,000; at 10% = 12,800,000.
    cost = churn_cost(64_000, 0.05, 40_000, 0.10)
    assert cost["lost"] == pytest.approx(3_200)
    assert cost["revenue_lost"] == pytest.approx(128_000_000)
    assert cost["profit_lost"] == pytest.approx(12_800_000)


def test_churn_cost_summary_applies_the_textbook_chain_to_this_workbook():
    rows = base_rows()
    for r in rows:
        r["profit"] = r["amount"] * 0.2
    churn = run(rows)
    got = {en: v for en, zh, v, kind in churn_cost_summary(None, churn, S, "en")}
    n = got["Customers who ordered"]
    assert n == len(churn)
    assert got["Lost share"] == pytest.approx(got["Lost customers"] / n)
    assert got["Revenue lost a year (customers x share x revenue)"] == pytest.approx(
        n * got["Lost share"] * got["Yearly revenue per lost customer"])
    assert got["Margin"] == pytest.approx(0.2)
    assert got["Profit lost a year (revenue lost x margin)"] == pytest.approx(
        got["Revenue lost a year (customers x share x revenue)"] * 0.2)
    assert got["Expected loss, next 12 months"] == pytest.approx(churn["expected_loss"].sum())


# ---- the table ---------------------------------------------------------------------------------
def test_columns_follow_the_design_contract():
    heads = {(c.key, c.en, c.zh) for c in CHURN_COLUMNS}
    for need in [("customer_id", "Customer ID", "客户编号"), ("churn_risk", "Churn Risk", "流失风险"),
                 ("risk_level", "Risk Level", "风险等级"), ("p_alive", "P(alive)", "存活概率"),
                 ("reasons", "Reasons", "原因"), ("expected_loss", "Expected Loss", "预计损失")]:
        assert need in heads
    level = next(c for c in CHURN_COLUMNS if c.key == "risk_level")
    assert level.coded and level.style == "risk"
    churn = run(base_rows())
    assert list(churn.columns[: len(CHURN_COLUMNS)]) == [c.key for c in CHURN_COLUMNS]
    assert churn.index.name == "customer_key"
    assert churn.attrs["model"] is not None  # BG/NBD was fitted on this book


def test_overdue_against_own_rhythm_says_so_in_both_languages():
    rows = base_rows() + _orders("LATE", every(12, 45, 25))
    zh = run(rows, "zh").loc["LATE"]
    en = run(rows, "en").loc["LATE"]
    assert "45 天未下单, 平时约每 12 天一单" in zh["reasons"]
    assert "45 days since the last order; usually orders every 12 days" in en["reasons"]
    assert en["pts_overdue"] > 20 and en["risk_level"] in ("High", "Medium")


def test_customer_on_rhythm_has_no_warning_signs():
    rows = base_rows() + _orders("OK", every(12, 3, 25))
    row = run(rows).loc["OK"]
    assert row["pts_overdue"] == 0 and row["risk_level"] == "Low"
    assert row["reasons"] == "no warning signs"
    assert run(rows, "zh").loc["OK", "reasons"] == "无预警信号"


def test_one_time_buyers_are_not_hidden_by_p_alive_one():
    churn = run(base_rows())
    old, new = churn.loc["O5"], churn.loc["O0"]  # one order 310 days ago vs 10 days ago
    assert old["p_alive"] < new["p_alive"] < 1
    assert old["churn_risk"] > new["churn_risk"]
    assert old["risk_level"] == "High" and "ordered once" in old["reasons"]


def test_falling_spend_against_own_past():
    steady = every(15, 5, 30)
    rows = base_rows() + _orders("DOWN", [d for d in steady if d <= END - pd.Timedelta(days=90)], 10_000) \
        + _orders("DOWN", [d for d in steady if d > END - pd.Timedelta(days=90)], 2_000) \
        + _orders("FLAT", steady, 10_000)
    churn = run(rows)
    assert churn.loc["DOWN", "pts_buying_less"] > 0
    # 6 orders of 2,000 in the last 90 days; before that 10,000 every 15 days (about 60,000 per 90 days).
    assert re.search(r"bought 12,000 in the last 90 days against about 6\d,\d{3} before \(down 8\d%\)",
                     churn.loc["DOWN", "reasons"])
    assert churn.loc["FLAT", "pts_buying_less"] == 0
    assert churn.loc["DOWN", "churn_risk"] > churn.loc["FLAT", "churn_risk"]


def test_complaints_open_overdue_and_dissatisfied_raise_risk():
    rows = base_rows() + _orders("ANGRY", every(12, 3, 25)) + _orders("CALM", every(12, 3, 25))
    complaints = pd.DataFrame([
        {"complaint_id": "T1", "customer_key": "ANGRY", "received": END - pd.Timedelta(days=20), "status": "Open",
         "is_open": True, "overdue": "Yes", "is_dissatisfied": False, "closed": pd.NaT, "category": "质量"},
        {"complaint_id": "T2", "customer_key": "ANGRY", "received": END - pd.Timedelta(days=100),
         "status": "Closed", "is_open": False, "overdue": "No", "is_dissatisfied": True,
         "closed": END - pd.Timedelta(days=90), "category": "服务"},
        {"complaint_id": "T3", "customer_key": "CALM", "received": END - pd.Timedelta(days=700),
         "status": "Closed", "is_open": False, "overdue": "No", "is_dissatisfied": False,
         "closed": END - pd.Timedelta(days=690), "category": "服务"},
    ])
    churn = run(rows, "zh", complaints=complaints)
    assert churn.loc["ANGRY", "pts_complaints"] > 10
    assert "365 天内投诉 2 次, 1 件未结案, 1 件超期, 1 次回访不满意" in churn.loc["ANGRY", "reasons"]
    assert churn.loc["CALM", "pts_complaints"] == 0  # closed long ago, outside the look-back


def test_returns_short_and_late_deliveries_raise_risk():
    rows = base_rows() + _orders("SHIP", every(12, 3, 25))
    d = END - pd.Timedelta(days=30)
    deliveries = pd.DataFrame([
        {"customer_key": "SHIP", "ship_date": d, "promised_date": d, "received_date": d + pd.Timedelta(days=4),
         "quantity": 10, "ordered_qty": 10, "returned_qty": 0},
        {"customer_key": "SHIP", "ship_date": d, "promised_date": d + pd.Timedelta(days=5),
         "received_date": d + pd.Timedelta(days=2), "quantity": 8, "ordered_qty": 10, "returned_qty": 3},
        {"customer_key": "B01", "ship_date": d, "promised_date": d + pd.Timedelta(days=5),
         "received_date": d + pd.Timedelta(days=2), "quantity": 10, "ordered_qty": 10, "returned_qty": 0},
    ])
    churn = run(rows, deliveries=deliveries)
    assert churn.loc["SHIP", "pts_deliveries"] > 0
    assert "1 return(s), 1 short delivery(ies), 1 late delivery(ies) in the last 365 days" in churn.loc["SHIP", "reasons"]
    assert churn.loc["B01", "pts_deliveries"] == 0


def test_overdue_and_late_paid_receivables_raise_risk():
    dates = every(12, 3, 25)
    rows = base_rows()
    for i, d in enumerate(dates):
        due = d + pd.Timedelta(days=30)
        paid = due if i < 20 else pd.NaT  # the last five orders unpaid
        if i == 21:
            paid = pd.NaT
        rows += _orders("OWES", [d], 1000, due_date=due, paid_date=paid)
    rows += _orders("SLOW", dates, 1000, due_date=END - pd.Timedelta(days=60),
                    paid_date=END - pd.Timedelta(days=40))
    churn = run(rows)
    owes = churn.loc["OWES"]
    # Orders 20 and 21 are due before the as-of date and unpaid (the others are not yet due).
    assert owes["pts_receivables"] > 0
    assert "unpaid order(s) past due" in owes["reasons"]
    assert "payment(s) made late, 20 days on average" in churn.loc["SLOW", "reasons"]
    assert churn.loc["B01", "pts_receivables"] == 0


def test_rep_gone_from_master_status_setting_or_idle_names_the_rep():
    rows = base_rows() + _orders("M1", every(12, 3, 25), rep="李雷") + _orders("M2", every(12, 3, 25), rep="韩梅")
    rows += _orders("M3", every(30, 200, 6), rep="赵六")  # 赵六 has sold nothing for 200 days
    master = pd.DataFrame([{"customer_key": "M1", "rep": "李雷", "rep_status": "离职"}])
    churn = score(frames_of(rows, customers=master), None, None, S.replace(departed_reps=["韩梅"]), ASOF, "zh")
    assert '业务员 李雷 已离开 (客户档案: "离职")' in churn.loc["M1", "reasons"]
    assert "业务员 韩梅 已离职 (设置: 离职业务员)" in churn.loc["M2", "reasons"]
    assert "业务员 赵六 近 180 天没有任何订单" in churn.loc["M3", "reasons"]
    assert (churn.loc[["M1", "M2", "M3"], "pts_rep"] > 0).all()
    assert churn.loc["B01", "pts_rep"] == 0


def test_manual_flag_is_quoted():
    rows = base_rows() + _orders("FLAG", every(12, 3, 25))
    master = pd.DataFrame([{"customer_key": "FLAG", "manual_flag": "竞争对手报价低 8%"},
                           {"customer_key": "B01", "manual_flag": "否"}])
    churn = score(frames_of(rows, customers=master), None, None, S, ASOF, "en")
    assert 'manual flag: "竞争对手报价低 8%"' in churn.loc["FLAG", "reasons"]
    assert churn.loc["FLAG", "pts_manual"] > 0 and churn.loc["B01", "pts_manual"] == 0


def test_lost_customers_are_high_risk_with_the_reason():
    rows = base_rows() + _orders("GONE", every(20, 400, 10))
    churn = run(rows)
    assert churn.loc["GONE", "lifecycle"] == "Lost"
    assert churn.loc["GONE", "risk_level"] == "High"
    assert churn.loc["GONE", "reasons"].startswith("no order for 400 days (usually every 20 days): Lost")


def test_classify_frame_is_used_for_names_tiers_and_lifecycle():
    rows = base_rows()
    keys = sorted({r["customer_key"] for r in rows})
    customers = pd.DataFrame({"customer_key": keys, "customer_id": [f"ID-{k}" for k in keys],
                              "customer": [f"客户{k}" for k in keys], "tier": "Regular", "lifecycle": "Repeat",
                              "revenue_12m": 100_000.0, "revenue": 200_000.0, "profit": 50_000.0}).set_index(
        "customer_key")
    customers.loc["B03", "lifecycle"] = "Lost"
    churn = run(rows, customers=customers)
    assert churn.loc["B00", "customer_id"] == "ID-B00" and churn.loc["B00", "tier"] == "Regular"
    assert churn.loc["B03", "risk_level"] == "High"
    # Value at stake = 12-month revenue x own margin (50,000 / 200,000); loss = that x risk.
    row = churn.loc["B00"]
    assert row["value_at_stake"] == pytest.approx(25_000)
    assert row["expected_loss"] == pytest.approx(25_000 * row["churn_risk"] / 100)


def test_orders_after_the_asof_date_are_ignored():
    rows = base_rows() + _orders("LATE", every(12, 45, 25))
    later = _orders("LATE", [END + pd.Timedelta(days=5)]) + _orders("FUTURE", [END + pd.Timedelta(days=5)])
    a, b = run(rows), run(rows + later)
    assert "FUTURE" not in b.index
    pd.testing.assert_frame_equal(a, b)


def test_too_little_history_falls_back_to_signals_and_says_so():
    rows = _orders("A", every(10, 50, 5)) + _orders("B", every(10, 2, 5))
    churn = run(rows)
    assert "2 customers" in churn.attrs["note"] and "signals only" in churn.attrs["note"]
    assert "50 days since the last order" in churn.loc["A", "reasons"]
    assert churn.loc["A", "churn_risk"] > churn.loc["B", "churn_risk"]
    # Said once (console, dashboard, data issues), not in every row; P(alive) blank with a note.
    assert not churn["reasons"].str.contains("signals only|BG/NBD").any()
    assert churn["p_alive"].isna().all() and churn["expected_purchases_90"].isna().all()
    assert churn["p_alive_note"].str.startswith("not estimated").all()
    issues = model_issue(churn, "zh")
    assert len(issues) == 1 and issues[0].sheet == "流失预警" and "2 个客户" in run(rows, "zh").attrs["note"]
    assert model_issue(run(base_rows()), "en") == []


def test_contributions_add_up_to_the_risk():
    churn = run(base_rows() + _orders("GONE", every(20, 400, 10)))
    total = churn[[k for k, _, _ in SIGNALS]].sum(axis=1)
    np.testing.assert_allclose(total, churn["churn_risk"], atol=1e-9)


# ---- win-back ----------------------------------------------------------------------------------
def test_winback_ranks_lost_customers_by_value_with_recorded_reason():
    rows = base_rows() + _orders("BIG", every(20, 400, 10), 9_000) + _orders("SMALL", every(20, 300, 10), 100)
    master = pd.DataFrame([{"customer_key": "BIG", "lost_reason": "竞争对手价格更低"},
                           {"customer_key": "SMALL", "lost_reason": "客户搬迁外省"}])
    visits = pd.DataFrame([{"customer_key": "BIG", "visit_date": END - pd.Timedelta(days=100)}])
    frames = frames_of(rows, customers=master, visits=visits)
    churn = score(frames, None, None, S, ASOF, "zh")
    wb = winback(None, churn, frames, S, "zh")
    assert list(wb.columns) == [c.key for c in WINBACK_COLUMNS]
    assert wb.index[0] == "BIG" and list(wb["rank"]) == list(range(1, len(wb) + 1))
    assert wb["winback_worth"].is_monotonic_decreasing  # the churn sheet's Lost-section order
    assert (wb["winback_worth"] == churn.loc[wb.index, "winback_worth"]).all()
    assert wb.loc["BIG", "controllable"] == "可控" and wb.loc["SMALL", "controllable"] == "不可控"
    assert wb.loc["BIG", "last_contact"] == END - pd.Timedelta(days=100)
    others = wb.drop(index=["BIG", "SMALL"])
    assert (others["lost_reason"] == "未记录: 请在客户档案填写流失原因").all()
    assert set(wb.index) == set(churn.index[churn["lifecycle"] == "Lost"])


# ---- invariants ----------------------------------------------------------------------------
@st.composite
def books(draw):
    rng = np.random.default_rng(draw(st.integers(0, 10_000)))
    n = draw(st.integers(1, 25))
    rows = []
    for i in range(n):
        k = int(rng.integers(1, 15))
        ages = np.sort(rng.integers(0, 800, size=k))
        for a in ages:
            rows.append({"customer_key": f"C{i}", "order_date": END - pd.Timedelta(days=int(a)),
                         "amount": float(rng.choice([np.nan, rng.uniform(-50, 5000)], p=[0.1, 0.9])),
                         "profit": float(rng.uniform(-100, 800)) if rng.random() < 0.5 else np.nan,
                         "rep": str(rng.choice(["甲", "乙", None])),
                         "due_date": END - pd.Timedelta(days=int(a) - 30), "paid_date": pd.NaT})
    complaints = pd.DataFrame({"customer_key": [f"C{i}" for i in rng.integers(0, n, size=3)],
                               "received": [END - pd.Timedelta(days=int(d)) for d in rng.integers(0, 500, 3)],
                               "is_open": rng.random(3) < 0.5, "overdue": "Yes", "is_dissatisfied": False})
    day = [END - pd.Timedelta(days=int(d)) for d in rng.integers(0, 400, 4)]
    deliveries = pd.DataFrame({"customer_key": [f"C{i}" for i in rng.integers(0, n, size=4)], "ship_date": day,
                               "promised_date": day, "received_date": [d + pd.Timedelta(days=int(k)) for d, k in
                                                                       zip(day, rng.integers(-2, 5, 4))],
                               "quantity": rng.integers(0, 10, 4), "ordered_qty": 8,
                               "returned_qty": rng.integers(0, 2, 4)})
    master = pd.DataFrame({"customer_key": [f"C{i}" for i in range(n)],
                           "rep_status": rng.choice(["在职", "离职", ""], size=n),
                           "manual_flag": rng.choice(["", "否", "是", "=竞争对手"], size=n),
                           "lost_reason": rng.choice(["", "搬迁", "价格"], size=n)})
    lang = draw(st.sampled_from(["zh", "en"]))
    return rows, complaints, deliveries, master, lang


@hsettings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(books())
def test_every_number_in_range_nothing_blank_and_high_rows_have_reasons(book):
    rows, complaints, deliveries, master, lang = book
    frames = frames_of(rows, deliveries=deliveries, customers=master)
    churn = score(frames, None, complaints, S, ASOF, lang)
    wb = winback(None, churn, frames, S, lang)
    assert wb.notna().all().all() and list(wb["rank"]) == list(range(1, len(wb) + 1))
    assert (wb[["signals", "lost_reason", "controllable"]] != "").all().all()
    assert len(churn) == len({r["customer_key"] for r in rows})
    assert churn["churn_risk"].between(0, 100).all()
    assert churn["p_alive"].dropna().between(0, 1).all()
    assert (churn["expected_loss"] >= 0).all() and (churn["expected_purchases_90"].dropna() >= 0).all()
    blank_ok = {"p_alive", "expected_purchases_90", "winback_worth", "due", "p_alive_note"}
    assert churn[[c.key for c in CHURN_COLUMNS if c.key not in blank_ok]].notna().all().all()
    assert (churn[[c.key for c in CHURN_COLUMNS if c.kind == "text" and c.key not in blank_ok]].astype(str).apply(
        lambda s: s.str.strip() != "")).all().all()
    # P(alive) is blank exactly where the model was not fitted, and then every row says so.
    assert churn["p_alive"].isna().all() == bool(churn.attrs.get("note"))
    assert (churn["p_alive_note"][churn["p_alive"].isna()] != "").all()
    _assert_two_lists(churn)
    lost = churn["lifecycle"] == "Lost"
    contradiction = lost & (churn["p_alive"] >= 0.5)
    assert churn.loc[contradiction, "p_alive_note"].str.contains("Lost|已流失").all()
    none = {"en": "no warning signs", "zh": "无预警信号"}[lang]
    high = churn[churn["risk_level"] == "High"]
    assert (high["reasons"] != none).all() and (high["reasons"].str.len() > 0).all()
    for k, _, _ in SIGNALS:
        assert churn[k].between(0, 100).all()


def test_a_steady_rhythm_broken_counts_more_than_an_irregular_one():
    rng = np.random.default_rng(11)
    steady = every(12, 45, 25)
    gaps = rng.choice([2, 4, 30, 40], size=24)  # same median-ish gap, very irregular
    irregular = sorted(END - pd.Timedelta(days=45 + int(g)) for g in np.cumsum(np.r_[0, gaps]))
    churn = run(base_rows() + _orders("STEADY", steady) + _orders("IRREG", irregular))
    assert churn.loc["STEADY", "pts_overdue"] > churn.loc["IRREG", "pts_overdue"]


def test_risk_levels_follow_the_settings_thresholds():
    rows = base_rows() + _orders("LATE", every(12, 45, 25))
    strict = run(rows, settings=S.replace(risk_high=20, risk_medium=10))
    assert (strict["risk_level"] == np.where(strict["churn_risk"] >= 20, "High",
                                             np.where(strict["churn_risk"] >= 10, "Medium", "Low"))).all()
    assert (strict["risk_level"] == "High").sum() > (run(rows)["risk_level"] == "High").sum()


def test_expected_purchases_and_p_alive_come_from_the_fitted_bgnbd():
    from xlcrm.bgnbd import BGNBD, summary_from_transactions
    rows = base_rows()
    churn = run(rows)
    summ = summary_from_transactions(pd.DataFrame(rows), "customer_key", "order_date", ASOF)
    model = BGNBD()
    model.params_ = churn.attrs["model"]
    x, r, T = summ["frequency"], summ["recency"], summ["T"]
    np.testing.assert_allclose(churn.loc[summ.index, "expected_purchases_90"], model.expected_purchases(90, x, r, T))
    rep = summ[summ["frequency"] > 0].index
    np.testing.assert_allclose(churn.loc[rep, "p_alive"], model.p_alive(x[rep], r[rep], T[rep]))


def test_public_api_is_what_we_meant():
    import xlcrm.bgnbd
    import xlcrm.churn
    assert sorted(xlcrm.churn.__all__) == sorted(["CHURN_COLUMNS", "WINBACK_COLUMNS", "SIGNALS", "score",
                                                  "winback", "churn_cost", "churn_cost_summary", "headline",
                                                  "model_issue"])
    assert sorted(xlcrm.bgnbd.__all__) == ["BGNBD", "summary_from_transactions"]


def test_winback_shows_the_signals_from_when_the_customer_went_quiet():
    # A complaint and an unpaid invoice a month before the last order, 400+ days ago:
    # outside today's 365-day look-back, but exactly what preceded the loss.
    last = END - pd.Timedelta(days=400)
    dates = every(20, 400, 10)
    rows = base_rows() + _orders("GONE", dates[:-1], 5_000) + _orders(
        "GONE", [dates[-1]], 5_000, due_date=last + pd.Timedelta(days=10), paid_date=pd.NaT)
    register = pd.DataFrame([{"customer_key": "GONE", "received": last - pd.Timedelta(days=30),
                              "closed": pd.NaT, "satisfaction": "不满意"}])
    frames = frames_of(rows, complaints=register)
    churn = score(frames, None, None, S, ASOF, "en")
    wb = winback(None, churn, frames, S, "en")
    signals = wb.loc["GONE", "signals"]
    assert "1 complaint(s) in 365 days, 1 still open, 1 follow-up(s) dissatisfied" in signals
    assert "1 unpaid order(s) past due" in signals
    assert "complaint" not in churn.loc["GONE", "warning_signals"]
    one_timers = [k for k in wb.index if k.startswith("O")]
    assert (wb.loc[one_timers, "signals"] == "no warning signs recorded before the loss").all()


def _days_of(tx: pd.DataFrame, end: str) -> pd.DataFrame:
    d = pd.DataFrame({"customer_key": tx["customer"].astype(str), "day": pd.to_datetime(tx["date"]).dt.normalize()})
    return d[d["day"] <= end].drop_duplicates()


def test_weights_trust_the_exact_form_on_bgnbd_data_and_the_rate_form_on_cdnow():
    # lifetimes ships both: example_transactions.csv is simulated from BG/NBD itself, CDNOW is real.
    import os
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import lifetimes
    folder = os.path.join(os.path.dirname(lifetimes.__file__), "datasets")
    ex = pd.read_csv(os.path.join(folder, "example_transactions.csv"))
    cd = pd.read_csv(os.path.join(folder, "CDNOW_sample.txt"), sep=r"\s+", header=None,
                     names=["master", "id", "date", "cds", "amount"])
    cd["date"] = pd.to_datetime(cd["date"].astype(str), format="%Y%m%d")
    sim = score(Frames(orders=pd.DataFrame({"customer_key": ex["id"].astype(str),
                                            "order_date": pd.to_datetime(ex["date"])})),
                None, None, S, dt.date(2014, 8, 31), "en").attrs
    real = score(Frames(orders=pd.DataFrame({"customer_key": cd["id"].astype(str), "order_date": cd["date"],
                                             "amount": cd["amount"]})), None, None, S, dt.date(1997, 9, 30),
                 "en").attrs
    assert sim["backtest"]["calibrated"] and real["backtest"]["calibrated"]
    assert sim["weights"]["exact"] > sim["weights"]["rate"]
    assert real["weights"]["rate"] > real["weights"]["exact"]


# ---- two lists, status, P(alive) that agrees with the lifecycle (issue 13) ------------------------
def _assert_two_lists(churn: pd.DataFrame) -> None:
    """Active customers first by expected loss, then the lost ones by win-back worth."""
    lost = (churn["lifecycle"] == "Lost").to_numpy()
    assert not (np.diff(lost.astype(int)) < 0).any()  # no active row after a lost one
    active, gone = churn[~lost], churn[lost]
    assert active["expected_loss"].is_monotonic_decreasing
    assert gone["winback_worth"].fillna(0).is_monotonic_decreasing
    assert active["winback_worth"].isna().all()


def test_active_customers_at_risk_come_first_then_the_lost_ones_with_a_status():
    rows = base_rows() + _orders("BIG", every(20, 400, 10), 9_000) + _orders("LATE", every(12, 45, 25), 5_000)
    for lang, at_risk, lost in (("en", "At risk", "Lost"), ("zh", "在册预警", "已流失")):
        churn = run(rows, lang)
        _assert_two_lists(churn)
        assert set(churn["status"]) == {at_risk, lost}
        assert (churn["status"] == lost).sum() == (churn["lifecycle"] == "Lost").sum()
        assert churn.index[0] != "BIG" and churn.loc["BIG", "status"] == lost
        # The lost customer worth most sits on top of the lost section: BIG bought 9,000 x 10 in
        # 180 days (a year at least): 90,000 a year at margin 1.
        first_lost = churn[churn["status"] == lost].index[0]
        assert first_lost == "BIG" and churn.loc["BIG", "winback_worth"] == pytest.approx(90_000)


def test_next_step_and_due_follow_the_level_and_the_largest_warning_sign():
    rows = base_rows() + _orders("ANGRY", every(12, 3, 25))
    complaints = pd.DataFrame([
        {"complaint_id": "T1", "customer_key": "ANGRY", "received": END - pd.Timedelta(days=20), "status": "Open",
         "is_open": True, "overdue": "Yes", "is_dissatisfied": True, "closed": pd.NaT, "category": "质量"}])
    churn = run(rows, "zh", complaints=complaints, settings=S.replace(risk_high=15, risk_medium=8))
    row = churn.loc["ANGRY"]
    assert row["risk_level"] == "High" and row["next_step"] == "上门拜访: 处理投诉并回访"
    assert row["due"] == END + pd.Timedelta(days=S.high_risk_within_days)
    low = churn[(churn["risk_level"] == "Low") & (churn["lifecycle"] != "Lost")]
    assert (low["next_step"] == "按常规节奏维护").all() and low["due"].isna().all()
    lost = churn[churn["lifecycle"] == "Lost"]
    worth = lost["winback_worth"] > 0
    assert (lost.loc[worth, "next_step"] == "挽回电话: 了解流失原因").all()
    assert (lost.loc[worth, "due"] == END + pd.Timedelta(days=S.visit_days_lost)).all()


def test_one_time_buyers_p_alive_is_the_share_of_the_book_that_came_back_that_late():
    # 40 customers whose second order came 10, 20, ... 400 days after the first, 40 who ordered
    # once 500 days ago, and two one-time buyers silent 95 (Q1) and 250 (Q2) days. By hand
    # (Kaplan-Meier, each probe leaving the risk set after its own silence): after Q1 leaves,
    # 72 are at risk for the 16 second orders at 100..250, then Q2 leaves and 55 are at risk
    # for the 15 at 260..400. P(come back | silent d) = 1 - S_end / S(d):
    # Q1: 1 - (56/72)(40/55); Q2: 1 - 40/55.
    rows = []
    for i in range(40):
        first = END - pd.Timedelta(days=600)
        rows += _orders(f"R{i:02d}", [first, first + pd.Timedelta(days=10 * (i + 1))])
        rows += _orders(f"N{i:02d}", [END - pd.Timedelta(days=500)])
    rows += _orders("Q1", [END - pd.Timedelta(days=95)]) + _orders("Q2", [END - pd.Timedelta(days=250)])
    churn = run(rows)
    assert churn.loc["Q1", "p_alive"] == pytest.approx(1 - (56 / 72) * (40 / 55))
    assert churn.loc["Q2", "p_alive"] == pytest.approx(1 - 40 / 55)
    assert churn.loc["N00", "p_alive"] == 0.0  # nobody ever came back after 500 days
    assert "second order after 95 days" in churn.loc["Q1", "p_alive_note"]


def test_no_lost_customer_reads_likely_alive_without_a_note_saying_why():
    churn = run(base_rows() + _orders("GONE", every(20, 400, 10)) + _orders("RARE", every(90, 280, 4)))
    lost = churn[churn["lifecycle"] == "Lost"]
    assert len(lost) >= 3
    odd = lost[lost["p_alive"] >= 0.5]
    assert odd["p_alive_note"].str.contains("by the lost rule").all()
    assert (lost.loc[lost["p_alive"] < 0.5, "p_alive_note"].str.contains("lost rule") == False).all()  # noqa: E712


def test_headline_counts_at_risk_and_lost_apart():
    rows = base_rows() + _orders("BIG", every(20, 400, 10), 9_000) + _orders("LATE", every(12, 45, 25), 5_000)
    churn = run(rows, "zh")
    head = headline(churn, S, "zh")
    active_high = (churn["lifecycle"] != "Lost") & (churn["risk_level"] == "High")
    assert head["at_risk"] == active_high.sum() > 0
    assert head["lost"] == (churn["lifecycle"] == "Lost").sum() > 0
    assert head["at_risk_loss"] == pytest.approx(churn.loc[active_high, "expected_loss"].sum())
    assert head["text"] == f"{head['at_risk']} 个在册客户高风险 (预计损失 ¥{head['at_risk_loss']:,.0f}), " \
                           f"{head['lost']} 个已流失"
    en = headline(run(rows, "en"), S, "en")["text"]
    assert re.fullmatch(r"\d+ at risk \(¥[\d,]+ expected loss\), \d+ already lost", en)


# ---- the warning window follows the customer's rhythm (issue 13) -------------------------------
def test_a_quarterly_customer_100_days_after_its_last_order_is_not_high():
    rows = base_rows() + _orders("QTR", every(90, 100, 8), 20_000)
    churn = run(rows)
    row = churn.loc["QTR"]
    assert row["usual_gap_days"] == 90 and row["horizon_days"] == 270
    assert row["risk_level"] != "High", row["reasons"]
    # A fixed 30-day window from the settings sheet makes the same silence alarming.
    fixed = run(rows, settings=S.replace(churn_horizon_days=30)).loc["QTR"]
    assert fixed["horizon_days"] == 30 and fixed["churn_risk"] > row["churn_risk"]


def test_few_orders_borrow_the_rhythm_of_their_tier():
    rows = base_rows() + _orders("TWO", every(200, 10, 2))
    keys = sorted({r["customer_key"] for r in rows})
    customers = pd.DataFrame({"customer_key": keys, "tier": ["Major" if k in ("B00", "B01", "B02", "TWO")
                                                             else "Small" for k in keys]}).set_index("customer_key")
    churn = run(rows, customers=customers)
    steady_major = [churn.loc[k, "usual_gap_days"] for k in ("B00", "B01", "B02")]
    assert churn.loc["TWO", "usual_gap_days"] == pytest.approx(np.median(steady_major), abs=0.05)
    assert churn.loc["TWO", "horizon_days"] == max(30, round(3 * churn.loc["TWO", "usual_gap_days"]))


# ---- the score calibrated on the book's own past (issue 13) ------------------------------------
def test_default_weights_when_the_past_is_too_short_and_it_says_so():
    from xlcrm import churn_score as cs
    churn = run(base_rows(), "zh")
    bt = churn.attrs["backtest"]
    assert not bt["calibrated"] and churn.attrs["weights"] == cs.describe(cs.DEFAULT_WEIGHTS)
    assert bt["text"].startswith("流失风险使用默认权重") and "需要 50 个和 10 个" in bt["text"]
    assert headline(churn, S, "zh")["backtest"] == bt["text"]


def test_fit_recovers_the_weights_of_a_known_logistic_model():
    # Data drawn from a logistic model with known weights; a weak prior lets the data decide.
    from xlcrm import churn_score as cs
    rng = np.random.default_rng(5)
    n = 20_000
    X = pd.DataFrame({c: np.zeros(n) for c in cs.FEATURES})
    X["rate"] = rng.normal(0, 1.5, n)
    X["frequency"] = rng.exponential(1.0, n)
    X["complaints"] = rng.choice([0.0, 0.3], n, p=[0.8, 0.2])
    true = {"intercept": -0.5, "rate": 0.8, "frequency": -0.6, "complaints": 5.0}
    z = true["intercept"] + sum(true[c] * X[c] for c in ("rate", "frequency", "complaints"))
    y = rng.random(n) < 1 / (1 + np.exp(-z))
    w = cs.fit(X, y, prior=1.0)
    for c, v in true.items():
        assert w[c] == pytest.approx(v, abs=0.15), c
    assert w["rep"] == cs.DEFAULT_WEIGHTS["rep"]  # undated: never learnt
    assert cs.fit(X, y, prior=1.0) == w  # deterministic


def test_weights_follow_the_signal_that_came_before_customers_stopped():
    # 120 customers order about every 10 days. Group A stopped after END-60 and B after END-30, each
    # with an open complaint ten days before; group C goes on. Late deliveries are spread over
    # everyone alike. The book's past should weigh complaints above deliveries.
    rows, complaints, deliveries = [], [], []
    rng = np.random.default_rng(2)
    for i in range(120):
        key = f"K{i:03d}"
        group = "A" if i < 30 else "B" if i < 60 else "C"
        stop = {"A": 60, "B": 30, "C": 0}[group]
        ages = np.cumsum(rng.integers(3, 18, size=45)) - 8  # about every 10 days, not like clockwork
        dates = sorted(END - pd.Timedelta(days=int(a)) for a in ages if 0 <= a < 420)
        rows += _orders(key, [d for d in dates if d <= END - pd.Timedelta(days=stop)], 1_000)
        if group != "C":
            complaints.append({"complaint_id": key, "customer_key": key, "received": END - pd.Timedelta(days=stop + 10),
                               "is_open": True, "overdue": "No", "is_dissatisfied": False, "closed": pd.NaT})
        if rng.random() < 0.4:
            day = END - pd.Timedelta(days=int(rng.choice([45, 75])))
            deliveries.append({"customer_key": key, "ship_date": day, "promised_date": day - pd.Timedelta(days=3),
                               "received_date": day + pd.Timedelta(days=2), "quantity": 10, "ordered_qty": 10,
                               "returned_qty": 0})
    churn = run(rows, complaints=pd.DataFrame(complaints), deliveries=pd.DataFrame(deliveries))
    bt, w = churn.attrs["backtest"], churn.attrs["weights"]
    assert bt["calibrated"] and bt["out_of_time"]
    assert w["complaints"] > w["deliveries"]
    assert bt["top_fifth"] > 0.3 and "in its top fifth" in bt["text"]
