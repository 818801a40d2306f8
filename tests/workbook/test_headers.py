"""Header normalisation and role/header-row detection on grids shaped like real order books."""

from __future__ import annotations

import pytest

from xlcrm import schema
from xlcrm.workbook.headers import fill_merged, find_header, match_field, normalise_header


@pytest.mark.parametrize("header", ["金额", "金额(元)", "金额（元）", "金额（万元）", "金额[RMB]", " 金 额 ",
                                    "金额*", "*金额", "金额：", "金额/元", "金额 元", "【金额】", "Amount",
                                    "AMOUNT (RMB)", "amount*", "Amount, ¥", "Ａｍｏｕｎｔ"])
def test_amount_header_variants_all_map_to_amount(header):
    assert match_field(header, "orders")[0] == "amount"


@pytest.mark.parametrize("header, field", [
    ("订单日期", "order_date"), ("Order Date", "order_date"), ("order_date", "order_date"),
    ("ORDER-DATE", "order_date"), ("客户编号", "customer_id"), ("Customer ID", "customer_id"),
    ("Customer No.", "customer_id"), ("业务员", "rep"), ("片区", "region"), ("发货日期", "ship_date"),
    ("应收日期", "due_date"), ("回款日期", "paid_date"), ("单价（元/件）", "unit_price"),
    ("Unit Price (USD)", "unit_price"), ("Qty*", "quantity"), ("Customer #", "customer_id"), ("Order #", "order_id"),
    ("订单\n日期", "order_date"), ("客户 名称", "customer_name"),
])
def test_issue_headers_map_to_their_fields(header, field):
    assert match_field(header, "orders")[0] == field


def test_delivery_headers_from_the_issue():
    assert match_field("签收", "deliveries")[0] == "signed"
    assert match_field("退货数量", "deliveries")[0] == "returned_qty"


def test_every_schema_alias_maps_back_to_a_field_that_lists_it():
    # Normalisation must not make two aliases of different fields collide silently.
    for role, fields in schema.ROLES.items():
        by_key = {f.key: f for f in fields}
        for f in fields:
            for alias in f.aliases:
                key, _ = match_field(alias, role)
                listed = {normalise_header(a) for a in by_key[key].aliases}
                assert normalise_header(alias) in listed, (role, f.key, alias, key)


def test_unrelated_headers_match_nothing():
    for h in ["序号", "No.", "", None, "2024年度销售明细表", "单位：元"]:
        assert match_field(h, "orders") is None


TITLE = ["2024年度销售明细表"] + [None] * 5
NOTE = ["制表：华东区  单位：元"] + [None] * 5
HEAD = ["订单日期", "客户编号", "客户名称", "金额(元)", "数量", "序号"]


def test_header_on_row_three_below_title_and_note():
    grid = [TITLE, NOTE, HEAD, ["2024/1/5", 1001, "甲", 10, 1, 1]]
    m = find_header(grid, merged=[(0, 0, 0, 5)], sheet="Sheet1")
    assert (m.role, m.row) == ("orders", 2)
    assert m.columns == {0: "order_date", 1: "customer_id", 2: "customer_name", 3: "amount", 4: "quantity"}
    assert m.headers[3] == "金额(元)"


def test_merged_value_applies_across_its_range():
    grid = [["a", None, None], [None, None, "b"]]
    assert fill_merged(grid, [(0, 0, 1, 1)]) == [["a", "a", None], ["a", "a", "b"]]


def test_two_row_header_with_group_title_over_sub_headers():
    # Row 0: 订单日期 merged down A1:A2, 客户 merged across B1:C1 over 编号 | 名称, 金额 merged down.
    grid = [["订单日期", "客户", None, "金额"], [None, "编号", "名称", None], ["2024-01-05", "1001", "甲", "5"]]
    merged = [(0, 0, 1, 0), (0, 1, 0, 2), (0, 3, 1, 3)]
    m = find_header(grid, merged, "订单")
    assert (m.role, m.row) == ("orders", 1)
    assert m.columns == {0: "order_date", 1: "customer_id", 2: "customer_name", 3: "amount"}
    assert m.headers[1] == "客户 编号"


@pytest.mark.parametrize("heads, role", [
    (["订单编号", "订单日期", "客户名称", "产品名称", "单价", "数量", "金额", "业务员", "片区"], "orders"),
    (["发货单号", "订单编号", "客户编号", "发货日期", "签收日期", "签收", "发货数量", "退货数量", "退货原因"], "deliveries"),
    (["客户编号", "客户名称", "地址", "联系人", "电话", "片区", "业务员", "纬度", "经度"], "customers"),
    (["投诉编号", "受理日期", "客户名称", "投诉类别", "投诉内容", "处理人", "结案日期"], "complaints"),
    (["拜访日期", "客户名称", "业务员", "拜访方式", "拜访目的", "拜访结果"], "visits"),
    (["设置项", "值"], "settings"),
    (["Order Date", "Customer ID", "Customer", "Amount (USD)", "Sales Rep"], "orders"),
    (["Ship Date", "Customer", "Shipped Qty", "Returned Qty", "Signed"], "deliveries"),
])
def test_role_is_picked_by_its_headers(heads, role):
    m = find_header([heads, [None] * len(heads)], sheet="Sheet1")
    assert m is not None and m.role == role


def test_sheet_that_looks_like_nothing_is_not_a_table():
    grid = [["产品", "库存"], ["螺丝", 5]]
    assert find_header(grid, sheet="库存") is None
