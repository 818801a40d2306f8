"""Branch-office order workbooks for the head-office tests and benchmarks/bench_batch.py.

``make_branch(path, office=..., seed=...)`` writes a zh workbook as a branch keeps it: an
order sheet, a customer master, a complaint register and a settings sheet fixing the
as-of date. Customer IDs carry the office's code (BJ-0001), except a few customers the
whole company serves: the same ID in every office (G-0001...), and one each office files
under its own ID and types a little differently (SHARED_NAMES: a space, a full-width
space), so only its normalised name tells it is one company.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np

ASOF = dt.date(2026, 11, 20)
START = dt.date(2024, 6, 1)

SHARED_IDS = [("G-0001", "中联集团有限公司"), ("G-0002", "宏图实业有限公司"), ("G-0003", "长城机电有限公司")]
# One company typed three ways (spaces, full-width letters): one normalised name.
SHARED_NAMES = ["华夏重工有限公司", "华夏重工 有限公司", "华夏重工\u3000有限公司"]
REPS = ["张伟", "李娜", "王强", "刘洋"]
REGIONS = ["城东", "城西", "城南", "城北"]
CATEGORIES = ["产品质量", "服务态度", "送货", "其他"]
SATISFACTION = ["高度满意", "一般满意", "无意见", "有些不满意", "极不满意"]


def make_branch(path: Path, *, office: str, seed: int, customers: int = 40, orders: int = 300,
                asof: dt.date = ASOF, shared: bool = True) -> Path:
    """Write one branch workbook to ``path`` (deterministic for its arguments)."""
    import xlsxwriter

    rng = np.random.default_rng(seed)
    span = (asof - START).days
    cust = [(f"{office}-{i + 1:04d}", f"{office}客户{i + 1}有限公司") for i in range(customers)]
    if shared:
        cust += SHARED_IDS
        cust.append((f"{office}-H001", SHARED_NAMES[seed % len(SHARED_NAMES)]))
    n = len(cust)
    weight = rng.pareto(1.3, n) + 0.05
    size = rng.lognormal(0.0, 0.9, n)
    stop = np.where(rng.random(n) < 0.2, rng.integers(60, span, n), span)  # a fifth stopped buying
    who = rng.choice(n, orders, p=weight / weight.sum())
    day = (rng.random(orders) * stop[who]).astype(int)
    order = np.argsort(day, kind="stable")
    who, day = who[order], day[order]

    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False,
                                         "strings_to_formulas": False, "strings_to_urls": False})
    datef = wb.add_format({"num_format": "yyyy-mm-dd"})
    ws = wb.add_worksheet("订单")
    ws.write_row(0, 0, ["订单编号", "订单日期", "客户编号", "客户名称", "金额", "成本", "业务员", "片区"])
    for r in range(orders):
        c = int(who[r])
        amount = round(float(rng.gamma(2.0, 800.0) * size[c]), 2)
        ws.write_string(r + 1, 0, f"{office}-SO{r + 1:07d}")
        ws.write_datetime(r + 1, 1, dt.datetime.combine(START + dt.timedelta(days=int(day[r])), dt.time()), datef)
        ws.write_string(r + 1, 2, cust[c][0])
        ws.write_string(r + 1, 3, cust[c][1])
        ws.write_number(r + 1, 4, amount)
        ws.write_number(r + 1, 5, round(amount * float(rng.uniform(0.6, 0.85)), 2))
        ws.write_string(r + 1, 6, REPS[c % len(REPS)])
        ws.write_string(r + 1, 7, REGIONS[c % len(REGIONS)])

    ms = wb.add_worksheet("客户档案")
    ms.write_row(0, 0, ["客户编号", "客户名称", "客户状态", "业务员", "片区"])
    for i, (cid, name) in enumerate(cust):
        ms.write_row(i + 1, 0, [cid, name, "成交客户", REPS[i % len(REPS)], REGIONS[i % len(REGIONS)]])
    ms.write_row(n + 1, 0, [f"{office}-P001", f"{office}潜在客户有限公司", "潜在客户", REPS[0], REGIONS[0]])

    cs = wb.add_worksheet("投诉登记")
    cs.write_row(0, 0, ["投诉编号", "受理日期", "客户编号", "客户名称", "投诉类别", "处理人", "首次答复日期",
                        "结案日期", "客户满意度"])
    asof_dt = dt.datetime.combine(asof, dt.time())
    for j in range(max(4, n // 5)):
        c = int(rng.integers(n))
        rec = asof_dt - dt.timedelta(days=int(rng.integers(0, 300)))
        cs.write_string(j + 1, 0, f"{office}-TS{j + 1:04d}")
        cs.write_datetime(j + 1, 1, rec, datef)
        cs.write_string(j + 1, 2, cust[c][0])
        cs.write_string(j + 1, 3, cust[c][1])
        cs.write_string(j + 1, 4, CATEGORIES[j % len(CATEGORIES)])
        if j % 5:
            cs.write_string(j + 1, 5, "周敏")
            resp = rec + dt.timedelta(days=int(rng.integers(0, 4)))
            if resp <= asof_dt:
                cs.write_datetime(j + 1, 6, resp, datef)
            if j % 3 and resp + dt.timedelta(days=5) <= asof_dt:
                cs.write_datetime(j + 1, 7, resp + dt.timedelta(days=5), datef)
                cs.write_string(j + 1, 8, SATISFACTION[j % len(SATISFACTION)])

    ss = wb.add_worksheet("设置")
    ss.write_row(0, 0, ["设置项", "值"])
    ss.write_string(1, 0, "统计日期")
    ss.write_datetime(1, 1, asof_dt, datef)
    wb.close()
    return path
