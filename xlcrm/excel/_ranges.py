"""Range arguments read by us, cut to the used range first: a whole column (``A:A``) never
moves 1,048,576 rows through COM.

xlwings normally reads every range argument's ``.value`` before the UDF runs (on Windows a
whole column is 1,048,576 cells per argument per call). Our range arguments use the
``xlcrm_range`` converter instead: xlwings hands over the ``xlwings.Range`` itself (a typed
value or an array constant stays the value it is), and ``read_args`` cuts every range of one
call to the rows that can hold data (the used range of its sheet) before reading it, the
same number of rows for each range so that equal selections stay equal.

What comes out is ``Cells``: the rows, plus the sheet and first row they came from, so
``_cells.columns`` can refuse ranges that start on different rows of the same sheet.
"""

from __future__ import annotations

from typing import Any, Sequence

CONVERTER = "xlcrm_range"


class Cells(list):
    """The rows of a range argument (lists of values), with the sheet and row it started at."""

    def __init__(self, rows: Sequence[Sequence[Any]], sheet: str | None = None, row: int | None = None,
                 cut: int = 0) -> None:
        super().__init__(list(r) for r in rows)
        self.sheet = sheet
        self.row = row
        self.cut = cut  # rows below the used range left unread


def is_range(value: Any) -> bool:
    """An ``xlwings.Range`` (or a stand-in with its API), not a value."""
    return hasattr(value, "options") and hasattr(value, "sheet") and hasattr(value, "resize")


def _rows_needed(rng: Any) -> int:
    """How many of the range's rows can hold data: up to the last row of its sheet's used range."""
    used = rng.sheet.used_range
    last_used = used.row + used.shape[0] - 1
    return max(0, min(rng.shape[0], last_used - rng.row + 1))


def read_args(args: Sequence[Any]) -> list[Any]:
    """Every range among ``args`` read as ``Cells``, all cut to the same number of rows (the most
    any of them needs); other arguments as they are."""
    ranges = [i for i, a in enumerate(args) if is_range(a)]
    if not ranges:
        return list(args)
    keep = max(_rows_needed(args[i]) for i in ranges)
    out = list(args)
    for i in ranges:
        rng = args[i]
        height, width = rng.shape
        rows = min(height, max(keep, 1))
        part = rng if rows == height else rng.resize(rows, width)
        value = part.options(ndim=2).value
        out[i] = Cells(value or [[None]], sheet=rng.sheet.name, row=rng.row, cut=height - rows)
    return out


def register() -> None:
    """Teach xlwings the ``xlcrm_range`` converter: the Range itself when the argument is a
    range, the value as passed otherwise (xlwings' own ``"range"`` would turn a typed value
    into None)."""
    from xlwings.conversion import Accessor, Pipeline

    class KeepRange(Accessor):
        @staticmethod
        def keep(ctx: Any) -> None:
            if ctx.range is not None:
                ctx.value = ctx.range

        @classmethod
        def reader(cls, options: Any) -> Any:
            return Pipeline().append_stage(cls.keep)

    KeepRange.register(CONVERTER)
