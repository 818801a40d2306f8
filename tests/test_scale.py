"""Scale rewrites keep results identical: each fast path against the plain definition it replaced."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from tests.test_churn import ASOF, S, books, frames_of
from tests.test_churn import END as ASOF_TS
from tests.workbook.fixtures import feature_workbook, result_sheets
from xlcrm import churn_signals as sig
from xlcrm.churn import _clean_orders, score, winback
from xlcrm.i18n import t
from xlcrm.visits import _by_key
from xlcrm.workbook.cells import is_total_text, total_mask
from xlcrm.workbook.package import Package, check_package
from xlcrm.workbook.write import file_signature, write_in_place


def _signals_before_loss_reference(lost, frames, register, settings, asof, lang):
    """The definition: each loss month's signals evaluated on the whole order book up to then."""
    o = _clean_orders(frames, asof)
    quiet = pd.to_datetime(lost["last_order"]) + pd.to_timedelta(lost["usual_gap_days"].fillna(0), unit="D")
    when = quiet.dt.to_period("M").dt.to_timestamp(how="end").dt.normalize().clip(upper=asof)
    sep = "; " if lang == "en" else "；"
    out = {}
    for at, group in lost.groupby(when, sort=True):
        keys = group.index
        reg = register[register["customer_key"].astype(str).isin(keys)].copy()
        received = pd.to_datetime(reg["received"], errors="coerce")
        closed = pd.to_datetime(reg["closed"], errors="coerce")
        reg = reg[received.isna() | (received <= at)]
        reg["is_open"] = (closed.isna() | (closed > at)).loc[reg.index]  # open as of that month
        parts = sig.all_signals(o[o["day"] <= at], frames, reg, keys, group["rep"].where(group["rep"] != "-", ""),
                                settings, at, lang)
        for k in keys:
            out[k] = sep.join(text[k] for _, strength, text in parts if strength[k] > 0 and text[k]) or t(
                lang, "no warning signs recorded before the loss", "流失前无预警记录")
    return pd.Series(out, dtype=object)


@hsettings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(books())
def test_winback_signals_equal_the_whole_book_evaluation(book):
    """Win-back reads only the lost customers' orders per month (and the reps' activity from all):
    the sentences must equal evaluating every signal on the whole order book, as first written."""
    rows, complaints, deliveries, master, lang = book
    # win-back derives is_open from the closed date: some closed before, some after the losses
    complaints = complaints.assign(closed=[pd.NaT, ASOF_TS - pd.Timedelta(days=400), ASOF_TS][:len(complaints)])
    frames = frames_of(rows, deliveries=deliveries, customers=master)
    risk = score(frames, None, complaints, S, ASOF, lang)
    wb = winback(None, risk, frames, S, lang, complaints=complaints)
    if wb.empty:
        return
    lost = risk[risk["lifecycle"] == "Lost"]
    asof = (pd.to_datetime(lost["last_order"]) + pd.to_timedelta(lost["days_since_last"], unit="D")).max()
    ref = _signals_before_loss_reference(lost, frames, complaints, S, asof, lang)
    got = pd.Series(wb["signals"].to_numpy(object), index=wb.index)
    assert got.to_dict() == ref.reindex(got.index).to_dict()


def test_visit_rows_hold_only_the_fields_asked_for_and_the_last_row_wins():
    frame = pd.DataFrame({"customer_key": ["A", "B", "A", ""], "rep": ["甲", "乙", "丙", "丁"],
                          "tier": ["Key", "Small", "Major", "Key"], "unused": [1, 2, 3, 4]})
    rows = _by_key(frame, ("rep", "tier", "absent"))
    assert rows == {"A": {"rep": "丙", "tier": "Major"}, "B": {"rep": "乙", "tier": "Small"}}
    assert _by_key(frame)["A"] == {"customer_key": "A", "rep": "丙", "tier": "Major", "unused": 3}


_PIECES = ["合计", "合 计", "总额", "小计：", "本月", "华东区", "Total", "GRAND", " total", "sum", "Sums", "ſum", "公司",
           "Ltd", "SO0001", "-", "：", " ", "客户", "ＴＯＴＡＬ", "K", "İ"]


@hsettings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.none(), st.floats(allow_nan=True), st.text(max_size=12),
                          st.lists(st.sampled_from(_PIECES), max_size=4).map("".join)), max_size=40))
def test_total_mask_equals_is_total_text_on_every_value(values):
    """total_mask pre-filters in Arrow (a total needs 计/额 or an English total word): it must
    flag exactly the cells is_total_text flags one by one."""
    arr = np.array(values, dtype=object)
    assert total_mask(arr).tolist() == [is_total_text(v) for v in values]


def _drains(monkeypatch) -> list[str]:
    seen: list[str] = []
    original = Package.drain

    def spy(self, info):
        seen.append(info.filename)
        return original(self, info)

    monkeypatch.setattr(Package, "drain", spy)
    return seen


def test_write_skips_the_second_deep_check_only_while_the_file_is_unchanged(tmp_path, monkeypatch):
    """refresh deep-checks the package before reading; the write does not decompress every
    member again while the file's signature is unchanged. A file changed since (saved again
    meanwhile) is refused: the results were computed from the old version (issue 12)."""
    from xlcrm.errors import WorkbookChanged

    path = feature_workbook(tmp_path / "book.xlsx", pivot=False)
    check_package(path)
    signature = file_signature(path)
    seen = _drains(monkeypatch)
    write_in_place(path, result_sheets(), lang="zh", backups=0, checked=signature)
    assert seen == []
    signature = file_signature(path)
    os.utime(path, ns=(signature[3] + 10**9, signature[3] + 10**9))  # touched after the check
    before = path.read_bytes()
    with pytest.raises(WorkbookChanged):
        write_in_place(path, result_sheets(), lang="zh", backups=0, checked=signature)
    assert path.read_bytes() == before
    write_in_place(path, result_sheets(), lang="zh", backups=0)  # no signature: always deep
    assert len(seen) >= 5


def test_reading_a_refreshed_book_skips_the_result_sheets_and_reads_the_same(tmp_path, monkeypatch):
    """The reader no longer parses xlcrm's result sheets (it discarded them anyway): reading a
    refreshed workbook gives the same frames and sheet reports as loading every sheet."""
    from xlcrm.refresh import refresh
    from xlcrm.workbook import read

    book = tmp_path / "demo.xlsx"
    shutil.copyfile(Path(__file__).resolve().parents[1] / "workbooks" / "xlcrm-demo-zh.xlsx", book)
    refresh(book, backups=0)
    fast = read.read_workbook(book)
    loaded: list[str] = []
    original = read.RawSheet.__init__

    def spy(self, name, rows, *args, **kwargs):
        original(self, name, rows, *args, **kwargs)
        if len(rows):
            loaded.append(name)

    monkeypatch.setattr(read, "_result_sheet", lambda entry, info: False)
    monkeypatch.setattr(read.RawSheet, "__init__", spy)
    slow = read.read_workbook(book)
    owned = {name for name, role in read._book_info(book).owned.items() if role != "history"}
    assert owned and owned <= set(loaded)  # the slow path did load them
    assert fast.sheets == slow.sheets
    for name in ("orders", "deliveries", "customers", "complaints", "visits", "history"):
        a, b = getattr(fast.frames, name), getattr(slow.frames, name)
        assert (a is None) == (b is None)
        if a is not None:
            pd.testing.assert_frame_equal(a, b)
    assert [i.as_row() for i in fast.frames.issues] == [i.as_row() for i in slow.frames.issues]
