"""The visit plan (issue 6). Expected dates are counted by hand from the issue's rules
(Key 7 / Major 14 / Regular 30 days on site, Small 90 days by phone, High risk within 7
days, complaint follow-up within 2 working days) and the State Council's 2026 holiday
schedule; invariants (capacity, days off, stop numbers) are checked as properties.
"""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xlcrm import visits
from xlcrm.model import Frames
from xlcrm.settings import Settings
from xlcrm.visits import UNPLACED_COLUMNS, VISIT_COLUMNS, next_visit_date, plan, to_ics
from xlcrm.workdays import WorkCalendar

D = dt.date
ASOF = D(2026, 11, 23)  # a Monday


def _frames(rows, *, visits_log=None, orders=None, master_extra=None):
    """Synthetic inputs in the shapes of the other modules' contracts.

    rows: dicts with key, tier, and optionally rep, region, last_order, lifecycle,
    risk (0-100), level, reasons, lat, lon, address, master_rep, status.
    """
    keys = [r["key"] for r in rows]
    customers = pd.DataFrame({
        "customer_id": keys,
        "customer": [r.get("name", "客户" + r["key"]) for r in rows],
        "rep": [r.get("rep", "张三") for r in rows],
        "region": [r.get("region", "东区") for r in rows],
        "tier": [r.get("tier") for r in rows],
        "lifecycle": [r.get("lifecycle", "Repeat") for r in rows],
        "last_order": pd.to_datetime([r.get("last_order") for r in rows]),
        "status": [r.get("status") for r in rows],
    }, index=pd.Index(keys, name="customer_key"))
    churn = pd.DataFrame({
        "churn_risk": [float(r.get("risk", 10)) for r in rows],
        "risk_level": [r.get("level", "Low") for r in rows],
        "reasons": [r.get("reasons", "") for r in rows],
    }, index=customers.index)
    master = pd.DataFrame({
        "customer_key": keys,
        "customer_name": customers["customer"].values,
        "rep": [r.get("master_rep", r.get("rep", "张三")) for r in rows],
        "region": customers["region"].values,
        "address": [r.get("address", f"{r['key']}路") for r in rows],
        "phone": "13800000000",
        "latitude": [r.get("lat") for r in rows],
        "longitude": [r.get("lon") for r in rows],
        "status": None,
    })
    if master_extra:
        for col, vals in master_extra.items():
            master[col] = vals
    log = None
    if visits_log:
        log = pd.DataFrame(visits_log, columns=["customer_key", "visit_date", "rep", "visit_type"])
        log["visit_date"] = pd.to_datetime(log["visit_date"])
    if orders is None:
        orders = pd.DataFrame({"customer_key": pd.Series(dtype=str), "order_date": pd.Series(dtype="datetime64[ns]")})
    return Frames(orders=orders, customers=master, visits=log), customers, churn


def _plan(rows, *, complaints=None, s=None, asof=ASOF, lang="zh", **kw):
    frames, customers, churn = _frames(rows, **kw)
    return plan(frames, customers, churn, complaints, s or Settings(), asof, lang)


def _dates(p, key):
    return [d.date() for d in p.loc[p["customer_key"] == key, "date"]]


def _complaints(rows):
    df = pd.DataFrame(rows)
    for c in ("received", "closed", "followup_date"):
        df[c] = pd.to_datetime(df.get(c))
    return df


# --------------------------------------------------------------------------- columns and API

def test_public_api_and_columns_are_the_contract():
    assert set(visits.__all__) == {"VISIT_COLUMNS", "UNPLACED_COLUMNS", "plan", "next_visit_date", "to_ics",
                                   "ics_by_rep"}
    assert [(c.en, c.zh) for c in VISIT_COLUMNS][:12] == [
        ("Date", "日期"), ("Sales Rep", "业务员"), ("Stop", "顺序"), ("Customer ID", "客户编号"),
        ("Customer", "客户名称"), ("Tier", "客户等级"), ("Visit Type", "拜访方式"), ("Purpose", "拜访目的"),
        ("Region", "片区"), ("Address", "地址"), ("Phone", "电话"), ("Days Overdue", "逾期天数")]
    coded = {c.key for c in VISIT_COLUMNS if c.coded}
    assert coded == {"tier", "visit_type"}
    p, u = _plan([{"key": "K1", "tier": "Key", "last_order": "2026-11-01"}])
    assert list(p.columns)[:len(VISIT_COLUMNS)] == [c.key for c in VISIT_COLUMNS]
    assert list(u.columns)[:len(UNPLACED_COLUMNS)] == [c.key for c in UNPLACED_COLUMNS]
    assert str(p["date"].dtype).startswith("datetime64")


# --------------------------------------------------------------------------- rhythm and due dates

