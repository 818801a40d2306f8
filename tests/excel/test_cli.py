"""``xlcrm excel build`` / ``install`` through typer's runner: exit codes and what users read."""

from __future__ import annotations

import subprocess
import sys

import pytest
from typer.testing import CliRunner

from xlcrm.excel import build, cli

runner = CliRunner()


def test_build_writes_the_addin_and_prints_its_path(tmp_path):
    out = tmp_path / "sub" / "xlcrm.xlam"
    result = runner.invoke(cli.excel_app, ["build", "--out", str(out)])
    assert result.exit_code == 0 and result.output.strip() == str(out)
    assert out.read_bytes() == build.DEFAULT_OUT.read_bytes()


def test_build_refuses_a_file_type_excel_cannot_load_as_an_addin(tmp_path):
    result = runner.invoke(cli.excel_app, ["build", "--out", str(tmp_path / "x.xlsx")])
    assert result.exit_code == 1 and "must end in .xlam or .xlsm" in result.output


@pytest.mark.skipif(sys.platform.startswith("win") or sys.platform == "darwin", reason="Linux behaviour")
def test_install_on_linux_says_plainly_it_needs_excel_and_exits_1():
    result = runner.invoke(cli.excel_app, ["install"])
    assert result.exit_code == 1
    assert result.output.startswith("xlcrm excel install needs Windows or macOS with Microsoft Excel")
    assert "Traceback" not in result.output


def test_xlwings_conf_gets_our_udf_module_and_keeps_the_users_other_settings(tmp_path):
    conf = tmp_path / ".xlwings" / "xlwings.conf"
    conf.parent.mkdir()
    conf.write_text('"LICENSE_KEY","abc"\n"UDF MODULES","mytools"\n"INTERPRETER_WIN","C:\\old\\python.exe"\n')
    mods = cli.udf_modules(cli.read_xlwings_conf(conf).get("UDF MODULES"))
    cli.set_xlwings_conf(conf, {"UDF MODULES": mods, "INTERPRETER_WIN": "C:\\py\\python.exe"})
    assert cli.read_xlwings_conf(conf) == {"LICENSE_KEY": "abc", "UDF MODULES": "mytools;xlcrm.excel.udfs",
                                           "INTERPRETER_WIN": "C:\\py\\python.exe"}
    assert cli.udf_modules("mytools;xlcrm.excel.udfs") == "mytools;xlcrm.excel.udfs"  # once


def test_install_on_windows_runs_the_three_steps_in_order(tmp_path, monkeypatch):
    # Excel itself is stood in for: xlwings' App gives the startup folder, subprocess is recorded.
    startup = tmp_path / "XLSTART"
    startup.mkdir()
    calls = []

    class App:
        def __init__(self, **_):
            self.startup_path = str(startup)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

    import xlwings

    monkeypatch.setattr(cli.sys, "platform", "win32")
    monkeypatch.setattr(xlwings, "App", App)
    monkeypatch.setattr(xlwings, "USER_CONFIG_FILE", str(tmp_path / "xlwings.conf"))
    monkeypatch.setattr(cli.subprocess, "run",
                        lambda cmd, **k: calls.append(cmd) or subprocess.CompletedProcess(cmd, 0))
    result = runner.invoke(cli.excel_app, ["install"])
    assert result.exit_code == 0, result.output
    assert calls == [[sys.executable, "-m", "xlwings.cli", "addin", "install"]]
    assert cli.read_xlwings_conf(tmp_path / "xlwings.conf")["UDF MODULES"] == "xlcrm.excel.udfs"
    assert (startup / "xlcrm.xlam").read_bytes() == build.DEFAULT_OUT.read_bytes()
    assert [line[:3] for line in result.output.splitlines()] == ["1/4", "2/4", "3/4", "4/4"]
