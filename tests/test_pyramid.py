"""The value pyramid and ABC classes against the textbook's definitions.

seeds/003_154a3ff00e5abfe2.txt (客户金字塔模型):
  "重要客户是客户金字塔模型中最高层的客户,是指能够给企业带来最大价值的1%的客户。"
  "主要客户 ... 是除重要客户以外给企业带来重大价值的前20%的客户,一般占客户总数的19%。"
  "普通客户 ... 是除重要客户与主要客户之外的为企业创造最大价值的前50%的客户,一般占客户总数的30%。"
  "小客户是客户金字塔模型中最底层的客户,指除了上述三种客户外,剩下的后50%的客户。"
Counts for small n are worked out by hand from ceil() of the cumulative shares
(1%, 20%, 50%) in each test.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from xlcrm.pyramid import abc_classes, assign_tiers, tier_counts
from xlcrm.settings import Settings


@pytest.mark.parametrize(("n", "expected"), [
    # n: Key=ceil(.01n), Key+Major=ceil(.2n), Key+Major+Regular=ceil(.5n) -> per-tier counts
    (0, {"Key": 0, "Major": 0, "Regular": 0, "Small": 0}),
    (1, {"Key": 1, "Major": 0, "Regular": 0, "Small": 0}),      # ceil(.01)=1, ceil(.2)=1, ceil(.5)=1
    (2, {"Key": 1, "Major": 0, "Regular": 0, "Small": 1}),      # 1, ceil(.4)=1, ceil(1)=1
    (3, {"Key": 1, "Major": 0, "Regular": 1, "Small": 1}),      # 1, ceil(.6)=1, ceil(1.5)=2
    (99, {"Key": 1, "Major": 19, "Regular": 30, "Small": 49}),  # 1, ceil(19.8)=20, ceil(49.5)=50
    (100, {"Key": 1, "Major": 19, "Regular": 30, "Small": 50}),  # the textbook's 1/19/30/50 exactly
    (101, {"Key": 2, "Major": 19, "Regular": 30, "Small": 50}),  # ceil(1.01)=2, ceil(20.2)=21, ceil(50.5)=51
])
def test_tier_counts_follow_ceil_of_textbook_shares(n, expected):
    assert tier_counts(n) == expected
    tiers = assign_tiers(list(range(n, 0, -1)))
    assert {t: tiers.count(t) for t in expected} == expected


def test_share_that_is_inexact_in_floating_point_still_gives_the_exact_count():
    # 0.07 * 100 == 7.000000000000001 in binary floating point; the count must be 7, not 8.
    assert tier_counts(100, Settings(tier_key_share=0.07))["Key"] == 7


def test_highest_value_is_key_and_order_follows_value():
    tiers = assign_tiers([5, 500, 50, 1])  # n=4: Key 1, Major ceil(.8)-1=0, Regular ceil(2)-1=1, Small 2
    assert tiers == ["Small", "Key", "Regular", "Small"]  # 500 > 50 > 5 > 1


def test_value_ties_are_broken_by_revenue_then_customer_id():
    # n=3 -> Key, Regular, Small by position. Equal value: higher revenue first.
    assert assign_tiers([10, 10, 10], revenue=[1, 3, 2], ids=["a", "b", "c"]) == ["Small", "Key", "Regular"]
    # Equal value and revenue: customer ID ascending, whole numbers compared as numbers ("9" < "10").
    assert assign_tiers([10, 10, 10], revenue=[5, 5, 5], ids=["10", "9", "A1"]) == ["Regular", "Key", "Small"]


def test_missing_values_get_no_tier_and_do_not_count_in_n():
    # Two values present: n=2 -> Key 1, Small 1.
    assert assign_tiers([None, 3.0, float("nan"), "7"]) == [None, "Small", None, "Key"]


def test_mismatched_lengths_are_refused_with_the_fix_in_the_message():
    with pytest.raises(ValueError, match="one revenue per value"):
        assign_tiers([1, 2], revenue=[1])


def test_abc_by_share_of_value_before_the_customer():
    # total 100: shares before each = 0, .5, .8, .95 -> A, A, B (.8 is not < .8), C (.95 is not < .95)
    assert abc_classes([50, 30, 15, 5]) == ["A", "A", "B", "C"]
    # The top customer is always A, whatever its share.
    assert abc_classes([100, 1]) == ["A", "C"]


def test_abc_equal_values_share_one_class():
    # shares before: 0, .7, .8, .9; the three 10s are tied, so all take the class of the first (A).
    assert abc_classes([70, 10, 10, 10]) == ["A", "A", "A", "A"]
    assert abc_classes([None, 5]) == ["", "A"]


@hsettings(max_examples=100, deadline=None)
@given(values=st.lists(st.one_of(st.integers(-50, 1000), st.sampled_from([0, 10, 10, 100])), min_size=0,
                       max_size=300),
       key=st.floats(0.0, 0.1), major=st.floats(0.0, 0.5), regular=st.floats(0.0, 1.0))
def test_tier_counts_are_ceil_shares_and_tiers_monotone_in_value(values, key, major, regular):
    s = Settings(tier_key_share=key, tier_major_share=major, tier_regular_share=regular)
    tiers = assign_tiers(values, settings=s)
    n = len(values)
    k = math.ceil(round(key * n, 9))
    m = max(k, math.ceil(round(major * n, 9)))
    r = max(m, math.ceil(round(regular * n, 9)))
    assert [tiers.count(t) for t in ("Key", "Major", "Regular", "Small")] == [k, m - k, r - m, n - r]
    order = {"Key": 0, "Major": 1, "Regular": 2, "Small": 3}
    for a, ta in zip(values, tiers):
        for b, tb in zip(values, tiers):
            if a > b:
                assert order[ta] <= order[tb]  # no Small worth more than a Regular, etc.


@hsettings(max_examples=100, deadline=None)
@given(values=st.lists(st.integers(-20, 500), min_size=1, max_size=200))
def test_abc_is_monotone_in_value_and_top_is_a(values):
    classes = abc_classes(values)
    top = max(range(len(values)), key=lambda i: values[i])
    assert classes[top] == "A"
    for a, ca in zip(values, classes):
        for b, cb in zip(values, classes):
            if a > b:
                assert ca <= cb
            if a == b:
                assert ca == cb


def test_excel_ranges_as_xlwings_passes_them_are_accepted():
    # A column range arrives as [[v], [v], ...] with None for empty cells.
    assert assign_tiers([[5.0], [500.0], [None], [50.0]]) == ["Small", "Key", None, "Regular"]
    assert abc_classes([[50.0, 30.0], [15.0, 5.0]]) == ["A", "A", "B", "C"]
