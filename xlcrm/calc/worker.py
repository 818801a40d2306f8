"""``python -m xlcrm.calc.worker``: xlcrm's Python serving one LibreOffice process.

The Calc extension starts it (with the interpreter ``xlcrm calc install`` recorded) on the
first CRM_* formula or menu command, and keeps it for the session, so the UDF cache
(``xlcrm.excel._cache``) lives as long as in Excel's xlwings server. Function calls run the
Excel UDFs themselves (``xlcrm.excel.udfs``); menu commands run the Excel ribbon's callbacks
(``xlcrm.excel.ribbon``) against a ``CalcBook``. Frames are described in ``protocol``.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import sys
from collections import OrderedDict
from typing import Any, BinaryIO

from xlcrm import __version__
from xlcrm.calc.protocol import read_frame, write_frame

log = logging.getLogger("xlcrm.calc")

STORE_SIZE = 16  # large ranges kept by digest (a workbook rarely has more populations)
_ERROR = re.compile(r"^(#VALUE!|#N/A|#DIV/0!|#NUM!|#REF!|#NAME\?) (.*)$", re.S)


def as_calc(value: Any) -> Any:
    """A UDF result for the office: error text becomes ("error", code, message)."""
    if isinstance(value, list):
        return [[as_calc(v) for v in row] for row in value]
    if isinstance(value, str):
        m = _ERROR.match(value)
        if m:
            return ("error", m.group(1), m.group(2))
    return value


def plain(value: Any) -> Any:
    """Only builtins and datetimes go to the office: its Python has no numpy or pandas."""
    if value is None or type(value) in (str, bool, int, float, dt.datetime):  # numpy/pandas subclass some
        return value
    if type(value).__name__ in ("NAType", "NaTType"):  # pandas' missing markers: a blank cell
        return None
    if hasattr(value, "to_pydatetime"):
        return value.to_pydatetime()
    if isinstance(value, dt.datetime):
        return dt.datetime(*value.timetuple()[:6], value.microsecond)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    if isinstance(value, str):
        return str(value)
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, tuple):
        return tuple(plain(v) for v in value)
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if hasattr(value, "item"):
        return plain(value.item())
    return str(value)


def _plain(value: Any) -> Any:
    """Rows from the office (tuples) as the lists xlwings passes."""
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return value


class Channel:
    """The worker's end: answers calls; asks the office about the document during a command."""

    def __init__(self, inp: BinaryIO, out: BinaryIO) -> None:
        self.inp, self.out = inp, out
        self.store: OrderedDict[str, Any] = OrderedDict()

    def ask(self, method: str, *args: Any) -> Any:
        write_frame(self.out, ("doc", method, plain(args)))
        kind, value = read_frame(self.inp)
        if kind != "ok":
            raise RuntimeError(f"LibreOffice could not {method}: {value}")
        return value

    def call(self, name: str, packed: list[tuple[str, Any]], sent: list[tuple[str, Any]]) -> tuple[Any, ...]:
        import xlcrm.excel.udfs as udfs

        for d, value in sent:
            self.store[d] = _plain(value)
            self.store.move_to_end(d)
        while len(self.store) > STORE_SIZE:
            self.store.popitem(last=False)
        missing = [v for kind, v in packed if kind == "ref" and v not in self.store]
        if missing:
            return ("need", missing)
        args = [self.store[v] if kind == "ref" else _plain(v) for kind, v in packed]
        if name not in udfs.__all__:
            return ("err", f"{name} is not an xlcrm function")
        return ("ok", plain(as_calc(getattr(udfs, name)(*args))))

    def command(self, action: str) -> dict[str, Any]:
        from xlcrm.calc.book import CalcBook
        from xlcrm.excel import ribbon

        book = CalcBook(self)
        if action == "help":
            lang = "zh"
            try:
                lang = book.read().lang
            except Exception:  # noqa: BLE001 - help shows even for a book xlcrm cannot read
                log.info("help: could not read the document")
            text = ribbon.HELP[lang].format(docs="docs/calc.md")
            book.message(text)
            return {"message": text, "written": [], "ok": True}
        if action not in ribbon.__all__ or action in ("Outcome", "help"):
            text = f"xlcrm: unknown command {action}"
            book.message(text)
            return {"message": text, "written": [], "ok": False}
        outcome = getattr(ribbon, action)(book)
        return plain({"message": outcome.message, "written": outcome.written, "ok": outcome.ok})

    def serve(self) -> None:
        write_frame(self.out, ("ready", __version__))
        while True:
            try:
                msg = read_frame(self.inp)
            except EOFError:
                return
            kind = msg[0]
            if kind == "stop":
                return
            try:
                if kind == "call":
                    answer: Any = self.call(msg[1], msg[2], msg[3])
                elif kind == "command":
                    answer = ("done", self.command(msg[1]))
                else:
                    answer = ("err", f"unknown message {kind!r}")
            except Exception as exc:  # noqa: BLE001 - the office shows it; the worker keeps serving
                log.exception("%s failed", kind)
                text = f"{type(exc).__name__}: {exc}"
                answer = ("done", {"message": text, "written": [], "ok": False}) if kind == "command" \
                    else ("err", text)
            write_frame(self.out, answer)


def main() -> None:
    inp, out = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # a stray print must not corrupt the frames
    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(asctime)s xlcrm-worker %(levelname)s %(name)s: %(message)s")
    Channel(inp, out).serve()


if __name__ == "__main__":
    main()
