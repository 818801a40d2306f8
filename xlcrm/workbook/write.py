"""Write xlcrm's sheets: into the user's workbook in place, or into a new workbook.

In place, the order of work is what keeps the user's file safe:

1. refuse if Excel (``~$name.xlsx``) or LibreOffice (``.~lock.name#``) has it open;
2. check the package (``package.check_package``: corrupt, encrypted, bombs);
3. render the sheets and plan the graft (``graft.Graft``);
4. write the new package to a temporary file in the same folder (on Linux an anonymous
   ``O_TMPFILE``, which vanishes if the process is killed), flush and fsync it;
5. copy the previous version to ``xlcrm-backups/<stem>.<YYYYmmdd-HHMMSS>.<ext>`` beside the
   workbook, keeping the last ``backups`` copies;
6. ``os.replace`` the temporary file over the workbook (atomic on one file system).

Any error before step 6 leaves the workbook byte-identical and removes the temporary file.
"""

from __future__ import annotations

import contextlib
import errno
import io
import logging
import os
import re
import shutil
import stat
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import IO

from xlcrm.errors import CannotWrite, WorkbookLocked
from xlcrm.model import Lang, SheetSpec
from xlcrm.workbook.graft import Graft, GraftPlan, write_plan
from xlcrm.workbook.package import Package, check_package

__all__ = ["BACKUP_DIR", "WriteReport", "check_lock", "owned_sheets", "write_in_place", "write_new"]

log = logging.getLogger(__name__)

BACKUP_DIR = "xlcrm-backups"
TEMP_PREFIX = ".~xlcrm."


@dataclass
class WriteReport:
    path: Path
    backup: Path | None
    written: list[str] = field(default_factory=list)  # sheet names written
    removed: list[str] = field(default_factory=list)  # xlcrm's previous sheets removed


def check_lock(path: str | Path) -> None:
    """Raise WorkbookLocked if Excel's (or LibreOffice's) lock file is beside ``path``."""
    path = Path(path)
    for lock in (f"~${path.name}", f".~lock.{path.name}#"):
        if (path.parent / lock).exists():
            raise WorkbookLocked(path, f"the workbook is open (lock file {lock} beside it)",
                                 "close it in Excel and run again, or refresh from the xlcrm ribbon "
                                 "inside Excel (delete the lock file if Excel is already closed)")


def owned_sheets(path: str | Path) -> dict[str, str]:
    """role -> name of the sheet xlcrm owns in the workbook now."""
    with Package(path) as pkg:
        graft = Graft(pkg)
        return {role: el.get("name") for role, el in graft.owned.items()}


def file_signature(path: str | Path) -> tuple[int, int, int, int]:
    """What tells whether a file changed: device, inode, size, modification time (ns)."""
    st = os.stat(path)
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


def write_in_place(path: str | Path, sheets: list[SheetSpec], *, lang: Lang,
                   backups: int = 3, checked: tuple[int, int, int, int] | None = None) -> WriteReport:
    """Replace xlcrm's sheets in ``path`` with ``sheets``; every other part stays byte-identical.

    ``checked``: the ``file_signature`` the file had when the caller ran the deep
    ``check_package`` on it; while it still has it, the package is not decompressed again
    (seconds on a million-row workbook), only its directory and workbook part re-checked.
    """
    path = Path(path)
    if path.is_symlink():  # replace the workbook the link points to, not the link
        path = path.resolve()
    check_lock(path)
    check_package(path, deep=checked is None or checked != file_signature(path))
    with Package(path) as pkg:
        plan = _plan(pkg, sheets, lang)
        report = _commit(path, lambda fh: write_plan(pkg, plan, fh), backups=backups, plan=plan)
    return report


def write_new(path: str | Path, sheets: list[SheetSpec], *, lang: Lang,
              backups: int = 3) -> WriteReport:
    """A new workbook at ``path`` holding only ``sheets`` (an existing file there is backed up)."""
    path = Path(path)
    if not sheets:
        raise ValueError("write_new needs at least one sheet (a workbook cannot be empty)")
    if path.suffix.lower() != ".xlsx":
        # Excel refuses a package whose content does not match its extension (.xlsm, .xls).
        raise ValueError(f"{path}: a new workbook is written as .xlsx — give the output a .xlsx name")
    check_lock(path)
    with Package(path, io.BytesIO(empty_package())) as pkg:
        plan = _plan(pkg, sheets, lang)
        report = _commit(path, lambda fh: write_plan(pkg, plan, fh), backups=backups, plan=plan)
    report.removed = []
    return report


