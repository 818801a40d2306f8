"""Time complaint tracking and the key figures on synthetic registers (prints, never asserts).

Run: python benchmarks/bench_complaints.py
"""

from __future__ import annotations

import datetime as dt
import time

import numpy as np
import pandas as pd

from xlcrm.complaints import metrics, pareto, repeat_complainers, track
from xlcrm.model import Frames
from xlcrm.settings import Settings


def register(n: int, seed: int = 7) -> tuple[Frames, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    received = pd.Timestamp("2025-06-01") + pd.to_timedelta(rng.integers(0, 540, n), unit="D")
    resp = received + pd.to_timedelta(rng.integers(0, 5, n), unit="D")
    closed = received + pd.to_timedelta(rng.integers(1, 30, n), unit="D")
    keys = [f"C{i}" for i in rng.integers(0, max(n // 5, 1), n)]
    complaints = pd.DataFrame({
        "complaint_id": [f"T{i}" for i in range(n)], "received": received, "customer_key": keys,
        "customer_id": keys, "customer_name": keys,
        "category": rng.choice(["产品质量", "服务态度", "虚假承诺", "送货", "其他"], n),
        "severity": rng.choice(["轻微", "一般", "严重"], n),
        "handler": rng.choice(["张三", "李四", None], n),
        "first_response": resp.where(rng.random(n) < 0.9), "solution": "换货",
        "closed": closed.where(rng.random(n) < 0.7),
        "satisfaction": rng.choice(["高度满意", "一般满意", "无意见", "有些不满意", "极不满意", None], n),
    })
    uniq = sorted(set(keys))
    customers = pd.DataFrame({"customer_id": uniq, "customer": uniq,
                              "tier": rng.choice(["Key", "Major", "Regular", "Small"], len(uniq)),
                              "rep": "r"}, index=pd.Index(uniq, name="customer_key"))
    orders = pd.DataFrame({"order_id": [f"O{i}" for i in range(n * 10)],
                           "order_date": pd.Timestamp("2025-06-01")
                           + pd.to_timedelta(rng.integers(0, 540, n * 10), unit="D")})
    return Frames(orders=orders, complaints=complaints), customers


def main() -> None:
    asof = dt.date(2026, 11, 23)
    s = Settings()
    for n in (1_000, 10_000, 50_000):
        frames, customers = register(n)
        t0 = time.perf_counter()
        tracked = track(frames, customers, s, asof, "zh")
        t1 = time.perf_counter()
        metrics(frames, tracked, s, asof, "zh")
        pareto(tracked, "zh")
        repeat_complainers(tracked, s, asof, "zh")
        t2 = time.perf_counter()
        print(f"{n:>7,} complaints: track {t1 - t0:6.2f} s ({(t1 - t0) / n * 1e6:5.1f} us/row), "
              f"figures {t2 - t1:5.2f} s")


if __name__ == "__main__":
    main()
