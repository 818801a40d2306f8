"""Does Churn Risk rank the customers who do not buy again? CDNOW calibration / holdout.

Calibration: orders up to 1997-09-30 (the paper's 39 weeks); holdout: 1997-10-01 to
1998-06-30. Target: the customer makes no purchase in the holdout. Rankings compared by
ROC AUC (Mann-Whitney, ties counted half):
- xlcrm Churn Risk (``xlcrm.churn.score`` on the calibration orders, as a workbook would run it),
- BG/NBD expected purchases over the holdout (lifetimes' BetaGeoFitter; lower = more likely gone),
- plain recency (days since the last purchase).
Also the fit time of ``xlcrm.bgnbd.BGNBD`` next to lifetimes' ``BetaGeoFitter`` on the same data.

Usage: python benchmarks/bench_churn.py [--csv FILE --customer COL --date COL [--amount COL]]
       [--calibration-end 1997-09-30] [--holdout-end 1998-06-30] [--splits]
Without --csv it runs the two CDNOW files shipped with lifetimes (2,357-customer sample and
the 23,570-customer master file) and lifetimes' simulated example_transactions.csv
(calibration to 2014-08-31, holdout to 2014-12-31).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
import warnings

import numpy as np
import pandas as pd
from scipy.stats import rankdata

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from xlcrm.bgnbd import BGNBD, summary_from_transactions
from xlcrm.churn import score
from xlcrm.model import Frames
from xlcrm.settings import Settings


def auc(no_repeat: np.ndarray, s: np.ndarray) -> float:
    y = np.asarray(no_repeat, bool)
    r = rankdata(s)
    n1, n0 = int(y.sum()), int((~y).sum())
    return float((r[y].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def load_cdnow(which: str) -> pd.DataFrame:
    import lifetimes
    folder = os.path.join(os.path.dirname(lifetimes.__file__), "datasets")
    if which == "sample":
        tx = pd.read_csv(os.path.join(folder, "CDNOW_sample.txt"), sep=r"\s+", header=None,
                         names=["customer", "id2", "date", "cds", "amount"])
    else:
        tx = pd.read_csv(os.path.join(folder, "CDNOW_master.txt"), sep=r"\s+", header=0,
                         names=["customer", "date", "cds", "amount"])
    tx["date"] = pd.to_datetime(tx["date"].astype(str), format="%Y%m%d")
    return tx[["customer", "date", "amount"]]


def load_example() -> pd.DataFrame:
    """lifetimes' example_transactions.csv: 5,000 customers simulated from BG/NBD in 2014."""
    import lifetimes
    raw = pd.read_csv(os.path.join(os.path.dirname(lifetimes.__file__), "datasets", "example_transactions.csv"))
    return pd.DataFrame({"customer": raw["id"].astype(str), "date": pd.to_datetime(raw["date"]), "amount": 1.0})