def _plan(pkg: Package, sheets: list[SheetSpec], lang: Lang) -> GraftPlan:
    from xlcrm.workbook.render import render_sheet  # the renderer's module (writer branch)

    graft = Graft(pkg)
    rendered = []
    table_id = graft.first_table_id
    for spec in sheets:
        spec = replace(spec, name=graft.sheet_name(spec))
        rs = render_sheet(spec, lang=lang, styles=graft.styles, first_table_id=table_id,
                          date1904=graft.date1904)
        table_id += len(rs.tables)
        rendered.append((spec, rs))
    return graft.apply(rendered)


def _commit(path: Path, write: Callable[[IO[bytes]], None], *, backups: int,
            plan: GraftPlan) -> WriteReport:
    """Write to a temporary file beside ``path``, back up the old version, replace atomically."""
    try:
        return _commit_or_fail(path, write, backups=backups, plan=plan)
    except OSError as exc:  # a missing or read-only folder, a full disk: the workbook is unchanged
        raise CannotWrite(path, f"cannot write there ({exc.strerror or exc})",
                          "choose a folder that exists, that you can write to and that has space") from None


def _commit_or_fail(path: Path, write: Callable[[IO[bytes]], None], *, backups: int,
                    plan: GraftPlan) -> WriteReport:
    folder = path.parent
    _sweep(folder, path.name)
    with _temp_file(folder, path.name) as (fh, finish):
        write(fh)
        fh.flush()
        os.fsync(fh.fileno())
        tmp = finish()  # the temporary file's name, now on disk
        if path.exists():  # the new file gets the old one's permissions (and owner, if allowed)
            st = path.stat()
            with contextlib.suppress(OSError):
                os.chmod(tmp, stat.S_IMODE(st.st_mode))
            if hasattr(os, "chown"):
                with contextlib.suppress(OSError):
                    os.chown(tmp, st.st_uid, st.st_gid)
        check_lock(path)  # Excel may have opened it while we worked
        backup_dir_existed = (folder / BACKUP_DIR).is_dir()
        backup = None
        try:
            if path.exists() and backups > 0:
                backup = _backup(path)
            _replace(tmp, path)
        except BaseException:
            if backup is not None:  # nothing changed: leave no trace
                with contextlib.suppress(OSError):
                    backup.unlink()
            if not backup_dir_existed:
                with contextlib.suppress(OSError):
                    (folder / BACKUP_DIR).rmdir()
            raise
        if backup is not None:
            _prune(path, backups)
    _fsync_dir(folder)
    log.info("wrote %s (%s)", path, ", ".join(plan.written))
    return WriteReport(path=path, backup=backup, written=list(plan.written), removed=list(plan.removed))


def _replace(tmp: Path, path: Path) -> None:
    os.replace(tmp, path)


@contextlib.contextmanager
def _temp_file(folder: Path, name: str) -> Iterator[tuple[IO[bytes], Callable[[], Path]]]:
    """A temporary file in ``folder``; ``finish()`` gives it a name. Removed on any error."""
    named: list[Path] = []
    fh: IO[bytes] | None = None
    anonymous = False
    if hasattr(os, "O_TMPFILE"):
        try:
            fd = os.open(folder, os.O_TMPFILE | os.O_RDWR, 0o600)  # nameless until linked
            fh = os.fdopen(fd, "w+b")
            anonymous = True
        except OSError:  # the file system cannot: fall back to a named file
            fh = None
    if fh is None:
        fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=f"{TEMP_PREFIX}{name}.{os.getpid()}.",
                                        suffix=".tmp")
        fh = os.fdopen(fd, "w+b")
        named.append(Path(tmp_name))

    def finish() -> Path:
        if anonymous:
            for n in range(1000):
                tmp = folder / f"{TEMP_PREFIX}{name}.{os.getpid()}.{n}.tmp"
                try:
                    _link_fd(fh.fileno(), tmp)
                except FileExistsError:
                    continue
                named.append(tmp)
                return tmp
            raise FileExistsError(f"{folder}: cannot name a temporary file")
        return named[0]

    try:
        yield fh, finish
    finally:
        fh.close()
        for tmp in named:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)


