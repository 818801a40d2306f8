"""Churn early-warning signals: each gives a strength 0..1 and a sentence per customer.

Used by ``xlcrm.churn.score`` (as of the as-of date) and ``xlcrm.churn.winback`` (as of the
time a lost customer stopped). Strengths combine by noisy-OR in ``score``; the numbers here
are deliberate, documented choices, not fitted values.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from xlcrm.i18n import t
from xlcrm.model import Frames, Lang
from xlcrm.parsing import is_departed

# Tuning of the order-based signals (see each function's docstring).
RHYTHM_MIN_GAPS = 5  # gaps needed before a rhythm counts as steady
RHYTHM_FROM = 1.5  # overdue signal starts at this many usual gaps of silence
RHYTHM_SLOPE = 0.25  # strength per further usual gap of silence
RHYTHM_CAP = 0.8  # strongest overdue signal
RHYTHM_CV_WEIGHT = 2.0  # regularity = 1 - this x CV of the gaps (random, Poisson-like buying: CV ~ 1)
LESS_MIN_EARLY = 4  # earlier orders needed to judge "buying less"
LESS_FROM = 0.5  # smallest drop that counts
LESS_MIN_EXPECTED = 3  # orders the customer usually places in the recent period

_NO_WORDS = {"", "否", "无", "没有", "no", "n", "none", "false", "0", "nan", "-", "正常", "ok"}
_YES_WORDS = {"是", "有", "yes", "y", "true", "1", "x", "√", "✓"}


def fmt_money(v: float) -> str:
    return f"{v:,.0f}"


def column(frame: pd.DataFrame, name: str, default: Any = np.nan) -> pd.Series:
    return frame[name] if name in frame.columns else pd.Series(default, index=frame.index)



def gap_stats(days: pd.DataFrame) -> pd.DataFrame:
    """Per customer: median, coefficient of variation and count of days between order days."""
    d = days.sort_values(["customer_key", "day"])
    gap = d.groupby("customer_key")["day"].diff().dt.days
    g = gap.groupby(d["customer_key"])
    mean = g.mean()
    return pd.DataFrame({"median": g.median(), "cv": g.std(ddof=0) / mean.where(mean > 0), "n": g.count()})


def gaps(days: pd.DataFrame) -> pd.Series:
    """Median days between distinct order days, per customer (NaN for one-time buyers)."""
    return gap_stats(days)["median"]


def rhythm(days: pd.DataFrame, keys: pd.Index, since: np.ndarray, gap: pd.Series) -> np.ndarray:
    """Strength of "overdue against a steady rhythm", on top of the model.

    The model treats purchases as random (Poisson), so a long silence from a customer who
    orders like clockwork alarms it too little; B2B customers often do order on a rhythm.
    Strength = regularity x min(RHYTHM_CAP, RHYTHM_SLOPE x (days since / usual gap - RHYTHM_FROM)),
    regularity = 1 - RHYTHM_CV_WEIGHT x CV of the own gaps (needs RHYTHM_MIN_GAPS gaps). Irregular
    buyers get ~0, so it barely moves the ranking on retail data like CDNOW.
    """
    st = gap_stats(days).reindex(keys)
    regular = (1 - RHYTHM_CV_WEIGHT * st["cv"].fillna(1.0)).clip(0, 1)
    regular = regular.where(st["n"] >= RHYTHM_MIN_GAPS, 0.0).to_numpy(float)
    ratio = since / np.maximum(gap.reindex(keys).to_numpy(float), 1.0)
    return regular * np.minimum(RHYTHM_CAP, RHYTHM_SLOPE * np.maximum(0.0, ratio - RHYTHM_FROM))



# ---- signals: each returns (strength 0..1, sentence) per customer -----------------------
def buying_less(o: pd.DataFrame, keys: pd.Index, asof: pd.Timestamp, recent_days: int,
                lang: Lang) -> tuple[pd.Series, pd.Series]:
    """Still ordering, but less than the customer's own earlier rate (count or amount).

    Earlier rate = orders (or amount) before the recent period / days from the first order
    to the start of the recent period; needs LESS_MIN_EARLY earlier orders over at least
    ``recent_days`` and LESS_MIN_EXPECTED orders usually in such a period. A customer with
    no recent order is left to the overdue signal (left, not buying less). Strength = 0.35 x
    the larger drop, from a LESS_FROM drop on.
    """
    strength = pd.Series(0.0, index=keys)
    cut = asof - pd.Timedelta(days=recent_days)
    first = o.groupby("customer_key")["day"].min().reindex(keys)
    span = (cut - first).dt.days.to_numpy(float)
    rec, early = o[o["day"] > cut], o[o["day"] <= cut]
    n_rec = rec.groupby("customer_key")["day"].nunique().reindex(keys).fillna(0).to_numpy(float)
    n_early = early.groupby("customer_key")["day"].nunique().reindex(keys).fillna(0).to_numpy(float)
    ok = (span >= recent_days) & (n_early >= LESS_MIN_EARLY) & (n_rec >= 1)
    scale = np.where(ok, recent_days / np.maximum(span, 1.0), 0.0)
    exp_n = n_early * scale
    ok &= exp_n >= LESS_MIN_EXPECTED  # one or two orders per period: too few to call a fall
    drop_n = np.where(ok & (exp_n > 0), 1 - n_rec / np.maximum(exp_n, 1e-12), 0.0)
    has_amt = "amount" in o.columns
    if has_amt:
        a_rec = rec.groupby("customer_key")["amount"].sum().reindex(keys).fillna(0).to_numpy(float)
        a_early = early.groupby("customer_key")["amount"].sum().reindex(keys).fillna(0).to_numpy(float)
        exp_a = a_early * scale
        drop_a = np.where(ok & (exp_a > 0), 1 - a_rec / np.maximum(exp_a, 1e-12), 0.0)
    else:
        a_rec = exp_a = drop_a = np.zeros(len(keys))
    drop = np.maximum(drop_n, drop_a)
    fire = ok & (drop >= LESS_FROM)
    strength[:] = np.where(fire, np.minimum(0.35, 0.35 * drop), 0.0)
    lines = [""] * len(keys)
    for i in np.flatnonzero(fire):
        if has_amt and drop_a[i] >= drop_n[i]:
            lines[i] = t(lang, "bought {r} in the last {d} days against about {e} before (down {p:.0%})",
                             "近 {d} 天采购 {r}, 以往同期约 {e} (下降 {p:.0%})", d=recent_days,
                             r=fmt_money(a_rec[i]), e=fmt_money(exp_a[i]), p=drop_a[i])
        else:
            lines[i] = t(lang, "{r} orders in the last {d} days against about {e:.1f} before",
                         "近 {d} 天 {r} 单, 以往同期约 {e:.1f} 单", d=recent_days, r=int(n_rec[i]),
                         e=exp_n[i])
    return strength, pd.Series(lines, index=keys, dtype=object)


def complaints(register: pd.DataFrame | None, keys: pd.Index, asof: pd.Timestamp,
               window: int, lang: Lang) -> tuple[pd.Series, pd.Series]:
    strength = pd.Series(0.0, index=keys)
    text = pd.Series("", index=keys)
    if register is None or register.empty or "customer_key" not in register.columns:
        return strength, text
    c = register.copy()
    c["customer_key"] = c["customer_key"].astype(str)
    received = pd.to_datetime(column(c, "received"), errors="coerce")
    c = c[received.isna() | (received <= asof)]
    received = pd.to_datetime(column(c, "received"), errors="coerce")
    is_open = column(c, "is_open", False).fillna(False).astype(bool)
    recent = received.isna() | (received > asof - pd.Timedelta(days=window))
    c = c[is_open | recent]
    if c.empty:
        return strength, text
    c = c.assign(_open=column(c, "is_open", False).fillna(False).astype(bool),
                 _over=column(c, "overdue", "No").astype(str).str.strip().isin(["Yes", "是", "True", "true"]),
                 _dis=column(c, "is_dissatisfied", False).fillna(False).astype(bool))
    agg = c.groupby("customer_key").agg(n=("_open", "size"), open=("_open", "sum"), over=("_over", "sum"),
                                        dis=("_dis", "sum"))
    agg = agg[agg.index.isin(keys)]  # one pass over the customers who complained, not a Series write each
    st_d: dict[Any, float] = {}
    tx_d: dict[Any, str] = {}
    for k, n, op, ov, di in zip(agg.index, agg["n"].tolist(), agg["open"].tolist(), agg["over"].tolist(),
                                agg["dis"].tolist()):
        n, op, ov, di = int(n), int(op), int(ov), int(di)
        s = 0.05 * (n - op) + 0.15 * op + 0.10 * ov + 0.20 * di
        st_d[k] = min(0.5, s)
        parts = [t(lang, "{n} complaint(s) in {w} days", "{w} 天内投诉 {n} 次", n=n, w=window)]
        if op:
            parts.append(t(lang, "{n} still open", "{n} 件未结案", n=op))
        if ov:
            parts.append(t(lang, "{n} overdue", "{n} 件超期", n=ov))
        if di:
            parts.append(t(lang, "{n} follow-up(s) dissatisfied", "{n} 次回访不满意", n=di))
        tx_d[k] = ", ".join(parts)
    return _keyed(st_d, tx_d, keys, strength, text)


def deliveries(dl: pd.DataFrame | None, keys: pd.Index, asof: pd.Timestamp, window: int,
               lang: Lang) -> tuple[pd.Series, pd.Series]:
    strength = pd.Series(0.0, index=keys)
    text = pd.Series("", index=keys)
    if dl is None or dl.empty or "customer_key" not in dl.columns:
        return strength, text
    d = dl.copy()
    d["customer_key"] = d["customer_key"].astype(str)
    ship = pd.to_datetime(column(d, "ship_date"), errors="coerce")
    promised = pd.to_datetime(column(d, "promised_date"), errors="coerce")
    received = pd.to_datetime(column(d, "received_date"), errors="coerce")
    when = ship.fillna(received).fillna(promised)
    keep = when.notna() & (when <= asof) & (when > asof - pd.Timedelta(days=window))
    d, ship, promised, received = d[keep], ship[keep], promised[keep], received[keep]
    if d.empty:
        return strength, text
    qty = pd.to_numeric(column(d, "quantity"), errors="coerce")
    ordered = pd.to_numeric(column(d, "ordered_qty"), errors="coerce")
    returned = pd.to_numeric(column(d, "returned_qty"), errors="coerce").fillna(0)
    arrived = received.where(received.notna() & (received <= asof))
    late = promised.notna() & ((arrived > promised) | (arrived.isna() & ship.notna() & (ship > promised))
                               | (arrived.isna() & (promised < asof) & ship.isna()))
    flags = pd.DataFrame({"customer_key": d["customer_key"], "ret": returned > 0,
                          "short": qty.notna() & ordered.notna() & (qty < ordered), "late": late,
                          "n": True})
    agg = flags.groupby("customer_key")[["ret", "short", "late", "n"]].sum()
    agg = agg[agg.index.isin(keys)]
    st_d: dict[Any, float] = {}
    tx_d: dict[Any, str] = {}
    for k, r, sh, la in zip(agg.index, agg["ret"].tolist(), agg["short"].tolist(), agg["late"].tolist()):
        r, sh, la = int(r), int(sh), int(la)
        if r + sh + la == 0:
            continue
        st_d[k] = min(0.4, 0.10 * r + 0.06 * sh + 0.06 * la)
        parts = []
        if r:
            parts.append(t(lang, "{n} return(s)", "退货 {n} 次", n=r))
        if sh:
            parts.append(t(lang, "{n} short delivery(ies)", "少发 {n} 次", n=sh))
        if la:
            parts.append(t(lang, "{n} late delivery(ies)", "延迟交货 {n} 次", n=la))
        tx_d[k] = t(lang, "{p} in the last {w} days", "近 {w} 天{p}", p=", ".join(parts), w=window)
    return _keyed(st_d, tx_d, keys, strength, text)


def receivables(o: pd.DataFrame, keys: pd.Index, asof: pd.Timestamp, grace: int, window: int,
                lang: Lang) -> tuple[pd.Series, pd.Series]:
    strength = pd.Series(0.0, index=keys)
    text = pd.Series("", index=keys)
    if "due_date" not in o.columns:
        return strength, text
    due = pd.to_datetime(o["due_date"], errors="coerce")
    paid = pd.to_datetime(column(o, "paid_date"), errors="coerce")
    paid = paid.where(paid <= asof)  # a payment after the as-of date has not happened yet
    limit = due + pd.Timedelta(days=grace)
    unpaid = due.notna() & paid.isna() & (limit < asof)
    late_paid = due.notna() & paid.notna() & (paid > limit) & (paid > asof - pd.Timedelta(days=window))
    amount = column(o, "amount", np.nan).astype(float)
    f = pd.DataFrame({"k": o["customer_key"], "unpaid": unpaid, "late": late_paid,
                      "amt": amount.where(unpaid, 0.0).fillna(0.0),
                      "oldest": due.where(unpaid), "late_days": (paid - limit).dt.days.where(late_paid)})
    agg = f.groupby("k").agg(unpaid=("unpaid", "sum"), late=("late", "sum"), amt=("amt", "sum"),
                             oldest=("oldest", "min"), late_days=("late_days", "mean"))
    agg = agg[agg.index.isin(keys) & ((agg["unpaid"] != 0) | (agg["late"] != 0))]
    st_d: dict[Any, float] = {}
    tx_d: dict[Any, str] = {}
    for k, n_unpaid, n_late, amt, oldest, late_days in zip(
            agg.index, agg["unpaid"].tolist(), agg["late"].tolist(), agg["amt"].tolist(),
            agg["oldest"].tolist(), agg["late_days"].tolist()):
        s, parts = 0.0, []
        if n_unpaid:
            days = int((asof - oldest).days)
            s += min(0.3, 0.15 + 0.05 * n_unpaid)
            parts.append(t(lang, "{n} unpaid order(s) past due ({a}), oldest due {d} days ago",
                           "{n} 笔应收逾期未回款 ({a}), 最早已逾期 {d} 天", n=int(n_unpaid),
                           a=fmt_money(amt), d=days))
        if n_late:
            s += min(0.15, 0.05 * n_late)
            parts.append(t(lang, "{n} payment(s) made late, {d:.0f} days on average",
                           "{n} 笔回款逾期, 平均晚 {d:.0f} 天", n=int(n_late), d=late_days))
        st_d[k] = min(0.4, s)
        tx_d[k] = "; ".join(parts)
    return _keyed(st_d, tx_d, keys, strength, text)


def _keyed(st_d: dict[Any, float], tx_d: dict[Any, str], keys: pd.Index, strength: pd.Series,
           text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Write the per-customer results into ``strength``/``text`` at once (a label write each is slow)."""
    if st_d:
        pos = keys.get_indexer(list(st_d))
        sv = strength.to_numpy(dtype=float, copy=True)
        sv[pos] = list(st_d.values())
        strength = pd.Series(sv, index=keys)
    if tx_d:
        pos = keys.get_indexer(list(tx_d))
        tv = text.to_numpy(dtype=object, copy=True)
        tv[pos] = list(tx_d.values())
        text = pd.Series(tv, index=keys, dtype=text.dtype)
    return strength, text


