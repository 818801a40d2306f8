"""Time the visit plan on a synthetic office: N customers, the textbook pyramid, R reps.

Prints figures, asserts nothing: python benchmarks/visits_plan.py [N] [REPS]
"""

from __future__ import annotations

import sys
import time

import numpy as np
import pandas as pd

from xlcrm.model import Frames
from xlcrm.settings import Settings
from xlcrm.visits import plan


def office(n: int, reps: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    keys = [f"C{i:05d}" for i in range(n)]
    share = rng.random(n)
    tier = np.where(share < 0.01, "Key", np.where(share < 0.20, "Major", np.where(share < 0.50, "Regular", "Small")))
    rep = rng.choice([f"业务员{i}" for i in range(reps)], n)
    region = rng.choice(["东区", "西区", "南区", "北区"], n)
    asof = pd.Timestamp("2026-11-23")
    last_order = asof - pd.to_timedelta(rng.integers(0, 200, n), unit="D")
    customers = pd.DataFrame({"customer_id": keys, "customer": keys, "rep": rep, "region": region, "tier": tier,
                              "lifecycle": "Repeat", "last_order": last_order, "status": None},
                             index=pd.Index(keys, name="customer_key"))
    risk = rng.integers(0, 100, n)
    churn = pd.DataFrame({"churn_risk": risk, "risk_level": np.where(risk >= 85, "High", np.where(risk >= 40, "Medium", "Low")),
                          "reasons": "45 天未下单"}, index=customers.index)
    master = pd.DataFrame({"customer_key": keys, "customer_name": keys, "rep": rep, "region": region,
                           "address": [f"{k}路" for k in keys], "phone": "138",
                           "latitude": 31 + rng.random(n) * 0.3, "longitude": 121 + rng.random(n) * 0.3, "status": None})
    seen = rng.random(n) < 0.6
    log = pd.DataFrame({"customer_key": np.array(keys)[seen],
                        "visit_date": asof - pd.to_timedelta(rng.integers(0, 60, seen.sum()), unit="D"),
                        "rep": rep[seen], "visit_type": "上门"})
    frames = Frames(orders=pd.DataFrame({"customer_key": [], "order_date": pd.to_datetime([])}),
                    customers=master, visits=log)
    return frames, customers, churn, asof.date()


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    reps = int(sys.argv[2]) if len(sys.argv) > 2 else 8
    frames, customers, churn, asof = office(n, reps)
    t0 = time.perf_counter()
    p, u = plan(frames, customers, churn, None, Settings(), asof, "zh")
    t1 = time.perf_counter()
    per_day = p.groupby(["rep", "date"]).size()
    print(f"{n} customers, {reps} reps: {t1 - t0:.2f} s; {len(p)} visits/calls, {len(u)} listed unplaced")
    print(f"rows per rep-day: max {per_day.max()}, mean {per_day.mean():.2f}; "
          f"phone share {(p['visit_type'] == 'Phone').mean():.0%}")
    print(u["reason"].str.slice(0, 30).value_counts().head(5).to_string())


if __name__ == "__main__":
    main()
