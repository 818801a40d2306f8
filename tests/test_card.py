"""The customer card (客户卡片): a drop-down and plain formulas, recalculated by LibreOffice for a
chosen customer, show that customer's rows of the result sheets (DESIGN.md section 6)."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from tests.libreoffice import read_back
from xlcrm.demo import make_demos
from xlcrm.refresh import refresh

# card label -> (sheet, header) whose value for the customer the card must show.
FROM_ROW = {
    "客户名称": ("客户分级", "客户名称"), "业务员": ("客户分级", "业务员"), "片区": ("客户分级", "片区"),
    "客户等级": ("客户分级", "客户等级"), "等级说明": ("客户分级", "等级说明"),
    "生命周期": ("客户分级", "生命周期"), "生命周期说明": ("客户分级", "生命周期说明"),
    "价值": ("客户分级", "价值"), "期内销售额": ("客户分级", "期内销售额"), "期内订单数": ("客户分级", "期内订单数"),
    "最近下单": ("客户分级", "最近下单"), "距最近下单天数": ("客户分级", "距最近下单天数"),
    "逾期应收金额": ("客户分级", "逾期应收金额"), "优劣信号": ("客户分级", "优劣信号"),
    "流失风险 (0-100)": ("流失预警", "流失风险"), "风险等级": ("流失预警", "风险等级"),
    "预计损失": ("流失预警", "预计损失"), "原因": ("流失预警", "原因"),
    "下次计划拜访": ("拜访计划", "日期"), "拜访业务员": ("拜访计划", "业务员"), "拜访目的": ("拜访计划", "拜访目的"),
    "上次联系": ("拜访计划", "上次联系"),
}


def _set_card_customer(path: Path, customer_id: str, out: Path) -> None:
    """A copy of ``path`` whose card shows ``customer_id`` (what picking it in the drop-down does)."""
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename.startswith("xl/worksheets/") and "客户卡片".encode() in data:
                data, n = re.subn(rb'(<c r="B3"[^>]*><is><t>)[^<]*(</t>)', rb"\g<1>" + customer_id.encode() + rb"\2",
                                  data)
                assert n == 1
            zout.writestr(info, data)


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    d = tmp_path_factory.mktemp("card")
    zh, _en = make_demos(d)
    out = d / "out.xlsx"
    report = refresh(zh, output=out, backups=0)
    return out, report


def test_the_card_has_a_drop_down_over_the_customer_ids_and_formulas_only(book) -> None:
    out, report = book
    with zipfile.ZipFile(out) as zf:
        sheet = next(zf.read(n) for n in zf.namelist() if n.startswith("xl/worksheets/sheet")
                     and "客户卡片".encode() in zf.read(n)).decode("utf-8")
    n = len(report.computed.customers)
    assert f"<formula1>'客户分级'!$A$2:$A${n + 1}</formula1>" in sheet and 'sqref="B3"' in sheet
    formulas = re.findall(r"<f>([^<]*)</f>", sheet)
    assert len(formulas) >= 20
    assert not [f for f in formulas if re.search(r"xlcrm|CRM_", f)]  # plain Excel functions, no UDFs
    assert 'fitToHeight="1"' in sheet and 'paperSize="9"' in sheet  # one A4 page


@pytest.mark.libreoffice
def test_libreoffice_recalculates_the_card_to_the_chosen_customers_rows(book, tmp_path: Path) -> None:
    out, report = book
    # A customer with something on every sheet: a churn row, a planned visit and complaints.
    tracked = report.computed.complaints
    planned = set(report.computed.visits["customer_id"])
    churned = set(report.computed.churn["customer_id"])
    counts = tracked["customer_id"].value_counts()
    chosen = next(c for c in counts.index if c in planned and c in churned and counts[c] >= 2)
    assert chosen != report.computed.customers["customer_id"].iloc[0]  # not the card's default
    copy = tmp_path / "chosen.xlsx"
    _set_card_customer(out, chosen, copy)
    sheets = read_back(copy, recalc=True)
    card = {r[0]: r[1] for r in sheets["客户卡片"] if len(r) > 1 and r[0]}
    assert card["客户编号"] == chosen

    def row_of(sheet: str) -> dict[str, str]:
        head, *rows = sheets[sheet]
        key = head.index("客户编号")
        return dict(zip(head, next(r for r in rows if r[key] == chosen)))

    for label, (sheet, header) in FROM_ROW.items():
        assert card[label] == row_of(sheet)[header], label
    mine = [r for r in sheets["投诉跟踪"][1:] if r[sheets["投诉跟踪"][0].index("客户编号")] == chosen]
    head = sheets["投诉跟踪"][0]
    assert card["投诉次数"] == str(len(mine))
    assert card["未结案投诉"] == str(sum(1 for r in mine if not r[head.index("结案日期")]))
    assert card["当前逾期投诉"] == str(sum(1 for r in mine if r[head.index("当前逾期")] == "是"))
    assert card["最近一次投诉"] == max(r[head.index("受理日期")] for r in mine)
