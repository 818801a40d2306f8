"""The README documents every recognised header and every setting as the code has them."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_readme_generated_sections_match_the_code():
    proc = subprocess.run([sys.executable, str(ROOT / "tools" / "readme.py"), "--check"],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_readme_quick_start_has_the_two_commands():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "pip install . && xlcrm demo demo && xlcrm refresh demo/xlcrm-demo-zh.xlsx" in text
    assert 'pip install -e ".[test]" && python -m pytest' in text
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "python -m pytest" in ci and 'pip install -q --disable-pip-version-check -e ".[test]"' in ci
