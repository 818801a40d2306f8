"""Working days: the official Chinese schedule (holidays package) plus the settings' overrides.

Expected dates come from the State Council's 2026 holiday notice (国务院办公厅关于2026年
部分节假日安排的通知): National Day 10月1日至7日放假调休, 9月20日(周日)、10月10日(周六)上班;
Spring Festival 2月15日至23日放假调休, 2月14日(周六)、2月28日(周六)上班.
"""

import datetime as dt

import pytest

from xlcrm.settings import Settings
from xlcrm.workdays import WorkCalendar

D = dt.date


@pytest.mark.parametrize("day", [D(2026, 10, d) for d in range(1, 8)])
def test_national_day_2026_october_1_to_7_are_days_off_per_state_council_notice(day):
    assert not WorkCalendar().is_workday(day)


@pytest.mark.parametrize("day", [D(2026, 9, 20), D(2026, 10, 10)])
def test_national_day_2026_make_up_weekend_days_are_working_days(day):
    assert day.weekday() >= 5  # a Sunday and a Saturday
    assert WorkCalendar().is_workday(day)


def test_spring_festival_2026_per_state_council_notice():
    cal = WorkCalendar()
    assert not any(cal.is_workday(D(2026, 2, d)) for d in range(15, 24))
    assert cal.is_workday(D(2026, 2, 14)) and cal.is_workday(D(2026, 2, 28))


def test_ordinary_weekend_off_and_weekday_on():
    cal = WorkCalendar()
    assert not cal.is_workday(D(2026, 11, 28)) and not cal.is_workday(D(2026, 11, 29))
    assert cal.is_workday(D(2026, 11, 23))


def test_add_and_previous_workday_step_over_national_day():
    cal = WorkCalendar()
    assert cal.add_workdays(D(2026, 9, 30), 1) == D(2026, 10, 8)
    assert cal.add_workdays(D(2026, 9, 30), 2) == D(2026, 10, 9)
    assert cal.add_workdays(D(2026, 10, 9), 1) == D(2026, 10, 10)  # make-up Saturday
    assert cal.previous_workday(D(2026, 10, 7)) == D(2026, 9, 30)
    assert cal.previous_workday(D(2026, 9, 30), include=False) == D(2026, 9, 29)
    assert cal.next_workday(D(2026, 10, 1)) == D(2026, 10, 8)


def test_workdays_between_late_september_to_mid_october_2026_counted_by_hand():
    days = WorkCalendar().workdays_between(D(2026, 9, 19), D(2026, 10, 11))
    # Sep 20 (make-up), 21-24, 25 is Mid-Autumn Festival (off), 28-30, Oct 8, 9, 10 (make-up)
    expected = [D(2026, 9, 20)] + [D(2026, 9, d) for d in (21, 22, 23, 24, 28, 29, 30)] + \
        [D(2026, 10, 8), D(2026, 10, 9), D(2026, 10, 10)]
    assert days == expected


def test_settings_overrides_win_over_the_official_schedule():
    s, issues = Settings.from_mapping({"节假日": "2026-10-08, 2026-11-25", "调休工作日": "2026-10-04, 2026-11-28"})
    assert issues == []
    cal = WorkCalendar.from_settings(s)
    assert not cal.is_workday(D(2026, 10, 8)) and not cal.is_workday(D(2026, 11, 25))
    assert cal.is_workday(D(2026, 10, 4)) and cal.is_workday(D(2026, 11, 28))
    assert WorkCalendar().is_workday(D(2026, 11, 25))  # the default calendar is untouched
