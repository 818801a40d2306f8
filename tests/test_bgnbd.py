"""BG/NBD against the paper (Fader, Hardie & Lee 2005) and against lifetimes on the same data."""

from __future__ import annotations

import os
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xlcrm.bgnbd import BGNBD, summary_from_transactions
from xlcrm.errors import ModelError

with warnings.catch_warnings():  # lifetimes predates pandas 3 / numpy 2 / setuptools 80
    warnings.simplefilter("ignore")
    import lifetimes
    from lifetimes import BetaGeoFitter, ModifiedBetaGeoFitter
    from lifetimes.datasets import load_cdnow_summary

DATASETS = os.path.join(os.path.dirname(lifetimes.__file__), "datasets")


@pytest.fixture(scope="module")
def cdnow() -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return load_cdnow_summary()


@pytest.fixture(scope="module")
def fitted(cdnow: pd.DataFrame) -> BGNBD:
    return BGNBD().fit(cdnow["frequency"], cdnow["recency"], cdnow["T"])


@pytest.fixture(scope="module")
def peer(cdnow: pd.DataFrame) -> BetaGeoFitter:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return BetaGeoFitter().fit(cdnow["frequency"], cdnow["recency"], cdnow["T"])


def test_bgnbd_params_match_fader_hardie_lee_2005(fitted: BGNBD):
    # Paper, section 5: r = 0.243, alpha = 4.414, a = 0.793, b = 2.426, LL = -9582.4 (2,357 customers, weeks).
    p = fitted.params_
    assert p is not None
    for name, published in {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}.items():
        assert abs(p[name] - published) < 0.0015, (name, p[name])
    assert fitted.log_likelihood_ == pytest.approx(-9582.4, abs=0.05)


def test_params_match_lifetimes_betageofitter(fitted: BGNBD, peer: BetaGeoFitter):
    for name in ("r", "alpha", "a", "b"):
        assert fitted.params_[name] == pytest.approx(float(peer.params_[name]), rel=1e-4)


def test_p_alive_agrees_with_lifetimes_on_cdnow(cdnow, fitted, peer):
    x, r, T = cdnow["frequency"], cdnow["recency"], cdnow["T"]
    ours = fitted.p_alive(x, r, T)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = np.asarray(peer.conditional_probability_alive(x, r, T))
    np.testing.assert_allclose(ours, theirs, atol=1e-5)
    assert (ours[x.to_numpy() == 0] == 1).all()  # BG/NBD: one-time buyers are alive by construction


@pytest.mark.parametrize("t", [1, 13, 39, 52])
def test_expected_purchases_agree_with_lifetimes_on_cdnow(cdnow, fitted, peer, t):
    x, r, T = cdnow["frequency"], cdnow["recency"], cdnow["T"]
    ours = fitted.expected_purchases(t, x, r, T)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = np.asarray(peer.conditional_expected_number_of_purchases_up_to_time(t, x, r, T))
    np.testing.assert_allclose(ours, theirs, rtol=1e-4, atol=1e-6)


def test_one_time_buyer_substitute_is_lifetimes_modified_bgnbd_p_alive(cdnow, fitted):
    # For x = 0 we use the MBG/NBD P(alive) (Batislam et al. 2007) with the fitted BG/NBD parameters.
    mbg = ModifiedBetaGeoFitter()
    mbg.params_ = pd.Series(fitted.params_)
    T = np.array([0.5, 5, 20, 38.86, 80])
    x = np.zeros_like(T)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = np.asarray(mbg.conditional_probability_alive(x, x, T))
    np.testing.assert_allclose(fitted.p_alive_or_substitute(x, x, T), theirs, rtol=1e-9)
    assert (np.diff(fitted.p_alive_or_substitute(x, x, T)) < 0).all()  # falls as time passes
    # Repeat buyers keep the BG/NBD value.
    rep = cdnow[cdnow["frequency"] > 0]
    np.testing.assert_allclose(fitted.p_alive_or_substitute(rep["frequency"], rep["recency"], rep["T"]),
                               fitted.p_alive(rep["frequency"], rep["recency"], rep["T"]))


def test_prob_no_purchase_of_a_new_customer_matches_lifetimes(fitted, peer):
    # At T = 0 (just made the first purchase) P(no repeat in t) is the unconditional P(X(t) = 0).
    for t in (1.0, 10.0, 39.0):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            theirs = float(np.asarray(peer.probability_of_n_purchases_up_to_time(t, 0)).ravel()[0])
        assert fitted.prob_no_purchase(t, [0], [0], [0])[0] == pytest.approx(theirs, rel=1e-6)


