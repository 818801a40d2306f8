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
from xlcrm.movement import (
    HISTORY_COLUMNS,
    MIGRATION_COLUMNS,
    migration,
    previous_snapshot,
    tier_change,
    update_history,
)
from xlcrm.pyramid import (
    abc_classes,
    abc_in_order,
    assign_tiers,
    id_order,
    rank_order,
    tier_counts,
    tiers_in_order,
)
from xlcrm.rfm import rfm_scores
from xlcrm.settings import Settings
from xlcrm.signals import customer_signals

__all__ = [
    "CUSTOMER_COLUMNS",
    "HISTORY_COLUMNS",
    "KEY_ACCOUNT_COLUMNS",
    "LEFT_OFF_COLUMNS",
    "MIGRATION_COLUMNS",
    "abc_classes",
    "assign_tiers",
    "classify",
    "key_accounts",
    "key_accounts_left_off",
    "lifecycle_of",
    "migration",
    "rfm_scores",
    "status_code",
    "tier_counts",
    "update_history",
]

CUSTOMER_COLUMNS: list[Column] = [
    # Act-first (issue 14): who, how much, what is wrong, who acts; DESIGN.md section 4's
    # columns all exist (their order is not the contract).
    Column("customer_id", "Customer ID", "客户编号"),
    Column("customer", "Customer", "客户名称", width=24),
    Column("tier", "Tier", "客户等级", coded=True),
    Column("lifecycle", "Lifecycle", "生命周期", coded=True),
    Column("rep", "Rep", "业务员"),
    Column("value", "Value", "价值", "money", style="bar"),
    Column("revenue", "Revenue", "销售额", "money"),
    Column("last_order", "Last Order", "最近下单", "date"),
    Column("recency_days", "Days Since Last Order", "距最近下单天数", "int"),
    Column("tier_change", "Tier Change", "等级变化", coded=True),
    Column("signals", "Signals", "优劣信号", width=48),
    # Why: the sentences behind tier and lifecycle.
    Column("tier_why", "Tier Why", "等级说明", width=48),
    Column("lifecycle_why", "Lifecycle Why", "生命周期说明", width=48),
    # The figures and model details behind them.
    Column("orders", "Orders", "订单数", "int"),
    Column("profit", "Profit", "毛利", "money"),
    Column("first_order", "First Order", "首次下单", "date"),
    Column("abc", "ABC", "ABC类"),
    Column("rfm", "RFM", "RFM"),
    Column("rfm_segment", "RFM Segment", "RFM分群", coded=True),
    Column("region", "Region", "片区"),
    Column("tier_rank", "Tier Rank", "价值排名", "int"),
    Column("orders_window", "Orders in Window", "期内订单数", "int"),
    Column("revenue_window", "Revenue in Window", "期内销售额", "money"),
    Column("r_score", "R Score", "R分", "score"),
    Column("f_score", "F Score", "F分", "score"),
    Column("m_score", "M Score", "M分", "score"),
    Column("margin", "Margin", "毛利率", "pct"),
    Column("growth", "Growth", "增长率", "pct"),
    Column("deliveries", "Deliveries", "发货次数", "int"),
    Column("returned_qty", "Returned Qty", "退货数量", "number"),
    Column("return_rate", "Return Rate", "退货率", "pct"),
    Column("complaints", "Complaints", "投诉次数", "int"),
    Column("overdue_receivables", "Overdue Receivables", "逾期应收笔数", "int"),
    Column("overdue_amount", "Overdue Amount", "逾期应收金额", "money"),
    Column("tier_prev", "Previous Tier", "上期等级", coded=True),
    Column("lifecycle_prev", "Previous Lifecycle", "上期生命周期", coded=True),
]

KEY_ACCOUNT_COLUMNS: list[Column] = [  # act-first: who, how much, who looks after it, what to watch
    Column("rank", "No.", "序号", "int"),
    Column("customer_id", "Customer ID", "客户编号"),
    Column("customer", "Customer", "客户名称", width=24),
    Column("tier", "Tier", "客户等级", coded=True),
    Column("rep", "Rep", "业务员"),
    Column("value", "Value", "价值", "money", style="bar"),
    Column("revenue_window", "Revenue in Window", "期内销售额", "money"),
    Column("orders_window", "Orders in Window", "期内订单数", "int"),
    Column("tier_change", "Tier Change", "等级变化", coded=True),
    Column("signals", "Signals", "优劣信号", width=48),
    Column("why", "Why", "入选理由", width=60),
    Column("lifecycle", "Lifecycle", "生命周期", coded=True),
    Column("margin", "Margin", "毛利率", "pct"),
]

