"""Classification time for 1M order lines / 100k customers (generated), printed.

Run: python benchmarks/bench_classify.py [n_orders] [n_customers]
"""

from __future__ import annotations

import datetime as dt
import sys
import time

import numpy as np
import pandas as pd

from xlcrm.classify import classify, key_accounts, migration, update_history
from xlcrm.model import Frames
from xlcrm.settings import Settings

ASOF = dt.date(2025, 6, 30)


def generate(n_orders: int, n_customers: int, seed: int = 0) -> Frames:
    rng = np.random.default_rng(seed)
    # Skewed activity: a few customers buy a lot (Pareto-like), as in real order books.
    weights = rng.pareto(1.5, n_customers) + 0.05
    cust = rng.choice(n_customers, size=n_orders, p=weights / weights.sum())
    cust[: min(n_orders, n_customers)] = np.arange(min(n_orders, n_customers))  # every customer orders
    keys = np.char.add("C", np.char.zfill(cust.astype(str), 6))
    asof = pd.Timestamp(ASOF)
    date = asof - pd.to_timedelta(rng.integers(0, 3 * 365, n_orders), unit="D")
    amount = np.round(rng.gamma(2.0, 800.0, n_orders), 2)
    cost = np.round(amount * rng.uniform(0.5, 0.95, n_orders), 2)
    due = date + pd.Timedelta(days=30)
    paid = pd.Series(due + pd.to_timedelta(rng.integers(-10, 40, n_orders), unit="D"))
    paid[rng.random(n_orders) < 0.03] = pd.NaT
    orders = pd.DataFrame({
        "order_id": np.char.add("SO", np.arange(n_orders).astype(str)),
        "order_date": date, "customer_key": keys, "customer_id": keys, "customer_name": np.char.add("客户", keys),
        "amount": amount, "cost": cost, "rep": rng.choice(["王", "李", "张", "赵"], n_orders),
        "due_date": due, "paid_date": paid.to_numpy(),
    })
    n_c = n_customers // 20
    complaints = pd.DataFrame({"customer_key": rng.choice(keys, n_c),
                               "received": asof - pd.to_timedelta(rng.integers(0, 365, n_c), unit="D")})
    n_d = n_orders // 2
    deliveries = pd.DataFrame({"customer_key": rng.choice(keys, n_d),
                               "ship_date": asof - pd.to_timedelta(rng.integers(0, 365, n_d), unit="D"),
                               "quantity": rng.integers(1, 100, n_d).astype(float),
                               "returned_qty": np.where(rng.random(n_d) < 0.05, 1.0, 0.0)})
    return Frames(orders=orders, complaints=complaints, deliveries=deliveries)


def main() -> None:
    n_orders = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    n_customers = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
    t0 = time.perf_counter()
    frames = generate(n_orders, n_customers)
    t1 = time.perf_counter()
    s = Settings()
    cpu1 = time.process_time()
    c = classify(frames, s, ASOF, "zh")
    t2 = time.perf_counter()
    cpu2 = time.process_time()
    history = update_history(None, c, dt.date(2025, 3, 31), s)
    frames.history = history
    c2 = classify(frames, s, ASOF, "en")
    t3 = time.perf_counter()
    ka = key_accounts(c2, s, "en")
    mig = migration(c2, "en")
    t4 = time.perf_counter()
    print(f"generated {n_orders:,} order lines / {len(c):,} customers in {t1 - t0:.1f} s")
    print(f"classify (zh, no history):       {t2 - t1:6.2f} s wall, {cpu2 - cpu1:6.2f} s CPU  "
          f"({n_orders / (cpu2 - cpu1) / 1e6:.2f} M lines per CPU second)")
    print(f"update_history + classify (en):  {t3 - t2:6.2f} s")
    print(f"key_accounts + migration:        {t4 - t3:6.2f} s  ({len(ka)} key accounts, {int(mig['total'].sum()):,} in migration)")
    print("tiers:", c["tier"].value_counts().to_dict())
    print("lifecycle:", c["lifecycle"].value_counts().to_dict())


if __name__ == "__main__":
    main()
