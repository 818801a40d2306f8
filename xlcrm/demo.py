"""The demo workbooks: a realistic Chinese sales office workbook and a small English one.

Deterministic (fixed seed, fixed document dates), so the committed files in
`workbooks/` can be rebuilt byte for byte with `python -m xlcrm.demo workbooks`.
The Chinese workbook is messy on purpose, as real ones are: merged title rows, a note
row, headers on row 3, totals lines, blank lines, amounts typed as text ("1,234.50元"),
dates typed as text ("2025/3/5", "2025年3月5日"), a chart the refresh must not lose, and
a complaint register with drop-down lists ready for new entries.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import xlsxwriter

ASOF = dt.date(2026, 11, 20)
START = dt.date(2024, 11, 21)
SEED = 20261120
FIXED_CREATED = dt.datetime(2026, 11, 20, 9, 0, 0)

ZH_FILE = "xlcrm-demo-zh.xlsx"
EN_FILE = "xlcrm-demo-en.xlsx"

_CITY_WORDS = ["恒达", "华润", "金桥", "新源", "宏图", "永兴", "博远", "盛世", "天成", "瑞丰", "东方", "中联",
               "鑫源", "嘉禾", "汇通", "长城", "科瑞", "明珠", "海纳", "正泰", "富华", "鼎盛", "同创", "安泰",
               "隆基", "凯达", "通达", "联合", "信诚", "协力"]
_TRADES = [("机电", "制造"), ("五金", "批发"), ("建材", "建筑"), ("电子", "制造"), ("包装", "制造"),
           ("商贸", "批发"), ("物流", "物流"), ("食品", "零售"), ("化工", "制造"), ("医疗器械", "医疗")]
_SUFFIX = ["有限公司", "贸易有限公司", "科技有限公司", "实业有限公司", "商行"]
_REPS = ["张伟", "李娜", "王强", "刘洋", "陈静", "赵磊"]  # 赵磊 has left the company
_DEPARTED = "赵磊"
_REGIONS = {"城东": (31.31, 120.68), "城西": (31.30, 120.52), "城南": (31.25, 120.61),
            "城北": (31.37, 120.60), "园区": (31.32, 120.73)}
_STREETS = ["人民路", "干将路", "东环路", "西环路", "南门路", "北园路", "星湖街", "金鸡湖大道", "长江路", "竹园路"]
_PRODUCTS = [("液压阀", "HV-20", 420.0), ("伺服电机", "SM-750", 2680.0), ("轴承", "6204-2RS", 18.5),
             ("控制器", "PLC-S7", 5200.0), ("传感器", "PT100", 96.0), ("齿轮箱", "GB-60", 1850.0),
             ("密封圈", "O-50", 3.2), ("变频器", "VF-2.2K", 1480.0)]


@dataclass
class _Customer:
    cid: str
    name: str
    rep: str
    region: str
    rate: float  # orders per 30 days while active
    size: float  # typical order size multiplier
    start: dt.date
    end: dt.date  # last possible order date (churners stop early)
    status: str
    lat: float
    lon: float
    address: str
    phone: str
    contact: str
    industry: str


def _customers(rng: np.random.Generator, n: int, n_prospects: int) -> list[_Customer]:
    out: list[_Customer] = []
    used: set[str] = set()
    for i in range(n + n_prospects):
        while True:
            word = _CITY_WORDS[int(rng.integers(len(_CITY_WORDS)))]
            trade, industry = _TRADES[int(rng.integers(len(_TRADES)))]
            name = f"苏州{word}{trade}{_SUFFIX[int(rng.integers(len(_SUFFIX)))]}"
            if name not in used:
                used.add(name)
                break
        region = list(_REGIONS)[i % len(_REGIONS)]
        lat0, lon0 = _REGIONS[region]
        rep = _REPS[(i // 2) % len(_REPS)]
        prospect = i >= n
        # heavy-tailed sizes make a real pyramid
        size = float(rng.lognormal(0.0, 1.1))
        rate = float(np.clip(rng.lognormal(-0.2, 0.7), 0.08, 6.0))
        start = START
        end = ASOF
        u = rng.random()
        if not prospect:
            if u < 0.12:  # churned at some point
                end = START + dt.timedelta(days=int(rng.integers(90, 560)))
            elif u < 0.22:  # new customers
                start = ASOF - dt.timedelta(days=int(rng.integers(20, 300)))
            elif u < 0.30:  # one-time buyers
                rate = 0.01
        status = "成交客户"
        if prospect:
            status = ["潜在客户", "目标客户", "潜在客户", "非客户"][i % 4]
        out.append(_Customer(
            cid=f"C{1001 + i}", name=name, rep=rep, region=region, rate=rate, size=size, start=start,
            end=end, status=status,
            lat=round(lat0 + float(rng.normal(0, 0.015)), 5), lon=round(lon0 + float(rng.normal(0, 0.02)), 5),
            address=f"苏州市{region}{_STREETS[int(rng.integers(len(_STREETS)))]}{int(rng.integers(1, 999))}号",
            phone=f"0512-6{int(rng.integers(1000000, 9999999))}",
            contact=["王经理", "李总", "陈主任", "周工", "吴经理", "孙采购"][i % 6],
            industry=industry,
        ))
    return out


def _orders(rng: np.random.Generator, customers: list[_Customer]) -> list[dict]:
    rows: list[dict] = []
    seq = 0
    for c in customers:
        if c.status != "成交客户":
            continue
        day = c.start + dt.timedelta(days=int(rng.integers(0, 30)))
        first = True
        while day <= min(c.end, ASOF):
            product, model, price = _PRODUCTS[int(rng.integers(len(_PRODUCTS)))]
            qty = max(1, int(round(rng.lognormal(1.5, 0.8) * c.size * (40 if price < 100 else 1))))
            unit = round(price * float(rng.uniform(0.9, 1.1)), 2)
            amount = round(unit * qty, 2)
            cost = round(amount * float(rng.uniform(0.62, 0.86)), 2)
            due = day + dt.timedelta(days=30)
            late = rng.random()
            if due > ASOF and late < 0.7:
                paid = None
            elif late < 0.025:
                paid = None  # never paid: overdue receivable
            elif late < 0.25:
                paid = due + dt.timedelta(days=int(rng.integers(5, 60)))
            else:
                paid = due - dt.timedelta(days=int(rng.integers(0, 20)))
            if paid is not None and paid > ASOF:
                paid = None
            seq += 1
            rows.append(dict(order_id=f"SO{day:%y%m}{seq:05d}", date=day, cid=c.cid, name=c.name,
                             product=product, model=model, unit=unit, qty=qty, amount=amount, cost=cost,
                             rep=c.rep, region=c.region, due=due, paid=paid))
            if c.rate <= 0.01 and first:
                break
            first = False
            gap = rng.exponential(30.0 / c.rate)
            day = day + dt.timedelta(days=max(1, int(gap)))
    rows.sort(key=lambda r: (r["date"], r["order_id"]))
    return rows


# A handful of cells no one could read, so the data-issues sheet has something to show.
_BAD_DATES = {404: "2025/2/30", 1717: "下周一"}
_BAD_AMOUNTS = {808: "待定", 2020: "1,2OO.00"}


def _fmt_date_text(d: dt.date, k: int) -> str:
    return [f"{d.year}/{d.month}/{d.day}", f"{d.year}年{d.month}月{d.day}日", d.isoformat()][k % 3]


def zh_truth(*, seed: int = SEED) -> list[dict]:
    """The orders the zh demo workbook holds, as generated. ``date_readable`` is False for the
    few whose date cell is deliberately unreadable (the order cannot be placed in time, so
    it is left out), ``amount_readable`` for those whose amount is (the order counts, its
    amount does not). Tests compare xlcrm's figures with this ground truth, which does not
    pass through xlcrm's reader."""
    rng = np.random.default_rng(seed)
    orders = _orders(rng, _customers(rng, 150, 12))
    for k, o in enumerate(orders, start=1):  # k numbers the rows exactly as make_zh writes them
        o["date_readable"] = k not in _BAD_DATES
        o["amount_readable"] = k not in _BAD_AMOUNTS
    return orders


