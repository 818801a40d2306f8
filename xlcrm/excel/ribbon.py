"""Ribbon callbacks: what each button of the 客户管理 / CRM tab does.

The VBA in ``macros/xlcrm.bas`` runs ``import xlcrm.excel.ribbon as r; r.refresh_all()``
(etc.) through xlwings' RunPython. Each callback takes a ``Book`` (default: the workbook
that called, through xlwings) and runs the pipeline of ``xlcrm refresh`` itself:
``book.read()`` -> ``xlcrm.refresh.run`` (settings, language, as-of, compute) -> write the
sheets of its roles. Nothing
here raises into Excel: problems become one message in the workbook's language.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Any, Iterable

from xlcrm import i18n
from xlcrm.errors import XlcrmError
from xlcrm.excel.book import Book, XlwingsBook
from xlcrm.model import Lang, SheetSpec

log = logging.getLogger(__name__)

__all__ = ["refresh_all", "classify", "churn", "visit_plan", "complaint_log", "settings", "help",
           "Outcome"]

# Which result sheets each button writes (the data-issues sheet always goes along).
ROLES: dict[str, tuple[str, ...] | None] = {
    "refresh_all": None,  # everything compute() returns
    "classify": ("customers", "key_accounts", "history", "dashboard"),
    "churn": ("churn", "winback"),
    "visit_plan": ("visits",),
    "complaint_log": ("complaints",),
}

DOCS_URL = "docs/excel.md"


@dataclass
class Outcome:
    """What a button did: the sheets written and the message shown."""

    written: list[str] = field(default_factory=list)
    message: str = ""
    ok: bool = True


def _book(book: Book | None) -> Book:
    return book if book is not None else XlwingsBook()


def _settings_sheet(read: Any) -> str | None:
    """The name of the workbook's settings sheet, if the reader found one."""
    return next((s.sheet for s in getattr(read, "sheets", []) or []
                 if getattr(s, "role", None) == "settings"), None)


def _select(sheets: Iterable[SheetSpec], roles: tuple[str, ...] | None,
            also: set[str] = frozenset()) -> list[SheetSpec]:
    """The sheets of ``roles`` (all when None) plus data issues, plus the roles in ``also``.
    """
    if roles is None:
        return list(sheets)
    keep = set(roles) | {"issues"} | set(also)
    return [s for s in sheets if s.role in keep]


def _run(action: str, book: Book | None) -> Outcome:
    book = _book(book)
    lang: Lang = "zh"
    try:
        from xlcrm.refresh import run

        # the CLI's own pipeline: settings, language and as-of resolved there, once
        read = book.read()
        lang = read.lang  # until the settings sheet says otherwise: problems worded in it
        ran = run(read)
        lang, asof = ran.lang, ran.asof
        results = ran.computed.results
        # a book whose writer drops unlisted xlcrm sheets gets the ones it has now, recomputed
        also = book.owned_roles() if book.replaces_all_owned else set()
        sheets = _select(results.sheets, ROLES[action], also)
        if not getattr(book, "writes_forms", False):
            # The customer card (cells and formulas, no tables) needs a cell writer; the live
            # hosts' writers place tables only so far (notes/manager.md).
            sheets = [s for s in sheets if s.tables or not s.cells]
        written = book.write(sheets, lang=lang)
        n_issues = len(results.issues)
        text = i18n.t(lang, "xlcrm: updated {sheets} (as of {asof}){issues}.",
                      "xlcrm：已更新 {sheets}（统计日期 {asof}）{issues}。",
                      sheets=", ".join(written) if lang == "en" else "、".join(written),
                      asof=asof.isoformat(),
                      issues=(i18n.t(lang, "; {n} data issues listed", "；{n} 条数据问题已列出", n=n_issues)
                              if n_issues else ""))
        book.message(text)
        return Outcome(written, text)
    except XlcrmError as exc:
        text = i18n.t(lang, "xlcrm could not {what}: {exc}", "xlcrm 无法{what}：{exc}",
                      what=_what(action, lang), exc=exc)
    except Exception as exc:  # noqa: BLE001 - a button must never end in a Python traceback
        log.exception("ribbon %s failed", action)
        text = i18n.t(lang, "xlcrm could not {what} ({kind}: {exc}). Details are in the xlwings log.",
                      "xlcrm 无法{what}（{kind}：{exc}）。详情见 xlwings 日志。",
                      what=_what(action, lang), kind=type(exc).__name__, exc=exc)
    book.message(text)
    return Outcome([], text, ok=False)


def _what(action: str, lang: Lang) -> str:
    en, zh = {
        "refresh_all": ("refresh", "刷新"),
        "classify": ("classify customers", "完成客户分级"),
        "churn": ("score churn risk", "计算流失风险"),
        "visit_plan": ("plan visits", "生成拜访计划"),
        "complaint_log": ("update the complaint log", "更新投诉跟踪"),
        "settings": ("open the settings", "打开设置"),
    }[action]
    return zh if lang == "zh" else en


