"""The user guides cannot silently drift from the code.

Expected values come from the code's own registries (xlcrm/settings.py, xlcrm/i18n.py
SHEETS and the Column lists of the result sheets): whatever a user types into the 设置
sheet, or sees as a sheet or column name, must be explained in docs/guide-zh.md.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from xlcrm import churn, classify, complaints, dashboard, visits
from xlcrm.i18n import SHEETS
from xlcrm.refresh import ISSUE_COLUMNS
from xlcrm.settings import ALL

DOCS = Path(__file__).resolve().parent.parent / "docs"
ZH = (DOCS / "guide-zh.md").read_text(encoding="utf-8")
EN = (DOCS / "guide-en.md").read_text(encoding="utf-8")

RESULT_COLUMNS = {
    "客户分级": classify.CUSTOMER_COLUMNS,
    "流失预警": churn.CHURN_COLUMNS,
    "拜访计划": visits.VISIT_COLUMNS + visits.UNPLACED_COLUMNS,
    "投诉跟踪": complaints.COMPLAINT_COLUMNS,
    "客户看板": dashboard.METRIC_COLUMNS,
    "大客户名单": classify.KEY_ACCOUNT_COLUMNS,
    "挽回名单": churn.WINBACK_COLUMNS,
    "数据问题": ISSUE_COLUMNS,
    "分级历史": classify.HISTORY_COLUMNS,
}


@pytest.mark.parametrize("setting", ALL, ids=lambda s: s.key)
def test_every_setting_has_its_zh_label_and_key_in_the_chinese_guide(setting) -> None:  # type: ignore[no-untyped-def]
    assert setting.zh in ZH, f"设置项 {setting.zh} ({setting.key}) is not explained in docs/guide-zh.md"
    assert f"`{setting.key}`" in ZH, f"key {setting.key} is missing from the settings tables of guide-zh.md"


def _zh_default(setting) -> str:  # type: ignore[no-untyped-def]
    d = setting.default
    if d is None or d == "" or d == [] or d == {}:
        return "（空）"
    if isinstance(d, bool):
        return "是" if d else "否"
    if isinstance(d, list):
        from xlcrm.i18n import value

        return "、".join(value(x, "zh") for x in d)
    if setting.type == "pct":
        return f"{d * 100:g}%"
    return f"{d:g}" if isinstance(d, float) else str(d)


@pytest.mark.parametrize("setting", ALL, ids=lambda s: s.key)
def test_the_default_the_chinese_guide_states_is_the_codes_default(setting) -> None:  # type: ignore[no-untyped-def]
    row = re.search(rf"^\| {re.escape(setting.zh)} \| `{setting.key}` \| ([^|]*) \|", ZH, re.M)
    assert row, f"no settings-table row for {setting.zh} / {setting.key} in guide-zh.md"
    assert row.group(1).strip() == _zh_default(setting)


@pytest.mark.parametrize("role", sorted(SHEETS))
def test_every_result_sheet_name_appears_in_both_guides(role: str) -> None:
    zh, en = SHEETS[role]
    assert zh in ZH, f"sheet {zh} is not described in docs/guide-zh.md"
    assert en in EN, f"sheet {en} is not described in docs/guide-en.md"


@pytest.mark.parametrize("sheet", sorted(RESULT_COLUMNS))
def test_every_result_column_is_named_in_the_chinese_guide(sheet: str) -> None:
    missing = [c.zh for c in RESULT_COLUMNS[sheet] if c.zh not in ZH]
    assert not missing, f"columns of {sheet} not explained in guide-zh.md: {missing}"


def test_every_setting_has_its_en_label_in_the_english_guide() -> None:
    missing = [s.en for s in ALL if s.en not in EN]
    assert not missing, f"settings not in guide-en.md: {missing}"


def _refresh_options() -> list[str]:
    import typer.main

    from xlcrm.cli import app

    command = typer.main.get_command(app).commands["refresh"]  # type: ignore[attr-defined]
    return [o for p in command.params for o in getattr(p, "opts", []) if o.startswith("--")]


def test_every_refresh_option_of_the_cli_is_explained_in_both_guides() -> None:
    options = _refresh_options()
    assert "--asof" in options  # the introspection found the real command
    missing = [(o, name) for o in options for name, text in (("zh", ZH), ("en", EN)) if f"`{o}" not in text]
    assert not missing, f"refresh options not in the guides: {missing}"


def test_the_exit_codes_the_guides_document_are_what_the_cli_returns(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from xlcrm.cli import app

    runner = CliRunner()
    usage = runner.invoke(app, ["refresh", str(tmp_path / "a.xlsx"), "--asof", "2026-13-01"])
    missing = runner.invoke(app, ["refresh", str(tmp_path / "missing.xlsx")])
    assert (usage.exit_code, missing.exit_code) == (2, 1)
    assert re.search(r"^\| 1 \| .*文件不存在", ZH, re.M) and re.search(r"^\| 2 \| .*2026-13-01", ZH, re.M)
    assert "`1` a file could not be used" in EN and "`2` usage error (e.g. `--asof 2026-13-01`)" in EN
