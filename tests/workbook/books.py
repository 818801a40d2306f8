"""Workbooks the reader tests build: the messy features of real order books, one by one."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.utils.datetime import CALENDAR_MAC_1904

ZH_HEADER = ["订单日期", "订单编号", "客户编号", "客户名称", "产品名称", "金额(元)", "数量", "单价", "成本", "备注"]


def write_rows(ws, rows: list[list[Any]], start_row: int = 1, start_col: int = 1,
               date_format: str = "yyyy-mm-dd") -> None:
    for i, row in enumerate(rows):
        for j, v in enumerate(row):
            if v is None:
                continue
            cell = ws.cell(start_row + i, start_col + j, v)
            if isinstance(v, (dt.date, dt.datetime)):
                cell.number_format = date_format


def serial(cell_value: float) -> _Serial:
    return _Serial(cell_value)


class _Serial(float):
    """A date typed as an Excel serial with a date format (how Excel stores every date)."""


def put(ws, row: int, col: int, v: Any) -> None:
    if v is None:
        return
    if isinstance(v, _Serial):
        c = ws.cell(row, col, float(v))
        c.number_format = "yyyy/m/d"
        return
    c = ws.cell(row, col, v)
    if isinstance(v, (dt.date, dt.datetime)):
        c.number_format = "yyyy-mm-dd"


def messy_zh_book(path: Path, body: list[list[Any]]) -> Path:
    """Title merged over A1:J1, note row, header on row 3, then ``body`` from row 4."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "销售明细"
    ws["A1"] = "2024年度销售明细表"
    ws.merge_cells("A1:J1")
    ws["A2"] = "制表：华东区   单位：元   说明：红字为退货"
    ws.merge_cells("A2:E2")
    for j, h in enumerate(ZH_HEADER, start=1):
        ws.cell(3, j, h)
    for i, row in enumerate(body):
        for j, v in enumerate(row, start=1):
            put(ws, 4 + i, j, v)
    wb.save(path)
    return path


def simple_book(path: Path, sheets: dict[str, list[list[Any]]], *, date1904: bool = False,
                merges: dict[str, list[str]] | None = None,
                defined: dict[str, str] | None = None, tables: dict[str, str] | None = None) -> Path:
    """One sheet per entry; rows from A1. ``defined`` adds workbook-level names (name -> ref);
    ``tables`` (sheet -> table name) makes a sheet's rows one Excel table."""
    wb = openpyxl.Workbook()
    if date1904:
        wb.epoch = CALENDAR_MAC_1904
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for i, row in enumerate(rows, start=1):
            for j, v in enumerate(row, start=1):
                put(ws, i, j, v)
        for rng in (merges or {}).get(name, []):
            ws.merge_cells(rng)
        if name in (tables or {}):
            from openpyxl.utils import get_column_letter
            from openpyxl.worksheet.table import Table

            ws.add_table(Table(displayName=tables[name], ref=f"A1:{get_column_letter(len(rows[0]))}{len(rows)}"))
    if defined:
        from openpyxl.workbook.defined_name import DefinedName

        for name, ref in defined.items():
            wb.defined_names[name] = DefinedName(name, attr_text=ref, hidden=True)
    wb.save(path)
    return path
