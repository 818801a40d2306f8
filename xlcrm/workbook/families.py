"""Header families: headers no alias lists, recognised by the words real exports build them from.

An exact alias (``xlcrm.schema``) always wins; a family match is the fallback that lets
``订单支付时间``, ``客户单位全称`` or ``QTY_SHIPPED`` be read without a longer list. Family
matches are weak: the reader keeps one only when the column's content fits (dates parse
as dates, amounts as numbers; see ``sniff``). Rules work on the normalised header
(``headers.normalise_header``: lower case, no spaces or punctuation, half-width).
"""

from __future__ import annotations

import re

__all__ = ["FAMILY_RANK", "family_match"]

FAMILY_RANK = 1000  # worse than every alias: an alias in the same row wins

# (field, rule that must match, rule that must not): tried in this order, first hit wins.
_ORDER_RULES: tuple[tuple[str, str, str], ...] = (
    ("order_status", r"(状态|status)$", r"(客户|customer|client|业务员|rep)"),
    ("currency", r"(币种|币别|货币|币制|currency|curr)$|^(币种|currency)", r""),
    ("discount", r"(折扣|优惠|折让|discount|rebate)", r"(率前|前金额)"),
    ("order_date",
     r"(下单|订单|创建|付款|支付|销售|成交|交易|开单|单据|制单|业务|购药|购买|消费|开票|记账|出单|签单|订货|签约|签订|合同)"
     r".*(日期|时间|日|时刻)$|^(order|invoice|sale|sales|transaction|purchase|booking|document|posting|txn)"
     r"(date|time|datetime|day|dt)$|^(月份|年月|月度|期间|所属月份|month|period|yearmonth|monthyear)$",
     r"(发货|到货|签收|回款|收款|到期|交货|出库|ship|deliver|due|paid|payment|required)"),
    ("customer_id",
     r"(客户|买家|会员|顾客|购买人|购货|消费者|患者|往来单位|经销商|终端).*(编号|编码|代码|代号|号|id|卡号)$"
     r"|卡号$|^(customer|client|buyer|member|account|cust|company)(id|no|number|code|key|num|nr)$",
     r"(电话|手机|身份证|账号|帐号|单号|phone|mobile|订单|order|email|邮箱)"),
    ("customer_name",
     r"(客户|买家|会员|顾客|购买人|购买方|购货|收货人|消费者|患者|往来单位|经销商|终端|单位|公司)"
     r".*(名|名称|全称|简称|昵称|姓名)$|^(customer|client|buyer|company|account|member|cust|consignee|shipto|"
     r"billto|soldto|party)(name|fullname)?$",
     r"(业务员|销售|联系人|contact|product|item|产品|商品)"),
    ("rep",
     r"(业务员|业务代表|销售员|销售代表|销售人员|销售顾问|客户经理|业务经理|导购|经办人|跟单|营业员|负责人|"
     r"salesrep|salesperson|salesman|salesagent|salesmanager|accountmanager|accountexecutive|agent|"
     r"^manager|^rep(name|id)?$|^owner|^销售$|^经手人$)",
     r"(电话|手机|phone|mobile|email|邮箱)"),
    ("order_id",
     r"(订单|单据|销售单|发票|出库单|销货单).*(编号|号|号码|id|编码)$|^(order|invoice|so|salesorder|txn|"
     r"transaction)(id|no|number|num|nr|code)$",
     r"(客户|customer|物流|快递|运单|tracking|外部|原始)"),
    ("quantity", r"(数量|件数|销量|qty|quantity|units?$)", r"(退|return|未|open|库存|stock)"),
    ("unit_price", r"(单价|售价|priceeach|unitprice|^price$|^price\w{0,4}$)", r"(总|total)"),
    ("amount",
     r"(金额|销售额|营业额|收入|货款|价税合计|总价|总额|实收|实付|amount|sales$|revenue|total$|totalprice|"
     r"linetotal|extendedprice|netsales|grosssales|subtotal$)",
     r"(单价|成本|折扣|优惠|运费|邮费|税额|佣金|毛利|利润|退款|cost|discount|tax$|shipping|freight|profit|"
     r"margin|unit|commission)"),
    ("cost", r"(成本|cost|cogs)", r"(单位成本|unitcost)"),
    ("profit", r"(毛利|利润|profit|margin)", r"(率|rate|%|pct|percent)"),
    ("region", r"(片区|区域|地区|大区|销售区|region|territory|area|district)$", r""),
    ("product", r"(产品|商品|宝贝|货品|物料|存货|药品|品名|product|item|sku名称|article)(名|名称|标题)?$",
     r"(编号|编码|代码|id|code|no|number|数量|单价|金额|qty|price)"),
)

_COMPILED = tuple((f, re.compile(ok), re.compile(bad) if bad else None) for f, ok, bad in _ORDER_RULES)

_LINES = ("order_id", "product", "unit_price", "quantity", "amount", "order_status", "currency", "discount", "cost",
          "profit")
_RULES: dict[str, tuple[tuple[str, re.Pattern[str], re.Pattern[str] | None], ...]] = {
    "orders": _COMPILED, "order_lines": tuple(r for r in _COMPILED if r[0] in _LINES)}


def family_match(normalised: str, role: str, fields: frozenset[str] | set[str] | None = None) -> str | None:
    """The field a normalised header belongs to by its words, or None. Only ``fields`` are tried."""
    for key, ok, bad in _RULES.get(role, ()):
        if fields is not None and key not in fields:
            continue
        if ok.search(normalised) and not (bad is not None and bad.search(normalised)):
            return key
    return None
