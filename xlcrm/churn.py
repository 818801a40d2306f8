"""Churn early warning: who is slipping, how sure we are, what it would cost, and why.

"Build the customer database so that churn signals are caught before the customer leaves"
(seed 000); "95% of dissatisfied customers never complain, they just buy less or leave"
(seed 003). ``score`` gives one row per customer with at least one order.

Churn Risk (0-100) is the chance, in %, that the customer places no order within its
**warning window** (``rhythm_and_horizon``: 3 usual gaps between its orders, 30-365 days;
``churn_horizon_days`` > 0 fixes it), from a small logistic model whose weights are learnt
on this book's own past (``xlcrm.churn_score``; documented default weights when the past
is too short, and the dashboard says so). Its inputs:
- **Model**: BG/NBD (``xlcrm.bgnbd``) fitted on this book's order days gives P(no order in
  the window) in two forms, exact, 1 - P(alive)(1 - ((alpha+T)/(alpha+T+h))^(r+x)), and at
  the current buying rate, exp(-h x P(alive)(r+x)/(alpha+T)); with the frequency and the
  days since the last order against the usual gap. Without a model (too little history),
  recency against the rhythm stands in: q = 1 - exp(-max(0, days/gap - 1) / 2).
- **Signals** (``xlcrm.churn_signals``): a steady rhythm broken, buying less, complaints,
  delivery problems, overdue or late-paid receivables, the rep gone, a manual flag.
The points are split into columns that add up to the risk: **Model** = the risk had the
customer ordered on rhythm (days since the last order no more than the usual gap);
**Overdue** = what the silence beyond it adds ("45 days since the last order; usually
orders every 12 days"); then what each signal adds in turn (in logit space, then in points).
**Lost**: a customer classified Lost is High whatever else: risk <- max(risk,
high + (100 - high) x LOST_LIFT x risk / 100), high = ``risk_high`` (their order among
themselves kept). Risk Level: High from ``risk_high``, Medium from ``risk_medium``, else Low.
Expected Loss = value at stake (revenue of the last 12 months x the customer's margin,
profit / revenue where known, else the book's margin, else revenue) x Churn Risk / 100.
P(alive) is BG/NBD's for repeat buyers; for one-time buyers the share of this book's
customers who came back after as long a silence (``_one_time_p_alive``); blank without a
model. The sheet lists active customers first (largest expected loss on top), then the
Lost ones (largest win-back worth on top), with a Status column.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import math
from typing import Any

import numpy as np
import pandas as pd

from xlcrm import churn_score as cs
from xlcrm import churn_signals as sig
from xlcrm.bgnbd import BGNBD
from xlcrm.errors import ModelError
from xlcrm.i18n import sheet_name, t
from xlcrm.model import Column, Frames, Issue, Lang

__all__ = [
    "CHURN_COLUMNS",
    "SIGNALS",
    "WINBACK_COLUMNS",
    "churn_cost",
    "churn_cost_summary",
    "headline",
    "model_issue",
    "score",
    "winback",
]

log = logging.getLogger(__name__)

# (key, en, zh) of each contribution column, in the order they are applied.
SIGNALS: list[tuple[str, str, str]] = [
    ("pts_model", "Model Points", "模型分"),
    ("pts_overdue", "Overdue Points", "超期未下单分"),
    ("pts_buying_less", "Buying Less Points", "采购减少分"),
    ("pts_complaints", "Complaint Points", "投诉分"),
    ("pts_deliveries", "Delivery Points", "交付问题分"),
    ("pts_receivables", "Receivable Points", "应收逾期分"),
    ("pts_rep", "Rep Gone Points", "业务员离开分"),
    ("pts_manual", "Manual Flag Points", "人工标记分"),
    ("pts_lost", "Lost Points", "已流失分"),
]

# Act-first order (agreed with "manager", issue 14): who, status, how much, how likely, what to
# do, by when, whose; then why, and the model's figures for whoever wants to check them.
CHURN_COLUMNS: list[Column] = [
    Column("customer_id", "Customer ID", "客户编号"),
    Column("customer", "Customer", "客户名称", width=24),
    Column("status", "Status", "状态", width=10),
    Column("expected_loss", "Expected Loss", "预计损失", "money"),
    Column("winback_worth", "Win-back Worth (a year)", "挽回价值(年)", "money"),
    Column("churn_risk", "Churn Risk", "流失风险", "score", style="bar"),
    Column("risk_level", "Risk Level", "风险等级", style="risk", coded=True),
    Column("next_step", "Next Step", "下一步", width=30),
    Column("due", "Due", "截止日期", "date"),
    Column("rep", "Rep", "业务员"),
    Column("reasons", "Reasons", "原因", width=60),
    Column("p_alive", "P(alive)", "存活概率", "prob"),
    Column("p_alive_note", "P(alive) Note", "存活概率说明", width=40),
    Column("tier", "Tier", "客户等级", coded=True),
    Column("lifecycle", "Lifecycle", "生命周期", coded=True),
    Column("days_since_last", "Days Since Last Order", "距上次下单天数", "int"),
    Column("usual_gap_days", "Usual Gap Days", "平时下单间隔天数", "number"),
    Column("horizon_days", "Warning Window Days", "预警窗口天数", "int"),
    Column("expected_purchases_90", "Expected Purchases (next 90 days)", "预计未来90天订单数", "number"),
    Column("value_at_stake", "Value at Stake (12 months)", "风险价值(12个月)", "money"),
] + [Column(k, en, zh, "score") for k, en, zh in SIGNALS]

# Status values (DESIGN.md section 6), written as text in the workbook's language: the code
# "Lost" would read 流失客户 through i18n.VALUES (the lifecycle's word), not the status's 已流失.
STATUS = {"At risk": ("At risk", "在册预警"), "Lost": ("Lost", "已流失")}

WINBACK_COLUMNS: list[Column] = [
    Column("rank", "Rank", "排名", "int"),
    Column("customer_id", "Customer ID", "客户编号"),
    Column("customer", "Customer", "客户名称", width=24),
    Column("tier", "Tier", "客户等级", coded=True),
    Column("winback_worth", "Win-back Worth (a year)", "挽回价值(年)", "money"),
    Column("past_value", "Past Value", "历史价值", "money"),
    Column("revenue", "Revenue", "销售额", "money"),
    Column("last_order", "Last Order", "最近下单", "date"),
    Column("last_contact", "Last Contact", "最近联系", "date"),
    Column("days_since_last", "Days Since Last Order", "距上次下单天数", "int"),
    Column("rep", "Rep", "业务员"),
    Column("signals", "Signals Before Loss", "流失前预警", width=60),
    Column("lost_reason", "Recorded Reason", "记录的流失原因", width=30),
    Column("controllable", "Controllable", "是否可控"),
]

LOST_LIFT = 0.5  # how far above risk_high a Lost customer's own risk lifts it
RHYTHM_OWN_GAPS = 3  # gaps before a customer's own median gap is its rhythm
RHYTHM_SEGMENT_MIN = 3  # steady customers a tier needs before its median gap stands for the tier
HORIZON_GAPS = 3.0  # the warning window is this many usual gaps (as the lost rule) ...
HORIZON_MIN_DAYS, HORIZON_MAX_DAYS = 30, 365  # ... within these bounds
MIN_SECOND_ORDERS = 20  # customers with a second order needed to read one-time buyers' P(alive) off the book

_UNCONTROLLABLE = ("搬迁", "迁", "改行", "转行", "转产", "破产", "倒闭", "注销", "停业", "关闭", "去世",
                   "moved", "relocat", "changed business", "bankrupt", "closed", "out of business",
                   "retired", "died")
_CONTROLLABLE = ("质量", "服务", "价格", "投诉", "竞争", "对手", "串货", "交货", "交期", "业务员", "态度",
                 "返利", "quality", "service", "price", "complain", "competitor", "delivery", "rep",
                 "late", "rebate")


# ---- helpers -----------------------------------------------------------------------------
def _ts(asof: Any) -> pd.Timestamp:
    if isinstance(asof, pd.Timestamp):
        return asof.normalize()
    if isinstance(asof, (dt.date, dt.datetime)):
        return pd.Timestamp(asof.isoformat()).normalize()
    return pd.Timestamp(asof).normalize()


def _clean_orders(frames: Frames, asof: pd.Timestamp) -> pd.DataFrame:
    o = frames.orders
    if o is None or "customer_key" not in o.columns or "order_date" not in o.columns:
        return pd.DataFrame(columns=["customer_key", "order_date", "amount", "day"])
    o = o.copy()
    o["order_date"] = pd.to_datetime(o["order_date"], errors="coerce")
    o = o[o["customer_key"].notna() & o["order_date"].notna() & (o["order_date"].dt.normalize() <= asof)]
    o["customer_key"] = o["customer_key"].astype(str)
    o["day"] = o["order_date"].dt.normalize()
    if "amount" in o.columns:
        o["amount"] = pd.to_numeric(o["amount"], errors="coerce")
    return o


def _customers_from_orders(o: pd.DataFrame, settings: Any, asof: pd.Timestamp) -> pd.DataFrame:
    """The few customer columns churn needs, when classify's frame is missing or partial."""
    g = o.groupby("customer_key")
    out = pd.DataFrame({"first_order": g["day"].min(), "last_order": g["day"].max(),
                        "orders": g["day"].nunique()})
    out["revenue"] = g["amount"].sum(min_count=1) if "amount" in o.columns else np.nan
    recent = o[o["day"] > asof - pd.Timedelta(days=365)]
    out["revenue_12m"] = (recent.groupby("customer_key")["amount"].sum() if "amount" in o.columns
                          else pd.Series(dtype=float)).reindex(out.index).fillna(0.0)
    out["orders_12m"] = recent.groupby("customer_key")["day"].nunique().reindex(out.index).fillna(0)
    out["median_gap_days"] = sig.gaps(o.drop_duplicates(["customer_key", "day"])).reindex(out.index)
    since = (asof - out["last_order"]).dt.days
    limit = np.maximum(settings.lost_min_days, settings.lost_gap_multiple * out["median_gap_days"].fillna(0))
    out["lifecycle"] = np.where(since > limit, "Lost", np.where(out["orders"] > 1, "Repeat", "New"))
    profit = _order_profit(o)
    out["profit"] = profit.groupby(o["customer_key"]).sum(min_count=1).reindex(out.index)
    last = o.sort_values("order_date", kind="mergesort")
    for name in ("rep", "region"):
        if name in o.columns:
            known = last[_has_text(last[name])]
            out[name] = known.groupby("customer_key")[name].last().reindex(out.index)
        else:
            out[name] = np.nan
    out["tier"] = np.nan
    out["customer_id"] = out.index
    out["customer"] = out.index
    return out


