"""The data sheet and the formulas the live kit enters in Excel, with how to compute each
answer in Python from the same cells (the UDF core called directly, as xlwings would).

Plain data, no Excel: tests/excel/test_live_cases.py checks on Linux that every case
computes (no error text) from this grid, so a failure in Excel is Excel's, not the kit's.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, Callable

ASOF = dt.datetime(2024, 6, 30)
N = 10  # customers


def grid() -> list[list[Any]]:
    """The sheet 数据 from A1: customers and value (A:B), orders (D:F), visits and
    complaints (H:L), RFM inputs (N:Q), the as-of date (S1)."""
    rows: list[list[Any]] = [[None] * 19 for _ in range(1 + 4 * N)]
    head = {0: "客户编号", 1: "毛利", 3: "客户编号", 4: "订单日期", 5: "金额", 7: "最近联系", 8: "客户等级",
            9: "受理日期", 10: "感知得分", 11: "期望得分", 13: "客户编号", 14: "最近购买天数", 15: "购买频次",
            16: "消费金额"}
    for c, text in head.items():
        rows[0][c] = text
    rows[0][18] = ASOF
    tiers = ["重要客户", "主要客户", "普通客户", "小客户"]
    for i in range(N):
        r = rows[1 + i]
        r[0], r[1] = f"K{i:03d}", float(500 * (N - i) + 37 * i)
        r[7], r[8] = dt.datetime(2024, 6, 1) + dt.timedelta(days=i), tiers[i % 4]
        r[9], r[10], r[11] = dt.datetime(2024, 6, 3 + i), float(3 + i % 3), 4.0
        r[13], r[14], r[15], r[16] = f"K{i:03d}", float(5 + 20 * i), float(N - i), float(1000 * (N - i))
    for j in range(4 * N):
        r = rows[1 + j]
        r[3] = f"K{(j * 7) % N:03d}"
        r[4] = dt.datetime(2023, 7, 1) + dt.timedelta(days=(j * 37) % 360)
        r[5] = float(200 + 13 * j)
    return rows


def col(letter: str) -> int:
    n = 0
    for ch in letter:
        n = n * 26 + ord(ch) - 64
    return n - 1


def read(data: list[list[Any]], address: str) -> list[list[Any]]:
    """``A1:B3`` of the grid as xlwings passes a range (rows of values; A:A = the whole grid's
    rows of that column)."""
    m = re.fullmatch(r"\$?([A-Z]+)\$?(\d*):?\$?([A-Z]*)\$?(\d*)", address)
    assert m, address
    c1, r1, c2, r2 = m.group(1), m.group(2), m.group(3) or m.group(1), m.group(4) or m.group(2)
    first, last = (int(r1) - 1, int(r2)) if r1 else (0, len(data))
    return [row[col(c1):col(c2) + 1] for row in data[first:last]]


@dataclass
class Case:
    name: str
    formula: str  # as typed in Excel, in the cell ANCHOR
    python: Callable[[Callable[[str], Any]], Any]  # given read(address), the expected answer
    spills: bool = False
    error: bool = False  # the answer is an error text, by design


def cases() -> list[Case]:
    from xlcrm.excel import udfs as u

    ids, vals = "$A$1:$A$11", "$B$1:$B$11"
    oc, od, oa = "$D$1:$D$41", "$E$1:$E$41", "$F$1:$F$41"
    asof = "$S$1"
    return [
        Case("CRM_TIER", f"=CRM_TIER(A3,{ids},{vals})", lambda r: u.CRM_TIER(r("A3"), r(ids), r(vals))),
        Case("CRM_TIER whole columns", "=CRM_TIER(A3,A:A,B:B)", lambda r: u.CRM_TIER(r("A3"), r(ids), r(vals))),
        Case("CRM_TIER header in one range only", f"=CRM_TIER(A3,{ids},$B$2:$B$11)",
             lambda r: u.CRM_TIER(r("A3"), r(ids), r(vals))),
        Case("CRM_TIER ranges of different heights", f"=CRM_TIER(A3,{ids},$B$1:$B$10)",
             lambda r: u.CRM_TIER(r("A3"), r(ids), r("B1:B10")), error=True),
        Case("CRM_TIER spilled", f"=CRM_TIER($A$2:$A$11,{ids},{vals})",
             lambda r: u.CRM_TIER(r("A2:A11"), r(ids), r(vals)), spills=True),
        Case("CRM_PYRAMID", f"=CRM_PYRAMID({ids},{vals})", lambda r: u.CRM_PYRAMID(r(ids), r(vals)), spills=True),
        Case("CRM_ABC", f"=CRM_ABC(A4,{ids},{vals})", lambda r: u.CRM_ABC(r("A4"), r(ids), r(vals))),
        Case("CRM_RFM", "=CRM_RFM(N3,$N$1:$N$11,$O$1:$O$11,$P$1:$P$11,$Q$1:$Q$11)",
             lambda r: u.CRM_RFM(r("N3"), r("N1:N11"), r("O1:O11"), r("P1:P11"), r("Q1:Q11"))),
        Case("CRM_RFM_SEGMENT", "=CRM_RFM_SEGMENT(N3,$N$1:$N$11,$O$1:$O$11,$P$1:$P$11,$Q$1:$Q$11)",
             lambda r: u.CRM_RFM_SEGMENT(r("N3"), r("N1:N11"), r("O1:O11"), r("P1:P11"), r("Q1:Q11"))),
        Case("CRM_LIFECYCLE", f"=CRM_LIFECYCLE(A2,{oc},{od},{asof})",
             lambda r: u.CRM_LIFECYCLE(r("A2"), r(oc), r(od), r("S1"))),
        Case("CRM_LIFECYCLE explained", f"=CRM_LIFECYCLE(A2,{oc},{od},{asof},,TRUE)",
             lambda r: u.CRM_LIFECYCLE(r("A2"), r(oc), r(od), r("S1"), None, True), spills=True),
        Case("CRM_CHURN_RISK", f"=CRM_CHURN_RISK(A2,{oc},{od},{oa},{asof})",
             lambda r: u.CRM_CHURN_RISK(r("A2"), r(oc), r(od), r(oa), r("S1")), spills=True),
        Case("CRM_P_ALIVE", f"=CRM_P_ALIVE(A2,{oc},{od},{oa},{asof})",
             lambda r: u.CRM_P_ALIVE(r("A2"), r(oc), r(od), r(oa), r("S1"))),
        Case("CRM_CHURN_COST", "=CRM_CHURN_COST(1000,5%,2000,10%)",
             lambda r: u.CRM_CHURN_COST(1000.0, 0.05, 2000.0, 0.1), spills=True),
        Case("CRM_CHURN_COST one number", '=CRM_CHURN_COST(1000,5%,2000,10%,"profit")',
             lambda r: u.CRM_CHURN_COST(1000.0, 0.05, 2000.0, 0.1, "profit")),
        Case("CRM_NEXT_VISIT", f"=CRM_NEXT_VISIT(H2,I2,,{asof})",
             lambda r: u.CRM_NEXT_VISIT(r("H2"), r("I2"), None, r("S1"))),
        Case("CRM_NEXT_VISIT spilled", f"=CRM_NEXT_VISIT($H$2:$H$11,$I$2:$I$11,,{asof})",
             lambda r: u.CRM_NEXT_VISIT(r("H2:H11"), r("I2:I11"), None, r("S1")), spills=True),
        Case("CRM_RESPONSE_DUE", "=CRM_RESPONSE_DUE(J2,I2)", lambda r: u.CRM_RESPONSE_DUE(r("J2"), r("I2"))),
        Case("CRM_SATISFACTION_INDEX", "=CRM_SATISFACTION_INDEX(K2,L2)",
             lambda r: u.CRM_SATISFACTION_INDEX(r("K2"), r("L2"))),
        Case("CRM_SATISFACTION_INDEX spilled", "=CRM_SATISFACTION_INDEX($K$2:$K$11,$L$2:$L$11)",
             lambda r: u.CRM_SATISFACTION_INDEX(r("K2:K11"), r("L2:L11")), spills=True),
    ]


def names_covered() -> set[str]:
    return {c.name.split()[0] for c in cases()}
