"""Frames between LibreOffice and the worker: a 4-byte length, then a pickle (protocol 4).

The office side has its own copy (``oxt/pythonpath/xlcrmcalc/client.py``: it runs in
LibreOffice's Python, which cannot import xlcrm); tests/calc run both ends against each other.
Messages (office -> worker):
  ("call", function, [("val", value) | ("ref", digest)], [(digest, value) ...])
  ("command", action)
  ("ok", value) | ("err", text)            answers to the worker's document requests
  ("stop",)
Messages (worker -> office):
  ("ready", version)
  ("ok", result) | ("err", text) | ("need", [digest ...])   answers to a call
  ("doc", method, args)                     a question about the open document
  ("done", {"message": ..., "written": [...], "ok": bool})
"""

from __future__ import annotations

import pickle
import struct
from typing import Any, BinaryIO

PROTOCOL = 4
_HEADER = struct.Struct("<I")


def write_frame(stream: BinaryIO, obj: Any) -> None:
    data = pickle.dumps(obj, protocol=PROTOCOL)
    stream.write(_HEADER.pack(len(data)) + data)
    stream.flush()


def read_frame(stream: BinaryIO) -> Any:
    head = stream.read(_HEADER.size)
    if len(head) < _HEADER.size:
        raise EOFError("the office closed the connection")
    (size,) = _HEADER.unpack(head)
    data = stream.read(size)
    if len(data) < size:
        raise EOFError("the office closed the connection")
    return pickle.loads(data)
