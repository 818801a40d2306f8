"""The pipeline: read the workbook, compute every result, write xlcrm's sheets back.

``compute`` is pure (frames in, sheet specs out) and shared by the CLI, the ribbon and
tests; ``refresh`` adds the file I/O around it. Order matters: complaints feed churn
(open, overdue, dissatisfied complaints are warning signs), and tiers, churn and
complaints all feed the visit plan.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from xlcrm import card, churn, classify, complaints, dashboard, visits
from xlcrm.complaint_register import register_issues
from xlcrm.errors import UnusableWorkbook
from xlcrm.i18n import sheet_name, t
from xlcrm.model import Column, Frames, Issue, Lang, Results, SheetSpec, TableSpec
from xlcrm.movement import history_update
from xlcrm.settings import Settings

log = logging.getLogger(__name__)

Progress = Callable[[str], None]

ISSUE_COLUMNS = [
    Column("sheet", "Sheet", "工作表", width=16),
    Column("cell", "Cell", "单元格", width=10),
    Column("problem", "Problem", "问题", width=60),
    Column("fix", "Fix", "处理建议", width=60),
]


@dataclass
class Computed:
    """The intermediate frames of one run (handy for tests and the ribbon)."""

    customers: pd.DataFrame
    churn: pd.DataFrame
    complaints: pd.DataFrame
    visits: pd.DataFrame
    unplaced: pd.DataFrame
    results: Results


def resolve_settings(frames: Frames, *, base: Settings | None = None, sheet: str = "设置",
                     cells: dict[str, str] | None = None, lang: Lang = "en") -> tuple[Settings, list[Issue]]:
    """Settings from the workbook's settings sheet on top of ``base`` (config file or defaults);
    problems are worded in ``lang``, the language the workbook's headers are in."""
    return Settings.from_mapping(frames.settings or {}, sheet=sheet, cells=cells, base=base, lang=lang)


def with_read_currency(resolved: Settings, read_result: object, base: Settings | None = None) -> Settings:
    """The currency the amounts are in, when the reader saw one throughout (a USD export) and
    neither the settings sheet nor the config named one: labels then say $, not ¥."""
    from xlcrm.parsing import currency_code, currency_symbol
    from xlcrm.settings import BY_KEY

    code = getattr(read_result, "currency", "")
    default = BY_KEY["currency"].default
    if code and resolved.currency == default and (base is None or base.currency == default) \
            and currency_code(resolved.currency) != code:
        return resolved.replace(currency=currency_symbol(code))
    return resolved


def resolve_asof(asof: dt.date | None, settings: Settings) -> dt.date:
    """--asof wins, then the settings sheet's 统计日期 / As-of date, then today."""
    return asof or settings.asof or dt.date.today()


def _unassigned_issue(frames: Frames, plan: pd.DataFrame, lang: Lang) -> list[Issue]:
    """One data issue when the visit plan had to be made for 未分配 / Unassigned (no rep anywhere)."""
    if not len(plan) or "rep" not in plan or not (plan["rep"] == visits.UNASSIGNED[lang]).any():
        return []
    sheet = str(frames.orders["source_sheet"].iloc[0]) if len(frames.orders) else ""
    zh = lang == "zh"
    return [Issue(sheet, "",
                  "没有业务员列：拜访计划按“未分配”安排" if zh else
                  "no sales rep column: the visit plan is made for 未分配 / Unassigned",
                  "请在订单表或客户档案中添加“业务员”列；订单有片区时，也可加一张“片区负责人”表（片区 | 业务员）" if zh else
                  "add a column 业务员 / Sales Rep to the orders or the customer master, or a sheet 片区负责人 with "
                  "columns 片区 | 业务员 (Region | Person) when the orders have a region")]