def text_of(v: Any) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA or v is pd.NaT:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))  # an ID typed as a number reads 1001, not 1001.0
    return str(v).strip()


def _master_by_key(master: pd.DataFrame, field: str, keys: pd.Index) -> pd.DataFrame:
    """The master's ``customer_key`` and ``field`` (as ``text_of``) on rows whose key is in ``keys``."""
    k = master["customer_key"].astype(str)
    inside = k.isin(keys).to_numpy()
    return pd.DataFrame({"k": k[inside].to_numpy(object),
                         "v": [text_of(v) for v in master[field].to_numpy(object)[inside]]})


def active_reps(o: pd.DataFrame, asof: pd.Timestamp, idle_days: int) -> set[str] | None:
    """Reps with an order in the ``idle_days`` up to ``asof`` (None: no order at all then)."""
    if "rep" not in o.columns:
        return None
    recent = o[o["day"] > asof - pd.Timedelta(days=idle_days)]
    if recent.empty:
        return None
    return {text_of(r) for r in recent["rep"].unique()}


def rep_gone(o: pd.DataFrame, frames: Frames, rep: pd.Series, keys: pd.Index, settings: Any,
             asof: pd.Timestamp, lang: Lang, *, active: set[str] | None | bool = False
             ) -> tuple[pd.Series, pd.Series]:
    """``active``: the reps with recent orders when the caller knows them (``active_reps``)."""
    master = frames.customers
    status: dict[str, str] = {}
    if master is not None and "customer_key" in master.columns and "rep_status" in master.columns:
        m = _master_by_key(master, "rep_status", keys)
        status = dict(zip(m["k"], m["v"]))  # the last row of a key wins
    departed = {str(r).strip() for r in (settings.departed_reps or []) if str(r).strip()}
    idle_days = int(settings.rep_idle_days)
    if active is False:
        active = active_reps(o, asof, idle_days)
    st_l, tx_l = [0.0] * len(keys), [""] * len(keys)
    for i, (k, r) in enumerate(zip(keys, rep.tolist())):
        r = text_of(r)
        st = status.get(k, "")
        if st and is_departed(st):  # one word list with the visit plan (xlcrm.parsing)
            st_l[i] = 0.25
            tx_l[i] = t(lang, 'sales rep {r} has left (master says "{s}")', '业务员 {r} 已离开 (客户档案: "{s}")',
                        r=r or "?", s=st)
        elif r and r in departed:
            st_l[i] = 0.25
            tx_l[i] = t(lang, "sales rep {r} has left (Departed reps setting)", "业务员 {r} 已离职 (设置: 离职业务员)",
                        r=r)
        elif r and active is not None and r not in active:
            st_l[i] = 0.15
            tx_l[i] = t(lang, "sales rep {r} has no orders at all in the last {d} days",
                        "业务员 {r} 近 {d} 天没有任何订单", r=r, d=idle_days)
    strength = pd.Series(st_l, index=keys)
    text = pd.Series(tx_l, index=keys, dtype=object)
    return strength, text


