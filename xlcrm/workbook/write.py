"""Write xlcrm's sheets: into the user's workbook in place, or into a new workbook.

In place, the order of work is what keeps the user's file safe:

1. refuse a workbook the user may not write (read-only attribute, no permission), and one
   Excel (``~$name.xlsx``) or LibreOffice (``.~lock.name#``) has open;
2. check the package (``package.check_package``: corrupt, encrypted, bombs) and take its
   ``file_signature`` (device, inode, size, mtime_ns, a hash of its last 64 KiB: the zip's
   central directory, which holds every part's CRC) — or take the one the caller took before
   reading it;
3. render the sheets and plan the graft (``graft.Graft``);
4. write the new package to a temporary file in the same folder (on Linux an anonymous
   ``O_TMPFILE``, which vanishes if the process is killed), flush and fsync it;
5. copy the previous version into ``xlcrm-backups/`` beside the workbook under a temporary
   name, verify the copy (size, the hash of its tail, a zip directory that opens), then give
   it its name ``<stem>.<sequence>.<UTC stamp>.<ext>``: the sequence number, not the clock,
   orders backups, so a time-zone or clock change never makes the newest look oldest;
6. check that the workbook is still the file that was read (its signature): a save by the
   user in the meantime stops the run with one line and both files are left as they are;
7. ``os.replace`` the temporary file over the workbook (atomic on one file system);
8. prune backups beyond the ``backups`` newest verified ones; never the one just made, and
   an empty or damaged leftover never counts as one.

Any error before step 7 leaves the workbook byte-identical and removes the temporary file.
The window between 6 and 7 is one system call: a save landing exactly there is not seen.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
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
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from xlcrm.errors import CannotWrite, WorkbookChanged, WorkbookLocked
from xlcrm.model import Lang, SheetSpec
from xlcrm.workbook.graft import Graft, GraftPlan, write_plan
from xlcrm.workbook.package import Package, check_package

__all__ = ["BACKUP_DIR", "WriteReport", "check_lock", "check_writable", "owned_sheets", "write_in_place",
           "write_new"]

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


def check_writable(path: str | Path) -> None:
    """Raise CannotWrite if the user may not write ``path`` (read-only attribute, no permission)
    or the folder it is in: refused before any work, never replaced behind their back."""
    path = Path(path)
    try:
        st = path.stat()
    except OSError:
        return  # missing: the caller's own check names it
    if not st.st_mode & stat.S_IWUSR or not os.access(path, os.W_OK):
        raise CannotWrite(path, "the workbook is read-only (its read-only attribute is set, or you may "
                          "not write it)", "clear the read-only attribute (Properties) or ask for write "
                          "permission; or write the results to a new workbook with --output")
    if not os.access(path.parent, os.W_OK | os.X_OK):
        raise CannotWrite(path, "you may not write in its folder (xlcrm writes a new version beside it "
                          "and replaces the old one)", "ask for write permission on the folder, or "
                          "write the results to a new workbook with --output")


Signature = tuple[int, int, int, int, str]
_TAIL = 1 << 16


def file_signature(path: str | Path) -> Signature:
    """What tells whether a file changed: device, inode, size, modification time (ns) and a
    hash of its last 64 KiB. The tail of a zip package is its central directory, which holds
    the CRC of every part, so a save that keeps size and time still changes the hash."""
    st = os.stat(path)
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, _tail_hash(path, st.st_size))


def _tail_hash(path: str | Path, size: int) -> str:
    try:
        with open(path, "rb") as fh:
            fh.seek(max(0, size - _TAIL))
            return hashlib.sha256(fh.read(_TAIL)).hexdigest()
    except (IsADirectoryError, PermissionError):
        return ""  # not a file one can read: check_package names the problem


def _changed(path: Path) -> WorkbookChanged:
    return WorkbookChanged(path, "the workbook changed while xlcrm was working (saved in Excel or by "
                           "someone else?); xlcrm left it exactly as it is now",
                           "run xlcrm refresh again (your changes are in the workbook)")


def write_in_place(path: str | Path, sheets: list[SheetSpec], *, lang: Lang,
                   backups: int = 3, checked: Signature | None = None) -> WriteReport:
    """Replace xlcrm's sheets in ``path`` with ``sheets``; every other part stays byte-identical.

    ``checked``: the ``file_signature`` the file had when the caller read it and ran the deep
    ``check_package`` on it. The file must still have it (else ``WorkbookChanged``: the
    results would be computed from an old version), and it is not decompressed again
    (seconds on a million-row workbook), only its directory and workbook part re-checked.
    """
    path = Path(path)
    if path.is_symlink():  # replace the workbook the link points to, not the link
        path = path.resolve()
    check_writable(path)
    check_lock(path)
    if checked is not None and file_signature(path) != checked:
        raise _changed(path)
    check_package(path, deep=checked is None)
    expected = checked if checked is not None else file_signature(path)
    with Package(path) as pkg:
        plan = _plan(pkg, sheets, lang)
        report = _commit(path, lambda fh: write_plan(pkg, plan, fh), backups=backups, plan=plan,
                         expected=expected)
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
    check_writable(path)
    check_lock(path)
    expected = file_signature(path) if path.exists() else None
    with Package(path, io.BytesIO(empty_package())) as pkg:
        plan = _plan(pkg, sheets, lang)
        report = _commit(path, lambda fh: write_plan(pkg, plan, fh), backups=backups, plan=plan,
                         expected=expected)
    report.removed = []
    return report


def _plan(pkg: Package, sheets: list[SheetSpec], lang: Lang) -> GraftPlan:
    from xlcrm.workbook.render import render_sheet  # the renderer's module (writer branch)

    graft = Graft(pkg)
    rendered = []
    table_id = graft.first_table_id
    named = [replace(spec, name=graft.sheet_name(spec)) for spec in sheets]
    names = {spec.role: spec.name for spec in named}  # the customer card's formulas name the others
    for spec in named:
        rs = render_sheet(spec, lang=lang, styles=graft.styles, first_table_id=table_id,
                          date1904=graft.date1904, sheet_names=names)
        table_id += len(rs.tables)
        rendered.append((spec, rs))
    return graft.apply(rendered)


def _commit(path: Path, write: Callable[[IO[bytes]], None], *, backups: int,
            plan: GraftPlan, expected: Signature | None) -> WriteReport:
    """Write to a temporary file beside ``path``, back up the old version, replace atomically."""
    try:
        return _commit_or_fail(path, write, backups=backups, plan=plan, expected=expected)
    except OSError as exc:  # a missing or read-only folder, a full disk: the workbook is unchanged
        raise CannotWrite(path, f"cannot write there ({exc.strerror or exc})",
                          "choose a folder that exists, that you can write to and that has space") from None


def _commit_or_fail(path: Path, write: Callable[[IO[bytes]], None], *, backups: int,
                    plan: GraftPlan, expected: Signature | None) -> WriteReport:
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
        else:  # a new file (--output): the permissions any file the user creates gets, not the temp's 0600
            with contextlib.suppress(OSError):
                os.chmod(tmp, 0o666 & ~_umask())
        check_lock(path)  # Excel may have opened it while we worked
        if expected is not None and _signature_or_none(path) != expected:
            raise _changed(path)
        backup_dir_existed = (folder / BACKUP_DIR).is_dir()
        backup = None
        try:
            if path.exists() and backups > 0:
                backup = _backup(path, expected)
            # The last look before the replace: a save by the user since we read it wins.
            if expected is not None and _signature_or_none(path) != expected:
                raise _changed(path)
            _replace(tmp, path)
        except WorkbookChanged:
            raise  # both files stay: the user's new version, and the verified backup of the one read
        except BaseException:
            if backup is not None:  # nothing changed: leave no trace
                with contextlib.suppress(OSError):
                    backup.unlink()
            if not backup_dir_existed:
                with contextlib.suppress(OSError):
                    (folder / BACKUP_DIR).rmdir()
            raise
        if backup is not None:
            _prune(path, backups, backup)
    _fsync_dir(folder)
    log.info("wrote %s (%s)", path, ", ".join(plan.written))
    return WriteReport(path=path, backup=backup, written=list(plan.written), removed=list(plan.removed))


def _signature_or_none(path: Path) -> Signature | None:
    try:
        return file_signature(path)
    except OSError:
        return None


def _umask() -> int:
    """The process umask (reading it means setting it: set it straight back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


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
    """``<stem>.<sequence>.<YYYYmmddTHHMMSSZ><ext>``, and the names xlcrm gave backups before
    (``<stem>.<YYYYmmdd-HHMMSS>[-n]<ext>``, local time), which count as older than any numbered one."""
    stem, ext = re.escape(path.stem), re.escape(path.suffix)
    return re.compile(stem + r"\.(?:(\d{4,})\.\d{8}T\d{6}Z|(\d{8}-\d{6})(?:-(\d+))?)" + ext + "$")


def _backups(path: Path, *, valid_only: bool = True) -> list[tuple[tuple[int, str, int], Path]]:
    """xlcrm's backups of ``path``, oldest first: by sequence number, never by the clock."""
    folder = path.parent / BACKUP_DIR
    pattern = _backup_pattern(path)
    found = []
    for entry in folder.iterdir() if folder.is_dir() else []:
        m = pattern.match(entry.name)
        if not m:
            continue
        if valid_only and not _looks_valid(entry):
            continue
        key = (1, "", int(m.group(1))) if m.group(1) else (0, m.group(2), int(m.group(3) or 1))
        found.append((key, entry))
    return sorted(found)


def _looks_valid(entry: Path) -> bool:
    """A usable backup: not empty, a zip whose directory opens (what a killed copy is not)."""
    try:
        return entry.stat().st_size > 0 and zipfile.is_zipfile(entry)
    except OSError:
        return False


def _backup(path: Path, expected: Signature | None = None) -> Path:
    """Copy ``path`` to ``xlcrm-backups/<stem>.<sequence>.<UTC stamp><ext>``, verified.

    The copy is made under a temporary name and gets its backup name only once verified, so
    a kill half-way leaves no "backup" that is not one (the sweep removes the leftover).
    """
    folder = path.parent / BACKUP_DIR
    folder.mkdir(exist_ok=True)
    _sweep(folder, path.name)
    tmp = folder / f"{TEMP_PREFIX}{path.name}.{os.getpid()}.backup.tmp"
    try:
        shutil.copy2(path, tmp)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        _verify_copy(path, tmp, expected)
        stamp = datetime.fromtimestamp(time.time(), UTC).strftime("%Y%m%dT%H%M%SZ")
        seq = 1 + max((k[2] for k, _ in _backups(path, valid_only=False) if k[0] == 1), default=0)
        while True:
            target = folder / f"{path.stem}.{seq:04d}.{stamp}{path.suffix}"
            try:
                _claim(tmp, target)  # never over another run's backup of the same number
                break
            except FileExistsError:
                seq += 1
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()
    _fsync_dir(folder)
    return target


def _claim(tmp: Path, target: Path) -> None:
    try:
        os.link(tmp, target)  # fails if target exists: two runs never take one number
    except FileExistsError:
        raise
    except OSError:  # a file system without hard links (some network shares)
        if target.exists():
            raise FileExistsError(target) from None
        shutil.copy2(tmp, target)


def _verify_copy(path: Path, copy: Path, expected: Signature | None) -> None:
    size = copy.stat().st_size
    want = expected[2] if expected is not None else path.stat().st_size
    tail = expected[4] if expected is not None else _tail_hash(path, want)
    ok = size == want and _tail_hash(copy, size) == tail
    if ok:
        try:
            with zipfile.ZipFile(copy) as zf:
                ok = bool(zf.infolist())
        except (zipfile.BadZipFile, OSError, ValueError):
            ok = False
    if not ok:
        raise CannotWrite(path, f"the backup copy in {BACKUP_DIR} could not be verified (the workbook "
                          "changed while it was copied, or the disk is failing); nothing was changed",
                          "run xlcrm refresh again; if it happens again, check the disk")


def _prune(path: Path, keep: int, made: Path) -> None:
    """Keep the ``keep`` newest verified backups, always ``made``; drop empty or damaged leftovers."""
    for _, entry in _backups(path, valid_only=False):
        if entry != made and not _looks_valid(entry):
            with contextlib.suppress(OSError):
                entry.unlink()
    valid = [p for _, p in _backups(path)]
    for old in valid[:-keep] if keep > 0 else valid:
        if old != made:
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
