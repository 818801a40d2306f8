"""Does Churn Risk rank the customers who do not buy again? Real transaction sets, calibration / holdout.

For each set: orders up to the calibration end are what a workbook would hold; the target
is "no purchase in the holdout" (calibration end, holdout end]. Rankings compared by ROC
AUC (Mann-Whitney, ties counted half) and top-decile lift (share of non-buyers among the
10% ranked riskiest / share among all), each on the same customers and split:
- xlcrm Churn Risk (``xlcrm.churn.score`` on the calibration orders, as a refresh runs it,
  weights calibrated on the set's own past before the calibration end),
- BG/NBD expected purchases over the holdout by ``xlcrm.bgnbd`` (lower = more likely gone),
- lifetimes' BetaGeoFitter expected purchases over the holdout (the peer library),
- recency (days since the last purchase).

Sets (sources and licences in benchmarks/CORPORA.md; splits fixed before running):
- CDNOW sample, lifetimes' CDNOW_sample.txt (2,357 customers): 1997-09-30 / 1998-06-30, the paper's.
- CDNOW master, lifetimes' CDNOW_master.txt (23,570): same split (the sample is drawn from it).
- groceryElog, BTYDplus (1,525 customers of an online grocer): 2006-12-31 / 2007-12-30,
  the split of BTYDplus' own examples.
- Dunnhumby "The Complete Journey" transactions_sample, R package completejourney (CC0;
  75,000 line items of 2,377 households in 2017, a random sample of lines): 2017-08-31 /
  2017-12-31 (first two thirds / last third of the year).
- lifetimes' example_transactions.csv, SIMULATED from BG/NBD itself (not counted as real).
The R data files (.rda) are read with pyreadr (``pip install pyreadr``; the ``bench`` extra);
pass their folder with --rdata DIR (files apparelTrans.rda ... as in CORPORA.md). Sets whose
file is missing are skipped with a line saying so.

Usage: python benchmarks/bench_churn.py [--rdata DIR] [--csv FILE --customer COL --date COL
       [--amount COL] --calibration-end D --holdout-end D]
Prints one block per set and, at the end, the markdown table for the README.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from xlcrm.bgnbd import BGNBD, summary_from_transactions  # noqa: E402
from xlcrm.churn import score  # noqa: E402
from xlcrm.churn_score import auc  # noqa: E402
from xlcrm.model import Frames  # noqa: E402
from xlcrm.settings import Settings  # noqa: E402


def lift(positive: np.ndarray, s: np.ndarray, share: float = 0.1) -> float:
    """Top-decile lift: positives' rate among the ``share`` ranked highest over their overall rate."""
    positive = np.asarray(positive, bool)
    k = max(1, int(round(share * len(s))))
    top = np.argsort(-np.asarray(s, float), kind="mergesort")[:k]
    return float(positive[top].mean() / positive.mean())


def _lifetimes_folder() -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import lifetimes
    return os.path.join(os.path.dirname(lifetimes.__file__), "datasets")


def load_cdnow(which: str) -> pd.DataFrame:
    folder = _lifetimes_folder()
    if which == "sample":
        tx = pd.read_csv(os.path.join(folder, "CDNOW_sample.txt"), sep=r"\s+", header=None,
                         names=["customer", "id2", "date", "cds", "amount"])
    else:
        tx = pd.read_csv(os.path.join(folder, "CDNOW_master.txt"), sep=r"\s+", header=0,
                         names=["customer", "date", "cds", "amount"])
    tx["date"] = pd.to_datetime(tx["date"].astype(str), format="%Y%m%d")
    return tx[["customer", "date", "amount"]]


def load_example() -> pd.DataFrame:
    raw = pd.read_csv(os.path.join(_lifetimes_folder(), "example_transactions.csv"))
    return pd.DataFrame({"customer": raw["id"].astype(str), "date": pd.to_datetime(raw["date"]), "amount": 1.0})


def _rda(folder: str | None, name: str) -> pd.DataFrame | None:
    if not folder or not os.path.exists(os.path.join(folder, f"{name}.rda")):
        return None
    import pyreadr
    return next(iter(pyreadr.read_r(os.path.join(folder, f"{name}.rda")).values()))


def load_grocery(folder: str | None) -> pd.DataFrame | None:
    d = _rda(folder, "groceryElog")
    if d is None:
        return None
    return pd.DataFrame({"customer": d["cust"].astype(str), "date": pd.to_datetime(d["date"]), "amount": 1.0})


def load_journey(folder: str | None) -> pd.DataFrame | None:
    d = _rda(folder, "transactions_sample")
    if d is None:
        return None
    return pd.DataFrame({"customer": d["household_id"].astype(str),
                         "date": pd.to_datetime(d["transaction_timestamp"]).dt.normalize(),
                         "amount": pd.to_numeric(d["sales_value"], errors="coerce")})


@dataclass
class Result:
    name: str
    real: bool
    customers: int
    stopped: float
    auc: dict[str, float]
    lift: dict[str, float]
    weights: str
    seconds: float


