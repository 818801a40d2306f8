"""xlcrm as Excel functions (xlwings UDFs): type ``xlcrm.excel.udfs`` into xlwings' UDF Modules.

Every function is named ``CRM_...`` (xlwings names the VBA wrapper after the Python
function, and VBA names cannot contain a dot, so ``CRM.TIER`` is not possible) and sits in
the ``xlcrm`` category of Excel's Insert Function dialog, with its docstring as help text.

Conventions, the same for every function:
- Per-customer functions take the customer first (one cell, or a range to spill a column),
  then the population ranges (``ids``, ``values``, or the order table's customer/date/amount
  columns), selected with or without their header row, whole columns allowed.
- Ranges with repeated ids (order lines) are summed per customer where that makes sense.
- Dates in: date cells, Excel serial numbers or text (2024-01-05, 2024年1月5日). Dates out:
  Excel serial numbers (format the cell as a date).
- ``lang`` is optional: "zh" or "en"; by default the language of the header row, else zh.
- ``settings`` is optional: a two-column Setting/Value range like the 设置/Settings sheet.
- Problems show as ``#VALUE! ...``/``#N/A ...`` text that says what to fix.
- The pyramid and the churn model are cached by the content of their inputs, so a formula
  filled down 10,000 rows computes them once (see ``xlcrm.excel._cache``).
- No type annotations on the UDFs: xlwings would take them as converters.
"""

from __future__ import annotations

import datetime as dt
import importlib
import math
from typing import Any, Callable

try:  # the Calc host calls these functions without the excel extra
    import xlwings as xw
except ImportError:  # pragma: no cover - exercised where xlwings is absent
    xw = None

from xlcrm import i18n
from xlcrm.excel import _ranges
from xlcrm.excel._cache import CACHE, content_key
from xlcrm.excel._ranges import read_args
from xlcrm.excel._cells import (
    CellError,
    Columns,
    columns,
    excel_date,
    excel_errors,
    given,
    grid,
    is_header_text,
    lang_of,
    scalar,
    settings_of,
    table,
    to_date,
    to_key,
    to_number,
    vector,
)

__all__ = [
    "CRM_TIER",
    "CRM_PYRAMID",
    "CRM_LIFECYCLE",
    "CRM_RFM",
    "CRM_RFM_SEGMENT",
    "CRM_ABC",
    "CRM_CHURN_RISK",
    "CRM_P_ALIVE",
    "CRM_CHURN_COST",
    "CRM_NEXT_VISIT",
    "CRM_RESPONSE_DUE",
    "CRM_SATISFACTION_INDEX",
]

CATEGORY = "xlcrm"

# Argument help shown in Excel's Insert Function dialog (xlwings passes ``doc`` on).
ARG_DOCS: dict[str, str] = {
    "customer": "the customer ID or name to look up; a range spills one result per cell",
    "ids": "customer IDs or names, one per row (with or without header); repeats are summed",
    "values": "value per row (profit or sales), same height as ids",
    "revenue": "optional revenue per row, used to break ties",
    "recency_days": "days since each customer's last order",
    "frequency": "number of orders of each customer",
    "monetary": "amount each customer spent",
    "order_customers": "the order table's customer column",
    "order_dates": "the order table's date column",
    "order_amounts": "the order table's amount column",
    "asof": "the as-of date (default today); orders after it are ignored",
    "status": "optional customer status from the customer master (e.g. Prospect, Target)",
    "explain": "TRUE to spill the reason beside the result",
    "lang": 'optional "zh" or "en" (default: the header language, else zh)',
    "settings": "optional two-column Setting/Value range, like the Settings sheet",
    "customers": "number of customers",
    "lost_share": "share of customers lost in a year (5% or 0.05)",
    "revenue_each": "yearly revenue from one customer",
    "margin": "profit margin (10% or 0.1)",
    "what": 'optional "lost", "revenue" or "profit" for one number instead of the table',
    "last_contact": "date of the last visit or call",
    "tier": "the customer's tier (Key/Major/Regular/Small or 重要客户/...)",
    "risk_level": "optional churn risk level (High/Medium/Low or 高/中/低)",
    "received": "date the complaint was received",
    "severity": "optional severity of the complaint",
    "perception": "perceived experience score (b)",
    "expectation": "expectation score (a)",
}