LEFT_OFF_COLUMNS: list[Column] = [  # Key and Major customers not on the list, and why
    Column("customer_id", "Customer ID", "客户编号"),
    Column("customer", "Customer", "客户名称", width=24),
    Column("tier", "Tier", "客户等级", coded=True),
    Column("rep", "Rep", "业务员"),
    Column("value", "Value", "价值", "money"),
    Column("reason", "Why Not on the List", "未入选原因", width=70),
]


def _col(df: pd.DataFrame | None, key: str) -> pd.Series:
    if df is not None and key in df:
        return df[key]
    return pd.Series(np.nan, index=df.index if df is not None else None, dtype=float)


def _day_index(dates: pd.Series) -> pd.Series:
    return pd.to_datetime(dates, errors="coerce").dt.normalize().astype("datetime64[ns]")


def _codes(keys: pd.Series, index: pd.Index) -> np.ndarray:
    """Position of each key in ``index`` (-1 when absent); all grouping is on these ints (fast)."""
    return index.get_indexer(keys.astype(str))


def _text_present(values: pd.Series) -> np.ndarray:
    return (values.notna() & (values.astype(str).str.strip() != "")).to_numpy()


def _latest(order: np.ndarray, codes_sorted: np.ndarray, values: pd.Series, n: int) -> pd.Series:
    """Per position 0..n-1: the present value of the latest line; NaN if none.

    ``order`` sorts the rows by (customer code, date, row); ``codes_sorted`` = codes[order]."""
    present = _text_present(values)[order] & (codes_sorted >= 0)
    rows, cd = order[present], codes_sorted[present]
    last = np.r_[cd[1:] != cd[:-1], True] if len(cd) else np.array([], dtype=bool)
    out = pd.Series(np.nan, index=pd.RangeIndex(n), dtype=object)
    out.iloc[cd[last]] = values.iloc[rows[last]].to_numpy(dtype=object)
    return out


def _line_order(codes: np.ndarray, dates: pd.Series) -> np.ndarray:
    """Row positions sorted by (customer code, date, row); one stable sort of one int64 key."""
    d = pd.to_datetime(dates, errors="coerce").to_numpy(dtype="datetime64[D]").astype(np.int64)
    valid = d != np.iinfo(np.int64).min  # NaT
    lo = d[valid].min() if valid.any() else 0
    day = np.where(valid, d - lo + 1, 0)  # NaT first
    key = codes.astype(np.int64) * (int(day.max()) + 1 if len(day) else 1) + day
    return np.argsort(key, kind="stable")


def _first(codes: np.ndarray, values: pd.Series, n: int) -> pd.Series:
    """Per position 0..n-1: the first present value in row order (the master's); NaN if none."""
    ok = _text_present(values) & (codes >= 0)
    cd, vals = codes[ok], values.to_numpy(dtype=object)[ok]
    first = pd.Series(cd).drop_duplicates(keep="first").index.to_numpy()
    out = pd.Series(np.nan, index=pd.RangeIndex(n), dtype=object)
    out.iloc[cd[first]] = vals[first]
    return out


def _prepare_lines(orders: pd.DataFrame, asof: dt.date, codes: np.ndarray) -> tuple[pd.DataFrame, bool]:
    """Order lines up to as-of with ck (customer position), day, amount and line profit;
    True if profit (or cost) is given. ``codes`` is the customer position of every order row."""
    date = _day_index(_col(orders, "order_date"))
    keep = (codes >= 0) & (date.notna() & (date <= pd.Timestamp(asof))).to_numpy()
    o = orders.loc[keep]
    out = pd.DataFrame({"ck": codes[keep], "date": date[keep].to_numpy(), "row": np.flatnonzero(keep)},
                       index=o.index)
    # Positional (.to_numpy) throughout: the user's frame index need not be unique.
    # The reader already derives a blank amount from unit price x quantity; an amount it
    # could not read is a data issue and stays out of the figures (DESIGN invariant 4).
    amount = pd.to_numeric(_col(o, "amount"), errors="coerce").to_numpy(float)
    out["amount"] = amount
    profit = pd.to_numeric(_col(o, "profit"), errors="coerce").to_numpy(float)
    cost = pd.to_numeric(_col(o, "cost"), errors="coerce").to_numpy(float)
    out["line_profit"] = np.where(np.isnan(profit), amount - cost, profit)
    out["order_id"] = _col(o, "order_id").to_numpy(dtype=object)
    out["due_date"] = _day_index(_col(o, "due_date")).to_numpy()
    out["paid_date"] = _day_index(_col(o, "paid_date")).to_numpy()
    return out, bool(out["line_profit"].notna().any())