def run(name: str, tx: pd.DataFrame, cal_end: dt.date, hold_end: dt.date, *, real: bool = True) -> Result:
    cal = tx[tx["date"] <= pd.Timestamp(cal_end)]
    hold = tx[(tx["date"] > pd.Timestamp(cal_end)) & (tx["date"] <= pd.Timestamp(hold_end))]
    holdout_days = (hold_end - cal_end).days
    orders = pd.DataFrame({"customer_key": cal["customer"].astype(str), "order_date": cal["date"],
                           "amount": pd.to_numeric(cal["amount"], errors="coerce")})
    t0 = time.perf_counter()
    churn = score(Frames(orders=orders), None, None, Settings(), cal_end, "en")
    seconds = time.perf_counter() - t0
    summ = summary_from_transactions(orders, "customer_key", "order_date", cal_end)
    keys = summ.index
    y = ~keys.isin(hold["customer"].astype(str).unique())
    x, r, T = summ["frequency"], summ["recency"], summ["T"]
    scores: dict[str, np.ndarray] = {"Churn Risk": churn["churn_risk"].reindex(keys).to_numpy(float)}
    ours = BGNBD().fit(x, r, T)
    scores["BG/NBD exp. purchases"] = -ours.expected_purchases(holdout_days, x, r, T)
    try:
        from lifetimes import BetaGeoFitter
        bgf = BetaGeoFitter().fit(x, r, T)
        scores["lifetimes BG/NBD"] = -np.asarray(
            bgf.conditional_expected_number_of_purchases_up_to_time(holdout_days, x, r, T), float)
    except Exception as exc:  # the peer may fail to converge on a set; say so, do not stop
        print(f"  lifetimes BetaGeoFitter failed on {name}: {exc}")
    scores["recency"] = (T - r).to_numpy(float)
    aucs = {k: auc(y, v) for k, v in scores.items()}
    lifts = {k: lift(y, v) for k, v in scores.items()}
    bt = churn.attrs.get("backtest") or {}
    weights = "calibrated" if bt.get("calibrated") else "default"
    res = Result(name, real, len(keys), float(y.mean()), aucs, lifts, weights, seconds)
    print(f"\n{name}: {len(keys):,} customers, {len(cal):,} calibration lines to {cal_end}, holdout to "
          f"{hold_end}; {y.mean():.1%} do not buy again; weights {weights}")
    for k in scores:
        print(f"  {k:24s} AUC {aucs[k]:.4f}   top-decile lift {lifts[k]:.3f}")
    best = max(v for k, v in aucs.items() if k != "Churn Risk")
    print(f"  Churn Risk - best peer AUC {aucs['Churn Risk'] - best:+.4f} "
          f"({'at least as good' if aucs['Churn Risk'] >= best else 'WORSE'}); score took {seconds:.1f} s")
    return res


def table(results: list[Result]) -> str:
    cols = ["Churn Risk", "BG/NBD exp. purchases", "lifetimes BG/NBD", "recency"]
    head = ("| data set | customers | no purchase in holdout | " + " | ".join(f"AUC {c}" for c in cols)
            + " | lift@10% Churn Risk | best peer lift@10% |")
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for r in results:
        peers = [c for c in cols[1:] if c in r.auc]
        best_lift = max(r.lift[c] for c in peers)
        cells = [f"{r.auc[c]:.3f}" if c in r.auc else "-" for c in cols]
        best = max(r.auc[c] for c in peers)
        cells[0] = f"**{cells[0]}**" if r.auc["Churn Risk"] >= best else cells[0]
        name = r.name + ("" if r.real else " (simulated)")
        lines.append(f"| {name} | {r.customers:,} | {r.stopped:.0%} | " + " | ".join(cells)
                     + f" | {r.lift['Churn Risk']:.2f} | {best_lift:.2f} |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rdata", help="folder with groceryElog.rda and transactions_sample.rda (CORPORA.md)")
    ap.add_argument("--csv")
    ap.add_argument("--customer", default="customer")
    ap.add_argument("--date", default="date")
    ap.add_argument("--amount")
    ap.add_argument("--calibration-end", default="1997-09-30")
    ap.add_argument("--holdout-end", default="1998-06-30")
    args = ap.parse_args()
    # lifetimes predates pandas 3 / numpy 2: silence its warnings here only.
    warnings.filterwarnings("ignore", module="lifetimes")
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    warnings.filterwarnings("ignore", category=FutureWarning)
    warnings.filterwarnings("ignore", category=RuntimeWarning)
    d = dt.date.fromisoformat
    if args.csv:
        raw = pd.read_csv(args.csv)
        tx = pd.DataFrame({"customer": raw[args.customer].astype(str),
                           "date": pd.to_datetime(raw[args.date], errors="coerce"),
                           "amount": pd.to_numeric(raw[args.amount], errors="coerce")
                           if args.amount else 1.0}).dropna(subset=["customer", "date"])
        print(table([run(os.path.basename(args.csv), tx, d(args.calibration_end), d(args.holdout_end))]))
        return
    results = [run("CDNOW sample", load_cdnow("sample"), d("1997-09-30"), d("1998-06-30")),
               run("CDNOW master", load_cdnow("master"), d("1997-09-30"), d("1998-06-30"))]
    for name, loader, cal, hold in (("groceryElog (BTYDplus)", load_grocery, "2006-12-31", "2007-12-30"),
                                    ("Complete Journey sample (dunnhumby)", load_journey, "2017-08-31",
                                     "2017-12-31")):
        tx = loader(args.rdata)
        if tx is None:
            print(f"\n{name}: skipped (no .rda in --rdata; see benchmarks/CORPORA.md)")
            continue
        results.append(run(name, tx, d(cal), d(hold)))
    results.append(run("lifetimes example_transactions", load_example(), d("2014-08-31"), d("2014-12-31"),
                       real=False))
    print("\n" + table(results))


if __name__ == "__main__":
    main()
