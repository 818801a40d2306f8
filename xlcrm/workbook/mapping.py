"""The user's column mapping (字段映射 / Column mapping) and the refusal that points to it.

On the settings sheet (or in ``--config``) a user writes ``金额 = 实收金额``: the field on
the left (its zh or en name, its key, or any header xlcrm knows for it), the header as typed
in the workbook on the right. ``resolve`` turns that into what ``headers.find_header``
matches; ``missing_fields_line`` words the refusal when an order table cannot be found:
which fields are missing, which were found, the nearest headers, and this fix.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Any

from xlcrm import i18n, schema
from xlcrm.model import Issue, Lang
from xlcrm.workbook.headers import normalise_header, role_fields

__all__ = ["field_label", "missing_fields_line", "resolve", "section_of"]

# Sections of the settings sheet: a row with this label and no value starts a block of
# "name | value" rows (until a blank row), instead of one "a = b; c = d" cell.
SECTIONS = {normalise_header(w): key for key, words in {
    "column_mapping": ("字段映射", "Column mapping", "column_mapping", "列映射", "字段对应"),
    "exchange_rates": ("汇率", "Exchange rates", "exchange_rates", "Exchange rate"),
    "excluded_statuses": ("排除状态", "Excluded statuses", "excluded_statuses"),
}.items() for w in words}


def section_of(label: Any) -> str | None:
    return SECTIONS.get(normalise_header(str(label))) if label is not None else None


def _field_names(role: str) -> dict[str, str]:
    names: dict[str, str] = {}
    for f in role_fields(role):
        for n in (f.key, f.zh, f.en, *f.aliases):
            names.setdefault(normalise_header(n), f.key)
    return names


def field_label(key: str, lang: Lang = "zh") -> str:
    for f in schema.ORDER_FIELDS + schema.CUSTOMER_FIELDS:
        if f.key == key:
            return f"{f.zh}/{f.en}"
    return key


def resolve(mapping: Mapping[str, Any] | None, *, sheet: str = "", lang: Lang = "en") -> tuple[
        dict[str, str], list[Issue]]:
    """{normalised header: field key} for ``find_header``, and an issue per unknown field name."""
    user: dict[str, str] = {}
    issues: list[Issue] = []
    known = _field_names("orders")
    for role in ("customers", "deliveries"):
        for k, v in _field_names(role).items():
            known.setdefault(k, v)
    for name, header in (mapping or {}).items():
        key = known.get(normalise_header(str(name)))
        if key is None:
            fields = "、".join(f.zh for f in schema.ORDER_FIELDS[:6])
            issues.append(Issue(sheet, "", i18n.t(
                lang, 'column mapping: "{n}" is not a field xlcrm reads', "字段映射：“{n}”不是 xlcrm 读取的字段", n=name),
                i18n.t(lang, "use a field name such as {f}", "请使用字段名，如 {f}", f=fields)))
            continue
        if header is not None and str(header).strip():
            user[normalise_header(str(header))] = key
    return user, issues


_NEEDED = {  # field -> zh/en name shown in the refusal
    "order_date": ("订单日期", "Order Date"),
    "customer": ("客户名称", "Customer"),
    "amount": ("金额", "Amount"),
}


def nearest_headers(headers: list[str], field: str, n: int = 3) -> list[str]:
    """Headers of a sheet closest to the names of ``field`` (for the refusal)."""
    from xlcrm.workbook.families import family_match

    keys = ("customer_name", "customer_id") if field == "customer" else (field,)
    names = [normalise_header(a) for f in role_fields("orders") if f.key in keys for a in f.aliases]
    scored: list[tuple[float, str]] = []
    for h in headers:
        nh = normalise_header(h)
        if not nh:
            continue
        if family_match(nh, "orders") in keys:
            scored.append((2.0, h))
            continue
        best = max((difflib.SequenceMatcher(None, nh, a).ratio() for a in names), default=0.0)
        if best >= 0.6:
            scored.append((best, h))
    scored.sort(key=lambda t: -t[0])
    return [h for _, h in scored[:n]]


def missing_fields_line(sheet: str, found: set[str], headers: list[str],
                        rejected: dict[str, str] | None = None) -> tuple[str, str]:
    """(problem, fix) for an order table that lacks fields: which are missing, which were found,
    the nearest of the sheet's other ``headers``, and the column-mapping fix. In English with
    the zh field names, like every one-line refusal (the CLI adds its Chinese gloss)."""
    have = set(found)
    if have & {"customer_name", "customer_id"}:
        have.add("customer")
    if {"unit_price", "quantity"} <= have:
        have.add("amount")
    missing = [k for k in ("order_date", "customer", "amount") if k not in have]
    got = sorted(field_label(k) for k in found if k in {f.key for f in schema.ORDER_FIELDS})
    miss_txt = " and ".join("/".join(_NEEDED[k]) for k in missing) or "-"
    near: list[str] = []
    for k in missing:
        for h in nearest_headers(headers, k):
            if h not in near:
                near.append(h)
    why = "".join(f"; {h} was not used: {v}" for h, v in (rejected or {}).items())
    problem = (f"sheet '{sheet}' has no {miss_txt} column (found: {', '.join(got) or 'no known header'}; "
               f"nearest headers: {', '.join(near) or 'none'}{why})")
    example_field = _NEEDED[missing[0]][0] if missing else "金额"
    example_head = near[0] if near else "<your header>"
    fix = (f"name the column on the settings sheet (设置): a row 字段映射 / Column mapping with "
           f"{example_field} = {example_head}, or rename the header")
    return problem, fix
