"""Issue 12: part names that differ only in case break the OPC rules (ECMA-376 Part 2, 6.2.2.3).

A workbook whose own parts are named ``xl/worksheets/Sheet1.xml`` and ``xl/tables/Table1.xml``
(other tools write such names) got xlcrm's ``sheet1.xml`` and ``table1.xml`` beside them: two
parts one name to Excel, which then offers to "repair" the file.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import openpyxl
from openpyxl.worksheet.table import Table

from tests.libreoffice import read_back
from tests.workbook.fixtures import result_sheets
from xlcrm.workbook.write import write_in_place


def _capitalised_book(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "订单"
    ws.append(["订单日期", "客户名称", "金额"])
    ws.append([dt.datetime(2024, 1, 5), "华东机械", 100.0])
    ws.add_table(Table(displayName="用户表", ref="A1:C2"))
    wb.save(path)
    renames = {"xl/worksheets/sheet1.xml": "xl/worksheets/Sheet1.xml", "xl/tables/table1.xml": "xl/tables/Table1.xml",
               "xl/worksheets/_rels/sheet1.xml.rels": "xl/worksheets/_rels/Sheet1.xml.rels"}
    with zipfile.ZipFile(path) as z:
        parts = {i.filename: z.read(i) for i in z.infolist()}
    out = {}
    for name, data in parts.items():
        for old, new in renames.items():
            data = data.replace(old.removeprefix("xl/").encode(), new.removeprefix("xl/").encode())
            data = data.replace(b"/" + old.encode(), b"/" + new.encode())
            data = data.replace(old.rsplit("/", 1)[1].encode() + b'"', new.rsplit("/", 1)[1].encode() + b'"') \
                if name.endswith(".rels") and "worksheets/_rels" in name else data
        out[renames.get(name, name)] = data
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in out.items():
            z.writestr(name, data)
    return path


def test_no_two_parts_differ_only_in_case_after_a_refresh(tmp_path: Path) -> None:
    path = _capitalised_book(tmp_path / "book.xlsx")
    with zipfile.ZipFile(path) as z:
        assert "xl/worksheets/Sheet1.xml" in z.namelist() and "xl/tables/Table1.xml" in z.namelist()
    write_in_place(path, result_sheets(), lang="zh")
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
    assert len({n.casefold() for n in names}) == len(names), sorted(names)
    back = read_back(path)
    assert back["订单"][1][1] == "华东机械" and "客户分级" in back
