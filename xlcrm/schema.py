"""Canonical fields of each input table and the headers that name them (zh/en).

Headers are matched after normalisation (see ``xlcrm.workbook.headers``): case,
spaces, full-width forms, brackets and units such as ``(元)`` do not matter.
The field keys here are the column names of the frames in ``xlcrm.model.Frames``;
the core modules depend on them, so change a key only with every user of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

FieldType = Literal["text", "number", "date", "id", "flag"]


@dataclass(frozen=True)
class Field:
    key: str
    type: FieldType
    aliases: tuple[str, ...]  # zh and en headers; the first zh and first en are the display names
    en: str = ""
    zh: str = ""
    # Aliases that win over every other alias when a sheet has several columns of the field
    # (the amount actually paid over the billed one); listed in order of preference.
    prefer: tuple[str, ...] = ()


def _f(key: str, type_: FieldType, zh: str, en: str, *more: str, prefer: tuple[str, ...] = ()) -> Field:
    return Field(key, type_, (zh, en, *more, *prefer), en=en, zh=zh, prefer=prefer)


# Shared customer identity fields.
_CUSTOMER_ID = _f("customer_id", "id", "客户编号", "Customer ID", "客户代码", "客户编码", "客户号",
                  "客户ID", "Customer No", "Customer Number", "Customer Code", "Cust ID", "Client ID",
                  "Account ID", "Account No", "客户代号", "往来单位编码", "往来单位编号", "会员编号", "会员ID",
                  "买家ID", "会员卡号", "卡号", "社保卡号", "医保卡号", "Member ID", "Buyer ID", "Customer Key")
_CUSTOMER_NAME = _f("customer_name", "text", "客户名称", "Customer", "客户", "客户名", "客户姓名",
                    "单位名称", "公司名称", "购货单位", "客户全称", "往来单位", "Customer Name", "Client", "Client Name",
                    "Account", "Account Name", "Company", "客户简称", "往来单位名称", "买家会员名", "会员名",
                    "买家昵称", "买家", "会员", "会员姓名", "顾客", "顾客姓名", "收货人", "收货人姓名",
                    "终端客户全称", "终端客户", "Company Name", "Buyer", "Buyer Name", "Member", "Ship Name")
_REP = _f("rep", "text", "业务员", "Sales Rep", "销售员", "销售代表", "客户经理", "负责人",
          "业务经理", "跟单员", "Salesperson", "Sales Person", "Rep", "Account Manager", "Owner", "业务员姓名",
          "销售人员", "销售代表ID", "销售顾问", "营业员", "导购", "经办人", "Sales Representative", "Sales Agent",
          "Agent", "Manager", "Sales Manager", "Salesman", "Employee", "Employee Name", "Person", "Sales Person Name")
_REGION = _f("region", "text", "片区", "Region", "区域", "地区", "销售区域", "所属区域", "大区", "Area",
             "Territory")

ORDER_FIELDS: tuple[Field, ...] = (
    _f("order_id", "text", "订单编号", "Order ID", "订单号", "单号", "单据编号", "Order No",
       "Order Number", "Invoice No", "订单ID", "主订单编号", "销售单号", "单据号", "发票号", "Invoice",
       "Invoice Number", "Order Num", "Transaction ID"),
    _f("order_date", "date", "订单日期", "Order Date", "下单日期", "日期", "销售日期", "开单日期",
       "单据日期", "制单日期", "业务日期", "成交日期", "Date", "Sales Date", "下单时间", "订单创建时间",
       "创建时间", "订单付款时间", "付款时间", "销售时间", "成交时间", "购药时间", "交易时间", "交易创建时间",
       "订单时间", "开票日期", "Invoice Date", "Transaction Date", "Order Time", "Purchase Date",
       "签约日期", "合同日期", "收汇日期"),
    _CUSTOMER_ID,
    _CUSTOMER_NAME,
    _f("product", "text", "产品名称", "Product", "品名", "产品", "商品名称", "货品名称", "Product Name",
       "Item", "商品标题", "宝贝标题", "商品", "宝贝名称", "药品名称", "物料名称", "存货名称", "Product Line",
       "Description"),
    _f("model", "text", "型号", "Model", "规格", "规格型号", "Spec", "SKU"),
    _f("unit_price", "number", "单价", "Unit Price", "含税单价", "销售单价", "Price", "Price Each", "商品单价",
       "商品价格", "售价", "零售价", "本币含税单价", "本币无税单价", "无税单价", "未税单价", "Sale Price"),
    _f("quantity", "number", "数量", "Quantity", "销售数量", "订购数量", "销量", "Qty", "购买数量", "商品数量",
       "宝贝数量", "发货数量", "出库数量", "Quantity Ordered", "Order Quantity", "Ordered Qty", "Units",
       "Units Sold"),
    _f("amount", "number", "金额", "Amount", "销售额", "销售金额", "总金额", "订单金额", "含税金额",
       "价税合计", "销售收入", "成交金额", "Revenue", "Sales", "Total", "Total Amount", "Order Amount", "Net Sales",
       "应收金额", "应付金额", "本币含税金额", "本币价税合计", "原币含税金额", "原币价税合计", "销售额(含税)",
       "本币未税金额", "本币无税金额", "未税金额", "无税金额", "不含税金额", "原币无税金额", "未交金额",
       "Sales Amount", "Line Total", "Extended Price", "Sale Amount", "Order Total",
       "Total Price", "Total Sales", "Gross Sales", "合同金额", "收汇金额",
       # The choice rule when several amount columns are present (issue 11): what the customer
       # actually paid first (these), then the order of the aliases above: billed (金额, 订单金额,
       # 应收金额) before open amounts, tax-inclusive (含税, 价税合计) before pre-tax (未税, 无税).
       prefer=("实收金额", "实付金额", "买家实际支付金额", "实际支付金额", "实收款", "实付款", "支付金额",
               "付款金额", "Amount Paid", "Paid Amount")),
    _f("order_status", "text", "订单状态", "Order Status", "状态", "交易状态", "单据状态", "审核状态",
       "Status", "Order State"),
    _f("currency", "text", "币种", "Currency", "货币", "币别", "结算币种", "币制", "Currency Code"),
    _f("discount", "number", "折扣", "Discount", "折扣金额", "优惠金额", "折让金额", "优惠", "Discount Amount"),
    _f("cost", "number", "成本", "Cost", "成本金额", "销售成本", "Cost Amount", "COGS"),
    _f("profit", "number", "毛利", "Profit", "利润", "毛利额", "Gross Profit", "Margin"),
    _REP,
    _REGION,
    _f("ship_date", "date", "发货日期", "Ship Date", "发货时间", "出库日期", "出货日期", "Shipped",
       "Shipping Date"),
    _f("due_date", "date", "应收日期", "Due Date", "应收款日期", "付款到期日", "到期日", "Payment Due"),
    _f("paid_date", "date", "回款日期", "Paid Date", "收款日期", "付款日期", "Payment Date", "Paid On"),
    _f("remarks", "text", "备注", "Remarks", "说明", "Notes", "Comment"),
)

# An order-lines sheet of a normalised export (Northwind's Order Details): lines carry the
# amounts, the order header sheet the date and customer; joined by order ID.
_LINE_KEYS = ("order_id", "product", "model", "unit_price", "quantity", "amount", "order_status", "currency",
              "discount", "cost", "profit")
LINE_FIELDS: tuple[Field, ...] = tuple(f for f in ORDER_FIELDS if f.key in _LINE_KEYS)

DELIVERY_FIELDS: tuple[Field, ...] = (
    _f("delivery_id", "text", "发货单号", "Delivery ID", "送货单号", "出库单号", "Delivery No",
       "Shipment ID"),
    _f("order_id", "text", "订单编号", "Order ID", "订单号", "Order No"),
    _CUSTOMER_ID,
    _CUSTOMER_NAME,
    _f("product", "text", "产品名称", "Product", "品名", "产品", "Product Name", "Item"),
    _f("ship_date", "date", "发货日期", "Ship Date", "发货时间", "出库日期", "出货日期", "Shipped",
       "Shipping Date"),
    _f("promised_date", "date", "承诺日期", "Promised Date", "要求到货日期", "交货期", "约定交期",
       "Due Date", "Requested Date"),
    _f("received_date", "date", "签收日期", "Received Date", "到货日期", "签收时间", "Delivered",
       "Delivery Date"),
    _f("signed", "flag", "签收", "Signed", "是否签收", "签收状态", "Received"),
    _f("ordered_qty", "number", "订货数量", "Ordered Qty", "订单数量", "Ordered"),
    _f("quantity", "number", "发货数量", "Shipped Qty", "数量", "实发数量", "Quantity", "Qty"),
    _f("returned_qty", "number", "退货数量", "Returned Qty", "退货", "退回数量", "Returns", "Returned"),
    _f("return_reason", "text", "退货原因", "Return Reason", "原因"),
    _f("amount", "number", "金额", "Amount", "发货金额"),
)

CUSTOMER_FIELDS: tuple[Field, ...] = (
    _CUSTOMER_ID,
    _CUSTOMER_NAME,
    _f("status", "text", "客户状态", "Status", "状态", "客户类型", "客户类别", "Customer Status",
       "Stage"),
    _REP,
    _f("rep_status", "text", "业务员状态", "Rep Status", "业务员在职", "Rep Active"),
    _REGION,
    _f("address", "text", "地址", "Address", "客户地址", "详细地址", "送货地址"),
    _f("phone", "text", "电话", "Phone", "联系电话", "手机", "Tel", "Mobile", "Telephone"),
    _f("contact", "text", "联系人", "Contact", "Contact Person"),
    _f("latitude", "number", "纬度", "Latitude", "Lat"),
    _f("longitude", "number", "经度", "Longitude", "Lon", "Lng"),
    _f("industry", "text", "行业", "Industry"),
    _f("credit_limit", "number", "信用额度", "Credit Limit"),
    _f("created", "date", "建档日期", "Created", "开户日期", "Since"),
    _f("manual_flag", "text", "风险标记", "Risk Flag", "人工标记", "预警", "Manual Flag", "Flag"),
    _f("lost_reason", "text", "流失原因", "Lost Reason", "Churn Reason"),
)

COMPLAINT_FIELDS: tuple[Field, ...] = (
    _f("complaint_id", "text", "投诉编号", "Complaint ID", "投诉单号", "编号", "Complaint No", "Case ID"),
    _f("received", "date", "受理日期", "Received", "投诉日期", "登记日期", "Received Date",
       "Complaint Date", "Date Received"),
    _CUSTOMER_ID,
    _CUSTOMER_NAME,
    _f("phone", "text", "联系电话", "Phone", "电话", "Tel"),
    _f("address", "text", "地址", "Address"),
    _f("category", "text", "投诉类别", "Category", "投诉类型", "类别", "Complaint Type", "Type"),
    _f("content", "text", "投诉内容", "Details", "投诉原因", "内容", "问题描述", "Description",
       "Complaint"),
    _f("product", "text", "产品", "Product", "产品名称"),
    _f("spec", "text", "规格", "Specification", "型号", "Spec"),
    _f("batch", "text", "批号", "Batch", "生产批号", "Lot", "Batch No"),
    _f("severity", "text", "严重程度", "Severity", "等级", "Priority"),
    _f("recorder", "text", "记录人", "Recorded By", "登记人", "Recorder"),
    _f("handler", "text", "处理人", "Handler", "负责人", "Assigned To", "Owner"),
    _f("first_response", "date", "首次答复日期", "First Response", "答复日期", "首次回复日期",
       "Responded", "Response Date"),
    _f("solution", "text", "处理方案", "Solution", "处理意见", "Proposal", "Resolution Plan"),
    _f("approval", "text", "审批", "Approval", "审批意见", "Approved"),
    _f("customer_confirm", "text", "客户确认", "Customer Confirmed", "客户签字", "Customer Sign-off"),
    _f("execution", "text", "执行情况", "Execution", "执行", "Carried Out"),
    _f("closed", "date", "结案日期", "Closed", "关闭日期", "完成日期", "Closed Date", "Resolved"),
    _f("compensation", "text", "补偿", "Compensation", "赔偿"),
    _f("satisfaction", "text", "客户满意度", "Satisfaction", "满意度", "回访结果"),
    _f("followup_date", "date", "回访日期", "Follow-up Date", "Follow Up Date", "Follow-up"),
    _f("expectation", "number", "期望得分", "Expectation", "期望", "Expectation Score"),
    _f("perception", "number", "感知得分", "Perception", "感知", "Perception Score"),
)

VISIT_FIELDS: tuple[Field, ...] = (
    _f("visit_date", "date", "拜访日期", "Visit Date", "日期", "回访日期", "Date"),
    _CUSTOMER_ID,
    _CUSTOMER_NAME,
    _REP,
    _f("visit_type", "text", "拜访方式", "Visit Type", "方式", "Type"),
    _f("purpose", "text", "拜访目的", "Purpose", "目的"),
    _f("result", "text", "拜访结果", "Result", "结果", "备注", "Notes"),
)

SETTINGS_FIELDS: tuple[Field, ...] = (
    _f("key", "text", "设置项", "Setting", "参数", "项目", "名称", "Key", "Name", "Parameter"),
    _f("value", "text", "值", "Value", "数值", "设置值", "取值"),
)

# xlcrm's own history sheet (分级历史 / CRM History): one snapshot of every customer's
# class per refresh, read back so the next refresh can show who moved (classify.py writes it).
HISTORY_FIELDS: tuple[Field, ...] = (
    _f("asof", "date", "快照日期", "Snapshot Date"),
    _f("customer_key", "text", "客户键", "Customer Key"),
    _CUSTOMER_ID,
    _f("lifecycle", "text", "生命周期", "Lifecycle"),
    _f("tier", "text", "客户等级", "Tier"),
    _f("abc", "text", "ABC类", "ABC"),
)

# A region-to-person sheet (Superstore's People: Person | Region; 片区 | 负责人): assigns reps to
# orders that have a region but no rep.
REGION_REP_FIELDS: tuple[Field, ...] = (_REGION, _REP)

# Sheet roles the reader looks for, with their field sets and the fields that must be
# present for a table to be recognised as that role.
ROLES: dict[str, tuple[Field, ...]] = {
    "orders": ORDER_FIELDS,
    "order_lines": LINE_FIELDS,
    "region_reps": REGION_REP_FIELDS,
    "deliveries": DELIVERY_FIELDS,
    "customers": CUSTOMER_FIELDS,
    "complaints": COMPLAINT_FIELDS,
    "visits": VISIT_FIELDS,
    "settings": SETTINGS_FIELDS,
}

# Sheet names that hint at a role (a hint only; headers decide).
ROLE_SHEET_HINTS: dict[str, tuple[str, ...]] = {
    "orders": ("订单", "销售", "明细", "order", "sales"),
    "order_lines": ("明细", "detail", "line", "item"),
    "region_reps": ("负责人", "people", "users", "片区", "region"),
    "deliveries": ("发货", "送货", "出库", "delivery", "deliveries", "shipment"),
    "customers": ("客户档案", "客户资料", "客户信息", "客户", "customer", "master"),
    "complaints": ("投诉", "complaint"),
    "visits": ("拜访", "回访", "visit"),
    "settings": ("设置", "参数", "settings", "config"),
}

# Words that mark a totals line, not a customer.
TOTAL_WORDS: tuple[str, ...] = ("合计", "总计", "小计", "累计", "总额", "total", "subtotal", "grand total", "sum")