def _order_profit(o: pd.DataFrame) -> pd.Series:
    """Profit per order line: the profit column where given, else amount - cost."""
    profit = pd.to_numeric(o["profit"], errors="coerce") if "profit" in o.columns \
        else pd.Series(np.nan, index=o.index)
    if "cost" in o.columns and "amount" in o.columns:
        profit = profit.fillna(o["amount"] - pd.to_numeric(o["cost"], errors="coerce"))
    return profit


# ---- the model part ---------------------------------------------------------------------
def rhythm_and_horizon(own_gap: pd.Series, n_gaps: pd.Series, segment: pd.Series,
                       settings: Any) -> tuple[pd.Series, np.ndarray]:
    """Each customer's usual gap between orders and its warning window (days).

    The usual gap is the customer's own median gap once it has RHYTHM_OWN_GAPS gaps; with
    fewer it is its segment's (the median of the steady customers of the same tier, when
    at least RHYTHM_SEGMENT_MIN of them), else the book's. The warning window, in which no
    order counts as a warning, is HORIZON_GAPS usual gaps, within [HORIZON_MIN_DAYS,
    HORIZON_MAX_DAYS]: a customer who orders every quarter is not alarming after 90 days,
    one who orders weekly is after three weeks. ``churn_horizon_days`` > 0 fixes it for all.
    """
    steady = own_gap.where(n_gaps >= RHYTHM_OWN_GAPS)
    pool = steady if steady.notna().any() else own_gap
    book = float(pool.median()) if pool.notna().any() else float("nan")
    if not math.isfinite(book):
        book = max(1.0, settings.lost_min_days / max(settings.lost_gap_multiple, 1.0))
    seg = segment.where(segment.notna(), "").astype(str)
    by_seg = steady.groupby(seg).agg(["median", "count"])
    by_seg = by_seg.loc[(by_seg["count"] >= RHYTHM_SEGMENT_MIN) & (by_seg.index != ""), "median"]
    gap = steady.fillna(seg.map(by_seg)).fillna(book)
    fixed = float(settings.churn_horizon_days)
    if fixed > 0:
        return gap, np.full(len(gap), fixed)
    return gap, np.clip(np.round(HORIZON_GAPS * gap.to_numpy(float)), HORIZON_MIN_DAYS, HORIZON_MAX_DAYS)


