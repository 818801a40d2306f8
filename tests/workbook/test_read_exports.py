"""Order files offices really have (issue 11): each test builds a workbook with the header
texts and value formats of a real export family, reads it, and checks every customer's
revenue against a pandas computation that states the mapping by hand."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from xlcrm import errors
from xlcrm.workbook.read import read_workbook

from tests.workbook.books import simple_book


def _book(path: Path, sheets: dict[str, list[list]]) -> Path:
    return simple_book(path, sheets)


def _revenue(res) -> dict[str, float]:
    o = res.frames.orders
    return {k: round(v, 2) for k, v in o.groupby("customer_key")["amount"].sum().items()}


def _truth(rows: list[list], head: list[str], customer: str, amount: str, keep=lambda r: True) -> dict[str, float]:
    df = pd.DataFrame(rows, columns=head)
    df = df[[bool(keep(r)) for r in df.to_dict("records")]]
    return {str(k): round(float(v), 2) for k, v in df.groupby(customer)[amount].sum().items()}


def _report(res, sheet: str):
    return next(s for s in res.sheets if s.sheet == sheet)


# ---------------------------------------------------------------------------- marketplace (Taobao/Tmall)

TAOBAO_HEAD = ["订单编号", "买家会员名", "买家支付宝账号", "支付单号", "买家应付货款", "买家应付邮费", "买家支付积分",
               "总金额", "返点积分", "买家实际支付金额", "买家实际支付积分", "订单状态", "买家留言", "收货人姓名",
               "收货地址", "运送方式", "联系电话", "联系手机", "订单创建时间", "订单付款时间", "宝贝标题", "宝贝种类",
               "物流单号", "物流公司", "订单备注", "宝贝总数量", "店铺Id", "店铺名称", "订单关闭原因"]


def _taobao_rows() -> list[list]:
    statuses = ["交易成功", "交易成功", "卖家已发货，等待买家确认", "交易关闭", "等待买家付款", "交易成功"]
    buyers = ["tb_xiaoming", "漫步云端88", "tb_xiaoming", "lily_2019", "漫步云端88", "lily_2019"]
    rows = []
    for i in range(36):
        st, buyer = statuses[i % 6], buyers[i % 6]
        total = 100 + 13 * i
        paid = 0.0 if st in ("交易关闭", "等待买家付款") else total - (i % 3) * 5.0
        created = dt.datetime(2018, 1, 1, 9, 0) + dt.timedelta(days=i, minutes=37 * i)
        pay_time = "" if paid == 0 else (created + dt.timedelta(minutes=3)).strftime("%Y-%m-%d %H:%M:%S")
        rows.append([f"'{120398471230000 + i}", buyer, f"{buyer}@163.com", f"2018010122001{i:06d}", total, 0, 0,
                     total, 0, paid, 0, st, "", f"张{i % 4}", "浙江省 杭州市 西湖区 文三路 1 号", "快递", "",
                     f"'1380000{i:04d}", created.strftime("%Y-%m-%d %H:%M:%S"), pay_time, "纯棉T恤 男 夏季", 1,
                     "", "", "", 1 + i % 3, "54321", "某某旗舰店", "买家取消" if st == "交易关闭" else ""])
    return rows


def test_taobao_export_reads_the_amount_paid_by_buyer_and_leaves_closed_orders_out(tmp_path):
    rows = _taobao_rows()
    p = _book(tmp_path / "ExportOrderList201801.xlsx", {"ExportOrderList": [TAOBAO_HEAD] + rows})
    res = read_workbook(p)
    truth = _truth(rows, TAOBAO_HEAD, "买家会员名", "买家实际支付金额",
                   keep=lambda r: r["订单状态"] not in ("交易关闭", "等待买家付款"))
    assert _revenue(res) == truth
    rep = _report(res, "ExportOrderList")
    assert rep.mapping["订单创建时间"] == "order_date" and rep.mapping["买家实际支付金额"] == "amount"
    assert rep.mapping["买家会员名"] == "customer_name" and rep.mapping["订单状态"] == "order_status"
    assert rep.dropped["excluded_status"] == 12  # 6 交易关闭 + 6 等待买家付款
    assert any("买家实际支付金额" in c and "总金额" in c for c in rep.choices), rep.choices
    assert any("交易关闭" in n for n in rep.notes)


# ---------------------------------------------------------------------------- pharmacy sales list

PHARMACY_HEAD = ["购药时间", "社保卡号", "商品编码", "商品名称", "销售数量", "应收金额", "实收金额"]


def test_pharmacy_list_dates_with_weekdays_and_the_amount_received(tmp_path):
    # The layout of the public 朝阳医院2018年销售数据 file: 购药时间 "2018-01-01 星期五", 社保卡号 as numbers.
    wd = "一二三四五六日"
    rows = []
    for i in range(40):
        d = dt.date(2018, 1, 1) + dt.timedelta(days=i // 2)
        rows.append([f"{d:%Y-%m-%d} 星期{wd[d.weekday()]}", 1616528 + i % 7, 236701, "强力VC银翘片",
                     1 + i % 3, 27.6 * (1 + i % 3), round(27.6 * (1 + i % 3) * 0.9, 2)])
    p = _book(tmp_path / "朝阳医院2018年销售数据.xlsx", {"Sheet1": [PHARMACY_HEAD] + rows})
    res = read_workbook(p)
    assert _revenue(res) == _truth(rows, PHARMACY_HEAD, "社保卡号", "实收金额")
    o = res.frames.orders
    assert o["order_date"].min() == pd.Timestamp(2018, 1, 1) and o["order_date"].notna().all()
    rep = _report(res, "Sheet1")
    assert rep.mapping["实收金额"] == "amount" and rep.mapping["社保卡号"] == "customer_id"
    assert any("实收金额" in c and "应收金额" in c for c in rep.choices)


def test_a_date_column_that_does_not_parse_stops_the_run_naming_it(tmp_path):
    rows = [[f"第{i % 52 + 1}周 星期五", 1616528 + i % 7, 236701, "强力VC银翘片", 1, 27.6, 27.6] for i in range(30)]
    p = _book(tmp_path / "weeks.xlsx", {"Sheet1": [PHARMACY_HEAD] + rows})
    with pytest.raises(errors.UnreadableData) as e:
        read_workbook(p)
    msg = str(e.value)
    assert "\n" not in msg and "购药时间" in msg and "30 of 30 rows are not dates" in msg
    assert "第1周 星期五" in msg or "第" in msg


# ---------------------------------------------------------------------------- Western exports

SUPERSTORE_HEAD = ["Row ID", "Order ID", "Order Date", "Ship Date", "Ship Mode", "Customer ID", "Customer Name",
                   "Segment", "Country", "City", "State", "Postal Code", "Region", "Product ID", "Category",
                   "Sub-Category", "Product Name", "Sales", "Quantity", "Discount", "Profit"]


def test_superstore_sales_with_discount_and_profit(tmp_path):
    rows = []
    for i in range(30):
        d = dt.datetime(2016, 11, 8) + dt.timedelta(days=3 * i)
        rows.append([i + 1, f"CA-2016-{152156 + i // 2}", d, d + dt.timedelta(days=3), "Second Class",
                     ["CG-12520", "DV-13045", "SO-20335"][i % 3], ["Claire Gute", "Darrin Van Huff", "Sean O'Donnell"][i % 3],
                     "Consumer", "United States", "Henderson", "Kentucky", 42420, "South", "FUR-BO-10001798",
                     "Furniture", "Bookcases", "Bush Somerset Collection Bookcase", 261.96 + i, 2 + i % 3,
                     [0, 0.2, 0.45][i % 3], 41.9136 - i])
    p = _book(tmp_path / "Sample - Superstore.xlsx", {"Orders": [SUPERSTORE_HEAD] + rows})
    res = read_workbook(p)
    assert _revenue(res) == _truth(rows, SUPERSTORE_HEAD, "Customer ID", "Sales")
    rep = _report(res, "Orders")
    assert rep.mapping["Sales"] == "amount" and rep.mapping["Region"] == "region"
    assert "State" in rep.unmapped  # a US state is not an order status


KAGGLE_HEAD = ["ORDERNUMBER", "QUANTITYORDERED", "PRICEEACH", "ORDERLINENUMBER", "SALES", "ORDERDATE", "STATUS",
               "QTR_ID", "MONTH_ID", "YEAR_ID", "PRODUCTLINE", "MSRP", "PRODUCTCODE", "CUSTOMERNAME", "PHONE",
               "ADDRESSLINE1", "CITY", "COUNTRY", "TERRITORY", "CONTACTLASTNAME", "CONTACTFIRSTNAME", "DEALSIZE"]


def test_kaggle_sales_sample_month_first_dates_and_cancelled_lines(tmp_path):
    rows = []
    for i in range(40):
        d = dt.date(2003, 2, 24) + dt.timedelta(days=9 * i)
        status = ["Shipped", "Shipped", "Cancelled", "On Hold", "Shipped", "Disputed", "Resolved", "In Process"][i % 8]
        q, pe = 30 + i, 95.7 - i / 2
        rows.append([10107 + i // 3, q, pe, 1 + i % 3, round(q * pe, 2), f"{d.month}/{d.day}/{d.year} 0:00", status,
                     (d.month - 1) // 3 + 1, d.month, d.year, "Motorcycles", 95, "S10_1678",
                     ["Land of Toys Inc.", "Reims Collectables", "Lyon Souveniers"][i % 3], "2125557818",
                     "897 Long Airport Avenue", "NYC", "USA", "NA", "Yu", "Kwai", "Small"])
    p = _book(tmp_path / "sales_data_sample.xlsx", {"sales_data_sample": [KAGGLE_HEAD] + rows})
    res = read_workbook(p)
    assert _revenue(res) == _truth(rows, KAGGLE_HEAD, "CUSTOMERNAME", "SALES", keep=lambda r: r["STATUS"] != "Cancelled")
    o = res.frames.orders
    assert o["order_date"].min() == pd.Timestamp(2003, 2, 24)  # month-first, settled by 2/24/2003
    assert res.frames.issues == [] or all("STATUS" not in i.problem for i in res.frames.issues)
    rep = _report(res, "sales_data_sample")
    assert rep.dropped["excluded_status"] == 5 and rep.mapping["QUANTITYORDERED"] == "quantity"
    assert rep.mapping["PRICEEACH"] == "unit_price" and rep.mapping["TERRITORY"] == "region"


# ---------------------------------------------------------------------------- trading company: currencies

REGISTER_HEAD = ["合同号", "签约日期", "客户全称", "终端客户全称", "币种", "合同金额", "业务员姓名"]


def _register_rows() -> list[list]:
    cur = ["CNY", "USD", "EUR", "USD", "CNY", "人民币"]
    return [[f"HT2024-{i:03d}", f"2024.{1 + i % 12}.{1 + i % 27}", ["宁波海通贸易有限公司", "ACME Trading GmbH"][i % 2],
             ["终端甲", "终端乙"][i % 2], cur[i % 6], 1000.0 + 50 * i, ["王芳", "李强"][i % 2]] for i in range(24)]


def _settings_with(rows: list[list]) -> list[list]:
    return [["设置项", "值"]] + rows


def test_currencies_are_converted_with_the_rates_of_the_settings_sheet(tmp_path):
    rows = _register_rows()
    settings = _settings_with([["汇率", None], ["USD", 7.1], ["EUR", 7.8], [None, None], ["统计日期", "2024-12-31"]])
    p = _book(tmp_path / "外贸合同登记.xlsx", {"合同登记": [REGISTER_HEAD] + rows, "设置": settings})
    res = read_workbook(p)
    rate = {"CNY": 1, "人民币": 1, "USD": 7.1, "EUR": 7.8}
    df = pd.DataFrame(rows, columns=REGISTER_HEAD)
    df["cny"] = df["合同金额"] * df["币种"].map(rate)
    truth = {k: round(v, 2) for k, v in df.groupby("客户全称")["cny"].sum().items()}
    assert _revenue(res) == truth
    rep = _report(res, "合同登记")
    assert rep.mapping["客户全称"] == "customer_name"  # the direct customer, not the end customer
    assert any("终端客户全称" in c for c in rep.choices)
    assert rep.mapping["业务员姓名"] == "rep" and rep.mapping["签约日期"] == "order_date"


def test_a_currency_without_a_rate_is_left_out_with_one_issue_never_summed(tmp_path):
    rows = _register_rows()
    settings = _settings_with([["汇率", "USD = 7.1"]])
    p = _book(tmp_path / "外贸合同登记.xlsx", {"合同登记": [REGISTER_HEAD] + rows, "设置": settings})
    res = read_workbook(p)
    df = pd.DataFrame(rows, columns=REGISTER_HEAD)
    df = df[df["币种"] != "EUR"]
    df["cny"] = df["合同金额"] * df["币种"].map({"CNY": 1, "人民币": 1, "USD": 7.1})
    assert _revenue(res) == {k: round(v, 2) for k, v in df.groupby("客户全称")["cny"].sum().items()}
    eur = [i for i in res.frames.issues if "EUR" in i.problem]
    assert len(eur) == 1 and "4 lines" in eur[0].problem or "4 行" in eur[0].problem
    assert _report(res, "合同登记").dropped["no_rate"] == 4


def test_one_foreign_currency_throughout_is_the_base_currency(tmp_path):
    rows = [r[:4] + ["USD"] + r[5:] for r in _register_rows()]
    p = _book(tmp_path / "usd.xlsx", {"合同登记": [REGISTER_HEAD] + rows})
    res = read_workbook(p)
    assert res.currency == "USD"
    assert _revenue(res) == _truth(rows, REGISTER_HEAD, "客户全称", "合同金额")


# ---------------------------------------------------------------------------- ERP / distributor exports

ERP_HEAD = ["单据日期", "单据编号", "客户编码", "客户名称", "存货编码", "存货名称", "规格型号", "数量", "本币无税单价",
            "本币未税金额", "本币含税金额", "单据状态", "业务员"]


def test_erp_export_title_rows_tax_choice_void_unapproved_returns_and_footer(tmp_path):
    rows = []
    for i in range(30):
        qty = -2 if i % 10 == 9 else 5 + i % 4  # return lines: negative quantities
        net = round(qty * 88.5, 2)
        state = ["已审核", "已审核", "作废", "已审核", "未审核"][i % 5]
        rows.append([f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}", f"XSCK{i:05d}", f"C{i % 4:03d}",
                     ["上海宏达机电有限公司", "苏州精工五金厂", "杭州瑞丰商贸有限公司", "南京顺昌建材"][i % 4],
                     "A-01", "深沟球轴承", "6204-2RS", qty, 88.5, net, round(net * 1.13, 2), state, "赵磊"])
    grid = [["销售出库单列表"], ["查询条件：2024-01-01 至 2024-12-31    币种：人民币"], ERP_HEAD] + rows + [
        ["合计", None, None, None, None, None, None, sum(r[7] for r in rows), None, None, None, None, None],
        ["制表人：财务部", None, None, None, None, None, None, None, None, None, None, None, None]]
    p = _book(tmp_path / "销售出库单列表.xlsx", {"销售出库单列表": grid})
    res = read_workbook(p)
    truth = _truth(rows, ERP_HEAD, "客户编码", "本币含税金额", keep=lambda r: r["单据状态"] == "已审核")
    assert _revenue(res) == truth
    rep = _report(res, "销售出库单列表")
    assert rep.header_row == 3 and rep.mapping["本币含税金额"] == "amount"
    assert any("本币未税金额" in c for c in rep.choices)  # the runner-up is named
    assert rep.dropped["excluded_status"] == 12 and rep.dropped["totals"] >= 1


def test_a_sheet_that_is_a_copy_of_another_is_not_counted_twice(tmp_path):
    rows = _register_rows()
    p = _book(tmp_path / "copy.xlsx", {"合同登记": [REGISTER_HEAD] + rows, "合同登记 (2)": [REGISTER_HEAD] + rows,
                                       "设置": _settings_with([["汇率", "USD=7; EUR=8"]])})
    res = read_workbook(p)
    df = pd.DataFrame(rows, columns=REGISTER_HEAD)
    df["cny"] = df["合同金额"] * df["币种"].map({"CNY": 1, "人民币": 1, "USD": 7, "EUR": 8})
    assert _revenue(res) == {k: round(v, 2) for k, v in df.groupby("客户全称")["cny"].sum().items()}
    rep = _report(res, "合同登记 (2)")
    assert rep.dropped == {"duplicate_sheet": 24} and rep.rows == 0
    assert res.frames.issues[0].sheet == "合同登记 (2)"  # the loud one first


# ---------------------------------------------------------------------------- column mapping and refusals

def test_column_mapping_on_the_settings_sheet_reads_unknown_headers(tmp_path):
    head = ["Belegdatum", "Kunde", "Nettobetrag"]
    rows = [[f"2024-03-{1 + i:02d}", ["Müller GmbH", "Schmidt AG"][i % 2], 100.0 + i] for i in range(10)]
    settings = _settings_with([["字段映射", None], ["订单日期", "Belegdatum"], ["客户名称", "Kunde"],
                               ["金额", "Nettobetrag"]])
    p = _book(tmp_path / "de.xlsx", {"Belege": [head] + rows, "设置": settings})
    res = read_workbook(p)
    assert _revenue(res) == _truth(rows, head, "Kunde", "Nettobetrag")
    assert [i.problem for i in res.frames.issues if "sales rep" not in i.problem] == []


def test_column_mapping_from_a_config_file(tmp_path):
    from xlcrm.settings import Settings

    head = ["Belegdatum", "Kunde", "Nettobetrag"]
    rows = [[f"2024-03-{1 + i:02d}", ["Müller GmbH", "Schmidt AG"][i % 2], 100.0 + i] for i in range(10)]
    p = _book(tmp_path / "de.xlsx", {"Belege": [head] + rows})
    cfg = tmp_path / "xlcrm.toml"
    cfg.write_text('[xlcrm.column_mapping]\norder_date = "Belegdatum"\ncustomer_name = "Kunde"\n'
                   'amount = "Nettobetrag"\n', encoding="utf-8")
    base, issues = Settings.from_file(cfg)
    assert issues == []
    assert _revenue(read_workbook(p, settings=base)) == _truth(rows, head, "Kunde", "Nettobetrag")


def test_refusal_names_the_missing_field_what_was_found_the_nearest_header_and_the_fix(tmp_path):
    head = ["单据号", "客户名称", "金额", "订日期"]  # a typo: no alias, no family
    rows = [[f"D{i}", "甲", 10, "2024-01-05"] for i in range(5)]
    p = _book(tmp_path / "x.xlsx", {"销售": [head] + rows})
    with pytest.raises(errors.NoOrderTable) as e:
        read_workbook(p)
    msg = str(e.value)
    assert "\n" not in msg
    assert "订单日期/Order Date" in e.value.problem  # the missing field
    assert "客户名称/Customer" in e.value.problem and "金额/Amount" in e.value.problem  # what was found
    assert "订日期" in e.value.problem  # the nearest header
    assert "字段映射" in e.value.fix and "订单日期 = 订日期" in e.value.fix  # the fix, ready to type


def test_a_family_header_whose_cells_are_not_dates_is_not_taken_for_the_order_date(tmp_path):
    # 下单时间段 looks like an order time, but holds 上午/下午: the real date is 日期.
    head = ["订单时段", "日期", "客户", "金额"]
    rows = [[["上午", "下午"][i % 2], f"2024-01-{1 + i:02d}", "甲", 5] for i in range(10)]
    p = _book(tmp_path / "x.xlsx", {"销售": [head] + rows})
    res = read_workbook(p)
    assert _report(res, "销售").mapping["日期"] == "order_date"
    assert len(res.frames.orders) == 10


# ---------------------------------------------------------------------------- normalised export (Northwind)

def test_northwind_order_details_joined_to_orders_and_names_from_customers(tmp_path):
    orders_head = ["OrderID", "CustomerID", "EmployeeID", "OrderDate", "RequiredDate", "ShippedDate", "ShipVia",
                   "Freight", "ShipName", "ShipAddress", "ShipCity", "ShipRegion", "ShipPostalCode", "ShipCountry"]
    custs = [("VINET", "Vins et alcools Chevalier"), ("TOMSP", "Toms Spezialitäten"), ("HANAR", "Hanari Carnes")]
    orders, details = [], []
    for i in range(12):
        oid = 10248 + i
        cid, name = custs[i % 3]
        d = dt.datetime(1996, 7, 4) + dt.timedelta(days=2 * i)
        orders.append([oid, cid, 5, d, d + dt.timedelta(days=28), d + dt.timedelta(days=12), 3, 32.38 + i, name,
                       "59 rue de l'Abbaye", "Reims", None, "51100", "France"])
        for j in range(1 + i % 3):
            details.append([oid, 11 + j, 14.0 + j, 12 - j, [0, 0.05, 0.15][j]])
    details.append([99999, 11, 10.0, 1, 0])  # a line without an order header
    cust_rows = [[f"Columna{k}" for k in range(1, 12)],
                 ["CustomerID", "CompanyName", "ContactName", "ContactTitle", "Address", "City", "Region",
                  "PostalCode", "Country", "Phone", "Fax"]] + [
        [cid, name, "Paul Henriot", "Accounting Manager", "59 rue de l'Abbaye", "Reims", None, "51100", "France",
         "26.47.15.10", "26.47.15.11"] for cid, name in custs]
    p = _book(tmp_path / "Northwind.xlsx", {"Orders": [orders_head] + orders,
                                             "Orders Details": [["OrderID", "ProductID", "UnitPrice", "Quantity",
                                                                 "Discount"]] + details,
                                             "Customers": cust_rows})
    res = read_workbook(p)
    o = pd.DataFrame(orders, columns=orders_head)
    d = pd.DataFrame(details, columns=["OrderID", "ProductID", "UnitPrice", "Quantity", "Discount"])
    d["amt"] = (d["UnitPrice"] * d["Quantity"] * (1 - d["Discount"])).round(2)
    m = o.merge(d.groupby("OrderID")["amt"].sum().reset_index(), on="OrderID")
    assert _revenue(res) == {k: round(v, 2) for k, v in m.groupby("CustomerID")["amt"].sum().items()}
    assert res.frames.orders.groupby("customer_key").size().to_dict() == o.groupby("CustomerID").size().to_dict()
    lines = _report(res, "Orders Details")
    assert lines.role == "order_lines" and lines.dropped == {"no_order_header": 1}
    assert any("Orders Details" in n for n in _report(res, "Orders").notes)
    assert _report(res, "Customers").header_row == 2


# ---------------------------------------------------------------------------- reps

def _superstore_orders(n: int = 24) -> list[list]:
    head = ["Row ID", "Order ID", "Order Date", "Customer ID", "Customer Name", "Region", "Sales"]
    rows = [[i + 1, f"US-2020-{1000 + i}", dt.datetime(2020, 1, 1) + dt.timedelta(days=7 * i),
             f"C-{i % 6}", f"Customer {i % 6}", ["West", "East", "Central", "South"][i % 4], 100.0 + i]
            for i in range(n)]
    return [head] + rows


def test_a_region_to_person_sheet_assigns_reps_to_orders_without_one(tmp_path):
    from xlcrm.refresh import refresh

    people = [["Person", "Region"], ["Anna Andreadi", "West"], ["Chuck Magee", "East"],
              ["Kelly Williams", "Central"], ["Cassandra Brandow", "South"]]
    p = _book(tmp_path / "Superstore.xlsx", {"Orders": _superstore_orders(), "People": people})
    rep = refresh(p, output=tmp_path / "out.xlsx", asof=dt.date(2020, 6, 30))
    assert _report(rep.read, "People").role == "region_reps"
    o = rep.read.frames.orders
    by_region = dict(zip(o["region"], o["rep"]))
    assert by_region == {"West": "Anna Andreadi", "East": "Chuck Magee", "Central": "Kelly Williams",
                         "South": "Cassandra Brandow"}
    plan = rep.computed.visits
    assert len(plan) and set(plan["rep"]) <= {r[0] for r in people[1:]}
    assert not any("Sales Rep" in i.fix for i in rep.issues)


def test_without_any_rep_column_the_plan_is_made_for_unassigned_with_a_data_issue(tmp_path):
    from xlcrm.refresh import refresh

    p = _book(tmp_path / "Superstore.xlsx", {"Orders": _superstore_orders()})
    rep = refresh(p, output=tmp_path / "out.xlsx", asof=dt.date(2020, 6, 30))
    plan = rep.computed.visits
    assert len(plan) > 0 and set(plan["rep"]) == {"Unassigned"}  # was 0 visits in every real file
    assert any("no sales rep column" in i.problem and "Region | Person" in i.fix for i in rep.issues)


def test_a_customer_named_like_a_total_with_an_order_id_is_a_customer(tmp_path):
    # The CRM order report of the corpus has a test customer 小计 (ID 2000025) with a real order.
    head = ["订单ID", "客户ID", "客户姓名", "实收金额", "订单状态", "下单时间"]
    rows = [["1001", "2000025", "小李", "1500.00", "已签收", "2021-10-30 19:32:27"],
            ["1002", "2000025", "小计", "1000.00", "已发货", "2021-10-30 18:26:23"],
            ["1003", "2000026", "王五", "88.00", "已取消", "2021-10-31 09:00:00"],
            [None, None, "合计", "2588.00", None, None]]
    p = _book(tmp_path / "订单报表.xlsx", {"SheetJS": [head] + rows})
    res = read_workbook(p)
    assert _revenue(res) == {"2000025": 2500.0}
    assert _report(res, "SheetJS").dropped == {"totals": 1, "excluded_status": 1}


def test_dates_given_only_as_a_month_are_read_as_months_and_said_so(tmp_path):
    # A distributor's monthly shipment export: 月份 "2024-01" / "2024年2月" per customer.
    head = ["月份", "经销商名称", "发货金额"]
    rows = [[["2024-01", "2024年2月", "2024/3"][i % 3], ["成都康达医药", "重庆和平药房"][i % 2], 1000.0 + i]
            for i in range(12)]
    p = _book(tmp_path / "月度发货.xlsx", {"发货汇总": [head] + rows})
    res = read_workbook(p)
    o = res.frames.orders
    assert set(o["order_date"].dt.strftime("%Y-%m-%d")) == {"2024-01-01", "2024-02-01", "2024-03-01"}
    assert _revenue(res) == _truth(rows, head, "经销商名称", "发货金额")
    assert any("12" in n and "2024-01" in n for n in _report(res, "发货汇总").notes)


def test_a_delivery_note_form_is_refused_naming_the_layout(tmp_path):
    grid = [["宁波恒达物流有限公司送货单"], ["客户名称：上海宏达机电有限公司", None, None, "日期：2024年3月5日"],
            ["序号", "产品名称", "型号", "数量", "单价", "金额"],
            [1, "深沟球轴承", "6204", 10, 8.5, 85], [2, "圆锥滚子轴承", "30205", 4, 21, 84],
            ["合计", None, None, 14, None, 169], ["送货人：", None, "收货人签字："]]
    p = _book(tmp_path / "送货单.xlsx", {"Sheet1": grid})
    with pytest.raises(errors.NoOrderTable) as e:
        read_workbook(p)
    assert "\n" not in str(e.value)
    assert "document form (送货单" in e.value.problem and "订单日期/Order Date" in e.value.problem
    assert "one row per line" in e.value.fix


# ---------------------------------------------------------------------------- what the user sees

def test_the_cli_prints_rows_left_out_by_reason_choices_and_a_loud_warning(tmp_path):
    from typer.testing import CliRunner

    from xlcrm.cli import app

    rows = _taobao_rows()
    bad = [r[:18] + ["第3周"] + r[19:] for r in rows[:10]]  # 10 of 36 order dates unreadable: a loud warning
    p = _book(tmp_path / "ExportOrderList.xlsx", {"ExportOrderList": [TAOBAO_HEAD] + bad + rows[10:]})
    result = CliRunner().invoke(app, ["refresh", str(p), "--output", str(tmp_path / "o.xlsx"), "--asof",
                                      "2018-01-20"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "警告" in out and "订单创建时间" in out and "第3周" in out  # the warning names column and value
    assert "使用 " in out and "排除状态" in out and "日期无法识别 10" in out
    assert "选用 买家实际支付金额，未用 总金额" in out
    assert "统计日期 2018-01-20 之后的 " in out  # orders after the as-of date are counted as left out too
    ws = openpyxl.load_workbook(tmp_path / "o.xlsx")["数据问题"]
    assert "订单创建时间" in ws["C2"].value  # the loud problem is the first data issue


def test_a_usd_book_gets_dollar_labels(tmp_path):
    from xlcrm.refresh import run

    rows = [r[:4] + ["USD"] + r[5:] for r in _register_rows()]
    p = _book(tmp_path / "usd.xlsx", {"合同登记": [REGISTER_HEAD] + rows})
    ran = run(read_workbook(p), asof=dt.date(2024, 12, 31))
    assert ran.settings.currency == "$"
