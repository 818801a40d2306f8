"""The command line's head-office side: a batch refresh on Dask with its progress bar and
summary table, the history store around a refresh, and ``xlcrm report``.

``xlcrm.cli`` keeps only the options and calls these; the work is in ``xlcrm.batch``,
``xlcrm.store`` and ``xlcrm.report``.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from xlcrm.batch import Outcome, TaskOptions
from xlcrm.i18n import t

# Short reasons for the summary table (the full line is printed as the file finishes).
_REASONS: dict[str, tuple[str, str]] = {
    "WorkbookLocked": ("open in Excel", "文件已打开"),
    "NotAWorkbook": ("not a workbook or corrupt", "不是工作簿或已损坏"),
    "PasswordProtected": ("password-protected", "有密码"),
    "UnsafeWorkbook": ("unsafe package", "文件结构异常"),
    "NoOrderTable": ("no order table", "无订单表"),
    "NoCustomerColumn": ("no customer column", "无客户列"),
    "CannotWrite": ("cannot write", "无法写入"),
    "StoreError": ("refreshed; not stored", "已刷新，未存入数据库"),
}


def open_store(url: str | None, err: Console) -> Any:
    """The store for --store (None without it); a store that cannot be used stops the run first."""
    if url is None:
        return None
    from xlcrm.store import StoreError
    from xlcrm.store import open_store as _open

    try:
        return _open(url)
    except StoreError as exc:
        err.print(str(exc), markup=False)
        raise SystemExit(1) from None


def save(store: Any, snap: Any) -> str | None:
    """Save one snapshot; the one-line problem, or None when it was stored."""
    from xlcrm.store import redact

    try:
        store.save(snap)
    except Exception as exc:  # a database error must not hide the other files' results
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return (f"{snap.refresh['workbook']}: refreshed, but its snapshot could not be saved to "
                f"{redact(store.url)} ({first}) — run it again once the store is reachable")
    return None


def store_report(report: Any, store: Any, console: Console, err: Console, *, quiet: bool) -> bool:
    """After a single refresh: file its snapshot in the store. False if that failed."""
    from xlcrm.store import redact, snapshot_of

    snap = snapshot_of(report)
    problem = save(store, snap)
    if problem:
        err.print(problem, markup=False)
        return False
    if not quiet:
        console.print(t(report.lang, "Snapshot of {n} customers (as of {asof}) saved to {url}.",
                        "已将 {n} 个客户的快照（统计日期 {asof}）存入 {url}。", n=len(snap.customers),
                        asof=report.asof, url=redact(store.url)), markup=False)
    return True


def refresh_batch(paths: list[Path], options: TaskOptions, *, workers: int | None, scheduler: str | None,
                  store: Any, lang: str | None, quiet: bool, console: Console, err: Console,
                  skipped: list[tuple[Path, str]] | None = None) -> int:
    """Refresh ``paths`` on Dask; print a line per file, then the summary table. The failures."""
    from xlcrm import batch

    if skipped and not quiet:
        reasons: dict[str, int] = {}
        for _p, why in skipped:
            reasons[why] = reasons.get(why, 0) + 1
        console.print(t(lang or "en", "Passed over {n} files: {what}", "跳过 {n} 个文件：{what}", n=len(skipped),
                        what=", ".join(f"{why} x{k}" for why, k in reasons.items())), markup=False)

    outcomes: list[Outcome] = []
    bar: Progress | None = None
    task = None

    def done(o: Outcome) -> None:
        if o.ok and o.snapshot is not None and store is not None:
            problem = save(store, o.snapshot)
            if problem:
                o.ok, o.kind, o.message = False, "StoreError", problem
        o.snapshot = None  # stored; do not keep every book's rows in memory
        outcomes.append(o)
        if not o.ok:
            err.print(o.message, markup=False)
        elif not quiet:
            console.print(t(o.lang, "{name}: {c} customers, {i} data issues, {s:.1f} s",
                            "{name}：客户 {c} 个，数据问题 {i} 个，{s:.1f} 秒",
                            name=o.path, c=o.customers, i=o.issues, s=o.seconds), markup=False)
            for cal in o.calendars:
                console.print(t(o.lang, "Calendar: {p}", "日历: {p}", p=cal), markup=False)
        if bar is not None and task is not None:
            bar.update(task, advance=1, description=Path(o.path).name)

    if not quiet and err.is_terminal:
        bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                       console=err, transient=True)
        task = bar.add_task(t(lang or "en", "refreshing", "刷新中"), total=len(paths))
        with bar:
            ordered = batch.run(paths, options, workers=workers, scheduler=scheduler, on_outcome=done)
    else:
        ordered = batch.run(paths, options, workers=workers, scheduler=scheduler, on_outcome=done)
    _summary(ordered, lang or _majority(ordered), console)
    return sum(1 for o in ordered if not o.ok)


def _majority(outcomes: list[Outcome]) -> str:
    langs = [o.lang for o in outcomes if o.ok]
    return "zh" if langs and langs.count("zh") * 2 >= len(langs) else "en"


def _summary(outcomes: list[Outcome], lang: str, console: Console) -> None:
    # Names relative to the folder they share, so the table fits a terminal.
    try:
        base = Path(os.path.commonpath([str(Path(o.path).absolute().parent) for o in outcomes]))
    except ValueError:  # different drives
        base = None

    def shown(p: str) -> str:
        a = Path(p).absolute()
        return str(a.relative_to(base)) if base is not None and a.is_relative_to(base) else p

    title = t(lang, "In {d}", "位于 {d}", d=base) if base is not None and len(outcomes) > 1 else None
    table = Table(show_header=True, header_style="bold", title=title, title_justify="left")
    for head in (t(lang, "File", "文件"), t(lang, "Result", "结果"), t(lang, "Customers", "客户数"),
                 t(lang, "Issues", "数据问题"), t(lang, "Time (s)", "用时(秒)")):
        table.add_column(head, overflow="fold")
    for o in outcomes:
        if o.ok:
            result = t(lang, "refreshed", "已刷新")
        else:
            en, zh = _REASONS.get(o.kind, ("failed", "失败"))
            result = t(lang, "FAILED: {r}", "失败：{r}", r=en if lang == "en" else zh)
        table.add_row(shown(o.path), result, str(o.customers) if o.ok else "", str(o.issues) if o.ok else "",
                      f"{o.seconds:.1f}")
    console.print(table)
    failed = sum(1 for o in outcomes if not o.ok)
    console.print(t(lang, "{ok} of {n} workbooks refreshed; {f} failed.", "共 {n} 个工作簿，已刷新 {ok} 个，失败 {f} 个。",
                    ok=len(outcomes) - failed, n=len(outcomes), f=failed), markup=False)


def report(store_url: str, output: Path, *, lang: str, asof: dt.date | None, console: Console,
           err: Console) -> None:
    """``xlcrm report``: the head-office workbook from the store."""
    from xlcrm.report import build_report, write_report
    from xlcrm.store import StoreError
    from xlcrm.store import open_store as _open

    try:
        with _open(store_url, create=False) as store:
            book = build_report(store, lang=lang, asof=asof)  # type: ignore[arg-type]
    except StoreError as exc:
        err.print(str(exc), markup=False)
        raise SystemExit(1) from None
    if book.empty:
        err.print(t(lang, "{url}: the store holds no refresh yet — run xlcrm refresh ... --store {url} first",
                    "{url}：数据库中还没有刷新记录，请先运行 xlcrm refresh ... --store {url}", url=store_url),
                  markup=False)
        raise SystemExit(1)
    written = write_report(book, output, lang=lang)  # type: ignore[arg-type]
    for note in book.notes:
        console.print(note, markup=False)
    console.print(t(lang, "Wrote {sheets} to {out}: {o} offices, {s} snapshots.",
                    "已写入 {sheets} 到 {out}：{o} 个分公司，{s} 次快照。", sheets=", ".join(written.written),
                    out=written.path, o=book.offices, s=book.snapshots), markup=False)
