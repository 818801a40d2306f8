"""Many workbooks at once: expand folders and globs, refresh one workbook per Dask task.

``expand`` turns the command line's arguments into workbook paths (folders searched
recursively; Excel and LibreOffice lock files, xlcrm's temporary files and its backups
skipped). ``refresh_one`` is the task: it opens its own workbook (only paths and settings
travel to the workers, never a book's frames), refreshes it and returns an ``Outcome``;
any failure is caught and returned, so one bad file never stops the others.
``run`` sends the tasks to a ``LocalCluster`` (processes, no set-up) or to a running
cluster (``scheduler="tcp://host:8786"``) and hands each outcome back as it finishes.

Dask is imported only by ``run``: a single refresh pays nothing for it.
"""

from __future__ import annotations

import datetime as dt
import glob
import logging
import time
import traceback
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xlcrm.errors import UnusableWorkbook, XlcrmError
from xlcrm.workbook.write import BACKUP_DIR, TEMP_PREFIX

__all__ = ["Outcome", "TaskOptions", "expand", "refresh_one", "run", "write_calendars"]

log = logging.getLogger(__name__)

SUFFIXES = (".xlsx", ".xlsm")
_GLOB_CHARS = set("*?[")


def skip_reason(path: Path) -> str | None:
    """Why a file found in a folder or by a glob is not a workbook to refresh (None: refresh it)."""
    name = path.name
    if name.startswith("~$"):
        return "Excel lock file"
    if name.startswith(".~lock.") and name.endswith("#"):
        return "LibreOffice lock file"
    if name.startswith(TEMP_PREFIX):
        return "xlcrm temporary file"
    if BACKUP_DIR in path.parts[:-1]:
        return "xlcrm backup"
    if path.suffix.lower() not in SUFFIXES:
        return "not .xlsx/.xlsm"
    return None


def expand(args: Iterable[str | Path]) -> tuple[list[Path], list[tuple[Path, str]]]:
    """The workbooks named by ``args`` (files, folders, globs), in order, each once; and the
    files passed over with the reason. A file named explicitly is always kept (if it is not
    a workbook, the refresh says so); a glob that matches nothing, and a folder without a
    workbook in it, are kept as given, so the refresh reports them in one line."""
    files: list[Path] = []
    skipped: list[tuple[Path, str]] = []
    seen: set[Path] = set()

    def add(p: Path) -> None:
        key = p.resolve() if p.exists() else p.absolute()
        if key not in seen:
            seen.add(key)
            files.append(p)

    def add_found(found: Iterable[Path]) -> None:
        for p in sorted(found):
            if p.is_dir():
                continue
            why = skip_reason(p)
            if why is None:
                add(p)
            elif p.suffix.lower() in SUFFIXES or why != "not .xlsx/.xlsm":
                skipped.append((p, why))

    for arg in args:
        p = Path(arg)
        if p.is_dir():
            before = len(files)
            add_found(q for q in p.rglob("*") if q.is_file())
            if len(files) == before:  # nothing to refresh in it: kept, so the run says so (a folder)
                add(p)
        elif not p.exists() and _GLOB_CHARS & set(str(arg)):
            matches = [Path(m) for m in glob.glob(str(arg), recursive=True)]
            found: list[Path] = []
            for m in matches:
                if m.is_dir():
                    found.extend(q for q in m.rglob("*") if q.is_file())
                else:
                    found.append(m)
            if found:
                add_found(found)
            else:
                add(p)
        else:
            add(p)
    return files, skipped


@dataclass
class TaskOptions:
    """What every task needs besides its path (small: it travels to each worker)."""

    asof: dt.date | None = None
    lang: str | None = None
    settings: Any = None  # xlcrm.settings.Settings from --config
    config_issues: list[Any] = field(default_factory=list)
    backups: int = 3
    ics: str | None = None  # folder for the reps' calendars
    snapshot: bool = False  # return the store's rows (--store)


@dataclass
class Outcome:
    """One workbook's result, as the summary table shows it."""

    path: str
    ok: bool
    seconds: float
    message: str = ""  # the one line a failure prints
    kind: str = ""  # the error's class name (WorkbookLocked, NotAWorkbook ...)
    lang: str = "en"
    customers: int = 0
    issues: int = 0
    output: str = ""
    backup: str = ""
    calendars: list[str] = field(default_factory=list)
    snapshot: Any = None  # xlcrm.store.Snapshot when asked for
    detail: str = ""  # a traceback, for errors xlcrm did not expect