def test_rhythm_by_tier_from_the_last_logged_visit():
    rows = [{"key": "K", "tier": "Key"}, {"key": "M", "tier": "Major"},
            {"key": "R", "tier": "Regular"}, {"key": "S", "tier": "Small"}]
    log = [("K", "2026-11-20", "张三", "上门"),   # Fri + 7 = Fri 11-27
           ("M", "2026-11-16", "张三", "上门"),   # Mon + 14 = Mon 11-30
           ("R", "2026-11-04", "张三", "上门"),   # Wed + 30 = Fri 12-04
           ("S", "2026-09-01", "张三", "电话")]   # Tue + 90 = Mon 11-30
    p, u = _plan(rows, visits_log=log)
    assert _dates(p, "K") == [D(2026, 11, 27), D(2026, 12, 4), D(2026, 12, 11), D(2026, 12, 18)]
    assert _dates(p, "M") == [D(2026, 11, 30), D(2026, 12, 14)]
    assert _dates(p, "R") == [D(2026, 12, 4)]
    assert _dates(p, "S") == [D(2026, 11, 30)]
    assert u.empty


def test_without_a_visit_log_the_last_order_sets_the_due_date():
    p, _ = _plan([{"key": "M", "tier": "Major", "last_order": "2026-11-18"}])  # Wed + 14 = Wed 12-02
    assert _dates(p, "M")[0] == D(2026, 12, 2)
    assert "上次下单 2026-11-18" in p["purpose"].iloc[0]


def test_the_loop_closes_a_logged_visit_moves_the_next_due_date():
    rows = [{"key": "R", "tier": "Regular", "last_order": "2026-09-01"}]
    before, _ = _plan(rows)
    assert _dates(before, "R") == [ASOF]  # overdue: first working day
    after, _ = _plan(rows, visits_log=[("R", "2026-11-20", "张三", "上门")])
    assert _dates(after, "R") == [D(2026, 12, 18)]  # Fri 11-20 + 30 = Sun 12-20 -> Fri 12-18


def test_a_phone_call_does_not_count_as_an_on_site_visit():
    rows = [{"key": "M", "tier": "Major", "last_order": "2026-09-01"}]
    p, _ = _plan(rows, visits_log=[("M", "2026-11-20", "张三", "电话")])
    assert _dates(p, "M")[0] == ASOF


def test_due_date_on_a_weekend_moves_to_the_previous_working_day():
    p, _ = _plan([{"key": "M", "tier": "Major"}], visits_log=[("M", "2026-11-15", "张三", "上门")])
    # Sun 11-15 + 14 = Sun 11-29 -> Fri 11-27
    assert _dates(p, "M")[0] == D(2026, 11, 27)
    assert p["days_overdue"].iloc[0] == 0


def test_overdue_days_count_from_the_due_date():
    p, _ = _plan([{"key": "R", "tier": "Regular", "last_order": "2026-09-01"}])
    # 09-01 + 30 = 10-01; visited 11-23: 53 days late
    assert p["due_date"].iloc[0].date() == D(2026, 10, 1)
    assert p["days_overdue"].iloc[0] == 53


def test_settings_change_the_rhythm():
    s = Settings(visit_days_major=7)
    p, _ = _plan([{"key": "M", "tier": "Major"}], visits_log=[("M", "2026-11-23", "张三", "上门")], s=s)
    assert _dates(p, "M")[0] == D(2026, 11, 30)


# --------------------------------------------------------------------------- channels and untiered

def test_small_customers_are_phoned_and_tiered_customers_visited():
    rows = [{"key": "S", "tier": "Small", "last_order": "2026-01-01"},
            {"key": "R", "tier": "Regular", "last_order": "2026-01-01"}]
    p, _ = _plan(rows)
    kinds = dict(zip(p["customer_key"], p["visit_type"]))
    assert kinds == {"S": "Phone", "R": "On-site"}
    assert "每 90 天电话联系" in p.loc[p["customer_key"] == "S", "purpose"].iloc[0]
    pe, _ = _plan(rows, lang="en")
    assert "phone every 90 days" in pe.loc[pe["customer_key"] == "S", "purpose"].iloc[0]


def test_untiered_customers_lost_by_phone_target_on_site_prospect_by_phone_non_customer_listed():
    rows = [{"key": "L", "tier": None, "lifecycle": "Lost", "last_order": "2025-01-01"},
            {"key": "T", "tier": None, "lifecycle": "Target"},
            {"key": "P", "tier": None, "lifecycle": "Prospect"},
            {"key": "N", "tier": None, "lifecycle": "Non-customer"}]
    p, u = _plan(rows)
    kinds = dict(zip(p["customer_key"], p["visit_type"]))
    assert kinds == {"L": "Phone", "T": "On-site", "P": "Phone"}
    assert u.empty  # a non-customer is left out by choice, not listed as a problem
    p0, u0 = _plan(rows, s=Settings(visit_days_lost=0, visit_days_prospect=0))
    assert p0.empty and u0.empty


# --------------------------------------------------------------------------- hard deadlines

