"""BG/NBD: the beta-geometric / negative binomial purchase model (Fader, Hardie & Lee 2005).

"Counting Your Customers the Easy Way", Marketing Science 24(2). Each customer buys at a
Poisson rate lambda ~ Gamma(r, alpha) while alive and drops out after any purchase with
probability p ~ Beta(a, b). From a customer's summary (x = repeat purchases, t_x = time of
the last purchase, T = time since the first purchase, all from the first purchase) it gives
P(alive) and the expected number of purchases in the next t periods.

The estimator mirrors lifetimes' ``BetaGeoFitter`` (settings in the constructor, ``fit``
returns self, ``params_`` afterwards) but is self-contained (scipy only):
- the log-likelihood uses ``gammaln`` and ``logaddexp`` so it stays finite for large x, T;
- parameters are optimised on the log scale inside wide bounds (always positive, never
  absurd), from a start derived from the data, with the analytic gradient;
- customers with the same (x, t_x, T) are fitted once with a weight (fast on big books);
- failure to converge, or too little data, raises ``xlcrm.errors.ModelError``.

One-time buyers (x = 0) have P(alive) = 1 by construction in BG/NBD (dropout can only
follow a repeat purchase). ``p_alive_or_substitute`` gives them a value that does fall with
time: the modified-BG/NBD form (Batislam, Denizel & Filiztekin 2007), in which dropout may
also follow the first purchase, evaluated with the fitted parameters; it compares the
customer's time since the first purchase with the base's typical purchase rate (alpha / r).
``prob_no_purchase`` is the model's probability of no purchase at all in the next t periods
(also meaningful for one-time buyers: their posterior rate falls as T grows).
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import numpy as np
import pandas as pd

from xlcrm.errors import ModelError

__all__ = ["BGNBD", "summary_from_transactions"]

log = logging.getLogger(__name__)

_LOG_BOUNDS = (np.log(1e-6), np.log(1e6))
MIN_CUSTOMERS = 10
MIN_REPEAT_BUYERS = 3


def _expit(z: np.ndarray) -> np.ndarray:
    """The logistic function in numpy (scipy is imported only where a fit needs it: it is slow to load)."""
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(-z))


def _as_arrays(*cols: Any) -> tuple[np.ndarray, ...]:
    return tuple(np.asarray(c, dtype=float) for c in cols)


def _check(x: np.ndarray, tx: np.ndarray, T: np.ndarray) -> None:
    if not (x.shape == tx.shape == T.shape):
        raise ModelError(f"BG/NBD: frequency, recency and T differ in length ({x.shape}, {tx.shape}, {T.shape})"
                         " — pass one value per customer in each")
    if not (np.isfinite(x).all() and np.isfinite(tx).all() and np.isfinite(T).all()):
        raise ModelError("BG/NBD: missing or infinite values in frequency/recency/T — drop those customers first")
    if (x < 0).any() or (tx < 0).any() or (tx > T + 1e-9).any():
        raise ModelError("BG/NBD: need 0 <= recency <= T and frequency >= 0 — check the order dates")
    if ((x == 0) & (tx > 1e-12)).any():
        raise ModelError("BG/NBD: recency must be 0 where frequency is 0 — build the summary with"
                         " summary_from_transactions")


class BGNBD:
    """BG/NBD estimator. ``BGNBD(penalizer=0.0).fit(frequency, recency, T)``.

    ``penalizer`` adds ``penalizer * sum(params**2)`` to the mean negative log-likelihood
    (as lifetimes does), which helps small or odd books; 0 reproduces the paper.
    """

    def __init__(self, penalizer: float = 0.0) -> None:
        if penalizer < 0:
            raise ValueError(f"penalizer must be >= 0, got {penalizer}")
        self.penalizer = float(penalizer)
        self.params_: dict[str, float] | None = None
        self.log_likelihood_: float | None = None
        self.n_customers_: int = 0

    # ---- likelihood -------------------------------------------------------------------
    @staticmethod
    def _loglik_terms(theta: np.ndarray, x: np.ndarray, tx: np.ndarray, T: np.ndarray,
                      grad: bool) -> tuple[np.ndarray, np.ndarray | None]:
        from scipy import special

        r, alpha, a, b = np.exp(theta)
        rx = r + x
        pos = x > 0
        a1 = special.gammaln(rx) - special.gammaln(r) + r * np.log(alpha)
        a2 = (special.gammaln(a + b) + special.gammaln(b + x) - special.gammaln(b)
              - special.gammaln(a + b + x))
        a3 = -rx * np.log(alpha + T)
        bx1 = np.where(pos, b + x - 1, 1.0)
        a4 = np.where(pos, np.log(a) - np.log(bx1) - rx * np.log(alpha + tx), -np.inf)
        mix = np.logaddexp(a3, a4)
        ll = a1 + a2 + mix
        if not grad:
            return ll, None
        w = np.where(pos, np.exp(a4 - mix), 0.0)  # weight of the "dropped out at t_x" branch
        dig = special.digamma
        d_r = dig(rx) - dig(r) + np.log(alpha) - (1 - w) * np.log(alpha + T) - w * np.log(alpha + tx)
        d_alpha = r / alpha - (1 - w) * rx / (alpha + T) - w * rx / (alpha + tx)
        d_a = dig(a + b) - dig(a + b + x) + w / a
        d_b = dig(a + b) + dig(b + x) - dig(b) - dig(a + b + x) - w / bx1
        g = np.vstack([d_r * r, d_alpha * alpha, d_a * a, d_b * b])  # chain rule: d/dlog(theta)
        return ll, g

    def _objective(self, theta: np.ndarray, x: np.ndarray, tx: np.ndarray, T: np.ndarray,
                   wt: np.ndarray) -> tuple[float, np.ndarray]:
        ll, g = self._loglik_terms(theta, x, tx, T, grad=True)
        n = wt.sum()
        params = np.exp(theta)
        f = -(wt @ ll) / n + self.penalizer * float(params @ params)
        grad = -(g @ wt) / n + self.penalizer * 2 * params * params
        if not np.isfinite(f):
            return 1e300, np.zeros(4)
        return float(f), grad

    # ---- fitting ----------------------------------------------------------------------
    def fit(self, frequency: Any, recency: Any, T: Any) -> BGNBD:
        from scipy import optimize

        x, tx, T_ = _as_arrays(frequency, recency, T)
        _check(x, tx, T_)
        n = len(x)
        repeaters = int((x > 0).sum())
        if n < MIN_CUSTOMERS or repeaters < MIN_REPEAT_BUYERS:
            raise ModelError(
                f"BG/NBD needs at least {MIN_CUSTOMERS} customers of whom {MIN_REPEAT_BUYERS} bought "
                f"more than once; this history has {n} customers and {repeaters} repeat buyers"
                " — the churn score uses the warning signals only",
                f"BG/NBD 模型至少需要 {MIN_CUSTOMERS} 个客户, 其中 {MIN_REPEAT_BUYERS} 个下过不止一单; 本工作簿的订单"
                f"历史只有 {n} 个客户、{repeaters} 个重复购买客户 — 流失风险仅按预警信号计算")
        # Fit each distinct (x, t_x, T) once, weighted by how many customers share it.
        uniq, counts = np.unique(np.column_stack([x, tx, T_]), axis=0, return_counts=True)
        gx, gtx, gT, gw = uniq[:, 0], uniq[:, 1], uniq[:, 2], counts.astype(float)

        # Start: r = 1, alpha = the base's mean time per purchase, a = b = 1 (a flat prior on p).
        rate = (x.sum() + n) / max(T_.sum(), 1e-9)
        starts = [np.log([1.0, 1.0 / max(rate, 1e-9), 1.0, 1.0]), np.zeros(4)]
        best = None
        for start in starts:
            start = np.clip(start, *_LOG_BOUNDS)
            # TNC rather than L-BFGS-B: same answer, and no BLAS calls, which a busy multi-core
            # machine (OpenBLAS threads spinning) can slow twenty-fold for a 4-parameter problem.
            res = optimize.minimize(self._objective, start, args=(gx, gtx, gT, gw), jac=True,
                                    method="TNC", bounds=[_LOG_BOUNDS] * 4,
                                    options={"maxfun": 2000, "ftol": 1e-14, "xtol": 1e-10, "gtol": 1e-10})
            if np.isfinite(res.fun) and (best is None or res.fun < best.fun):
                best = res
            if res.success and not self._at_bound(res.x):
                break
        if best is None or not np.isfinite(best.fun):
            raise ModelError("BG/NBD did not converge (the likelihood is not finite) — the churn score uses"
                             " the warning signals only; check for customers with impossible dates",
                             "BG/NBD 模型未收敛 (似然值无效) — 流失风险仅按预警信号计算; 请检查订单日期是否有误")
        if self._at_bound(best.x):
            names = [f"{k} = {np.exp(v):.3g}" for k, v in zip(("r", "alpha", "a", "b"), best.x)
                     if self._near(v)]
            raise ModelError(
                f"BG/NBD did not converge: {', '.join(names)} ran to the limit of its range"
                " — the order history is too short or too regular for the model; the churn score"
                " uses the warning signals only",
                f"BG/NBD 模型未收敛: {', '.join(names)} 到达取值范围的边界 — 订单历史太短或太规律, 不适合该模型;"
                " 流失风险仅按预警信号计算")
        if not best.success:
            _, grad = self._objective(best.x, gx, gtx, gT, gw)
            if not np.all(np.abs(grad) < 1e-4):
                raise ModelError(f"BG/NBD did not converge ({best.message}) — the churn score uses the"
                                 " warning signals only; check the order dates, or fit on a longer history",
                                 "BG/NBD 模型未收敛 — 流失风险仅按预警信号计算; 请检查订单日期, 或使用更长的订单历史")
            log.info("BG/NBD optimiser stopped with %s; parameters kept (gradient small)", best.message)
        r, alpha, a, b = (float(v) for v in np.exp(best.x))
        self.params_ = {"r": r, "alpha": alpha, "a": a, "b": b}
        self.log_likelihood_ = float(-best.fun * n) if self.penalizer == 0 else None
        self.n_customers_ = n
        return self

    @staticmethod
    def _near(v: float) -> bool:
        return v <= _LOG_BOUNDS[0] + 1e-3 or v >= _LOG_BOUNDS[1] - 1e-3

    def _at_bound(self, theta: np.ndarray) -> bool:
        return any(self._near(v) for v in theta)

    def _p(self) -> tuple[float, float, float, float]:
        if self.params_ is None:
            raise ModelError("BGNBD is not fitted — call fit(frequency, recency, T) first")
        p = self.params_
        return p["r"], p["alpha"], p["a"], p["b"]

    # ---- predictions ------------------------------------------------------------------
    def _log_odds_dead(self, x: np.ndarray, tx: np.ndarray, T: np.ndarray, first_too: bool = False) -> np.ndarray:
        """log of [a/(b+x-1)] ((alpha+T)/(alpha+t_x))^(r+x); -inf where BG/NBD has no dropout yet."""
        r, alpha, a, b = self._p()
        pos = x > 0
        denom = np.where(pos, b + x - 1, b)  # modified form for x = 0: a/b ((alpha+T)/alpha)^r
        out = np.log(a) - np.log(denom) + (r + x) * (np.log(alpha + T) - np.log(alpha + tx))
        return out if first_too else np.where(pos, out, -np.inf)

    def p_alive(self, frequency: Any, recency: Any, T: Any) -> np.ndarray:
        """P(alive | x, t_x, T) as in the paper (eq. 5); exactly 1 for one-time buyers."""
        x, tx, T_ = _as_arrays(frequency, recency, T)
        return _expit(-self._log_odds_dead(x, tx, T_))

    def p_alive_or_substitute(self, frequency: Any, recency: Any, T: Any) -> np.ndarray:
        """P(alive), with the modified-BG/NBD value for one-time buyers (see the module docstring)."""
        x, tx, T_ = _as_arrays(frequency, recency, T)
        return _expit(-self._log_odds_dead(x, tx, T_, first_too=True))

    def current_rate(self, frequency: Any, recency: Any, T: Any) -> np.ndarray:
        """Expected purchases per period right now: P(alive) x E[lambda | alive] = P(alive) (r+x)/(alpha+T).

        The limit of expected_purchases(t)/t as t -> 0. P(alive) here is
        ``p_alive_or_substitute``, so one-time buyers' rate falls with time on both counts.
        """
        r, alpha, _, _ = self._p()
        x, tx, T_ = _as_arrays(frequency, recency, T)
        return self.p_alive_or_substitute(x, tx, T_) * (r + x) / (alpha + T_)

    def prob_no_purchase(self, t: float, frequency: Any, recency: Any, T: Any) -> np.ndarray:
        """P(no purchase in (T, T+t] | x, t_x, T).

        Dead: none for sure. Alive: purchases follow Poisson(lambda) with
        lambda | alive ~ Gamma(r+x, alpha+T), so P(none) = ((alpha+T)/(alpha+T+t))^(r+x).
        """
        r, alpha, _, _ = self._p()
        x, tx, T_ = _as_arrays(frequency, recency, T)
        pa = self.p_alive(x, tx, T_)
        none_if_alive = np.exp((r + x) * (np.log(alpha + T_) - np.log(alpha + T_ + t)))
        return np.clip(1 - pa * (1 - none_if_alive), 0.0, 1.0)

    def expected_purchases(self, t: float, frequency: Any, recency: Any, T: Any) -> np.ndarray:
        """E[purchases in (T, T+t] | x, t_x, T] (paper eq. 10)."""
        from scipy import special

        r, alpha, a, b = self._p()
        x, tx, T_ = _as_arrays(frequency, recency, T)
        z = t / (alpha + T_ + t)
        with np.errstate(all="ignore"):
            hyp = special.hyp2f1(r + x, b + x, a + b + x - 1, z)
            head = np.exp((r + x) * (np.log(alpha + T_) - np.log(alpha + T_ + t)))
            numer = (a + b + x - 1) / (a - 1) * (1 - head * hyp)
        out = numer * self.p_alive(x, tx, T_)
        # Where the hypergeometric series overflows (huge x), use rate x time for alive customers.
        fallback = self.p_alive(x, tx, T_) * (r + x) / (alpha + T_) * t
        bad = ~np.isfinite(out) | (out < 0)
        out = np.where(bad, fallback, out)
        return np.maximum(out, 0.0)


def summary_from_transactions(tx: pd.DataFrame, customer_col: str, date_col: str, asof: Any,
                              freq: str = "D") -> pd.DataFrame:
    """Per customer: frequency (repeat purchase days), recency and T, in days ("D") or weeks ("W").

    As in the paper and lifetimes: purchases on the same day count once; recency is the time
    from the first to the last purchase; T from the first purchase to ``asof`` (inclusive of
    that day's orders). Weeks are days / 7 (the paper's fractional weeks, e.g. 30.43).
    Rows without a customer or date, and rows after ``asof``, are ignored.
    """
    if freq not in ("D", "W"):
        raise ValueError(f'freq must be "D" or "W", got {freq!r}')
    unit = 7.0 if freq == "W" else 1.0
    end = pd.Timestamp(asof.isoformat() if isinstance(asof, (dt.date, dt.datetime)) else asof).normalize()
    days = pd.to_datetime(tx[date_col], errors="coerce").dt.normalize()
    frame = pd.DataFrame({"c": tx[customer_col], "d": days}).dropna()
    frame = frame[frame["d"] <= end].drop_duplicates()
    g = frame.groupby("c", sort=True)["d"]
    first, last, n = g.min(), g.max(), g.size()
    out = pd.DataFrame({
        "frequency": (n - 1).astype(float),
        "recency": (last - first).dt.days / unit,
        "T": (end - first).dt.days / unit,
    })
    out.index.name = customer_col
    return out