def _filter_asof(frames: Frames, asof: dt.date) -> Frames:
    """Orders after the as-of date are ignored (DESIGN invariant 5).

    Order dates become days here: an order on the as-of day counts whatever its time of day
    (an export's 2024-01-05 14:32:10 is an order of 5 January), and every later step compares days.
    """
    cutoff = pd.Timestamp(asof)
    orders = frames.orders
    if "order_date" in orders:
        days = orders["order_date"].dt.normalize()
        keep = days.isna() | (days <= cutoff)
        orders = orders[keep].copy() if not keep.all() else orders.copy()
        orders["order_date"] = days[keep]
    return Frames(orders=orders, deliveries=frames.deliveries, customers=frames.customers,
                  complaints=frames.complaints, visits=frames.visits, history=frames.history,
                  settings=frames.settings, issues=list(frames.issues))


def register_letters(read_result: object) -> dict[str, str]:
    """Field -> column letter of the (first) complaint register, so its issues name cells like B7."""
    for report in getattr(read_result, "sheets", []):
        if report.role == "complaints":
            return dict(getattr(report, "letters", {}))
    return {}


def compute(frames: Frames, settings: Settings, asof: dt.date, lang: Lang, *,
            progress: Progress | None = None, extra_issues: list[Issue] | None = None,
            register_columns: dict[str, str] | None = None) -> Computed:
    """Every result table of one refresh, as sheet specs in the workbook's language.

    ``register_columns`` (field -> column letter of the complaint register, from the
    reader's report) lets inconsistent register rows be named by cell on the issues sheet.
    """
    step = progress or (lambda _msg: None)
    frames = _filter_asof(frames, asof)

    step("classify")
    customers = classify.classify(frames, settings, asof, lang)
    step("complaints")
    tracked = complaints.track(frames, customers, settings, asof, lang)
    step("churn")
    risk = churn.score(frames, customers, tracked, settings, asof, lang)
    step("visits")
    plan, unplaced = visits.plan(frames, customers, risk, tracked, settings, asof, lang)

    step("tables")
    key_accounts = classify.key_accounts(customers, settings, lang)
    left_off = classify.key_accounts_left_off(customers, settings, lang)
    history, history_dropped = history_update(frames.history, customers, asof, settings)
    winback = churn.winback(customers, risk, frames, settings, lang)
    issues = (list(frames.issues) + list(extra_issues or [])
              + register_issues(frames, asof, lang, register_columns) + churn.model_issue(risk, lang)
              + _unassigned_issue(frames, plan, lang)
              + _history_issues(history_dropped, lang))
    dash = dashboard.build(frames=frames, customers=customers, churn=risk, complaints=tracked,
                           plan=plan, unplaced=unplaced, issues=issues, settings=settings,
                           asof=asof, lang=lang)

    def sheet(role: str, *tables: TableSpec, hidden: bool = False, **more: object) -> SheetSpec:
        return SheetSpec(role=role, name=sheet_name(role, lang), tables=list(tables), hidden=hidden,
                         asof=asof.isoformat(), **more)  # type: ignore[arg-type]

    visit_tables = [TableSpec("xlcrm_visits", plan, visits.VISIT_COLUMNS)]
    if len(unplaced):
        visit_tables.append(TableSpec(
            "xlcrm_visits_unplaced", unplaced, visits.UNPLACED_COLUMNS,
            anchor=dashboard.anchor_right_of(visits.VISIT_COLUMNS, row=2),
            title="未能安排的拜访" if lang == "zh" else "Visits that could not be placed"))
    issue_frame = pd.DataFrame([i.as_row() for i in issues], columns=[c.key for c in ISSUE_COLUMNS])

    sheets = [
        sheet("customers", TableSpec("xlcrm_customers", customers.reset_index(drop=True),
                                     classify.CUSTOMER_COLUMNS)),
        sheet("churn", TableSpec("xlcrm_churn", risk.reset_index(drop=True), churn.CHURN_COLUMNS)),
        sheet("visits", *visit_tables),
        sheet("complaints", TableSpec("xlcrm_complaints", complaints.act_order(tracked).reset_index(drop=True),
                                      complaints.COMPLAINT_COLUMNS)),
        sheet("dashboard", *dash, charts=dashboard.charts(dash, lang),
              col_widths=dict(dashboard.CHART_COLUMN_WIDTHS), print_cols=dashboard.PRINT_COLUMNS),
        sheet("key_accounts", TableSpec("xlcrm_key_accounts", key_accounts, classify.KEY_ACCOUNT_COLUMNS),
              TableSpec("xlcrm_key_accounts_left_off", left_off, classify.LEFT_OFF_COLUMNS,
                        anchor=f"A{len(key_accounts) + 5}",
                        title="未入选的重要/主要客户及原因" if lang == "zh"
                        else "Key and Major customers left off the list, and why")),
        sheet("winback", TableSpec("xlcrm_winback", winback, churn.WINBACK_COLUMNS)),
        sheet("issues", TableSpec("xlcrm_issues", issue_frame, ISSUE_COLUMNS, links={"cell": "sheet"})),
        sheet("history", TableSpec("xlcrm_history", history, classify.HISTORY_COLUMNS)),
    ]
    customer_card = card.build(sheets, lang, name=sheet_name("card", lang), asof=asof.isoformat())
    if customer_card is not None:  # after the dashboard: the second thing a manager opens
        sheets.insert(next(i for i, s in enumerate(sheets) if s.role == "dashboard") + 1, customer_card)
    head = churn.headline(risk, settings, lang)
    summary = {
        "asof": asof, "lang": lang, "customers": len(customers),
        "at_risk": head["at_risk"], "at_risk_loss": head["at_risk_loss"], "lost": head["lost"],
        "churn_headline": head["text"], "churn_model_note": head["model_note"],
        "churn_backtest": head["backtest"],
        "high_risk": int((risk["risk_level"] == "High").sum()) if len(risk) else 0,
        "visits": len(plan), "unplaced": len(unplaced),
        "complaints": len(tracked), "issues": len(issues),
        "history_dropped": [d.date() for d in history_dropped],
    }
    # The dashboard's complaint rates, by key, for the history store and the head-office report.
    rates = complaints.metrics(frames, tracked, settings, asof, lang).set_index("key")["value"]
    for key in ("complaint_rate", "omission_rate", "dissatisfaction_rate"):
        summary[key] = float(rates[key]) if key in rates.index else float("nan")
    return Computed(customers, risk, tracked, plan, unplaced, Results(sheets, issues, summary))


