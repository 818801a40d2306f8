"""The head-office workbook (``xlcrm report``): the branches side by side, from the store.

Built from the history store (``xlcrm.store``), never from the branch workbooks: each
office's newest snapshot on or before the as-of date, and the one before it for movement.

Sheets (zh / en), each an Excel table at A1 written by xlcrm's own writer, so they look
like the result sheets of a refresh:

- 分公司对比 / HQ Offices: per office the dashboard's key figures (customers, tier counts,
  lost and at-risk customers, revenue at risk, expected loss, complaint / omission /
  dissatisfaction rates, visits planned), with charts;
- 跨分公司客户 / HQ Shared Customers: customers that buy from several offices, matched by
  the same customer ID or the same normalised name;
- 等级变动 / HQ Tier Movement: per office, who moved up or down a tier since the previous
  snapshot (counts, then the customers);
- 历次快照 / HQ Snapshots: every refresh in the store, the figures over time.

``build_report`` does the arithmetic (frames in, sheet specs out); ``write_report`` writes.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from xlcrm.i18n import t
from xlcrm.model import ChartSpec, Column, Lang, SheetSpec, TableSpec
from xlcrm.movement import tier_change

__all__ = ["MAX_TABLE_ROWS", "HQBook", "build_report", "name_key", "shared_customers", "write_report"]

MAX_TABLE_ROWS = 1_048_575  # one header row in a 1,048,576-row sheet

SHEETS: dict[str, tuple[str, str]] = {
    "hq_offices": ("分公司对比", "HQ Offices"),
    "hq_shared": ("跨分公司客户", "HQ Shared Customers"),
    "hq_movement": ("等级变动", "HQ Tier Movement"),
    "hq_snapshots": ("历次快照", "HQ Snapshots"),
}

_TIER_COLS = {"Key": "key", "Major": "major", "Regular": "regular", "Small": "small"}

OFFICE_COLUMNS: list[Column] = [
    Column("office", "Office", "分公司", width=16),
    Column("as_of", "As of", "统计日期", "date"),
    Column("customers", "Customers", "客户数", "int"),
    Column("key", "Key", "重要客户", "int"),
    Column("major", "Major", "主要客户", "int"),
    Column("regular", "Regular", "普通客户", "int"),
    Column("small", "Small", "小客户", "int"),
    Column("lost_customers", "Lost customers", "流失客户数", "int"),
    Column("high_risk", "High-risk customers now", "当前高风险客户数", "int"),
    Column("at_risk_customers", "At-risk customers", "风险客户数", "int"),
    Column("at_risk_revenue", "Revenue at risk", "风险销售额", "money", style="bar"),
    Column("expected_loss", "Expected loss, next 12 months", "预计未来12个月损失", "money"),
    Column("revenue_12m", "Revenue, last 12 months", "近 12 个月销售额", "money"),
    Column("complaint_rate", "Complaint Rate", "投诉率", "pct"),
    Column("omission_rate", "Omission Rate", "遗漏率", "pct"),
    Column("dissatisfaction_rate", "Dissatisfaction Rate", "不满意率", "pct"),
    Column("open_complaints", "Open complaints", "未结案投诉", "int"),
    Column("visits_planned", "Visits planned", "计划拜访次数", "int"),
    Column("data_issues", "Data issues", "数据问题", "int"),
    Column("workbook", "Workbook", "工作簿", width=40),
]

SHARED_COLUMNS: list[Column] = [
    Column("group", "Group", "客户组", "int"),
    Column("offices", "Offices", "分公司数", "int"),
    Column("matched_by", "Matched By", "匹配依据"),
    Column("office", "Office", "分公司", width=16),
    Column("customer_id", "Customer ID", "客户编号"),
    Column("customer_name", "Customer", "客户名称", width=24),
    Column("tier", "Tier", "客户等级", coded=True),
    Column("lifecycle", "Lifecycle", "生命周期", coded=True),
    Column("risk_level", "Risk Level", "风险等级", style="risk", coded=True),
    Column("revenue_12m", "Revenue, last 12 months", "近 12 个月销售额", "money"),
    Column("group_revenue", "Group Revenue, 12 months", "组合计销售额(12个月)", "money", style="bar"),
]

MOVE_SUMMARY_COLUMNS: list[Column] = [
    Column("office", "Office", "分公司", width=16),
    Column("previous", "Previous Snapshot", "上次快照", "date"),
    Column("as_of", "As of", "统计日期", "date"),
    Column("up", "Up", "上升", "int"),
    Column("down", "Down", "下降", "int"),
    Column("entered", "Entered", "新进入", "int"),
    Column("left", "Left", "退出", "int"),
    Column("same", "Same", "不变", "int"),
]

MOVE_COLUMNS: list[Column] = [
    Column("office", "Office", "分公司", width=16),
    Column("customer_id", "Customer ID", "客户编号"),
    Column("customer_name", "Customer", "客户名称", width=24),
    Column("tier_prev", "Previous Tier", "上期等级", coded=True),
    Column("tier", "Tier", "客户等级", coded=True),
    Column("tier_change", "Tier Change", "等级变化", coded=True),
    Column("revenue_12m", "Revenue, last 12 months", "近 12 个月销售额", "money"),
    Column("churn_risk", "Churn Risk", "流失风险", "score"),
]

SNAPSHOT_COLUMNS: list[Column] = [c for c in OFFICE_COLUMNS if c.key not in _TIER_COLS.values()
                                  and c.key != "data_issues"]


@dataclass
class HQBook:
    """What ``xlcrm report`` writes, and what it tells the user."""

    sheets: list[SheetSpec]
    offices: int
    snapshots: int
    notes: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return self.snapshots == 0


def name_key(name: Any) -> str | None:
    """A customer name as offices type it, reduced to what identifies it: full-width to
    half-width (NFKC), case folded, spaces and punctuation dropped ("ACME Co., Ltd" ==
    "acme co ltd"; "华夏重工　有限公司" == "华夏重工有限公司")."""
    if name is None or (isinstance(name, float) and np.isnan(name)):
        return None
    text = unicodedata.normalize("NFKC", str(name)).casefold()
    key = "".join(ch for ch in text if ch.isalnum())
    return key or None


def shared_customers(latest: pd.DataFrame) -> pd.DataFrame:
    """Customers found in more than one workbook: rows of ``latest`` (one snapshot per
    workbook) linked when they share a customer ID or a normalised name, with ``group``,
    ``offices`` (distinct workbooks) and ``matched_by`` ("ID", "name", "ID+name")."""
    if latest.empty:
        return latest.assign(group=pd.Series(dtype="int64"), offices=pd.Series(dtype="int64"),
                             matched_by=pd.Series(dtype=object))
    rows = latest.reset_index(drop=True)
    parent = list(range(len(rows)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    ids = [None if v is None else str(v).strip() or None for v in rows["customer_id"]]
    names = [name_key(v) for v in rows["customer_name"]]
    first_of: dict[tuple[str, str], int] = {}
    for i, (cid, nk) in enumerate(zip(ids, names)):
        for node in ((("id", cid),) if cid else ()) + ((("name", nk),) if nk else ()):
            j = first_of.setdefault(node, i)
            if j != i:
                a, b = find(i), find(j)
                if a != b:
                    parent[max(a, b)] = min(a, b)
    root = np.array([find(i) for i in range(len(rows))])
    rows["_root"] = root
    books = rows.groupby("_root")["workbook"].nunique()
    shared = rows[rows["_root"].map(books) > 1].copy()
    if shared.empty:
        return shared.drop(columns="_root").assign(group=pd.Series(dtype="int64"),
                                                   offices=pd.Series(dtype="int64"),
                                                   matched_by=pd.Series(dtype=object))

    def how(g: pd.DataFrame) -> str:
        by_id = g.dropna(subset=["customer_id"]).groupby("customer_id")["workbook"].nunique().gt(1).any()
        keys = g["customer_name"].map(name_key)
        by_name = g.assign(_k=keys).dropna(subset=["_k"]).groupby("_k")["workbook"].nunique().gt(1).any()
        return "ID+name" if by_id and by_name else "ID" if by_id else "name"

    matched = {r: how(g) for r, g in shared.groupby("_root")}
    shared["offices"] = shared["_root"].map(books).astype("int64")
    shared["matched_by"] = shared["_root"].map(matched)
    rev = shared["revenue_12m"].fillna(0.0)
    shared["group_revenue"] = rev.groupby(shared["_root"]).transform("sum")
    order = (shared.groupby("_root")["group_revenue"].first().sort_values(ascending=False, kind="mergesort"))
    rank = {r: i + 1 for i, r in enumerate(order.index)}
    shared["group"] = shared["_root"].map(rank).astype("int64")
    shared = shared.sort_values(["group", "office", "customer_key"], kind="mergesort")
    return shared.drop(columns="_root").reset_index(drop=True)


def _latest_refreshes(refreshes: pd.DataFrame) -> pd.DataFrame:
    r = refreshes.sort_values(["workbook", "as_of"], kind="mergesort")
    return r.groupby("workbook", sort=False).tail(1).sort_values(["office", "workbook"], kind="mergesort")


def _offices(refreshes: pd.DataFrame, latest: pd.DataFrame) -> pd.DataFrame:
    """One row per workbook: its newest refresh's figures and its tier counts."""
    out = _latest_refreshes(refreshes).reset_index(drop=True)
    newest = latest[latest["n"] == 1]
    counts = pd.crosstab(newest["workbook"], newest["tier"]) if len(newest) else pd.DataFrame()
    for tier, key in _TIER_COLS.items():
        col = counts[tier] if tier in counts.columns else pd.Series(dtype="int64")
        out[key] = out["workbook"].map(col).fillna(0).astype("int64")
    return out


