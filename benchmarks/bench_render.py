"""Print how long render_sheet takes for a 15-column result table of 10k and 100k rows.

Run: python benchmarks/bench_render.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from xlcrm.model import Column, SheetSpec, TableSpec
from xlcrm.workbook.render import render_sheet
from xlcrm.workbook.styles import StyleBook

NAMES = ["上海精工机械有限公司", "苏州华东电子科技股份有限公司", "杭州恒达贸易", "Acme Trading Ltd",
         "宁波港城五金制品厂", "无锡新材料", "南京博远自动化设备有限公司"]


def frame(n: int, seed: int = 0) -> tuple[pd.DataFrame, list[Column]]:
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({
        "customer_id": [f"C{i:06d}" for i in range(n)],
        "customer": [f"{NAMES[i % len(NAMES)]}{i}" for i in range(n)],
        "orders": rng.integers(1, 500, n),
        "revenue": rng.gamma(2, 50000, n).round(2),
        "profit": rng.normal(10000, 5000, n).round(2),
        "first_order": pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 1500, n), unit="D"),
        "last_order": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 180, n), unit="D"),
        "lifecycle": rng.choice(["New", "Repeat", "Loyal", "Lost"], n),
        "tier": rng.choice(["Key", "Major", "Regular", "Small"], n),
        "abc": rng.choice(["A", "B", "C"], n),
        "rfm": rng.choice(["Important Value", "General Retention"], n),
        "risk": rng.integers(0, 101, n),
        "level": rng.choice(["High", "Medium", "Low"], n),
        "p_alive": rng.random(n),
        "reasons": rng.choice(["最近90天无订单，较平均间隔长2.3倍", "订单频率下降", ""], n),
    })
    df.loc[df.sample(frac=0.05, random_state=seed).index, "revenue"] = np.nan
    cols = [
        Column("customer_id", "Customer ID", "客户编号"), Column("customer", "Customer", "客户名称"),
        Column("orders", "Orders", "订单数", "int"),
        Column("revenue", "Revenue", "销售额", "money", style="bar"),
        Column("profit", "Profit", "毛利", "money"),
        Column("first_order", "First Order", "首次下单", "date"),
        Column("last_order", "Last Order", "最近下单", "date"),
        Column("lifecycle", "Lifecycle", "生命周期", coded=True),
        Column("tier", "Tier", "客户等级", coded=True), Column("abc", "ABC", "ABC类"),
        Column("rfm", "RFM", "RFM", coded=True),
        Column("risk", "Churn Risk", "流失风险", "score", style="scale"),
        Column("level", "Risk Level", "风险等级", style="risk", coded=True),
        Column("p_alive", "P(alive)", "存活概率", "prob"), Column("reasons", "Reasons", "原因"),
    ]
    return df, cols


def main() -> None:
    for n in (10_000, 100_000):
        df, cols = frame(n)
        spec = SheetSpec("customers", "客户分级", [TableSpec("xlcrm_customers", df, cols)])
        best, best_cpu = float("inf"), float("inf")
        for _ in range(3):
            t0, c0 = time.perf_counter(), time.process_time()
            out = render_sheet(spec, lang="zh", styles=StyleBook.minimal(), first_table_id=1)
            best = min(best, time.perf_counter() - t0)
            best_cpu = min(best_cpu, time.process_time() - c0)
        cells = n * len(cols)
        # CPU time too: on a busy machine the wall time says more about the neighbours.
        print(f"{n:>7,} rows x {len(cols)} cols: {best:6.2f} s wall, {best_cpu:6.2f} s CPU  "
              f"({cells / best_cpu / 1e6:.2f} M cells per CPU-second, "
              f"{len(out.xml) / 1e6:.1f} MB XML)")


if __name__ == "__main__":
    main()