def test_high_risk_regular_is_visited_within_the_first_week_whatever_its_rhythm():
    rows = [{"key": "H", "tier": "Regular", "risk": 85, "level": "High", "reasons": "45 天未下单"},
            {"key": "L", "tier": "Regular", "risk": 20, "level": "Low"}]
    log = [("H", "2026-11-20", "张三", "上门"), ("L", "2026-11-20", "张三", "上门")]
    p, _ = _plan(rows, visits_log=log)
    first_h = _dates(p, "H")[0]
    assert ASOF <= first_h <= ASOF + dt.timedelta(days=6)
    assert "高风险: 45 天未下单" in p.loc[p["customer_key"] == "H", "purpose"].iloc[0]
    assert _dates(p, "L")[0] == D(2026, 12, 18)  # its rhythm: 11-20 + 30 = Sun 12-20 -> Fri 12-18


def test_high_risk_small_customer_keeps_its_phone_rhythm():
    p, _ = _plan([{"key": "S", "tier": "Small", "level": "High", "risk": 90}],
                 visits_log=[("S", "2026-11-20", "张三", "电话")])
    assert p.empty  # next call due 2027-02-18, beyond the 4-week horizon


def test_key_customer_in_the_first_week_even_if_seen_on_the_as_of_date():
    p, _ = _plan([{"key": "K", "tier": "Key"}], visits_log=[("K", "2026-11-23", "张三", "上门")])
    assert ASOF < _dates(p, "K")[0] <= ASOF + dt.timedelta(days=6)


def test_complaint_follow_up_within_two_working_days_after_resolution():
    rows = [{"key": "R", "tier": "Regular"}]
    log = [("R", "2026-11-18", "张三", "上门")]  # rhythm alone: due 12-18
    comp = _complaints([{"complaint_id": "C-102", "customer_key": "R", "received": "2026-11-10",
                         "status": "closed", "is_open": False, "closed": "2026-11-20",
                         "is_dissatisfied": False, "followup_date": None}])
    p, _ = _plan(rows, visits_log=log, complaints=comp)
    first = _dates(p, "R")[0]
    assert first <= D(2026, 11, 24)  # Fri 11-20 + 2 working days = Tue 11-24
    assert "投诉 C-102 已于 2026-11-20 解决, 回访确认满意" in p["purpose"].iloc[0]


def test_complaint_follow_up_already_made_or_visit_since_needs_no_extra_visit():
    rows = [{"key": "R", "tier": "Regular"}]
    base = {"complaint_id": "C-102", "customer_key": "R", "received": "2026-11-10", "status": "closed",
            "is_open": False, "closed": "2026-11-20", "is_dissatisfied": False}
    done = _complaints([dict(base, followup_date="2026-11-21")])
    p, _ = _plan(rows, visits_log=[("R", "2026-11-18", "张三", "上门")], complaints=done)
    assert _dates(p, "R") == [D(2026, 12, 18)]
    open_ = _complaints([dict(base, followup_date=None)])
    p2, _ = _plan(rows, visits_log=[("R", "2026-11-20", "张三", "上门")], complaints=open_)
    assert _dates(p2, "R") == [D(2026, 12, 18)]  # the visit on the resolution day was the follow-up


def test_dissatisfied_follow_up_brings_another_visit_until_satisfied():
    comp = _complaints([{"complaint_id": "C-7", "customer_key": "R", "received": "2026-11-01",
                         "status": "closed", "is_open": False, "closed": "2026-11-05",
                         "is_dissatisfied": True, "followup_date": "2026-11-19"}])
    p, _ = _plan([{"key": "R", "tier": "Regular"}], visits_log=[("R", "2026-11-19", "张三", "上门")],
                 complaints=comp)
    assert _dates(p, "R")[0] <= D(2026, 11, 23)  # Thu 11-19 + 2 working days = Mon 11-23
    assert "不满意" in p["purpose"].iloc[0]


def test_open_complaint_is_mentioned_on_the_visit():
    comp = _complaints([{"complaint_id": "C-9", "customer_key": "R", "received": "2026-11-20",
                         "status": "open", "is_open": True, "closed": None, "is_dissatisfied": False,
                         "followup_date": None}])
    p, _ = _plan([{"key": "R", "tier": "Regular", "last_order": "2026-09-01"}], complaints=comp)
    assert "投诉 C-9 处理中" in p["purpose"].iloc[0]


# --------------------------------------------------------------------------- capacity and priority

def test_capacity_most_important_slip_least_tier_first():
    s = Settings(visits_per_day=1, plan_days=1)
    rows = [{"key": "M", "tier": "Major", "last_order": "2026-10-01"},
            {"key": "R", "tier": "Regular", "last_order": "2026-03-01"}]
    p, u = _plan(rows, s=s)
    assert list(p["customer_key"]) == ["M"]
    assert list(u["customer_key"]) == ["R"] and "没有空位" in u["reason"].iloc[0]


