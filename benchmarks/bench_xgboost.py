"""XGBoost fit time and peak memory on the EM-banded benchmark's data, histogram method.

Data: as ``bench_embanded.py`` (N tracks, D = 400 features in 5 groups, 56 targets), each
target thresholded at 0 to make 56 tags. Measured, each in a fresh process:

1. ``featurize``: :class:`featurize_xgboost.XGBoostClassifier` with the multi-label defaults
   (one booster per tag, 50 rounds, depth 3, ``tree_method="hist"``), one quantised matrix shared
   by all tags.
2. ``samat``: what the SAMAT scripts ran, scikit-learn's ``MultiOutputClassifier(XGBClassifier(...))``
   with the same settings, which builds the matrix again for every tag.

Run: ``python benchmarks/bench_xgboost.py [--n 10000] [--threads 2]``
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import time
from typing import Any

import numpy as np
from bench_embanded import N_TARGETS, data

SAMAT = {"max_depth": 3, "learning_rate": 0.1, "n_estimators": 50, "gamma": 7.562822592722383, "min_child_weight": 6}


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def ours(n: int, threads: int) -> dict[str, Any]:
    from featurize_xgboost import XGBoostClassifier

    X, Y, groups = data(n)
    tags = (Y > 0).astype(int)
    start = time.perf_counter()
    model = XGBoostClassifier(groups=groups, n_jobs=threads).fit(X, tags)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "rss_mb": peak_rss_mb(), "importances": model.group_importances_}


def samat(n: int, threads: int) -> dict[str, Any]:
    from sklearn.multioutput import MultiOutputClassifier
    from xgboost import XGBClassifier

    X, Y, _ = data(n)
    tags = (Y > 0).astype(int)
    start = time.perf_counter()
    model = MultiOutputClassifier(
        XGBClassifier(objective="binary:logistic", tree_method="hist", n_jobs=threads, **SAMAT)
    ).fit(X, tags)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "rss_mb": peak_rss_mb(), "boosters": len(model.estimators_)}


def isolated(function: Any, *args: Any) -> dict[str, Any]:
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(function, args)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=10_000, help="tracks (default 10000)")
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1, help="XGBoost threads")
    args = parser.parse_args()
    print(
        f"XGBoost benchmark: N={args.n}, D=400 in 5 groups, {N_TARGETS} tags, hist, {args.threads} threads, "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    mine = isolated(ours, args.n, args.threads)
    print(
        f"featurize-xgboost, one booster per tag: {mine['seconds']:7.2f} s   peak RSS {mine['rss_mb']:6.0f} MB"
        f"   ({mine['seconds'] / N_TARGETS:.2f} s per tag)"
    )
    print(f"  group importances {np.round(mine['importances'], 3).tolist()} (groups 4 and 5 carry no signal)")
    theirs = isolated(samat, args.n, args.threads)
    print(f"MultiOutputClassifier(XGBClassifier):    {theirs['seconds']:7.2f} s   peak RSS {theirs['rss_mb']:6.0f} MB")
    print(f"  -> featurize-xgboost is {theirs['seconds'] / mine['seconds']:.2f}x the speed of SAMAT's setup")


if __name__ == "__main__":
    main()
