#!/usr/bin/env python3
"""The `lifetimes` side of bench/bench_clv.py; runs in the bench venv (make -C bench clv-venv).

    clv_reference.py cdnow    < {"full": false}      the CDNOW purchases lifetimes ships
    clv_reference.py compare  < the addon's figures  lifetimes on the same data, and the plot

JSON in on stdin, JSON out on stdout.
"""
import json
import os
import sys

import lifetimes
import numpy as np
import pandas as pd
from lifetimes import BetaGeoFitter, GammaGammaFitter
from lifetimes.utils import calibration_and_holdout_data

DATASETS = os.path.join(os.path.dirname(lifetimes.__file__), "datasets")


def transactions(full):
    """CDNOW as (customer, date, amount) rows: the full set (23,570 customers) or the
    1/10 sample (2,357)."""
    if full:
        frame = pd.read_csv(os.path.join(DATASETS, "CDNOW_master.txt"), sep=r"\s+",
                            header=0, names=["customer", "date", "cds", "amount"],
                            dtype={"customer": str, "date": str})
    else:
        frame = pd.read_csv(os.path.join(DATASETS, "CDNOW_sample.txt"), sep=r"\s+",
                            header=None, names=["customer", "master", "date", "cds", "amount"],
                            dtype={"customer": str, "date": str})
    frame["date"] = pd.to_datetime(frame["date"], format="%Y%m%d")
    return frame


def cdnow(payload):
    frame = transactions(payload["full"])
    return {"customer": frame["customer"].tolist(),
            "date": frame["date"].dt.strftime("%Y-%m-%d").tolist(),
            "amount": frame["amount"].round(2).tolist()}


def summary_check(ours, full):
    """lifetimes' own summary of the raw file (days, in weeks) against the addon's, as
    sorted tuples: the same customers with the same (x, t_x, T)."""
    frame = transactions(full)
    summary = calibration_and_holdout_data(frame, "customer", "date",
                                           calibration_period_end="1997-09-30",
                                           observation_period_end="1998-06-30", freq="D")
    theirs = sorted(zip(summary["frequency_cal"], (summary["recency_cal"] / 7).round(6),
                        (summary["T_cal"] / 7).round(6)))
    mine = sorted(zip(ours["x"], np.round(ours["t_x"], 6), np.round(ours["T"], 6)))
    if len(theirs) != len(mine):
        return "**no**: %d customers against %d" % (len(mine), len(theirs))
    differing = sum(1 for a, b in zip(theirs, mine) if a != b)
    return "identical" if not differing else "**no**: %d customers differ" % differing


def compare(ours):
    x, t_x, T, m = (np.array(ours[key], dtype=float) for key in ("x", "t_x", "T", "m"))
    bgf = BetaGeoFitter().fit(x, t_x, T)
    repeat = (x > 0) & (m > 0)
    ggf = GammaGammaFitter().fit(x[repeat], m[repeat])
    t = ours["holdout_weeks"]
    predicted = np.asarray(
        bgf.conditional_expected_number_of_purchases_up_to_time(t, x, t_x, T))
    spend = np.asarray(ggf.conditional_expected_average_profit(x, m))
    spend = np.where(x > 0, spend, ggf.params_["p"] * ggf.params_["v"]
                     / (ggf.params_["q"] - 1))
    params = {"bgnbd_" + name: float(bgf.params_[name]) for name in ("r", "alpha", "a", "b")}
    params.update(gg_p=float(ggf.params_["p"]), gg_q=float(ggf.params_["q"]),
                  gg_gamma=float(ggf.params_["v"]))
    plot(ours, predicted)
    return {"version": lifetimes.__version__, "params": params,
            "predicted": predicted.tolist(), "predicted_revenue": (predicted * spend).tolist(),
            "summary_check": summary_check(ours, ours["full"])}


def plot(ours, reference_predicted):
    import matplotlib
    matplotlib.use("Agg")
    from matplotlib import pyplot

    x = np.array(ours["x"])
    labels = [str(k) for k in range(7)] + ["7+"]
    masks = [x == k for k in range(7)] + [x >= 7]
    customers = np.array([max(mask.sum(), 1) for mask in masks])
    series = [("actual", np.array(ours["actual"])), ("addon", np.array(ours["predicted"])),
              ("lifetimes", reference_predicted)]
    figure, axis = pyplot.subplots(figsize=(8, 4.5))
    width = 0.27
    for offset, (label, values) in enumerate(series):
        axis.bar(np.arange(len(labels)) + (offset - 1) * width,
                 [values[mask].sum() / n for mask, n in zip(masks, customers)], width,
                 label=label)
    axis.set_xticks(np.arange(len(labels)))
    axis.set_xticklabels(labels)
    axis.set_xlabel("repeat purchases in the 39-week calibration")
    axis.set_ylabel("repeat purchases per customer in the 39-week holdout")
    axis.set_title("CDNOW %s: BG/NBD predicted against actual"
                   % ("full set" if ours["full"] else "1/10 sample"))
    axis.legend()
    figure.tight_layout()
    figure.savefig(ours["plot"], dpi=90)


if __name__ == "__main__":
    command = sys.argv[1]
    result = {"cdnow": cdnow, "compare": compare}[command](json.load(sys.stdin))
    json.dump(result, sys.stdout)