def _purchases(lines: pd.DataFrame) -> pd.DataFrame:
    """One row per purchase (order ID, else customer and day): ck, date, amount, due_date,
    paid_date (NaT while any line of it is unpaid)."""
    oid = lines["order_id"]
    present = _text_present(oid)
    codes = np.full(len(lines), -1, dtype=np.int64)
    if present.any():
        codes[present] = pd.factorize(oid[present].astype(str))[0]
    day = lines["date"].to_numpy(dtype="datetime64[D]").astype(np.int64)
    # Orders with an ID get non-negative keys; lines without one are keyed by their day (negative).
    okey = np.where(present, codes, -(day - day.min() + 1) if len(day) else 0)
    g = pd.DataFrame({"ck": lines["ck"].to_numpy(), "okey": okey, "date": lines["date"].to_numpy(),
                      "amount": lines["amount"].to_numpy(), "due_date": lines["due_date"].to_numpy(),
                      "paid_date": lines["paid_date"].to_numpy()})
    g["unpaid"] = g["due_date"].notna() & g["paid_date"].isna()
    p = g.groupby(["ck", "okey"], sort=False).agg(
        date=("date", "min"), amount=("amount", "sum"), amount_n=("amount", "count"),
        due_date=("due_date", "min"), paid_date=("paid_date", "max"), unpaid=("unpaid", "any"))
    p.loc[p["amount_n"] == 0, "amount"] = np.nan
    p.loc[p["unpaid"], "paid_date"] = pd.NaT
    return p.reset_index()


def _receivables(p: pd.DataFrame, asof: dt.date, start: pd.Timestamp, settings: Settings, n: int) -> pd.DataFrame:
    asof_ts = pd.Timestamp(asof)
    grace = pd.Timedelta(days=int(settings.receivable_grace_days))
    r = p[p["due_date"].notna()]
    open_ = r["paid_date"].isna() | (r["paid_date"] > asof_ts)
    overdue = r[open_ & (r["due_date"] + grace < asof_ts)]
    days = (asof_ts - overdue["due_date"]).dt.days
    g = overdue.groupby("ck")
    out = pd.DataFrame({"overdue_receivables": g.size(), "overdue_amount": g["amount"].sum(),
                        "overdue_days": days.groupby(overdue["ck"]).max()}).reindex(range(n))
    paid = r[~open_ & (r["due_date"] > start) & (r["due_date"] <= asof_ts)]
    late_days = (paid["paid_date"] - paid["due_date"]).dt.days
    late = paid["paid_date"] > paid["due_date"] + grace
    out["paid_window"] = paid.groupby("ck").size().reindex(range(n))
    out["late_window"] = late.groupby(paid["ck"]).sum().reindex(range(n))
    out["late_days_mean"] = late_days[late].groupby(paid["ck"][late]).mean().reindex(range(n))
    return out


