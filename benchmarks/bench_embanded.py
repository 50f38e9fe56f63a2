"""EM-banded fit time and peak memory: all tags at once against one tag at a time.

Data (the recipe of docs/models.md and the EM-banded research note, section 4): N tracks,
D = 400 standard-normal features in 5 groups of 80, 56 targets whose true weights per group are
N(0, s^2/80) with s = (1, 0.5, 0.2, 0, 0), noise variance 1, ``numpy.random.default_rng(0)``.

Measured, each in a fresh process (time of the fit; peak RSS of the process):

1. ``vectorised``: :class:`EMBandedRegressor` on all 56 targets in the reference mode (``update="em",
   max_iter=200, tol=None``).
2. ``loop``: the same estimator fitted one target at a time (first ``--loop-targets`` targets,
   extrapolated to 56), and the largest relative difference of its lambdas from (1).
3. ``default``: the estimator's defaults (MacKay updates, stopping when the lambdas settle within
   ``tol``), its iterations, and its lambdas against EM taken to full convergence (``--converged-targets``
   targets, 3,000 EM iterations, no tolerance).
4. ``reference`` (with ``--reference DIR``, a checkout of GitHub safugl/embanded): the reference
   package fitted target by target, timed on ``--reference-targets`` targets and extrapolated.
   Goal (issue 18): the default at least 30x faster than the reference, lambdas within 1e-4 of converged EM.

The ratios to (1) are printed, and the reference timing of the research note (137 s for 56
targets looped at N = 2000, D = 400, one BLAS thread) for comparison.

Run: ``OPENBLAS_NUM_THREADS=1 python benchmarks/bench_embanded.py [--n 10000] [--reference DIR]``
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import sys
import time
from typing import Any

import numpy as np

N_FEATURES, GROUP_SIZE, N_TARGETS = 400, 80, 56
SCALES = (1.0, 0.5, 0.2, 0.0, 0.0)
NOTE_REFERENCE_SECONDS = 137.1
"""Research note, section 4: 56 targets looped with the reference, N=2000, one BLAS thread."""
REFERENCE_MODE = {"update": "em", "max_iter": 200, "tol": None}


def data(n: int) -> tuple[np.ndarray, np.ndarray, list[list[int]]]:
    rng = np.random.default_rng(0)
    X = rng.standard_normal((n, N_FEATURES))
    scale = np.repeat(np.asarray(SCALES), GROUP_SIZE)[:, None]
    weights = rng.standard_normal((N_FEATURES, N_TARGETS)) * scale / np.sqrt(GROUP_SIZE)
    Y = X @ weights + rng.standard_normal((n, N_TARGETS))
    groups = [list(range(g * GROUP_SIZE, (g + 1) * GROUP_SIZE)) for g in range(len(SCALES))]
    return X, Y, groups


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def ours(n: int, targets: int, one_by_one: bool, **params: Any) -> dict[str, Any]:
    from featurize_embanded import EMBandedRegressor

    X, Y, groups = data(n)
    Y = Y[:, :targets]
    start = time.perf_counter()
    if one_by_one:
        fits = [EMBandedRegressor(groups=groups, **params).fit(X, Y[:, t]) for t in range(targets)]
        lambdas = np.vstack([f.lambdas_ for f in fits])
        iterations = np.concatenate([f.n_iter_ for f in fits])
    else:
        fit = EMBandedRegressor(groups=groups, **params).fit(X, Y)
        lambdas, iterations = fit.lambdas_, fit.n_iter_
    return {
        "seconds": time.perf_counter() - start,
        "rss_mb": peak_rss_mb(),
        "lambdas": lambdas,
        "iterations": (int(iterations.min()), int(np.median(iterations)), int(iterations.max())),
    }


def reference(n: int, targets: int, source: str) -> dict[str, Any]:
    sys.path.insert(0, source)
    from embanded.embanded_numpy import EMBanded

    X, Y, groups = data(n)
    blocks = [X[:, g] for g in groups]
    start = time.perf_counter()
    lambdas = []
    for t in range(targets):
        model = EMBanded()
        model.fit(blocks, Y[:, [t]])
        lambdas.append(model.summary["lambdas"][-1])
    return {"seconds": time.perf_counter() - start, "rss_mb": peak_rss_mb(), "lambdas": np.array(lambdas)}


def isolated(function: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
    """Run ``function`` in a fresh process, so that its peak RSS is its own."""
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(function, args, kwargs)


def relative(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.max(np.abs(a - b) / np.abs(b)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=10_000, help="tracks (default 10000)")
    parser.add_argument("--loop-targets", type=int, default=8, help="targets fitted one by one (extrapolated)")
    parser.add_argument("--reference", metavar="DIR", help="checkout of safugl/embanded to time the reference")
    parser.add_argument("--reference-targets", type=int, default=4, help="targets fitted with the reference")
    parser.add_argument("--converged-targets", type=int, default=4, help="targets fitted by EM to convergence")
    args = parser.parse_args()
    print(f"EM-banded benchmark: N={args.n}, D={N_FEATURES} in {len(SCALES)} groups, {N_TARGETS} targets")
    print(
        f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', '(unset)')}, cpus={os.cpu_count()}, "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    vectorised = isolated(ours, args.n, N_TARGETS, False, **REFERENCE_MODE)
    seconds, rss = vectorised["seconds"], vectorised["rss_mb"]
    print(f"\nvectorised, 56 targets, EM x200: {seconds:8.2f} s   peak RSS {rss:6.0f} MB")

    loop = isolated(ours, args.n, args.loop_targets, True, **REFERENCE_MODE)
    per_target = loop["seconds"] / args.loop_targets
    difference = relative(loop["lambdas"], vectorised["lambdas"][: args.loop_targets])
    print(
        f"loop of single-target fits:      {per_target * N_TARGETS:8.2f} s   peak RSS {loop['rss_mb']:6.0f} MB"
        f"   (extrapolated from {args.loop_targets}; max rel. lambda difference {difference:.1e})"
    )
    print(f"  -> vectorised is {per_target * N_TARGETS / vectorised['seconds']:.1f}x faster than the loop")

    fast = isolated(ours, args.n, N_TARGETS, False)
    k = args.converged_targets
    converged = isolated(ours, args.n, k, False, update="em", tol=None, max_iter=3000)
    print(
        f"vectorised, defaults:            {fast['seconds']:8.2f} s   peak RSS {fast['rss_mb']:6.0f} MB"
        f"   iterations min/median/max {fast['iterations']}\n"
        f"  lambdas against EM run to convergence ({k} targets, 3000 iterations): max rel. difference "
        f"{relative(fast['lambdas'][:k], converged['lambdas']):.1e} (goal <= 1e-4); EM x200's "
        f"{relative(vectorised['lambdas'][:k], converged['lambdas']):.1e}"
    )

    if args.reference:
        ref = isolated(reference, args.n, args.reference_targets, args.reference)
        ref_total = ref["seconds"] / args.reference_targets * N_TARGETS
        ref_difference = relative(vectorised["lambdas"][: args.reference_targets], ref["lambdas"])
        print(
            f"reference embanded, looped:      {ref_total:8.2f} s   peak RSS {ref['rss_mb']:6.0f} MB"
            f"   (extrapolated from {args.reference_targets}; max rel. lambda difference {ref_difference:.1e})"
        )
        print(
            f"  -> vectorised EM x200 is {ref_total / vectorised['seconds']:.1f}x faster than the reference "
            f"in this run; the default {ref_total / fast['seconds']:.1f}x (goal >= 30x)"
        )
    print(
        f"\nresearch note's reference timing (56 targets looped, N=2000, 1 BLAS thread): {NOTE_REFERENCE_SECONDS} s"
        f" -> {NOTE_REFERENCE_SECONDS / vectorised['seconds']:.1f}x (EM x200), "
        f"{NOTE_REFERENCE_SECONDS / fast['seconds']:.1f}x (default)"
    )


if __name__ == "__main__":
    main()
