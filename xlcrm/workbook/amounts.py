"""What an order line is worth: status, currency, price x quantity less discount.

Applied to each order sheet's clean frame: lines whose status says they are no sale
(取消, 作废, 交易关闭, Cancelled ...) are left out and reported; amounts in another currency
are converted with the settings' exchange rates, or left out with one data issue per
currency (different currencies are never summed); an amount that is not a column is unit
price x quantity less the discount (a rate when every discount is at most 1, else money).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from xlcrm import i18n
from xlcrm.model import Issue, Lang
from xlcrm.parsing import EXCLUDED_STATUS_WORDS, currency_code, is_excluded_status

__all__ = ["Settled", "base_currency", "currency_code", "fill_amounts", "settle"]


@dataclass
class Settled:
    frame: pd.DataFrame
    dropped: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # lines for the "how I read it" report
    issues: list[Issue] = field(default_factory=list)


def base_currency(symbol: str) -> str:
    """The ISO code of the settings' 货币 / Currency (¥ -> CNY); CNY when it names none."""
    return currency_code(symbol) or "CNY"


def fill_amounts(frame: pd.DataFrame, amount_given: np.ndarray) -> pd.DataFrame:
    """A blank amount with price and quantity given is price x quantity less the discount."""
    prod = frame["unit_price"] * frame["quantity"]
    disc = frame["discount"] if "discount" in frame else pd.Series(np.nan, index=frame.index)
    d = disc.dropna()
    if len(d):
        if (d.abs() <= 1).all():  # a rate (0.1 = 10% off), as in Superstore-style exports
            prod = prod * (1 - disc.fillna(0))
        else:  # money off the line
            prod = prod - disc.fillna(0)
    fill = ~amount_given & prod.notna().to_numpy()
    if fill.any():
        frame.loc[fill, "amount"] = prod[fill].round(2)
    return frame


def _fmt(x: float) -> str:
    return f"{x:,.2f}"


def settle(frame: pd.DataFrame, sheet: str, *, excluded: list[str] | None, rates: dict[str, float],
           base: str, lang: Lang, status_letter: str = "", currency_letter: str = "") -> Settled:
    """Leave out non-sales by status, convert or leave out other currencies."""
    out = Settled(frame)
    if not len(frame):
        return out
    keep = np.ones(len(frame), bool)
    status = frame.get("order_status")
    if status is not None and status.notna().any():
        words = None if excluded is None or list(excluded) == list(EXCLUDED_STATUS_WORDS) else tuple(excluded)
        uniq = {v: is_excluded_status(v, words) for v in status.dropna().unique()}
        gone = status.map(lambda v: uniq.get(v, False)).fillna(False).to_numpy(bool)
        if gone.any():
            n = int(gone.sum())
            amt = float(np.nansum(frame["amount"].to_numpy(float)[gone]))
            by = Counter(status[gone])
            top = ", ".join(f"{k} {v}" for k, v in by.most_common(4))
            out.dropped["excluded_status"] = n
            out.notes.append(i18n.t(lang, "{n} lines left out by status ({top}), amount {a}",
                                    "按订单状态未计入 {n} 行（{top}），金额 {a}", n=n, top=top, a=_fmt(amt)))
            keep &= ~gone
    cur = frame.get("currency")
    if cur is not None and cur.notna().any():
        codes = cur.map(lambda v: None if v is None else (currency_code(v) or str(v).strip().upper()))
        present = codes[keep].dropna().unique()
        for code in sorted(present):
            if code == base:
                continue
            rows = (codes == code).to_numpy() & keep
            if code in rates:
                r = rates[code]
                for f in ("amount", "unit_price", "cost", "profit"):
                    if f in frame:
                        frame.loc[rows, f] = frame.loc[rows, f] * r
                if "discount" in frame and frame["discount"].abs().max() > 1:  # money off, not a rate
                    frame.loc[rows, "discount"] = frame.loc[rows, "discount"] * r
                out.notes.append(i18n.t(lang, "{n} lines in {c} converted at {r} to {b}",
                                        "{n} 行 {c} 按汇率 {r} 折算为 {b}", n=int(rows.sum()), c=code, r=f"{r:g}", b=base))
            else:
                n = int(rows.sum())
                amt = float(np.nansum(frame["amount"].to_numpy(float)[rows]))
                out.dropped["no_rate"] = out.dropped.get("no_rate", 0) + n
                out.issues.append(Issue(sheet, currency_letter, i18n.t(
                    lang, "{n} lines in {c} (amount {a}) are left out: no exchange rate from {c} to {b}",
                    "{n} 行币种为 {c}（金额 {a}）未计入：没有 {c} 折合 {b} 的汇率", n=n, c=code, a=_fmt(amt), b=base),
                    i18n.t(lang, "add a row 汇率 / Exchange rates with {c} = <rate to {b}> to the settings sheet",
                           "在设置表加一行 汇率，值为 {c} = 折合{b}的汇率", c=code, b=base)))
                keep &= ~rows
    if not keep.all():
        out.frame = frame[keep].reset_index(drop=True)
    return out
