"""The `xlcrm` command: a thin layer over `xlcrm.refresh` and `xlcrm.demo`.

Exit codes: 0 success; 1 a file could not be used (one plain line, no traceback, the
file unchanged); 2 a usage error (click's own).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich import box
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from xlcrm import __version__
from xlcrm.errors import UnusableWorkbook, XlcrmError
from xlcrm.i18n import t

log = logging.getLogger(__name__)
# The click that typer runs on (typer 0.29 vendors its own copy: the `click` package's
# exception classes are other classes).
_click_errors = sys.modules[typer.BadParameter.__module__]
_NoArgsIsHelp = getattr(_click_errors, "NoArgsIsHelpError", ())


class _OneLineErrors(typer.core.TyperGroup):
    """A usage error is one plain line (what is wrong, where to read more), exit 2; not click's
    several-line box, which a nightly script's log turns into noise."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):  # type: ignore[no-untyped-def, override]
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        try:
            rv = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except _NoArgsIsHelp as exc:  # `xlcrm` alone: the help, as before
            exc.show()
            sys.exit(exc.exit_code)
        except _click_errors.UsageError as exc:
            where = exc.ctx.command_path if exc.ctx is not None else "xlcrm"
            msg = " ".join(exc.format_message().split())
            typer.echo(f"{where}: {msg} (see {where} --help)", err=True)
            sys.exit(exc.exit_code)
        except _click_errors.ClickException as exc:
            typer.echo("xlcrm: " + " ".join(exc.format_message().split()), err=True)
            sys.exit(exc.exit_code)
        except typer.Abort:
            typer.echo("xlcrm: aborted", err=True)
            sys.exit(1)
        sys.exit(rv if isinstance(rv, int) else 0)


app = typer.Typer(cls=_OneLineErrors, add_completion=False, rich_markup_mode=None, no_args_is_help=True,
                  pretty_exceptions_enable=False,
                  help="xlcrm: customer classification, churn risk, visit plans and complaint logs "
                       "inside your Excel workbooks.")
console = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

_STEPS = ["read", "classify", "complaints", "churn", "visits", "tables", "write"]
_STEP_LABELS = {"read": ("reading", "读取"), "classify": ("classifying customers", "客户分级"),
                "complaints": ("tracking complaints", "投诉跟踪"), "churn": ("scoring churn risk", "流失预警"),
                "visits": ("planning visits", "拜访计划"), "tables": ("building tables", "生成表格"),
                "write": ("writing", "写入")}


# Sheet roles as the "how I read it" table names them in a Chinese run.
_ROLE_ZH = {"orders": "订单", "deliveries": "发货记录", "customers": "客户档案", "complaints": "投诉登记",
            "visits": "拜访记录", "settings": "设置", "history": "分级历史", "ignored": "未使用"}


def _step_label(name: str, lang: str | None) -> str:
    """A progress stage in the run's language: --lang, else a Chinese locale, else both
    (the workbook's own language is known only once it has been read)."""
    en, zh = _STEP_LABELS[name]
    if lang is None:
        loc = os.environ.get("LC_ALL") or os.environ.get("LC_MESSAGES") or os.environ.get("LANG") or ""
        lang = "zh" if loc.lower().startswith("zh") else None
    return zh if lang == "zh" else en if lang == "en" else f"{zh} {en}"


def _version(value: bool) -> None:
    if value:
        console.print(f"xlcrm {__version__}")
        raise typer.Exit()


@app.callback()
def _main(version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, metavar="",
                                                help="Show the version and exit.")] = False) -> None:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")


def _parse_asof(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"'{value}' is not a date; use YYYY-MM-DD, e.g. 2026-11-20") from None