def _service(frames: Frames, asof: dt.date, start: pd.Timestamp, index: pd.Index) -> tuple[pd.DataFrame, bool, bool]:
    asof_ts = pd.Timestamp(asof)
    n = len(index)
    out = pd.DataFrame(index=pd.RangeIndex(n))
    has_c = frames.complaints is not None and "customer_key" in frames.complaints
    has_d = frames.deliveries is not None and "customer_key" in frames.deliveries
    if has_c:
        c = frames.complaints
        c = c[c["customer_key"].notna()]
        if "received" in c:
            when = _day_index(c["received"])
            # An undated complaint cannot be placed in time; it counts as recent rather than vanish.
            c = c[(when.isna() | ((when > start) & (when <= asof_ts))).to_numpy()]
        codes = _codes(c["customer_key"], index)
        out["complaints"] = np.bincount(codes[codes >= 0], minlength=n)
    if has_d:
        d = frames.deliveries
        d = d[d["customer_key"].notna()]
        if "ship_date" in d:
            when = _day_index(d["ship_date"])
            d = d[(when.notna() & (when > start) & (when <= asof_ts)).to_numpy()]
        codes = _codes(d["customer_key"], index)
        ok = codes >= 0
        shipped = pd.to_numeric(_col(d, "quantity"), errors="coerce").fillna(0).to_numpy(float)
        returned = pd.to_numeric(_col(d, "returned_qty"), errors="coerce").fillna(0).to_numpy(float)
        out["deliveries"] = np.bincount(codes[ok], minlength=n)
        out["shipped_qty"] = np.bincount(codes[ok], weights=shipped[ok], minlength=n)
        out["returned_qty"] = np.bincount(codes[ok], weights=returned[ok], minlength=n)
    return out, has_c, has_d


def _sum_by(codes: np.ndarray, values: pd.Series | np.ndarray, n: int) -> np.ndarray:
    v = np.asarray(values, dtype=float)
    ok = ~np.isnan(v)
    return np.bincount(codes[ok], weights=v[ok], minlength=n)


