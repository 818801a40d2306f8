"""The pipeline end to end on small workbooks the tests build."""

from __future__ import annotations

import datetime as dt

import openpyxl

from xlcrm.refresh import refresh


def _book(path, register_rows):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "订单"
    ws.append(["订单日期", "客户编号", "客户名称", "金额"])
    for i in range(12):
        ws.append([dt.datetime(2026, 1 + i % 10, 5), f"C{i % 4}", f"客户{i % 4}", 100.0 + i])
    reg = wb.create_sheet("投诉登记")
    reg.append(["投诉编号", "受理日期", "客户编号", "投诉类别", "处理人", "首次答复日期", "结案日期"])
    for row in register_rows:
        reg.append(row)
    wb.save(path)


def test_register_rows_closed_before_received_are_reported_by_cell(tmp_path):
    src = tmp_path / "book.xlsx"
    _book(src, [["T1", dt.datetime(2026, 10, 5), "C1", "送货", "周敏", dt.datetime(2026, 10, 5),
                 dt.datetime(2026, 10, 1)]])
    report = refresh(src, output=tmp_path / "out.xlsx", asof=dt.date(2026, 11, 1))
    cells = {(i.sheet, i.cell) for i in report.issues}
    assert ("投诉登记", "G2") in cells, report.issues  # 结案日期 is column G, the entry is on row 2
    ws = openpyxl.load_workbook(tmp_path / "out.xlsx")["数据问题"]
    assert any(ws.cell(r, 2).value == "G2" for r in range(2, ws.max_row + 1))


def test_orders_after_the_asof_date_are_ignored(tmp_path):
    src = tmp_path / "book.xlsx"
    _book(src, [])
    early = refresh(src, output=tmp_path / "a.xlsx", asof=dt.date(2026, 3, 31))
    late = refresh(src, output=tmp_path / "b.xlsx", asof=dt.date(2026, 12, 31))
    rev_early = early.computed.customers["revenue"].sum()
    rev_late = late.computed.customers["revenue"].sum()
    # Jan-Mar orders only: rows i with 1 + i % 10 <= 3 -> i in {0, 1, 2, 10, 11}
    assert rev_early == sum(100.0 + i for i in (0, 1, 2, 10, 11))
    assert rev_late == sum(100.0 + i for i in range(12))


def test_an_order_on_the_asof_day_counts_whatever_its_time(tmp_path):
    # Issue 11: an export's "2026-03-31 10:08:00" on the as-of day itself was dropped.
    src = tmp_path / "book.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "订单"
    ws.append(["下单时间", "买家会员名", "实付金额"])
    ws.append(["2026-03-30 09:00:00", "tb_a", 10.0])
    ws.append(["2026-03-31 10:08:00", "tb_a", 20.0])
    ws.append([dt.datetime(2026, 3, 31, 23, 59, 59), "tb_b", 40.0])
    ws.append(["2026-04-01 00:00:01", "tb_b", 80.0])
    wb.save(src)
    report = refresh(src, output=tmp_path / "out.xlsx", asof=dt.date(2026, 3, 31))
    rev = report.computed.customers.set_index("customer")["revenue"]
    assert rev.to_dict() == {"tb_a": 30.0, "tb_b": 40.0}
