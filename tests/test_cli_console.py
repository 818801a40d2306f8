"""What the console shows (issue 14): --help without type noise, the "how I read it" table in
80 columns without broken words, a Chinese run in Chinese, --output files with the user's umask."""

from __future__ import annotations

import os
import stat
import unicodedata
from pathlib import Path

import pytest
from typer.testing import CliRunner

from xlcrm import cli
from xlcrm.demo import make_demos


def _width(line: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)


@pytest.fixture(scope="module")
def demos(tmp_path_factory):
    return make_demos(tmp_path_factory.mktemp("console"))


def test_help_names_each_option_with_what_it_takes_and_no_type_noise() -> None:
    out = CliRunner().invoke(cli.app, ["refresh", "--help"], env={"COLUMNS": "80"}).output
    for shown in ("--asof YYYY-MM-DD", "--lang zh|en", "--output OUT.xlsx", "--config FILE", "--ics DIR",
                  "--backups N", "-q, --quiet"):
        assert shown in out, shown
    assert "<bool>" not in out and "<str>" not in out and "<path>" not in out
    assert max(_width(line) for line in out.splitlines()) <= 80


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_how_i_read_it_table_fits_80_columns_without_breaking_a_word(demos, tmp_path: Path, lang: str) -> None:
    book = demos[0] if lang == "zh" else demos[1]
    res = CliRunner().invoke(cli.app, ["refresh", str(book), "--output", str(tmp_path / "o.xlsx")],
                             env={"COLUMNS": "80"})
    assert res.exit_code == 0, res.output
    lines = res.output.splitlines()
    end = next(i for i, line in enumerate(lines) if line.startswith(("统计日期", "As of")))
    table = lines[1:end]
    assert max(_width(line) for line in table) <= 80
    words = {w for line in table for w in line.split()}
    for field in ("order_date", "customer_name", "customer_id", "first_response", "customer_confirm",
                  "followup_date"):
        assert field in words, field  # whole, not folded into "customer_na" + "me"
    if lang == "zh":  # roles in Chinese too
        assert any(line.split()[1:2] == ["订单"] for line in table if line.split())
        assert not any(" orders " in line for line in table)


def test_progress_stages_speak_the_runs_language(monkeypatch) -> None:
    assert cli._step_label("classify", "zh") == "客户分级"
    assert cli._step_label("classify", "en") == "classifying customers"
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    assert cli._step_label("write", None) == "写入"
    monkeypatch.setenv("LANG", "C.UTF-8")
    assert cli._step_label("write", None) == "写入 writing"


@pytest.mark.parametrize("mask, mode", [(0o022, 0o644), (0o027, 0o640)])
def test_output_gets_the_permissions_of_any_file_the_user_creates(demos, tmp_path: Path, mask: int,
                                                                   mode: int) -> None:
    from xlcrm.refresh import refresh

    old = os.umask(mask)
    try:
        out = tmp_path / "new.xlsx"
        refresh(demos[1], output=out, backups=0)
        plain = tmp_path / "plain.txt"
        plain.write_text("x")
    finally:
        os.umask(old)
    assert stat.S_IMODE(out.stat().st_mode) == mode == stat.S_IMODE(plain.stat().st_mode)
