"""Real order workbooks made by others, and what a careful person reads in each.

One entry per file: where it comes from (repository, commit, path, licence), whether it is
committed under tests/corpus/files/ (a licence that allows redistribution) or only checked
by ``benchmarks/corpus_read.py`` over a folder, and the mapping stated by hand: sheet,
header row, which column is the customer, the date, the amount (or price x quantity),
the order, which rows are cancelled, the currency. ``expected()`` computes each
customer's revenue and order count from that mapping in plain pandas — it never calls
xlcrm — so xlcrm's reading is checked against an independent reading of the same cells.

Where xlcrm must refuse (no customer, no date, no amount in the file at all), ``refuse``
holds the field the refusal must name (any one spelling of it).

``reads_today``: True where xlcrm reads the file right on main now; the test then demands
the exact figures. Otherwise the test demands what is true today — a refusal in one line,
never an exit 0 with wrong numbers — and the entry's ``status`` says what xlcrm does.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
FILES = HERE / "files"

# The fields a refusal may have to name, in the spellings a user reads (zh / en).
FIELD_WORDS = {
    "date": ("订单日期", "Order Date", "日期", "date"),
    "customer": ("客户名称", "Customer", "客户", "customer"),
    "amount": ("金额", "Amount", "amount"),
}


@dataclass(frozen=True)
class Entry:
    name: str  # file name (committed: tests/corpus/files/NAME; else in the checked folder)
    repo: str  # github owner/name
    commit: str
    path: str  # path in the repository
    licence: str  # SPDX id, or "none" (not committable)
    lang: str  # zh | en
    kind: str  # marketplace, pos, erp, distributor, trading, delivery-note, crm, sample ...
    sheet: str | int = 0
    header: int = 1  # 1-based row of the header
    customer: str | None = None  # header of the customer column (the key compared)
    date: str | None = None
    date_text: str | None = None  # how text dates are written: "ymd-extra" | "mdy"
    amount: str | None = None
    price: str | None = None  # amount = price x qty (x (1 - discount))
    qty: str | None = None
    discount: str | None = None
    order: str | None = None  # order ID column; None: one order per customer and day
    exclude: dict[str, tuple[str, ...]] = field(default_factory=dict)  # column -> void values
    currency: str | None = None
    rates: dict[str, float] = field(default_factory=dict)  # to the base currency (CNY)
    mapping: dict[str, str] = field(default_factory=dict)  # column mapping the user states (--config)
    refuse: str | None = None  # field the refusal must name ("customer|date": either)
    or_refuse: str | None = None  # read right, or else refused naming this field (both acceptable)
    asof: str = "2026-12-31"
    reads_today: bool = False
    # While not read right: what is already right and tested today ("orders": every
    # customer and order count as by hand; revenue not yet). Empty: refused in one line.
    right_today: tuple[str, ...] = ()
    status: str = ""  # what xlcrm on main does with it today
    quirks: str = ""
    custom: Callable[[Entry, Path], pd.DataFrame] | None = None

    @property
    def committed(self) -> bool:
        return (FILES / self.name).exists()

    @property
    def redistributable(self) -> bool:
        return self.licence != "none"


# ---------------------------------------------------------------- independent reading

_NUM_JUNK = re.compile(r"[¥￥$€,\s\t元]")


def to_number(v) -> float:
    """A cell as a number the way a person reads it: ``¥ 12,593.01`` -> 12593.01; blank -> NaN."""
    if v is None or (isinstance(v, float) and pd.isna(v)):
        return float("nan")
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return float(v)
    s = _NUM_JUNK.sub("", str(v))
    try:
        return float(s)
    except ValueError:
        return float("nan")


def to_day(v, text: str | None) -> pd.Timestamp:
    """A cell as a calendar day; text per the file's own convention, stated by hand."""
    if v is None or (isinstance(v, float) and pd.isna(v)):
        return pd.NaT
    if isinstance(v, (dt.datetime, dt.date, pd.Timestamp)):
        return pd.Timestamp(v).normalize()
    s = str(v).strip()
    if text == "ymd-extra":  # "2018-01-01 星期五", "2023-03-31 17:08:51", "2017-3-22"
        m = re.match(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})", s)
        ymd = (m[1], m[2], m[3]) if m else None
    elif text == "mdy":  # "2/24/2003 0:00"
        m = re.match(r"(\d{1,2})/(\d{1,2})/(\d{4})", s)
        ymd = (m[3], m[1], m[2]) if m else None
    else:
        ymd = None
    try:  # "2018-02-29 星期四" is in the pharmacy list: no such day, not a date
        return pd.Timestamp(*map(int, ymd)) if ymd else pd.NaT
    except ValueError:
        return pd.NaT


