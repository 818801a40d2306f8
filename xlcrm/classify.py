"""Classify customers the way the textbook does (DOMAIN.md sections 1-3; seeds 003, 000, 004).

``classify`` gives one row per customer (every customer_key in the orders or the customer
master), indexed by customer_key: lifecycle (xlcrm.lifecycle), value tier and ABC
(xlcrm.pyramid), RFM (xlcrm.rfm), good/bad signals (xlcrm.signals) and movement since the
previous snapshot (xlcrm.movement). ``key_accounts`` picks the key-account list from it.

What counts as what:
- Orders after as-of and lines without an order date are ignored.
- A purchase (an "order") is one order ID of one customer; lines without an order ID
  are grouped by customer and day (several lines on one day are one purchase). A
  purchase whose net amount is negative is a credit note or return: its amount counts in
  revenue and value, but it is not a purchase (not in Orders, dates or lifecycle).
- Orders, Revenue, Profit, First/Last Order cover all history up to as-of; value, tier,
  ABC, RFM and the signals cover the value window (as-of minus value_window_days, as-of].
- Value = profit where the orders give profit or cost (line profit, else amount - cost;
  lines with neither add nothing), else revenue (``attrs["value_basis"]`` says which).
- Tier population: customers with a purchase in the window. RFM: recency = days from
  the last purchase in the window to as-of, frequency = purchases in the window,
  monetary = revenue in the window.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from xlcrm import i18n
from xlcrm.lifecycle import YEAR_DAYS, lifecycle_of, lifecycle_table, purchase_stats, status_code
from xlcrm.model import Column, Frames, Lang
from xlcrm.movement import (HISTORY_COLUMNS, MIGRATION_COLUMNS, migration, previous_snapshot,
                            tier_change, update_history)
from xlcrm.pyramid import (TIER_RANK, abc_classes, abc_in_order, assign_tiers, id_order, rank_order,
                           tier_counts, tiers_in_order)
from xlcrm.rfm import rfm_scores
from xlcrm.settings import Settings
from xlcrm.signals import customer_signals

__all__ = [
    "CUSTOMER_COLUMNS", "KEY_ACCOUNT_COLUMNS", "MIGRATION_COLUMNS", "HISTORY_COLUMNS",
    "classify", "assign_tiers", "abc_classes", "rfm_scores", "lifecycle_of", "key_accounts",
    "migration", "update_history", "tier_counts", "status_code",
]

CUSTOMER_COLUMNS: list[Column] = [
    # DESIGN.md section 4 (stable contract), in this order.
    Column("customer_id", "Customer ID", "客户编号"),
    Column("customer", "Customer", "客户名称", width=24),
    Column("orders", "Orders", "订单数", "int"),
    Column("revenue", "Revenue", "销售额", "money"),
    Column("profit", "Profit", "毛利", "money"),
    Column("first_order", "First Order", "首次下单", "date"),
    Column("last_order", "Last Order", "最近下单", "date"),
    Column("lifecycle", "Lifecycle", "生命周期", coded=True),
    Column("tier", "Tier", "客户等级", coded=True),
    Column("abc", "ABC", "ABC类"),
    Column("rfm", "RFM", "RFM"),
    # More columns.
    Column("rep", "Rep", "业务员"),
    Column("region", "Region", "片区"),
    Column("value", "Value", "价值", "money", style="bar"),
    Column("tier_rank", "Tier Rank", "价值排名", "int"),
    Column("orders_window", "Orders in Window", "期内订单数", "int"),
    Column("revenue_window", "Revenue in Window", "期内销售额", "money"),
    Column("recency_days", "Days Since Last Order", "距最近下单天数", "int"),
    Column("r_score", "R Score", "R分", "score"),
    Column("f_score", "F Score", "F分", "score"),
    Column("m_score", "M Score", "M分", "score"),
    Column("rfm_segment", "RFM Segment", "RFM分群", coded=True),
    Column("lifecycle_why", "Lifecycle Why", "生命周期说明", width=48),
    Column("tier_why", "Tier Why", "等级说明", width=48),
    Column("margin", "Margin", "毛利率", "pct"),
    Column("deliveries", "Deliveries", "发货次数", "int"),
    Column("returned_qty", "Returned Qty", "退货数量", "number"),
    Column("return_rate", "Return Rate", "退货率", "pct"),
    Column("complaints", "Complaints", "投诉次数", "int"),
    Column("overdue_receivables", "Overdue Receivables", "逾期应收笔数", "int"),
    Column("overdue_amount", "Overdue Amount", "逾期应收金额", "money"),
    Column("signals", "Signals", "优劣信号", width=60),
    Column("tier_prev", "Previous Tier", "上期等级", coded=True),
    Column("tier_change", "Tier Change", "等级变化", coded=True),
    Column("lifecycle_prev", "Previous Lifecycle", "上期生命周期", coded=True),
]

KEY_ACCOUNT_COLUMNS: list[Column] = [
    Column("rank", "No.", "序号", "int"),
    Column("customer_id", "Customer ID", "客户编号"),
    Column("customer", "Customer", "客户名称", width=24),
    Column("tier", "Tier", "客户等级", coded=True),
    Column("lifecycle", "Lifecycle", "生命周期", coded=True),
    Column("rep", "Rep", "业务员"),
    Column("value", "Value", "价值", "money", style="bar"),
    Column("revenue_window", "Revenue in Window", "期内销售额", "money"),
    Column("orders_window", "Orders in Window", "期内订单数", "int"),
    Column("margin", "Margin", "毛利率", "pct"),
    Column("signals", "Signals", "优劣信号", width=48),
    Column("why", "Why", "入选理由", width=60),
]


def _col(df: pd.DataFrame | None, key: str) -> pd.Series:
    if df is not None and key in df:
        return df[key]
    return pd.Series(np.nan, index=df.index if df is not None else None, dtype=float)


def _day_index(dates: pd.Series) -> pd.Series:
    return pd.to_datetime(dates, errors="coerce").dt.normalize().astype("datetime64[ns]")


def _last_non_null(lines: pd.DataFrame, col: str) -> pd.Series:
    if col not in lines:
        return pd.Series(dtype=object)
    sub = lines[["customer_key", col]]
    sub = sub[sub[col].notna() & (sub[col].astype(str).str.strip() != "")]
    return sub.groupby("customer_key", sort=False)[col].last()


def _first_non_null(master: pd.DataFrame | None, col: str) -> pd.Series:
    if master is None or col not in master:
        return pd.Series(dtype=object)
    sub = master[["customer_key", col]]
    sub = sub[sub[col].notna() & (sub[col].astype(str).str.strip() != "")]
    return sub.groupby("customer_key", sort=False)[col].first()


def _prepare_lines(orders: pd.DataFrame, asof: dt.date) -> tuple[pd.DataFrame, bool]:
    """Order lines up to as-of with numeric amount and line profit; True if profit is given."""
    o = orders.loc[orders["customer_key"].notna()].copy()
    o["customer_key"] = o["customer_key"].astype(str)
    o["date"] = _day_index(_col(o, "order_date"))
    o = o[o["date"].notna() & (o["date"] <= pd.Timestamp(asof))]
    amount = pd.to_numeric(_col(o, "amount"), errors="coerce").astype(float)
    est = pd.to_numeric(_col(o, "unit_price"), errors="coerce") * pd.to_numeric(_col(o, "quantity"), errors="coerce")
    o["amount"] = amount.fillna(est.astype(float))
    profit = pd.to_numeric(_col(o, "profit"), errors="coerce").astype(float)
    cost = pd.to_numeric(_col(o, "cost"), errors="coerce").astype(float)
    o["line_profit"] = profit.fillna(o["amount"] - cost)
    has_profit = bool(o["line_profit"].notna().any())
    return o, has_profit


def _purchases(lines: pd.DataFrame) -> pd.DataFrame:
    """One row per purchase: customer_key, okey, date, amount, due_date, paid_date, unpaid."""
    oid = lines["order_id"] if "order_id" in lines else pd.Series(np.nan, index=lines.index)
    oid = oid.astype(object).where(oid.notna() & (oid.astype(str).str.strip() != ""), None)
    okey = np.where(oid.isna(), "\x00" + lines["date"].dt.strftime("%Y%m%d"), "#" + oid.astype(str))
    g = pd.DataFrame({"customer_key": lines["customer_key"].to_numpy(), "okey": okey,
                      "date": lines["date"].to_numpy(), "amount": lines["amount"].to_numpy(),
                      "due_date": _day_index(_col(lines, "due_date")).to_numpy(),
                      "paid_date": _day_index(_col(lines, "paid_date")).to_numpy()})
    g["unpaid"] = g["due_date"].notna() & g["paid_date"].isna()
    p = g.groupby(["customer_key", "okey"], sort=False).agg(
        date=("date", "min"), amount=("amount", "sum"),
        amount_n=("amount", "count"), due_date=("due_date", "min"), paid_date=("paid_date", "max"),
        unpaid=("unpaid", "any"))
    p.loc[p["amount_n"] == 0, "amount"] = np.nan
    p.loc[p["unpaid"], "paid_date"] = pd.NaT
    return p.reset_index()


def _receivables(p: pd.DataFrame, asof: dt.date, start: pd.Timestamp, settings: Settings) -> pd.DataFrame:
    asof_ts = pd.Timestamp(asof)
    grace = pd.Timedelta(days=int(settings.receivable_grace_days))
    r = p[p["due_date"].notna()].copy()
    open_ = r["paid_date"].isna() | (r["paid_date"] > asof_ts)
    overdue = r[open_ & (r["due_date"] + grace < asof_ts)].copy()
    overdue["days"] = (asof_ts - overdue["due_date"]).dt.days
    g = overdue.groupby("customer_key")
    out = pd.DataFrame({"overdue_receivables": g.size(), "overdue_amount": g["amount"].sum(),
                        "overdue_days": g["days"].max()})
    paid = r[~open_ & (r["due_date"] > start) & (r["due_date"] <= asof_ts)].copy()
    paid["late_days"] = (paid["paid_date"] - paid["due_date"]).dt.days
    paid["late"] = paid["paid_date"] > paid["due_date"] + grace
    gp = paid.groupby("customer_key")
    late_days = paid[paid["late"]].groupby("customer_key")["late_days"].mean()
    out2 = pd.DataFrame({"paid_window": gp.size(), "late_window": gp["late"].sum()})
    out2["late_days_mean"] = late_days
    return out.join(out2, how="outer")


def _service(frames: Frames, asof: dt.date, start: pd.Timestamp) -> tuple[pd.DataFrame, bool, bool]:
    asof_ts = pd.Timestamp(asof)
    out = pd.DataFrame(index=pd.Index([], name="customer_key"))
    has_c = frames.complaints is not None and "customer_key" in frames.complaints
    has_d = frames.deliveries is not None and "customer_key" in frames.deliveries
    if has_c:
        c = frames.complaints
        c = c[c["customer_key"].notna()]
        if "received" in c:
            when = _day_index(c["received"])
            c = c[when.isna() | ((when > start) & (when <= asof_ts))]
        out = out.join(c.assign(customer_key=c["customer_key"].astype(str)).groupby("customer_key").size()
                       .rename("complaints"), how="outer")
    if has_d:
        d = frames.deliveries
        d = d[d["customer_key"].notna()]
        if "ship_date" in d:
            when = _day_index(d["ship_date"])
            d = d[when.notna() & (when > start) & (when <= asof_ts)]
        d = pd.DataFrame({"customer_key": d["customer_key"].astype(str),
                          "shipped_qty": pd.to_numeric(_col(d, "quantity"), errors="coerce"),
                          "returned_qty": pd.to_numeric(_col(d, "returned_qty"), errors="coerce")})
        g = d.groupby("customer_key")
        out = out.join(pd.DataFrame({"deliveries": g.size(), "shipped_qty": g["shipped_qty"].sum(),
                                     "returned_qty": g["returned_qty"].sum()}), how="outer")
    return out, has_c, has_d


def classify(frames: Frames, settings: Settings, asof: dt.date, lang: Lang) -> pd.DataFrame:
    """One row per customer, indexed by customer_key: the CUSTOMER_COLUMNS keys plus internal
    columns (median_gap_days, orders_12m, revenue_12m, status, ranked, serious, value_share, ...)."""
    s = settings
    asof_ts = pd.Timestamp(asof)
    start = asof_ts - pd.Timedelta(days=int(s.value_window_days))
    year_start = asof_ts - pd.Timedelta(days=YEAR_DAYS)
    lines, has_profit = _prepare_lines(frames.orders, asof)
    master = frames.customers
    if master is not None:
        master = master[master["customer_key"].notna()].assign(customer_key=lambda m: m["customer_key"].astype(str))

    keys = set(frames.orders["customer_key"].dropna().astype(str))
    if master is not None:
        keys |= set(master["customer_key"])
    index = pd.Index(sorted(keys), name="customer_key", dtype=object)
    c = pd.DataFrame(index=index)

    # Identity: master first, else the most recent order line (lines after as-of only as a last resort).
    all_lines = frames.orders[frames.orders["customer_key"].notna()].assign(
        customer_key=lambda o: o["customer_key"].astype(str),
        _d=lambda o: _day_index(_col(o, "order_date")))
    all_lines = all_lines.sort_values("_d", kind="stable", na_position="first")
    recent = lines.sort_values("date", kind="stable")
    for out_col, src in (("customer_id", "customer_id"), ("customer", "customer_name"), ("rep", "rep"),
                         ("region", "region")):
        val = _first_non_null(master, src).reindex(index)
        val = val.fillna(_last_non_null(recent, src).reindex(index))
        val = val.fillna(_last_non_null(all_lines, src).reindex(index))
        c[out_col] = val.astype(object).where(val.notna(), None)
    c["customer_id"] = c["customer_id"].where(c["customer_id"].notna(), pd.Series(index, index=index))
    c["customer_id"] = c["customer_id"].map(str)
    c["customer"] = c["customer"].where(c["customer"].notna(), c["customer_id"])
    c["status"] = _first_non_null(master, "status").reindex(index)

    # Money over all history and over the window.
    g = lines.groupby("customer_key")
    c["revenue"] = g["amount"].sum().reindex(index).fillna(0.0)
    c["profit"] = g["line_profit"].sum(min_count=1).reindex(index) if has_profit else np.nan
    win = lines[lines["date"] > start]
    gw = win.groupby("customer_key")
    c["revenue_window"] = gw["amount"].sum().reindex(index).fillna(0.0)
    c["profit_window"] = gw["line_profit"].sum().reindex(index).fillna(0.0) if has_profit else np.nan
    c["value"] = c["profit_window"] if has_profit else c["revenue_window"]
    c["revenue_12m"] = lines[lines["date"] > year_start].groupby("customer_key")["amount"].sum() \
        .reindex(index).fillna(0.0)

    # Purchases and lifecycle.
    p = _purchases(lines)
    buys = p[~(p["amount"] < 0)]
    stats = purchase_stats(buys[["customer_key", "date"]], asof, s).reindex(index)
    stats["orders"] = stats["orders"].fillna(0).astype(np.int64)
    for k in ("orders_12m", "quarters_active"):
        stats[k] = stats[k].fillna(0).astype(np.int64)
    stats["status"] = c["status"]
    c["orders"] = stats["orders"]
    c["first_order"] = stats["first_order"]
    c["last_order"] = stats["last_order"]
    c["median_gap_days"] = stats["median_gap_days"]
    c["orders_12m"] = stats["orders_12m"]
    c = c.join(lifecycle_table(stats, asof, s, lang))
    c["recency_days"] = (asof_ts - c["last_order"]).dt.days.astype("Int64")

    bw = buys[buys["date"] > start].groupby("customer_key")
    c["orders_window"] = bw.size().reindex(index).fillna(0).astype(np.int64)
    last_w = bw["date"].max().reindex(index)
    c["ranked"] = c["orders_window"] > 0

    # Pyramid and ABC over the ranked customers.
    r = c[c["ranked"]]
    order = rank_order(r["value"].to_numpy(float), r["revenue_window"].to_numpy(float), id_order(r["customer_id"].tolist()))
    ranked_keys = r.index[order]
    n = len(ranked_keys)
    c["tier"] = None
    c["abc"] = ""
    c["tier_rank"] = pd.Series(pd.NA, index=index, dtype="Int64")
    c.loc[ranked_keys, "tier"] = tiers_in_order(n, s)
    c.loc[ranked_keys, "abc"] = abc_in_order(r["value"].to_numpy(float)[order], s)
    c.loc[ranked_keys, "tier_rank"] = np.arange(1, n + 1)

    # RFM over the window.
    rec_w = (asof_ts - last_w[r.index]).dt.days
    scores = rfm_scores(rec_w, r["orders_window"], r["revenue_window"])
    c["r_score"] = scores["r"].reindex(index)
    c["f_score"] = scores["f"].reindex(index)
    c["m_score"] = scores["m"].reindex(index)
    c["rfm"] = scores["rfm"].reindex(index).fillna("")
    c["rfm_segment"] = scores["segment"].reindex(index).fillna("")

    # Signals: service cost, payment behaviour, margin, concentration.
    service, has_c, has_d = _service(frames, asof, start)
    service = service.reindex(index)
    for k in ("complaints", "deliveries", "shipped_qty", "returned_qty"):
        c[k] = service[k] if k in service else np.nan
    has_r = bool(p["due_date"].notna().any())
    recv = _receivables(p, asof, start, s).reindex(index) if has_r else pd.DataFrame(index=index)
    for k in ("overdue_receivables", "overdue_amount", "overdue_days", "paid_window", "late_window",
              "late_days_mean"):
        c[k] = recv[k] if k in recv else np.nan
    if has_r:
        c["overdue_receivables"] = c["overdue_receivables"].fillna(0)
        c["overdue_amount"] = c["overdue_amount"].fillna(0.0)
    if has_c:
        c["complaints"] = c["complaints"].fillna(0)
    if has_d:
        for k in ("deliveries", "shipped_qty", "returned_qty"):
            c[k] = c[k].fillna(0)
    for k in ("complaints", "deliveries", "overdue_receivables"):
        c[k] = c[k].round().astype("Int64")
    sig = customer_signals(c, s, lang, has_profit=has_profit, has_complaints=has_c, has_deliveries=has_d,
                           has_receivables=has_r)
    c = c.join(sig)

    # Movement since the previous snapshot.
    prev, prev_date = previous_snapshot(frames.history, asof)
    prev = prev.reindex(index)
    c["tier_prev"] = prev["tier"]
    c["lifecycle_prev"] = prev["lifecycle"]
    c["tier_change"] = tier_change(c["tier_prev"], c["tier"]) if prev_date is not None else ""
    c["tier_why"] = _tier_why(c, n, has_profit, prev_date, s, lang)
    c.attrs["value_basis"] = "profit" if has_profit else "revenue"
    c.attrs["ranked"] = n
    c.attrs["previous_asof"] = prev_date
    return c


def _tier_why(c: pd.DataFrame, n: int, has_profit: bool, prev_date: pd.Timestamp | None, s: Settings,
              lang: Lang) -> list[str]:
    cur = str(s.currency)
    days = int(s.value_window_days)
    basis = i18n.t(lang, "profit", "毛利") if has_profit else i18n.t(lang, "revenue", "销售额")
    counts = tier_counts(n, s)
    cum = {"Key": counts["Key"], "Major": counts["Key"] + counts["Major"],
           "Regular": counts["Key"] + counts["Major"] + counts["Regular"], "Small": n}
    share = {"Key": s.tier_key_share, "Major": s.tier_major_share, "Regular": s.tier_regular_share, "Small": 1.0}
    rule = {t: i18n.t(lang, "{t} = ranks up to {k} (ceil of {p:g}% of {n})", "{t}=前{k}名（{n}的{p:g}%向上取整）",
                      t=i18n.value(t, lang), k=cum[t], p=100 * share[t], n=n) for t in ("Key", "Major", "Regular")}
    rule["Small"] = i18n.t(lang, "{t} = ranks after {k} (the rest)", "{t}=第{k}名之后（其余客户）",
                           t=i18n.value("Small", lang), k=cum["Regular"])
    prev_s = prev_date.strftime("%Y-%m-%d") if prev_date is not None else ""
    out = []
    for tier, rank, value, prev, change in zip(c["tier"], c["tier_rank"], c["value"], c["tier_prev"],
                                               c["tier_change"]):
        if isinstance(tier, str):
            text = i18n.t(lang, "Rank {r} of {n} by {b} of the last {d} days ({v}); {rule}.",
                          "近{d}天{b}{v}，{n}个客户中排第{r}名；{rule}。",
                          r=int(rank), n=n, b=basis, d=days, v=f"{cur}{value:,.0f}", rule=rule[tier])
        else:
            text = i18n.t(lang, "No order in the last {d} days: no tier.", "近{d}天无订单：不分级。", d=days)
        if change in ("Up", "Down", "Same", "Left"):
            text += i18n.t(lang, " On {p} it was {t}.", "{p}时为{t}。", p=prev_s, t=i18n.value(prev, lang))
        elif change == "Entered":
            text += i18n.t(lang, " On {p} it had no tier.", "{p}时无等级。", p=prev_s)
        out.append(text)
    return out


def key_accounts(customers: pd.DataFrame, settings: Settings, lang: Lang) -> pd.DataFrame:
    """The key-account list (seeds/000 KAM: 5 to 25 accounts, written criteria, re-qualified
    every period): Key and Major customers with at least key_account_min_orders orders in the
    value window, not Lost, and no serious bad signal (loss-making, overdue receivables, high
    service cost), best rank first, at most key_account_cap; KEY_ACCOUNT_COLUMNS keys."""
    s = settings
    c = customers
    ok = (c["tier"].isin(["Key", "Major"]) & (c["orders_window"] >= int(s.key_account_min_orders))
          & (c["lifecycle"] != "Lost") & ~c["serious"].astype(bool))
    picked = c[ok].sort_values("tier_rank", kind="stable").head(int(s.key_account_cap))
    n = int(customers.attrs.get("ranked", int(c["tier"].notna().sum())))
    cur = str(s.currency)
    basis = customers.attrs.get("value_basis", "revenue")
    basis_t = i18n.t(lang, "profit", "毛利") if basis == "profit" else i18n.t(lang, "revenue", "销售额")
    whys = [i18n.t(lang, "{t}, rank {r} of {n} by {b} ({v}); {o} orders in the last {d} days (at least {m}); "
                         "{life}; no loss, overdue receivable or high service cost.",
                   "{t}，按{b}在{n}个客户中排第{r}名（{v}）；近{d}天{o}单（至少{m}单）；{life}；无亏损、无逾期应收、"
                   "服务成本不高。",
                   t=i18n.value(row.tier, lang), r=int(row.tier_rank), n=n, b=basis_t, v=f"{cur}{row.value:,.0f}",
                   o=int(row.orders_window), d=int(s.value_window_days), m=int(s.key_account_min_orders),
                   life=i18n.value(row.lifecycle, lang))
            for row in picked.itertuples()]
    out = pd.DataFrame({
        "rank": np.arange(1, len(picked) + 1),
        "customer_id": picked["customer_id"].to_numpy(),
        "customer": picked["customer"].to_numpy(),
        "tier": picked["tier"].to_numpy(),
        "lifecycle": picked["lifecycle"].to_numpy(),
        "rep": picked["rep"].to_numpy(),
        "value": picked["value"].to_numpy(float),
        "revenue_window": picked["revenue_window"].to_numpy(float),
        "orders_window": picked["orders_window"].to_numpy(),
        "margin": picked["margin"].to_numpy(float),
        "signals": picked["signals"].to_numpy(),
        "why": whys,
    }, index=picked.index)
    return out