def make_zh(path: Path, *, seed: int = SEED) -> Path:
    rng = np.random.default_rng(seed)
    customers = _customers(rng, 150, 12)
    orders = _orders(rng, customers)
    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False,
                                         "strings_to_urls": False})
    wb.set_properties({"title": "销售台账示例", "author": "xlcrm demo", "company": "苏州示例机电销售部",
                       "created": FIXED_CREATED})
    title = wb.add_format({"bold": True, "font_size": 14, "align": "center", "valign": "vcenter"})
    note = wb.add_format({"italic": True, "font_color": "#666666"})
    head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "align": "center"})
    money = wb.add_format({"num_format": "#,##0.00"})
    date_f = wb.add_format({"num_format": "yyyy-mm-dd"})
    total_f = wb.add_format({"bold": True, "top": 1, "num_format": "#,##0.00"})

    readme = wb.add_worksheet("说明")
    readme.set_column(0, 0, 90)
    for r, line in enumerate([
        "苏州示例机电销售部 · 销售台账（xlcrm 演示工作簿）",
        "本工作簿模拟销售部门日常维护的台账：订单明细（按年度分表）、发货记录、客户档案、投诉登记、拜访记录和设置。",
        "运行 xlcrm refresh 后，将新增 客户分级 / 流失预警 / 拜访计划 / 投诉跟踪 / 客户看板 / 数据问题 等工作表；",
        "本表、各台账和“月度图表”中的图表不会被改动。",
        "统计日期在“设置”表中（统计日期 = 2026-11-20），命令行 --asof 可覆盖。",
    ]):
        readme.write_string(r, 0, line, title if r == 0 else None)

    headers = ["订单编号", "订单日期", "客户编号", "客户名称", "产品名称", "规格型号", "单价", "数量",
               "金额(元)", "成本(元)", "业务员", "片区", "应收日期", "回款日期", "备注"]
    by_year: dict[int, list[dict]] = {}
    for o in orders:
        by_year.setdefault(o["date"].year, []).append(o)
    monthly: dict[str, float] = {}
    k = 0
    for year in sorted(by_year):
        ws = wb.add_worksheet(f"{year}年订单")
        ws.merge_range(0, 0, 0, len(headers) - 1, f"{year}年度销售明细表", title)
        ws.set_row(0, 24)
        ws.write_string(1, 0, "单位：元    制表：销售部    说明：金额含税；成本为出库成本", note)
        ws.write_row(2, 0, headers, head)
        ws.freeze_panes(3, 0)
        ws.set_column(0, 0, 15)
        ws.set_column(1, 1, 12)
        ws.set_column(3, 3, 28)
        ws.set_column(4, 5, 11)
        ws.set_column(6, 9, 12)
        ws.set_column(12, 13, 12)
        r = 3
        for i, o in enumerate(by_year[year]):
            k += 1
            if k % 97 == 0:
                r += 1  # a blank line someone left
            ws.write_string(r, 0, o["order_id"])
            if k in _BAD_DATES:
                ws.write_string(r, 1, _BAD_DATES[k])  # a date no calendar has: a data issue
            elif k % 23 == 0:
                ws.write_string(r, 1, _fmt_date_text(o["date"], k))
            else:
                ws.write_datetime(r, 1, dt.datetime.combine(o["date"], dt.time()), date_f)
            # a few rows know the customer only by name, as hand-typed ledgers do
            if k % 61 != 0:
                ws.write_string(r, 2, o["cid"])
            ws.write_string(r, 3, o["name"])
            ws.write_string(r, 4, o["product"])
            ws.write_string(r, 5, o["model"])
            ws.write_number(r, 6, o["unit"], money)
            ws.write_number(r, 7, o["qty"])
            if k in _BAD_AMOUNTS:
                ws.write_string(r, 8, _BAD_AMOUNTS[k])  # typed by someone in a hurry: a data issue
            elif k % 17 == 0:
                ws.write_string(r, 8, f"{o['amount']:,.2f}元")
            elif k % 29 == 0:
                ws.write_string(r, 8, f"¥{o['amount']:,.2f}")
            else:
                ws.write_number(r, 8, o["amount"], money)
            ws.write_number(r, 9, o["cost"], money)
            ws.write_string(r, 10, o["rep"])
            ws.write_string(r, 11, o["region"])
            ws.write_datetime(r, 12, dt.datetime.combine(o["due"], dt.time()), date_f)
            if o["paid"] is not None:
                ws.write_datetime(r, 13, dt.datetime.combine(o["paid"], dt.time()), date_f)
            month = f"{o['date']:%Y-%m}"
            monthly[month] = monthly.get(month, 0.0) + o["amount"]
            r += 1
        first, last = 3, r - 1
        ws.write_string(r, 3, "合计", total_f)
        ws.write_formula(r, 8, f"=SUM(I{first + 1}:I{last + 1})", total_f,
                         round(sum(o["amount"] for o in by_year[year]), 2))
        ws.write_formula(r, 9, f"=SUM(J{first + 1}:J{last + 1})", total_f,
                         round(sum(o["cost"] for o in by_year[year]), 2))

    # Deliveries: one per order, some short, late or returned.
    dws = wb.add_worksheet("发货记录")
    dh = ["发货单号", "订单编号", "客户编号", "客户名称", "发货日期", "承诺日期", "签收日期", "签收",
          "订货数量", "发货数量", "退货数量", "退货原因"]
    dws.write_row(0, 0, dh, head)
    dws.freeze_panes(1, 0)
    dws.set_column(0, 3, 14)
    dws.set_column(3, 3, 28)
    dws.set_column(4, 6, 12)
    reasons = ["质量问题", "规格不符", "包装破损", "客户取消"]
    for i, o in enumerate(orders):
        ship = o["date"] + dt.timedelta(days=int(rng.integers(1, 4)))
        if ship > ASOF:
            continue
        promised = o["date"] + dt.timedelta(days=7)
        # most goods arrive on time; about one delivery in twelve is held up
        delay = int(rng.integers(4, 12)) if rng.random() < 0.08 else 0
        received = ship + dt.timedelta(days=int(rng.integers(1, 3)) + delay)
        short = rng.random() < 0.04
        shipped = o["qty"] - (max(1, o["qty"] // 5) if short else 0)
        returned = int(rng.integers(1, max(2, shipped // 3 + 1))) if rng.random() < 0.05 else 0
        row = [f"DN{i + 1:06d}", o["order_id"], o["cid"], o["name"]]
        dws.write_row(i + 1, 0, row)
        dws.write_datetime(i + 1, 4, dt.datetime.combine(ship, dt.time()), date_f)
        dws.write_datetime(i + 1, 5, dt.datetime.combine(promised, dt.time()), date_f)
        if received <= ASOF:
            dws.write_datetime(i + 1, 6, dt.datetime.combine(received, dt.time()), date_f)
            dws.write_string(i + 1, 7, "是")
        else:
            dws.write_string(i + 1, 7, "否")
        dws.write_number(i + 1, 8, o["qty"])
        dws.write_number(i + 1, 9, shipped)
        if returned:
            dws.write_number(i + 1, 10, returned)
            dws.write_string(i + 1, 11, reasons[int(rng.integers(len(reasons)))])

    # Customer master.
    mws = wb.add_worksheet("客户档案")
    mws.merge_range(0, 0, 0, 14, "客户档案（客户资料卡）", title)
    mh = ["客户编号", "客户名称", "客户状态", "业务员", "业务员状态", "片区", "地址", "联系人", "联系电话",
          "纬度", "经度", "行业", "信用额度", "建档日期", "风险标记"]
    mws.write_row(1, 0, mh, head)
    mws.freeze_panes(2, 0)
    mws.set_column(1, 1, 28)
    mws.set_column(6, 6, 30)
    flags = {7: "竞争对手报价低 8%", 19: "采购负责人更换", 33: "资金紧张, 要求延长账期"}
    for i, c in enumerate(customers):
        r = i + 2
        mws.write_row(r, 0, [c.cid, c.name, c.status, c.rep, "离职" if c.rep == _DEPARTED else "在职",
                             c.region, c.address, c.contact, c.phone])
        mws.write_number(r, 9, c.lat)
        mws.write_number(r, 10, c.lon)
        mws.write_string(r, 11, c.industry)
        mws.write_number(r, 12, float(int(50 + 450 * min(c.size, 4)) * 1000), money)
        mws.write_datetime(r, 13, dt.datetime.combine(c.start - dt.timedelta(days=30), dt.time()), date_f)
        if i in flags:
            mws.write_string(r, 14, flags[i])

    _complaint_register(wb, rng, customers, orders, head, date_f)
    _visit_log(wb, rng, customers, head, date_f)
    _settings(wb, head, date_f)
    _monthly_chart(wb, monthly, head, money)
    wb.close()
    return path


_CATEGORIES = ["产品质量", "服务态度", "虚假承诺", "送货", "其他"]
_SEVERITY = ["轻微", "一般", "严重"]
_SATISFACTION = ["高度满意", "一般满意", "无意见", "有些不满意", "极不满意"]


def _register_sheet(wb, name: str, lang: str, head, date_f, title: str):  # type: ignore[no-untyped-def]
    """The complaint register form (投诉登记), with drop-down lists on the next 500 rows."""
    from xlcrm.complaint_register import REGISTER_TEMPLATE, register_template

    columns = register_template(lang)  # type: ignore[arg-type]
    ws = wb.add_worksheet(name)
    ws.merge_range(0, 0, 0, len(columns) - 1, title, wb.add_format({"bold": True, "font_size": 14}))
    ws.write_row(1, 0, [h for h, _v in columns], head)
    ws.freeze_panes(2, 0)
    ws.set_column(0, len(columns) - 1, 12)
    ws.set_column(3, 3, 28)
    ws.set_column(7, 7, 30)
    zh_headers = [zh for zh, _en, _v in REGISTER_TEMPLATE]
    for col, (_header, values) in enumerate(columns):
        if values:
            ws.data_validation(2, col, 501, col, {
                "validate": "list", "source": values,
                "error_message": "请从下拉列表中选择" if lang == "zh" else "Choose a value from the list"})
        elif zh_headers[col].endswith("日期"):
            ws.data_validation(2, col, 501, col, {
                "validate": "date", "criteria": ">=", "value": dt.datetime(2000, 1, 1),
                "error_message": "请输入日期，例如 2026-11-20" if lang == "zh" else "Enter a date, e.g. 2026-11-20"})
        elif zh_headers[col].endswith("得分"):
            ws.data_validation(2, col, 501, col, {
                "validate": "decimal", "criteria": "between", "minimum": 0, "maximum": 10,
                "error_message": "请输入 0-10 的分数" if lang == "zh" else "Enter a score from 0 to 10"})
    return ws


def _complaint_register(wb, rng, customers, orders, head, date_f) -> None:
    ws = _register_sheet(wb, "投诉登记", "zh", head, date_f, "客户投诉登记表")
    buyers = [c for c in customers if c.status == "成交客户"]
    texts = {"产品质量": ["轴承异响, 使用两周后温升过高", "液压阀漏油", "传感器读数漂移"],
             "服务态度": ["客服电话无人接听", "业务员答复敷衍"], "虚假承诺": ["承诺三天到货实际十天", "承诺免费调试未兑现"],
             "送货": ["货物包装破损", "送错型号", "未按约定时间送达"], "其他": ["发票抬头错误", "=发票金额与合同不符"]}
    handlers = ["周敏", "吴刚", "郑丽", None]
    n = 46
    r = 2
    for i in range(n):
        c = buyers[int(rng.integers(len(buyers)))] if i % 9 else buyers[3]  # one repeat complainer
        received = ASOF - dt.timedelta(days=int(rng.integers(0, 330)))
        cat = _CATEGORIES[min(int(rng.exponential(1.2)), 4)]
        sev = _SEVERITY[2] if rng.random() < 0.15 else _SEVERITY[int(rng.integers(0, 2))]
        age = (ASOF - received).days
        ws.write_string(r, 0, f"TS{received:%y%m}-{i + 1:03d}")
        ws.write_datetime(r, 1, dt.datetime.combine(received, dt.time()), date_f)
        ws.write_string(r, 2, c.cid)
        ws.write_string(r, 3, c.name)
        ws.write_string(r, 4, c.phone)
        ws.write_string(r, 5, c.address)
        ws.write_string(r, 6, cat)
        ws.write_string(r, 7, texts[cat][i % len(texts[cat])])
        p = _PRODUCTS[i % len(_PRODUCTS)]
        ws.write_string(r, 8, p[0])
        ws.write_string(r, 9, p[1])
        ws.write_string(r, 10, f"B{received:%y%m}{i % 7:02d}")
        ws.write_string(r, 11, sev)
        ws.write_string(r, 12, "前台-小林")
        handler = handlers[i % 4] if age > 1 else None
        if handler:
            ws.write_string(r, 13, handler)
        # progress through the seven steps depends on age, with some stuck cases
        stuck = rng.random() < 0.15
        if handler and not (stuck and age < 20):
            resp = received + dt.timedelta(days=int(rng.choice([0, 0, 0, 1, 1, 2, 4])))
            if resp <= ASOF:
                ws.write_datetime(r, 14, dt.datetime.combine(resp, dt.time()), date_f)
                if age > 3:
                    ws.write_string(r, 15, ["更换新品", "上门维修", "退款并致歉", "补发配件"][i % 4])
                    ws.write_string(r, 16, "同意")
                if age > 5:
                    ws.write_string(r, 17, "已确认")
                    ws.write_string(r, 18, "已执行")
                if age > 8 and not stuck:
                    closed = received + dt.timedelta(days=int(rng.integers(3, 12)))
                    if closed <= ASOF:
                        ws.write_datetime(r, 19, dt.datetime.combine(closed, dt.time()), date_f)
                        if i % 3:
                            ws.write_string(r, 20, ["赠送配件", "书面致歉", "减免运费"][i % 3])
                        if closed + dt.timedelta(days=3) <= ASOF and i % 5:
                            ws.write_string(r, 21, _SATISFACTION[min(int(rng.exponential(1.0)), 4)])
                            ws.write_datetime(r, 22, dt.datetime.combine(closed + dt.timedelta(days=3), dt.time()),
                                              date_f)
                            if i % 2:  # expectation and perception scores (c = b / a)
                                ws.write_number(r, 23, 8 + i % 3)
                                ws.write_number(r, 24, round(float(rng.uniform(5, 10)), 1))
        r += 1


def _visit_log(wb, rng, customers, head, date_f) -> None:
    ws = wb.add_worksheet("拜访记录")
    ws.write_row(0, 0, ["拜访日期", "客户编号", "客户名称", "业务员", "拜访方式", "拜访目的", "拜访结果"], head)
    ws.freeze_panes(1, 0)
    ws.set_column(2, 2, 28)
    r = 1
    for c in customers[:150]:
        if c.status != "成交客户" or rng.random() < 0.35:
            continue
        for _ in range(int(rng.integers(1, 4))):
            day = ASOF - dt.timedelta(days=int(rng.integers(3, 120)))
            while day.weekday() >= 5:
                day -= dt.timedelta(days=1)
            ws.write_datetime(r, 0, dt.datetime.combine(day, dt.time()), date_f)
            ws.write_row(r, 1, [c.cid, c.name, c.rep, "上门" if rng.random() < 0.7 else "电话",
                                ["核对交易", "调整订货量", "产品培训", "核对票据", "新业务洽谈"][r % 5], "正常"])
            r += 1


def _settings(wb, head, date_f) -> None:
    ws = wb.add_worksheet("设置")
    ws.write_row(0, 0, ["设置项", "值", "说明"], head)
    ws.set_column(0, 0, 22)
    ws.set_column(1, 1, 14)
    ws.set_column(2, 2, 60)
    rows = [
        ("统计日期", dt.datetime(2026, 11, 20), "所有数字按此日期统计；留空 = 今天"),
        ("重要客户比例", "1%", "金字塔：前 1% 为重要客户"),
        ("主要客户累计比例", "20%", "前 20% 为重要 + 主要客户"),
        ("普通客户累计比例", "50%", "前 50% 为重要 + 主要 + 普通客户"),
        ("每人每日拜访数", 6, "每位业务员每个工作日最多拜访数"),
        ("离职业务员", "赵磊", "已离职的业务员，其客户将提示流失风险"),
        ("节假日", "", "额外休息日，多个用逗号分隔，例如 2026-12-31"),
    ]
    for i, (k, v, note) in enumerate(rows, start=1):
        ws.write_string(i, 0, k)
        if isinstance(v, dt.datetime):
            ws.write_datetime(i, 1, v, date_f)
        elif isinstance(v, (int, float)):
            ws.write_number(i, 1, v)
        elif v:
            ws.write_string(i, 1, v)
        ws.write_string(i, 2, note)


def _monthly_chart(wb, monthly: dict[str, float], head, money) -> None:
    ws = wb.add_worksheet("月度图表")
    ws.write_row(0, 0, ["月份", "销售额"], head)
    months = sorted(monthly)
    for i, m in enumerate(months, start=1):
        ws.write_string(i, 0, m)
        ws.write_number(i, 1, round(monthly[m], 2), money)
    chart = wb.add_chart({"type": "column"})
    chart.add_series({"name": "销售额", "categories": ["月度图表", 1, 0, len(months), 0],
                      "values": ["月度图表", 1, 1, len(months), 1]})
    chart.set_title({"name": "月度销售额"})
    chart.set_legend({"none": True})
    ws.insert_chart("D2", chart, {"x_scale": 1.6, "y_scale": 1.3})
    ws.add_sparkline("B" + str(len(months) + 3), {"range": f"月度图表!B2:B{len(months) + 1}"})


def make_en(path: Path, *, seed: int = SEED + 1) -> Path:
    rng = np.random.default_rng(seed)
    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False})
    wb.set_properties({"title": "Sales ledger demo", "author": "xlcrm demo", "created": FIXED_CREATED})
    head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    date_f = wb.add_format({"num_format": "yyyy-mm-dd"})
    money = wb.add_format({"num_format": "#,##0.00"})
    names = ["Acme Tools", "Birch & Co", "Cobalt Supply", "Delta Parts", "Evergreen Ltd", "Fjord Trading",
             "Granite Works", "Harbor Foods", "Ion Electric", "Juniper Retail", "Keystone Build",
             "Lumen Optics", "Maple Hardware", "Nimbus Labs", "Orchid Pharma", "Pioneer Motors",
             "Quartz Media", "Redwood Farms", "Summit Gear", "Tidal Logistics", "Umber Paints",
             "Vertex Steel", "Willow Home", "Xenon Lighting", "Yarrow Textiles", "Zephyr Air"]
    reps = ["Alice", "Bob", "Carmen"]
    ws = wb.add_worksheet("Orders")
    ws.merge_range(0, 0, 0, 7, "Sales orders 2025-2026", wb.add_format({"bold": True, "font_size": 13}))
    ws.write_row(1, 0, ["Order No", "Order Date", "Customer ID", "Customer Name", "Product", "Amount (USD)",
                        "Cost (USD)", "Sales Rep"], head)
    r = 2
    start = ASOF - dt.timedelta(days=540)
    for i, name in enumerate(names):
        rate = float(rng.lognormal(-0.3, 0.6))
        size = float(rng.lognormal(6.5, 0.9))
        day = start + dt.timedelta(days=int(rng.integers(0, 200)))
        stop = ASOF if i % 7 else start + dt.timedelta(days=300)
        while day <= stop:
            amount = round(size * float(rng.uniform(0.5, 1.5)), 2)
            ws.write_string(r, 0, f"PO-{r:05d}")
            ws.write_datetime(r, 1, dt.datetime.combine(day, dt.time()), date_f)
            ws.write_string(r, 2, f"A{100 + i}")
            ws.write_string(r, 3, name)
            ws.write_string(r, 4, ["Widget", "Gadget", "Sprocket"][r % 3])
            if r % 19 == 0:
                ws.write_string(r, 5, f"${amount:,.2f}")
            else:
                ws.write_number(r, 5, amount, money)
            ws.write_number(r, 6, round(amount * 0.7, 2), money)
            ws.write_string(r, 7, reps[i % 3])
            r += 1
            day += dt.timedelta(days=max(1, int(rng.exponential(30 / rate))))
    ws.write_string(r, 3, "Total")
    ws.write_formula(r, 5, f"=SUM(F3:F{r})")
    cws = wb.add_worksheet("Customers")
    cws.write_row(0, 0, ["Customer ID", "Customer Name", "Status", "Sales Rep", "Region", "Address", "Phone"], head)
    for i, name in enumerate(names):
        cws.write_row(i + 1, 0, [f"A{100 + i}", name, "Active", reps[i % 3], ["North", "South"][i % 2],
                                 f"{10 + i} Market Street", f"+1 555 01{i:02d}"])
    cws.write_row(len(names) + 1, 0, ["A900", "Prospect Corp", "Prospect", "Alice", "North", "1 Hill Road", ""])
    cr = _register_sheet(wb, "Complaints", "en", head, date_f, "Customer complaint register")
    _en_complaints(cr, names, date_f)
    _en_visit_log(wb, rng, names, reps, head, date_f)
    sws = wb.add_worksheet("Settings")
    sws.write_row(0, 0, ["Setting", "Value"], head)
    sws.write_string(1, 0, "As-of date")
    sws.write_datetime(1, 1, dt.datetime(2026, 11, 20), date_f)
    sws.write_string(2, 0, "Currency")
    sws.write_string(2, 1, "$")
    wb.close()
    return path


def _en_complaints(ws, names: list[str], date_f) -> None:  # type: ignore[no-untyped-def]
    """Twelve complaints in every state: closed on time, answered late and closed, open and
    overdue now, open and in time (so the English tracking sheet and Pareto are not empty)."""
    cats = ["Product quality", "Product quality", "Delivery", "Service attitude", "Product quality",
            "Misleading promise", "Delivery", "Product quality", "Other", "Delivery", "Product quality",
            "Service attitude"]
    for i, cat in enumerate(cats):
        r = 2 + i
        received = ASOF - dt.timedelta(days=300 - 25 * i)
        who = i * 5 % len(names)
        ws.write_string(r, 0, f"CP-{i + 1:03d}")
        ws.write_datetime(r, 1, dt.datetime.combine(received, dt.time()), date_f)
        ws.write_string(r, 2, f"A{100 + who}")
        ws.write_string(r, 3, names[who])
        ws.write_string(r, 6, cat)
        ws.write_string(r, 7, ["Bearing noise after two weeks", "Parcel damaged", "Wrong model shipped",
                               "Calls not returned"][i % 4])
        ws.write_string(r, 11, ["Normal", "Minor", "Severe"][i % 3])
        ws.write_string(r, 12, "Front desk")
        open_now = i >= 9  # the three most recent are still open
        if i != 10:
            ws.write_string(r, 13, ["Dana", "Eli", "Fay"][i % 3])
        if i in (9, 10):
            continue  # no first response yet: overdue now
        late = i % 4 == 1
        resp = received + dt.timedelta(days=4 if late else 0)
        ws.write_datetime(r, 14, dt.datetime.combine(resp, dt.time()), date_f)
        ws.write_string(r, 15, ["Replace the unit", "Repair on site", "Refund and apologise"][i % 3])
        ws.write_string(r, 16, "Approved")
        ws.write_string(r, 17, "Confirmed")
        ws.write_string(r, 18, "Carried out" if not open_now else "In progress")
        if open_now:
            continue
        closed = received + dt.timedelta(days=6)
        ws.write_datetime(r, 19, dt.datetime.combine(closed, dt.time()), date_f)
        ws.write_string(r, 21, ["Satisfied", "Highly satisfied", "Somewhat dissatisfied", "Neutral"][i % 4])
        ws.write_datetime(r, 22, dt.datetime.combine(closed + dt.timedelta(days=3), dt.time()), date_f)


def _en_visit_log(wb, rng, names: list[str], reps: list[str], head, date_f) -> None:  # type: ignore[no-untyped-def]
    ws = wb.add_worksheet("Visits")
    ws.write_row(0, 0, ["Visit Date", "Customer ID", "Customer Name", "Sales Rep", "Visit Type", "Purpose",
                        "Result"], head)
    ws.freeze_panes(1, 0)
    ws.set_column(2, 2, 22)
    r = 1
    for i, name in enumerate(names):
        if i % 4 == 3:
            continue
        for _ in range(int(rng.integers(1, 4))):
            day = ASOF - dt.timedelta(days=int(rng.integers(3, 120)))
            while day.weekday() >= 5:
                day -= dt.timedelta(days=1)
            ws.write_datetime(r, 0, dt.datetime.combine(day, dt.time()), date_f)
            ws.write_row(r, 1, [f"A{100 + i}", name, reps[i % 3], "On-site" if rng.random() < 0.7 else "Phone",
                                ["Review orders", "Stock planning", "Product training", "New business"][r % 4],
                                "OK"])
            r += 1


def make_demos(directory: str | Path) -> list[Path]:
    """Write both demo workbooks into ``directory`` (created if needed); return their paths."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    return [make_zh(directory / ZH_FILE), make_en(directory / EN_FILE)]


def _main() -> None:  # pragma: no cover - the committed files are made with this
    import sys

    for p in make_demos(sys.argv[1] if len(sys.argv) > 1 else "workbooks"):
        print(p)


if __name__ == "__main__":  # pragma: no cover
    _main()

