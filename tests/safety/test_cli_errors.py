"""Issue 12, finding 5 and point 6: every CLI error path is one plain line, and the other files go on.

Through the CLI runner, as a nightly script meets it. Before the fix: click's usage box
(several lines), a traceback for ``--ics`` naming a file (and the remaining workbooks never
refreshed), a traceback for a JSON config that is not an object, two reps' calendars
written to one file, and ".xlsb" answered with "malformed XML".
"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from xlcrm import cli
from xlcrm.cli import app
from xlcrm.demo import make_demos

runner = CliRunner()


def _lines(result) -> list[str]:
    assert "Traceback" not in result.output, result.output
    return [ln for ln in result.output.splitlines() if ln.strip()]


@pytest.fixture(scope="module")
def demos(tmp_path_factory) -> tuple[Path, Path]:
    return tuple(make_demos(tmp_path_factory.mktemp("demos")))  # type: ignore[return-value]


@pytest.fixture
def en(demos, tmp_path) -> Path:
    return Path(shutil.copy(demos[1], tmp_path / demos[1].name))


def _bad_options(tmp_path: Path, *, make: bool = True) -> dict[str, list[str]]:
    afile, bad_toml, not_object = tmp_path / "a-file", tmp_path / "bad.toml", tmp_path / "list.json"
    if make:
        afile.write_text("x")
        bad_toml.write_text("tier_shares = [1, 2", encoding="utf-8")
        not_object.write_text("[1, 2]", encoding="utf-8")
    return {
        "asof": ["--asof", "20-11-2026"],
        "lang": ["--lang", "fr"],
        "backups": ["--backups", "-1"],
        "backups not a number": ["--backups", "three"],
        "output xlsm": ["--output", str(tmp_path / "o.xlsm")],
        "output folder missing": ["--output", str(tmp_path / "nope" / "o.xlsx")],
        "ics is a file": ["--ics", str(afile)],
        "config missing": ["--config", str(tmp_path / "none.toml")],
        "config bad toml": ["--config", str(bad_toml)],
        "config a folder": ["--config", str(tmp_path)],
        "config not an object": ["--config", str(not_object)],
        "unknown option": ["--colour", "red"],
    }


@pytest.mark.parametrize("case", list(_bad_options(Path("/x"), make=False)))
def test_every_bad_option_value_is_one_plain_line(en: Path, tmp_path: Path, case: str) -> None:
    args = _bad_options(tmp_path)[case]
    before = en.read_bytes()
    result = runner.invoke(app, ["refresh", str(en), *args])
    assert result.exit_code in (1, 2), (case, result.output)
    lines = _lines(result)
    assert len(lines) == 1, (case, result.output)
    assert "Usage:" not in lines[0] and "╭" not in lines[0]
    assert en.read_bytes() == before, case


def test_no_file_at_all_is_one_line(tmp_path: Path) -> None:
    result = runner.invoke(app, ["refresh"])
    assert result.exit_code == 2 and len(_lines(result)) == 1


def test_a_calendar_that_cannot_be_written_is_one_line_and_the_other_files_go_on(demos, tmp_path: Path) -> None:
    zh = Path(shutil.copy(demos[0], tmp_path / demos[0].name))
    en = Path(shutil.copy(demos[1], tmp_path / demos[1].name))
    cal = tmp_path / "cal"
    probe = runner.invoke(app, ["refresh", str(zh), "--output", str(tmp_path / "p.xlsx"), "--ics", str(cal), "-q"])
    assert probe.exit_code == 0, probe.output
    blocked = sorted(cal.glob("*.ics"))[0]
    shutil.rmtree(cal)
    blocked.mkdir(parents=True)  # a folder where a calendar file must go
    result = runner.invoke(app, ["refresh", str(zh), str(en), "--ics", str(cal), "-q"])
    assert result.exit_code == 1
    errors = [ln for ln in _lines(result) if blocked.name in ln]
    assert len(errors) == 1 and " — " in errors[0]
    assert any(p.name.startswith(en.stem) for p in cal.glob("*.ics"))  # the next workbook went on
    with zipfile.ZipFile(en) as z:
        assert any("xlcrm_customers" in z.read(n).decode("utf-8", "replace")
                   for n in z.namelist() if n.startswith("xl/tables/"))


def test_reps_whose_names_differ_only_in_dropped_characters_get_their_own_calendar(demos, tmp_path) -> None:
    from xlcrm.refresh import refresh

    report = refresh(demos[1], output=tmp_path / "o.xlsx")
    plan = report.computed.visits.copy()
    assert len(plan) >= 3
    reps = ["A/B", "AB", "ab"]
    plan["rep"] = [reps[i % 3] for i in range(len(plan))]
    report.computed.visits = plan
    cli._write_ics(report, tmp_path / "cal", quiet=True)
    files = sorted((tmp_path / "cal").glob("*.ics"))
    assert len({f.name.casefold() for f in files}) == 3  # unique even on a case-blind file system
    owners = set()
    for f in files:
        text = f.read_text(encoding="utf-8")
        owners |= {r for r in reps if f"{r}" in text.split("X-WR-CALNAME:", 1)[-1].split("\r\n", 1)[0]}
    assert owners == set(reps)


@pytest.mark.parametrize("kind", ["xlsb", "xls", "ods", "csv"])
def test_other_spreadsheet_formats_are_named_in_the_refusal(tmp_path: Path, kind: str) -> None:
    path = tmp_path / f"book.{kind}"
    if kind == "xlsb":
        with zipfile.ZipFile(path, "w") as z:
            z.writestr("[Content_Types].xml", '<Types xmlns="http://schemas.openxmlformats.org/package/'
                       '2006/content-types"/>')
            z.writestr("_rels/.rels", '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                       'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
                       'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.bin"/>'
                       '</Relationships>')
            z.writestr("xl/workbook.bin", b"\x83\x01\x00\x00")
    elif kind == "xls":
        path.write_bytes(_xls(tmp_path))
    elif kind == "ods":
        with zipfile.ZipFile(path, "w") as z:
            z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
            z.writestr("content.xml", "<office:document-content xmlns:office='urn:oasis:names:tc:"
                       "opendocument:xmlns:office:1.0'/>")
    else:
        pd.DataFrame({"订单日期": ["2024-01-05"], "客户名称": ["甲"], "金额": [100]}).to_csv(path, index=False)
    result = runner.invoke(app, ["refresh", str(path)])
    assert result.exit_code == 1
    lines = _lines(result)
    said = lines[0].replace(str(path), "")  # the format named in the message, not just in the file name
    assert len(lines) == 1 and f".{kind}" in said and ".xlsx" in said, lines
    assert "malformed XML" not in lines[0]


def _xls(tmp_path: Path) -> bytes:
    """An Excel 97-2003 workbook, as LibreOffice writes one."""
    import subprocess
    import tempfile

    from tests.libreoffice import soffice

    src = tmp_path / "src.csv"
    src.write_text("订单日期,客户名称,金额\n2024-01-05,甲,100\n", encoding="utf-8")
    with tempfile.TemporaryDirectory() as prof:
        subprocess.run([soffice(), f"-env:UserInstallation=file://{prof}", "--headless", "--convert-to", "xls",
                        "--outdir", str(tmp_path / "out"), str(src)], capture_output=True, timeout=120, check=True)
    return (tmp_path / "out" / "src.xls").read_bytes()


def test_a_folder_named_like_a_workbook_is_one_line_and_the_next_file_goes_on(en: Path, tmp_path: Path) -> None:
    folder = tmp_path / "folder.xlsx"
    folder.mkdir()
    result = runner.invoke(app, ["refresh", str(folder), str(en), "-q"])
    assert result.exit_code == 1
    assert len([ln for ln in _lines(result) if "folder.xlsx" in ln]) == 1
    with zipfile.ZipFile(en) as z:
        assert any(n.startswith("xl/tables/") for n in z.namelist())
