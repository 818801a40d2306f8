"""Cell parsers: expected values are the numbers and dates the text itself spells out, Excel's
serial-date rules as implemented by openpyxl (a peer library), and round-trip properties."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

from xlcrm.workbook.cells import (
    cell_address,
    column_letter,
    normalise_text,
    parse_date,
    parse_dates,
    parse_ids,
    parse_number,
    parse_numbers,
)


@pytest.mark.parametrize("text, expected", [
    ("1,234.50", 1234.50), ("¥1,234.50", 1234.50), ("￥1,234.50", 1234.50), ("1,234.50元", 1234.50),
    ("（1,234）", -1234.0), ("(1,234.5)", -1234.5), ("１２３４．５", 1234.5), ("１，２３４", 1234.0),
    (" 12 ", 12.0), ("-56.7", -56.7), ("RMB 1,000", 1000.0), ("$1,000.25", 1000.25), ("12%", 0.12),
    ("1234", 1234.0), ("1e3", 1000.0), ("-¥1,234.50", -1234.50),
])
def test_text_numbers_read_as_the_number_they_spell(text, expected):
    values, bad = parse_numbers(pd.Series([text], dtype=object))
    assert not bad[0]
    assert values[0] == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize("blank", [None, "", "  ", "-", "—", "－", "--", float("nan")])
def test_dash_and_empty_are_blank_not_errors(blank):
    values, bad = parse_numbers(pd.Series([blank], dtype=object))
    assert np.isnan(values[0]) and not bad[0]


@pytest.mark.parametrize("junk", ["abc", "1,23", "12.3.4", "￥", "1 2 3 x", True, dt.date(2024, 1, 5), "inf", "nan"])
def test_unreadable_numbers_are_flagged(junk):
    values, bad = parse_numbers(pd.Series([junk], dtype=object))
    assert np.isnan(values[0]) and bad[0]


def test_numbers_from_an_arrow_string_column_match_the_object_path():
    texts = ["1,234.50", "5", None, "x", "¥7"]
    a = parse_numbers(pd.Series(texts, dtype="str"))
    b = parse_numbers(pd.Series(texts, dtype=object))
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])


@given(cents=st.integers(min_value=-10**11, max_value=10**11),
       style=st.sampled_from(["{:,.2f}", "¥{:,.2f}", "{:,.2f}元", "{:.2f}", "￥{:,.2f}"]))
@settings(max_examples=200, deadline=None)
def test_formatted_money_round_trips_to_the_cent(cents, style):
    x = cents / 100
    text = style.format(abs(x))
    if x < 0:
        text = f"({text})"
    got = parse_number(text)
    assert round(got * 100) == cents


@pytest.mark.parametrize("serial_, epoch", [(1.0, CALENDAR_WINDOWS_1900), (45296.0, CALENDAR_WINDOWS_1900),
                                           (45296.75, CALENDAR_WINDOWS_1900), (60.0, CALENDAR_WINDOWS_1900),
                                           (61.0, CALENDAR_WINDOWS_1900), (109574.0, CALENDAR_WINDOWS_1900),
                                           (43834.0, CALENDAR_MAC_1904), (1.5, CALENDAR_MAC_1904)])
def test_serial_dates_match_openpyxl(serial_, epoch):
    from xlcrm.workbook.cells import _serial_to_ns

    ours = pd.Timestamp(_serial_to_ns(np.array([serial_]), epoch == CALENDAR_MAC_1904)[0])
    theirs = from_excel(serial_, epoch=epoch)
    assert ours.to_pydatetime() == theirs
    if serial_ >= 3654:  # what the reader accepts as a date cell
        assert parse_date(serial_, date1904=(epoch == CALENDAR_MAC_1904)).to_pydatetime() == theirs


@pytest.mark.parametrize("value", [1, 12, 31, 2024, 1.0, "12", 3653])
def test_month_day_and_year_numbers_are_not_dates_in_1900(value):
    # Issue 11: a month-number column mapped as a date became dates in January 1900.
    with pytest.raises(ValueError):
        parse_date(value)


@pytest.mark.parametrize("text", ["2018-01-01 星期一", "2018-01-01星期一", "2018-01-01 (周一)", "2018年1月1日 周一",
                                  "2018年1月1日星期一", "2018-01-01 礼拜一", "Mon 2018-01-01", "2018-01-01 Monday",
                                  "2018.1.1", "20180101", "2018/01/01 周一"])
def test_dates_with_a_weekday(text):
    assert parse_date(text) == pd.Timestamp(2018, 1, 1)


def test_datetime_with_weekday_and_time():
    assert parse_date("2024-01-05 14:32:10") == pd.Timestamp(2024, 1, 5, 14, 32, 10)
    s = pd.Series(["2018-01-01 星期一"] * 3 + ["2018-01-02 星期二", "bad"], dtype=object)
    vals, bad = parse_dates(s)
    assert list(bad) == [False, False, False, False, True]
    assert vals.iloc[3] == pd.Timestamp(2018, 1, 2)


@pytest.mark.parametrize("text", ["2024/1/5", "2024-01-05", "2024.1.5", "2024年1月5日", "2024年01月05日",
                                  "20240105", "２０２４/１/５", " 2024 / 1 / 5 ", "2024-01-05 00:00:00",
                                  "5-Jan-2024", "Jan 5, 2024", "45296"])
def test_text_dates_in_each_form(text):
    assert parse_date(text) == pd.Timestamp(2024, 1, 5)


def test_text_datetime_keeps_its_time():
    assert parse_date("2024/1/5 13:45") == pd.Timestamp(2024, 1, 5, 13, 45)
    assert parse_date("2024-01-05 13:45:30") == pd.Timestamp(2024, 1, 5, 13, 45, 30)


def test_typed_dates_and_datetimes_and_yyyymmdd_number():
    s = pd.Series([dt.datetime(2024, 1, 5, 8, 0), dt.date(2024, 1, 5), pd.Timestamp("2024-01-05"), 20240105,
                   np.datetime64("2024-01-05")], dtype=object)
    got, bad = parse_dates(s)
    assert not bad.any()
    assert got.dt.normalize().eq(pd.Timestamp(2024, 1, 5)).all()
    assert got.dtype == "datetime64[ns]"


@pytest.mark.parametrize("junk", ["abc", "2024/13/5", "2024/2/30", "20241340", -5.0, 1e9, True, "5/1/24x", 2958465.0, "9999-12-31"])
def test_unreadable_dates_are_flagged(junk):
    got, bad = parse_dates(pd.Series([junk], dtype=object))
    assert bad[0] and pd.isna(got.iloc[0])


@given(d=st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2099, 12, 31)),
       form=st.sampled_from(["{y}/{m}/{d}", "{y}-{m:02d}-{d:02d}", "{y}.{m}.{d}", "{y}年{m}月{d}日", "{y}{m:02d}{d:02d}"]))
@settings(max_examples=80, deadline=None)
def test_every_text_date_form_round_trips(d, form):
    text = form.format(y=d.year, m=d.month, d=d.day)
    assert parse_date(text) == pd.Timestamp(d)


def test_same_id_whether_number_float_or_text():
    ids = parse_ids(pd.Series([1001, 1001.0, "1001", " 1001 ", "1001.0", "１００１", "C-01", None], dtype=object))
    assert list(ids[:6]) == ["1001"] * 6
    assert ids[6] == "C-01" and ids[7] is None


def test_names_normalise_full_width_and_spaces():
    got = normalise_text(pd.Series(["  ＡＢＣ　贸易   公司 ", "ABC 贸易 公司", None], dtype=object))
    assert got[0] == got[1] == "ABC 贸易 公司" and got[2] is None


def test_cell_addresses_follow_excel_lettering():
    assert [column_letter(n) for n in (1, 26, 27, 52, 53, 702, 703, 16384)] == \
        ["A", "Z", "AA", "AZ", "BA", "ZZ", "AAA", "XFD"]
    assert cell_address(18, 6) == "F18"
