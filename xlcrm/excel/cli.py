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

excel_app = typer.Typer(
    name="excel", no_args_is_help=True, add_completion=False,
    help="Build and install the xlcrm Excel add-in (ribbon tab and CRM_* formulas).",
)

UDF_MODULE = "xlcrm.excel.udfs"
XL_OPENXML_ADDIN = 55  # XlFileFormat.xlOpenXMLAddIn


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


def set_xlwings_conf(path: Path, values: dict[str, str]) -> None:
    """Set keys in an xlwings.conf file (lines ``"KEY","value"``), keeping every other line."""
    lines: list[str] = []
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            key = line.split(",", 1)[0].strip().strip('"').upper()
            if line.strip() and key not in {k.upper() for k in values}:
                lines.append(line)
    lines += [f'"{key}","{value}"' for key, value in values.items()]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def udf_modules(existing: str | None) -> str:
    """xlcrm's UDF module added to what xlwings.conf already lists (``a;b``), once."""
    mods = [m for m in (existing or "").split(";") if m.strip()]
    return ";".join(mods if UDF_MODULE in mods else mods + [UDF_MODULE])


def read_xlwings_conf(path: Path) -> dict[str, str]:
    out = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            if "," in line:
                key, value = line.split(",", 1)
                out[key.strip().strip('"').upper()] = value.strip().strip('"')
    return out


def _compile_in_excel(target: Path) -> None:
    """Windows: a new workbook in the user's Excel imports macros/*.bas (Excel compiles it),
    gets xlwings' UDF wrappers for xlcrm.excel.udfs, is saved as an add-in; then we graft the
    ribbon part into the saved package."""
    import xlwings as xw

    with xw.App(visible=False, add_book=False) as app:
        book = app.books.add()
        try:
            project = book.api.VBProject
            project.VBComponents.Count  # noqa: B018 - raises when access is not trusted
        except Exception:  # noqa: BLE001
            book.close()
            raise RuntimeError(
                "Excel refused access to VBA. In Excel: File > Options > Trust Center > Trust Center "
                "Settings > Macro Settings > tick 'Trust access to the VBA project object model', "
                "then run `xlcrm excel install --compile` again.") from None
        for bas in _build.bas_files():
            project.VBComponents.Import(str(bas))
        xlwings_addin = Path(app.startup_path) / "xlwings.xlam"
        project.References.AddFromFile(str(xlwings_addin))  # XLPy for the UDF wrappers
        xw.import_udfs(UDF_MODULE, book.api)
        book.api.IsAddin = True
        book.api.SaveAs(str(target), FileFormat=XL_OPENXML_ADDIN)
        book.close()
    _build.add_custom_ui(target)


@excel_app.command("install")
def install_cmd(
    compile_: bool = typer.Option(False, "--compile",
                                  help="Windows: let your Excel compile macros/ (use if Excel "
                                       "blocks the prebuilt add-in)"),
    addin: Path = typer.Option(_build.DEFAULT_OUT, "--addin", help="the add-in to install"),
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
    if proc.returncode != 0:
        typer.echo("xlwings addin install failed: close Excel and run again", err=True)
        raise typer.Exit(1)

    conf = Path(xw.USER_CONFIG_FILE)
    typer.echo(f"2/4 setting UDF Modules = {UDF_MODULE} in {conf}")
    key = "INTERPRETER_WIN" if sys.platform.startswith("win") else "INTERPRETER_MAC"
    set_xlwings_conf(conf, {"UDF MODULES": udf_modules(read_xlwings_conf(conf).get("UDF MODULES")),
                            key: sys.executable})

    with xw.App(visible=False, add_book=False) as app:
        startup = Path(app.startup_path)
    target = startup / "xlcrm.xlam"
    if compile_:
        if not sys.platform.startswith("win"):
            typer.echo("--compile needs Windows (Excel for Mac cannot import VBA by automation). On a Mac: "
                       "open workbooks/xlcrm.xlam, or in the VBA editor File > Import macros/xlcrm.bas.",
                       err=True)
            raise typer.Exit(1)
        typer.echo(f"3/4 compiling macros/ in your Excel into {target}")
        try:
            _compile_in_excel(target)
        except RuntimeError as exc:
            typer.echo(str(exc), err=True)
            raise typer.Exit(1) from None
    else:
        if not addin.exists():
            typer.echo(f"{addin} is missing: run `xlcrm excel build` first", err=True)
            raise typer.Exit(1)
        typer.echo(f"3/4 copying {addin.name} to Excel's startup folder {startup}")
        _build.copy_addin(addin, startup)
    typer.echo("4/4 done. Restart Excel: the 客户管理 / CRM tab appears; formulas =CRM_TIER(...) work in "
               "workbooks after xlwings > Import Functions (see docs/excel.md).")


__all__ = ["excel_app"]
