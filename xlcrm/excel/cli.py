"""``xlcrm excel build`` and ``xlcrm excel install`` (a typer app the main CLI mounts as ``excel``).

build    writes workbooks/xlcrm.xlam from macros/ on any OS (no Excel needed).
install  on Windows or macOS with Excel: installs the xlwings add-in, sets xlcrm's UDF module
         in xlwings.conf, and puts the xlcrm add-in in Excel's startup folder (XLSTART).
         ``--compile`` (Windows) lets the user's own Excel compile macros/ into the add-in
         instead of using the Linux-built vbaProject.bin, which Excel may refuse (TOOLS.md).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import typer

from xlcrm.excel import build as _build
from xlcrm.excel.conf import ConfError, read_conf, write_conf

excel_app = typer.Typer(
    name="excel", no_args_is_help=True, add_completion=False,
    help="Build and install the xlcrm Excel add-in (ribbon tab and CRM_* formulas).",
)

UDF_MODULE = "xlcrm.excel.udfs"
XL_OPENXML_ADDIN = 55  # XlFileFormat.xlOpenXMLAddIn
XLWINGS_ADDIN = "xlwings.xlam"


@excel_app.command("build")
def build_cmd(
    out: Path = typer.Option(_build.DEFAULT_OUT, "--out", "-o",
                             help="where to write the add-in (.xlam, or .xlsm)"),
) -> None:
    """Build the add-in from macros/ (reproducible: the same files give the same bytes)."""
    try:
        path = _build.build(out)
    except (ValueError, OSError, RuntimeError) as exc:
        typer.echo(f"xlcrm excel build: {exc}", err=True)
        raise typer.Exit(1) from None
    typer.echo(str(path))


def supported_platform() -> bool:
    return sys.platform.startswith("win") or sys.platform == "darwin"


def set_xlwings_conf(path: Path, values: dict[str, str], *, encoding: str | None = None) -> None:
    """Set keys in xlwings.conf in the code page xlwings' VBA reads (see ``xlcrm.excel.conf``)."""
    write_conf(path, values, encoding=encoding)


def udf_modules(existing: str | None) -> str:
    """xlcrm's UDF module added to what xlwings.conf already lists (``a;b``), once."""
    mods = [m for m in (existing or "").split(";") if m.strip()]
    return ";".join(mods if UDF_MODULE in mods else mods + [UDF_MODULE])


def read_xlwings_conf(path: Path, *, encoding: str | None = None) -> dict[str, str]:
    return read_conf(path, encoding=encoding)


def _compile_in_excel(target: Path) -> None:
    """Windows: a new workbook in the user's Excel imports macros/*.bas (Excel compiles it),
    gets xlwings' UDF wrappers for xlcrm.excel.udfs, is saved as an add-in; then we graft the
    ribbon part into the saved package.

    Made safe for an unattended run: alerts are off (a "replace the file?" prompt in an
    invisible Excel would hang forever), an earlier add-in is closed and removed first, the
    modules are imported from CRLF copies (the VBA importer expects CRLF), and the new book
    is made the active one (xlwings' import_udfs, like its ImportPythonUDFs, works on it).
    """
    import tempfile

    import xlwings as xw

    with tempfile.TemporaryDirectory(prefix="xlcrm-compile-") as tmp:
        sources = [_build.vba_import_copy(bas, Path(tmp)) for bas in _build.bas_files()]
        with xw.App(visible=False, add_book=False) as app:
            app.display_alerts = False
            for open_book in list(app.books):
                if open_book.name.lower() == target.name.lower():
                    open_book.close()
            if target.exists():
                try:
                    target.unlink()
                except OSError:
                    raise RuntimeError(f"{target} is in use: close every Excel window, then run "
                                       "`xlcrm excel install --compile` again") from None
            book = app.books.add()
            book.activate()
            try:
                project = book.api.VBProject
                project.VBComponents.Count  # noqa: B018 - raises when access is not trusted
            except Exception:  # noqa: BLE001
                book.close()
                raise RuntimeError(
                    "Excel refused access to VBA. In Excel: File > Options > Trust Center > Trust Center "
                    "Settings > Macro Settings > tick 'Trust access to the VBA project object model', "
                    "then run `xlcrm excel install --compile` again.") from None
            for bas in sources:
                project.VBComponents.Import(str(bas))
            xlwings_addin = Path(app.startup_path) / XLWINGS_ADDIN
            project.References.AddFromFile(str(xlwings_addin))  # XLPy for the UDF wrappers
            xw.import_udfs(UDF_MODULE, book.api)
            from xlcrm import __version__

            book.sheets[0]["A1"].value = _build.sheet_rows(__version__)  # the labels the VBA reads
            book.api.IsAddin = True
            book.api.SaveAs(str(target), FileFormat=XL_OPENXML_ADDIN)
            book.close()
    _build.add_custom_ui(target)


