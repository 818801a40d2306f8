"""Look-alikes of the corpus files that may not be committed (no licence, or over 1 MB).

Each builder writes a small workbook with the real file's layout — its sheet names, header
row and header text exactly as typed (trailing spaces included), value types and formats
(text dates with a weekday, text amounts, month-first text dates, masked card numbers),
status and currency values, copied sheets, subtotal rows, trailing undated rows — filled
with made-up rows. The manifest entry of the real file states the mapping, so the same
reading by hand (``manifest.expected``) applies to the replica. Seeded: same file every run.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from pathlib import Path

import openpyxl

WEEKDAYS = "一二三四五六日"


def _save(path: Path, sheets: dict[str, list[list]]) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(r)
    wb.save(path)
    return path


def _days(rng: random.Random, start: dt.date, n: int, span: int = 300) -> list[dt.date]:
    return sorted(start + dt.timedelta(days=rng.randrange(span)) for _ in range(n))


def pharmacy(path: Path) -> Path:
    """朝阳医院2018年销售数据: text dates '2018-01-01 星期五' (weekday often wrong), masked cards,
    应收 vs 实收 (paid after discount), returns as negative rows, two blank rows."""
    rng = random.Random(1)
    cards = [f"*******{rng.randrange(100, 99999)}28" for _ in range(12)]
    drugs = [(236701, "强力VC银翘片", 13.8), (236701, "清热解毒口服液", 28.0), (861405, "感康", 8.4),
             (2367011, "苯磺酸氨氯地平片(安内真)", 34.5), (861464, "开博通", 28.0)]
    rows = [["购药时间", "社保卡号", "商品编码", "商品名称", "销售数量", "应收金额", "实收金额"]]
    for d in _days(rng, dt.date(2018, 1, 1), 60, 200):
        code, name, price = rng.choice(drugs)
        qty = rng.choice([1, 1, 2, 3, 6])
        due = round(price * qty, 2)
        paid = round(due * rng.choice([1, 0.88, 0.9]), 2)
        wd = WEEKDAYS[rng.randrange(7)]  # as in the real file: the weekday does not follow the date
        if rng.random() < 0.08:
            qty, due, paid = -qty, -due, -paid  # a return
        rows.append([f"{d:%Y-%m-%d} 星期{wd}", rng.choice(cards), code, name, qty, due, paid])
    rows.insert(30, [None, None, 236701, "感康", 1, 8.4, 8.4])  # real file: rows without date and card
    rows.append([None, None, None, None, None, None, None])
    return _save(path, {"Sheet1": rows})


def taobao(path: Path) -> Path:
    """淘宝 seller export (mrtb_data): 21 headers (two with a trailing space), datetimes, 订单状态,
    "'null" cells, and trailing member rows with no dates at all."""
    rng = random.Random(2)
    head = ["买家会员名", "买家实际支付金额", "宝贝总数量", "宝贝标题", "类别", "宝贝种类 ", "总金额", "收货人姓名",
            "性别", "收货地址", "物流公司", "物流单号", "确认收货时间", "联系手机", "联系电话 ", "订单付款时间",
            "订单关闭原因", "订单创建时间", "订单备注", "订单状态", "运送方式"]
    states = ["交易成功"] * 6 + ["卖家已发货，等待买家确认", "交易关闭", "买家已付款，等待卖家发货"]
    rows = [head]
    for i in range(50):
        created = dt.datetime(2018, 1, 1, 9) + dt.timedelta(days=rng.randrange(360), minutes=rng.randrange(600))
        paid = created + dt.timedelta(minutes=rng.randrange(1, 30))
        total = rng.choice([99.0, 299.0, 48.86, 55.86, 1100.0, 34.86])
        state = rng.choice(states)
        closed = "退款" if state == "交易关闭" else "订单未关闭"
        rows.append([f"mr{rng.randrange(100, 130):06d}", 0.0 if state == "交易关闭" else total, 1, "Python从入门到项目实践",
                     "图书", 1, total, "***", "男", "**********", "快递", f"No:{21000 + i}",
                     paid + dt.timedelta(days=7) if state == "交易成功" else None, "****", "'null", paid,
                     closed, created, "'null", state, "快递"])
    for i in range(8):  # the real file's last 141 rows: members with an amount and no dates
        rows.append([f"mr{200 + i:06d}", 99.0, None, "明日学院V1会员", "V1会员", None, 99.0, None, "男"])
    return _save(path, {"sheet1": rows})


def crm_report(path: Path) -> Path:
    """CRM order report exported by SheetJS: amounts and datetimes as TEXT, 订单状态 list,
    rep as 'login/姓名(团队)', a customer named 小计."""
    rng = random.Random(3)
    head = ["订单ID", "客户ID", "客户姓名", "销售", "实收金额", "订金金额", "代收金额", "订单类别", "订单状态", "快递公司",
            "快递单号", "下单时间", "签收时间", "团队", "发货时间", "售后状态", "备注"]
    reps = ["xiaogu3/二线成员(BF二线一组)", "郑永杰/小微(ZM十一组)", "lisi/李四(ZM一组)"]
    states = ["未提交", "未提交", "待审核", "已审核", "已签收", "已驳回", "已取消", "已发货"]
    # The real file's test customers include one literally named 小计 (its orders are orders).
    custs = [(2000338 + k, n) for k, n in enumerate(["李佳妮", "李嘉宁", "王芳", "客户导入测试", "赵磊", "小计"])]
    rows = [head]
    for i in range(45):
        cid, name = rng.choice(custs)
        amt = rng.choice([188, 100, 2888, 900, 0, 11, 1000])
        t = dt.datetime(2022, 4, 7, 10) + dt.timedelta(days=rng.randrange(350), seconds=rng.randrange(30000))
        rep = rng.choice(reps)
        rows.append([2000527 - i, cid, name, rep, f"{amt:.2f}", "0.00", f"{amt:.2f}", f"{rng.randrange(1, 9)}次下单",
                     rng.choice(states), "JD", None, t.strftime("%Y-%m-%d %H:%M:%S"), None, rep.split("(")[-1][:-1],
                     None, None, None])
    return _save(path, {"SheetJS": rows})


def trading_register(path: Path) -> Path:
    """Trading company's order register: 状态 已出货/待出货, EUR/USD/CNY in a 货币 column,
    one order ID over several lines, formatted empty rows below the data."""
    rng = random.Random(4)
    head = ["状态", "订单日期", "客户", "订单号", "交货日期", "交易条款", "付款方式", "运输方式", "产品名称", "规格", "图号",
            "电镀", "LOGO", "单位", "单价", "数量", "金额", "货币", "备注"]
    custs = [("KBA-MetalPrint GmbH", "EUR"), ("Perm Machine & Tool", "USD"), ("Hebenstreit Metal Decorating GmbH", "EUR"),
             ("Printworks Asia Services", "USD"), ("江苏某制罐有限公司", "CNY")]
    rows = [head]
    for k in range(25):
        cust, cur = rng.choice(custs)
        day = dt.datetime(2019, 6, 18) + dt.timedelta(days=rng.randrange(1500))
        for _ in range(rng.choice([1, 1, 2, 3])):
            price, qty = rng.choice([17.4, 16.2, 3.0, 12.5]), rng.choice([100, 3500, 2720, 500])
            rows.append([rng.choice(["已出货"] * 9 + ["待出货"]), day, cust, f"{16231 + k}", day + dt.timedelta(days=60),
                         "FOB", "100%", "海运", "管子-电镀", "1085*906", "LTG-G-1085", "是", "PERM", "只", price, qty,
                         round(price * qty, 2), cur, None])
    path = _save(path, {"订单登记表": rows})
    wb = openpyxl.load_workbook(path)
    ws = wb["订单登记表"]
    for r in range(ws.max_row + 1, ws.max_row + 40):  # formatted, empty
        ws.cell(r, 17).number_format = "#,##0.00"
    wb.save(path)
    return path


def receipts(path: Path) -> Path:
    """收汇出运与结算数据: receipts per order, TEXT dates, EUR/USD, empty 状态 and formula-less 比例."""
    rng = random.Random(5)
    rows = [["状态", "客户", "订单号", "收汇日期", "收汇金额", "手续费", "货币", "汇率", "比例", "备注"]]
    for _ in range(14):
        cust, cur = rng.choice([("Koeing & Bauer MetalPrint GmbH", "EUR"), ("Inghor", "EUR"), ("K.S. Tin Printer Co. Ltd", "USD")])
        d = dt.date(2025, 8, 7) + dt.timedelta(days=rng.randrange(140))
        rows.append([None, cust, str(2504546 + rng.randrange(6)), d.isoformat(), round(rng.uniform(3000, 40000), 1),
                     None, cur, None, "", ""])
    return _save(path, {"收汇出运与结算数据": rows})


def course_sales(path: Path) -> Path:
    rng = random.Random(6)
    rows = [["会员名", "实际支付金额", "课程名称", "学员姓名", "联系手机", "订单付款时间"]]
    members = ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(7)) for _ in range(15)]
    for _ in range(60):
        rows.append([rng.choice(members), rng.choice([15480, 9980, 4980, 1]), "Java高级互联网架构师", "颜先生", "1" + "*" * 10,
                     dt.datetime(2020, 1, 2, 9) + dt.timedelta(days=rng.randrange(300), minutes=rng.randrange(800))])
    return _save(path, {"Sheet1": rows})


def bicycle_ledger(path: Path) -> Path:
    """ERP sales ledger: two customer ids (numeric 客户ID and coded 客户编号), rep only as 销售代表ID."""
    rng = random.Random(7)
    rows = [["订单编号", "客户ID", "客户名称", "客户编号", "客户省份", "销售代表ID", "下单日期", "预计送货日期", "实际送货日期",
             "产品ID", "产品名称", "数量", "单价", "金额"]]
    custs = [(29955, "广东", "10-4020-000018"), (29611, "福建", "10-4020-000271"), (29548, "江苏", "10-4020-000318")]
    for k in range(30):
        cid, prov, code = rng.choice(custs)
        d = dt.datetime(2015, 1, 1) + dt.timedelta(days=rng.randrange(700))
        for _ in range(rng.choice([1, 2])):
            qty, price = rng.randrange(1, 12), rng.choice([2039.994, 722.5949, 874.794, 419.4589])
            rows.append([f"SO{45266 + k}", cid, f"{prov}{cid}自行车销售有限公司", code, prov, rng.choice([211, 212, 201]), d,
                         d + dt.timedelta(days=12), d + dt.timedelta(days=rng.randrange(1, 9)), 743, "山地自行车", qty, price,
                         qty * price])
    return _save(path, {"销售记录": rows})


def chem_book(path: Path) -> Path:
    """产购销表: a purchases sheet (TEXT dates, 供货单位), the sales sheet with monthly subtotal rows
    ('…月合计' in 商品名称, no date, no customer), and a production sheet."""
    rng = random.Random(8)
    buy = [["日期", "商品名称", "类型", "规格型号", "供货单位", "单据类型", "单据编号", "单位", "数量", "单价", "金额", "采购费用",
            "加采购费用后单价"]]
    for k in range(6):
        qty, price = round(rng.uniform(10, 32), 2), rng.choice([1450, 6900, 1400])
        buy.append([f"2017-3-{20 + k}", "甲醛", "脂肪族原料", None, "滁州市龙飞化工有限公司", "入库单", f"00482{70 + k}", "吨",
                    qty, price, qty * price, 50 * qty, price + 50])
    sell = [["日期", "商品名称", "规格型号", "客户名称", "单据类型", "单据编号", "单位", "数量", "单价", "金额"]]
    custs = ["全椒玉双建材加工厂", "定远县盛强建材混凝土有限公司", "来安县世豪建材化工有限公司"]
    n = 3841
    for month in (3, 4, 5):
        tq = ta = 0.0
        for _ in range(rng.randrange(2, 5)):
            qty, price = round(rng.uniform(10, 35), 2), rng.choice([1500, 1430, 1200])
            sell.append([dt.datetime(2017, month, rng.randrange(1, 28)), "脂肪族减水剂", None, rng.choice(custs),
                         rng.choice(["销售单", "龙凤销售单"]), f"000{n}", "吨", qty, price, qty * price])
            n += 1
            tq += qty
            ta += qty * price
        sell.append([None, "脂肪族月合计", None, None, None, None, None, tq, None, ta])
    prod = [["生产日期", "单据类型", "单据编号", "甲醛", "丙酮"], [dt.datetime(2017, 3, 21), "成品入库单", "0000076", 4.248, 1.337]]
    return _save(path, {"采购表": buy, "成品销售表": sell, "生产表": prod})


def export_register(path: Path) -> Path:
    """Export order register: 订单状态 is a payment state (已收清/部分收款/未收款), not a cancellation."""
    rng = random.Random(9)
    rows = [["订单号", "业务员", "客户名称", "总金额", "已收金额", "未收金额", "发出状态", "订单状态", "订单日期", "出货日期", "产品名称"]]
    for k in range(30):
        total = round(rng.uniform(20000, 300000), 2)
        got = rng.choice([total, 0.0, round(total * 0.3, 2)])
        state = "已收清" if got == total else "未收款" if got == 0 else "部分收款"
        d = dt.datetime(2026, 1, 5) + dt.timedelta(days=rng.randrange(150))
        rows.append([f"CL{d:%Y%m%d}-{k}", rng.choice(["CAROL", "VITA", "Ting"]), rng.choice(["NOYON", "Sanilux", "DRAMINA LLC", "Alino"]),
                     total, got, round(total - got, 2), rng.choice(["已发出", "未发出", None]), state, d, None, None])
    return _save(path, {"Sheet1": rows, "Sheet2": [[None]], "Sheet3": []})


def _kaggle_rows(rng: random.Random, date_cell: Callable[[dt.date], object]) -> list[list]:
    head = ["ORDERNUMBER", "QUANTITYORDERED", "PRICEEACH", "ORDERLINENUMBER", "SALES", "ORDERDATE", "STATUS", "QTR_ID",
            "MONTH_ID", "YEAR_ID", "PRODUCTLINE", "MSRP", "PRODUCTCODE", "CUSTOMERNAME", "PHONE", "ADDRESSLINE1",
            "ADDRESSLINE2", "CITY", "STATE", "POSTALCODE", "COUNTRY", "TERRITORY", "CONTACTLASTNAME", "CONTACTFIRSTNAME",
            "DEALSIZE"]
    custs = ["Land of Toys Inc.", "Reims Collectables", "AV Stores, Co.", "Euro Shopping Channel", "Mini Gifts Distributors Ltd."]
    rows = [head]
    for k in range(30):
        d = dt.date(2003, 1, 6) + dt.timedelta(days=rng.randrange(800))
        cust = rng.choice(custs)
        status = rng.choice(["Shipped"] * 8 + ["Cancelled", "On Hold", "Disputed"])
        for line in range(1, rng.randrange(2, 5)):
            qty, price = rng.randrange(20, 50), round(rng.uniform(30, 100), 2)
            rows.append([10107 + k, qty, price, line, round(qty * price, 2), date_cell(d), status, (d.month - 1) // 3 + 1,
                         d.month, d.year, "Motorcycles", 95, "S10_1678", cust, "2125557818", "897 Long Airport Avenue", None,
                         "NYC", "NY", "10022", "USA", "NA", "Yu", "Kwai", "Small"])
    return rows


def kaggle_copy_sheet(path: Path) -> Path:
    """sales_data_sample with a second sheet TempDataSheet holding the same rows (a copy)."""
    rows = _kaggle_rows(random.Random(10), lambda d: dt.datetime(d.year, d.month, d.day))
    return _save(path, {"sales_data_sample": rows, "TempDataSheet": [list(r) for r in rows],
                        "Pivot Sales by CustomerName": [[None]], "Dasnboard": [["Territory", None, "Start Date", "End Date"], ["All"]]})


def kaggle_text_dates(path: Path) -> Path:
    """ORDERDATE as TEXT month-first '2/24/2003 0:00' in every row."""
    return _save(path, {"sales_data_sample": _kaggle_rows(random.Random(11), lambda d: f"{d.month}/{d.day}/{d.year} 0:00")})


def kaggle_mixed_dates(path: Path) -> Path:
    """Opened in a day-first Excel: where the day is 12 or less the text became a real date with day
    and month swapped; the rest stayed TEXT month-first."""
    def cell(d: dt.date):
        if d.day <= 12:
            return dt.datetime(d.year, d.day, d.month)
        return f"{d.month}/{d.day}/{d.year} 0:00"
    return _save(path, {"sales_data_sample": _kaggle_rows(random.Random(12), cell)})


def superstore(path: Path, newer: bool = False) -> Path:
    """Tableau Superstore: Orders + Returns (Returned | Order ID) + People (Person | Region).
    ``newer``: the later edition — 'Country/Region', and Order ID blank on most rows."""
    rng = random.Random(13)
    head = ["Row ID", "Order ID", "Order Date", "Ship Date", "Ship Mode", "Customer ID", "Customer Name", "Segment",
            "Country/Region" if newer else "Country", "City", "State", "Postal Code", "Region", "Product ID", "Category", "Sub-Category",
            "Product Name", "Sales", "Quantity", "Discount", "Profit"]
    custs = [("CG-12520", "Claire Gute"), ("DV-13045", "Darrin Van Huff"), ("SO-20335", "Sean O'Donnell"), ("AA-10645", "Anna Andreadi")]
    rows, rid = [head], 1
    for k in range(25):
        cid, name = rng.choice(custs)
        d = dt.datetime(2016, 1, 3) + dt.timedelta(days=rng.randrange(1400))
        for _ in range(rng.randrange(1, 4)):
            sales = round(rng.uniform(2, 900), 4)
            oid = None if newer and rng.random() < 0.9 else f"CA-{d.year}-{152156 + k}"
            rows.append([rid, oid, d, d + dt.timedelta(days=3), "Second Class", cid, name, "Consumer",
                         "United States", "Henderson", "Kentucky", 42420, rng.choice(["South", "West", "East"]),
                         "FUR-BO-10001798", "Furniture", "Bookcases", "Bush Somerset Collection Bookcase", sales, 2, 0.2,
                         round(sales * 0.1, 4)])
            rid += 1
    returns = [["Returned", "Order ID"], ["Yes", f"CA-{rows[1][2].year}-152156"]]
    people = [["Person", "Region"], ["Anna Andreadi", "West"], ["Chuck Magee", "East"], ["Kelly Williams", "Central"],
              ["Cassandra Brandow", "South"]]
    return _save(path, {"Orders": rows, "Returns": returns, "People": people})


def valve_orders(path: Path) -> Path:
    """订单数据: TEXT ISO dates, English status words (completed / processing / pending)."""
    rng = random.Random(14)
    rows = [["日期", "订单号", "客户名称", "金额", "状态"]]
    for k in range(40):
        d = dt.date(2025, 11, 1) + dt.timedelta(days=k // 3)
        rows.append([d.isoformat(), f"SO{d:%Y%m%d}{k:03d}", rng.choice(["上海华东石化", "江苏长江电力", "浙江能源集团"]),
                     rng.randrange(20, 90) * 100, rng.choice(["completed", "processing", "pending"])])
    return _save(path, {"订单数据": rows})


def superstore_canada(path: Path) -> Path:
    """Canadian Superstore: numeric Order ID, Customer Name only, Returns (Order ID | Status),
    Users (Region | Manager)."""
    rng = random.Random(15)
    head = ["Row ID", "Order ID", "Order Date", "Order Priority", "Order Quantity", "Sales", "Discount", "Ship Mode",
            "Profit", "Unit Price", "Shipping Cost", "Customer Name", "Province", "Region", "Customer Segment",
            "Product Category", "Product Sub-Category", "Product Name", "Product Container", "Product Base Margin",
            "Ship Date"]
    rows, rid = [head], 1
    for k in range(25):
        d = dt.datetime(2009, 1, 1) + dt.timedelta(days=rng.randrange(1400))
        name = rng.choice(["Muhammed MacIntyre", "Barry French", "Carl Jackson", "Monica Federle"])
        for _ in range(rng.randrange(1, 3)):
            rows.append([rid, 3 + k * 7, d, rng.choice(["Low", "High", "Not Specified"]), rng.randrange(1, 50),
                         round(rng.uniform(5, 9000), 2), 0.04, "Regular Air", round(rng.uniform(-200, 500), 4), 38.94, 35,
                         name, "Nunavut", "Nunavut", "Small Business", "Office Supplies", "Appliances", "Eldon Base", "Large Box",
                         0.8, d + dt.timedelta(days=2)])
            rid += 1
    return _save(path, {"Orders": rows, "Returns": [["Order ID", "Status"], [3, "Returned"]],
                        "Users": [["Region", "Manager"], ["Central", "Chris"], ["East", "Erin"]]})


def online_retail(path: Path) -> Path:
    """Online-Retail layout: no amount column (Quantity x UnitPrice), numeric CustomerID."""
    rng = random.Random(16)
    rows = [["InvoiceNo", "StockCode", "Description", "Quantity", "InvoiceDate", "UnitPrice", "CustomerID", "Country"]]
    for k in range(40):
        d = dt.datetime(2022, 1, 1) + dt.timedelta(days=rng.randrange(300))
        for _ in range(rng.randrange(1, 3)):
            rows.append([f"INV-{rng.randrange(10000):06d}", f"SKU-{rng.randrange(100):04d}", "Product 34",
                         rng.randrange(1, 20), d, round(rng.uniform(1, 99), 2), rng.choice([652, 835, 944, 17850]),
                         rng.choice(["USA", "United Kingdom"])])
    return _save(path, {"Sheet1": rows})


# Layouts xlcrm must refuse (no customer, date or amount column in the real file): the real
# headers, sheets and oddities, a few made-up rows.
def _table(sheets: dict[str, list[list]]) -> Callable[[Path], Path]:
    return lambda path: _save(path, sheets)


REFUSALS: dict[str, Callable[[Path], Path]] = {
    "zh-order-lines-no-customer.xlsx": _table({"Sheet2": [["订单号", "商品名称"], ["2019052515091914039", "154-康师傅绿茶1L*12瓶"],
                                                          ["2019052515091914039", "4002-康师傅冰红茶500ml*15瓶"],
                                                          ["2019052515120012345", "12066-禛香肥牛 80g*1包"]]}),
    "zh-purchase-order-no-customer.xlsx": _table({"20181021185431": [
        ["旧编号", "条码", "名称", "规格", "单位", "包装数", "进货价", "账面数_件", "订货"],
        ["460047", "6911316600478", "460047阿尔卑斯混合棒糖", "12支*40", "袋", 40, 3.7765, 19.53, 70, 10574.2],
        ["460071", "6911316600713", "460071阿尔卑斯特浓棒糖混合口味", "8支*48", "袋", 48, 3.944, 49.4, None, 0]]}),
    "zh-product-sales-no-customer.xlsx": _table({"Sheet1": [["商品名称", "销量", "单价", "销售额"], ["苹果", 120, 5, 600],
                                                            ["香蕉", 95, 3.5, 332.5]]}),
    "zh-rep-sales-no-date.xlsx": _table({"Sheet1": [["姓名", "地区", "销售额", "部门"], ["琛潍", "阿富汗", 272, "华中"],
                                                    ["侠梁", "奥兰群岛(芬兰属)", 901, "华南"]], "Sheet2": [[None]],
                                         "Sheet3": [[i, i, i, i] for i in range(1, 13)]}),
    "zh-logistics-order-form.xlsx": _table({"Sheet1": [
        ["客户代码", "客户单号(必填)", "进出口标识", "件数", "包装", "总毛重", "CBM", "是否紧急", "货物类型", "收货方代码",
         "收货方名称", "联系人", "收件详细地址", "联系电话", "手机号", "备注", "运输方式(2 海运 5 空运 3 铁路)"],
        ["356A", 20181127, "IMP", 30, 23, 33, None, None, 1, None, None, None, None, None, None, None, 3]]}),
    "zh-partner-monthly-ranking.xlsx": _table({"合伙人订单金额总排名": [
        ["排名", "省份", "城市", "1月", "2月", "3月", "4月", "5月", "6月", "总额"],
        [None, None, None, 205002, 205004, 446754.5, 254639.9, 137066, 878601, 2127067.4],
        [1, "江苏", "徐州", 100000, 100001, 100002, 100003, 100004, 100005, 600015],
        [2, "云南", "昆明", 100002, 100003, 341750.5, 149633.9, 32058, 73296, 796743.4]], "Sheet2": [[None]]}),
    "zh-sales-report-no-customer.xlsx": _table({"销售数据": [["产品", "单价", "数量", "总计", "折扣率", "实付金额"],
                                                             ["笔记本电脑", 5999, 10, None, 0.1], ["鼠标", 99, 50, None, 0.1]]}),
    "zh-restaurant-pos-lines.xlsx": _table({f"meal_order_detail{m}": [
        ["detail_id", "order_id", "dishes_id", "logicprn_name", "parent_class_name", "dishes_name", "itemis_add", "counts",
         "amounts", "cost", "place_order_time", "discount_amt", "discount_reason", "kick_back", "add_inprice", "add_info",
         "bar_code", "picture_file", "emp_id"],
        [2956 + m, 417 + m, 610062, "NA", "NA", "蒜蓉生蚝", 0, 1, 49, "NA", dt.datetime(2016, 8, m, 11, 5, 36), "NA", "NA",
         "NA", 0, "NA", "NA", "caipu/104001.jpg", 1442]] for m in (1, 2, 3)}),
    "zh-jd-city-sales.xlsx": _table({"Sheet1": [["商品名称", "北京出库销量", "上海出库销量", "广州出库销量", "天津出库销量"],
                                                ["荣耀V40轻奢版", 747, 666, 578, 284], ["OPPO A93 ", 318, 250, 230, 113]]}),
    "zh-export-profit-ledger.xlsx": _table({
        "分地区": [["地区", "数量", "单价", "金额", "成本", "毛利"], ["韩国", 44929, 30.62, 1375833.1, 1002754.9, 337527.89]],
        "分客户": [["地区", "客户名称", "数量", "单价", "金额", "成本", "毛利"], ["韩国", "BGF 食品有限公司", 19162, 27.59, 528760.67,
                                                                  442958.41, 85802.26]],
        "分大类": [[None], [None], ["行标签", "数量", "单价", "金额", "成本", "毛利"], ["电烤类", 7602179.73, 25.57, 194398833.44,
                                                                     146981286.46, 36329102.77]],
        "基础表": [["地区", "物料基本分类", "订单客户", "物料名称", "数量", "单价", "金额", "成本", "毛利"],
                ["欧洲", "蒸煮类", "FBI荷兰有限公司", "蒸胸肉串", 15632.64, 38.62, 603741.63, 400717.78, 171667.49],
                ["香港", "炭烤类", "百农社国际有限公司", "照烧炭烤鸡肉粒", 2760, 38.38, 105938.14, 71371.94, 18916.86]]}),
    "zh-distribution-customer-totals.xlsx": _table({
        "按客户": [["客户名称", "数量", "金额", "成本", "仓储费", "运费", "促销管理费", "毛利"],
                ["安徽省陈金桥", 13400, 177951.54, 137780.12, None, None, 84.4, 40087.02],
                ["北京信诚汇益商贸有限公司", -5, -137.17, -138.38, None, None, None, 1.21]],
        "按单品": [["物料名称", "数量", "金额", "成本"], ["HC油炸腿排70g", 362.88, 3823.01, 9647.64]]}),
    "zh-tw-pos-transactions.xlsx": _table({"Sheet1": [["交易編號", "日期", "顧客ID", "商品名稱", "分類", "數量"],
                                                      ["T0000", "2024-01-14", "CUST014", "便條紙", "文具", 1],
                                                      ["T0001", "2024-01-15", "CUST003", "咖啡", "飲料", 2]]}),
    "zh-dept-store-sales.xlsx": _table({"未命名组件2": [["销售日期", "店号", "品牌编号", "类别", "楼层", "毛利", "销售额"],
                                                     ["2017-09-30", "51011", "D04470", 1, 2, 209, 1046],
                                                     ["2017-09-30", "11011", "D07760", 2, 2, 124, 3979]]}),
    "en-northwind-csv-in-cells.xlsx": _table({
        "Categories": [["CategoryID,CategoryName,Description,Picture"], ["1,Beverages,\"Soft drinks, coffees\","]],
        "Customers": [["CustomerID", "CompanyName", "ContactName", "Country"], ["ALFKI", "Alfreds Futterkiste", "Maria Anders",
                                                                             "Germany"]],
        "Orders Details": [["OrderID,ProductID,UnitPrice,Quantity,Discount"], ["10248,11,14.00,12,0"], ["10248,42,9.80,10,0"]],
        "Orders": [["OrderID", "CustomerID", "EmployeeID", "OrderDate", "RequiredDate", "ShippedDate", "ShipVia", "Freight"],
                   [10248, "ALFKI", 5, dt.datetime(1996, 7, 4), dt.datetime(1996, 8, 1), dt.datetime(1996, 7, 16), 3, "32.38"]]}),
    "en-northwind-es-no-date.xlsx": _table({"pedidos": [["Empleado", "Cliente", "Importe"], [5, "VINET", 440],
                                                        [6, "TOMSP", 1863.4]]}),
    "en-sales-data-no-customer.xlsx": _table({"sales_data_sample": [
        ["ORDERNUMBER", "QUANTITYORDERED", "PRICEEACH", "SALES", "MONTH_ID", "YEAR_ID", "PRODUCT"],
        [10107, 30, "95.7", 2871, 2, 2017, "Type 2"], [10121, 34, "81.35", "2765.9", 5, 2017, "Type 2"]]}),
}


def _note(title: str, lines: list[list]) -> list[list]:
    head = ["编号", "客户名称", "物料号", "配件型 号", "序列号", "工厂", "数量", "单 价", "金 额", "交期", "备注1（物料文本）",
            "物料采购订单文本", "收货人信息", "委托编号"]
    qty = sum(r[6] for r in lines)
    return [[title], ["发件人：张三  联系电话：  收件工厂：售后服务部 收件工厂：1072"], head, *lines,
            [None, None, None, "合计：", None, None, qty], [None, None, "是否安装调试验收", "备注1："] + [None] * 8 + ["客户组：单泵"],
            [None, None, "N", "备注2："]]


def delivery_note(path: Path) -> Path:
    """ERP 发货通知单: the date only in the merged title row, header on row 3, '合计：' footer."""
    lines = [[4011, "嘉兴办", 1500003244, "304机械密封ZS-24", 2207050739, 1079, 3, 213, 12, 46369, "办事处承担", 1500003244,
              "顺丰速运/浙江省嘉兴市", None],
             [4011, "嘉兴办", 1500003301, "叶轮CDL4-10", 2207050740, 1079, 2, 88, 176, 46369, "", 1500003301, "", None]]
    path = _save(path, {"订单模版": _note("南方泵业股份有限公司发货通知单2026年（1月16日发货单）嘉兴办（嘉兴办）26-1-16-01", lines),
                        "库位": [["地点", "描述"], [4011, "嘉兴办"], [4058, "南宁办"]]})
    wb = openpyxl.load_workbook(path)
    wb["订单模版"].merge_cells("A1:N1")
    wb["订单模版"].merge_cells("A2:N2")
    wb.save(path)
    return path


def return_note(path: Path) -> Path:
    lines = [[4058, "南宁办", 1400038470, "XZ|耦合|350口径|HT200", None, 1072, 3, None, None, None, "办事处承担", None, None, None]]
    return _save(path, {"Sheet1": _note("南方泵业股份有限公司退货通知单2026年（1月20日退货单）（南宁办）26-1-20-01", lines)})


BUILDERS: dict[str, Callable[[Path], Path]] = {
    "zh-pharmacy-chaoyang-2018.xlsx": pharmacy,
    "zh-taobao-seller-export.xlsx": taobao,
    "zh-crm-order-report.xlsx": crm_report,
    "zh-trading-order-register.xlsx": trading_register,
    "zh-trading-receipts.xlsx": receipts,
    "zh-course-sales-export.xlsx": course_sales,
    "zh-bicycle-sales-ledger.xlsx": bicycle_ledger,
    "zh-chem-sales-book.xlsx": chem_book,
    "zh-export-order-register.xlsx": export_register,
    "en-sales-data-sample.xlsx": kaggle_copy_sheet,
    "en-sales-data-sample-text-dates.xlsx": kaggle_text_dates,
    "en-sales-data-sample-mixed-dates.xlsx": kaggle_mixed_dates,
    "en-superstore-us.xlsx": superstore,
    "en-superstore-canada.xlsx": superstore_canada,
    "en-superstore-2021.xlsx": lambda path: superstore(path, newer=True),
    "zh-valve-orders.xlsx": valve_orders,
    "en-online-retail-synthetic.xlsx": online_retail,
    "zh-erp-delivery-note.xlsx": delivery_note,
    "zh-erp-return-note.xlsx": return_note,
    **REFUSALS,
}