def read_sheet(e: Entry, path: Path, sheet=None, header=None) -> pd.DataFrame:
    return pd.read_excel(path, sheet_name=e.sheet if sheet is None else sheet,
                         header=(e.header if header is None else header) - 1, dtype=object,
                         engine="openpyxl")


def summarise(lines: pd.DataFrame) -> pd.DataFrame:
    """lines: customer, day, amount, order -> per customer revenue and orders.

    Revenue is net of returns. An order whose lines sum to less than zero is a return or
    credit note, not a purchase: it is not counted as an order (a pharmacy's return the next
    day is not a second visit)."""
    net = lines.groupby(["customer", "order"])["amount"].sum()
    out = pd.DataFrame({"revenue": lines.groupby("customer")["amount"].sum(min_count=0),  # to the cent
                        "orders": (net >= 0).groupby(level="customer").sum()})
    return out.sort_index()


def expected(e: Entry, path: Path) -> pd.DataFrame:
    """Per-customer revenue and order count, index = the customer column's text."""
    if e.custom is not None:
        return e.custom(e, path)
    df = read_sheet(e, path)
    for col, void in e.exclude.items():
        df = df[~df[col].astype(str).str.strip().isin(void)]
    cust = df[e.customer].map(lambda v: None if _blank(v) else _key(v))
    day = df[e.date].map(lambda v: to_day(v, e.date_text))
    if e.amount:
        amount = df[e.amount].map(to_number)
    else:
        amount = df[e.price].map(to_number) * df[e.qty].map(to_number)
        if e.discount:
            amount = amount * (1 - df[e.discount].map(to_number).fillna(0))
    if e.currency:
        rate = df[e.currency].astype(str).str.strip().map(lambda c: e.rates.get(c, float("nan")))
        amount = amount * rate
    # An order is its ID; a line without one is one order per customer and day.
    by_day = day.map(lambda d: "day " + d.strftime("%Y-%m-%d") if pd.notna(d) else None)
    order = df[e.order].map(lambda v: None if _blank(v) else _key(v)).fillna(by_day) if e.order else by_day
    lines = pd.DataFrame({"customer": cust, "day": day, "amount": amount.fillna(0.0), "order": order})
    keep = lines["customer"].notna() & lines["day"].notna() & (lines["day"] <= pd.Timestamp(e.asof))
    return summarise(lines[keep])


def _blank(v) -> bool:
    return v is None or (isinstance(v, float) and pd.isna(v)) or (isinstance(v, str) and not v.strip())


def _key(v) -> str:
    """A customer or order cell as text: 29955.0 -> "29955"."""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v).strip()


def _delivery_note(e: Entry, path: Path) -> pd.DataFrame:
    """One delivery note = one order: the date is only in the title row ('2026年（1月16日发货单）'),
    the lines run from the header to the '合计：' footer, the customer is 客户名称 on the lines."""
    raw = pd.read_excel(path, sheet_name=e.sheet, header=None, dtype=object, engine="openpyxl")
    m = re.search(r"(\d{4})年\D*?(\d{1,2})月(\d{1,2})日", str(raw.iat[0, 0]))
    day = pd.Timestamp(int(m[1]), int(m[2]), int(m[3]))
    body = read_sheet(e, path)
    body = body[body[e.customer].map(lambda v: not _blank(v))]
    lines = pd.DataFrame({"customer": body[e.customer].map(_key), "day": day,
                          "amount": body[e.amount].map(to_number).fillna(0.0), "order": day.strftime("%Y-%m-%d")})
    return summarise(lines[lines["day"] <= pd.Timestamp(e.asof)])


def _northwind(e: Entry, path: Path) -> pd.DataFrame:
    """Orders + Orders Details joined by OrderID; the amount is the lines' price x qty x (1-discount)."""
    orders = read_sheet(e, path, sheet="Orders", header=1)
    lines = read_sheet(e, path, sheet="Orders Details", header=1)
    # Each line rounded to the cent, as Northwind's own "Order Subtotals" view and any invoice do.
    lines["amount"] = (lines["UnitPrice"].map(to_number) * lines["Quantity"].map(to_number)
                       * (1 - lines["Discount"].map(to_number))).round(2)
    per_order = lines.groupby("OrderID")["amount"].sum()
    o = pd.DataFrame({"customer": orders["CustomerID"].map(_key),
                      "day": orders["OrderDate"].map(lambda v: to_day(v, None)),
                      "order": orders["OrderID"].map(_key),
                      "amount": orders["OrderID"].map(per_order).fillna(0.0)})
    return summarise(o[o["day"] <= pd.Timestamp(e.asof)])


