"""Hypothesis over header spellings (issue 11): case, spaces, separators, run-together,
snake/camel case, full-width forms and units never change which field a header names."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from xlcrm.workbook.headers import match_field

# (words of a header as real exports spell it, field)
EN = [(["order", "date"], "order_date"), (["customer", "name"], "customer_name"), (["customer", "id"], "customer_id"),
      (["quantity", "ordered"], "quantity"), (["price", "each"], "unit_price"), (["unit", "price"], "unit_price"),
      (["order", "quantity"], "quantity"), (["company", "name"], "customer_name"), (["order", "id"], "order_id"),
      (["sales", "rep"], "rep"), (["total", "amount"], "amount"), (["order", "status"], "order_status")]
ZH = [("订单日期", "order_date"), ("客户名称", "customer_name"), ("实收金额", "amount"), ("下单时间", "order_date"),
      ("买家会员名", "customer_name"), ("业务员姓名", "rep"), ("订单状态", "order_status"), ("币种", "currency"),
      ("社保卡号", "customer_id"), ("数量", "quantity")]
UNITS = ["", "(元)", "（元）", "(USD)", "[RMB]", "（万元）", "*", ":", "：", " (pcs)"]


def _fullwidth(s: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else ("\u3000" if c == " " else c) for c in s)


@st.composite
def en_headers(draw):
    words, field = draw(st.sampled_from(EN))
    style = draw(st.sampled_from(["lower", "upper", "title", "camel", "pascal"]))
    if style == "camel":
        parts = [words[0]] + [w.title() for w in words[1:]]
    elif style == "pascal":
        parts = [w.title() for w in words]
    else:
        parts = [getattr(w, style)() for w in words]
    sep = draw(st.sampled_from(["", " ", "_", "-", ".", "  "]))
    text = sep.join(parts)
    if draw(st.booleans()):
        text = f"{' ' * draw(st.integers(0, 2))}{text}{' ' * draw(st.integers(0, 2))}"
    text += draw(st.sampled_from(UNITS))
    if draw(st.booleans()):
        text = _fullwidth(text)
    return text, field


@st.composite
def zh_headers(draw):
    text, field = draw(st.sampled_from(ZH))
    if draw(st.booleans()):  # spaces typed between characters, or a line break
        sep = draw(st.sampled_from([" ", "\u3000", "\n"]))
        cut = draw(st.integers(1, len(text) - 1))
        text = text[:cut] + sep + text[cut:]
    text += draw(st.sampled_from(UNITS))
    if draw(st.booleans()):
        text = _fullwidth(text)
    return text, field


@given(en_headers())
def test_english_header_spellings_name_the_same_field(case):
    text, field = case
    got = match_field(text, "orders")
    assert got is not None and got[0] == field, (text, got)


@given(zh_headers())
def test_chinese_header_spellings_name_the_same_field(case):
    text, field = case
    got = match_field(text, "orders")
    assert got is not None and got[0] == field, (text, got)


def test_fullwidth_helper_is_what_nfkc_undoes():
    assert unicodedata.normalize("NFKC", _fullwidth("Order_Date (USD)")) == "Order_Date (USD)"
