"""classify() on a real transaction history no one here wrote: CDNOW (the CD retailer's
customers who first bought in Q1 1997, 69,659 purchases of 23,570 customers to June 1998),
shipped with the lifetimes package. Expectations come from the data itself (counted
directly with pandas) and from the peer library lifetimes
(``summary_data_from_transaction_data``: frequency = repeat purchase days).
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pandas as pd
import pytest

from xlcrm.classify import classify
from xlcrm.model import Frames
from xlcrm.settings import Settings

lifetimes = pytest.importorskip("lifetimes")
from lifetimes.utils import summary_data_from_transaction_data

ASOF = dt.date(1998, 6, 30)


@pytest.fixture(scope="module")
def cdnow() -> tuple[pd.DataFrame, pd.DataFrame]:
    path = Path(lifetimes.__file__).parent / "datasets" / "CDNOW_master.txt"
    raw = pd.read_csv(path, sep=r"\s+", dtype={"customer_id": str, "date": str})
    orders = pd.DataFrame({
        "customer_key": raw["customer_id"], "customer_id": raw["customer_id"],
        "order_date": pd.to_datetime(raw["date"], format="%Y%m%d"),
        "quantity": raw["number_of_cds"].astype(float), "amount": raw["dollar_value"].astype(float),
    })
    return orders, classify(Frames(orders=orders), Settings(), ASOF, "en")


def test_every_cdnow_customer_once(cdnow):
    orders, c = cdnow
    assert c.index.is_unique and len(c) == orders["customer_key"].nunique() == 23570


def test_purchase_counts_match_lifetimes_frequency(cdnow):
    # lifetimes counts purchase *days*; without order IDs xlcrm groups a customer's lines by day too.
    orders, c = cdnow
    summary = summary_data_from_transaction_data(orders, "customer_key", "order_date",
                                                 observation_period_end="1998-06-30", freq="D")
    assert ((c.loc[summary.index, "orders"] - 1) == summary["frequency"]).all()


def test_exact_tier_counts_on_cdnow(cdnow):
    orders, c = cdnow
    start = pd.Timestamp(ASOF) - pd.Timedelta(days=365)
    n = orders.loc[(orders["order_date"] > start) & (orders["amount"] >= 0), "customer_key"].nunique()
    key, major, regular = (math.ceil(round(p * n, 9)) for p in (0.01, 0.20, 0.50))
    got = c["tier"].value_counts()
    assert [got["Key"], got["Major"], got["Regular"], got["Small"]] == [key, major - key, regular - major,
                                                                        n - regular]
    assert c["tier"].isna().sum() == len(c) - n


def test_no_small_worth_more_than_a_regular_and_value_is_window_revenue(cdnow):
    orders, c = cdnow
    assert c.loc[c["tier"] == "Small", "value"].max() <= c.loc[c["tier"] == "Regular", "value"].min()
    assert c.loc[c["tier"] == "Regular", "value"].max() <= c.loc[c["tier"] == "Major", "value"].min()
    start = pd.Timestamp(ASOF) - pd.Timedelta(days=365)
    direct = orders[orders["order_date"] > start].groupby("customer_key")["amount"].sum()
    assert (c.loc[direct.index, "value"] - direct).abs().max() < 1e-6


def test_no_one_order_customer_is_repeat_or_loyal(cdnow):
    _, c = cdnow
    one = c["orders"] == 1
    assert one.sum() > 10000  # CDNOW is famous for one-time buyers
    assert not c.loc[one, "lifecycle"].isin(["Repeat", "Loyal"]).any()
    assert c.loc[c["orders"] >= 2, "lifecycle"].isin(["Repeat", "Loyal", "Lost"]).all()
