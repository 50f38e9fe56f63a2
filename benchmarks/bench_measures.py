"""Speed of the held-out importance measures: permutation and contribution on 10,000 tracks.

Run by hand (prints figures; not a test)::

    /work/venv/bin/python benchmarks/bench_measures.py [--tracks 10000] [--features 67] [--tags 56]
        [--groups 6] [--repeats 5] [--threads 1]

Both models are fitted on 2,000 planted tracks (fitting is not timed), then each measure runs on
``--tracks`` held-out tracks. The anchor, measured in the same run, is one ``decision_function``
over the held-out tracks: permutation costs about ``groups x repeats + 1`` of them plus the AUCs.
Goal: each measure under 30 s for both models.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from featurize.learn.measures import HeldOut, contribution_measure, permutation_measure
from featurize.learn.testing import group_columns


def data(n: int, features: int, tags: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, features))
    weights = rng.standard_normal((features, tags)) * (rng.random((features, tags)) < 0.2)
    return X, ((X @ weights + rng.standard_normal((n, tags))) > 1.0).astype(np.int64)


def timed(action: object) -> tuple[float, object]:
    started = time.perf_counter()
    result = action()  # type: ignore[operator]
    return time.perf_counter() - started, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tracks", type=int, default=10_000)
    parser.add_argument("--features", type=int, default=67)
    parser.add_argument("--tags", type=int, default=56)
    parser.add_argument("--groups", type=int, default=6)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    from featurize_embanded import EMBandedClassifier
    from featurize_xgboost import XGBoostClassifier

    sizes = [len(c) for c in np.array_split(np.arange(args.features), args.groups)]
    groups = group_columns(sizes)
    columns = [np.asarray(g) for g in groups]
    names = [f"g{i}" for i in range(args.groups)]
    X_train, Y_train = data(2000, args.features, args.tags, 0)
    X_test, Y_test = data(args.tracks, args.features, args.tags, 1)
    held_out = HeldOut(X_test, Y_test.astype(float), [f"t{i}" for i in range(args.tags)])
    models = {
        "em-banded": EMBandedClassifier(groups=groups, update="mackay", tol=1e-6),
        "xgboost": XGBoostClassifier(groups=groups, n_jobs=args.threads),
    }
    print(f"{args.tracks} held-out tracks x {args.features} features x {args.tags} tags, {args.groups} groups")
    for name, model in models.items():
        fit_time, _ = timed(lambda model=model: model.fit(X_train, Y_train))
        anchor, _ = timed(lambda model=model: model.decision_function(X_test))
        contribution, _ = timed(lambda model=model: contribution_measure(model, held_out, columns, names))
        permutation, _ = timed(
            lambda model=model: permutation_measure(model, held_out, columns, names, repeats=args.repeats)
        )
        print(
            f"{name:10s} fit {fit_time:6.1f} s | anchor decision_function {anchor:6.3f} s | "
            f"contribution {contribution:6.2f} s ({contribution / anchor:6.1f} x anchor) | "
            f"permutation x{args.repeats} {permutation:6.2f} s ({permutation / anchor:6.1f} x anchor) | "
            f"goal < 30 s: {'met' if max(contribution, permutation) < 30 else 'MISSED'}"
        )


if __name__ == "__main__":
    main()