def marker_issues(read_result: object, lang: Lang) -> list[Issue]:
    """A ``_xlcrm_*`` name that did not prove its sheet is xlcrm's: one data issue each."""
    return [Issue(m.sheet, "", m.problem(lang), m.fix(lang)) for m in getattr(read_result, "markers", [])]


def _history_issues(dropped: list[pd.Timestamp], lang: Lang) -> list[Issue]:
    """One data issue when the history sheet had to leave its oldest snapshots out."""
    if not dropped:
        return []
    dates = ", ".join(f"{d:%Y-%m-%d}" for d in sorted(dropped))
    return [Issue(
        sheet=sheet_name("history", lang), cell="",
        problem=t(lang, "the history would pass Excel's 1,048,576-row limit: the {n} oldest snapshots ({d}) "
                        "are no longer in this sheet",
                  "分级历史将超过 Excel 的 1,048,576 行上限：最早的 {n} 次快照（{d}）已不在本表中",
                  n=len(dropped), d=dates),
        fix=t(lang, "keep every snapshot in a database with xlcrm refresh --store xlcrm.duckdb (the store "
                    "keeps them all), or lower History snapshots kept in the settings",
              "使用 xlcrm refresh --store xlcrm.duckdb 将全部快照保存到数据库（数据库保留全部历史），"
              "或在设置中调低“保留历史次数”"))]


def _check_output(path: Path, output: Path) -> None:
    """Refuse an --output that would not be a workbook, or would overwrite the source itself."""
    if output.suffix.lower() != ".xlsx":
        raise UnusableWorkbook(output, "xlcrm writes a new workbook as .xlsx",
                               "give --output a file name ending in .xlsx")
    try:
        same = output.exists() and path.exists() and os.path.samefile(path, output)
    except OSError:
        same = False
    if same:
        raise UnusableWorkbook(path, "--output names the workbook itself, which would replace your sheets "
                               "with xlcrm's", "leave out --output to refresh it in place, or give another name")