@app.command()
def refresh(
    files: Annotated[list[Path], typer.Argument(metavar="FILE", help="Order workbooks (.xlsx/.xlsm), folders or globs to refresh.")],
    asof: Annotated[str | None, typer.Option("--asof", metavar="YYYY-MM-DD", help="Figures as of this date (YYYY-MM-DD); "
                                                "default: the settings sheet's 统计日期, else today.")] = None,
    lang: Annotated[str | None, typer.Option("--lang", metavar="zh|en", help="zh or en; default: the workbook's language.")] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", metavar="OUT.xlsx", help="Write the result sheets to this new "
                                                   "workbook instead of into FILE.")] = None,
    config: Annotated[Path | None, typer.Option("--config", metavar="FILE", help="Settings file (.toml or .json) for "
                                                   "batch runs; the workbook's settings sheet wins.")] = None,
    ics: Annotated[Path | None, typer.Option("--ics", metavar="DIR", help="Also write each rep's visit plan as an .ics "
                                                "calendar into this folder.")] = None,
    backups: Annotated[int, typer.Option("--backups", min=0, metavar="N", help="Backups of the previous version to keep.")] = 3,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", metavar="", help="Print only problems and the result line.")] = False,
    workers: Annotated[int | None, typer.Option("--workers", min=1, metavar="N", help="Refresh the workbooks in parallel on "
                                                   "a local Dask cluster of N processes.")] = None,
    scheduler: Annotated[str | None, typer.Option("--scheduler", metavar="ADDRESS", help="Refresh on a running Dask cluster, e.g. "
                                                     "tcp://host:8786 (its workers must see the same paths).")] = None,
    store: Annotated[str | None, typer.Option("--store", metavar="URL", help="Also save each refresh's customer snapshot to "
                                                 "this history store: a DuckDB file (xlcrm.duckdb) or "
                                                 "postgresql://user:password@host/db.")] = None,
) -> None:
    """Read FILE's orders, deliveries, customers, complaints and visits; add xlcrm's sheets to it."""
    the_asof = _parse_asof(asof)
    if lang is not None and lang not in ("zh", "en"):
        raise typer.BadParameter(f"'{lang}' is not a language; use zh or en", param_hint="--lang")
    if output is not None and len(files) > 1:
        raise typer.BadParameter("--output takes one FILE; refresh several files in place, or one at a time",
                                 param_hint="--output")
    if output is not None and output.suffix.lower() != ".xlsx":
        raise typer.BadParameter(f"'{output}' must end in .xlsx", param_hint="--output")
    if ics is not None and ics.exists() and not ics.is_dir():
        raise typer.BadParameter(f"'{ics}' is a file; --ics takes a folder for the calendars", param_hint="--ics")
    from xlcrm.batch import expand
    from xlcrm.refresh import refresh as run
    from xlcrm.settings import Settings

    files, skipped = expand(files)  # folders and globs; lock files and xlcrm's backups left out
    batch = workers is not None or scheduler is not None
    if batch and output is not None:
        raise typer.BadParameter("--output refreshes one file; leave it out with --workers/--scheduler",
                                 param_hint="--output")

    base = None
    config_issues = []
    if config is not None:
        try:
            base, config_issues = Settings.from_file(config)
        except (OSError, ValueError, XlcrmError) as exc:
            detail = " ".join(str(getattr(exc, "strerror", None) or exc).split())
            err.print(f"{config}: cannot read the settings file ({detail}) — fix it or leave out --config",
                      markup=False)
            raise typer.Exit(1) from None

    from xlcrm import headoffice

    the_store = headoffice.open_store(store, err)
    if batch:
        from xlcrm.batch import TaskOptions

        options = TaskOptions(asof=the_asof, lang=lang, settings=base, config_issues=config_issues,
                              backups=backups, ics=str(ics) if ics else None, snapshot=the_store is not None)
        try:
            failed = headoffice.refresh_batch(files, options, workers=workers, scheduler=scheduler,
                                              store=the_store, lang=lang, quiet=quiet, console=console, err=err,
                                              skipped=skipped)
        except XlcrmError as exc:  # no Dask, no scheduler at that address
            err.print(str(exc), markup=False)
            raise typer.Exit(1) from None
        finally:
            if the_store is not None:
                the_store.close()
        if failed:
            raise typer.Exit(1)
        return

    failed = 0
    for path in files:
        try:
            report = _run_one(run, path, asof=the_asof, lang=lang, output=output, settings=base,
                              config_issues=config_issues, backups=backups, quiet=quiet)
        except UnusableWorkbook as exc:
            err.print(_with_zh(exc), markup=False)
            failed += 1
            continue
        except XlcrmError as exc:
            err.print(f"{path}: {exc}", markup=False)
            failed += 1
            continue
        except Exception as exc:  # noqa: BLE001 - a bug must not cost the other files their refresh
            log.debug("refreshing %s failed", path, exc_info=exc)
            err.print(f"{path}: xlcrm failed unexpectedly ({type(exc).__name__}: "
                      f"{' '.join(str(exc).split())[:200]}) — the workbook was not changed; please report "
                      "this with the file（xlcrm 内部错误，工作簿未被修改，请反馈）", markup=False)
            failed += 1
            continue
        if ics is not None:
            try:
                _write_ics(report, ics, quiet=quiet)
            except OSError as exc:
                err.print(f"{exc.filename or ics}: cannot write the calendar ({exc.strerror or exc}) — "
                          "choose an --ics folder you can write to（无法写入日历文件）", markup=False)
                failed += 1
        if the_store is not None and not headoffice.store_report(report, the_store, console, err, quiet=quiet):
            failed += 1
    if the_store is not None:
        the_store.close()
    if failed:
        raise typer.Exit(1)