def _model_part(days: pd.DataFrame, keys: pd.Index, gap: pd.Series, asof: pd.Timestamp,
                horizon: np.ndarray, *, extras: bool = True,
                use_model: bool = True) -> tuple[pd.DataFrame, ModelError | None]:
    """The model features now and had the customer been on rhythm (``cs.MODEL``, with suffixes
    ``_now`` / ``_ok``), q_now (P(no order in the window) at the current rate, for the
    reasons), and with ``extras`` P(alive) and expected purchases (90 days)."""
    g = days.groupby("customer_key")["day"]
    first, last, n = g.min().reindex(keys), g.max().reindex(keys), g.size().reindex(keys)
    x = (n - 1).to_numpy(float)
    T = (asof - first).dt.days.to_numpy(float)
    tx = (last - first).dt.days.to_numpy(float)
    since = T - tx
    gp = gap.reindex(keys).to_numpy(float)
    # On rhythm: last order no longer ago than the usual gap (one-time buyers: first order).
    since_ok = np.minimum(since, gp)
    out = pd.DataFrame(index=keys)
    note = None
    try:
        if not use_model:  # the past of a book whose model failed today is described the same way
            raise ModelError("not used")
        model = BGNBD().fit(x, tx, T)
        tx_ok = np.where(x > 0, T - since_ok, 0.0)
        T_ok = np.where(x > 0, T, np.minimum(T, since_ok))
        for suffix, (a_tx, a_T) in (("now", (tx, T)), ("ok", (tx_ok, T_ok))):
            rate_q, exact_q = _q_forms(model, horizon, x, a_tx, a_T)
            out[f"rate_{suffix}"] = cs.logit(rate_q)
            out[f"exact_{suffix}"] = cs.logit(exact_q)
            if suffix == "now":
                out["q_now"] = rate_q
        out.attrs["params"] = dict(model.params_ or {})
        if extras:
            pa = model.p_alive_or_substitute(x, tx, T)
            once = _one_time_p_alive(days, asof)
            out["p_alive_basis"] = np.where(x > 0, "bgnbd", "mbgnbd")
            if once is not None:
                pa = np.where(x > 0, pa, once(since))
                out["p_alive_basis"] = np.where(x > 0, "bgnbd", "comeback")
            out["p_alive"] = pa
            out["expected_purchases_90"] = model.expected_purchases(90.0, x, tx, T)
    except ModelError as exc:
        note = exc if use_model else None
        log.info("churn: %s", exc)
        # Without a model: recency against the customer's rhythm, q = 1 - exp(-max(0, d/gap - 1) / 2).
        for suffix, d in (("now", since), ("ok", since_ok)):
            q = 1 - np.exp(-np.maximum(0.0, d / np.maximum(gp, 1.0) - 1) / 2)
            out[f"rate_{suffix}"] = out[f"exact_{suffix}"] = cs.logit(q)
            if suffix == "now":
                out["q_now"] = q
        # No model, no probability: a heuristic shown under the header "P(alive)" would not
        # mean what the header says (DESIGN invariant 3). Blank, with a note per row.
        out["p_alive"] = np.nan
        out["p_alive_basis"] = "none"
        out["expected_purchases_90"] = np.nan
    out["overdue_now"] = np.log1p(since / np.maximum(gp, 1.0))
    out["overdue_ok"] = np.log1p(since_ok / np.maximum(gp, 1.0))
    out["recency_now"], out["recency_ok"] = np.log1p(since), np.log1p(since_ok)
    out["frequency_now"] = out["frequency_ok"] = np.log1p(x)
    out["days_since_last"] = since
    out["x"] = x
    return out, note


