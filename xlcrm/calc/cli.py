"""``xlcrm calc build | install | uninstall``: the LibreOffice Calc extension (a typer app)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

calc_app = typer.Typer(
    name="calc", no_args_is_help=True, add_completion=False,
    help="Build and install the xlcrm extension for LibreOffice Calc (CRM menu and CRM_* formulas).",
)

_PROFILE = typer.Option(None, "--profile", help="a LibreOffice profile folder (-env:UserInstallation) "
                                                "instead of the user's own")
_SHARED = typer.Option(False, "--shared", help="install for all users (unopkg --shared); with --profile, "
                                               "into that profile's folder only")


def _fail(what: str, exc: Exception) -> None:
    typer.echo(f"xlcrm calc {what}: {exc}", err=True)
    raise typer.Exit(1)


@calc_app.command("build")
def build_cmd(out: Path = typer.Option(Path("xlcrm.oxt"), "--out", "-o", help="where to write the extension"),
              ) -> None:
    """Build xlcrm.oxt (reproducible: the same xlcrm gives the same bytes)."""
    from xlcrm.calc import build

    try:
        typer.echo(str(build.build(out)))
    except (OSError, RuntimeError) as exc:
        _fail("build", exc)


@calc_app.command("install")
def install_cmd(profile: Optional[Path] = _PROFILE, shared: bool = _SHARED) -> None:  # noqa: UP007 - typer
    """Build the extension and add it to LibreOffice with unopkg; quit LibreOffice first."""
    import tempfile

    from xlcrm.calc import build, install

    try:
        with tempfile.TemporaryDirectory(prefix="xlcrm-oxt-") as tmp:
            oxt = build.build(Path(tmp) / "xlcrm.oxt")
            cfg = install.install(oxt, profile=profile, shared=shared)
    except (OSError, RuntimeError, install.InstallError) as exc:
        _fail("install", exc)
    typer.echo(f"installed xlcrm in LibreOffice; its Python is recorded in {cfg}. "
               "Start Calc: the 客户管理 / CRM menu and the CRM_* functions are there.")


@calc_app.command("uninstall")
def uninstall_cmd(profile: Optional[Path] = _PROFILE, shared: bool = _SHARED) -> None:  # noqa: UP007
    """Remove the extension from LibreOffice."""
    from xlcrm.calc import install

    try:
        install.uninstall(profile=profile, shared=shared)
    except (OSError, install.InstallError) as exc:
        _fail("uninstall", exc)
    typer.echo("removed xlcrm from LibreOffice")
