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
    if d is None or d == "" or d == []:
        return "（空）"
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