# The one line for a file that cannot be used, glossed in Chinese for zh-first users
# (the details stay in the English part: they name the sheet, header or limit).
_ZH_HINTS: dict[str, str] = {
    "NotAWorkbook": "不是可用的 .xlsx/.xlsm 工作簿，请用 Excel 打开并另存为 .xlsx",
    "PasswordProtected": "文件设有密码，请在 Excel 中取消密码后再运行",
    "UnsafeWorkbook": "文件结构异常，请用 Excel 打开并另存后再运行",
    "WorkbookLocked": "文件正在 Excel 中打开，请先关闭该文件，或使用功能区按钮",
    "NoOrderTable": "没有找到订单表，请确认有“订单日期、客户名称、金额”等表头",
    "NoCustomerColumn": "订单表没有客户列，请添加“客户名称”或“客户编号”列",
    "CannotWrite": "无法写入，请检查文件是否只读、文件夹是否存在、是否有写入权限和磁盘空间",
    "WorkbookChanged": "运行期间工作簿已被保存或修改，xlcrm 未做任何改动，请再运行一次",
    "UnreadableData": "数据读出来不可能正确，请按提示修正该列，或在设置表“字段映射”中指定正确的列",
}


def _with_zh(exc: UnusableWorkbook) -> str:
    if exc.problem == "file not found":
        return f"{exc}（找不到该文件，请检查路径和文件名）"
    for cls in type(exc).__mro__:
        if cls.__name__ in _ZH_HINTS:
            return f"{exc}（{_ZH_HINTS[cls.__name__]}）"
    return f"{exc}（文件无法使用，请按提示处理）"


def _run_one(run, path: Path, *, quiet: bool, **kwargs):  # type: ignore[no-untyped-def]
    if not path.exists():
        raise UnusableWorkbook(path, "file not found", "check the path and the file name")
    if quiet or not sys.stderr.isatty():
        report = run(path, **kwargs)
    else:
        with Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(),
                      console=err, transient=True) as bar:
            task = bar.add_task(f"{path.name}", total=len(_STEPS))

            def step(name: str) -> None:
                if name in _STEPS:
                    bar.update(task, completed=_STEPS.index(name),
                               description=f"{path.name}: {_step_label(name, kwargs.get('lang'))}")
            report = run(path, progress=step, **kwargs)
    for m in getattr(report.read, "markers", []):  # a problem: printed even with --quiet
        err.print(f"{path}: {m.problem(report.lang)}", markup=False)
    _print_report(report, quiet=quiet)
    return report


_REASONS = {  # SheetReport.dropped reasons, as the user reads them
    "totals": ("totals lines", "合计行"), "notes": ("note lines", "说明行"),
    "no_customer": ("no customer", "无客户"), "no_date": ("no date", "无日期"),
    "bad_date": ("date not readable", "日期无法识别"), "excluded_status": ("excluded status", "排除状态"),
    "no_rate": ("currency without a rate", "无汇率的币种"), "duplicate_sheet": ("copy of another sheet", "重复的工作表"),
}


def _after_asof(report) -> int:  # type: ignore[no-untyped-def]
    import pandas as pd

    orders = getattr(getattr(report.read, "frames", None), "orders", None)
    if orders is None or "order_date" not in orders:
        return 0
    return int((orders["order_date"].dt.normalize() > pd.Timestamp(report.asof)).sum())


