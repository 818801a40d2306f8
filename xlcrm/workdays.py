"""Working days in China: weekends and statutory holidays off, make-up days (调休) on.

The official schedule comes from the maintained ``holidays`` package (China: public
holidays plus ``weekend_workdays``, the announced make-up working days). The State
Council publishes each year's schedule around November; for a year the package does not
yet have, its holidays are rule-based and no make-up days are known, so users can add
both in the settings sheet (节假日 / 调休工作日), which always win.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import lru_cache

import holidays as _holidays


@lru_cache(maxsize=64)
def _official(year: int) -> tuple[frozenset[dt.date], frozenset[dt.date]]:
    cn = _holidays.China(years=year)
    off = frozenset(d for d in cn if d.year == year)
    on = frozenset(d for d in getattr(cn, "weekend_workdays", ()) if d.year == year)
    return off, on


class WorkCalendar:
    """Is a date a working day; add working days. Overrides: extra days off, extra days on."""

    def __init__(self, holidays: Iterable[dt.date] = (), workdays: Iterable[dt.date] = ()) -> None:
        self.extra_off = frozenset(_as_date(d) for d in holidays)
        self.extra_on = frozenset(_as_date(d) for d in workdays)

    @classmethod
    def from_settings(cls, settings: object) -> WorkCalendar:
        return cls(getattr(settings, "holidays", ()), getattr(settings, "workdays", ()))

    def is_workday(self, day: dt.date) -> bool:
        day = _as_date(day)
        if day in self.extra_on:
            return True
        if day in self.extra_off:
            return False
        off, on = _official(day.year)
        if day in on:
            return True
        if day in off:
            return False
        return day.weekday() < 5

    def next_workday(self, day: dt.date, *, include: bool = True) -> dt.date:
        """The first working day on or after ``day`` (after it when ``include`` is False)."""
        day = _as_date(day)
        if not include:
            day += dt.timedelta(days=1)
        while not self.is_workday(day):
            day += dt.timedelta(days=1)
        return day

    def previous_workday(self, day: dt.date, *, include: bool = True) -> dt.date:
        """The last working day on or before ``day`` (before it when ``include`` is False)."""
        day = _as_date(day)
        if not include:
            day -= dt.timedelta(days=1)
        while not self.is_workday(day):
            day -= dt.timedelta(days=1)
        return day

    def add_workdays(self, day: dt.date, n: int) -> dt.date:
        """The n-th working day after ``day`` (n=0: ``day`` itself if a working day, else the next)."""
        day = self.next_workday(day) if n == 0 else _as_date(day)
        for _ in range(n):
            day = self.next_workday(day, include=False)
        return day

    def workdays_between(self, start: dt.date, end: dt.date) -> list[dt.date]:
        """Working days from ``start`` to ``end``, both included."""
        start, end = _as_date(start), _as_date(end)
        out = []
        while start <= end:
            if self.is_workday(start):
                out.append(start)
            start += dt.timedelta(days=1)
        return out


def _as_date(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if hasattr(value, "date"):  # pandas Timestamp
        return value.date()  # type: ignore[no-any-return]
    raise TypeError(f"not a date: {value!r}")