@dataclass
class Run:
    """One pipeline run on a workbook already read: what was resolved, and what was computed."""

    read: object  # xlcrm.workbook.read.ReadResult
    settings: Settings
    asof: dt.date
    lang: Lang
    computed: Computed


def run(read_result: object, *, asof: dt.date | None = None, lang: Lang | None = None,
        settings: Settings | None = None, config_issues: list[Issue] | None = None,
        progress: Progress | None = None) -> Run:
    """Settings, language and as-of resolved once, then ``compute``: the one pipeline every host
    calls (``refresh`` for files, the Excel ribbon and the Calc host for a live workbook), so
    they give the same tables, formats and data issues (complaint-register cells named "G7").

    ``read_result`` is an ``xlcrm.workbook.read.ReadResult``; ``settings`` is the base the
    workbook's settings sheet is laid over (a --config file, or defaults).
    """
    frames = read_result.frames  # type: ignore[attr-defined]
    sheets = getattr(read_result, "sheets", []) or []
    settings_sheet = next((s.sheet for s in sheets if s.role == "settings"), "设置")
    read_lang: Lang = read_result.lang  # type: ignore[attr-defined]
    resolved, setting_issues = resolve_settings(frames, base=settings, sheet=settings_sheet,
                                                cells=getattr(read_result, "settings_cells", None),
                                                lang=lang or read_lang)
    resolved = with_read_currency(resolved, read_result, settings)
    the_lang: Lang = lang or (resolved.lang if resolved.lang in ("zh", "en") else None) or read_lang
    the_asof = resolve_asof(asof, resolved)
    computed = compute(frames, resolved, the_asof, the_lang, progress=progress,
                       extra_issues=list(config_issues or []) + setting_issues + marker_issues(read_result, the_lang),
                       register_columns=register_letters(read_result))
    return Run(read_result, resolved, the_asof, the_lang, computed)


@dataclass
class RefreshReport:
    """What one refresh read, computed and wrote: the CLI prints it."""

    path: Path
    output: Path
    asof: dt.date
    lang: Lang
    read: object  # xlcrm.workbook.read.ReadResult
    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    backup: Path | None = None
    summary: dict[str, object] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    computed: Computed | None = None


def refresh(path: str | Path, *, asof: dt.date | None = None, lang: Lang | None = None,
            output: str | Path | None = None, settings: Settings | None = None,
            config_issues: list[Issue] | None = None, backups: int = 3,
            progress: Progress | None = None) -> RefreshReport:
    """Read ``path``, compute, and write xlcrm's sheets in place (default) or to ``output``.

    Raises ``xlcrm.errors.UnusableWorkbook`` (and subclasses) before anything is written
    when the file cannot be used; the file is then unchanged.
    """
    from xlcrm.workbook import package, read, write

    step = progress or (lambda _msg: None)
    path = Path(path)
    if output is None:
        write.check_writable(path)  # refuse early: a read-only workbook is never replaced
        write.check_lock(path)  # refuse early: Excel has it open
    else:
        _check_output(path, Path(output))
    signature = write.file_signature(path)  # taken first: a change after it stops the write (WorkbookChanged)
    package.check_package(path)
    step("read")
    result = read.read_workbook(path, progress=step, settings=settings)
    ran = run(result, asof=asof, lang=lang, settings=settings, config_issues=config_issues, progress=step)
    computed, the_lang, the_asof = ran.computed, ran.lang, ran.asof
    step("write")
    if output is None:
        written = write.write_in_place(path, computed.results.sheets, lang=the_lang, backups=backups,
                                       checked=signature)
    else:
        written = write.write_new(Path(output), computed.results.sheets, lang=the_lang)
    return RefreshReport(path=path, output=Path(written.path), asof=the_asof, lang=the_lang, read=result,
                         written=list(written.written), removed=list(written.removed),
                         backup=written.backup, summary=computed.results.summary,
                         issues=computed.results.issues, computed=computed)
