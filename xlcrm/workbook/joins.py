"""Normalised exports: amounts on an order-lines sheet, joined to the order headers by order ID.

Northwind-style books keep the date and customer on an Orders sheet and the lines (unit
price, quantity, discount) on an Order Details sheet; the customers sheet names the
customer IDs (the classification takes names from it). An order header without an amount
of its own takes the sum of its lines; lines whose order ID has no header are left out and
counted.
"""

from __future__ import annotations

import pandas as pd

from xlcrm import i18n
from xlcrm.model import Lang
from xlcrm.workbook import amounts

__all__ = ["attach_lines"]


def attach_lines(orders: list[pd.DataFrame], order_reports: list, lines: list[pd.DataFrame], line_reports: list,
                 reading, lang: Lang) -> list[pd.DataFrame]:  # type: ignore[no-untyped-def]
    """Each order frame without amounts gets its lines' sums by order ID."""
    base = amounts.base_currency(str(reading.currency))
    settled = []
    for frame, rep in zip(lines, line_reports):
        st = amounts.settle(frame, rep.sheet, excluded=list(reading.excluded_statuses),
                            rates=dict(reading.exchange_rates), base=base, lang=lang)
        for k, n in st.dropped.items():
            rep.dropped[k] = rep.dropped.get(k, 0) + n
        rep.notes.extend(st.notes)
        settled.append((st.frame, rep))
    all_lines = pd.concat([f for f, _ in settled], ignore_index=True) if settled else pd.DataFrame()
    if all_lines.empty or "order_id" not in all_lines:
        return orders
    all_lines = all_lines[all_lines["order_id"].notna()]
    by_order = all_lines.groupby("order_id", sort=False)
    total = by_order["amount"].sum(min_count=1)
    qty = by_order["quantity"].sum(min_count=1)
    cost = by_order["cost"].sum(min_count=1)
    used: set[str] = set()
    out = []
    for frame, rep in zip(orders, order_reports):
        if frame["amount"].notna().any() or "order_id" not in frame or frame["order_id"].isna().all():
            out.append(frame)
            continue
        frame = frame.copy()
        ids = frame["order_id"]
        frame["amount"] = ids.map(total).astype(float)
        frame["quantity"] = frame["quantity"].fillna(ids.map(qty).astype(float))
        frame["cost"] = frame["cost"].fillna(ids.map(cost).astype(float))
        calc = frame["amount"] - frame["cost"]
        frame["profit"] = frame["profit"].fillna(calc)
        used |= set(ids.dropna())
        n_with = int(frame["amount"].notna().sum())
        names = ", ".join(r.sheet for _, r in settled)
        rep.notes.append(i18n.t(lang, "amounts from the lines on {s}, joined by order ID ({n} of {m} orders have lines)",
                                "金额取自 {s} 的明细行，按订单编号汇总（{m} 个订单中 {n} 个有明细）",
                                s=names, n=f"{n_with:,}", m=f"{len(frame):,}"))
        out.append(frame)
    if used:
        for f, rep in settled:
            orphan = int((~f["order_id"].isin(used) & f["order_id"].notna()).sum()) + int(f["order_id"].isna().sum())
            if orphan:
                rep.dropped["no_order_header"] = rep.dropped.get("no_order_header", 0) + orphan
            rep.rows = int(len(f) - orphan)
    return out