def _link_fd(fd: int, target: Path) -> None:
    """Give an O_TMPFILE file a name: linkat(2) through /proc with AT_SYMLINK_FOLLOW
    (os.link does not pass that flag on Linux)."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    at_fdcwd, at_symlink_follow = -100, 0x400
    rc = libc.linkat(at_fdcwd, f"/proc/self/fd/{fd}".encode(), at_fdcwd,
                     os.fsencode(target), at_symlink_follow)
    if rc != 0:
        err = ctypes.get_errno()
        raise (FileExistsError if err == errno.EEXIST else OSError)(err, os.strerror(err), str(target))


def _sweep(folder: Path, name: str) -> None:
    """Remove temporary files a killed earlier run left (their process is gone)."""
    pattern = re.compile(re.escape(TEMP_PREFIX + name) + r"\.(\d+)\..*\.tmp$")
    for entry in folder.glob(f"{TEMP_PREFIX}*"):
        m = pattern.match(entry.name)
        if m and not _alive(int(m.group(1)), entry):
            with contextlib.suppress(OSError):
                entry.unlink()


def _alive(pid: int, entry: Path) -> bool:
    """Whether the run that made ``entry`` may still be writing it."""
    if pid == os.getpid():
        return True
    if os.name != "posix":  # os.kill(pid, 0) would terminate the process on Windows
        return time.time() - entry.stat().st_mtime < 24 * 3600
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, owned by someone else
        return True
    return True


def _backup_pattern(path: Path) -> re.Pattern[str]:
    return re.compile(re.escape(path.stem) + r"\.(\d{8}-\d{6})(?:-(\d+))?" + re.escape(path.suffix) + "$")


def _backups(path: Path) -> list[tuple[tuple[str, int], Path]]:
    """xlcrm's backups of ``path``, oldest first."""
    folder = path.parent / BACKUP_DIR
    pattern = _backup_pattern(path)
    found = []
    for entry in folder.iterdir() if folder.is_dir() else []:
        m = pattern.match(entry.name)
        if m:
            found.append(((m.group(1), int(m.group(2) or 1)), entry))
    return sorted(found)


def _backup(path: Path) -> Path:
    """Copy ``path`` to ``xlcrm-backups/<stem>.<YYYYmmdd-HHMMSS>[-n].<ext>`` beside it."""
    folder = path.parent / BACKUP_DIR
    folder.mkdir(exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    # Within one second a counter orders them: -2, -3... after any copy of that second.
    n = max((k[1] for k, _ in _backups(path) if k[0] == stamp), default=0) + 1
    name = f"{path.stem}.{stamp}{path.suffix}" if n == 1 else f"{path.stem}.{stamp}-{n}{path.suffix}"
    target = folder / name
    try:
        shutil.copy2(path, target)
    except BaseException:
        with contextlib.suppress(OSError):
            target.unlink()
        raise
    return target


def _prune(path: Path, keep: int) -> None:
    for _, old in _backups(path)[:-keep]:
        with contextlib.suppress(OSError):
            old.unlink()


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


# -- a brand-new package ------------------------------------------------------------------
_SML = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PR = "http://schemas.openxmlformats.org/package/2006/relationships"
_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def empty_package() -> bytes:
    """A workbook package without sheets, for ``write_new`` to graft into (deterministic)."""
    parts = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-'
            'package.core-properties+xml"/>'
            '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.extended-properties+xml"/>'
            "</Types>"),
        "_rels/.rels": (
            f'<Relationships xmlns="{_PR}">'
            f'<Relationship Id="rId1" Type="{_R}/officeDocument" Target="xl/workbook.xml"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/'
            'relationships/metadata/core-properties" Target="docProps/core.xml"/>'
            f'<Relationship Id="rId3" Type="{_R}/extended-properties" Target="docProps/app.xml"/>'
            "</Relationships>"),
        "docProps/app.xml": (
            '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
            "<Application>xlcrm</Application></Properties>"),
        "docProps/core.xml": (
            '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
            'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">'
            "<dc:creator>xlcrm</dc:creator></cp:coreProperties>"),
        "xl/workbook.xml": (
            f'<workbook xmlns="{_SML}" xmlns:r="{_R}"><workbookPr/>'
            '<bookViews><workbookView activeTab="0"/></bookViews><sheets/></workbook>'),
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{_PR}"></Relationships>',
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, xml in parts.items():
            zf.writestr(zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0)), _DECL + xml,
                        compress_type=zipfile.ZIP_DEFLATED)
    return buf.getvalue()
