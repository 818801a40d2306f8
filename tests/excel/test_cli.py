"""``xlcrm excel build`` / ``install`` through typer's runner: exit codes and what users read."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from xlcrm.excel import build, cli

runner = CliRunner()


def test_build_writes_the_addin_and_prints_its_path(tmp_path):
    out = tmp_path / "sub" / "xlcrm.xlam"
    result = runner.invoke(cli.excel_app, ["build", "--out", str(out)])
    assert result.exit_code == 0 and result.output.strip() == str(out)
    assert out.read_bytes() == build.PACKAGED_ADDIN.read_bytes()


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


class FakeApp:
    """Excel stood in for: the startup folder, and the books the compile step opens."""

    startup = None
    log: list = []

    def __init__(self, **_):
        self.startup_path = str(self.startup)
        self.books = FakeBooks(self)
        self.display_alerts = True

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


class FakeBooks(list):
    def __init__(self, app):
        super().__init__()
        self.app = app

    def add(self):
        book = FakeWorkbook(self.app)
        self.app.log.append(("book", book))
        self.append(book)
        return book


class FakeWorkbook:
    def __init__(self, app):
        import types

        self.name = "Book1"
        log = app.log

        def save_as(path, FileFormat=None):
            log.append(("SaveAs", path, app.display_alerts, Path(path).exists()))
            with zipfile.ZipFile(path, "w") as zf:  # a package for add_custom_ui to graft onto
                zf.writestr("_rels/.rels", '<Relationships xmlns="x"></Relationships>')

        def import_(path):
            log.append(("Import", Path(path).read_bytes()))

        project = types.SimpleNamespace(
            VBComponents=types.SimpleNamespace(Count=1, Import=import_),
            References=types.SimpleNamespace(AddFromFile=lambda p: log.append(("Reference", p))))
        self.api = types.SimpleNamespace(VBProject=project, IsAddin=False, SaveAs=save_as)
        self.activate = lambda: log.append(("activate", self.name))
        cell = types.SimpleNamespace()
        self.sheets = [{"A1": cell}]
        self.cell_a1 = cell
        self.close = lambda: log.append(("close", self.name))


@pytest.fixture()
def windows(tmp_path, monkeypatch):
    """Windows with Excel stood in for; `xlwings addin install` (a subprocess) recorded, and by
    default doing its job (copying xlwings' add-in into the startup folder)."""
    import shutil

    import xlwings

    startup = tmp_path / "XLSTART"
    startup.mkdir()
    FakeApp.startup, FakeApp.log = startup, []
    calls = []

    def run(cmd, **_):
        calls.append(cmd)
        if getattr(run, "lands", True):
            shutil.copyfile(cli.xlwings_addin_source(), startup / "xlwings.xlam")
        return subprocess.CompletedProcess(cmd, 0)  # xlwings exits 0 whatever happened

    monkeypatch.setattr(cli.sys, "platform", "win32")
    monkeypatch.setattr(xlwings, "App", FakeApp)
    monkeypatch.setattr(xlwings, "import_udfs", lambda module, book: FakeApp.log.append(("import_udfs", module)),
                        raising=False)
    monkeypatch.setattr(xlwings, "USER_CONFIG_FILE", str(tmp_path / "xlwings.conf"))
    monkeypatch.setattr(cli.subprocess, "run", run)
    return types_ns(startup=startup, calls=calls, run=run, conf=tmp_path / "xlwings.conf")


def types_ns(**kw):
    import types

    return types.SimpleNamespace(**kw)


def test_install_on_windows_runs_the_steps_in_order(windows):
    result = runner.invoke(cli.excel_app, ["install"])
    assert result.exit_code == 0, result.output
    assert windows.calls == [[sys.executable, "-m", "xlwings.cli", "addin", "install"]]
    assert cli.read_xlwings_conf(windows.conf)["UDF MODULES"] == "xlcrm.excel.udfs"
    assert (windows.startup / "xlcrm.xlam").read_bytes() == build.PACKAGED_ADDIN.read_bytes()
    assert [line[:3] for line in result.output.splitlines()] == ["1/4", "2/4", "3/4", "4/4"]


def test_install_stops_when_the_xlwings_addin_did_not_land_although_xlwings_exited_0(windows):
    windows.run.lands = False
    result = runner.invoke(cli.excel_app, ["install"])
    assert result.exit_code == 1
    assert "the xlwings add-in did not land in" in result.output and "close every Excel window" in result.output
    assert not (windows.startup / "xlcrm.xlam").exists() and not windows.conf.exists()


def test_install_stops_when_the_startup_folder_holds_another_xlwings_addin(windows):
    windows.run.lands = False
    (windows.startup / "xlwings.xlam").write_bytes(b"an old add-in")
    result = runner.invoke(cli.excel_app, ["install"])
    assert result.exit_code == 1 and "not the add-in of the installed xlwings" in result.output


def test_compile_turns_alerts_off_replaces_the_old_addin_and_imports_crlf_copies(windows):
    old = windows.startup / "xlcrm.xlam"
    old.write_bytes(b"last year's add-in")
    result = runner.invoke(cli.excel_app, ["install", "--compile"])
    assert result.exit_code == 0, result.output
    log = FakeApp.log
    (save,) = [e for e in log if e[0] == "SaveAs"]
    assert save[1] == str(old) and save[2] is False  # alerts off: no hidden "replace?" prompt
    assert save[3] is False  # the old add-in was removed before the save
    imports = [e[1] for e in log if e[0] == "Import"]
    assert len(imports) == len(build.bas_files())
    for data in imports:
        assert b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")  # CRLF only
    assert log.index(("activate", "Book1")) < log.index(("import_udfs", "xlcrm.excel.udfs"))
    from xlcrm import __version__

    (book,) = [e[1] for e in log if e[0] == "book"]
    assert book.cell_a1.value == build.sheet_rows(__version__)  # the labels the VBA looks up
    with zipfile.ZipFile(old) as zf:  # the ribbon part grafted onto what Excel saved
        assert build.CUSTOM_UI_PART in zf.namelist()


def test_crlf_copy_converts_lf_and_keeps_crlf(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "m.bas").write_bytes(b"a\nb\r\nc\n")
    out = build.vba_import_copy(src / "m.bas", tmp_path)
    assert out.read_bytes() == b"a\r\nb\r\nc\r\n"