def test_capacity_then_overdue_days_then_risk():
    s = Settings(visits_per_day=1, plan_days=1)
    rows = [{"key": "A", "tier": "Regular", "last_order": "2026-10-01"},
            {"key": "B", "tier": "Regular", "last_order": "2026-06-01", "risk": 30}]
    p, _ = _plan(rows, s=s)
    assert list(p["customer_key"]) == ["B"]
    rows = [{"key": "A", "tier": "Regular", "last_order": "2026-06-01", "risk": 20, "level": "Low"},
            {"key": "B", "tier": "Regular", "last_order": "2026-06-01", "risk": 60, "level": "Medium"}]
    p, _ = _plan(rows, s=s)
    assert list(p["customer_key"]) == ["B"]


def test_hard_deadlines_beyond_capacity_are_listed_and_keys_win():
    s = Settings(visits_per_day=2)
    # 5 working days in the first week x 2 = 10 slots; 6 Keys + 6 High-risk Regulars
    rows = [{"key": f"K{i}", "tier": "Key", "last_order": "2026-11-01"} for i in range(6)]
    rows += [{"key": f"H{i}", "tier": "Regular", "level": "High", "risk": 80, "last_order": "2026-11-20"}
             for i in range(6)]
    p, u = _plan(rows, s=s)
    week = p[p["date"] <= pd.Timestamp(ASOF + dt.timedelta(days=6))]
    assert {f"K{i}" for i in range(6)} <= set(week["customer_key"])
    assert len(set(week["customer_key"]) & {f"H{i}" for i in range(6)}) == 4
    late = u[u["reason"].str.contains("容量不足")]
    assert len(late) == 2 and set(late["customer_key"]) <= {f"H{i}" for i in range(6)}
    assert p.groupby(["rep", "date"]).size().max() <= 2


def test_national_day_no_visit_on_a_day_off_and_make_up_saturday_used():
    s = Settings(visits_per_day=2, plan_days=14)
    rows = [{"key": f"R{i:02d}", "tier": "Regular", "last_order": "2026-06-01"} for i in range(30)]
    p, _ = _plan(rows, s=s, asof=D(2026, 9, 28))
    days = set(p["date"].dt.date)
    assert not days & {D(2026, 10, d) for d in range(1, 8)}
    assert D(2026, 10, 10) in days  # make-up Saturday is a working day
    assert days <= set(WorkCalendar().workdays_between(D(2026, 9, 28), D(2026, 10, 11)))


def test_holidays_and_workdays_from_the_settings_sheet_are_respected():
    s, _ = Settings.from_mapping({"节假日": "2026-11-25", "调休工作日": "2026-11-28", "每人每日拜访数": 1,
                                  "计划天数": 7})
    rows = [{"key": f"R{i}", "tier": "Regular", "last_order": "2026-06-01"} for i in range(10)]
    p, _ = _plan(rows, s=s)
    days = set(p["date"].dt.date)
    assert D(2026, 11, 25) not in days and D(2026, 11, 28) in days


# --------------------------------------------------------------------------- rep, route, stops

def test_own_rep_master_first_then_most_recent_order_rep():
    orders = pd.DataFrame({"customer_key": ["A", "A", "B"], "order_date": pd.to_datetime(
        ["2026-01-01", "2026-06-01", "2026-06-01"]), "rep": ["老王", "小李", "老王"]})
    rows = [{"key": "A", "tier": "Regular", "rep": "旧", "master_rep": None, "last_order": "2026-06-01"},
            {"key": "B", "tier": "Regular", "rep": "旧", "master_rep": "赵六", "last_order": "2026-06-01"}]
    p, _ = _plan(rows, orders=orders)
    assert dict(zip(p["customer_key"], p["rep"])) == {"A": "小李", "B": "赵六"}


def test_departed_or_missing_rep_is_listed_with_the_reason():
    rows = [{"key": "A", "tier": "Regular", "master_rep": "老王", "last_order": "2026-06-01"},
            {"key": "B", "tier": "Regular", "master_rep": "小李", "last_order": "2026-06-01"},
            {"key": "C", "tier": "Regular", "master_rep": "", "rep": None, "last_order": "2026-06-01"}]
    p, u = _plan(rows, s=Settings(departed_reps=["老王"]),
                 master_extra={"rep_status": ["在职", "离职", "在职"]})
    # No active rep anywhere: still planned (issue 11: real exports rarely carry a rep), for
    # 未分配 / Unassigned, each with the reason and the fix.
    assert u.empty and set(p["rep"]) == {"未分配"} and set(p["customer_key"]) == {"A", "B", "C"}
    reasons = dict(zip(p["customer_key"], p["purpose"]))
    assert "老王 已离职" in reasons["A"] and "小李 已离职" in reasons["B"] and "没有业务员" in reasons["C"]


