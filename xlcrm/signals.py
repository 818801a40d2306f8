"""Good and bad customer signals (seeds/003 什么样的客户是好客户, 大客户不等于好客户; 004).

Every signal states its evidence (numbers) next to its verdict, and every comparison is
*relative*: the textbook's "a service cost of 200 on a net income of 100,000 is trivial,
10 on 20 is many times larger" means cost is judged against the business it serves, so
complaints are counted per order and returns per quantity shipped, each against the same
rate over all customers, never as raw counts.

Signals (all over the value window unless said otherwise):
- Loss-making (bad, serious): profit below zero.
- Low margin (bad) / high margin (good): margin below margin_low_ratio x, or above
  margin_high_ratio x, the margin of all customers together.
- High service cost (bad, serious): complaints per order, or returned share of quantity
  shipped, above service_cost_multiple x the rate of all customers (and not zero).
- Low service cost (good): complaint and return data exist, none for this customer, and
  at least key_account_min_orders orders.
- Overdue receivables (bad, serious): unpaid orders whose due date plus
  receivable_grace_days has passed by as-of (all history).
- Late payer (bad): at least two receivables due in the window paid late, and more than
  half of those paid. On-time payer (good): at least three paid, none late, none overdue.
- Growing (good): revenue in the window up by more than growth_signal on the window
  before (003: judge small customers by their trend).
- Concentration risk (bad, not serious): more than concentration_share of all value.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from xlcrm import i18n
from xlcrm.model import Lang
from xlcrm.settings import Settings


def _money(x: float, cur: str) -> str:
    return f"{cur}{x:,.0f}"


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def _ratio(a: float, b: float) -> float:
    return a / b if b else float("nan")


def customer_signals(c: pd.DataFrame, settings: Settings, lang: Lang, *, has_profit: bool,
                     has_complaints: bool, has_deliveries: bool, has_receivables: bool) -> pd.DataFrame:
    """Columns signals (text), signal_good, signal_bad (counts), serious (bool), margin,
    complaint_rate, return_rate, value_share for each row of ``c``.

    ``c`` columns: ranked (bool: an order in the window), value, revenue_window, revenue_prev_window,
    profit_window, orders_window, complaints, shipped_qty, returned_qty, overdue_receivables,
    overdue_amount, overdue_days, paid_window, late_window, late_days_mean.
    """
    s = settings
    cur = str(s.currency)
    n = len(c)
    ranked = c["ranked"].to_numpy(dtype=bool)
    rev = c["revenue_window"].fillna(0).to_numpy(dtype=float)
    prof = c["profit_window"].to_numpy(dtype=float)
    orders = c["orders_window"].fillna(0).to_numpy(dtype=float)
    compl = c["complaints"].fillna(0).to_numpy(dtype=float)
    shipped = c["shipped_qty"].fillna(0).to_numpy(dtype=float)
    returned = c["returned_qty"].fillna(0).to_numpy(dtype=float)
    value = c["value"].fillna(0).to_numpy(dtype=float)

    with np.errstate(divide="ignore", invalid="ignore"):
        margin = np.where(rev > 0, prof / rev, np.nan) if has_profit else np.full(n, np.nan)
        compl_rate = np.where(orders > 0, compl / orders, np.nan)
        ret_rate = np.where(shipped > 0, returned / shipped, np.nan)
    base_margin = _ratio(np.nansum(prof[ranked]), rev[ranked].sum()) if has_profit else float("nan")
    base_compl = _ratio(compl[ranked].sum(), orders[ranked].sum())
    base_ret = _ratio(returned.sum(), shipped.sum())
    pos_total = np.clip(value[ranked], 0, None).sum()
    share = np.where(ranked & (pos_total > 0), np.clip(value, 0, None) / (pos_total or 1.0), np.nan)

    good: list[list[str]] = [[] for _ in range(n)]
    bad: list[list[str]] = [[] for _ in range(n)]
    serious = np.zeros(n, dtype=bool)

    def add(mask: np.ndarray, target: list[list[str]], make, is_serious: bool = False) -> None:
        for i in np.flatnonzero(mask):
            target[i].append(make(i))
        if is_serious:
            serious[mask] = True

    if has_profit:
        add(ranked & (prof < 0), bad, lambda i: i18n.t(
            lang, "loss-making: profit {p} on revenue {r}", "亏损：销售额{r}，毛利{p}",
            p=_money(prof[i], cur), r=_money(rev[i], cur)), True)
        if base_margin > 0:
            low = ranked & (prof >= 0) & (margin < s.margin_low_ratio * base_margin)
            add(low, bad, lambda i: i18n.t(lang, "low margin: {m} against {b} for all customers",
                                           "毛利率低：{m}，全体客户为{b}", m=_pct(margin[i]), b=_pct(base_margin)))
            high = ranked & (margin > s.margin_high_ratio * base_margin)
            add(high, good, lambda i: i18n.t(lang, "high margin: {m} against {b} for all customers",
                                             "毛利率高：{m}，全体客户为{b}", m=_pct(margin[i]), b=_pct(base_margin)))
    mult = float(s.service_cost_multiple)
    if has_complaints and base_compl > 0:
        hc = ranked & (compl > 0) & (compl_rate > mult * base_compl)
        add(hc, bad, lambda i: i18n.t(
            lang, "high service cost: {c:.0f} complaints on {o:.0f} orders ({r:.3g} per order, all customers {b:.3g})",
            "服务成本高：{o:.0f}单投诉{c:.0f}次（每单{r:.3g}次，全体客户{b:.3g}次）",
            c=compl[i], o=orders[i], r=compl_rate[i], b=base_compl), True)
    if has_deliveries and base_ret > 0:
        hr = ranked & (returned > 0) & (ret_rate > mult * base_ret)
        add(hr, bad, lambda i: i18n.t(
            lang, "high service cost: returned {r} of quantity shipped (all customers {b})",
            "服务成本高：退货占发货量{r}（全体客户{b}）", r=_pct(ret_rate[i]), b=_pct(base_ret)), True)
    if has_complaints or has_deliveries:
        low_cost = ranked & (compl == 0) & (returned == 0) & (orders >= int(s.key_account_min_orders))
        add(low_cost, good, lambda i: i18n.t(lang, "low service cost: no complaints or returns on {o:.0f} orders",
                                             "服务成本低：{o:.0f}单无投诉、无退货", o=orders[i]))
    if has_receivables:
        od = c["overdue_receivables"].fillna(0).to_numpy(dtype=float)
        od_amt = c["overdue_amount"].fillna(0).to_numpy(dtype=float)
        od_days = c["overdue_days"].fillna(0).to_numpy(dtype=float)
        paid = c["paid_window"].fillna(0).to_numpy(dtype=float)
        late = c["late_window"].fillna(0).to_numpy(dtype=float)
        late_days = c["late_days_mean"].fillna(0).to_numpy(dtype=float)
        add(od > 0, bad, lambda i: i18n.t(
            lang, "overdue receivables: {n:.0f} unpaid ({a}), oldest {d:.0f} days past due",
            "应收逾期：{n:.0f}笔未回款（{a}），最久逾期{d:.0f}天", n=od[i], a=_money(od_amt[i], cur), d=od_days[i]),
            True)
        add((late >= 2) & (late > paid / 2), bad, lambda i: i18n.t(
            lang, "pays late: {l:.0f} of {p:.0f} receivables paid late, {d:.0f} days on average",
            "回款慢：{p:.0f}笔中{l:.0f}笔逾期回款，平均晚{d:.0f}天", l=late[i], p=paid[i], d=late_days[i]))
        add((paid >= 3) & (late == 0) & (od == 0), good, lambda i: i18n.t(
            lang, "pays on time: all {p:.0f} receivables paid by the due date",
            "回款及时：{p:.0f}笔应收均按期回款", p=paid[i]))
    # 003: judge small customers by their trend, not one point in time ("要用动态的眼光,要看趋势").
    prev = c["revenue_prev_window"].fillna(0).to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        growth = np.where(prev > 0, rev / prev - 1, np.nan)
    days = int(s.value_window_days)
    add(ranked & (growth > float(s.growth_signal)), good, lambda i: i18n.t(
        lang, "growing: revenue {r} in the last {d} days against {p} in the {d} before (+{g})",
        "增长：近{d}天销售额{r}，前{d}天{p}（+{g}）", r=_money(rev[i], cur), p=_money(prev[i], cur), d=days,
        g=_pct(growth[i])))
    conc = float(s.concentration_share)
    add(ranked & (share > conc), bad, lambda i: i18n.t(
        lang, "concentration risk: {s} of all value (above {c})", "集中度风险：占全部价值{s}（超过{c}）",
        s=_pct(share[i]), c=_pct(conc)))

    good_label = i18n.t(lang, "Good: ", "优：")
    bad_label = i18n.t(lang, "Bad: ", "劣：")
    sep = i18n.t(lang, "; ", "；")
    texts = []
    for g, b in zip(good, bad):
        parts = []
        if g:
            parts.append(good_label + sep.join(g))
        if b:
            parts.append(bad_label + sep.join(b))
        texts.append(i18n.t(lang, ". ", "。").join(parts))
    return pd.DataFrame({
        "signals": texts, "signal_good": [len(g) for g in good], "signal_bad": [len(b) for b in bad],
        "serious": serious, "margin": margin, "complaint_rate": compl_rate, "return_rate": ret_rate,
        "value_share": share,
    }, index=c.index)
