"""Gates after reading: what cannot be right stops the run, what is doubtful is said loudly.

A wrong number with exit 0 is the worst outcome, so a read that cannot be right raises
``UnreadableColumn`` / ``NoCustomers`` (exit 1, one line naming the column and a typical bad
value); a read that is partly useful goes on with a loud warning, which the CLI prints and
the data-issues sheet lists first.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from xlcrm import i18n
from xlcrm.errors import UnreadableData
from xlcrm.model import Issue, Lang

__all__ = ["FAIL_SHARE", "WARN_SHARE", "check"]

FAIL_SHARE = 0.5  # a date or amount column of which at least half is unreadable: the read is wrong
WARN_SHARE = 0.2  # at least this share unreadable: a loud warning
MIN_BAD = 5  # fewer unreadable cells are data issues, one by one, and nothing louder


def _label(field: str) -> str:
    return {"order_date": "订单日期/Order Date", "amount": "金额/Amount"}.get(field, field)


def check(source: str, orders: pd.DataFrame, reports: list, lang: Lang) -> list[Issue]:
    """Raise for a read that cannot be right; return the loud warnings of a doubtful one.

    ``reports`` are the reader's SheetReports (their ``parsed`` column stats and row counts).
    """
    warnings: list[Issue] = []
    order_reports = [r for r in reports if r.role == "orders"]
    for field, what_en, what_zh in (("order_date", "dates", "日期"), ("amount", "amounts", "金额")):
        filled = sum(r.parsed[field].filled for r in order_reports if field in r.parsed)
        bad = sum(r.parsed[field].bad for r in order_reports if field in r.parsed)
        if not filled or bad < MIN_BAD:
            continue
        worst = max((r for r in order_reports if field in r.parsed), key=lambda r: r.parsed[field].bad)
        st = worst.parsed[field]
        share = bad / filled
        line_en = f'{st.header}: {bad:,} of {filled:,} rows are not {what_en}, e.g. "{st.example}"'
        if share >= FAIL_SHARE:
            raise UnreadableData(
                source, f"sheet '{worst.sheet}' column {st.letter}, {line_en}",
                (f"type them as {'dates such as 2024-01-05' if field == 'order_date' else 'numbers such as 1234.50'}"
                 ", or name the right column on the settings sheet (字段映射 / Column mapping: "
                 f"{'订单日期' if field == 'order_date' else '金额'} = <header>)"))
        if share >= WARN_SHARE:
            warnings.append(Issue(worst.sheet, st.letter, i18n.t(
                lang, line_en + "; those rows are left out",
                '{h}：{n} 行（共 {m} 行）不是{w}，例如“{e}”；这些行未计入', h=st.header, n=f"{bad:,}",
                m=f"{filled:,}", w=what_zh, e=st.example),
                i18n.t(lang, "correct the column (see the rows listed below), then run again",
                       "请修正该列（见下面逐行列出的单元格）后再运行")))
    if not len(orders) or orders["customer_key"].isna().all():
        dropped: dict[str, int] = {}
        for r in order_reports:
            for k, n in r.dropped.items():
                dropped[k] = dropped.get(k, 0) + n
        why = ", ".join(f"{k} {n:,}" for k, n in sorted(dropped.items(), key=lambda t: -t[1])) or "no data rows"
        sheets = ", ".join(f"'{r.sheet}'" for r in order_reports)
        raise UnreadableData(source, f"no order row could be used on {sheets} (rows left out: {why})",
                           "see the reasons: fill in the dates and customers, or name the right columns on the "
                           "settings sheet (字段映射 / Column mapping)")
    has_amount = bool(orders["amount"].notna().any()) or any(
        "amount" in r.parsed or {"unit_price", "quantity"} <= set(r.letters) for r in order_reports)
    amt = orders["amount"].to_numpy(float)
    if has_amount and len(amt) >= MIN_BAD and (np.nan_to_num(amt) == 0).all():
        st = next((r.parsed["amount"] for r in order_reports if "amount" in r.parsed), None)
        col = f"{st.header} ({st.letter})" if st else "金额/Amount"
        raise UnreadableData(source, f"every amount read from {col} is 0 or empty, so every customer's revenue "
                                   "would be 0", "check that this is the amount column, or name the right one on "
                                                 "the settings sheet (字段映射 / Column mapping: 金额 = <header>)")
    if not has_amount and order_reports:
        # Revenue 0 for every customer ranks them by ID: the silent wrong answer of issue 11.
        from xlcrm.errors import NoOrderTable
        from xlcrm.workbook.mapping import missing_fields_line

        first = order_reports[0]
        problem, fix = missing_fields_line(first.sheet, set(first.letters), list(first.unmapped))
        raise NoOrderTable(source, problem + "; without amounts every customer's revenue would be 0", fix)
    return warnings