def test_a_departed_reps_customers_are_covered_by_a_colleague_in_the_same_region():
    """DOMAIN.md 4: reps who leave take customers with them; those customers need visits
    most. The active rep with the most customers in the region covers, and says so."""
    rows = [{"key": "K", "tier": "Key", "master_rep": "老王", "region": "西区", "last_order": "2026-11-01"},
            {"key": "W1", "tier": "Regular", "master_rep": "小李", "region": "西区", "last_order": "2026-06-01"},
            {"key": "W2", "tier": "Regular", "master_rep": "小李", "region": "西区", "last_order": "2026-06-01"},
            {"key": "E1", "tier": "Regular", "master_rep": "赵六", "region": "东区", "last_order": "2026-06-01"}]
    p, u = _plan(rows, s=Settings(departed_reps=["老王"]))
    k = p[p["customer_key"] == "K"]
    assert set(k["rep"]) == {"小李"}
    assert (k["date"].dt.date < ASOF + dt.timedelta(days=7)).any()  # a Key customer in the first week
    assert "原业务员 老王 已离职, 由 小李 代访" in k["purpose"].iloc[0]
    assert "K" not in set(u["customer_key"])


def test_route_groups_regions_and_follows_the_shortest_path():
    # one rep, one day: east region on a west-east line, west region further away
    lon = {"E1": 121.10, "E2": 121.30, "E3": 121.20, "W1": 120.50, "W2": 120.60}
    rows = [{"key": k, "tier": "Regular", "last_order": "2026-06-01", "region": "东区" if k[0] == "E" else "西区",
             "lat": 31.0, "lon": v} for k, v in lon.items()]
    p, _ = _plan(rows, s=Settings(plan_days=1))
    order = list(p.sort_values("stop")["customer_key"])
    assert list(p.sort_values("stop")["stop"]) == [1, 2, 3, 4, 5]
    # the optimum on a line visits the points in longitude order (one way or the other)
    assert order in (["W1", "W2", "E1", "E3", "E2"], ["E2", "E3", "E1", "W2", "W1"])


def test_route_without_coordinates_by_region_and_address_then_calls():
    rows = [{"key": "A", "tier": "Regular", "region": "西区", "address": "b路", "last_order": "2026-06-01"},
            {"key": "B", "tier": "Regular", "region": "东区", "address": "z路", "last_order": "2026-06-01"},
            {"key": "C", "tier": "Small", "region": "东区", "address": "a路", "last_order": "2025-06-01"},
            {"key": "D", "tier": "Regular", "region": "东区", "address": "c路", "last_order": "2026-06-01"}]
    p, _ = _plan(rows, s=Settings(plan_days=1))
    assert list(p.sort_values("stop")["customer_key"]) == ["D", "B", "A", "C"]


# --------------------------------------------------------------------------- purpose

def test_purpose_explains_the_visit_and_lists_seed_004_checks():
    rows = [{"key": "K", "tier": "Key", "lifecycle": "New", "level": "Medium", "risk": 50}]
    orders = pd.DataFrame({"customer_key": ["K"], "order_date": pd.to_datetime(["2026-11-10"]),
                           "rep": ["张三"], "due_date": pd.to_datetime(["2026-11-15"]), "paid_date": pd.NaT})
    p, _ = _plan(rows, orders=orders, visits_log=[("K", "2026-11-17", "张三", "上门")])
    text = p["purpose"].iloc[0]
    assert text.startswith("重要客户, 每 7 天上门; 上次拜访 2026-11-17")
    for item in ("核对交易", "调整订货量", "培训", "核对票据", "新业务"):
        assert item in text


# --------------------------------------------------------------------------- next_visit_date

def test_next_visit_date_udf_rules():
    assert next_visit_date(D(2026, 11, 10), "Major", "Low", ASOF) == D(2026, 11, 24)
    assert next_visit_date(D(2026, 11, 20), "普通客户", "高", ASOF) == ASOF  # High risk: now
    assert next_visit_date(None, "Small", None, ASOF) == ASOF
    # Key seen 09-24: due Thu 10-01 (National Day) -> Wed 09-30
    assert next_visit_date(D(2026, 9, 24), "Key", "Low", D(2026, 9, 25)) == D(2026, 9, 30)
    # overdue during the holiday: the first working day after it
    assert next_visit_date(D(2026, 9, 1), "Regular", "Low", D(2026, 10, 2)) == D(2026, 10, 8)
    with pytest.raises(ValueError, match="not a date"):
        next_visit_date(D(2026, 9, 1), "Key", None, "soon")


# --------------------------------------------------------------------------- determinism

def test_same_inputs_same_plan():
    rows = [{"key": f"C{i}", "tier": ["Key", "Major", "Regular", "Small"][i % 4], "last_order": "2026-08-01",
             "lat": 31 + i / 100, "lon": 121 + (i % 7) / 50, "region": "东西"[i % 2]} for i in range(40)]
    a = _plan(rows)
    b = _plan(list(reversed(rows)))
    pd.testing.assert_frame_equal(a[0], b[0])
    pd.testing.assert_frame_equal(a[1], b[1])


