"""Lifecycle classes against the textbook's definitions (seeds/003_154a3ff00e5abfe2.txt):
  "非客户是指那些与企业的产品或服务无关或对企业有敌意,不可能购买企业产品或服务的人群。"
  "潜在客户是指对企业的产品或服务有需求和欲望,并有购买能力,但还没有产生购买行为的人群。"
  "目标客户是企业经过挑选后确定的力图开发为现实客户的人群。"
  "(1)初次购买客户(新客户)是对企业的产品或者服务进行第一次尝试性购买的客户。"
  "(2)重复购买客户是对企业的产品或者服务进行第二次及第二次以上购买的客户。"
  "(3)忠诚客户是对企业的产品或者服务连续不断地、指向性地重复购买的客户。"
  "流失客户是指曾经是企业的客户,但由于种种原因,现在不再购买企业的产品或服务的客户。"
Thresholds are the documented defaults (Loyal: an order in each of the last 4 91-day
quarters and >= 6 orders in 365 days; Lost: > max(180, 3 x median gap) days).
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from xlcrm.lifecycle import lifecycle_of
from xlcrm.settings import Settings

ASOF = dt.date(2025, 6, 30)


def ago(*days: int) -> list[dt.date]:
    return [ASOF - dt.timedelta(days=d) for d in days]


@pytest.mark.parametrize(("status", "code"), [
    ("潜在客户", "Prospect"), ("潜在", "Prospect"), ("意向", "Prospect"), ("Prospect", "Prospect"),
    ("目标客户", "Target"), ("目标", "Target"), ("target", "Target"),
    ("非客户", "Non-customer"), ("无效", "Non-customer"), ("Non-customer", "Non-customer"),
    (None, "Prospect"), ("", "Prospect"),
])
def test_customers_without_orders_take_their_class_from_the_master(status, code):
    got, why = lifecycle_of([], ASOF, status=status)
    assert got == code
    assert "2025-06-30" in why


def test_one_order_is_new_and_never_repeat():
    assert lifecycle_of(ago(10), ASOF)[0] == "New"


def test_two_orders_are_repeat():
    assert lifecycle_of(ago(10, 40), ASOF)[0] == "Repeat"


def test_loyal_needs_every_quarter_and_six_orders_in_twelve_months():
    # days ago 0, 30 -> quarter block 0; 100 -> 1; 190 -> 2; 280, 300 -> 3 (blocks of 91 days)
    code, why = lifecycle_of(ago(0, 30, 100, 190, 280, 300), ASOF)
    assert code == "Loyal" and "6" in why
    assert lifecycle_of(ago(0, 30, 100, 190, 280), ASOF)[0] == "Repeat"  # only 5 orders
    assert lifecycle_of(ago(0, 30, 60, 100, 280, 300), ASOF)[0] == "Repeat"  # block 2 (182-272) empty


def test_quarters_are_91_day_blocks_back_from_asof():
    # 90 days ago is in block 0, 91 in block 1, 363 in block 3, 364 is outside the 4 blocks.
    base = ago(0, 10, 91, 182, 273)
    assert lifecycle_of(base + ago(363), ASOF)[0] == "Loyal"
    code, why = lifecycle_of(ago(0, 10, 20, 91, 182, 364), ASOF)  # block 3 (273-363) empty
    assert code == "Repeat" and "3 of the last 4" in why


def test_lost_after_180_days_for_a_one_order_customer():
    assert lifecycle_of(ago(180), ASOF)[0] == "New"  # not more than 180
    code, why = lifecycle_of(ago(181), ASOF)
    assert code == "Lost" and "181" in why


def test_lost_follows_the_customers_own_rhythm():
    # Orders every 100 days: median gap 100, so lost only after max(180, 3 x 100) = 300 days.
    slow = [250 + 100 * k for k in range(4)]
    assert lifecycle_of(ago(*slow), ASOF)[0] == "Repeat"
    code, why = lifecycle_of(ago(*[301 + 100 * k for k in range(4)]), ASOF)
    assert code == "Lost" and "300" in why and "301" in why
    # A fast buyer (every 10 days) is still lost only after 180 days, not 30.
    fast = [181 + 10 * k for k in range(6)]
    assert lifecycle_of(ago(*fast), ASOF)[0] == "Lost"
    assert lifecycle_of(ago(*[170 + 10 * k for k in range(6)]), ASOF)[0] == "Repeat"


def test_lost_customer_the_master_marks_non_customer_ends_as_non_customer():
    # 003: a lost customer who is not won back becomes a non-customer.
    assert lifecycle_of(ago(400), ASOF, status="非客户")[0] == "Non-customer"
    assert lifecycle_of(ago(10), ASOF, status="非客户")[0] == "New"  # buying now: orders win


def test_orders_after_asof_are_ignored():
    future = [ASOF + dt.timedelta(days=5)]
    assert lifecycle_of(future, ASOF)[0] == "Prospect"
    assert lifecycle_of(ago(10) + future, ASOF)[0] == "New"


def test_why_is_in_the_requested_language():
    _, zh = lifecycle_of(ago(0, 30, 100, 190, 280, 300), ASOF, lang="zh")
    assert "季度" in zh and "6单" in zh


def test_settings_change_the_thresholds():
    s = Settings(lost_min_days=30)
    assert lifecycle_of(ago(31), ASOF, settings=s)[0] == "Lost"
    s = Settings(loyal_quarters=1, loyal_min_orders=2)
    assert lifecycle_of(ago(1, 2), ASOF, settings=s)[0] == "Loyal"


def _reference(days_ago: list[int]) -> str:
    """The documented rules written the plain way (loops, statistics.median) as an oracle."""
    import itertools
    import statistics

    days_ago = [d for d in days_ago if d >= 0]
    if not days_ago:
        return "Prospect"
    distinct = sorted(set(days_ago), reverse=True)  # oldest first
    gaps = [a - b for a, b in itertools.pairwise(distinct)]
    limit = max(180, 3 * statistics.median(gaps)) if gaps else 180
    if min(days_ago) > limit:
        return "Lost"
    if len(days_ago) == 1:
        return "New"
    quarters = {d // 91 for d in days_ago if d < 4 * 91}
    in_year = sum(1 for d in days_ago if d < 365)
    return "Loyal" if len(quarters) == 4 and in_year >= 6 else "Repeat"


@hsettings(max_examples=100, deadline=None)
@given(st.lists(st.integers(-20, 900), max_size=25))
def test_lifecycle_matches_a_plain_reading_of_the_rules(days_ago):
    assert lifecycle_of(ago(*days_ago), ASOF)[0] == _reference(days_ago)


def test_excel_range_of_dates_is_accepted():
    rng = [[dt.datetime(2025, 6, 20)], [dt.datetime(2025, 5, 1)], [None]]
    assert lifecycle_of(rng, ASOF)[0] == "Repeat"