def _read_lines(read, lang) -> list[str]:  # type: ignore[no-untyped-def]
    """Rows used and left out by reason, column choices and conversions, sheet by sheet."""
    out = []
    for s in getattr(read, "sheets", []):
        dropped = getattr(s, "dropped", {}) or {}
        if s.role not in ("orders", "deliveries", "customers", "complaints", "visits"):
            continue
        parts = [t(lang, "{n} rows used", "使用 {n} 行", n=f"{s.rows:,}")]
        parts += [f"{_REASONS.get(k, (k, k))[0 if lang == 'en' else 1]} {n:,}" for k, n in dropped.items()]
        lead = t(lang, "left out: ", "未计入: ") if dropped else ""
        out.append(f"  {s.sheet}: {parts[0]}" + (f"; {lead}" + ", ".join(parts[1:]) if dropped else ""))
        for line in list(getattr(s, "choices", [])) + list(getattr(s, "notes", [])):
            out.append(f"    {line}")
    return out


def _print_report(report, *, quiet: bool) -> None:  # type: ignore[no-untyped-def]
    lang = report.lang
    for w in getattr(report.read, "warnings", []):  # loud even with --quiet: the figures may mislead
        err.print(t(lang, "WARNING ({s} {c}): {p} — {f}", "警告（{s} {c}）：{p} — {f}", s=w.sheet, c=w.cell,
                    p=w.problem, f=w.fix), style="bold red", markup=False)
    if not quiet:
        console.print(t(lang, "How xlcrm read {name}:", "xlcrm 如何读取 {name}:", name=report.path.name))
        # Fits an 80-column terminal: light borders, numbers never wrap, one header -> field per
        # line (a long pair folds at its arrow, not inside a word).
        table = Table(show_header=True, header_style="bold", box=box.SIMPLE_HEAD, pad_edge=False)
        heads = (t(lang, "Sheet", "工作表"), t(lang, "Role", "用途"), t(lang, "Header", "表头行"),
                 t(lang, "Rows", "行数"), t(lang, "Skipped", "跳过"), t(lang, "Columns", "列对应"))
        for i, head in enumerate(heads):
            if i == 5:
                table.add_column(head, ratio=1, overflow="fold")
            else:
                table.add_column(head, no_wrap=i != 0, overflow="fold", max_width=14 if i == 0 else None)
        for s in report.read.sheets:
            pairs = [f"{h} → {f}" for h, f in s.mapping.items()]
            if s.unmapped:
                pairs.append(t(lang, "not used: ", "未使用: ") + ", ".join(map(str, s.unmapped)))
            role = _ROLE_ZH.get(s.role, s.role) if lang == "zh" else s.role
            table.add_row(s.sheet, role, str(s.header_row or ""), str(s.rows), str(s.skipped), "\n".join(pairs))
        console.print(table)
        for line in _read_lines(report.read, lang):
            console.print(line, markup=False)
        later = _after_asof(report)
        if later:
            console.print(t(lang, "  {n} orders after the as-of date {d} are not counted",
                            "  统计日期 {d} 之后的 {n} 个订单未计入", n=f"{later:,}", d=report.asof), markup=False)
        sm = report.summary
        console.print(t(lang, "As of {asof}: {customers} customers; churn: {churn}; {visits} visits "
                              "planned, {complaints} complaints tracked.",
                        "统计日期 {asof}: 客户 {customers} 个; 流失预警: {churn}; 计划拜访 {visits} 次, "
                        "跟踪投诉 {complaints} 件。",
                        asof=report.asof, customers=sm.get("customers", 0), churn=sm.get("churn_headline", ""),
                        visits=sm.get("visits", 0), complaints=sm.get("complaints", 0)), markup=False)
        if sm.get("churn_model_note"):
            console.print(t(lang, "Churn model: {n}", "流失模型: {n}", n=sm["churn_model_note"]), markup=False)
        if sm.get("churn_backtest"):
            console.print(t(lang, "Churn score: {n}", "流失评分: {n}", n=sm["churn_backtest"]), markup=False)
        if report.backup:
            console.print(t(lang, "Previous version kept as {b}", "上一版本已备份到 {b}", b=report.backup))
    dropped = report.summary.get("history_dropped") or []
    if dropped:  # the store keeps them; the sheet cannot
        console.print(t(lang, "The history sheet is at Excel's row limit: its {n} oldest snapshots were left out "
                              "(keep them all with --store).",
                        "分级历史已达 Excel 行数上限：最早的 {n} 次快照未写入该表（用 --store 可全部保留）。",
                        n=len(dropped)), markup=False)
    n = len(report.issues)
    issues = (t(lang, "{n} data issues (see the sheet {s})", "{n} 个数据问题（见工作表 {s}）", n=n,
                s=t(lang, "CRM Data Issues", "数据问题")) if n else t(lang, "no data issues", "无数据问题"))
    console.print(t(lang, "Wrote {sheets} to {out}; {issues}.", "已写入 {sheets} 到 {out}；{issues}。",
                    sheets=", ".join(report.written), out=report.output, issues=issues), markup=False)


