"""docs/safety.md (and its Chinese twin) exist, are linked, and name backups as the code does."""

from __future__ import annotations

import re
from pathlib import Path

from xlcrm.workbook.write import _backup_pattern

ROOT = Path(__file__).resolve().parents[2]
EN = (ROOT / "docs" / "safety.md").read_text(encoding="utf-8")
ZH = (ROOT / "docs" / "safety-zh.md").read_text(encoding="utf-8")


def test_safety_docs_are_linked_from_the_readme_and_both_guides() -> None:
    assert "docs/safety.md" in (ROOT / "README.md").read_text(encoding="utf-8")
    assert "(safety.md)" in (ROOT / "docs" / "guide-en.md").read_text(encoding="utf-8")
    assert "(safety-zh.md)" in (ROOT / "docs" / "guide-zh.md").read_text(encoding="utf-8")
    assert "(safety-zh.md)" in EN and "(safety.md)" in ZH


def test_the_backup_names_the_docs_show_are_the_names_the_code_gives_and_reads() -> None:
    pattern = _backup_pattern(Path("订单台账.xlsx"))
    for doc in (EN, ZH):
        names = set(re.findall(r"订单台账\.[0-9TZ.\-]+\.xlsx", doc))
        assert len(names) >= 2  # a numbered one and one of the old naming
        assert all(pattern.match(n) for n in names), names


def test_both_languages_cover_the_same_sections() -> None:
    assert len(re.findall(r"^## ", EN, re.M)) == len(re.findall(r"^## ", ZH, re.M)) == 4
    for word in (".xlsb", ".xls", ".ods", ".csv", "--backups", "xlcrm-backups/", "_xlcrm_customers"):
        assert word in EN and word in ZH, word