def best_time(fn, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def run(name: str, tx: pd.DataFrame, cal_end: dt.date, hold_end: dt.date, quiet: bool = False) -> tuple[float, float, float]:
    cal = tx[tx["date"] <= pd.Timestamp(cal_end)]
    hold = tx[(tx["date"] > pd.Timestamp(cal_end)) & (tx["date"] <= pd.Timestamp(hold_end))]
    holdout_days = (hold_end - cal_end).days
    orders = pd.DataFrame({"customer_key": cal["customer"].astype(str), "order_date": cal["date"],
                           "amount": cal["amount"].astype(float)})
    settings = Settings()
    t0 = time.perf_counter()
    churn = score(Frames(orders=orders), None, None, settings, cal_end, "en")
    t_score = time.perf_counter() - t0
    summ = summary_from_transactions(orders, "customer_key", "order_date", cal_end)
    keys = summ.index
    y = ~keys.isin(hold["customer"].astype(str).unique())

    from lifetimes import BetaGeoFitter
    x, r, T = summ["frequency"], summ["recency"], summ["T"]
    bgf = BetaGeoFitter().fit(x, r, T)
    ep = np.asarray(bgf.conditional_expected_number_of_purchases_up_to_time(holdout_days, x, r, T))
    recency = (T - r).to_numpy()
    a_risk = auc(y, churn["churn_risk"].reindex(keys).to_numpy())
    a_ep = auc(y, -ep)
    a_rec = auc(y, recency)
    if quiet:
        return a_risk, a_ep, a_rec
    ours = BGNBD().fit(x, r, T)
    t_ours = best_time(lambda: BGNBD().fit(x, r, T))
    t_lt = best_time(lambda: BetaGeoFitter().fit(x, r, T))
    print(f"\n{name}: {len(keys):,} customers, {len(cal):,} calibration orders to {cal_end}, "
          f"holdout to {hold_end}; {y.mean():.1%} do not buy again")
    print(f"  ROC AUC  xlcrm Churn Risk            {a_risk:.4f}")
    print(f"  ROC AUC  BG/NBD expected purchases   {a_ep:.4f}  (lifetimes)")
    print(f"  ROC AUC  recency                     {a_rec:.4f}")
    best = max(a_ep, a_rec)
    print(f"  Churn Risk - best peer               {a_risk - best:+.4f}  "
          f"({'at least as good' if a_risk >= best else 'WORSE'})")
    p = ours.params_
    print("  BG/NBD params (days)  xlcrm " + ", ".join(f"{k} {v:.4f}" for k, v in p.items()))
    print("                        lifetimes " + ", ".join(f"{k} {v:.4f}" for k, v in bgf.params_.items()))
    print(f"  fit time  xlcrm BGNBD {t_ours * 1000:.1f} ms   lifetimes BetaGeoFitter {t_lt * 1000:.1f} ms"
          f"   ratio {t_lt / t_ours:.1f}x")
    print(f"  xlcrm churn.score on the whole book: {t_score:.2f} s")
    return a_risk, a_ep, a_rec


SPLITS = [("1997-04-30", "1997-12-31"), ("1997-06-30", "1998-06-30"), ("1997-09-30", "1997-12-31"),
          ("1997-09-30", "1998-06-30"), ("1997-12-31", "1998-06-30"), ("1998-01-31", "1998-06-30")]


EXAMPLE_SPLITS = [("2014-06-30", "2014-12-31"), ("2014-08-31", "2014-12-31"), ("2014-09-30", "2014-12-31")]


def splits(tx: pd.DataFrame, name: str, which: list[tuple[str, str]] = SPLITS) -> None:
    """The same comparison over other calibration/holdout splits (robustness, not tuning)."""
    print(f"\n{name}: other splits (AUC x 1000; Churn Risk minus the best peer)")
    print("  calibration  holdout     Churn Risk  expected purch.  recency   difference")
    for cal, hold in which:
        a, e, r = run(name, tx, dt.date.fromisoformat(cal), dt.date.fromisoformat(hold), quiet=True)
        print(f"  {cal}   {hold}  {a * 1000:9.1f}  {e * 1000:15.1f}  {r * 1000:7.1f}   {(a - max(e, r)) * 1000:+8.1f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--csv")
    ap.add_argument("--customer", default="customer")
    ap.add_argument("--date", default="date")
    ap.add_argument("--amount")
    ap.add_argument("--calibration-end", default="1997-09-30")
    ap.add_argument("--holdout-end", default="1998-06-30")
    ap.add_argument("--splits", action="store_true", help="also compare over six other CDNOW splits")
    args = ap.parse_args()
    cal_end = dt.date.fromisoformat(args.calibration_end)
    hold_end = dt.date.fromisoformat(args.holdout_end)
    # lifetimes predates pandas 3 / numpy 2: silence its warnings here only.
    warnings.filterwarnings("ignore", module="lifetimes")
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    warnings.filterwarnings("ignore", category=FutureWarning)
    if args.csv:
        raw = pd.read_csv(args.csv)
        tx = pd.DataFrame({"customer": raw[args.customer].astype(str),
                           "date": pd.to_datetime(raw[args.date], errors="coerce"),
                           "amount": pd.to_numeric(raw[args.amount], errors="coerce")
                           if args.amount else 1.0}).dropna(subset=["customer", "date"])
        run(os.path.basename(args.csv), tx, cal_end, hold_end)
    else:
        run("CDNOW sample (lifetimes CDNOW_sample.txt)", load_cdnow("sample"), cal_end, hold_end)
        run("CDNOW master (lifetimes CDNOW_master.txt)", load_cdnow("master"), cal_end, hold_end)
        run("lifetimes example_transactions (simulated from BG/NBD, customers join all year)",
            load_example(), dt.date(2014, 8, 31), dt.date(2014, 12, 31))
        if args.splits:
            splits(load_cdnow("sample"), "CDNOW sample")
            splits(load_cdnow("master"), "CDNOW master")
            splits(load_example(), "example_transactions", EXAMPLE_SPLITS)


if __name__ == "__main__":
    main()