def _movement(latest: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per workbook, tier changes from its previous snapshot to its newest: counts and movers."""
    summary, movers = [], []
    for workbook, g in latest.groupby("workbook", sort=False):
        now = g[g["n"] == 1].set_index("customer_key")
        prev = g[g["n"] == 2].set_index("customer_key")
        if prev.empty or now.empty:
            continue
        keys = now.index.union(prev.index)
        change = tier_change(prev["tier"].reindex(keys), now["tier"].reindex(keys))
        counts = change.value_counts()
        summary.append({"office": now["office"].iloc[0], "workbook": workbook,
                        "previous": prev["as_of"].iloc[0], "as_of": now["as_of"].iloc[0],
                        **{k.lower(): int(counts.get(k, 0)) for k in ("Up", "Down", "Entered", "Left", "Same")}})
        moved = change[change.isin(["Up", "Down"])].index
        if len(moved):
            m = now.reindex(moved)
            movers.append(pd.DataFrame({
                "office": now["office"].iloc[0], "customer_id": m["customer_id"].to_numpy(object),
                "customer_name": m["customer_name"].to_numpy(object),
                "tier_prev": prev["tier"].reindex(moved).to_numpy(object), "tier": m["tier"].to_numpy(object),
                "tier_change": change[moved].to_numpy(object), "revenue_12m": m["revenue_12m"].to_numpy(float),
                "churn_risk": m["churn_risk"].to_numpy(float)}))
    s = pd.DataFrame(summary, columns=["office", "workbook", "previous", "as_of", "up", "down", "entered",
                                       "left", "same"])
    d = (pd.concat(movers, ignore_index=True) if movers else
         pd.DataFrame(columns=[c.key for c in MOVE_COLUMNS]))
    if len(d):
        d = d.sort_values(["office", "tier_change", "revenue_12m"], ascending=[True, False, False],
                          kind="mergesort").reset_index(drop=True)
    return s, d


def _cap(frame: pd.DataFrame, by: str, what_en: str, what_zh: str, lang: Lang, notes: list[str]) -> pd.DataFrame:
    """At most an Excel sheet's rows, keeping the largest ``by``; says so in ``notes``."""
    if len(frame) <= MAX_TABLE_ROWS - 1:
        return frame
    notes.append(t(lang, "{what}: {n:,} rows do not fit an Excel sheet; the {k:,} with the largest revenue are "
                         "shown (the store holds them all)",
                   "{what}：共 {n:,} 行，超过 Excel 工作表上限；仅列出销售额最大的 {k:,} 行（数据库中保存全部）",
                   what=t(lang, what_en, what_zh), n=len(frame), k=MAX_TABLE_ROWS - 1))
    return frame.sort_values(by, ascending=False, kind="mergesort").head(MAX_TABLE_ROWS - 1)


def build_report(store: Any, *, lang: Lang = "zh", asof: dt.date | None = None) -> HQBook:
    """The head-office workbook's sheets from ``store`` (an open ``xlcrm.store.Store``)."""
    refreshes = store.refreshes(asof=asof)
    latest = store.snapshots(latest=2, asof=asof)
    notes: list[str] = []
    if refreshes.empty:
        return HQBook(sheets=[], offices=0, snapshots=0)
    offices = _offices(refreshes, latest)
    shared = _cap(shared_customers(latest[latest["n"] == 1].drop(columns="n")), "group_revenue",
                  "Shared customers", "跨分公司客户", lang, notes)
    words = {"ID": t(lang, "same ID", "相同编号"), "name": t(lang, "same name", "相同名称"),
             "ID+name": t(lang, "same ID and name", "相同编号和名称")}
    shared["matched_by"] = shared["matched_by"].map(words)
    summary, movers = _movement(latest)
    movers = _cap(movers, "revenue_12m", "Tier movement", "等级变动", lang, notes)
    history = refreshes.sort_values(["office", "workbook", "as_of"], kind="mergesort").reset_index(drop=True)
    max_asof = f"{offices['as_of'].max():%Y-%m-%d}"  # the printed header's date

    def sheet(role: str, *tables: TableSpec, charts: list[ChartSpec] | None = None) -> SheetSpec:
        zh, en = SHEETS[role]
        return SheetSpec(role=role, name=zh if lang == "zh" else en, tables=list(tables), charts=list(charts or []),
                         asof=max_asof)

    from xlcrm.dashboard import anchor_right_of

    move_tables = [TableSpec("xlcrm_hq_movement", summary[[c.key for c in MOVE_SUMMARY_COLUMNS]],
                             MOVE_SUMMARY_COLUMNS)]
    move_tables.append(TableSpec("xlcrm_hq_movers", movers[[c.key for c in MOVE_COLUMNS]], MOVE_COLUMNS,
                                 anchor=anchor_right_of(MOVE_SUMMARY_COLUMNS, row=2),
                                 title=t(lang, "Customers who moved up or down a tier", "等级上升或下降的客户")))
    sheets = [
        sheet("hq_offices", TableSpec("xlcrm_hq_offices", offices[[c.key for c in OFFICE_COLUMNS]],
                                      OFFICE_COLUMNS), charts=_office_charts(len(offices), lang)),
        sheet("hq_shared", TableSpec("xlcrm_hq_shared", shared.reindex(columns=[c.key for c in SHARED_COLUMNS]),
                                     SHARED_COLUMNS)),
        sheet("hq_movement", *move_tables, charts=_movement_charts(len(summary), lang)),
        sheet("hq_snapshots", TableSpec("xlcrm_hq_snapshots", history[[c.key for c in SNAPSHOT_COLUMNS]],
                                        SNAPSHOT_COLUMNS)),
    ]
    if summary.empty:
        notes.append(t(lang, "No office has two snapshots yet: tier movement appears after the next refresh.",
                       "尚无分公司有两次快照：下次刷新后可看到等级变动。"))
    return HQBook(sheets=sheets, offices=len(offices), snapshots=len(refreshes), notes=notes)


def _chart(**kw: Any) -> ChartSpec:
    return ChartSpec(**kw)


def _box(first_row: int, height: int = 18, cols: str = "A:H") -> str:
    a, b = cols.split(":")
    return f"{a}{first_row}:{b}{first_row + height - 1}"


def _office_charts(n: int, lang: Lang) -> list[ChartSpec]:
    top = n + 4  # below the table
    charts = [
        _chart(name="hq_tiers", title=t(lang, "Customers by tier, per office", "各分公司客户等级分布"),
               table="xlcrm_hq_offices", categories="office", bars=tuple(_TIER_COLS.values()), stacked=True,
               anchor=_box(top, cols="A:G"), y_format="#,##0"),
        _chart(name="hq_risk", title=t(lang, "Revenue at risk and expected loss, per office",
                                        "各分公司风险销售额与预计损失"),
               table="xlcrm_hq_offices", categories="office", bars=("at_risk_revenue", "expected_loss"),
               anchor=_box(top, cols="I:P"), y_format="#,##0"),
        _chart(name="hq_rates", title=t(lang, "Complaint, omission and dissatisfaction rates, per office",
                                         "各分公司投诉率、遗漏率与不满意率"),
               table="xlcrm_hq_offices", categories="office",
               bars=("complaint_rate", "omission_rate", "dissatisfaction_rate"),
               anchor=_box(top + 19, cols="A:G"), y_format="0%"),
    ]
    return charts


def _movement_charts(n: int, lang: Lang) -> list[ChartSpec]:
    if not n:
        return []
    c = _chart(name="hq_moves", title=t(lang, "Tier movement since the previous snapshot", "与上次快照相比的等级变动"),
               table="xlcrm_hq_movement", categories="office", bars=("up", "down", "entered", "left"),
               anchor=_box(n + 4, cols="A:H"), y_format="#,##0")
    return [c]


def write_report(book: HQBook, output: str | Path, *, lang: Lang) -> Any:
    """Write ``book`` as a new workbook at ``output`` (an existing file there is backed up)."""
    from xlcrm.workbook.write import write_new

    return write_new(Path(output), book.sheets, lang=lang)

