"""RFM scores (quintiles by rank) and the eight widely used RFM segments.

The segments, as the issue states them (R, F, M each High/Low against its mean):
重要价值(HHH), 重要发展(HLH), 重要保持(LHH), 重要挽留(LLH), 一般价值(HHL), 一般发展(HLL),
一般保持(LHL), 一般挽留(LLL). Expected scores are worked out by hand from
score = floor(5 x (rank - 1) / n) + 1 with tied values taking the lowest rank.
"""

from __future__ import annotations

import pandas as pd
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from xlcrm import i18n
from xlcrm.rfm import SEGMENTS, quintile_scores, rfm_scores


def test_segment_table_is_the_published_mapping():
    zh = {k: i18n.VALUES[v] for k, v in SEGMENTS.items()}
    H, L = True, False
    assert zh == {(H, H, H): "重要价值客户", (H, L, H): "重要发展客户", (L, H, H): "重要保持客户",
                  (L, L, H): "重要挽留客户", (H, H, L): "一般价值客户", (H, L, L): "一般发展客户",
                  (L, H, L): "一般保持客户", (L, L, L): "一般挽留客户"}


def test_five_distinct_values_get_one_score_each():
    assert quintile_scores([10, 50, 30, 20, 40]).tolist() == [1, 5, 3, 2, 4]
    # ten values: two per score
    assert quintile_scores(range(10)).tolist() == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]


def test_recency_fewer_days_is_better():
    assert quintile_scores([0, 10, 20, 30, 40], higher_is_better=False).tolist() == [5, 4, 3, 2, 1]


def test_ties_get_the_same_score_deterministically():
    # ranks (min) 1,1,1,4,5 of n=5 -> floor(0)+1, .., floor(15/5)+1=4, floor(20/5)+1=5
    assert quintile_scores([1, 1, 1, 2, 5]).tolist() == [1, 1, 1, 4, 5]
    assert quintile_scores([7, 7, 7]).tolist() == [1, 1, 1]


def test_single_customer_scores_one_and_is_not_above_the_mean():
    out = rfm_scores([3], [2], [100.0])
    assert out.loc[0, ["r", "f", "m"]].tolist() == [1, 1, 1]
    assert out.loc[0, "rfm"] == "111" and out.loc[0, "segment"] == "General Win-back"


def test_two_customers_hand_worked_segments():
    # A: recent, one order, big spend; B: long ago, many orders, small spend. n=2:
    # better of two gets floor(5*1/2)+1 = 3, worse gets 1; the means are 2.
    out = rfm_scores(pd.Series([5, 200], index=["A", "B"]), [1, 9], [9000.0, 100.0])
    assert out.loc["A", "rfm"] == "313" and out.loc["A", "segment"] == "Important Development"  # H L H
    assert out.loc["B", "rfm"] == "131" and out.loc["B", "segment"] == "General Retention"  # L H L


def test_missing_input_gets_no_score_and_is_left_out_of_ranks():
    out = rfm_scores([1, None, 3], [2, 2, 1], [5, 5, 1])
    assert out["rfm"].tolist()[1] == "" and pd.isna(out["r"].iloc[1])
    assert out["r"].iloc[0] == 3  # n=2 among complete rows


@hsettings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 400), st.integers(1, 30), st.floats(0, 1e6)), min_size=1, max_size=200))
def test_scores_are_in_one_to_five_and_code_matches(rows):
    rec, freq, mon = zip(*rows)
    out = rfm_scores(list(rec), list(freq), list(mon))
    for col in ("r", "f", "m"):
        assert out[col].between(1, 5).all()
    assert (out["r"].astype(str) + out["f"].astype(str) + out["m"].astype(str)).tolist() == out["rfm"].tolist()
    assert set(out["segment"]) <= set(SEGMENTS.values())
    # More recent never scores lower on R.
    for a, ra in zip(rec, out["r"]):
        for b, rb in zip(rec, out["r"]):
            if a < b:
                assert ra >= rb


def test_excel_ranges_as_xlwings_passes_them_are_accepted():
    out = rfm_scores([[5], [200]], [[1], [9]], [[9000.0], [100.0]])
    assert out["rfm"].tolist() == ["313", "131"]
