"""The demo workbooks: deterministic, and LibreOffice opens them with the sheets the README names."""

import pytest

from tests.libreoffice import read_back
from xlcrm.demo import EN_FILE, ZH_FILE, make_demos


def test_demo_build_is_byte_for_byte_reproducible(tmp_path):
    a = make_demos(tmp_path / "a")
    b = make_demos(tmp_path / "b")
    assert [p.name for p in a] == [ZH_FILE, EN_FILE]
    for x, y in zip(a, b):
        assert x.read_bytes() == y.read_bytes()


def test_committed_demo_workbooks_are_what_the_script_makes(tmp_path):
    from pathlib import Path

    made = make_demos(tmp_path)
    for p in made:
        committed = Path(__file__).parent.parent / "workbooks" / p.name
        assert committed.read_bytes() == p.read_bytes(), f"rebuild with: python -m xlcrm.demo workbooks"


@pytest.mark.libreoffice
def test_libreoffice_reads_the_messy_ledger_as_written(tmp_path):
    zh, _en = make_demos(tmp_path)
    sheets = read_back(zh)
    assert {"2025年订单", "2026年订单", "发货记录", "客户档案", "投诉登记", "拜访记录", "设置", "月度图表"} <= set(sheets)
    orders = sheets["2026年订单"]
    assert orders[0][0] == "2026年度销售明细表"  # merged title row
    assert orders[2][:4] == ["订单编号", "订单日期", "客户编号", "客户名称"]  # header on row 3
    assert any(row[3] == "合计" for row in orders)  # a totals line, as real ledgers have
    assert any(row[8].endswith("元") for row in orders[3:])  # amounts typed as text