def refresh_one(path: str, options: TaskOptions, workbook: str | None = None) -> Outcome:
    """Refresh one workbook in place; never raises (the outcome says what happened).

    ``workbook``: the key the store files it under (the path as the client resolved it).
    """
    from xlcrm.refresh import refresh

    start = time.perf_counter()
    p = Path(path)
    try:
        if not p.exists():
            raise UnusableWorkbook(p, "file not found", "check the path and the file name")
        report = refresh(p, asof=options.asof, lang=options.lang, settings=options.settings,  # type: ignore[arg-type]
                         config_issues=list(options.config_issues), backups=options.backups)
        calendars = [str(c) for _rep, c in write_calendars(report, Path(options.ics))] if options.ics else []
        snap = None
        if options.snapshot:
            from xlcrm.store import snapshot_of

            snap = snapshot_of(report, workbook=workbook)
        return Outcome(path=path, ok=True, seconds=time.perf_counter() - start, lang=report.lang,
                       customers=int(report.summary.get("customers", 0)), issues=len(report.issues),
                       output=str(report.output), backup=str(report.backup or ""), calendars=calendars,
                       snapshot=snap)
    except UnusableWorkbook as exc:
        from xlcrm.cli import _with_zh  # the same line a single refresh prints

        return Outcome(path=path, ok=False, seconds=time.perf_counter() - start, message=_with_zh(exc),
                       kind=type(exc).__name__)
    except XlcrmError as exc:
        return Outcome(path=path, ok=False, seconds=time.perf_counter() - start, message=f"{path}: {exc}",
                       kind=type(exc).__name__)
    except Exception as exc:  # a bug must not stop the other workbooks; the file is unchanged
        log.exception("refreshing %s failed", path)
        return Outcome(path=path, ok=False, seconds=time.perf_counter() - start, kind=type(exc).__name__,
                       message=f"{path}: xlcrm failed on this workbook ({type(exc).__name__}: {exc}) — the file "
                               "is unchanged; please report this with the file",
                       detail=traceback.format_exc())


def write_calendars(report: Any, folder: Path) -> list[tuple[str, Path]]:
    """Each rep's visit plan as an .ics file in ``folder``: (rep, path) of each file written."""
    from xlcrm.cli import calendar_names  # the names a single refresh gives them
    from xlcrm.visits import to_ics

    plan = report.computed.visits if report.computed else None
    if plan is None or not len(plan):
        return []
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    reps = sorted(plan["rep"].dropna().unique(), key=str)
    for rep, name in calendar_names(report.path.stem, reps).items():
        target = folder / name
        target.write_text(to_ics(plan, rep, lang=report.lang, asof=report.asof), encoding="utf-8", newline="")
        written.append((str(rep), target))
    return written


def run(paths: Sequence[Path], options: TaskOptions, *, workers: int | None = None,
        scheduler: str | None = None, on_outcome: Callable[[Outcome], None] | None = None) -> list[Outcome]:
    """Refresh ``paths`` on Dask, one task each; outcomes in the order of ``paths``.

    ``scheduler``: the address of a running cluster (its workers must see the same paths,
    e.g. a network share mounted alike, and have xlcrm installed); otherwise a local cluster
    of ``workers`` processes is started and stopped. ``on_outcome`` is called as each task
    finishes (for a progress bar).
    """
    try:
        from dask.distributed import Client, LocalCluster, as_completed
    except ImportError:
        raise XlcrmError('--workers and --scheduler need Dask — install it with: pip install "xlcrm[hq]"') from None

    keys = [str(p.resolve()) if p.exists() else str(p.absolute()) for p in paths]
    # Dask reports every scheduler and worker event at INFO; the user wants the files' results.
    logging.getLogger("distributed").setLevel(logging.ERROR)
    cluster = None
    if scheduler:
        try:
            client = Client(scheduler, timeout="30s")
        except (OSError, TimeoutError) as exc:
            raise XlcrmError(f"{scheduler}: cannot reach the Dask scheduler ({exc}) — check the address and that "
                             "`dask scheduler` runs there") from None
    else:
        # The scheduler serves HTTP even without a dashboard (None still means port 8787): a free
        # port on this machine only, so two runs, or another Dask user, never collide.
        cluster = LocalCluster(n_workers=max(1, int(workers or 1)), threads_per_worker=1, processes=True,
                               host="127.0.0.1", dashboard_address="127.0.0.1:0", silence_logs=logging.ERROR)
        client = Client(cluster)
    try:
        # pure=False: the same path refreshed twice is two tasks, not a cached result.
        # A remote worker's folder is not ours: it gets absolute paths (the share mounted alike).
        given = keys if scheduler else [str(p) for p in paths]
        futures = [client.submit(refresh_one, g, options, key, pure=False) for g, key in zip(given, keys)]
        index = {f.key: i for i, f in enumerate(futures)}
        results: list[Outcome | None] = [None] * len(futures)
        for fut in as_completed(futures):
            i = index[fut.key]
            try:
                outcome = fut.result()
            except Exception as exc:  # the worker died (memory, a crash): this file only
                outcome = Outcome(path=str(paths[i]), ok=False, seconds=0.0, kind=type(exc).__name__,
                                  message=f"{paths[i]}: the Dask worker refreshing it failed ({type(exc).__name__}: "
                                          f"{exc}) — the file is unchanged; run it alone to see why")
            fut.release()
            results[i] = outcome
            if on_outcome is not None:
                on_outcome(outcome)
        return [r for r in results if r is not None]
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
