"""Satisfaction: the textbook's five-level survey scale and the index c = b / a (DOMAIN.md 7).

Levels and their order are the survey of seed 003 (高度满意, 一般满意, 无意见, 有些不满意,
极不满意); the index is seed 000's c = b / a (b perceived experience, a expectation).
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given, strategies as st

from xlcrm.satisfaction import DISSATISFIED, LEVELS, level_label, level_score, satisfaction_index, \
    satisfaction_level

SEED_003_SCALE = ["高度满意", "一般满意", "无意见", "有些不满意", "极不满意"]
ENGLISH = ["Highly satisfied", "Satisfied", "Neutral", "Somewhat dissatisfied", "Very dissatisfied"]


def test_the_five_levels_of_seed_003_in_order_best_first():
    assert [level_label(c, "zh") for c in LEVELS] == SEED_003_SCALE
    assert [satisfaction_level(w) for w in SEED_003_SCALE] == ENGLISH
    assert [satisfaction_level(w) for w in ENGLISH] == ENGLISH
    assert [level_score(c) for c in ENGLISH] == [5, 4, 3, 2, 1]


@pytest.mark.parametrize("answer, level", [
    (5, "Highly satisfied"), (4.0, "Satisfied"), ("3", "Neutral"), ("2分", "Somewhat dissatisfied"),
    ("1/5", "Very dissatisfied"), ("4.0", "Satisfied"),
    ("满意", "Satisfied"), ("非常满意", "Highly satisfied"), ("不满意", "Somewhat dissatisfied"),
    ("非常不满意", "Very dissatisfied"), ("一般", "Neutral"), ("客户表示很不满意", "Very dissatisfied"),
    (" very satisfied ", "Highly satisfied"), ("DISSATISFIED", "Somewhat dissatisfied"),
    (None, None), ("", None), (float("nan"), None), (0, None), (6, None), (2.5, None), (float("inf"), None), ("-1", None),
    ("=1+1", None), ("已回访", None), (True, None),
])
def test_answers_as_typed_in_registers_map_to_one_of_five_levels(answer, level):
    assert satisfaction_level(answer) == level


def test_the_two_dissatisfied_levels_are_haiers_dissatisfaction():
    assert DISSATISFIED == {satisfaction_level("有些不满意"), satisfaction_level("极不满意")}
    assert {satisfaction_level(s) for s in (1, 2)} == DISSATISFIED


@pytest.mark.parametrize("b, a, c", [(4, 5, 0.8), (5, 4, 1.25), ("3", "3", 1.0), (0, 5, 0.0)])
def test_satisfaction_index_is_perception_over_expectation(b, a, c):
    assert satisfaction_index(b, a) == pytest.approx(c)


@pytest.mark.parametrize("b, a", [(4, 0), (4, None), (None, 5), ("abc", 5), (4, -1), (float("nan"), 5)])
def test_satisfaction_index_is_nan_without_both_scores_or_a_positive_expectation(b, a):
    assert math.isnan(satisfaction_index(b, a))


@given(st.one_of(st.none(), st.integers(-5, 10), st.floats(allow_nan=True), st.text(max_size=8)))
def test_any_answer_gives_a_level_or_none(answer):
    assert satisfaction_level(answer) in set(LEVELS) | {None}
