"""One parsing module: the reader, the settings, the UDFs, the visit plan and the churn
signals read numbers, dates, yes/no and departed words the same way (issue 11, item 11)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from xlcrm import parsing
from xlcrm.excel._cells import CellError, to_date, to_number
from xlcrm.settings import Settings
from xlcrm.workbook.cells import parse_date, parse_flags, parse_number

MONEY = ["¥1,234.50", "￥1,234.50", "1,234.50元", "RMB 1,234.50", "US$1,234.50", "$1,234.50", "€1,234.50",
         "1234.50 EUR", "£1,234.50", "HK$1,234.50", "1,234.50 美元", "１，２３４．５０"]
DATES = ["2018-01-01 星期一", "2018年1月1日 周一", "2018.1.1", "20180101", "2018-01-01 14:32:10", "2018/1/1",
         "1 Jan 2018", "2018-01-01 (Mon)"]


@pytest.mark.parametrize("text", MONEY)
def test_reader_and_udfs_read_every_currency_form_alike(text):
    assert parse_number(text) == 1234.5
    assert to_number(text) == 1234.5  # the UDFs knew only ¥ ￥ $ 元 before


@pytest.mark.parametrize("text", DATES)
def test_reader_udfs_and_settings_read_every_date_form_alike(text):
    assert parse_date(text).date() == dt.date(2018, 1, 1)
    assert to_date(text) == dt.date(2018, 1, 1)
    s, issues = Settings.from_mapping({"统计日期": text})
    assert (s.asof, issues) == (dt.date(2018, 1, 1), [])


def test_udf_refuses_what_the_reader_refuses():
    for text in ("12,34", "abc", "01/05/2024"):
        with pytest.raises(ValueError):
            parse_number(text) if "/" not in text else parse_date(text)
        with pytest.raises(CellError):
            to_number(text) if "/" not in text else to_date(text)


@pytest.mark.parametrize("status", ["离职", "已离职", "Resigned", "left", "INACTIVE", "调离", "停用"])
def test_departed_words_are_one_list_for_visits_and_churn(status):
    import xlcrm.churn_signals as cs
    import xlcrm.visits as v

    assert parsing.is_departed(status)
    # Both modules use the one function (they kept two lists that disagreed on "resigned" and "former").
    assert v.is_departed is parsing.is_departed and cs.is_departed is parsing.is_departed


@pytest.mark.parametrize("status", ["在职", "未离职", "", None, "正常"])
def test_active_statuses_are_not_departed(status):
    assert not parsing.is_departed(status)


def test_yes_no_words_are_shared_by_the_reader_and_the_settings():
    for word in sorted(parsing.YES_WORDS):
        assert parse_flags(pd.Series([word]))[0][0] == "Yes"
    for word in ("是", "yes", "Y", "1", "√"):
        assert Settings.from_mapping({"month_first": word})[0].month_first is True
    for word in ("否", "no", "N", "0"):
        assert Settings.from_mapping({"month_first": word})[0].month_first is False


@pytest.mark.parametrize("status, out", [("交易关闭", True), ("已取消", True), ("作废", True), ("Cancelled", True),
                                         ("VOID", True), ("退款成功", True), ("未审核", True), ("交易成功", False),
                                         ("退款关闭", False), ("已发货", False), ("Shipped", False), ("", False)])
def test_excluded_status_words(status, out):
    assert parsing.is_excluded_status(status) is out


def test_currency_codes():
    assert [parsing.currency_code(x) for x in ("¥", "人民币", "US$", "usd", "€", "EUR", "港币", "abcd")] == \
        ["CNY", "CNY", "USD", "USD", "EUR", "EUR", "HKD", None]
