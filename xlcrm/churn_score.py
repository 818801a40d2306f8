"""Churn Risk weights learnt from the workbook's own past: a small logistic regression.

Used by ``xlcrm.churn.score``. The book is cut at as-of minus the warning window H; every
customer who had ordered by then is described as the score would have described it that
day (the features below), and labelled 1 if it placed no order in the H days after the
cut. A logistic regression on those rows says how much each signal really told about who
then stopped, in this book; the same weights then score today. The documented default
weights act as its prior (a penalty towards them worth some customers' evidence, one of
PRIORS): the book picks the strength whose weights, learnt one window earlier still, best
ranked who stopped at the cut (out of time), so a small or noisy book stays near the
defaults and a large one follows its own evidence. Deterministic (fixed
start, L-BFGS-B), and weights of warning signs are kept >= 0: a complaint never lowers risk.

Features (logit scale where it is a probability, so weight 1 passes it through):
- ``rate``: logit of BG/NBD's P(no order in the window) at the customer's current rate;
- ``exact``: logit of BG/NBD's exact P(no order in the window);
- ``overdue``: log(1 + days since the last order / usual gap);
- ``recency``: log(1 + days since the last order);
- ``frequency``: log(1 + repeat orders) (may weigh either way);
- ``rhythm``: the steady-rhythm-broken strength of ``churn_signals.rhythm``;
- the signal strengths of ``churn_signals.all_signals`` (buying less, complaints,
  deliveries, receivables, rep gone, manual flag).
Rep gone and the manual flag have no dated history (the master says only what is true
now), and a signal that nobody showed at the cut cannot be weighed: those keep their
default weight. When the past is too short (fewer than MIN_CUSTOMERS customers at the cut,
or fewer than MIN_CLASS who stopped or who went on), every weight is its default, and the
dashboard says so. Default weights: the model's rate form passed through (as the score
was before calibration), each warning sign DEFAULT_SIGNAL_WEIGHT per unit of strength.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

MODEL = ["rate", "exact", "overdue", "recency", "frequency"]
SIGNALS = ["rhythm", "buying_less", "complaints", "deliveries", "receivables", "rep", "manual"]
FEATURES = MODEL + SIGNALS
UNDATED = {"rep", "manual"}  # no history to learn from
SIGNED = {"frequency"}  # free sign; every other weight >= 0
DEFAULT_SIGNAL_WEIGHT = 4.0  # + 4 logits at full strength: a 0.35 strength lifts 30% to about 57%
DEFAULT_WEIGHTS: dict[str, float] = {"intercept": 0.0, "rate": 1.0, "exact": 0.0, "overdue": 0.0,
                                     "recency": 0.0, "frequency": 0.0, **{k: DEFAULT_SIGNAL_WEIGHT for k in SIGNALS}}
PRIORS = (80.0, 20.0, 5.0, 1.0)  # how many customers' evidence the default weights may count as
MAX_SIGNAL_WEIGHT = 12.0  # a warning sign at full strength adds at most this many logits (a rare sign
# that every one of its few customers followed by stopping must not become certainty)
MIN_CUSTOMERS = 50
MIN_CLASS = 10


def expit(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(z, float)))  # logistic without overflow, no scipy import


def logit(p: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    p = np.clip(np.asarray(p, float), eps, 1 - eps)
    return np.log(p) - np.log1p(-p)


def auc(positive: np.ndarray, score: np.ndarray) -> float:
    """ROC AUC by the Mann-Whitney rank sum (ties count half)."""
    positive = np.asarray(positive, bool)
    ranks = pd.Series(np.asarray(score, float)).rank(method="average").to_numpy()
    n1 = int(positive.sum())
    n0 = len(positive) - n1
    if n1 == 0 or n0 == 0:
        return float("nan")
    return float((ranks[positive].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def enough(y: np.ndarray) -> bool:
    y = np.asarray(y, bool)
    return len(y) >= MIN_CUSTOMERS and y.sum() >= MIN_CLASS and (~y).sum() >= MIN_CLASS


def fit(X: pd.DataFrame, y: np.ndarray, prior: float = 0.0) -> dict[str, float]:
    """Weights (raw feature scale) of a ridge logistic regression of ``y`` on ``X``'s FEATURES.

    Features without variance here (nobody showed the signal) and UNDATED ones keep their
    default; the others are pulled towards it with the weight of ``prior`` customers
    (one of PRIORS). Standardised inside, so the pull treats every feature alike.
    """
    from scipy import optimize  # only when a book is calibrated (import cost on the refresh path)

    w = dict(DEFAULT_WEIGHTS)
    y = np.asarray(y, float)
    cols = [c for c in FEATURES if c not in UNDATED and c in X.columns and np.nanstd(X[c].to_numpy(float)) > 1e-9]
    fixed = [c for c in FEATURES if c not in cols and c in X.columns]
    A = X[cols].to_numpy(float)
    offset = X[fixed].to_numpy(float) @ np.array([w[c] for c in fixed]) if fixed else np.zeros(len(y))
    mu, sd = A.mean(axis=0), A.std(axis=0)
    Z = np.column_stack([np.ones(len(y)), (A - mu) / sd])
    # The default weights are the prior: the penalty pulls towards them with the weight of
    # ``prior`` customers, so a short past moves them a little and a long one decides.
    centre = np.array([w[c] for c in cols]) * sd
    lam = prior / len(y)

    def loss(beta: np.ndarray) -> tuple[float, np.ndarray]:
        z = Z @ beta + offset
        d = beta[1:] - centre
        f = float(np.mean(np.logaddexp(0.0, z) - y * z) + lam * d @ d)
        g = Z.T @ (expit(z) - y) / len(y) + 2 * lam * np.r_[0.0, d]
        return f, g

    bounds = [(None, None)] + [(None, None) if c in SIGNED else
                               (0.0, MAX_SIGNAL_WEIGHT * sdc if c in SIGNALS else None) for c, sdc in zip(cols, sd)]
    start = np.r_[0.0, centre]
    res = optimize.minimize(loss, start, jac=True, method="L-BFGS-B", bounds=bounds,
                            options={"maxiter": 300, "ftol": 1e-10, "gtol": 1e-6})
    beta = res.x
    raw = beta[1:] / sd
    w["intercept"] = float(beta[0] - raw @ mu)
    for c, v in zip(cols, raw):
        w[c] = float(v)
    return w


def linear(X: pd.DataFrame, w: dict[str, float], cols: list[str]) -> np.ndarray:
    return X[cols].to_numpy(float) @ np.array([w[c] for c in cols])


def score(X: pd.DataFrame, w: dict[str, float]) -> np.ndarray:
    """Calibrated P(stop) for the rows of ``X`` (all FEATURES present)."""
    return expit(w["intercept"] + linear(X, w, FEATURES))


def top_share(positive: np.ndarray, s: np.ndarray, share: float = 0.2) -> float:
    """Share of the positives found in the top ``share`` of ``s`` (ties broken by order, stable)."""
    positive = np.asarray(positive, bool)
    if not positive.any():
        return float("nan")
    k = max(1, int(round(share * len(s))))
    top = np.argsort(-np.asarray(s, float), kind="mergesort")[:k]
    return float(positive[top].sum() / positive.sum())


def describe(w: dict[str, float]) -> dict[str, Any]:
    return {k: round(v, 4) for k, v in w.items()}
