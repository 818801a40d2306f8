"""The CRM_* functions as Calc sees them: names, arguments and zh/en help, from the Excel UDFs.

The names, argument order and optional arguments are read from ``xlcrm.excel.udfs`` (one
source for Excel and Calc); the English help is the UDF docstring and ``ARG_DOCS``; the
Chinese help lives here. ``tests/calc/test_functions.py`` fails when a UDF or argument has
no Chinese text.

In Calc an add-in argument is optional only when its UNO type is ``any``; a required one is
``sequence<sequence<any>>`` (a range, or one value as a 1x1 array, like xlwings' ``ndim=2``).
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass

ZH_FUNCTIONS: dict[str, str] = {
    "CRM_TIER": "客户的价值金字塔等级：按价值排名，重要客户（前1%）、主要客户（其后19%）、普通客户（其后30%）、"
                "小客户（后50%）。同一组客户编号/价值只计算一次金字塔。",
    "CRM_PYRAMID": "整张价值金字塔表（数组公式）：客户编号、价值、排名、客户等级，每位客户一行，价值从高到低，含表头。",
    "CRM_LIFECYCLE": "根据订单判断客户生命周期：潜在/目标（尚无订单）、新客户、回头客、忠诚客户或已流失。"
                     "explain=TRUE 时在右侧一格给出原因。",
    "CRM_RFM": "客户的 RFM 代码（最近购买、购买频次、消费金额三项得分，如 545），与区域内全部客户比较评分。",
    "CRM_RFM_SEGMENT": "客户的 RFM 细分（重要价值客户、重要挽留客户……一般挽留客户），依据 R、F、M 高于或低于平均值。",
    "CRM_ABC": "按价值累计占比的 ABC 分类：A 至 80%，B 至 95%，其余为 C（可在设置中修改比例）。",
    "CRM_CHURN_RISK": "客户的流失风险（0-100）及原因，占两格（数组公式）；多位客户时为两列表格。同一订单表只运行一次模型。",
    "CRM_P_ALIVE": "客户仍然活跃的概率（0-1），由全部客户订单日期拟合的 BG/NBD 模型得出（与流失预警表同一数字）。",
    "CRM_CHURN_COST": "客户流失的损失（教科书算法）：流失客户数、收入损失、利润损失，为带标签的表格；"
                      "what=\"profit\"（或 \"lost\"、\"revenue\"）只给一个数字。",
    "CRM_NEXT_VISIT": "下次拜访或电话的日期（日期序列号）：重要/主要/普通/小客户每 7/14/30/90 天，高流失风险提前，顺延到工作日。",
    "CRM_RESPONSE_DUE": "投诉首次答复的截止日期（日期序列号）：重要和主要客户当天，其他客户按工作日计算。",
    "CRM_SATISFACTION_INDEX": "客户满意度指数 c = b / a：感知体验（b）除以期望（a）；1 表示恰好满足期望。",
}

ZH_ARGS: dict[str, str] = {
    "customer": "要查询的客户编号或名称；选一列区域则每格一个结果",
    "ids": "客户编号或名称，每行一个（可含表头）；重复的会合计",
    "values": "每行的价值（利润或销售额），与 ids 等高",
    "revenue": "可选：每行的收入，用于并列时排序",
    "recency_days": "每位客户距最近一次下单的天数",
    "frequency": "每位客户的订单数",
    "monetary": "每位客户的消费金额",
    "order_customers": "订单表的客户列",
    "order_dates": "订单表的日期列",
    "order_amounts": "订单表的金额列",
    "asof": "统计日期（默认今天）；之后的订单不计",
    "status": "可选：客户档案中的客户状态（如 潜在、目标）",
    "explain": "TRUE 时在右侧给出原因",
    "lang": "可选：\"zh\" 或 \"en\"（默认按表头语言，否则中文）",
    "settings": "可选：两列“设置项/值”区域，同设置表",
    "customers": "客户数",
    "lost_share": "一年内流失的客户比例（5% 或 0.05）",
    "revenue_each": "每位客户每年的收入",
    "margin": "利润率（10% 或 0.1）",
    "what": "可选：\"lost\"、\"revenue\" 或 \"profit\"，只返回一个数字",
    "last_contact": "最近一次拜访或电话的日期",
    "tier": "客户等级（重要客户/主要客户/普通客户/小客户 或 Key/Major/...）",
    "risk_level": "可选：流失风险等级（高/中/低 或 High/Medium/Low）",
    "received": "收到投诉的日期",
    "severity": "可选：投诉的严重程度",
    "perception": "感知体验得分（b）",
    "expectation": "期望得分（a）",
}

REQUIRED_TYPE = "sequence< sequence< any > >"
OPTIONAL_TYPE = "any"


@dataclass(frozen=True)
class Arg:
    name: str
    optional: bool
    en: str
    zh: str

    @property
    def uno_name(self) -> str:
        """The name in the IDL: UNO identifiers take no "_" before a lower-case letter."""
        head, *rest = self.name.split("_")
        return head + "".join(w.capitalize() for w in rest)

    @property
    def uno_type(self) -> str:
        return OPTIONAL_TYPE if self.optional else REQUIRED_TYPE


@dataclass(frozen=True)
class Function:
    name: str
    en: str
    zh: str
    args: tuple[Arg, ...]


def functions() -> list[Function]:
    """Every CRM_* UDF, in the order of ``udfs.__all__``."""
    import xlcrm.excel.udfs as udfs

    out = []
    for name in udfs.__all__:
        func = getattr(udfs, name)
        params = inspect.signature(func).parameters.values()
        args = tuple(Arg(p.name, p.default is not inspect.Parameter.empty, udfs.ARG_DOCS[p.name],
                         ZH_ARGS[p.name]) for p in params)
        out.append(Function(name, " ".join(func.__doc__.split()), ZH_FUNCTIONS[name], args))
    return out