# Arguments that may be ranges: xlwings passes the Range (``_ranges``), which we cut to the
# used range and read as 2-D lists (a single cell too).
_RANGE_ARGS = {"ids", "values", "revenue", "recency_days", "frequency", "monetary", "order_customers",
               "order_dates", "order_amounts", "settings", "customer", "last_contact", "tier",
               "risk_level", "received", "severity", "perception", "expectation", "status"}


# Functions that fit a model: not run while the user is still typing in the Insert Function
# dialog (xlwings' call_in_wizard=False).
_HEAVY = {"CRM_CHURN_RISK", "CRM_P_ALIVE"}


def _udf(func: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a UDF body: range arguments cut to the used range before they are read (see
    ``_ranges``), Excel error text instead of exceptions, xlwings metadata and arg help."""
    import functools
    import inspect

    @functools.wraps(func)
    def body(*args: Any) -> Any:
        return func(*read_args(args))

    wrapped = excel_errors(body)
    names = list(inspect.signature(func).parameters)
    wrapped.__xlcrm_args__ = {n: ARG_DOCS.get(n, n) for n in names}  # type: ignore[attr-defined]
    if xw is None:
        return wrapped
    for name in names:
        options: dict[str, Any] = {"doc": ARG_DOCS.get(name, name)}
        if name in _RANGE_ARGS:
            options["convert"] = _ranges.CONVERTER  # the Range itself: read after cutting
        wrapped = xw.arg(name, **options)(wrapped)
    return xw.func(category=CATEGORY, call_in_wizard=func.__name__ not in _HEAVY)(wrapped)


def _core(module: str) -> Any:
    """The core module, imported when first used (keeps ``import xlcrm.excel.udfs`` light)."""
    return importlib.import_module(f"xlcrm.{module}")


def _asof(value: Any) -> dt.date:
    day = to_date(scalar(value), "asof") if value is not None else None
    return day or dt.date.today()


def _customers(customer: Any) -> tuple[list[str | None], bool]:
    """The customer(s) asked for, and whether the answer should spill as a column."""
    rows = grid(customer)
    if len(rows) == 1 and len(rows[0]) == 1:
        return [to_key(rows[0][0])], False
    cells = vector(customer, "customer")
    return [to_key(c) for c in cells], True


def _one_or_column(keys: list[str | None], spill: bool, lookup: Callable[[str], list[Any]],
                   blank: list[Any]) -> Any:
    """One answer, or a column of answers where an unknown customer gets its error text in its
    own row (the others still show)."""
    rows = []
    for k in keys:
        if k is None:
            rows.append(blank)
            continue
        try:
            rows.append(lookup(k))
        except CellError as exc:
            if not spill:
                raise
            rows.append([exc.text()] + [""] * (len(blank) - 1))
    if not spill and len(rows[0]) == 1:
        return table(rows)[0][0]
    return table(rows)


def _missing(key: str, where: str) -> CellError:
    return CellError(f"customer '{key}' not in {where} — check the spelling, or extend the {where} range",
                     "#N/A")


# ---------------------------------------------------------------------- value pyramid, ABC

def _population(ids: Any, values: Any, revenue: Any = None) -> tuple[Columns, list[str], list[float], list[float] | None]:
    """Customer ids with their summed value (and revenue), in first-seen order."""
    cols = columns({"ids": "id", "values": "number", "revenue": "number"},
                   ids=ids, values=values, revenue=revenue)
    totals: dict[str, list[float]] = {}
    rev = cols.data.get("revenue")
    for i, raw in enumerate(cols.data["ids"]):
        key = to_key(raw)
        if key is None:
            continue
        v = to_number(cols.data["values"][i], "values")
        r = to_number(rev[i], "revenue") if rev is not None else math.nan
        acc = totals.setdefault(key, [math.nan, math.nan])
        acc[0] = v if math.isnan(acc[0]) else acc[0] + (0.0 if math.isnan(v) else v)
        acc[1] = r if math.isnan(acc[1]) else acc[1] + (0.0 if math.isnan(r) else r)
    if not totals:
        raise CellError("ids is empty — select the customer column")
    keys = list(totals)
    return cols, keys, [totals[k][0] for k in keys], ([totals[k][1] for k in keys] if rev is not None else None)


def _pyramid(ids: Any, values: Any, revenue: Any, settings: Any) -> tuple[Columns, dict[str, tuple[str, float, int]]]:
    """customer -> (tier code, value, rank), computed once per content of the raw ranges."""
    revenue, settings = given(revenue), given(settings)

    def compute() -> tuple[Columns, dict[str, tuple[str, float, int]]]:
        cols, keys, vals, revs = _population(ids, values, revenue)
        cfg = settings_of(settings)
        tiers = _core("classify").assign_tiers(vals, revs, keys, settings=cfg)
        rank = _ranks(keys, vals, revs)
        return cols, {k: (tiers[i] or "", vals[i], rank.get(k, "")) for i, k in enumerate(keys)}

    # keyed by the raw cells: hashing them is far cheaper than parsing 10,000 rows per call
    return CACHE.get_or_compute(content_key("pyramid", ids, values, revenue, settings), compute)


def _ranks(keys: list[str], vals: list[float], revs: list[float] | None) -> dict[str, int]:
    """Rank in the pyramid (1 = top), in the core's order: value, then revenue, then ID."""
    import numpy as np

    pyramid = _core("pyramid")
    present = [i for i, v in enumerate(vals) if not math.isnan(v)]
    if not present:
        return {}
    rev = np.array([(revs[i] if revs is not None else 0.0) for i in present], dtype=float)
    order = pyramid.rank_order(np.array([vals[i] for i in present], dtype=float), rev,
                               pyramid.id_order([keys[i] for i in present]))
    return {keys[present[int(j)]]: n + 1 for n, j in enumerate(order)}


@_udf
def CRM_TIER(customer, ids, values, revenue=None, lang=None, settings=None):
    """Value-pyramid tier of a customer: Key (top 1%), Major (next 19%), Regular (next 30%), Small (bottom 50%), ranked by value. The pyramid is computed once per distinct ids/values."""
    cols, pyr = _pyramid(ids, values, revenue, settings)
    lg = lang_of(lang, cols)
    keys, spill = _customers(customer)

    def lookup(k: str) -> list[Any]:
        if k not in pyr:
            raise _missing(k, "ids")
        return [i18n.value(pyr[k][0], lg)]

    return _one_or_column(keys, spill, lookup, [""])


@_udf
def CRM_PYRAMID(ids, values, revenue=None, lang=None, settings=None):
    """The whole value pyramid as a table that spills: Customer ID, Value, Rank, Tier, one row per customer, highest value first, with a header row."""
    cols, pyr = _pyramid(ids, values, revenue, settings)
    lg = lang_of(lang, cols)
    head = [i18n.t(lg, "Customer ID", "客户编号"), i18n.t(lg, "Value", "价值"),
            i18n.t(lg, "Rank", "排名"), i18n.t(lg, "Tier", "客户等级")]
    rows = sorted(pyr.items(), key=lambda kv: (kv[1][2] == "", kv[1][2] or 0))  # unranked last
    return table([head] + [[k, v, rank, i18n.value(tier, lg)] for k, (tier, v, rank) in rows])


@_udf
def CRM_ABC(customer, ids, values, settings=None):
    """ABC class of a customer by cumulative share of value: A up to 80%, B up to 95%, C the rest (settings can change the shares)."""
    def compute() -> dict[str, str]:
        _, keys, vals, _ = _population(ids, values)
        return dict(zip(keys, _core("classify").abc_classes(vals, settings=settings_of(settings))))

    classes = CACHE.get_or_compute(content_key("abc", ids, values, settings), compute)
    wanted, spill = _customers(customer)

    def lookup(k: str) -> list[Any]:
        if k not in classes:
            raise _missing(k, "ids")
        return [classes[k]]

    return _one_or_column(wanted, spill, lookup, [""])


# ---------------------------------------------------------------------- RFM

def _rfm(ids: Any, recency_days: Any, frequency: Any, monetary: Any) -> tuple[Columns, dict[str, dict[str, Any]]]:
    return CACHE.get_or_compute(content_key("rfm", ids, recency_days, frequency, monetary),
                                lambda: _rfm_compute(ids, recency_days, frequency, monetary))


def _rfm_compute(ids: Any, recency_days: Any, frequency: Any, monetary: Any) -> tuple[Columns, dict[str, dict[str, Any]]]:
    cols = columns({"ids": "id", "recency_days": "number", "frequency": "number", "monetary": "number"},
                   ids=ids, recency_days=recency_days, frequency=frequency, monetary=monetary)
    keys: list[str] = []
    r: list[float] = []
    f: list[float] = []
    m: list[float] = []
    for i, raw in enumerate(cols.data["ids"]):
        key = to_key(raw)
        if key is None:
            continue
        if key in keys:
            raise CellError(f"ids: '{key}' appears twice — RFM needs one row per customer")
        keys.append(key)
        r.append(to_number(cols.data["recency_days"][i], "recency_days"))
        f.append(to_number(cols.data["frequency"][i], "frequency"))
        m.append(to_number(cols.data["monetary"][i], "monetary"))
    if not keys:
        raise CellError("ids is empty — select the customer column")

    records = _core("classify").rfm_scores(r, f, m).to_dict("records")
    return cols, {k: records[i] for i, k in enumerate(keys)}


@_udf
def CRM_RFM(customer, ids, recency_days, frequency, monetary):
    """RFM code of a customer (recency, frequency and monetary scores, e.g. 545), scored against all customers in the ranges."""
    _, scores = _rfm(ids, recency_days, frequency, monetary)
    wanted, spill = _customers(customer)

    def lookup(k: str) -> list[Any]:
        if k not in scores:
            raise _missing(k, "ids")
        return [scores[k]["rfm"]]

    return _one_or_column(wanted, spill, lookup, [""])


@_udf
def CRM_RFM_SEGMENT(customer, ids, recency_days, frequency, monetary, lang=None):
    """RFM segment of a customer (Important Value, Important Win-back, ... General Win-back) from R, F and M above or below the average."""
    cols, scores = _rfm(ids, recency_days, frequency, monetary)
    lg = lang_of(lang, cols)
    wanted, spill = _customers(customer)

    def lookup(k: str) -> list[Any]:
        if k not in scores:
            raise _missing(k, "ids")
        return [i18n.value(scores[k]["segment"], lg)]

    return _one_or_column(wanted, spill, lookup, [""])


# ---------------------------------------------------------------------- orders: lifecycle, churn

def _orders(order_customers: Any, order_dates: Any, order_amounts: Any = None) -> tuple[Columns, list[str], list[dt.date], list[float]]:
    cols = columns({"order_customers": "id", "order_dates": "date", "order_amounts": "number"},
                   order_customers=order_customers, order_dates=order_dates, order_amounts=order_amounts)
    keys: list[str] = []
    dates: list[dt.date] = []
    amounts: list[float] = []
    amt = cols.data.get("order_amounts")
    for i, raw in enumerate(cols.data["order_customers"]):
        key = to_key(raw)
        day = to_date(cols.data["order_dates"][i], "order_dates")
        if key is None or day is None:
            continue
        keys.append(key)
        dates.append(day)
        amounts.append(to_number(amt[i], "order_amounts") if amt is not None else math.nan)
    return cols, keys, dates, amounts


@_udf
def CRM_LIFECYCLE(customer, order_customers, order_dates, asof=None, status=None, explain=False, lang=None, settings=None):
    """Lifecycle class of a customer from its orders: Prospect/Target (no order yet), New, Repeat, Loyal or Lost. explain=TRUE spills the reason beside it."""
    def group() -> tuple[Columns, dict[str, list[dt.date]]]:
        cols, keys, dates, _ = _orders(order_customers, order_dates)
        return cols, _group(keys, dates)

    cols, by_customer = CACHE.get_or_compute(content_key("orders-by-customer", order_customers, order_dates), group)
    day = _asof(asof)
    lg = lang_of(lang, cols)
    cfg = settings_of(settings)
    wanted, spill = _customers(customer)
    statuses: list[Any] = [None] * len(wanted)
    if given(status) is not None:
        flat = [c for row in grid(status) for c in row]
        if len(flat) == len(wanted):
            statuses = flat
        elif len(flat) == 1:
            statuses = flat * len(wanted)
        else:  # never one customer's status on another's row
            raise CellError(f"status has {len(flat)} cells but customer has {len(wanted)} — select one "
                            "status per customer, or one for all")
    rows = []
    for k, st in zip(wanted, statuses):
        if k is None:
            rows.append(["", ""] if explain else [""])
            continue
        code, why = _core("classify").lifecycle_of(
            by_customer.get(k, []), day, settings=cfg, status=(i18n.code(st) if st else None), lang=lg)
        rows.append([i18n.value(code, lg), why] if explain else [i18n.value(code, lg)])
    if not spill and not explain:
        return table(rows)[0][0]
    return table(rows)


def _group(keys: list[str], dates: list[dt.date]) -> dict[str, list[dt.date]]:
    out: dict[str, list[dt.date]] = {}
    for k, d in zip(keys, dates):
        out.setdefault(k, []).append(d)
    return out


def _churn(order_customers: Any, order_dates: Any, order_amounts: Any, asof: Any, lang: Any,
           settings: Any) -> tuple[str, dict[str, dict[str, Any]]]:
    """customer -> churn row (churn_risk, risk_level, p_alive, reasons, expected_loss), cached."""
    order_amounts, settings, lang = given(order_amounts), given(settings), given(lang)
    day = _asof(asof)
    key = content_key("churn", order_customers, order_dates, order_amounts, day, lang, settings)
    return CACHE.get_or_compute(
        key, lambda: _churn_compute(order_customers, order_dates, order_amounts, day, lang, settings))


def _churn_compute(order_customers: Any, order_dates: Any, order_amounts: Any, day: dt.date, lang: Any,
                   settings: Any) -> tuple[str, dict[str, dict[str, Any]]]:
    import pandas as pd

    from xlcrm.model import Frames

    cols, keys, dates, amounts = _orders(order_customers, order_dates, order_amounts)
    if not keys:
        raise CellError("no orders — select the order table's customer and date columns")
    lg = lang_of(lang, cols)
    cfg = settings_of(settings)
    orders = pd.DataFrame({
        "customer_key": keys,
        "customer_id": keys,
        "order_date": pd.to_datetime(pd.Series(dates)),
        "amount": pd.Series(amounts, dtype=float),
        "source_sheet": "UDF",
        "source_row": range(cols.first_row + 1, cols.first_row + 1 + len(keys)),
    })
    frames = Frames(orders=orders)
    customers = _core("classify").classify(frames, cfg, day, lg)
    scored = _core("churn").score(frames, customers, None, cfg, day, lg)
    return lg, {str(k): row for k, row in scored.to_dict("index").items()}


@_udf
def CRM_CHURN_RISK(customer, order_customers, order_dates, order_amounts, asof=None, lang=None, settings=None):
    """Churn risk of a customer (0-100) with its reasons, spilled as two cells; a range of customers spills a two-column table. The model runs once per distinct order table."""
    _, scores = _churn(order_customers, order_dates, order_amounts, asof, lang, settings)
    wanted, spill = _customers(customer)

    def lookup(k: str) -> list[Any]:
        if k not in scores:
            raise _missing(k, "order_customers")
        return [scores[k]["churn_risk"], scores[k]["reasons"]]

    out = _one_or_column(wanted, True, lookup, ["", ""])
    if not spill and isinstance(out[0][0], str) and out[0][0].startswith("#"):
        return out[0][0]  # one customer: the error text alone
    return out


@_udf
def CRM_P_ALIVE(customer, order_customers, order_dates, order_amounts=None, asof=None, settings=None):
    """Probability (0-1) that a customer is still active, from the BG/NBD model fitted on all customers' order dates (the same figure as the churn sheet)."""
    _, scores = _churn(order_customers, order_dates, order_amounts, asof, None, settings)
    wanted, spill = _customers(customer)

    def lookup(k: str) -> list[Any]:
        if k not in scores:
            raise _missing(k, "order_customers")
        return [scores[k]["p_alive"]]

    return _one_or_column(wanted, spill, lookup, [""])


@_udf
def CRM_CHURN_COST(customers, lost_share, revenue_each, margin, what=None, lang=None):
    """What losing customers costs (textbook): customers lost, revenue lost, profit lost, spilled as a labelled table; what="profit" (or "lost", "revenue") gives one number."""
    n = to_number(scalar(customers), "customers")
    share = to_number(scalar(lost_share), "lost_share")
    each = to_number(scalar(revenue_each), "revenue_each")
    mg = to_number(scalar(margin), "margin")
    for name, v in (("customers", n), ("lost_share", share), ("revenue_each", each), ("margin", mg)):
        if math.isnan(v):
            raise CellError(f"{name} is blank — enter a number")
    share = share / 100 if share > 1 else share  # 5 typed for 5%
    mg = mg / 100 if mg > 1 else mg
    cost = _core("churn").churn_cost(n, share, each, mg)
    choice = scalar(what) if isinstance(what, list) else what
    if choice not in (None, ""):
        k = str(choice).strip().lower()
        pick = {"lost": "lost", "customers": "lost", "revenue": "revenue_lost", "revenue_lost": "revenue_lost",
                "profit": "profit_lost", "profit_lost": "profit_lost",
                "流失客户": "lost", "收入损失": "revenue_lost", "利润损失": "profit_lost"}.get(k)
        if pick is None:
            raise CellError(f'what "{choice}" is not one of lost, revenue, profit')
        return table([[cost[pick]]])[0][0]
    lg = lang_of(lang)
    return table([
        [i18n.t(lg, "Customers lost", "流失客户数"), cost["lost"]],
        [i18n.t(lg, "Revenue lost", "收入损失"), cost["revenue_lost"]],
        [i18n.t(lg, "Profit lost", "利润损失"), cost["profit_lost"]],
    ])


# ---------------------------------------------------------------------- visits, complaints

def _is_code(value: Any) -> bool:
    """A value xlcrm translates (Key, 重要客户, High ...): data, even where it reads like a header."""
    code = i18n.code(value)
    return code != value or i18n.value(code, "zh") != code or i18n.value(code, "en") != code


def _each(names: list[str], *args: Any) -> tuple[list[list[Any]], bool]:
    """Scalar-or-column arguments broadcast to rows; spill when any is a multi-cell range.
    A range's own header row (a header xlcrm knows) is dropped; ranges must then be equally
    high and, on one sheet, start on the same row: never one row's value beside another's.
    Trailing rows blank in every column are dropped (whole-column selections)."""
    cols = []
    starts: dict[Any, dict[int, str]] = {}
    for name, a in zip(names, args):
        rows = grid(a)
        width = max((len(r) for r in rows), default=0)
        if len(rows) > 1 and width > 1:
            raise CellError(f"{name} is {len(rows)} rows x {width} columns — select one column (or one row)")
        cells = [c for r in rows for c in r] or [None]
        head = len(cells) > 1 and is_header_text(cells[0]) and not _is_code(cells[0])
        if head:
            cells = cells[1:]
        cols.append(cells)
        sheet, row = getattr(a, "sheet", None), getattr(a, "row", None)
        if len(cells) > 1 and sheet is not None and row is not None:
            starts.setdefault(sheet, {}).setdefault(int(row) + head, name)
    n = max(len(c) for c in cols)
    for name, c in zip(names, cols):
        if len(c) not in (1, n):
            longest = names[[len(x) for x in cols].index(n)]
            raise CellError(f"{longest} has {n} rows but {name} has {len(c)} — select ranges of the same "
                            "height (or one cell for all)")
    for sheet, first_rows in starts.items():
        if len(first_rows) > 1:
            (ra, a), (rb, b) = sorted(first_rows.items())[:2]
            raise CellError(f"{a} starts at row {ra} of {sheet} but {b} at row {rb} — select the same rows in each")
    out = [[c[i] if len(c) > 1 else c[0] for c in cols] for i in range(n)]
    spill = n > 1
    while len(out) > 1 and all(v is None or (isinstance(v, str) and not v.strip()) for v in out[-1]):
        out.pop()
    return out, spill


@_udf
def CRM_NEXT_VISIT(last_contact, tier, risk_level=None, asof=None, settings=None):
    """Date of the next visit or call (an Excel date): every 7/14/30/90 days for Key/Major/Regular/Small, sooner for high churn risk, moved to a working day."""
    cfg = settings_of(settings)
    day = _asof(asof)
    from xlcrm.workdays import WorkCalendar

    calendar = WorkCalendar.from_settings(cfg)
    rows, spill = _each(["last_contact", "tier", "risk_level"], last_contact, tier, risk_level)
    out = []
    for last, tr, risk in rows:
        if last in (None, "") and tr in (None, ""):  # an empty row of a spilled range
            out.append([""])
            continue
        when = _core("visits").next_visit_date(
            to_date(last, "last_contact"), i18n.code(tr) if tr else None, i18n.code(risk) if risk else None,
            day, settings=cfg, calendar=calendar)
        out.append([excel_date(when)])
    return table(out) if spill else table(out)[0][0]


@_udf
def CRM_RESPONSE_DUE(received, tier, severity=None, settings=None):
    """Deadline for the first response to a complaint (an Excel date): same day for Key and Major customers, working days otherwise."""
    cfg = settings_of(settings)
    from xlcrm.workdays import WorkCalendar

    calendar = WorkCalendar.from_settings(cfg)
    rows, spill = _each(["received", "tier", "severity"], received, tier, severity)
    out = []
    for rec, tr, sev in rows:
        day = to_date(rec, "received")
        if day is None:
            out.append([""])
            continue
        due = _core("complaints").response_due(day, i18n.code(tr) if tr else None, sev,
                                               settings=cfg, calendar=calendar)
        out.append([excel_date(due)])
    return table(out) if spill else table(out)[0][0]


@_udf
def CRM_SATISFACTION_INDEX(perception, expectation):
    """Customer satisfaction index c = b / a: perceived experience (b) over expectation (a); 1 means expectations met."""
    rows, spill = _each(["perception", "expectation"], perception, expectation)
    out = []
    for b, a in rows:
        bn, an = to_number(b, "perception"), to_number(a, "expectation")
        if math.isnan(bn) or math.isnan(an):
            out.append([""])
            continue
        if an <= 0:
            raise CellError(f"expectation is {an:g} — the index b / a needs an expectation above 0", "#DIV/0!")
        out.append([_core("complaints").satisfaction_index(bn, an)])
    return table(out) if spill else table(out)[0][0]


def cache_info() -> dict[str, int]:
    """Hits and misses of the UDF cache (for the benchmark and for curious users)."""
    return CACHE.info()


if xw is not None:
    _ranges.register()