# --------------------------------------------------------------------------- ics

def _strict_ics_lines(text: str) -> list[str]:
    """RFC 5545 3.1 line rules; returns the unfolded content lines."""
    raw = text.encode("utf-8")
    assert raw.endswith(b"\r\n") and b"\n" not in raw.replace(b"\r\n", b"")
    physical = raw.split(b"\r\n")[:-1]
    assert all(len(line) <= 75 for line in physical)
    for line in physical:
        line.decode("utf-8")  # folding never splits a character
    unfolded: list[str] = []
    for line in physical:
        s = line.decode("utf-8")
        if s.startswith(" "):
            unfolded[-1] += s[1:]
        else:
            unfolded.append(s)
    assert all(re.match(r"^[A-Z-]+(;[A-Z-]+=[^:;]+)*:", u) for u in unfolded)
    return unfolded


def _unescape(v: str) -> str:
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), v)


def test_ics_is_strict_rfc5545_and_round_trips_special_characters():
    rows = [{"key": "K", "tier": "Key", "name": "华东, 五金; 公司\\总部\n二部", "address": "上海市" + "长" * 40 + "路1号",
             "last_order": "2026-11-01"},
            {"key": "S", "tier": "Small", "last_order": "2025-01-01"},
            {"key": "X", "tier": "Regular", "rep": "李四", "master_rep": "李四", "last_order": "2026-01-01"}]
    p, _ = _plan(rows)
    text = to_ics(p, "张三", lang="zh", asof=ASOF)
    lines = _strict_ics_lines(text)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    mine = p[p["rep"] == "张三"]
    assert sum(line == "BEGIN:VEVENT" for line in lines) == len(mine)
    assert all(line == "DTSTAMP:20261123T000000Z" for line in lines if line.startswith("DTSTAMP"))
    starts = [line.split(":")[1] for line in lines if line.startswith("DTSTART;VALUE=DATE:")]
    assert starts == [d.strftime("%Y%m%d") for d in mine.sort_values(["date", "stop"])["date"]]
    summary = next(line for line in lines if line.startswith("SUMMARY:") and "华东" in line)
    assert _unescape(summary[len("SUMMARY:"):]).endswith("华东, 五金; 公司\\总部\n二部")
    uids = [line for line in lines if line.startswith("UID:")]
    assert len(set(uids)) == len(uids)
    assert to_ics(p, "张三", lang="zh", asof=ASOF) == text  # deterministic
    assert visits.ics_by_rep(p, lang="zh", asof=ASOF) == {"张三": text, "李四": to_ics(p, "李四", lang="zh", asof=ASOF)}


def test_ics_parses_with_the_icalendar_package():
    icalendar = pytest.importorskip("icalendar")
    rows = [{"key": "K", "tier": "Key", "name": "华东, 五金; 公司", "last_order": "2026-11-01"}]
    p, _ = _plan(rows)
    cal = icalendar.Calendar.from_ical(to_ics(p, "张三", lang="zh", asof=ASOF).encode("utf-8"))
    events = cal.walk("VEVENT")
    assert len(events) == len(p)
    first = events[0]
    assert first.decoded("DTSTART") == p["date"].iloc[0].date()
    assert str(first["SUMMARY"]).endswith("华东, 五金; 公司")
    assert "重要客户" in str(first["DESCRIPTION"])


# --------------------------------------------------------------------------- invariants

TIERS = st.sampled_from(["Key", "Major", "Regular", "Small", None])


@st.composite
def customer_sets(draw):
    n = draw(st.integers(1, 25))
    rows = []
    for i in range(n):
        tier = draw(TIERS)
        level = draw(st.sampled_from(["High", "Medium", "Low"]))
        located = draw(st.booleans())
        rows.append({
            "key": f"C{i:02d}", "tier": tier, "rep": draw(st.sampled_from(["张三", "李四"])),
            "region": draw(st.sampled_from(["东区", "西区", "南区"])),
            "lifecycle": "Repeat" if tier else draw(st.sampled_from(["Lost", "Prospect", "Target"])),
            "last_order": (D(2026, 1, 1) + dt.timedelta(days=draw(st.integers(0, 330)))).isoformat(),
            "risk": {"High": 80, "Medium": 50, "Low": 10}[level], "level": level,
            "lat": 31 + draw(st.floats(0, 0.5)) if located else None,
            "lon": 121 + draw(st.floats(0, 0.5)) if located else None,
        })
    for r in rows:
        r["master_rep"] = r["rep"]
    cap = draw(st.integers(1, 6))
    asof = D(2026, 9, 1) + dt.timedelta(days=draw(st.integers(0, 120)))
    owed = [r["key"] for r in rows if draw(st.integers(0, 4)) == 0]
    complaints = [{"complaint_id": f"T-{k}", "customer_key": k, "received": asof - dt.timedelta(days=20),
                   "status": "closed", "is_open": False,
                   "closed": asof - dt.timedelta(days=draw(st.integers(0, 10))),
                   "is_dissatisfied": False, "followup_date": None} for k in owed]
    return rows, cap, asof, complaints