def test_prob_no_purchase_of_one_time_buyers_matches_simulation():
    # Simulate the BG/NBD process; customers with no repeat purchase in (0, T] are one-time buyers.
    rng = np.random.default_rng(7)
    r, alpha, a, b, T, h, n = 0.8, 10.0, 0.9, 2.5, 30.0, 20.0, 400_000
    lam = rng.gamma(r, 1 / alpha, n)
    first_gap = rng.exponential(1 / lam)  # until the first repeat purchase (no dropout before it)
    one_timers = first_gap > T
    # Memoryless: given no purchase by T, the next comes after a fresh exponential wait.
    none_in_h = rng.exponential(1 / lam[one_timers]) > h
    m = BGNBD()
    m.params_ = {"r": r, "alpha": alpha, "a": a, "b": b}
    assert m.prob_no_purchase(h, [0], [0], [T])[0] == pytest.approx(none_in_h.mean(), abs=0.004)


def test_summary_from_transactions_matches_the_published_cdnow_summary(cdnow):
    tx = pd.read_csv(os.path.join(DATASETS, "CDNOW_sample.txt"), sep=r"\s+", header=None,
                     names=["master_id", "ID", "date", "cds", "amount"])
    tx["date"] = pd.to_datetime(tx["date"].astype(str), format="%Y%m%d")
    s = summary_from_transactions(tx, "ID", "date", "1997-09-30", freq="W")
    published = cdnow.set_index("ID")
    assert len(s) == len(published) == 2357
    np.testing.assert_array_equal(s["frequency"].to_numpy(), published["frequency"].to_numpy())
    np.testing.assert_allclose(s["recency"].round(2), published["recency"], atol=0.006)
    np.testing.assert_allclose(s["T"].round(2), published["T"], atol=0.006)


def test_too_little_data_raises_model_error_with_the_counts():
    with pytest.raises(ModelError, match="3 customers and 1 repeat"):
        BGNBD().fit([0, 0, 2], [0, 0, 5], [10, 10, 10])
    with pytest.raises(ModelError, match="0 repeat buyers"):
        BGNBD().fit([0] * 20, [0] * 20, [30] * 20)


def test_use_before_fit_and_bad_input_raise_model_error():
    with pytest.raises(ModelError, match="not fitted"):
        BGNBD().p_alive([1], [1], [2])
    with pytest.raises(ModelError, match="recency <= T"):
        BGNBD().fit([1] * 12, [5] * 12, [3] * 12)


def test_all_customers_buying_like_clockwork_raises_model_error_not_nonsense():
    # Everyone buys every 7 days and just bought: no dropout is ever seen, a/b runs off to a limit.
    x = np.arange(1, 31, dtype=float)
    m = BGNBD()
    try:
        m.fit(x, 7 * x, 7 * x)
    except ModelError as exc:
        assert "did not converge" in str(exc) and "signals only" in str(exc)
    else:  # if it does converge, the parameters must still be finite and positive
        assert all(np.isfinite(v) and v > 0 for v in m.params_.values())


def test_penalizer_shrinks_parameters(cdnow):
    plain = BGNBD().fit(cdnow["frequency"], cdnow["recency"], cdnow["T"]).params_
    shrunk = BGNBD(penalizer=0.1).fit(cdnow["frequency"], cdnow["recency"], cdnow["T"]).params_
    assert sum(v * v for v in shrunk.values()) < sum(v * v for v in plain.values())


histories = st.lists(
    st.tuples(st.integers(0, 60), st.floats(0, 1), st.floats(0.01, 400)), min_size=1, max_size=30)


@settings(max_examples=60, deadline=None)
@given(histories, st.floats(0.01, 200))
def test_predictions_stay_in_range(fitted, rows, t):
    x = np.array([r[0] for r in rows], float)
    T = np.array([r[2] for r in rows])
    tx = np.where(x > 0, np.array([r[1] for r in rows]) * T, 0.0)
    pa = fitted.p_alive(x, tx, T)
    pas = fitted.p_alive_or_substitute(x, tx, T)
    p0 = fitted.prob_no_purchase(t, x, tx, T)
    ep = fitted.expected_purchases(t, x, tx, T)
    assert ((pa >= 0) & (pa <= 1)).all() and ((pas >= 0) & (pas <= 1)).all()
    assert ((p0 >= 0) & (p0 <= 1)).all()
    assert np.isfinite(ep).all() and (ep >= 0).all()
    # E[N] >= P(N >= 1) for a count N.
    assert (ep >= (1 - p0) - 1e-9).all()
