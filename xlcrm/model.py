"""The data passed between the layers: clean input frames, data issues, result tables.

Every input frame uses the canonical field names of `xlcrm.schema` as columns, plus:
- ``customer_key`` (str): the customer's ID where the workbook has one, else the
  normalised customer name; every frame joins on it;
- ``source_sheet`` (str) and ``source_row`` (int, 1-based Excel row) so any number
  can be traced back to the cell it came from.
Dates are ``datetime64[ns]`` (NaT when missing); amounts are float (NaN when missing).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import pandas as pd

Kind = Literal["text", "int", "money", "number", "pct", "prob", "score", "date"]
Lang = Literal["zh", "en"]


@dataclass(frozen=True)
class Issue:
    """One cell (or row, or sheet) that could not be read; it is left out of the figures."""

    sheet: str
    cell: str  # "F18", or "" for a whole sheet, or "A5:H5" for a row
    problem: str
    fix: str

    def as_row(self) -> dict[str, str]:
        return {"sheet": self.sheet, "cell": self.cell, "problem": self.problem, "fix": self.fix}


@dataclass
class Frames:
    """The workbook as clean tables. Only ``orders`` is required."""

    orders: pd.DataFrame
    deliveries: pd.DataFrame | None = None
    customers: pd.DataFrame | None = None  # the customer master (客户档案)
    complaints: pd.DataFrame | None = None  # the complaint register (投诉登记)
    visits: pd.DataFrame | None = None  # the visit log (拜访记录)
    history: pd.DataFrame | None = None  # xlcrm's own snapshots of earlier refreshes
    settings: dict[str, object] = field(default_factory=dict)  # raw key -> value from 设置/Settings
    issues: list[Issue] = field(default_factory=list)


@dataclass(frozen=True)
class Column:
    """A result column: canonical key, header in each language, how to format it.

    ``style`` asks the writer for conditional formatting: "risk" (High/Medium/Low
    colours), "flag" (Yes/是 highlighted), "bar" (data bar), "scale" (colour scale).
    """

    key: str
    en: str
    zh: str
    kind: Kind = "text"
    style: str | None = None
    width: float | None = None
    coded: bool = False  # values are English codes that i18n.value() translates (tiers, levels, yes/no)

    def label(self, lang: Lang) -> str:
        return self.zh if lang == "zh" else self.en


@dataclass
class TableSpec:
    """One Excel table (ListObject). ``frame`` has the column keys; values are final text/numbers."""

    name: str  # table name, e.g. "xlcrm_customers" (must be unique in the workbook)
    frame: pd.DataFrame
    columns: list[Column]
    anchor: str = "A1"
    title: str | None = None  # optional caption written above a table not at A1
    row_kinds: list[Kind] | None = None  # per-row number format of the "value" column (else the last)
    links: dict[str, str] = field(default_factory=dict)  # cell column key -> sheet column key: hyperlinks


@dataclass(frozen=True)
class ChartSpec:
    """A native Excel chart over one table of the same sheet; Excel redraws it from the cells.

    ``bars`` and ``lines`` are column keys of ``table`` (one series each, named by the column's
    header cell); ``categories`` is the key of the category column. Lines go on a secondary
    axis when there are bars too (a Pareto's cumulative share). ``anchor`` is the cell box
    the chart covers, like "E1:J12". ``direction`` "bar" draws horizontal bars (first category
    on top); ``stacked`` stacks the bar series.
    """

    name: str
    title: str
    table: str
    categories: str
    bars: tuple[str, ...] = ()
    lines: tuple[str, ...] = ()
    anchor: str = "E1:J12"
    direction: Literal["col", "bar"] = "col"
    stacked: bool = False
    x_title: str = ""
    y_title: str = ""
    y2_title: str = ""
    y_format: str = "#,##0"
    y2_format: str = "0%"


@dataclass(frozen=True)
class CardCell:
    """One free cell of a form-like sheet (the customer card): a value or a formula.

    ``formula`` is written without the leading "="; "{role}" in it (like "{customers}") becomes
    the quoted name that role's sheet has in the workbook. ``style``: "title", "section",
    "label", "input" (the drop-down cell), "value", "text" (long text, wrapped).
    """

    ref: str
    value: object = None
    formula: str | None = None
    kind: Kind = "text"
    style: str = "value"


@dataclass
class SheetSpec:
    """One xlcrm-owned result sheet."""

    role: str  # customers, churn, visits, complaints, dashboard, issues, key_accounts, winback, history
    name: str  # the sheet name in the workbook's language
    tables: list[TableSpec]
    hidden: bool = False
    charts: list[ChartSpec] = field(default_factory=list)
    asof: str = ""  # the as-of date shown in the printed header
    col_widths: dict[int, float] = field(default_factory=dict)  # 0-based column -> minimum width
    print_cols: int | None = None  # columns A.. to print (None: as many as print readably)
    cells: list[CardCell] = field(default_factory=list)  # a form sheet's cells (no tables then)
    validations: list[tuple[str, str]] = field(default_factory=list)  # (cell, list formula) drop-downs
    row_heights: dict[int, float] = field(default_factory=dict)  # 1-based row -> height in points


@dataclass
class Results:
    """Everything one refresh computed, before it is turned into sheets."""

    sheets: list[SheetSpec]
    issues: list[Issue]
    summary: dict[str, object] = field(default_factory=dict)