def classify(frames: Frames, settings: Settings, asof: dt.date, lang: Lang) -> pd.DataFrame:
    """One row per customer, indexed by customer_key: the CUSTOMER_COLUMNS keys plus internal
    columns (median_gap_days, orders_12m, revenue_12m, status, ranked, serious, value_share, ...)."""
    s = settings
    asof_ts = pd.Timestamp(asof)
    start = asof_ts - pd.Timedelta(days=int(s.value_window_days))
    year_start = asof_ts - pd.Timedelta(days=YEAR_DAYS)
    orders = frames.orders
    master = frames.customers
    if master is not None:
        master = master[master["customer_key"].notna()]

    # One factorisation of the customer keys; every later grouping is on integer positions.
    okeys = orders["customer_key"]
    ok_mask = okeys.notna().to_numpy()
    raw_codes, uniques = pd.factorize(okeys[ok_mask].astype(str))
    keys = np.asarray(uniques, dtype=object)
    if master is not None:
        keys = np.union1d(keys, master["customer_key"].astype(str).unique().astype(object)).astype(object)
    index = pd.Index(np.sort(keys), name="customer_key", dtype=object)
    n_all = len(index)
    all_codes = np.full(len(orders), -1, dtype=np.int64)
    all_codes[ok_mask] = index.get_indexer(pd.Index(uniques, dtype=object))[raw_codes]
    lines, has_profit = _prepare_lines(orders, asof, all_codes)
    ck = lines["ck"].to_numpy()
    # Work on positions 0..n-1; the customer_key index is put on at the end.
    c = pd.DataFrame(index=pd.RangeIndex(n_all))

    # Identity: master first, else the most recent order line (lines after as-of only as a last resort).
    mcodes = _codes(master["customer_key"], index) if master is not None else None
    line_rows = lines["row"].to_numpy()
    line_order = line_rows[_line_order(ck, lines["date"])]
    line_codes = all_codes[line_order]
    # Customers whose only lines are after as-of (or undated) take their identity from those.
    late_only = np.zeros(n_all, dtype=bool)
    late_only[all_codes[all_codes >= 0]] = True
    late_only[ck] = False
    if late_only.any():
        all_order = _line_order(all_codes, _day_index(_col(orders, "order_date")))
        all_codes_sorted = all_codes[all_order]
    for out_col, src in (("customer_id", "customer_id"), ("customer", "customer_name"), ("rep", "rep"),
                         ("region", "region")):
        val = (_first(mcodes, master[src], n_all) if master is not None and src in master
               else pd.Series(np.nan, index=c.index, dtype=object))
        if src in orders:
            val = val.fillna(_latest(line_order, line_codes, orders[src], n_all))
            if late_only.any():
                val = val.fillna(_latest(all_order, all_codes_sorted, orders[src], n_all))
        c[out_col] = val.astype(object).where(val.notna(), None)
    c["customer_id"] = [str(v) if v is not None else k for v, k in zip(c["customer_id"], index)]
    c["customer"] = c["customer"].where(c["customer"].notna(), c["customer_id"])
    c["status"] = (_first(mcodes, master["status"], n_all) if master is not None and "status" in master
                   else pd.Series(np.nan, index=c.index, dtype=object))

    # Money over all history and over the window.
    win = (lines["date"] > start).to_numpy()
    c["revenue"] = _sum_by(ck, lines["amount"], n_all)
    c["revenue_window"] = _sum_by(ck[win], lines["amount"][win], n_all)
    if has_profit:
        lp = lines["line_profit"]
        c["profit"] = _sum_by(ck, lp, n_all)
        c.loc[np.bincount(ck[lp.notna().to_numpy()], minlength=n_all) == 0, "profit"] = np.nan
        c["profit_window"] = _sum_by(ck[win], lp[win], n_all)
        c["value"] = c["profit_window"]
    else:
        c["profit"] = np.nan
        c["profit_window"] = np.nan
        c["value"] = c["revenue_window"]
    before = ((lines["date"] > start - pd.Timedelta(days=int(s.value_window_days)))
              & (lines["date"] <= start)).to_numpy()
    c["revenue_prev_window"] = _sum_by(ck[before], lines["amount"][before], n_all)
    with np.errstate(divide="ignore", invalid="ignore"):
        c["growth"] = np.where(c["revenue_prev_window"] > 0,
                               c["revenue_window"] / c["revenue_prev_window"] - 1, np.nan)
    y = (lines["date"] > year_start).to_numpy()
    c["revenue_12m"] = _sum_by(ck[y], lines["amount"][y], n_all)

    # Purchases and lifecycle.
    p = _purchases(lines)
    buys = p[~(p["amount"] < 0)]
    stats = purchase_stats(buys[["ck", "date"]].rename(columns={"ck": "customer_key"}), asof, s)
    stats = stats.reindex(range(n_all))
    for k in ("orders", "orders_12m", "quarters_active"):
        stats[k] = stats[k].fillna(0).astype(np.int64)
    stats["status"] = c["status"]
    for k in ("orders", "first_order", "last_order", "median_gap_days", "orders_12m"):
        c[k] = stats[k]
    c = c.join(lifecycle_table(stats, asof, s, lang))
    c["recency_days"] = (asof_ts - c["last_order"]).dt.days.astype("Int64")

    bw = buys[(buys["date"] > start).to_numpy()]
    c["orders_window"] = np.bincount(bw["ck"].to_numpy(), minlength=n_all).astype(np.int64)
    last_w = bw.groupby("ck")["date"].max().reindex(range(n_all))
    c["ranked"] = c["orders_window"] > 0

    # Pyramid and ABC over the ranked customers.
    r = c[c["ranked"]]
    order = rank_order(r["value"].to_numpy(float), r["revenue_window"].to_numpy(float),
                       id_order(r["customer_id"].tolist()))
    ranked_pos = r.index.to_numpy()[order]
    n = len(ranked_pos)
    tier = np.full(n_all, None, dtype=object)
    tier[ranked_pos] = tiers_in_order(n, s)
    abc = np.full(n_all, "", dtype=object)
    abc[ranked_pos] = abc_in_order(r["value"].to_numpy(float)[order], s)
    rank = pd.array([pd.NA] * n_all, dtype="Int64")
    rank[ranked_pos] = np.arange(1, n + 1)
    # dtype=object keeps None for "no tier" (pandas 3 would infer a string dtype with NaN).
    c["tier"] = pd.Series(tier, index=c.index, dtype=object)
    c["abc"] = pd.Series(abc, index=c.index, dtype=object)
    c["tier_rank"] = rank

    # RFM over the window.
    rec_w = (asof_ts - last_w[r.index]).dt.days
    scores = rfm_scores(rec_w, r["orders_window"], r["revenue_window"]).reindex(range(n_all))
    c["r_score"], c["f_score"], c["m_score"] = scores["r"], scores["f"], scores["m"]
    c["rfm"] = scores["rfm"].fillna("")
    c["rfm_segment"] = scores["segment"].fillna("")

    # Signals: service cost, payment behaviour, margin, concentration.
    service, has_c, has_d = _service(frames, asof, start, index)
    for k in ("complaints", "deliveries", "shipped_qty", "returned_qty"):
        c[k] = service.get(k, np.nan)
    has_r = bool(p["due_date"].notna().any())
    recv = _receivables(p, asof, start, s, n_all) if has_r else pd.DataFrame(index=c.index)
    for k in ("overdue_receivables", "overdue_amount", "overdue_days", "paid_window", "late_window",
              "late_days_mean"):
        c[k] = recv.get(k, np.nan)
    if has_r:
        c["overdue_receivables"] = c["overdue_receivables"].fillna(0)
        c["overdue_amount"] = c["overdue_amount"].fillna(0.0)
    for k in ("complaints", "deliveries", "overdue_receivables"):
        c[k] = c[k].round().astype("Int64")
    sig = customer_signals(c, s, lang, has_profit=has_profit, has_complaints=has_c, has_deliveries=has_d,
                           has_receivables=has_r)
    c = c.join(sig)
    c.index = index

    # Movement since the previous snapshot.
    prev, prev_date = previous_snapshot(frames.history, asof)
    prev = prev.reindex(index)
    c["tier_prev"] = prev["tier"]
    c["lifecycle_prev"] = prev["lifecycle"]
    c["tier_change"] = tier_change(c["tier_prev"], c["tier"]) if prev_date is not None else ""
    if prev_date is not None:
        # Classes are fluid (003): say when the lifecycle class moved since the last snapshot.
        moved = c["lifecycle_prev"].notna() & (c["lifecycle_prev"] != c["lifecycle"])
        tpl = i18n.t(lang, " On {p} it was {x}.", "{p}时为{x}。", p=prev_date.strftime("%Y-%m-%d"), x="{x}")
        c.loc[moved, "lifecycle_why"] = [why + tpl.format(x=i18n.value(x, lang)) for why, x in
                                         zip(c.loc[moved, "lifecycle_why"], c.loc[moved, "lifecycle_prev"])]
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
        "tier_change": picked["tier_change"].to_numpy(),
        "signals": picked["signals"].to_numpy(),
        "why": whys,
    }, index=picked.index)
    return out[[c.key for c in KEY_ACCOUNT_COLUMNS]]


