"""One place for reading what people type into cells, and the word lists behind it.

The reader (``xlcrm.workbook.cells`` vectorises these for whole columns), the settings,
the complaint register, the visit plan, the churn signals and the UDFs all parse numbers,
dates, yes/no, "departed" and status words through this module, so they cannot disagree.
Pure Python (no pandas): the UDFs import it on every Excel start.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from typing import Any

__all__ = [
    "BLANK_MARKS",
    "CURRENCY_SIGNS",
    "DEPARTED_WORDS",
    "EXCLUDED_STATUS_WORDS",
    "MAX_NUMBER",
    "NO_WORDS",
    "YES_WORDS",
    "currency_code",
    "currency_symbol",
    "date_from_text",
    "is_departed",
    "is_excluded_status",
    "is_no",
    "is_yes",
    "month_from_text",
    "nfkc",
    "number_from_text",
]

# A lone dash means "nothing here" in hand-kept sheets.
BLANK_MARKS = frozenset({"-", "--", "—", "——", "–", "－", "/", "n/a", "N/A", "无", "空"})

# No amount, quantity or price a sales office types reaches 10^15 (a thousand trillion);
# larger values are typos or test junk (1E+308), and sums of them overflow to inf.
MAX_NUMBER = 1e15

YES_WORDS = frozenset({"是", "有", "y", "yes", "true", "1", "已签收", "签收", "已收", "ok", "√", "✓", "done",
                       "signed", "received", "对"})
NO_WORDS = frozenset({"否", "无", "没有", "n", "no", "false", "0", "未签收", "未收", "×", "pending", "none"})

# A rep (or a rep status cell) holding one of these has left the company.
DEPARTED_WORDS = ("离职", "已离职", "离开", "调离", "停用", "无效", "left", "inactive", "resigned", "departed",
                  "former", "terminated", "quit")

# Order statuses whose lines are not sales (the settings' 排除状态 / Excluded statuses default).
# A status cell counts as excluded when it contains one of these words (交易关闭, 已取消, Cancelled).
EXCLUDED_STATUS_WORDS = ("取消", "作废", "退款", "关闭", "驳回", "未审核", "未付款", "等待买家付款", "无效", "删除",
                         "cancel", "void", "refund", "closed", "rejected", "unapproved", "deleted")
# ... except these, which contain such a word but are completed sales ("退款关闭" = refund closed,
# i.e. no refund; "交易成功").
_NOT_EXCLUDED = ("退款关闭", "交易成功", "已完成", "completed", "无退款")

# Currency signs and words -> ISO code. Text amounts may carry any of them.
CURRENCY_SIGNS: dict[str, str] = {
    "¥": "CNY", "￥": "CNY", "元": "CNY", "人民币": "CNY", "rmb": "CNY", "cny": "CNY", "万元": "CNY", "圆": "CNY",
    "块": "CNY", "$": "USD", "us$": "USD", "usd": "USD", "美元": "USD", "€": "EUR", "eur": "EUR", "欧元": "EUR",
    "£": "GBP", "gbp": "GBP", "英镑": "GBP", "hk$": "HKD", "hkd": "HKD", "港币": "HKD", "港元": "HKD",
    "jpy": "JPY", "日元": "JPY", "円": "JPY", "krw": "KRW", "₩": "KRW", "韩元": "KRW", "twd": "TWD", "nt$": "TWD",
    "新台币": "TWD", "sgd": "SGD", "s$": "SGD", "aud": "AUD", "a$": "AUD", "cad": "CAD", "c$": "CAD",
    "chf": "CHF", "inr": "INR", "₹": "INR", "rub": "RUB", "₽": "RUB", "brl": "BRL", "r$": "BRL",
}
_SYMBOLS = {"CNY": "¥", "USD": "$", "EUR": "€", "GBP": "£", "HKD": "HK$", "JPY": "JP¥", "KRW": "₩", "INR": "₹",
            "RUB": "₽", "TWD": "NT$", "SGD": "S$", "AUD": "A$", "CAD": "C$", "BRL": "R$"}


def currency_symbol(code: str) -> str:
    """The sign a currency's labels use (USD -> $); the code itself when it has none here."""
    return _SYMBOLS.get(code, code)


_SIGN_ALT = "|".join(re.escape(k) for k in sorted(CURRENCY_SIGNS, key=len, reverse=True))
_CURRENCY = re.compile(rf"(?i)({_SIGN_ALT})")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$")


def nfkc(s: str) -> str:
    return unicodedata.normalize("NFKC", s)