def _q_forms(model: BGNBD, h: np.ndarray, x: np.ndarray, tx: np.ndarray,
             T: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """P(no order in the next h days) at the current buying rate, exp(-h x rate), and exactly,
    1 - P(alive) (1 - ((alpha+T)/(alpha+T+h))^(r+x)). On data that follow BG/NBD the exact
    form ranks "will not order again" best, on real retail data (CDNOW) the rate form: the
    calibration weighs both for each book."""
    p = model.params_ or {}
    at_rate = np.exp(-h * model.current_rate(x, tx, T))
    pa = model.p_alive_or_substitute(x, tx, T)
    none_if_alive = np.exp((p["r"] + x) * (np.log(p["alpha"] + T) - np.log(p["alpha"] + T + h)))
    return at_rate, 1 - pa * (1 - none_if_alive)


def _one_time_p_alive(days: pd.DataFrame, asof: pd.Timestamp) -> Any:
    """For one-time buyers: P(a second order still comes | none in the d days since the first).

    BG/NBD has no answer (it counts everyone who bought once as alive), and its modified
    form barely moves with time on books where dropping out is rare. The book itself does:
    Kaplan-Meier over the days from each customer's first to second order (censored at the
    as-of date for one-time buyers) gives S(d) = P(no second order within d days); with
    S_end its value after the longest gap ever seen, P = (S(d) - S_end) / S(d): the share of
    customers silent that long who still came back. Returns a function of d, or None when
    fewer than MIN_SECOND_ORDERS customers ever placed a second order.
    """
    d = days.sort_values(["customer_key", "day"], kind="mergesort")
    nth = d.groupby("customer_key").cumcount().to_numpy()
    first = d.loc[nth == 0].set_index("customer_key")["day"]
    second = d.loc[nth == 1].set_index("customer_key")["day"].reindex(first.index)
    event = second.notna().to_numpy()
    if event.sum() < MIN_SECOND_ORDERS:
        return None
    dur = np.where(event, (second - first).dt.days, (asof - first).dt.days).astype(float)
    times, events = np.unique(dur[event], return_counts=True)
    at_risk = len(dur) - np.searchsorted(np.sort(dur), times, side="left")
    surv = np.cumprod(1 - events / at_risk)  # S just after each gap length seen
    s_end = surv[-1]

    def p(silent: np.ndarray) -> np.ndarray:
        i = np.searchsorted(times, np.asarray(silent, float), side="right") - 1
        s_d = np.where(i >= 0, surv[np.maximum(i, 0)], 1.0)
        return np.where(s_d > 0, (s_d - s_end) / np.where(s_d > 0, s_d, 1.0), 0.0).clip(0, 1)
    return p


# ---- the churn table -------------------------------------------------------------------------
_TEXT_COLS = ("customer_id", "customer", "rep", "tier", "lifecycle")
# Carried after the CHURN_COLUMNS for the win-back list and the cost summary (not shown).
_EXTRA = ["warning_signals", "revenue", "profit", "first_order", "last_order"]


def _by_key(frame: pd.DataFrame, keys: pd.Index) -> pd.DataFrame:
    c = frame.set_index("customer_key") if "customer_key" in frame.columns else frame
    c = c[~c.index.duplicated()]
    c.index = c.index.astype(str)
    return c.reindex(keys)


def _has_text(values: pd.Series) -> pd.Series:
    """``sig.text_of(v) != ""`` for each value, without a Python call per cell where the dtype
    decides it (numbers, dates, flags: given unless missing; other values: once per distinct value)."""
    dtype = values.dtype
    if pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_datetime64_any_dtype(dtype) \
            or isinstance(dtype, pd.DatetimeTZDtype) or pd.api.types.is_bool_dtype(dtype):
        return values.notna()
    codes, uniques = pd.factorize(values)  # missing values get -1: no text
    ok = np.array([sig.text_of(u) != "" for u in uniques], dtype=bool)
    return pd.Series((codes >= 0) & ok[np.maximum(codes, 0)] if len(ok) else codes >= 0, index=values.index)


def _customer_view(customers: pd.DataFrame | None, master: pd.DataFrame | None, base: pd.DataFrame,
                   keys: pd.Index) -> pd.DataFrame:
    """classify's customer columns where given, then the master's, then what the orders say."""
    view = base.reindex(keys).copy()
    layers = []
    if master is not None and not master.empty and "customer_key" in master.columns:
        m = _by_key(master, keys).rename(columns={"customer_name": "customer"})
        layers.append(m[[c for c in ("customer_id", "customer", "rep", "region") if c in m.columns]])
    if customers is not None and not customers.empty:
        layers.append(_by_key(customers, keys))
    for c in layers:
        for name in c.columns:
            given = c[name].where(_has_text(c[name]))
            view[name] = given.where(given.notna(), view[name]) if name in view.columns else given
    return view


_SIGNAL_FEATURES = {"pts_buying_less": "buying_less", "pts_complaints": "complaints",
                    "pts_deliveries": "deliveries", "pts_receivables": "receivables", "pts_rep": "rep",
                    "pts_manual": "manual"}


def _features(o: pd.DataFrame, days: pd.DataFrame, frames: Frames, register: pd.DataFrame | None,
              keys: pd.Index, gap: pd.Series, horizon: np.ndarray, rep: pd.Series | None, settings: Any,
              at: pd.Timestamp, lang: Lang, *, extras: bool = True, use_model: bool = True
              ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, ModelError | None, dict[str, pd.Series]]:
    """The score's features (``churn_score.FEATURES``) as of ``at``, from orders up to ``at``:
    now and (model part) had the customer been on rhythm; the model frame, its problem,
    and each signal's sentence. ``rep`` None: no rep or manual flag (no dated history)."""
    m, note = _model_part(days, keys, gap, at, horizon, extras=extras, use_model=use_model)
    X = pd.DataFrame({c: m[f"{c}_now"] for c in cs.MODEL}, index=keys)
    X_ok = pd.DataFrame({c: m[f"{c}_ok"] for c in cs.MODEL}, index=keys)
    X["rhythm"] = sig.rhythm(days, keys, m["days_since_last"].to_numpy(float), gap)
    texts: dict[str, pd.Series] = {}
    if rep is None:
        parts = [("pts_buying_less", *sig.buying_less(o, keys, at, int(settings.recent_days), lang)),
                 ("pts_complaints", *sig.complaints(register, keys, at, int(settings.signal_window_days), lang)),
                 ("pts_deliveries", *sig.deliveries(frames.deliveries, keys, at, int(settings.signal_window_days),
                                                    lang)),
                 ("pts_receivables", *sig.receivables(o, keys, at, int(settings.receivable_grace_days),
                                                      int(settings.signal_window_days), lang))]
    else:
        parts = sig.all_signals(o, frames, register, keys, rep, settings, at, lang)
    for key, strength, text in parts:
        X[_SIGNAL_FEATURES[key]] = strength.to_numpy(float)
        texts[key] = text
    for name in cs.SIGNALS:
        if name not in X.columns:
            X[name] = 0.0
    return X[cs.FEATURES], X_ok, m, note, texts


def _register_at(register: pd.DataFrame | None, at: pd.Timestamp) -> pd.DataFrame | None:
    """The complaint register as it stood on ``at``: received by then, open unless closed by then."""
    if register is None or "customer_key" not in register.columns:
        return None
    reg = register.copy()
    received = pd.to_datetime(sig.column(reg, "received"), errors="coerce")
    closed = pd.to_datetime(sig.column(reg, "closed"), errors="coerce")
    keep = (received.isna() | (received <= at)).to_numpy()
    reg = reg[keep]
    reg["is_open"] = (closed.isna() | (closed > at)).to_numpy()[keep]
    reg["overdue"] = "No"  # whether it was overdue then is not recorded
    if "is_dissatisfied" not in reg.columns:
        said = sig.column(reg, "satisfaction", "").astype(str).str.lower()
        reg["is_dissatisfied"] = said.str.contains("不满|dissatisf|unsatisf", regex=True)
    return reg


def _past(o: pd.DataFrame, frames: Frames, register: pd.DataFrame | None, settings: Any, cut: pd.Timestamp,
          window: float, lang: Lang, use_model: bool) -> tuple[pd.DataFrame, np.ndarray, np.ndarray] | None:
    """Features at ``cut`` (window ``window`` for everyone), who then stopped (no order in the
    ``window`` days after), and who was still active at the cut (not Lost by the lifecycle rule)."""
    before = o[o["day"] <= cut]
    if before.empty:
        return None
    days = before[["customer_key", "day"]].drop_duplicates()
    keys = pd.Index(sorted(days["customer_key"].unique()), name="customer_key")
    st = sig.gap_stats(days).reindex(keys)
    own = st["median"].where(st["median"] > 0)
    gap, _ = rhythm_and_horizon(own, st["n"].fillna(0), pd.Series(np.nan, index=keys), settings)
    h = np.full(len(keys), window)
    X, _, m, note, _ = _features(before, days, frames, _register_at(register, cut), keys, gap, h, None,
                                 settings, cut, lang, extras=False, use_model=use_model)
    if note is not None:
        return None
    after = o[(o["day"] > cut) & (o["day"] <= cut + pd.Timedelta(days=window))]
    stopped = ~keys.isin(after["customer_key"].unique())
    limit = np.fmax(float(settings.lost_min_days), float(settings.lost_gap_multiple) * own.to_numpy(float))
    active = m["days_since_last"].to_numpy(float) <= limit
    return X, stopped, active


def _calibrate(o: pd.DataFrame, frames: Frames, register: pd.DataFrame | None, settings: Any,
               asof: pd.Timestamp, window: float, note: ModelError | None,
               lang: Lang) -> tuple[dict[str, float], dict[str, Any]]:
    """Weights learnt at as-of minus the window, and the backtest in words (see ``churn_score``).

    The backtest is out of time where the history allows: weights learnt one window earlier
    score the customers at the cut, and we count how many of those who then stopped (active
    before) were in the top fifth. Otherwise it is measured on the rows the weights were
    learnt from, and says so."""
    window = float(max(1.0, round(window)))
    cut = asof - pd.Timedelta(days=window)
    info: dict[str, Any] = {"calibrated": False, "window": window, "cut": cut}
    # Without a model today, the past is described without it too (recency against rhythm).
    use_model = note is None
    past = _past(o, frames, register, settings, cut, window, lang, use_model)
    if past is None or not cs.enough(past[1]):
        n = 0 if past is None else len(past[1])
        k = 0 if past is None else int(past[1].sum())
        info["text"] = t(lang, "Churn Risk uses the default weights: too little history before {c:%Y-%m-%d} to learn "
                               "them from this book ({n} customers, {k} of whom then stopped; needs {mn} and {mk})",
                         "流失风险使用默认权重: {c:%Y-%m-%d} 之前的历史太少, 无法从本工作簿学习权重 ({n} 个客户, "
                         "其中 {k} 个之后停止下单; 需要 {mn} 个和 {mk} 个)", c=cut, n=n, k=k,
                         mn=cs.MIN_CUSTOMERS, mk=cs.MIN_CLASS)
        return dict(cs.DEFAULT_WEIGHTS), info
    X, stopped, active = past
    earlier = _past(o, frames, register, settings, cut - pd.Timedelta(days=window), window, lang, use_model)
    out_of_time = earlier is not None and cs.enough(earlier[1])
    prior = cs.PRIORS[0]
    w_eval = None
    if out_of_time:  # the strongest pull towards the defaults that ranks best, out of time
        best = -1.0
        for p in cs.PRIORS:
            w_p = cs.fit(earlier[0], earlier[1], p)
            a = cs.auc(stopped, cs.score(X, w_p))
            if a > best + 1e-4:
                best, prior, w_eval = a, p, w_p
    w = cs.fit(X, stopped, prior)
    w_eval = w if w_eval is None else w_eval
    s = cs.score(X, w_eval)
    caught = stopped & active
    share = cs.top_share(caught, np.where(active, s, -np.inf)) if caught.any() else float("nan")
    info.update(calibrated=True, customers=len(stopped), stopped=int(caught.sum()), top_fifth=share, prior=prior,
                auc=cs.auc(stopped[active], s[active]) if active.any() else float("nan"), out_of_time=out_of_time)
    how = (t(lang, "with weights learnt only from the history before", "权重只用此前的历史学得") if out_of_time
           else t(lang, "on the same history the weights were learnt from", "在学习权重所用的同一段历史上"))
    info["text"] = t(lang, "Of the {k} active customers who stopped ordering in the {d:.0f} days after {c:%Y-%m-%d}, "
                           "this score ({how}) had {p:.0%} in its top fifth (AUC {a:.2f})",
                     "{c:%Y-%m-%d} 之后 {d:.0f} 天内停止下单的 {k} 个在册客户中, 本评分 ({how}) 把 {p:.0%} 排在前五分之一 "
                     "(AUC {a:.2f})", k=int(caught.sum()), d=window, c=cut, how=how, p=share, a=info["auc"])
    return w, info


def score(frames: Frames, customers: pd.DataFrame | None, complaints: pd.DataFrame | None, settings: Any,
          asof: Any, lang: Lang = "zh") -> pd.DataFrame:
    """Churn Risk, Risk Level, P(alive), Reasons and Expected Loss per customer with an order.

    ``customers`` is classify's frame (names, tier, lifecycle, revenue_12m, profit); missing
    columns are filled from the master and the orders. ``complaints`` is the complaint
    tracker's frame (complaint_id, customer_key, received, is_open, overdue, is_dissatisfied).
    Index ``customer_key``, sorted by Churn Risk; columns are the keys of ``CHURN_COLUMNS``,
    then ``warning_signals`` (the signal sentences without the model's), revenue, profit,
    first_order, last_order. ``attrs["model"]`` holds the BG/NBD parameters (per day), or is
    None and ``attrs["note"]`` says why the model was not used.
    """
    asof_ts = _ts(asof)
    o = _clean_orders(frames, asof_ts)
    keys = pd.Index(sorted(o["customer_key"].unique()), name="customer_key")
    cols = [c.key for c in CHURN_COLUMNS] + _EXTRA
    if len(keys) == 0:
        return pd.DataFrame(columns=cols, index=keys)
    base = _customers_from_orders(o, settings, asof_ts)
    view = _customer_view(customers, frames.customers, base, keys)
    days = o[["customer_key", "day"]].drop_duplicates()

    own_gap = pd.to_numeric(view["median_gap_days"], errors="coerce")
    own_gap = own_gap.where(own_gap > 0)
    n_gaps = sig.gap_stats(days)["n"].reindex(keys).fillna(0)
    segment = view["tier"] if "tier" in view.columns else pd.Series(np.nan, index=keys)
    gap, horizon = rhythm_and_horizon(own_gap, n_gaps, segment, settings)

    out = pd.DataFrame(index=keys)
    for name in _TEXT_COLS:
        v = view[name] if name in view.columns else pd.Series(np.nan, index=keys)
        out[name] = [sig.text_of(x) or (k if name in ("customer_id", "customer") else "-")
                     for k, x in zip(keys, v.tolist())]
    rep = out["rep"].where(out["rep"] != "-", "")
    X, X_ok, m, note, texts = _features(o, days, frames, complaints, keys, gap, horizon, rep, settings, asof_ts,
                                        lang)
    out["days_since_last"] = m["days_since_last"].astype(int)
    out["usual_gap_days"] = gap.round(1)
    out["horizon_days"] = horizon
    out["p_alive"] = m["p_alive"].clip(0, 1)  # blank (NaN) where there is no model
    out["expected_purchases_90"] = m["expected_purchases_90"].clip(lower=0)

    # Weights from this book's past (churn_score); then the risk in points, part by part:
    # model (as if on rhythm), overdue (the rest of the model part and a broken steady rhythm),
    # then each warning sign in turn. Each column holds what its part added: they sum to the risk.
    w, backtest = _calibrate(o, frames, complaints, settings, asof_ts, float(np.median(horizon)), note, lang)
    z_ok = w["intercept"] + cs.linear(X_ok, w, cs.MODEL)
    z = np.maximum(z_ok, w["intercept"] + cs.linear(X, w, cs.MODEL + ["rhythm"]))
    risk = 100 * cs.expit(z_ok)
    pts = {"pts_model": risk.copy()}
    new = 100 * cs.expit(z)
    pts["pts_overdue"] = new - risk
    risk = new
    for key, name in _SIGNAL_FEATURES.items():
        z = z + w[name] * X[name].to_numpy(float)
        new = 100 * cs.expit(z)
        pts[key] = new - risk
        risk = new
    lost = (out["lifecycle"] == "Lost").to_numpy()
    high = float(settings.risk_high)
    lifted = np.where(lost, np.maximum(risk, high + (100 - high) * LOST_LIFT * risk / 100), risk)
    pts["pts_lost"] = lifted - risk
    risk = np.clip(lifted, 0, 100)

    out["churn_risk"] = risk
    out["risk_level"] = np.where(risk >= settings.risk_high, "High",
                                 np.where(risk >= settings.risk_medium, "Medium", "Low"))
    for key, _, _ in SIGNALS:
        out[key] = np.clip(pts[key], 0, 100)

    # Value at stake: 12-month revenue x margin (own where known, else the book's, else 1).
    rev12 = pd.to_numeric(view.get("revenue_12m"), errors="coerce").fillna(0.0).clip(lower=0)
    revenue = pd.to_numeric(view.get("revenue"), errors="coerce")
    profit = pd.to_numeric(view.get("profit"), errors="coerce")
    known = profit.notna() & (revenue > 0)
    book = float(profit[known].sum() / revenue[known].sum()) if known.any() and revenue[known].sum() > 0 else 1.0
    margin = (profit / revenue).where(known, book).clip(0, 1).fillna(1.0)
    out["value_at_stake"] = rev12 * margin
    out["revenue"], out["profit"] = revenue, profit
    out["first_order"] = pd.to_datetime(view["first_order"], errors="coerce")
    out["last_order"] = pd.to_datetime(view["last_order"], errors="coerce")
    out["expected_loss"] = out["value_at_stake"] * risk / 100

    lost_s = pd.Series(lost, index=keys)
    out["status"] = [STATUS["Lost" if v else "At risk"][1 if lang == "zh" else 0] for v in lost]
    # Win-back worth: what the customer brought in a year while it bought (revenue over its
    # active years, at least one, x margin), the same yearly figure as the dashboard's churn cost.
    span = (out["last_order"] - out["first_order"]).dt.days.fillna(0) + gap
    years = (span / 365.0).clip(lower=1.0)
    worth = (revenue.fillna(0.0).clip(lower=0) / years * margin)
    out["winback_worth"] = worth.where(lost_s)
    out["next_step"], out["due"] = _next_steps(out, pts, lost, settings, asof_ts, lang)
    own_limit = np.fmax(float(settings.lost_min_days),
                        float(settings.lost_gap_multiple) * own_gap.reindex(keys).to_numpy(float))
    out["p_alive_note"] = _p_alive_notes(out, m, lost, own_limit, note, lang)
    out["reasons"], out["warning_signals"] = _reasons(out, m, gap, texts, note, horizon, settings, lang)
    # Active customers first, the largest expected loss on top; then the lost ones, the most
    # worth winning back on top (DESIGN.md section 6). Ties: higher risk first, then the key.
    order = np.lexsort((-out["churn_risk"].to_numpy(float),
                        -np.where(lost, out["winback_worth"].fillna(0.0), out["expected_loss"]).astype(float),
                        lost))
    out = out[cols].iloc[order]
    out.attrs["model"] = m.attrs.get("params")
    out.attrs["weights"] = cs.describe(w)
    out.attrs["backtest"] = backtest
    if note:
        out.attrs["note"] = note.text(lang)
    return out


_STEPS: dict[str, tuple[str, str]] = {  # the largest contribution decides the step
    "pts_model": ("ask about the next order", "询问下一批订单"),
    "pts_overdue": ("ask about the next order", "询问下一批订单"),
    "pts_buying_less": ("ask why they buy less (a competitor?)", "了解采购减少原因 (是否转向竞争对手)"),
    "pts_complaints": ("settle the complaint and call back", "处理投诉并回访"),
    "pts_deliveries": ("go over the delivery problems", "与客户沟通交付问题"),
    "pts_receivables": ("talk about the overdue payment", "沟通逾期回款, 了解经营状况"),
    "pts_rep": ("assign a rep and introduce them", "指定新业务员并上门介绍"),
    "pts_manual": ("follow up the manual flag", "跟进人工标记的问题"),
}
MEDIUM_WITHIN_DAYS = 14  # a Medium-risk customer gets a call within this many days


def _next_steps(out: pd.DataFrame, pts: dict[str, np.ndarray], lost: np.ndarray, settings: Any,
                asof: pd.Timestamp, lang: Lang) -> tuple[list[str], pd.Series]:
    """What to do and by when: High -> a visit within ``high_risk_within_days``, Medium -> a
    call within MEDIUM_WITHIN_DAYS, about the largest warning sign; Lost -> a win-back call
    within ``visit_days_lost`` (0: none planned); Low -> nothing beyond the usual rhythm."""
    keys = list(_STEPS)
    top = np.argmax(np.column_stack([pts[k] for k in keys]), axis=1)
    level = out["risk_level"].to_numpy(object)
    worth = out["winback_worth"].fillna(0.0).to_numpy(float) > 0
    zh = 1 if lang == "zh" else 0
    # One sentence per (level, largest sign): a handful of templates, not one call per row.
    visit = [t(lang, "visit: {a}", "上门拜访: {a}", a=_STEPS[k][zh]) for k in keys]
    call = [t(lang, "call: {a}", "电话联系: {a}", a=_STEPS[k][zh]) for k in keys]
    steps = np.where(level == "High", np.array(visit, dtype=object)[top],
                     np.where(level == "Medium", np.array(call, dtype=object)[top],
                              t(lang, "keep the usual rhythm", "按常规节奏维护")))
    steps = np.where(lost, np.where(worth, t(lang, "win-back call: ask why they left", "挽回电话: 了解流失原因"),
                                    t(lang, "none (no value on record)", "无 (无历史价值)")), steps)
    lost_days = int(settings.visit_days_lost)
    days = np.where(level == "High", float(settings.high_risk_within_days),
                    np.where(level == "Medium", float(MEDIUM_WITHIN_DAYS), np.nan))
    days = np.where(lost, np.where(worth & (lost_days > 0), float(lost_days), np.nan), days)
    due = pd.Series(asof + pd.to_timedelta(days, unit="D"), index=out.index)
    return steps.tolist(), due


def _p_alive_notes(out: pd.DataFrame, m: pd.DataFrame, lost: np.ndarray, limit: np.ndarray,
                   note: ModelError | None, lang: Lang) -> list[str]:
    """Why P(alive) is blank, what it means for one-time buyers, and why a Lost customer may
    still read >= 0.5 (BG/NBD on a book whose customers rarely drop out)."""
    if note is not None:
        return [t(lang, "not estimated: the purchase model could not be fitted on this book (see the data issues)",
                  "未估计: 本工作簿的订单历史无法拟合购买模型 (见数据问题表)")] * len(out)
    basis = m["p_alive_basis"].tolist()
    pa = out["p_alive"].tolist()
    since = out["days_since_last"].tolist()
    x = m["x"].tolist()
    notes = []
    for i in range(len(out)):
        parts = []
        if basis[i] == "comeback":
            parts.append(t(lang, "one order: the share of this book's customers who still placed a second order "
                                 "after {d} days without one", "仅 1 单: 本工作簿中首单后 {d} 天仍未再下单的客户, "
                                 "后来再次下单的比例", d=since[i]))
        elif basis[i] == "mbgnbd":
            parts.append(t(lang, "one order: modified BG/NBD (too few second orders in this book to read it off)",
                           "仅 1 单: 按修正 BG/NBD 估计 (本工作簿的二次下单太少)"))
        if lost[i] and pa[i] >= 0.5:
            parts.append(t(lang, "{n} orders, {d} days silent: customers of this book seldom drop out, so the model "
                                 "still rates it likely active; by the lost rule (no order for over {lim:.0f} days) "
                                 "it is Lost", "共 {n} 单, {d} 天未下单: 本工作簿客户很少真正流失, 模型仍判为可能在购; "
                                 "按流失规则 (超过 {lim:.0f} 天未下单) 已流失", n=int(x[i]) + 1, d=since[i],
                           lim=limit[i]))
        notes.append("; ".join(parts) if lang == "en" else "；".join(parts))
    return notes


def _reasons(out: pd.DataFrame, m: pd.DataFrame, gap: pd.Series, texts: dict[str, pd.Series],
             note: ModelError | None, horizon: np.ndarray, settings: Any, lang: Lang) -> tuple[list[str], list[str]]:
    sep = "; " if lang == "en" else "；"
    reasons, signals = [], []
    # A model problem is said once (console, dashboard, data issues), not in every row.
    # Plain lists: row access through pandas is far too slow for 20,000+ customers.
    since_l = out["days_since_last"].astype(int).tolist()
    gap_l = gap.astype(float).tolist()
    x_l = m["x"].tolist()
    q_l = m["q_now"].tolist()
    h_l = np.asarray(horizon, float).tolist()
    pts = {k: out[k].tolist() for k, _, _ in SIGNALS}
    risk_l = out["churn_risk"].tolist()
    lost_l = (out["lifecycle"] == "Lost").tolist()
    text_l = {k: v.tolist() for k, v in texts.items()}
    medium = float(settings.risk_medium)
    for i in range(len(since_l)):
        items: list[tuple[float, str]] = []
        since, g = since_l[i], gap_l[i]
        is_lost = lost_l[i]
        if is_lost:  # one sentence for Lost, with the rhythm it broke
            s = (t(lang, "no order for {d} days (usually every {g:.0f} days): Lost",
                   "已 {d} 天未下单 (平时约每 {g:.0f} 天一单), 判定为流失客户", d=since, g=g) if x_l[i] > 0 else
                 t(lang, "ordered once, {d} days ago: Lost", "仅下过 1 单, 已 {d} 天未再下单, 判定为流失客户",
                   d=since))
            items.append((101.0, s))
        elif pts["pts_overdue"][i] >= 0.5 and since > g:
            if x_l[i] > 0:
                s = t(lang, "{d} days since the last order; usually orders every {g:.0f} days",
                      "{d} 天未下单, 平时约每 {g:.0f} 天一单", d=since, g=g)
            else:
                s = t(lang, "ordered once, {d} days ago; customers here usually reorder within {g:.0f} days",
                      "仅下过 1 单, 已 {d} 天; 客户通常约 {g:.0f} 天内再次下单", d=since, g=g)
            items.append((pts["pts_overdue"][i], s))
        for key, text in text_l.items():
            if pts[key][i] >= 0.5 and text[i]:
                items.append((pts[key][i], text[i]))
        signal_items = [s for _, s in sorted(items, key=lambda p: -p[0])]
        if not note and (pts["pts_model"][i] >= medium or (not items and risk_l[i] >= medium)):
            items.append((pts["pts_model"][i], t(
                lang, "model (BG/NBD): at the current buying rate, {p:.0%} chance of no order in the next"
                " {h:.0f} days", "模型 (BG/NBD): 按目前的购买频率, 未来 {h:.0f} 天不下单的概率为 {p:.0%}",
                p=q_l[i], h=h_l[i])))
        items.sort(key=lambda p: -p[0])
        text = sep.join(s for _, s in items) or t(lang, "no warning signs", "无预警信号")
        reasons.append(text)
        signals.append(sep.join(signal_items) or t(lang, "no warning signs recorded", "无预警记录"))
    return reasons, signals


# ---- win-back list ---------------------------------------------------------------------------
def winback(customers: pd.DataFrame | None, churn: pd.DataFrame, frames: Frames, settings: Any,
            lang: Lang = "zh", *, complaints: pd.DataFrame | None = None) -> pd.DataFrame:
    """Lost customers ranked by win-back worth (a year; the churn sheet's), with past value, last
    contact, the signals before the loss and the reason.

    Past value is classify's ``value`` where given, else revenue. Last contact is the later of
    the last order and the last visit. "Signals before loss" are the early-warning signals
    evaluated when the customer went quiet (last order + usual gap, by month), so a
    complaint a year before the loss still shows. The recorded reason comes from the
    master's 流失原因/Lost Reason, sorted into controllable or not by its words (seed 003).
    ``complaints`` is the complaint tracker's frame; without it the master register is used.
    """
    cols = [c.key for c in WINBACK_COLUMNS]
    lost = churn[churn["lifecycle"] == "Lost"]
    if lost.empty:
        return pd.DataFrame(columns=cols)
    keys = lost.index
    last_order = pd.to_datetime(lost["last_order"], errors="coerce")
    asof = (last_order + pd.to_timedelta(lost["days_since_last"], unit="D")).max()
    revenue = pd.to_numeric(lost["revenue"], errors="coerce").fillna(0.0)
    value = revenue
    if customers is not None and not customers.empty and "value" in (
            customers.columns if "customer_key" in customers.columns else customers.reset_index().columns):
        value = pd.to_numeric(_by_key(customers, keys)["value"], errors="coerce").fillna(revenue)
    contact = last_order.copy()
    v = frames.visits
    if v is not None and {"customer_key", "visit_date"} <= set(v.columns):
        vd = pd.to_datetime(v["visit_date"], errors="coerce")
        vd = vd.where(vd <= asof)
        last_visit = vd.groupby(v["customer_key"].astype(str)).max().reindex(keys)
        contact = pd.concat([contact, last_visit], axis=1).max(axis=1)
    reason = pd.Series("", index=keys)
    m = frames.customers
    if m is not None and {"customer_key", "lost_reason"} <= set(m.columns):
        rec = {str(k): sig.text_of(x) for k, x in zip(m["customer_key"], m["lost_reason"]) if sig.text_of(x)}
        reason = pd.Series([rec.get(k, "") for k in keys], index=keys)
    out = pd.DataFrame(index=keys)
    for name in ("customer_id", "customer", "tier", "days_since_last", "rep"):
        out[name] = lost[name]
    out["past_value"] = value.clip(lower=0)
    out["revenue"] = revenue
    out["last_order"] = last_order
    out["last_contact"] = contact.fillna(last_order)
    out["signals"] = _signals_before_loss(lost, frames, complaints, settings, asof, lang)
    out["controllable"] = [_controllable(r, lang) for r in reason]
    out["lost_reason"] = [r or t(lang, "not recorded: fill Lost Reason in the customer master",
                                 "未记录: 请在客户档案填写流失原因") for r in reason]
    # The same order as the churn sheet's Lost section: what winning them back is worth a year.
    out["winback_worth"] = pd.to_numeric(lost["winback_worth"], errors="coerce").fillna(0.0) \
        if "winback_worth" in lost.columns else value.clip(lower=0)
    out = out.sort_values(["winback_worth", "past_value", "revenue"], ascending=False, kind="mergesort")
    out["rank"] = np.arange(1, len(out) + 1)
    return out[cols]


def _signals_before_loss(lost: pd.DataFrame, frames: Frames, complaints: pd.DataFrame | None, settings: Any,
                         asof: pd.Timestamp, lang: Lang) -> pd.Series:
    o = _clean_orders(frames, asof)
    register = complaints if complaints is not None else frames.complaints
    quiet = pd.to_datetime(lost["last_order"]) + pd.to_timedelta(lost["usual_gap_days"].fillna(0), unit="D")
    when = quiet.dt.to_period("M").dt.to_timestamp(how="end").dt.normalize().clip(upper=asof)
    sep = "; " if lang == "en" else "；"
    result = pd.Series("", index=lost.index, dtype=object)
    # Each month's signals read only its own customers' orders (all orders for every month
    # was quadratic in book size); only "the rep has no recent orders" needs all of them.
    everyone = o[["day", "rep"]].sort_values("day", kind="mergesort") if "rep" in o.columns else o[["day"]]
    o = o[o["customer_key"].isin(lost.index)]
    frames = dataclasses.replace(frames, customers=_rows_of(frames.customers, lost.index),
                                 deliveries=_rows_of(frames.deliveries, lost.index))
    idle_days = int(settings.rep_idle_days)
    reg_keys = (register["customer_key"].astype(str)
                if register is not None and "customer_key" in register.columns else None)
    for at, group in lost.groupby(when, sort=True):
        keys = group.index
        reg = None
        if reg_keys is not None:
            reg = register[reg_keys.isin(keys)].copy()
            received = pd.to_datetime(sig.column(reg, "received"), errors="coerce")
            closed = pd.to_datetime(sig.column(reg, "closed"), errors="coerce")
            reg = reg[received.isna() | (received <= at)]
            reg["is_open"] = (closed.isna() | (closed > at)).loc[reg.index]
            if "is_dissatisfied" not in reg.columns:
                said = sig.column(reg, "satisfaction", "").astype(str).str.lower()
                reg["is_dissatisfied"] = said.str.contains("不满|dissatisf|unsatisf", regex=True)
        mine = o[o["customer_key"].isin(keys)]
        parts = sig.all_signals(mine[mine["day"] <= at], frames, reg, keys,
                                group["rep"].where(group["rep"] != "-", ""), settings, at, lang,
                                active=sig.active_reps(everyone.iloc[:everyone["day"].searchsorted(at, side="right")],
                                                      at, idle_days))
        sts = [st.to_numpy(float) for _, st, _ in parts]
        txs = [tx.tolist() for _, _, tx in parts]
        joined = [sep.join(txs[j][i] for j in range(len(parts)) if sts[j][i] > 0 and txs[j][i])
                  for i in range(len(keys))]
        result[keys] = joined
    none = t(lang, "no warning signs recorded before the loss", "流失前无预警记录")
    return result.where(result != "", none)


def _rows_of(frame: pd.DataFrame | None, keys: pd.Index) -> pd.DataFrame | None:
    """The rows of these customers (the signals look at no others), filtered once, not per month."""
    if frame is None or "customer_key" not in frame.columns:
        return frame
    return frame[frame["customer_key"].astype(str).isin(keys)]


def _controllable(reason: str, lang: Lang) -> str:
    low = reason.lower()
    if not low:
        return t(lang, "Unknown", "未知")
    if any(w in low for w in _UNCONTROLLABLE):
        return t(lang, "Uncontrollable", "不可控")
    if any(w in low for w in _CONTROLLABLE):
        return t(lang, "Controllable", "可控")
    return t(lang, "Unknown", "未知")


# ---- headline figures (console, dashboard) ------------------------------------------------
def headline(churn: pd.DataFrame, settings: Any, lang: Lang = "zh") -> dict[str, Any]:
    """The churn headline, at risk and lost counted apart: keys ``at_risk`` (active customers
    at High risk), ``at_risk_loss`` (their expected loss), ``lost`` (lifecycle Lost),
    ``text`` ("N at risk (¥X expected loss), M already lost"), ``model_note`` (the model
    problem in ``lang``, or ""), ``backtest`` (how the score did on the book's past, in words,
    or that it uses the default weights) and ``backtest_top_fifth`` (the share, or NaN)."""
    if len(churn):
        lost = (churn["lifecycle"] == "Lost").to_numpy()
        high = ~lost & (churn["risk_level"] == "High").to_numpy()
        loss = float(pd.to_numeric(churn["expected_loss"], errors="coerce")[high].sum())
    else:
        lost = high = np.zeros(0, bool)
        loss = 0.0
    cur = str(getattr(settings, "currency", "¥") or "")
    n, m = int(high.sum()), int(lost.sum())
    text = t(lang, "{n} at risk ({c}{x:,.0f} expected loss), {m} already lost",
             "{n} 个在册客户高风险 (预计损失 {c}{x:,.0f}), {m} 个已流失", n=n, m=m, x=loss, c=cur)
    bt = churn.attrs.get("backtest") or {}
    return {"at_risk": n, "at_risk_loss": loss, "lost": m, "text": text,
            "model_note": str(churn.attrs.get("note") or ""), "backtest": str(bt.get("text") or ""),
            "backtest_top_fifth": float(bt.get("top_fifth", float("nan"))) if bt.get("calibrated") else float("nan")}


def model_issue(churn: pd.DataFrame, lang: Lang) -> list[Issue]:
    """The churn model's problem as one data-issues row (none when the model was fitted)."""
    note = churn.attrs.get("note")
    if not note:
        return []
    return [Issue(sheet=sheet_name("churn", lang), cell="", problem=str(note),
                  fix=t(lang, "Churn Risk uses the warning signals and each customer's rhythm; P(alive) is left "
                              "blank. A longer order history (more customers who ordered twice) lets the model run.",
                        "流失风险按预警信号和客户自身下单节奏计算, 存活概率留空; 订单历史更长 (更多客户下过两单以上) "
                        "后即可使用模型"))]


# ---- cost of churn (seed 003) ---------------------------------------------------------------
def churn_cost(customers: float, lost_share: float, revenue_each: float, margin: float) -> dict[str, float]:
    """The textbook's chain: customers x share lost, x revenue each, x margin (seed 003)."""
    lost = customers * lost_share
    revenue_lost = lost * revenue_each
    return {"lost": lost, "revenue_lost": revenue_lost, "profit_lost": revenue_lost * margin}


def churn_cost_summary(customers_frame: pd.DataFrame | None, churn: pd.DataFrame, settings: Any,
                       lang: Lang = "zh") -> list[tuple[str, str, float, str]]:
    """Dashboard rows (en, zh, value, kind) computing the textbook's churn cost on this workbook.

    Customers = those with an order; lost share = Lost among them; revenue each = a lost
    customer's yearly revenue while it bought (revenue over its active years, at least one);
    margin = the book's profit / revenue where profit is known (rows left out otherwise).
    """
    n = len(churn)
    if n == 0:
        return [("Customers who ordered", "下单客户数", 0.0, "int")]
    view = churn.copy()
    if customers_frame is not None and not customers_frame.empty:
        c = customers_frame.set_index("customer_key") if "customer_key" in customers_frame.columns \
            else customers_frame
        c = c[~c.index.duplicated()]
        c.index = c.index.astype(str)
        for name in ("revenue", "profit", "first_order", "last_order", "median_gap_days"):
            if name in c.columns:
                view[name] = c[name].reindex(view.index)
    lost = view["lifecycle"] == "Lost"
    revenue = pd.to_numeric(view.get("revenue", pd.Series(np.nan, index=view.index)), errors="coerce")
    years = pd.Series(1.0, index=view.index)
    if "first_order" in view.columns and "last_order" in view.columns:
        span = (pd.to_datetime(view["last_order"]) - pd.to_datetime(view["first_order"])).dt.days
        years = ((span + view["usual_gap_days"]) / 365.0).clip(lower=1.0).fillna(1.0)
    yearly = (revenue / years)
    pool = yearly[lost] if lost.any() else yearly
    revenue_each = float(pool.mean()) if pool.notna().any() else 0.0
    share = float(lost.mean())
    profit = pd.to_numeric(view.get("profit", pd.Series(np.nan, index=view.index)), errors="coerce")
    known = profit.notna() & (revenue > 0)
    margin = float(profit[known].sum() / revenue[known].sum()) if known.any() else None
    head = headline(churn, settings, lang)
    cost = churn_cost(n, share, revenue_each, margin if margin is not None else 1.0)
    rows: list[tuple[str, str, float, str]] = [
        ("Customers who ordered", "下单客户数", float(n), "int"),
        ("Lost customers", "流失客户数", float(lost.sum()), "int"),
        ("Lost share", "流失率", share, "pct"),
        ("Yearly revenue per lost customer", "每个流失客户的年销售额", revenue_each, "money"),
        ("Revenue lost a year (customers x share x revenue)", "每年流失的销售额 (客户数×流失率×单客销售额)",
         cost["revenue_lost"], "money"),
    ]
    if margin is not None:
        rows += [("Margin", "利润率", margin, "pct"),
                 ("Profit lost a year (revenue lost x margin)", "每年流失的利润 (流失销售额×利润率)",
                  cost["profit_lost"], "money")]
    rows += [
        ("High-risk customers now", "当前高风险客户数", float(head["at_risk"]), "int"),
        ("Expected loss of high-risk customers", "高风险客户预计损失", head["at_risk_loss"], "money"),
        ("Expected loss, next 12 months", "预计未来12个月损失", float(churn["expected_loss"].sum()), "money"),
    ]
    return rows