def manual_flag(frames: Frames, keys: pd.Index, lang: Lang) -> tuple[pd.Series, pd.Series]:
    strength = pd.Series(0.0, index=keys)
    text = pd.Series("", index=keys)
    m = frames.customers
    if m is None or "customer_key" not in m.columns or "manual_flag" not in m.columns:
        return strength, text
    st_d: dict[Any, float] = {}
    tx_d: dict[Any, str] = {}
    rows = _master_by_key(m, "manual_flag", keys)
    for k, flag in zip(rows["k"], rows["v"]):
        if flag.lower() in _NO_WORDS:
            continue
        st_d[k] = 0.3  # the last flagged row of a key wins
        tx_d[k] = (t(lang, "flagged by hand in the customer master", "客户档案中人工标记预警")
                   if flag.lower() in _YES_WORDS else
                   t(lang, 'manual flag: "{f}"', '人工标记: "{f}"', f=flag[:80]))
    return _keyed(st_d, tx_d, keys, strength, text)


def all_signals(o: pd.DataFrame, frames: Frames, register: pd.DataFrame | None, keys: pd.Index,
                rep: pd.Series, settings: Any, asof: pd.Timestamp, lang: Lang, *,
                active: set[str] | None | bool = False) -> list[tuple[str, pd.Series, pd.Series]]:
    """(column key, strength, sentence) of each signal after the model's, in the order applied.

    Every signal but the rep's reads only the orders of ``keys``, so ``o`` may hold just
    those when ``active`` (``active_reps`` of all orders) is given.
    """
    window = int(settings.signal_window_days)
    pairs = [
        ("pts_buying_less", buying_less(o, keys, asof, int(settings.recent_days), lang)),
        ("pts_complaints", complaints(register, keys, asof, window, lang)),
        ("pts_deliveries", deliveries(frames.deliveries, keys, asof, window, lang)),
        ("pts_receivables", receivables(o, keys, asof, int(settings.receivable_grace_days), window, lang)),
        ("pts_rep", rep_gone(o, frames, rep, keys, settings, asof, lang, active=active)),
        ("pts_manual", manual_flag(frames, keys, lang)),
    ]
    return [(key, strength, text) for key, (strength, text) in pairs]