def _norm_word(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return "".join(nfkc(str(value)).split()).lower()


def is_yes(value: Any) -> bool:
    """A yes cell: True, 1, 是, Yes, √ ... (a number other than 0/1 is not a yes)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and not (isinstance(value, float) and math.isnan(value)):
        return value == 1
    return _norm_word(value) in YES_WORDS


def is_no(value: Any) -> bool:
    if isinstance(value, bool):
        return not value
    if isinstance(value, (int, float)) and not (isinstance(value, float) and math.isnan(value)):
        return value == 0
    return _norm_word(value) in NO_WORDS


def is_departed(status: Any) -> bool:
    """A rep status (离职, 已离职, Left, Inactive ...) that says the rep has gone."""
    s = _norm_word(status)
    return bool(s) and not s.startswith(("未", "not", "non")) and any(w in s for w in DEPARTED_WORDS)


def is_excluded_status(status: Any, words: tuple[str, ...] | list[str] | None = None) -> bool:
    """An order status whose line is not a sale (取消, 作废, 交易关闭, Cancelled, Void ...).

    ``words`` replaces the default list (the 排除状态 / Excluded statuses setting).
    """
    s = _norm_word(status)
    if not s:
        return False
    if words is None:
        if any(w in s for w in _NOT_EXCLUDED):
            return False
        words = EXCLUDED_STATUS_WORDS
    return any(_norm_word(w) and _norm_word(w) in s for w in words)


def currency_code(text: Any) -> str | None:
    """The ISO code a currency cell or symbol names (¥ -> CNY, US$ -> USD, usd -> USD), else None."""
    s = _norm_word(text)
    if not s:
        return None
    if s in CURRENCY_SIGNS:
        return CURRENCY_SIGNS[s]
    if re.fullmatch(r"[a-z]{3}", s):
        return s.upper()
    return None


# ---------------------------------------------------------------------------- numbers

def number_from_text(text: str) -> float | None:
    """One text cell -> number, or None when it is not one.

    Accepts thousands separators, currency signs and words (¥1,234.50, 1,234.50元, US$ 12),
    accounting negatives ((12.50)), percentages (12%) and full-width digits.
    """
    s = nfkc(text).strip()
    if not s or s in BLANK_MARKS:
        return None
    neg = False
    if s.startswith("(") and s.endswith(")"):
        neg, s = True, s[1:-1].strip()
    pct = s.endswith("%")
    if pct:
        s = s[:-1].strip()
    s = _CURRENCY.sub("", s).replace(" ", "").replace("\u00a0", "")
    if s.startswith("-") and s[1:2] in {"¥", "$"}:
        s = "-" + s[2:]
    if "," in s:
        if not _GROUPED.match(s):
            return None
        s = s.replace(",", "")
    if not _NUMBER.match(s):
        return None
    x = float(s)
    if not math.isfinite(x) or abs(x) > MAX_NUMBER:
        return None
    if neg:
        x = -abs(x)
    return x / 100 if pct else x


# ---------------------------------------------------------------------------- dates

MIN_YEAR, MAX_YEAR = 1910, 2199  # outside: a month number, a year or a typo read as an Excel serial
_YMD = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?"
    r"(?:\s*[T\s]\s*(\d{1,2})\s*[:时]\s*(\d{1,2})\s*(?:[:分]\s*(\d{1,2}(?:\.\d+)?)\s*秒?)?)?\s*$"
)
_YM = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$")
# A weekday after (or before) the date: "2018-01-01 星期五", "2024年1月5日 周五", "2024-01-05 (Fri)".
_WEEKDAY = re.compile(
    r"(?i)[\s,，]*[(（\[]?\s*(星期|周|礼拜)[一二三四五六日天]\s*[)）\]]?"
    r"|[\s,，]*[(（\[]?\s*\b(mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(day|nesday|sday|urday|rsday)?\b\.?\s*[)）\]]?"
)
_EN_DATE_FORMATS = ("%d-%b-%Y", "%d %b %Y", "%b %d, %Y", "%B %d, %Y", "%d %B %Y", "%b %d %Y", "%d-%b-%y",
                    "%d %B, %Y")
_AMPM = re.compile(r"(?i)\s*(am|pm|上午|下午)\s*")


def strip_weekday(text: str) -> str:
    return _WEEKDAY.sub(" ", text).strip(" ,，")


def date_from_text(text: str) -> dt.datetime | None:
    """Year-first text dates, with or without a time or a weekday, or None.

    2024-01-05, 2024/1/5, 2024.1.5, 2024年1月5日, 20240105, 2024-01-05 14:32:10,
    2018-01-01 星期五, 2024年1月5日 周五, 5-Jan-2024, January 5, 2024. Day-first or
    month-first numeric text (01/05/2024) is ambiguous and not read here.
    """
    s = nfkc(str(text)).strip()
    if not s:
        return None
    if not s[:1].isdigit() or "星" in s or "周" in s or "礼" in s or re.search(r"(?i)[a-z]{3}", s):
        s = strip_weekday(s)
    m = _YMD.match(s)
    if m:
        y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
        h, mi = int(m.group(4) or 0), int(m.group(5) or 0)
        sec = float(m.group(6) or 0)
        if not MIN_YEAR <= y <= MAX_YEAR:
            return None
        try:
            return dt.datetime(y, mo, d, h, mi) + dt.timedelta(microseconds=round(sec * 1e6))
        except ValueError:
            return None
    if s.isdigit() and len(s) == 8 and MIN_YEAR <= int(s[:4]) <= MAX_YEAR:
        try:
            return dt.datetime(int(s[:4]), int(s[4:6]), int(s[6:]))
        except ValueError:
            return None
    s2 = _AMPM.sub(" ", s).strip() if not s[:1].isdigit() else s
    for fmt in _EN_DATE_FORMATS:
        try:
            d = dt.datetime.strptime(s2, fmt)
        except ValueError:
            continue
        return d if MIN_YEAR <= d.year <= MAX_YEAR else None
    return None


def month_from_text(text: str) -> dt.datetime | None:
    """A month given without a day ("2024-01", "2024/1", "2024年1月") -> its first day, else None."""
    s = nfkc(str(text)).strip()
    m = _YM.match(s)
    if not m:
        return None
    y, mo = int(m.group(1)), int(m.group(2))
    if not (MIN_YEAR <= y <= MAX_YEAR and 1 <= mo <= 12):
        return None
    return dt.datetime(y, mo, 1)
