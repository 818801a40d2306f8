"""Install the extension with unopkg and record which Python runs xlcrm for it.

LibreOffice's Python is not xlcrm's (docs/calc.md, "Why a worker process"), so install writes
``calc.json`` next to the user's other xlcrm settings: this interpreter and the folder xlcrm
is imported from. The extension starts ``python -m xlcrm.calc.worker`` with them.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from xlcrm import __version__

IDENTIFIER = "org.xlcrm.calc"


class InstallError(Exception):
    """Something the user has to fix; the message says what."""


def home() -> Path:
    """As the extension computes it (client.home): XLCRM_CALC_HOME, else the user's config folder."""
    env = os.environ.get("XLCRM_CALC_HOME")
    if env:
        return Path(env)
    if sys.platform.startswith("win"):
        return Path(os.environ.get("APPDATA") or Path.home()) / "xlcrm"
    return Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config") / "xlcrm"


def write_config(folder: Path | None = None, python: str | None = None) -> Path:
    import xlcrm

    folder = folder or home()
    folder.mkdir(parents=True, exist_ok=True)
    cfg = {"python": python or sys.executable,
           "pythonpath": [str(Path(xlcrm.__file__).resolve().parents[1])],
           "version": __version__}
    path = folder / "calc.json"
    path.write_text(json.dumps(cfg, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def find_unopkg() -> str | None:
    cands = [shutil.which("unopkg"), "/usr/lib/libreoffice/program/unopkg",
             "/opt/libreoffice/program/unopkg", "/Applications/LibreOffice.app/Contents/MacOS/unopkg",
             r"C:\Program Files\LibreOffice\program\unopkg.com"]
    return next((c for c in cands if c and Path(c).exists()), None)


def office_env(profile: Path | None, shared: bool) -> list[str]:
    """-env: arguments for unopkg and soffice: a profile folder, and with ``shared`` the shared
    extension folder inside it (so a test install never touches the office's own folder)."""
    if profile is None:
        return []
    args = [f"-env:UserInstallation={profile.resolve().as_uri()}"]
    if shared:
        args.append(f"-env:UNO_SHARED_PACKAGES_CACHE={(profile / 'shared-extensions').resolve().as_uri()}")
    return args


def office_process_env() -> dict[str, str]:
    """The environment to start LibreOffice (soffice, unopkg) with from xlcrm's Python.

    On Linux LibreOffice embeds the system Python, which finds its standard library from the
    first ``python3`` on PATH: with a pyenv/conda/venv interpreter first (as when run from
    xlcrm's own Python), it loads that one's library and fails (measured: unopkg dies with
    std::bad_alloc). So those PATH entries, and PYTHONHOME/PYTHONPATH, are left out.
    """
    env = dict(os.environ)
    for key in ("PYTHONHOME", "PYTHONPATH", "VIRTUAL_ENV", "CONDA_PREFIX"):
        env.pop(key, None)
    if sys.platform.startswith("linux"):
        system = Path("/usr/bin/python3").resolve() if Path("/usr/bin/python3").exists() else None
        keep = []
        for entry in env.get("PATH", "").split(os.pathsep):
            exe = Path(entry or ".") / "python3"
            if exe.is_file() and os.access(exe, os.X_OK) and exe.resolve() != system and _binary(exe):
                continue
            keep.append(entry)
        env["PATH"] = os.pathsep.join(keep)
    return env


def _binary(exe: Path) -> bool:
    """A real interpreter, not a launcher script (pyenv's shims are shell scripts and harmless)."""
    try:
        with exe.open("rb") as fh:
            return fh.read(4) == b"\x7fELF"
    except OSError:
        return False


def is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def unopkg(args: list[str], profile: Path | None, shared: bool) -> subprocess.CompletedProcess[str]:
    tool = find_unopkg()
    if tool is None:
        raise InstallError("unopkg not found — install LibreOffice (Debian: apt-get install libreoffice-calc)")
    cmd = [tool, *args, *(["--shared"] if shared else []), *office_env(profile, shared)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300, env=office_process_env())
    if proc.returncode != 0 or "ERROR" in (proc.stdout + proc.stderr):
        raise InstallError(f"unopkg {' '.join(args[:1])} failed: {(proc.stderr or proc.stdout).strip()}")
    return proc


def install(oxt: Path, *, profile: Path | None = None, shared: bool = False) -> Path:
    """Record this Python for the extension, then ``unopkg add`` it (per user unless ``shared``)."""
    if is_root() and not shared:
        raise InstallError("unopkg refuses a per-user install as root: run as the user who uses LibreOffice, "
                           "or add --shared (for all users; with --profile, into that profile only)")
    cfg = write_config()
    unopkg(["add", "--force", str(oxt)], profile, shared)
    return cfg


def uninstall(*, profile: Path | None = None, shared: bool = False) -> None:
    unopkg(["remove", IDENTIFIER], profile, shared)


def installed(*, profile: Path | None = None, shared: bool = False) -> bool:
    proc = unopkg(["list"], profile, shared)
    return IDENTIFIER in proc.stdout