# ---------------------------------------------------------------- the corpus

ENTRIES: tuple[Entry, ...] = (
    # ------------------------------------------------------------ committed (licence allows)
    Entry("zh-shop-orders-cmswing.xlsx", "baidu222/wingCode", "e71ee8adf923b28de3ce455f72c7f1365ca78aa6",
          "订单列表.xlsx", "MIT", "zh", "marketplace",
          refuse="date",
          status="refused: 'has no 订单日期/Order Date column'",
          quirks="CMSWing shop export: 订单号|订单总额|会员账号|收货人|…|支付状态|配送状态|订单状态; "
                 "amounts are text '¥ 12,593.01'; 订单状态 已作废 / 等待审核; no date column at all."),
    Entry("zh-sales-apache.xlsx", "jonesteven0504/DataAnaly_ForBeginners", "ffd475e2431e002a3544f4e924df0326536dcc24",
          "销售数据.xlsx", "Apache-2.0", "zh", "sales-list",
          sheet="销售数据", customer="客户名称", date="销售日期", price="单价", qty="销售数量",
          reads_today=True, status="right",
          quirks="no amount column (单价 x 销售数量); one 销售数量 blank; 销售区域 = region"),
    Entry("zh-ecommerce-no-customer.xlsx", "GritHowe/ecommerce-data-analysis-ai", "687de5da002b03a7109ddf4a3bf5374f066efafa",
          "电商数据.xlsx", "MIT", "zh", "marketplace",
          refuse="customer",
          status="refused: 'has no 订单日期/Order Date and 客户名称/Customer column'",
          quirks="商品名|订单状态|商家实收金额|商品数量, numbers stored as text with a trailing TAB ('101.38\\t'); "
                 "no buyer and no date column"),
    Entry("en-northwind-apache.xlsx", "ralfdba/powerbi-datasets-courses", "8733a76219a05e1fc16796a452d3f2d4a91b97b0",
          "Northwind.xlsx", "Apache-2.0", "en", "erp-normalised",
          customer="CustomerID", custom=_northwind,
          reads_today=True, status="right",
          quirks="normalised export: Orders (no amount, Freight only) + 'Orders Details' (UnitPrice, Quantity, "
                 "Discount) joined by OrderID + Customers whose row 1 is 'Columna1..Columna11' and header row 2"),
    Entry("en-sales-europe-no-customer.xlsx", "ralfdba/powerbi-datasets-courses", "8733a76219a05e1fc16796a452d3f2d4a91b97b0",
          "Sales - Europe.xlsx", "Apache-2.0", "en", "erp",
          refuse="customer",
          status="refused: 'has no 客户名称/Customer column'",
          quirks="AdventureWorks order lines: SalesOrderNumber, OrderQuantity, UnitPrice, OrderDate; no customer"),
    Entry("en-adventureworks-stores-no-orders.xlsx", "ralfdba/powerbi-datasets-courses",
          "8733a76219a05e1fc16796a452d3f2d4a91b97b0", "Adventure Works Sales.xlsx", "Apache-2.0", "en", "crm",
          refuse="date",
          status="refused: 'has no 订单日期/Order Date and 客户名称/Customer column'",
          quirks="CRM-style store master: StoreWithDemographics / StoreWithContacts / StoreWithAddresses / "
                 "SalesPerson (SalesYTD, SalesLastYear); no order rows, no dates"),

    Entry("en-deedle-sales-no-customer.xlsx", "fslaborg/Deedle", "3d752dacf176891c6f43398a7c438674c6a07c5a",
          "docs/data/sales.xlsx", "BSD-2-Clause", "en", "sales-list", refuse="customer",
          status="refused: 'has no 客户名称/Customer column'",
          quirks="Date (TEXT '2024-01-15') | Product | Quantity | Price; no customer, no amount column"),

    # ------------------------------------------------------------ not committable (no licence): folder
    Entry("zh-pharmacy-chaoyang-2018.xlsx", "xiaoyu421-G/BDAP", "d5855a9524019f151c481c08409e393d26d04d6c",
          "data/朝阳医院2018年销售数据.xlsx", "none", "zh", "pos-pharmacy",
          customer="社保卡号", date="购药时间", date_text="ymd-extra", amount="实收金额",
          reads_today=True, status="right",
          quirks="购药时间|社保卡号|商品编码|商品名称|销售数量|应收金额|实收金额; dates are TEXT '2018-01-01 星期五' "
                 "(the weekday is often wrong for the date); 应收 (list) vs 实收 (paid): 实收 is revenue; "
                 "card numbers masked '*******528'; returns are negative rows; 2 blank rows"),
    Entry("zh-trading-order-register.xlsx", "alonzhang76/order", "48ad88dca2e05a06345fa5c49e0db7ddcab2aab5",
          "订单表.xlsx", "none", "zh", "trading",
          sheet="订单登记表", customer="客户", date="订单日期", amount="金额", order="订单号",
          currency="货币", rates={"CNY": 1.0, "USD": 7.1, "EUR": 7.8},
          reads_today=True, status="right",
          quirks="状态 (已出货 / 待出货) | 订单日期 | 客户 | 订单号 | 交货日期 | 交易条款 | … | 单价 | 数量 | 金额 | 货币; "
                 "货币 EUR 208 rows, USD 130, CNY 52; formatted empty rows to row 1292; rates stated in --config"),
    Entry("zh-trading-receipts.xlsx", "alonzhang76/order", "48ad88dca2e05a06345fa5c49e0db7ddcab2aab5",
          "收汇出运与结算数据_2026-01-03.xlsx", "none", "zh", "trading-receipts",
          customer="客户", date="收汇日期", date_text="ymd-extra", amount="收汇金额", order="订单号",
          currency="货币", rates={"CNY": 1.0, "USD": 7.1, "EUR": 7.8}, or_refuse="date",
          reads_today=True, status="right",
          quirks="a receipts ledger: 状态(empty)|客户|订单号|收汇日期|收汇金额|手续费|货币|汇率|比例|备注; dates TEXT "
                 "'2025-08-07' are payment dates; EUR/USD; one order paid in several receipts. Read as cash-basis "
                 "revenue (one order per 订单号), or refused for want of an order date: both are honest"),
    Entry("zh-crm-order-report.xlsx", "weihua-git/essay_books", "da1a69c97a1cde92322fd4161f1e1bd95e8c62e2",
          "订单报表.xlsx", "none", "zh", "crm",
          sheet="SheetJS", customer="客户ID", date="下单时间", date_text="ymd-extra", amount="实收金额",
          order="订单ID", exclude={"订单状态": ("已取消", "已驳回")},
          reads_today=True, status="right",
          quirks="CRM export (SheetJS): 订单ID|客户ID|客户姓名|销售|实收金额|订金金额|代收金额|订单类别|订单状态|快递公司|"
                 "快递单号|下单时间|签收时间|团队|发货时间|售后状态|备注; amounts TEXT '188.00'; 下单时间 TEXT "
                 "'2023-03-31 17:08:51'; 订单状态 未提交 187, 待审核 75, 已审核 59, 已签收 21, 已驳回 16, 已取消 13, "
                 "已发货 10; rep column 销售 = 'login/姓名(团队)'; 售后状态 已退货 1"),
    Entry("zh-taobao-seller-export.xlsx", "Fade-Smile/Basic-of-Data-Analyst", "88bf111ead06fdf484fd544239aa71cf2d5b7948",
          "data/mrtb_data.xlsx", "none", "zh", "marketplace",
          customer="买家会员名", date="订单创建时间", amount="买家实际支付金额",
          exclude={"订单状态": ("交易关闭",)},
          reads_today=True, status="right",
          quirks="淘宝 seller export: 买家会员名|买家实际支付金额|宝贝总数量|宝贝标题|…|总金额|收货人姓名|…|订单付款时间|"
                 "订单关闭原因|订单创建时间|订单备注|订单状态; 订单状态 交易成功 / 卖家已发货，等待买家确认 / 交易关闭 (27, "
                 "订单关闭原因 退款) / 买家已付款，等待卖家发货; 141 trailing rows (明日学院V1会员) have no dates at all; "
                 "text cells \"'null\""),
    Entry("zh-course-sales-export.xlsx", "Fade-Smile/Basic-of-Data-Analyst", "88bf111ead06fdf484fd544239aa71cf2d5b7948",
          "data/msb课程销售记录.xlsx", "none", "zh", "marketplace",
          customer="会员名", date="订单付款时间", amount="实际支付金额",
          reads_today=True, status="right",
          quirks="会员名|实际支付金额|课程名称|学员姓名|联系手机|订单付款时间 (datetimes with time), 15,722 rows"),
    Entry("zh-bicycle-sales-ledger.xlsx", "w1449550206/Pandas-Data-analysis-of-bicycle-sales-record-based-on-pandas",
          "dafeb5ab3f21c53e916d4df499367a2210b3343e", "销售记录.xlsx", "none", "zh", "erp",
          sheet="销售记录", customer="客户编号", date="下单日期", amount="金额", order="订单编号",
          reads_today=True, status="right",
          quirks="订单编号|客户ID|客户名称|客户编号|客户省份|销售代表ID|下单日期|预计送货日期|实际送货日期|产品ID|产品名称|"
                 "数量|单价|金额; two customer ids (客户ID 29955, 客户编号 '10-4020-000018'); rep only as 销售代表ID; "
                 "1.2 MB, 15,092 lines"),
    Entry("zh-chem-sales-book.xlsx", "ohmyskyhigh/zhangmu", "fed2ef5aa8a694c8c918e9f774f874b2efa4e88d",
          "20170318产购销表.xlsx", "none", "zh", "erp",
          sheet="成品销售表", customer="客户名称", date="日期", amount="金额", order="单据编号",
          reads_today=True, status="right",
          quirks="three sheets 采购表 (purchases: 供货单位, TEXT dates '2017-3-22') | 成品销售表 (日期|商品名称|规格型号|"
                 "客户名称|单据类型|单据编号|单位|数量|单价|金额) | 生产表; monthly subtotal rows '脂肪族月合计' in 商品名称 "
                 "with a 金额 and no date/customer; 单据类型 销售单 / 龙凤销售单"),
    Entry("zh-export-order-register.xlsx", "Chloe211101/noah", "12076d14d7ec21c0bd7db72e08bdc3bc063956f4",
          "orders.xlsx", "none", "zh", "trading",
          sheet="Sheet1", customer="客户名称", date="订单日期", amount="总金额", order="订单号",
          reads_today=True, status="right",
          quirks="订单号|业务员|客户名称|总金额|已收金额|未收金额|发出状态|订单状态|订单日期|出货日期|产品名称; 订单状态 is "
                 "a payment state (已收清 / 部分收款 / 未收款), not a cancellation; rep 业务员 (CAROL, VITA…); "
                 "empty Sheet2/Sheet3"),
    Entry("zh-order-lines-no-customer.xlsx", "Promisey/Apriori", "bbdaf9325a054ef0ef4ee9f5d88f7a0a36485d53",
          "订单明细.xlsx", "none", "zh", "pos", refuse="customer|amount",
          status="refused: 'has no 订单日期/Order Date and 客户名称/Customer and 金额/Amount column'", quirks="订单号|商品名称 only (basket analysis): no customer, no amount, no date"),
    Entry("zh-purchase-order-no-customer.xlsx", "FengAiLing2016/excel", "28b3b76a7c790c71945740d9c2a81688e61bb63f",
          "订单.xlsx", "none", "zh", "distributor", refuse="customer|date",
          status="refused: 'has no 订单日期/Order Date and 客户名称/Customer and 金额/Amount column'",
          quirks="a distributor's purchase order to its supplier: 旧编号|条码|名称|规格|单位|包装数|进货价|账面数_件|订货 "
                 "and an unheaded amount column; sheet named by timestamp '20181021185431'; no customer, no date"),
    Entry("zh-product-sales-no-customer.xlsx", "gfiegfie/data-analysis-practice", "dd1eb9b0da6b6b26ab919318a94c7cbbb45200c8",
          "销售数据.xlsx", "none", "zh", "sales-summary", refuse="customer|date",
          status="refused: 'has no 订单日期/Order Date and 客户名称/Customer column'", quirks="商品名称|销量|单价|销售额 per product"),
    Entry("zh-rep-sales-no-date.xlsx", "DVLZY/Py4VisualExcel", "9de16b3207a0c70030dc5e959a9f1c96f5d147f3",
          "xl/销售数据.xlsx", "none", "zh", "sales-summary", refuse="date|customer",
          status="refused: 'has no 订单日期/Order Date and 客户名称/Customer column'", quirks="姓名|地区|销售额|部门 (sales per person, no date); Sheet3 a block of numbers"),
    Entry("zh-logistics-order-form.xlsx", "SuperMidFaker/Lemon-test", "e8419980a0a137283ee3eed973b7893cabd63618",
          "订单.xlsx", "none", "zh", "delivery-note", refuse="date|amount",
          status="refused: 'has no 订单日期/Order Date column'",
          quirks="forwarder's order import form, 83 columns: 客户代码|客户单号(必填)|进出口标识|件数|包装|总毛重|CBM|…; "
                 "one data row; no date, no amount"),
    Entry("zh-partner-monthly-ranking.xlsx", "nikai1006/sale_chart", "b8259b69d6ab26b2f00fe1942b1649ad18455955",
          "销售数据.xlsx", "none", "zh", "distributor", refuse="customer|date",
          status="refused: 'has no 订单日期/Order Date and 客户名称/Customer column'",
          quirks="合伙人订单金额总排名: 排名|省份|城市|1月..6月|总额 — months as columns (wide), a totals row 2 "
                 "above the ranking; partner known only by 省份+城市"),
    Entry("zh-sales-report-no-customer.xlsx", "wuyaxinxin/q-test2", "291ebe136d0277a282a58311f4a193f98e45090f",
          "销售报表.xlsx", "none", "zh", "sales-summary", refuse="customer|date",
          status="refused: 'has no 订单日期/Order Date and 客户名称/Customer column'", quirks="产品|单价|数量|总计(blank)|折扣率|实付金额(blank)"),
    Entry("zh-restaurant-pos-lines.xlsx", "Fade-Smile/Basic-of-Data-Analyst", "88bf111ead06fdf484fd544239aa71cf2d5b7948",
          "data/meal_order_detail.xlsx", "none", "zh", "pos", refuse="customer",
          status="refused: 'has no 订单日期/Order Date and 客户名称/Customer column'",
          quirks="restaurant POS order lines, 3 monthly sheets of one layout (meal_order_detail1..3): order_id|"
                 "dishes_name|counts|amounts|place_order_time|…; 'NA' text in empty cells; no customer; 1.0 MB"),
    Entry("zh-jd-city-sales.xlsx", "Fade-Smile/Basic-of-Data-Analyst", "88bf111ead06fdf484fd544239aa71cf2d5b7948",
          "data/JD手机销售数据.xlsx", "none", "zh", "marketplace", refuse="customer|date",
          status="refused: 'has no 订单日期/Order Date and 客户名称/Customer and 金额/Amount column'", quirks="京东 phone sales per city: 商品名称|北京出库销量|上海出库销量|… (wide, no customer)"),
    Entry("en-superstore-canada.xlsx", "ralfdba/powerbi-datasets-courses", "8733a76219a05e1fc16796a452d3f2d4a91b97b0",
          "Sales.xlsx", "Apache-2.0", "en", "sample-superstore",
          sheet="Orders", customer="Customer Name", date="Order Date", amount="Sales", order="Order ID",
          reads_today=True, status="right",
          quirks="Canadian Superstore: Orders (Row ID, Order ID numeric, Order Date, Order Priority, Order Quantity, "
                 "Sales, Discount, …, Customer Name, Province, Region, Customer Segment …) + Returns (Order ID | "
                 "Status 'Returned') + Users (Region | Manager); 1.3 MB (over the size to commit)"),
    Entry("en-superstore-us.xlsx", "Cybertubelearning/Tableau-Tutorial", "36e86b8d3a368ca9b46226968fe89d3975077be9",
          "Sample - Superstore.xlsx", "none", "en", "sample-superstore",
          sheet="Orders", customer="Customer ID", date="Order Date", amount="Sales", order="Order ID",
          reads_today=True, status="right",
          quirks="Tableau Sample - Superstore: Orders (Customer ID + Customer Name, Order ID 'CA-2016-152156', Sales, "
                 "Profit …) + Returns (Returned | Order ID) + People (Person | Region); 1.3 MB"),
    Entry("en-superstore-2021.xlsx", "AnshMittal1811/Tableau", "8dcfd9c4ff30f093f71749810154f120f9ce7f1e",
          "Data_sources/Sample - Superstore.xlsx", "none", "en", "sample-superstore",
          sheet="Orders", customer="Customer ID", date="Order Date", amount="Sales", order="Order ID",
          reads_today=True, status="right",
          quirks="newer Superstore: 'Country/Region' header, dates shifted two years, order IDs differ"),
    Entry("en-sales-data-sample.xlsx", "Ramsyz/Sales_data_sample_spreedsheets", "bc7722180bc26dd83228cb58f43845d7dcce5c43",
          "sales_data_sample.xlsx", "none", "en", "sample-kaggle",
          sheet="sales_data_sample", customer="CUSTOMERNAME", date="ORDERDATE", amount="SALES", order="ORDERNUMBER",
          exclude={"STATUS": ("Cancelled",)},
          reads_today=True, status="right",
          quirks="Kaggle sales_data_sample: ORDERNUMBER|QUANTITYORDERED|PRICEEACH|ORDERLINENUMBER|SALES|ORDERDATE|"
                 "STATUS (Shipped, Cancelled 60, Resolved, On Hold, In Process, Disputed)|…|CUSTOMERNAME|…|DEALSIZE; "
                 "a second sheet TempDataSheet is a COPY of the data (same rows), plus pivot/dashboard sheets"),
    Entry("en-sales-data-sample-text-dates.xlsx", "philanis/SalesDataSet", "7e5c6eaf9731b36984343f137f4417a9273c9a5d",
          "sales_data_sample.xlsx", "none", "en", "sample-kaggle",
          customer="CUSTOMERNAME", date="ORDERDATE", date_text="mdy", amount="SALES", order="ORDERNUMBER",
          exclude={"STATUS": ("Cancelled",)},
          reads_today=True, status="right",
          quirks="same data; ORDERDATE is TEXT month-first '2/24/2003 0:00' in every row (unambiguous: days > 12 occur)"),
    Entry("en-sales-data-sample-mixed-dates.xlsx", "welwengsieh/CRM-Sales_DataAnalysis_Project",
          "e8c80a7522d87efca990e30d78ea0a65ef76b02a", "sales_data_sample.xlsx", "none", "en", "sample-kaggle",
          customer="CUSTOMERNAME", date="ORDERDATE", date_text="mdy", amount="SALES", order="ORDERNUMBER",
          exclude={"STATUS": ("Cancelled",)},
          reads_today=True, status="right",
          quirks="same data opened in a day-first Excel: 1,518 ORDERDATE cells stayed TEXT '11/14/2003 0:00', 1,305 "
                 "became real dates with day and month swapped (5/7/2003 -> 2003-07-05); revenue and order counts "
                 "do not depend on the day, only that no row is dropped"),
    Entry("en-online-retail-synthetic.xlsx", "Harminder858/ctlv_retail", "d32c37c76e526cb5b24dcc3a44dfb2758c4b165e",
          "data/Online Retail.xlsx", "none", "en", "sample-retail",
          customer="CustomerID", date="InvoiceDate", price="UnitPrice", qty="Quantity", order="InvoiceNo",
          reads_today=True, status="right",
          quirks="Online-Retail layout (InvoiceNo|StockCode|Description|Quantity|InvoiceDate|UnitPrice|CustomerID|"
                 "Country), 10,000 generated rows: no amount column (Quantity x UnitPrice), numeric CustomerID"),
    Entry("en-northwind-csv-in-cells.xlsx", "edalgoca/dataset", "e350669ae7c81e1e596324613963a53f8fd97b80",
          "Northwind.xlsx", "none", "en", "erp-normalised", refuse="amount",
          status="refused: 'has no 金额/Amount column'",
          quirks="sheets 'Orders Details' and 'Categories' hold whole CSV lines in column A ('10248,11,14.00,12,0'); "
                 "Orders has only Freight: the line amounts cannot be read without Text-to-Columns"),
    Entry("en-northwind-es-no-date.xlsx", "jordipereiragude/dataforcourses", "49656dfce1bba3853253dd058ce631672629e7e6",
          "Northwind.xlsx", "none", "en", "erp", refuse="date",
          status="refused: 'no order table found'", quirks="Spanish headers Empleado|Cliente|Importe on sheet 'pedidos'; no date"),
    Entry("en-sales-data-no-customer.xlsx", "MCAGoncalves/dataset", "b048e1f56077b00522365b01f2b3e5e0cb077e72",
          "Sales_Data.xlsx", "none", "en", "sample-kaggle", refuse="customer",
          status="refused: 'has no 订单日期/Order Date and 客户名称/Customer column'",
          quirks="sales_data_sample cut down: ORDERNUMBER|QUANTITYORDERED|PRICEEACH|SALES|MONTH_ID|YEAR_ID|PRODUCT; "
                 "numbers stored as text ('95.7'); month-only dates (MONTH_ID + YEAR_ID)"),
    Entry("zh-export-profit-ledger.xlsx", "quzhupeng/customer-SKU-analysis", "d9091fad1f117a4e8bbd10d70c0a210ba494dacd",
          "实际上传excel/出口部单品利润明细汇总1-5月.xlsx", "none", "zh", "erp-revenue", refuse="date",
          status="refused: 'has no 订单日期/Order Date column'",
          quirks="export department revenue/profit ledger Jan-May: pivot sheets 分地区 | 分客户 (地区|客户名称|数量|单价|"
                 "金额|成本|海运费|…|毛利) | 分单品 | 分大类 (header on row 3, '行标签') and the base sheet 基础表 (地区|"
                 "物料基本分类|订单客户|物料名称|数量|单价|金额|成本|…|利润); the period is only in the file name "
                 "('1-5月'): no date column anywhere"),
    Entry("zh-distribution-customer-totals.xlsx", "quzhupeng/customer-SKU-analysis",
          "d9091fad1f117a4e8bbd10d70c0a210ba494dacd", "实际上传excel/流通 -按客户+单品.xlsx", "none", "zh", "distributor",
          refuse="date",
          status="refused: 'has no 订单日期/Order Date column'",
          quirks="distribution channel totals: 按客户 (客户名称|数量|金额|成本|仓储费|运费|促销管理费|毛利; customers "
                 "are people '安徽省陈金桥'; negative return totals), 按单品, B级品; no dates"),
    Entry("zh-valve-orders.xlsx", "MilesSG/valve_digital_twin_dashboard", "dc19f04005167b0251b4f9ec59a96f8d88d04c9e",
          "data/订单数据.xlsx", "none", "zh", "erp",
          sheet="订单数据", customer="客户名称", date="日期", date_text="ymd-extra", amount="金额", order="订单号",
          reads_today=True, status="right",
          quirks="日期 (TEXT '2025-11-01') | 订单号 | 客户名称 | 金额 | 状态 (English: completed / processing / pending); "
                 "a companion 客户数据.xlsx holds 累计金额 and 订单数 per customer (a CRM summary)"),
    Entry("zh-tw-pos-transactions.xlsx", "laiguoliang/excel-analysis", "79b08e81f7afd0e71c2255d54c25d148e2e24e3f",
          "data/sales.xlsx", "none", "zh", "pos", refuse="amount",
          status="refused: 'has no 客户名称/Customer and 金额/Amount column'",
          quirks="traditional Chinese: 交易編號 | 日期 (TEXT) | 顧客ID | 商品名稱 | 分類 | 數量 — no price and no amount"),
    Entry("zh-dept-store-sales.xlsx", "xiyao593/report-tools", "77376853ae5ee18c461b37c04a5f0c996b5f11d1",
          "data/销售明细.xlsx", "none", "zh", "pos", refuse="customer",
          status="refused: 'has no 客户名称/Customer column'",
          quirks="sheet '未命名组件2': 销售日期 (TEXT) | 店号 (TEXT '51011') | 品牌编号 | 类别 | 楼层 | 毛利 | 销售额; "
                 "per store and brand, no customer"),
    Entry("zh-erp-delivery-note.xlsx", "huwenyang12/NF-Pump-industry", "86886c5d8e40182be0d4ad80792cb2f308a93f3f",
          "模板/库存发货单--模板.xlsx", "none", "zh", "delivery-note",
          sheet="订单模版", header=3, customer="客户名称", amount="金 额", custom=_delivery_note, or_refuse="date",
          status="refused: 'has no 订单日期/Order Date column'",
          quirks="ERP 发货通知单 form: row 1 title '南方泵业股份有限公司发货通知单2026年（1月16日发货单）嘉兴办…' (the DATE is only "
                 "here), row 2 '发件人：…  收件工厂：…', header row 3 编号|客户名称|物料号|配件型 号|序列号|工厂|数量|单 价|金 额|交期|"
                 "备注1（物料文本）|物料采购订单文本|收货人信息|委托编号 (spaces inside headers), footer '合计：' and 备注 rows; "
                 "交期 an Excel serial; 金 额 (12) is not 单 价 x 数量 (639): the note's own 金额 is taken; sheet 库位 maps "
                 "codes to offices"),
    Entry("zh-erp-return-note.xlsx", "huwenyang12/NF-Pump-industry", "86886c5d8e40182be0d4ad80792cb2f308a93f3f",
          "模板/库存退货单--模板.xlsx", "none", "zh", "delivery-note", refuse="amount|date",
          status="refused: 'has no 订单日期/Order Date column'",
          quirks="退货通知单 form, same layout as the delivery note (title with the date, header row 3), 单 价 and 金 额 "
                 "empty: no amount at all"),
)


def by_name(name: str) -> Entry:
    return next(e for e in ENTRIES if e.name == name)
