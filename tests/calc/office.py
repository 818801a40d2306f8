"""A headless LibreOffice with the xlcrm extension installed, for one test module.

``Office.start(tmp)`` installs the extension with ``xlcrm calc install --shared --profile``
into a throwaway profile (as root, unopkg refuses a per-user install; --shared with
--profile keeps even the shared folder inside the profile), starts soffice on a localhost
socket, and ``office.run(steps)`` drives it through ``uno_driver.py`` in LibreOffice's own
Python. Tests skip where LibreOffice or python3-uno is missing, except under CI=true.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from xlcrm.calc.install import office_env, office_process_env

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SYSTEM_PYTHON = "/usr/bin/python3"


def _need(ok: bool, what: str) -> None:
    if ok:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{what} is not installed; .ci/run must install it")
    pytest.skip(f"{what} is not installed")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Office:
    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.profile = tmp / "profile"
        self.home = tmp / "home"
        self.port = _free_port()
        self.env = office_process_env()
        self.env["XLCRM_CALC_HOME"] = str(self.home)
        self.proc: subprocess.Popen[bytes] | None = None

    @classmethod
    def start(cls, tmp: Path) -> "Office":
        _need(shutil.which("soffice") is not None and shutil.which("unopkg") is not None, "LibreOffice")
        _need(subprocess.run([SYSTEM_PYTHON, "-c", "import uno"], capture_output=True).returncode == 0
              if Path(SYSTEM_PYTHON).exists() else False, "python3-uno")
        office = cls(tmp)
        office.install()
        office.launch()
        return office

    def install(self) -> None:
        env = {**os.environ, "XLCRM_CALC_HOME": str(self.home),
               "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
        proc = subprocess.run([sys.executable, "-m", "xlcrm", "calc", "install", "--shared",
                               "--profile", str(self.profile)], capture_output=True, text=True, env=env,
                              timeout=300)
        assert proc.returncode == 0, proc.stderr
        self.install_output = proc.stdout

    def launch(self) -> None:
        cmd = ["soffice", "--headless", "--invisible", "--norestore", "--nologo", "--nodefault",
               *office_env(self.profile, True),
               f"--accept=socket,host=127.0.0.1,port={self.port};urp;"]
        self.proc = subprocess.Popen(cmd, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def run(self, steps: list[dict[str, Any]], timeout: float = 300) -> list[Any]:
        proc = subprocess.run([SYSTEM_PYTHON, str(HERE / "uno_driver.py"), str(self.port)],
                              input=json.dumps(steps), capture_output=True, text=True, env=self.env,
                              timeout=timeout)
        if proc.returncode != 0:
            raise AssertionError(f"uno_driver failed: {proc.stderr[-3000:]}")
        return json.loads(proc.stdout)

    def log(self) -> str:
        path = self.home / "calc.log"
        return path.read_text(encoding="utf-8") if path.exists() else ""

    def stop(self) -> None:
        if self.proc is None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(10)
        self.proc = None
        time.sleep(0.2)
