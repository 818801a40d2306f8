"""Stand-ins for the core modules, for tests of the adapter layer only (shapes, headers,
errors, cache). Each does the obvious thing so a test can tell what the adapter passed in.
Tests of the real numbers (textbook values) use the real core and skip when it is absent."""

from __future__ import annotations

import datetime as dt
import math
import types

import pandas as pd

CALLS: dict[str, int] = {}


def _count(name: str) -> None:
    CALLS[name] = CALLS.get(name, 0) + 1


def assign_tiers(values, revenue=None, ids=None, *, settings=None):
    _count("assign_tiers")
    order = sorted(range(len(values)), key=lambda i: -values[i] if not math.isnan(values[i]) else math.inf)
    n = len(values)
    out = [None] * n
    for rank, i in enumerate(order):
        if math.isnan(values[i]):
            continue
        share = (rank + 1) / n
        out[i] = "Key" if share <= 0.01 else "Major" if share <= 0.2 else "Regular" if share <= 0.5 else "Small"
    return out


def abc_classes(values, *, settings=None):
    _count("abc_classes")
    total = sum(values)
    order = sorted(range(len(values)), key=lambda i: -values[i])
    out, cum = [""] * len(values), 0.0
    for i in order:
        out[i] = "A" if cum / total < 0.8 else "B" if cum / total < 0.95 else "C"
        cum += values[i]
    return out


def rfm_scores(recency_days, frequency, monetary):
    _count("rfm_scores")
    rows = []
    for r, f, m in zip(recency_days, frequency, monetary):
        rs, fs, ms = (5 if r < 30 else 1), (5 if f > 5 else 1), (5 if m > 1000 else 1)
        rows.append({"r": rs, "f": fs, "m": ms, "rfm": f"{rs}{fs}{ms}",
                     "segment": "Important Value" if rs == fs == ms == 5 else "General Win-back"})
    return pd.DataFrame(rows)


def lifecycle_of(order_dates, asof, *, settings=None, status=None, lang="en"):
    _count("lifecycle_of")
    n = len([d for d in order_dates if d <= asof])
    if n == 0:
        return (status or "Prospect"), ("no orders" if lang == "en" else "没有订单")
    return ("New" if n == 1 else "Repeat"), (f"{n} orders" if lang == "en" else f"{n} 笔订单")


def classify(frames, settings, asof, lang):
    _count("classify")
    keys = sorted(frames.orders["customer_key"].unique())
    return pd.DataFrame({"customer_key": keys}).set_index("customer_key", drop=False)


def score(frames, customers, complaints, settings, asof, lang):
    _count("score")
    o = frames.orders
    last = o.groupby("customer_key")["order_date"].max()
    days = (pd.Timestamp(asof) - last).dt.days
    risk = (days.clip(0, 365) / 365 * 100).round(1)
    df = pd.DataFrame({"churn_risk": risk, "p_alive": 1 - risk / 100})
    df["risk_level"] = ["High" if r >= 70 else "Low" for r in risk]
    df["reasons"] = [f"{d} days since last order" for d in days]
    df["expected_loss"] = 0.0
    df.index.name = "customer_key"
    return df


def churn_cost(customers, lost_share, revenue_each, margin):
    _count("churn_cost")
    lost = customers * lost_share
    return {"lost": lost, "revenue_lost": lost * revenue_each, "profit_lost": lost * revenue_each * margin}


def next_visit_date(last_contact, tier, risk_level, asof, *, settings=None, calendar=None):
    _count("next_visit_date")
    every = {"Key": 7, "Major": 14, "Regular": 30, "Small": 90}[tier]
    return (last_contact or asof) + dt.timedelta(days=every)


def response_due(received, tier, severity, *, settings=None, calendar=None):
    _count("response_due")
    return received if tier in ("Key", "Major") else received + dt.timedelta(days=1)


def satisfaction_index(perception, expectation):
    _count("satisfaction_index")
    return perception / expectation


def rank_order(values, revenue, id_pos):
    _count("rank_order")
    import numpy as np

    return np.lexsort((id_pos, -np.nan_to_num(revenue), -np.asarray(values, dtype=float)))


def id_order(ids):
    import numpy as np

    order = sorted(range(len(ids)), key=lambda i: str(ids[i]))
    pos = np.empty(len(ids), dtype=np.int64)
    pos[order] = np.arange(len(ids))
    return pos


def modules() -> dict[str, types.ModuleType]:
    """name -> fake module, for monkeypatch.setitem(sys.modules, ...)."""
    out = {}
    for name, funcs in {
        "xlcrm.classify": (assign_tiers, abc_classes, rfm_scores, lifecycle_of, classify),
        "xlcrm.churn": (score, churn_cost),
        "xlcrm.visits": (next_visit_date,),
        "xlcrm.complaints": (response_due, satisfaction_index),
        "xlcrm.pyramid": (rank_order, id_order),
    }.items():
        mod = types.ModuleType(name)
        for f in funcs:
            setattr(mod, f.__name__, f)
        out[name] = mod
    return out
