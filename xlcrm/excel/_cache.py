"""A small LRU cache keyed by the *content* of UDF inputs.

Filling ``=CRM_TIER(A2, $A$2:$A$10001, $B$2:$B$10001)`` down 10,000 rows calls the UDF
10,000 times with the same population ranges. xlwings' own cache only serves dynamic-array
resizing and async calls (keyed by the calling cell), so each call would re-rank every
customer; caching UDF results by their arguments is a long-standing request there
(xlwings issue #1981, "@xw.cached"). Here the expensive part (the pyramid, the churn model) is keyed by a hash of the
population's values plus settings and as-of date, and computed once.

xlwings' COM server may call UDFs from more than one thread; one lock guards the dict, and
a per-key lock makes concurrent first calls for the same key compute once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import marshal
import threading
from collections import OrderedDict
from typing import Any, Callable

MAXSIZE = 32  # distinct populations kept; a workbook rarely has more than a few


def content_key(*parts: Any) -> str:
    """A digest of plain Python values (lists of str/float/int/bool/None/dates, tuples, dicts).

    marshal (format 2: no object references, so equal content gives equal bytes) is several
    times faster than pickle on the nested lists xlwings passes; dates, which marshal cannot
    write, are first turned into tagged day numbers.
    """
    digest = hashlib.blake2b(digest_size=20)
    for part in parts:  # part by part, so only the parts holding dates pay for converting them
        if isinstance(part, list) and type(part) is not list:
            part = list(part)  # Cells (a list with its origin): marshal takes plain lists only
        try:
            data = marshal.dumps(part, 2)
        except ValueError:
            data = marshal.dumps(("plain", _plain(part)), 2)
        digest.update(len(data).to_bytes(8, "little"))
        digest.update(data)
    return digest.hexdigest()


_SIMPLE = (str, float, int, bool, type(None))


def _tag(c: Any) -> Any:
    """A non-plain cell as a tagged tuple marshal can write (dates as day numbers)."""
    if isinstance(c, dt.datetime):
        return ("dt", c.toordinal(), c.hour * 3600 + c.minute * 60 + c.second, c.microsecond)
    if isinstance(c, dt.date):
        return ("d", c.toordinal())
    if isinstance(c, (list, tuple, dict)):
        return _plain(c)
    return (type(c).__name__, repr(c))


def _plain(obj: Any) -> Any:
    if isinstance(obj, dict):
        return [("map",)] + [(_plain(k), _plain(v)) for k, v in sorted(obj.items(), key=repr)]
    if isinstance(obj, (list, tuple)):
        if obj and all(type(r) is list for r in obj):  # a grid: the hot path, one comprehension
            return [[c if type(c) in _SIMPLE else _tag(c) for c in row] for row in obj]
        return [c if type(c) in _SIMPLE else _tag(c) for c in obj]
    return obj if type(obj) in _SIMPLE else _tag(obj)


class ContentCache:
    def __init__(self, maxsize: int = MAXSIZE) -> None:
        self.maxsize = maxsize
        self._data: OrderedDict[str, Any] = OrderedDict()
        self._lock = threading.Lock()
        self._key_locks: dict[str, threading.Lock] = {}
        self.hits = 0
        self.misses = 0

    def get_or_compute(self, key: str, compute: Callable[[], Any]) -> Any:
        with self._lock:
            if key in self._data:
                self._data.move_to_end(key)
                self.hits += 1
                return self._data[key]
            key_lock = self._key_locks.setdefault(key, threading.Lock())
        with key_lock:
            with self._lock:  # another thread may have computed it while we waited
                if key in self._data:
                    self._data.move_to_end(key)
                    self.hits += 1
                    return self._data[key]
            try:
                value = compute()
            except BaseException:
                with self._lock:  # nothing is stored; the next call tries again
                    self._key_locks.pop(key, None)
                raise
            with self._lock:
                self.misses += 1
                self._data[key] = value
                self._data.move_to_end(key)
                while len(self._data) > self.maxsize:
                    self._data.popitem(last=False)
                self._key_locks.pop(key, None)
            return value

    def clear(self) -> None:
        with self._lock:
            self._data.clear()
            self.hits = self.misses = 0

    def info(self) -> dict[str, int]:
        with self._lock:
            return {"hits": self.hits, "misses": self.misses, "size": len(self._data),
                    "maxsize": self.maxsize}


CACHE = ContentCache()