@given(customer_sets())
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_plan_invariants_capacity_days_off_stops_first_week(case):
    rows, cap, asof, owed = case
    s = Settings(visits_per_day=cap)
    p, u = _plan(rows, s=s, asof=asof, complaints=_complaints(owed) if owed else None)
    cal = WorkCalendar()
    horizon = asof + dt.timedelta(days=s.plan_days - 1)
    # capacity never exceeded; only working days; inside the horizon
    assert p.groupby(["rep", "date"]).size().max() <= cap if len(p) else True
    assert all(cal.is_workday(d) and asof <= d <= horizon for d in p["date"].dt.date)
    # stops 1..k per rep and day; a customer at most once a day
    for _, day in p.groupby(["rep", "date"]):
        assert sorted(day["stop"]) == list(range(1, len(day) + 1))
        assert day["customer_key"].is_unique
    # Small by phone, Key/Major/Regular on site
    tiers = dict(zip(p["customer_key"], p["tier"]))
    for key, kind in zip(p["customer_key"], p["visit_type"]):
        if tiers[key] == "Small":
            assert kind == "Phone"
        elif tiers[key] in ("Key", "Major", "Regular"):
            assert kind == "On-site"
    # every Key and High-risk Key/Major/Regular customer in the first week, or listed as late
    # (when the first 7 days are all off, as from 1 October, the first working day counts)
    week_end = max(asof + dt.timedelta(days=6), cal.next_workday(asof))
    seen = set(p.loc[p["date"].dt.date <= week_end, "customer_key"])
    listed = set(u["customer_key"])
    for r in rows:
        if r["tier"] == "Key" or (r["level"] == "High" and r["tier"] in ("Key", "Major", "Regular")):
            assert r["key"] in seen or r["key"] in listed
    # when the first week has room for all of them (and the complaint follow-ups), none is missing
    for rep in ("张三", "李四"):
        must = [r for r in rows if r["rep"] == rep and (r["tier"] == "Key" or (
            r["level"] == "High" and r["tier"] in ("Key", "Major", "Regular")))]
        extra = {c["customer_key"] for c in owed} & {r["key"] for r in rows if r["rep"] == rep and r not in must}
        if len(must) + len(extra) <= cap * len(cal.workdays_between(asof, week_end)):
            assert {r["key"] for r in must} <= seen
    # a complaint follow-up still owed is planned or listed
    planned = set(p["customer_key"])
    for c in owed:
        assert c["customer_key"] in planned or c["customer_key"] in listed


def test_next_visit_date_takes_excel_serial_dates_as_xlwings_passes_them():
    # Excel serial 46336 is 2026-11-10 (days since 1899-12-30)
    assert next_visit_date(46336.0, "Major", None, 46349.0) == D(2026, 11, 24)
    assert next_visit_date(None, "Key", None, dt.datetime(2026, 11, 23)) == ASOF


def test_visits_and_orders_after_the_as_of_date_are_ignored():
    orders = pd.DataFrame({"customer_key": ["A", "A"], "order_date": pd.to_datetime(["2026-10-01", "2026-12-01"]),
                           "rep": ["老王", "小李"]})
    rows = [{"key": "A", "tier": "Regular", "master_rep": None}]
    p, _ = _plan(rows, orders=orders, visits_log=[("A", "2026-11-30", "小李", "上门")])
    assert p["rep"].iloc[0] == "老王"
    # the last contact is the October order (the December order and the November 30 visit are after as-of)
    assert p["last_contact"].iloc[0].date() == D(2026, 10, 1)
    assert p["due_date"].iloc[0].date() == D(2026, 10, 31) and p["date"].iloc[0].date() == ASOF


def test_complaint_flags_as_yes_no_codes_are_read_as_flags():
    comp = _complaints([{"complaint_id": "C-1", "customer_key": "R", "received": "2026-11-01", "status": "closed",
                         "is_open": "No", "closed": "2026-11-05", "is_dissatisfied": "是",
                         "followup_date": "2026-11-19"}])
    p, _ = _plan([{"key": "R", "tier": "Regular"}], visits_log=[("R", "2026-11-19", "张三", "上门")],
                 complaints=comp)
    assert "回访不满意" in p["purpose"].iloc[0]
    comp.loc[0, "is_dissatisfied"] = "否"
    p, _ = _plan([{"key": "R", "tier": "Regular"}], visits_log=[("R", "2026-11-19", "张三", "上门")],
                 complaints=comp)
    assert _dates(p, "R") == [D(2026, 12, 18)]


