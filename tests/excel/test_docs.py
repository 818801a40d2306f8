"""docs/excel.md documents every UDF exactly as Excel's Insert Function dialog shows it."""

from xlcrm.excel import _docs


def test_udf_reference_in_docs_is_generated_from_the_current_docstrings():
    text = _docs.DOC.read_text(encoding="utf-8")
    assert _docs.block() in text, "docs/excel.md is stale: run python -m xlcrm.excel._docs"