def _write_ics(report, folder: Path, *, quiet: bool) -> None:  # type: ignore[no-untyped-def]
    from xlcrm.visits import to_ics

    plan = report.computed.visits if report.computed else None
    if plan is None or not len(plan):
        return
    folder.mkdir(parents=True, exist_ok=True)
    reps = sorted(plan["rep"].dropna().unique(), key=str)
    for rep, name in calendar_names(report.path.stem, reps).items():
        target = folder / name
        target.write_text(to_ics(plan, rep, lang=report.lang, asof=report.asof), encoding="utf-8", newline="")
        if not quiet:
            console.print(t(report.lang, "Calendar for {rep}: {p}", "{rep} 的日历: {p}", rep=rep, p=target))


def calendar_names(stem: str, reps: list[object]) -> dict[object, str]:
    """rep -> calendar file name, unique per rep and stable across runs.

    Characters a file name cannot hold are dropped; a rep whose name lost characters, or
    whose name another rep's matches on a case-blind file system ("AB", "ab", "A/B"), gets a
    short hash of the full name, so no calendar overwrites another.
    """
    import hashlib

    safe = {rep: ("".join(ch for ch in str(rep) if ch.isalnum() or ch in "-_ ").strip() or "rep")[:80]
            for rep in reps}
    folded: dict[str, int] = {}
    for name in safe.values():
        folded[name.casefold()] = folded.get(name.casefold(), 0) + 1
    out = {}
    for rep, name in safe.items():
        if name != str(rep) or folded[name.casefold()] > 1:
            name += "-" + hashlib.sha1(str(rep).encode()).hexdigest()[:6]
        out[rep] = f"{stem}-{name}.ics"
    return out


@app.command()
def demo(directory: Annotated[Path, typer.Argument(help="Folder to write the demo workbooks into.")] = Path("."),
         ) -> None:
    """Write the demo workbooks (a Chinese sales office ledger and a small English one) into DIRECTORY."""
    from xlcrm.demo import make_demos

    try:
        paths = make_demos(directory)
    except OSError as exc:
        err.print(f"{directory}: cannot write the demo workbooks ({exc.strerror}) — choose a folder you can write to")
        raise typer.Exit(1) from None
    for p in paths:
        console.print(str(p))


@app.command()
def report(
    store: Annotated[str, typer.Option("--store", help="The history store the refreshes saved to "
                                          "(xlcrm.duckdb or postgresql://...).")] = "xlcrm.duckdb",
    output: Annotated[Path, typer.Option("--output", "-o", help="The head-office workbook to write (.xlsx).")] = Path(
        "hq.xlsx"),
    lang: Annotated[str, typer.Option("--lang", help="zh or en.")] = "zh",
    asof: Annotated[str | None, typer.Option("--asof", help="Only snapshots on or before this date (YYYY-MM-DD).")
                    ] = None,
) -> None:
    """Write the head-office workbook: every office's figures, shared customers, tier movement."""
    if lang not in ("zh", "en"):
        raise typer.BadParameter(f"'{lang}' is not a language; use zh or en", param_hint="--lang")
    if output.suffix.lower() != ".xlsx":
        raise typer.BadParameter(f"'{output}' must end in .xlsx", param_hint="--output")
    the_asof = _parse_asof(asof)
    from xlcrm import headoffice

    try:
        headoffice.report(store, output, lang=lang, asof=the_asof, console=console, err=err)
    except XlcrmError as exc:
        err.print(str(exc), markup=False)
        raise typer.Exit(1) from None


def _mount_excel() -> None:
    try:
        from xlcrm.excel.cli import excel_app
    except ImportError:  # the Excel layer is optional
        return
    app.add_typer(excel_app, name="excel", help="Build and install the Excel add-in (ribbon and UDFs).")


_mount_excel()


def _mount_calc() -> None:
    from xlcrm.calc.cli import calc_app

    app.add_typer(calc_app, name="calc", help="Build and install the LibreOffice Calc extension (menu and CRM_* formulas).")


_mount_calc()


def main() -> None:
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