def test_lost_customer_rhythm_comes_from_its_own_setting():
    rows = [{"key": "L", "tier": None, "lifecycle": "Lost", "last_order": "2026-05-01"}]
    log = [("L", "2026-11-02", "张三", "电话回访")]
    p, _ = _plan(rows, visits_log=log, s=Settings(visit_days_lost=21))
    assert _dates(p, "L") == [D(2026, 11, 23), D(2026, 12, 14)]  # Mon 11-02 + 21 = Mon 11-23, then + 21
    assert p["visit_type"].eq("Phone").all()
    assert "流失客户, 每 21 天电话回访" in p["purpose"].iloc[0]


def test_stops_without_coordinates_follow_their_region():
    rows = [{"key": "E1", "tier": "Regular", "region": "东区", "lat": 31.0, "lon": 121.3, "last_order": "2026-06-01"},
            {"key": "E2", "tier": "Regular", "region": "东区", "lat": 31.0, "lon": 121.4, "last_order": "2026-06-01"},
            {"key": "EX", "tier": "Regular", "region": "东区", "last_order": "2026-06-01"},
            {"key": "W1", "tier": "Regular", "region": "西区", "lat": 31.0, "lon": 120.5, "last_order": "2026-06-01"},
            {"key": "NX", "tier": "Regular", "region": "北区", "last_order": "2026-06-01"}]
    p, _ = _plan(rows, s=Settings(plan_days=1))
    order = list(p.sort_values("stop")["customer_key"])
    regions = list(p.sort_values("stop")["region"])
    # each region's stops are consecutive; the unlocated east stop comes right after the located ones
    assert [r for i, r in enumerate(regions) if i == 0 or regions[i - 1] != r] == list(dict.fromkeys(regions))
    assert order.index("EX") == max(order.index("E1"), order.index("E2")) + 1
    assert order[-1] == "NX"


def test_ics_text_escaping_and_folding_follow_rfc5545_examples():
    from xlcrm.ics import escape_text, fold
    # RFC 5545 3.8.1.5 DESCRIPTION example value, escaped as the RFC shows it
    assert escape_text("Meeting to provide technical review for \"Phoenix\" design.\nHappy Face Conference Room. "
                       "Phoenix design team MUST attend this meeting.\nRSVP to team leader.") == (
        "Meeting to provide technical review for \"Phoenix\" design.\\nHappy Face Conference Room. "
        "Phoenix design team MUST attend this meeting.\\nRSVP to team leader.")
    assert escape_text("a,b;c\\d") == "a\\,b\\;c\\\\d"
    line = "DESCRIPTION:" + "客户拜访计划" * 30
    folded = fold(line).split("\r\n")
    assert all(len(part.encode()) <= 75 for part in folded)
    assert all(part.startswith(" ") for part in folded[1:])
    assert folded[0] + "".join(part[1:] for part in folded[1:]) == line


def test_complaint_answered_without_a_date_needs_no_visit_but_an_unhappy_answer_does():
    # complaints.track sets followed_up when a satisfaction answer is recorded, dated or not
    base = {"complaint_id": "C-5", "customer_key": "R", "received": "2026-11-01", "status": "closed",
            "is_open": False, "closed": "2026-11-18", "followup_date": None, "followed_up": True}
    rows = [{"key": "R", "tier": "Regular"}]
    log = [("R", "2026-11-16", "张三", "上门")]  # rhythm alone: Mon 11-16 + 30 = Wed 12-16
    happy = _complaints([dict(base, is_dissatisfied=False)])
    p, _ = _plan(rows, visits_log=log, complaints=happy)
    assert _dates(p, "R") == [D(2026, 12, 16)]
    unhappy = _complaints([dict(base, is_dissatisfied=True)])
    p, _ = _plan(rows, visits_log=log, complaints=unhappy)
    assert _dates(p, "R")[0] == ASOF  # Wed 11-18 + 2 working days = Fri 11-20, already past: at once
    assert "投诉 C-5 回访不满意" in p["purpose"].iloc[0]


def test_fill_in_classes_take_free_slots_only_and_are_not_listed_when_none_are_left():
    s = Settings(visits_per_day=1, plan_days=1)
    rows = [{"key": "R", "tier": "Regular", "last_order": "2026-06-01"},
            {"key": "L", "tier": None, "lifecycle": "Lost", "last_order": "2025-01-01"},
            {"key": "S", "tier": "Small", "last_order": "2025-06-01"}]
    p, u = _plan(rows, s=s)
    assert list(p["customer_key"]) == ["R"]
    assert list(u["customer_key"]) == ["S"]  # the Small customer is owed a call; the Lost one is fill-in


def test_swapped_latitude_and_longitude_are_read_the_right_way_round():
    lon = {"E1": 121.10, "E2": 121.30, "E3": 121.20}
    rows = [{"key": k, "tier": "Regular", "last_order": "2026-06-01", "lat": v, "lon": 31.0} for k, v in lon.items()]
    p, _ = _plan(rows, s=Settings(plan_days=1))
    assert list(p.sort_values("stop")["customer_key"]) in (["E1", "E3", "E2"], ["E2", "E3", "E1"])
