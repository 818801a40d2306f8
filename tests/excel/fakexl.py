"""A small stand-in of the xlwings object model XlwingsBook uses (sheets, names, used_range,
range, tables, app.alert/status_bar/screen_updating), with xlwings' signatures.

It checks our logic, not Excel: tests/live_excel/ drives the real thing on Windows.
"""

from __future__ import annotations

import re
import types


class FakeRange:
    def __init__(self, sheet, row, col, rows=1, cols=1):
        self.sheet, self.row, self.column, self.rows, self.cols = sheet, row, col, rows, cols
        self.ndim = None

    def options(self, ndim=None, **_):
        self.ndim = ndim
        return self

    @property
    def value(self):
        return [[self.sheet.cells.get((r, c)) for c in range(self.column, self.column + self.cols)]
                for r in range(self.row, self.row + self.rows)]

    @value.setter
    def value(self, rows):
        if not isinstance(rows, list):  # one value into one cell
            rows = [[rows]]
        for i, row in enumerate(rows):
            for j, v in enumerate(row):
                self.sheet.cells[(self.row + i, self.column + j)] = v

    def resize(self, row_size=None, column_size=None):
        return FakeRange(self.sheet, self.row, self.column, row_size or self.rows, column_size or self.cols)

    def offset(self, row_offset=0, column_offset=0):
        return FakeRange(self.sheet, self.row + row_offset, self.column + column_offset, self.rows, self.cols)

    @property
    def number_format(self):
        return self.sheet.formats.get((self.row, self.column))

    @number_format.setter
    def number_format(self, fmt):
        for r in range(self.row, self.row + self.rows):
            self.sheet.formats[(r, self.column)] = fmt

    @property
    def columns(self):
        return types.SimpleNamespace(autofit=lambda: None)


class FakeTables(list):
    def add(self, source=None, name=None, **_):
        table = types.SimpleNamespace(name=name, range=source)
        table.delete = lambda t=table: self.remove(t)
        self.append(table)
        return table


class FakeSheet:
    def __init__(self, name, cells=None):
        self.name = name
        self.cells = dict(cells or {})
        self.formats = {}
        self.tables = FakeTables()
        self.visible = True

    @property
    def used_range(self):
        if not self.cells:
            return FakeRange(self, 1, 1)
        rows = [r for r, _ in self.cells]
        cols = [c for _, c in self.cells]
        return FakeRange(self, min(rows), min(cols), max(rows) - min(rows) + 1, max(cols) - min(cols) + 1)

    def range(self, address):
        letters, row = re.fullmatch(r"([A-Z]+)(\d+)", address).groups()
        col = 0
        for ch in letters:
            col = col * 26 + ord(ch) - 64
        return FakeRange(self, int(row), col)

    def clear(self):
        self.cells.clear()
        self.formats.clear()


class FakeSheets(list):
    def add(self, name=None, before=None, after=None):
        sheet = FakeSheet(name)
        self.insert(self.index(after) + 1 if after is not None else 0, sheet)
        return sheet


class FakeNames(list):
    def add(self, name, refers_to):
        entry = types.SimpleNamespace(name=name, refers_to=refers_to, api=types.SimpleNamespace(Visible=True))
        self.append(entry)
        return entry

    def __getitem__(self, key):
        if isinstance(key, str):
            return next(n for n in self if n.name == key)
        return list.__getitem__(self, key)


class FakeApp:
    def __init__(self, alert_works=True):
        self.screen_updating = True
        self.visible = True
        self.status_bar = False
        self.alerts = []
        self.alert_works = alert_works

    def alert(self, prompt, title=None, **_):
        if not self.alert_works:
            raise AttributeError("alert")
        self.alerts.append((title, prompt))


class FakeBook:
    def __init__(self, sheets, alert_works=True):
        self.name = "订单.xlsx"
        self.sheets = FakeSheets(sheets)
        self.names = FakeNames()
        self.app = FakeApp(alert_works)