def xlwings_addin_source() -> Path:
    """The xlwings add-in its package ships (what ``xlwings addin install`` copies)."""
    import xlwings

    return Path(xlwings.__file__).parent / "addin" / XLWINGS_ADDIN


def check_xlwings_addin(startup: Path) -> str | None:
    """None when the xlwings add-in in Excel's startup folder is the one xlwings ships; else what
    is wrong. ``xlwings addin install`` prints its failures and still exits 0, so look."""
    installed = startup / XLWINGS_ADDIN
    if not installed.exists():
        return (f"the xlwings add-in did not land in {startup}: close every Excel window (Excel locks "
                "the folder's add-ins) and run `xlcrm excel install` again")
    source = xlwings_addin_source()
    if source.exists() and installed.read_bytes() != source.read_bytes():
        return (f"{installed} is not the add-in of the installed xlwings (another version?): close every "
                "Excel window and run `xlcrm excel install` again")
    return None


@excel_app.command("install")
def install_cmd(
    compile_: bool = typer.Option(False, "--compile",
                                  help="Windows: let your Excel compile macros/ (use if Excel "
                                       "blocks the prebuilt add-in)"),
    addin: Path = typer.Option(_build.PACKAGED_ADDIN, "--addin", help="the add-in to install"),
) -> None:
    """Install for Excel: the xlwings add-in, the UDF module setting, and the xlcrm add-in."""
    if not supported_platform():
        typer.echo("xlcrm excel install needs Windows or macOS with Microsoft Excel; this system "
                   f"({sys.platform}) has no Excel. Use `xlcrm refresh` here, or run the install "
                   "on the PC where Excel is.", err=True)
        raise typer.Exit(1)
    import xlwings as xw

    typer.echo("1/4 installing the xlwings add-in (xlwings addin install)")
    proc = subprocess.run([sys.executable, "-m", "xlwings.cli", "addin", "install"])
    with xw.App(visible=False, add_book=False) as app:
        startup = Path(app.startup_path)
    problem = (check_xlwings_addin(startup) if proc.returncode == 0
               else "xlwings addin install failed: close Excel and run again")
    if problem:
        typer.echo(problem, err=True)
        raise typer.Exit(1)

    conf = Path(xw.USER_CONFIG_FILE)
    typer.echo(f"2/4 setting UDF Modules = {UDF_MODULE} in {conf}")
    key = "INTERPRETER_WIN" if sys.platform.startswith("win") else "INTERPRETER_MAC"
    try:
        set_xlwings_conf(conf, {"UDF MODULES": udf_modules(read_xlwings_conf(conf).get("UDF MODULES")),
                                key: sys.executable})
    except ConfError as exc:
        typer.echo(f"xlcrm excel install: {exc}", err=True)
        raise typer.Exit(1) from None

    target = startup / "xlcrm.xlam"
    if compile_:
        if not sys.platform.startswith("win"):
            typer.echo("--compile needs Windows (Excel for Mac cannot import VBA by automation). On a Mac: "
                       "open the add-in (xlcrm excel build), or in the VBA editor File > Import the "
                       "macros/xlcrm.bas of the package.", err=True)
            raise typer.Exit(1)
        typer.echo(f"3/4 compiling macros/ in your Excel into {target}")
        try:
            _compile_in_excel(target)
        except RuntimeError as exc:
            typer.echo(str(exc), err=True)
            raise typer.Exit(1) from None
    else:
        if not addin.exists():
            typer.echo(f"{addin} is missing: run `xlcrm excel build --out {addin}` first", err=True)
            raise typer.Exit(1)
        typer.echo(f"3/4 copying {addin.name} to Excel's startup folder {startup}")
        _build.copy_addin(addin, startup)
    typer.echo("4/4 done. Restart Excel: the 客户管理 / CRM tab appears; formulas =CRM_TIER(...) work in "
               "workbooks after xlwings > Import Functions (see docs/excel.md).")


__all__ = ["excel_app"]
