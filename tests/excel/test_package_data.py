"""The add-in, its VBA and ribbon sources ship in the wheel: ``xlcrm excel build`` and
``install`` work after a plain ``pip install "xlcrm[excel]"``, without a clone.

The wheel is built by pip from this checkout (as ``pip install`` does: setuptools from the
index, in an isolated build environment), unpacked
into a folder outside the repository, and run from there with nothing of the checkout on
the path. (Done by hand too, into a fresh venv: see docs/excel.md, "Building the add-in".)
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from xlcrm.excel import build

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    (whl,) = out.glob("xlcrm-*.whl")
    return whl


def test_the_wheel_carries_the_addin_the_macros_and_the_ribbon(wheel):
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        for source in [*build.MACROS.iterdir(), build.PACKAGED_ADDIN]:
            member = source.relative_to(ROOT).as_posix()
            assert member in names, f"{member} is not in the wheel"
            assert zf.read(member).replace(b"\r\n", b"\n") == source.read_bytes().replace(b"\r\n", b"\n")


def test_xlcrm_excel_build_works_from_the_installed_package_outside_the_repository(wheel, tmp_path):
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as zf:
        zf.extractall(site)
    work = tmp_path / "work"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = str(site)  # the unpacked wheel only, not the checkout
    code = ("import sys, xlcrm.excel.build as b; assert str(b.MACROS).startswith(sys.argv[1]), b.MACROS; "
            "from xlcrm.cli import main; sys.argv = ['xlcrm', 'excel', 'build']; main()")
    proc = subprocess.run([sys.executable, "-c", code, str(site)], cwd=work, env=env, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    built = work / "xlcrm.xlam"
    assert proc.stdout.strip() == "xlcrm.xlam"
    assert built.read_bytes() == build.PACKAGED_ADDIN.read_bytes()  # the same bytes as the committed one
