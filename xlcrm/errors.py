"""One error hierarchy for xlcrm.

    XlcrmError                      every error xlcrm raises on purpose
    +-- UnusableWorkbook            the file cannot be used at all (CLI exit 1)
    |   +-- NotAWorkbook            not an .xlsx/.xlsm zip package, or corrupt
    |   +-- PasswordProtected       encrypted (OLE container instead of a zip)
    |   +-- UnsafeWorkbook          entity bomb, zip bomb, part too large
    |   +-- WorkbookLocked          Excel's lock file ~$name.xlsx is beside it
    |   +-- NoOrderTable            no sheet with order headers / no rows
    |   +-- NoCustomerColumn        an order table without customer id or name
    |   +-- UnreadableData          read, but the result cannot be right (a date column of text, all amounts 0)
    |   +-- CannotWrite             the result cannot be written there (folder, disk, name,
    |   |                           a read-only workbook)
    |   +-- WorkbookChanged         the workbook was saved by someone else while xlcrm worked
    +-- SettingsError               a settings value cannot be used
    +-- ModelError                  a model cannot be fitted (e.g. BG/NBD did not converge)

Messages name the file or cell, the problem and the fix, in one line.
Library code raises; only the edges (CLI, UDFs, ribbon) translate.
"""

from __future__ import annotations


class XlcrmError(Exception):
    """Base of every error xlcrm raises on purpose."""


class UnusableWorkbook(XlcrmError):
    """The workbook cannot be used at all; the run stops and nothing is changed."""

    def __init__(self, path: object, problem: str, fix: str) -> None:
        self.path = str(path)
        self.problem = problem
        self.fix = fix
        super().__init__(f"{self.path}: {problem} — {fix}")


class NotAWorkbook(UnusableWorkbook):
    pass


class PasswordProtected(UnusableWorkbook):
    pass


class UnsafeWorkbook(UnusableWorkbook):
    pass


class WorkbookLocked(UnusableWorkbook):
    pass


class NoOrderTable(UnusableWorkbook):
    pass


class NoCustomerColumn(UnusableWorkbook):
    pass


class UnreadableData(UnusableWorkbook):
    pass


class CannotWrite(UnusableWorkbook):
    pass


class WorkbookChanged(UnusableWorkbook):
    pass


class SettingsError(XlcrmError):
    pass


class ModelError(XlcrmError):
    """A model cannot be fitted; ``zh`` (optional) is the same message in Chinese for the workbook."""

    def __init__(self, message: str, zh: str | None = None) -> None:
        super().__init__(message)
        self.zh = zh

    def text(self, lang: str) -> str:
        return self.zh if lang == "zh" and self.zh else str(self)