def refresh_all(book: Book | None = None) -> Outcome:
    """Recompute every xlcrm sheet of the workbook (the same as ``xlcrm refresh``)."""
    return _run("refresh_all", book)


def classify(book: Book | None = None) -> Outcome:
    """Lifecycle, value pyramid, ABC and RFM: the customers sheet (客户分级) and its companions."""
    return _run("classify", book)


def churn(book: Book | None = None) -> Outcome:
    """Churn risk with reasons (流失预警) and the win-back list."""
    return _run("churn", book)


def visit_plan(book: Book | None = None) -> Outcome:
    """The visit plan (拜访计划): who to see, when, by whom."""
    return _run("visit_plan", book)


def complaint_log(book: Book | None = None) -> Outcome:
    """The complaint log (投诉跟踪): deadlines, escalation, follow-up."""
    return _run("complaint_log", book)


def settings(book: Book | None = None) -> Outcome:
    """Add a Settings sheet (设置) listing every setting with its default, unless there is one."""
    import pandas as pd

    from xlcrm.model import Column, TableSpec
    from xlcrm.settings import defaults_table

    book = _book(book)
    lang: Lang = "zh"
    try:
        read = book.read()
        lang = read.lang
        if read.frames.settings or _settings_sheet(read):
            text = i18n.t(lang, "xlcrm: this workbook already has a Settings sheet; change the values there "
                                "and press Refresh All.",
                          "xlcrm：本工作簿已有设置表，请在其中修改数值后点击“全部刷新”。")
            book.message(text)
            return Outcome([], text)
        rows = [{"key": (zh if lang == "zh" else en), "value": _show(default), "help": help_}
                for _, zh, en, default, help_ in defaults_table()]
        columns = [Column("key", "Setting", "设置项"), Column("value", "Value", "值"),
                   Column("help", "Help", "说明")]
        name = i18n.t(lang, "Settings", "设置")
        # the user's sheet from now on: no xlcrm marker, so refreshes read it and never replace it
        spec = SheetSpec("settings", name, [TableSpec("Settings", pd.DataFrame(rows), columns)])
        added = book.add_user_sheet(spec, lang=lang)
        if added is None:
            text = i18n.t(lang, "xlcrm: add a sheet named {name} with the columns Setting and Value "
                                "(see README, Settings), then press Refresh All.",
                          "xlcrm：请添加名为“{name}”的工作表，列为“设置项”和“值”（见 README 设置一节），"
                          "然后点击“全部刷新”。", name=name)
            book.message(text)
            return Outcome([], text)
        text = i18n.t(lang, "xlcrm: added the sheet {name}; change a value, then press Refresh All.",
                      "xlcrm：已添加“{name}”表；修改数值后点击“全部刷新”。", name=added)
        book.message(text)
        return Outcome([added], text)
    except Exception as exc:  # noqa: BLE001
        log.exception("ribbon settings failed")
        text = i18n.t(lang, "xlcrm could not {what}: {exc}", "xlcrm 无法{what}：{exc}",
                      what=_what("settings", lang), exc=exc)
        book.message(text)
        return Outcome([], text, ok=False)


def _show(value: Any) -> Any:
    if isinstance(value, list):
        return "、".join(map(str, value))
    if value is None:
        return ""
    return value


HELP = {
    "en": ("xlcrm — customer management in this workbook\n"
           "Refresh All: recompute every xlcrm sheet from your order, customer, complaint and visit sheets.\n"
           "Classify / Churn / Visit Plan / Complaint Log: recompute one sheet.\n"
           "Settings: add a Settings sheet with every threshold and its default.\n"
           "Your own sheets are never changed; xlcrm replaces only its own sheets.\n"
           "Formulas: =CRM_TIER(customer, ids, values) and more; see {docs}."),
    "zh": ("xlcrm — 在本工作簿中管理客户\n"
           "全部刷新：根据订单、客户档案、投诉和拜访记录，重新计算所有 xlcrm 表。\n"
           "客户分级 / 流失预警 / 拜访计划 / 投诉跟踪：只重新计算对应的表。\n"
           "设置：添加设置表，列出每个阈值及默认值。\n"
           "xlcrm 只替换它自己的表，从不修改您的表。\n"
           "公式：=CRM_TIER(客户, 客户编号区域, 价值区域) 等，详见 {docs}。"),
}


def help(book: Book | None = None) -> Outcome:  # noqa: A001 - the button is called Help
    """Show what each button does, in the workbook's language."""
    book = _book(book)
    lang: Lang = "zh"
    try:
        lang = book.read().lang
    except Exception:  # noqa: BLE001 - help must show even for a workbook xlcrm cannot read
        log.info("help: could not read %s; showing help in Chinese", book.name)
    text = HELP[lang].format(docs=DOCS_URL)
    book.message(text)
    return Outcome([], text)