def key_accounts_left_off(customers: pd.DataFrame, settings: Settings, lang: Lang) -> pd.DataFrame:
    """Key and Major customers that ``key_accounts`` leaves off, by value, each with every
    reason (lost, too few orders, a serious bad signal such as an overdue receivable, the cap);
    LEFT_OFF_COLUMNS keys."""
    s = settings
    c = customers[customers["tier"].isin(["Key", "Major"])]
    on_list = set(key_accounts(customers, s, lang).index)
    c = c[~c.index.isin(on_list)].sort_values("tier_rank", kind="stable")
    sep = i18n.t(lang, "; ", "；")
    bad_label = i18n.t(lang, "Bad: ", "劣：")
    rows = []
    for key, row in c.iterrows():
        why = []
        if row["lifecycle"] == "Lost":
            why.append(i18n.t(lang, "lost: no order for longer than its own rhythm allows",
                              "已流失：超过自身下单节奏未下单"))
        if row["orders_window"] < int(s.key_account_min_orders):
            why.append(i18n.t(lang, "{o} orders in the last {d} days (the list needs at least {m})",
                              "近{d}天仅{o}单（入选至少需{m}单）", o=int(row["orders_window"]),
                              d=int(s.value_window_days), m=int(s.key_account_min_orders)))
        if bool(row["serious"]):
            text = str(row.get("signals") or "")
            bad = text[text.index(bad_label) + len(bad_label):] if bad_label in text else text
            why.append(i18n.t(lang, "serious warning sign: {b}", "存在严重劣势信号：{b}", b=bad.rstrip("。.")))
        if not why:
            why.append(i18n.t(lang, "beyond the list's cap of {n} accounts (setting Key account cap)",
                              "超出名单上限 {n} 个（设置项 大客户名单上限）", n=int(s.key_account_cap)))
        rows.append({"customer_id": row["customer_id"], "customer": row["customer"], "tier": row["tier"],
                     "rep": row["rep"], "value": float(row["value"]), "reason": sep.join(why)})
    return pd.DataFrame(rows, columns=[col.key for col in LEFT_OFF_COLUMNS])
