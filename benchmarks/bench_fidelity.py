"""Explanation-fidelity benchmark: how often is a tag's truly causal feature group ranked first?

Run by hand (prints figures; not a test)::

    /work/venv/bin/python benchmarks/bench_fidelity.py [--seeds 3] [--clips 200] [--duration 8]
        [--random-groupings 3] [--out /tmp/featurize-fidelity]

For each corpus seed: synthesize a corpus (featurize.synth), extract features with every
installed extractor that needs no downloaded weights (as the demo does), then train
EM-banded and XGBoost (3 random splits each) with the user-friendly and domain-expert
groupings and, as the control, the random grouping (5 groups, several grouping seeds).
For each tag the top group is compared with the causal one: the group the tag rule names
for the semantic groupings, the group holding most of the tag's marker features for the
random one (see featurize.demo.fidelity). Printed per grouping and model, over seeds:
the fidelity (share of tags whose causal group is ranked first), chance (1 / groups), the
mean importance share of the top group (does one group stand out?) and the macro ROC-AUC,
for every importance measure (paper, contribution, permutation, ablation: see
featurize.learn.measures; each held-out measure on each repeat's own test split).
The anchor is chance, and the random grouping, measured in the same run.
Stores are kept under --out, so a second run with the same options only retrains.

With --gtzan CSV (the real GTZAN features, signal / mid-level / harmonic groups), it also
prints, for both models, each measure's group ranking against the ablation's (Kendall tau and
same top group), per genre and overall. ``--seeds 0 --gtzan CSV`` runs only that part.
"""

from __future__ import annotations

import argparse
import itertools
import json
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np

from featurize.demo.extractors import runnable_plugins
from featurize.demo.pipeline import DemoOptions, extract_features, synthesize_corpus, train_judged
from featurize.plugin.manager import PluginManager

MODELS = ("em-banded", "xgboost")
SEMANTIC = ("user-friendly", "domain-expert")
MEASURES = ("paper", "contribution", "permutation", "ablation")
GTZAN_GROUPS = (("Signal", 22), ("Mid-level", 7), ("Harmonic", 32))


def corpus_runs(options: DemoOptions, random_seeds: int, repeats: int) -> list[dict[str, Any]]:
    """Every (grouping, model) run on one corpus."""
    corpus = synthesize_corpus(options, print)
    extract_features(options, corpus, runnable_plugins(PluginManager()), print)
    store, labels = options.out / "features.h5", corpus / "tags.csv"
    plan = [(g, {}) for g in SEMANTIC] + [("random", {"n_groups": 5, "seed": s}) for s in range(random_seeds)]
    runs = []
    for grouping, params in plan:
        for model in MODELS:
            run = train_judged(
                store,
                labels,
                model,
                grouping,
                repeats=repeats,
                seed=options.seed,
                grouping_params=params,
                measures=MEASURES,
            )
            run["corpus_seed"] = options.seed
            runs.append(run)
    return runs


def summary(runs: list[dict[str, Any]]) -> str:
    cells: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for run in runs:
        cells[(run["grouping"], run["model"])].append(run)
    lines = [f"{'grouping':15s} {'model':10s} {'measure':13s} {'fidelity':>15s} {'chance':>7s} {'ROC-AUC':>8s}  runs"]
    for (grouping, model), group in cells.items():
        for measure in MEASURES:
            rates = [r["measures"][measure]["fidelity"]["rate"] for r in group if measure in r["measures"]]
            lines.append(
                f"{grouping:15s} {model:10s} {measure:13s} {np.mean(rates):8.2f} ± {np.std(rates):4.2f} "
                f"{np.mean([r['fidelity']['chance'] for r in group]):7.2f} "
                f"{np.mean([r['metrics']['roc_auc']['mean'] for r in group]):8.3f}  {len(group)}"
            )
    lines.append("\nCausal group ranked first, per tag (hits / runs), recommended measure:")
    tags = [v["tag"] for v in runs[0]["verdicts"]]
    header = f"{'grouping / model':28s}" + "".join(f"{t:>11s}" for t in tags)
    lines.append(header)
    for (grouping, model), group in cells.items():
        counts = []
        for tag in tags:
            hits = [v["hit"] for r in group for v in r["verdicts"] if v["tag"] == tag and v["hit"] is not None]
            counts.append(f"{sum(hits)}/{len(hits)}")
        lines.append(f"{grouping + ' / ' + model:28s}" + "".join(f"{c:>11s}" for c in counts))
    return "\n".join(lines)


def gtzan(path: Path, repeats: int) -> str:
    """Each measure's ranking of the GTZAN groups against the ablation's, both models."""
    import csv

    from featurize.learn.measures import (
        HeldOut,
        ablation_measure,
        contribution_measure,
        kendall_tau,
        paper_measure,
        permutation_measure,
    )
    from featurize.learn.scaling import Standardiser
    from featurize_embanded import EMBandedClassifier
    from featurize_xgboost import XGBoostClassifier

    with path.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    header = [c for c in rows[0] if c and c != "Track"]
    n_features = sum(size for _, size in GTZAN_GROUPS)
    genres = header[n_features:]
    X = np.array([[float(r[c]) for c in header[:n_features]] for r in rows])
    y = np.array([int(np.argmax([float(r[g]) for g in genres])) for r in rows])
    order = np.random.default_rng(4).permutation(len(X))
    cut = int(0.8 * len(X))
    Xs = Standardiser.fit(X[order[:cut]], header[:n_features]).transform(X)
    onehot = (y[:, None] == np.arange(len(genres))[None, :]).astype(float)
    train = HeldOut(Xs[order[:cut]], onehot[order[:cut]], genres, y[order[:cut]])
    test = HeldOut(Xs[order[cut:]], onehot[order[cut:]], genres, y[order[cut:]])
    bounds = np.cumsum([0, *(size for _, size in GTZAN_GROUPS)])
    columns = [np.arange(a, b) for a, b in itertools.pairwise(bounds)]
    names = [name for name, _ in GTZAN_GROUPS]
    factories = {
        "em-banded": lambda g: EMBandedClassifier(groups=g, update="mackay", tol=1e-6),
        "xgboost": lambda g: XGBoostClassifier(groups=g, max_depth=2, n_jobs=1),
    }
    lines = [f"GTZAN ({len(X)} tracks, held-out {len(test.X)}): ranking of each measure against ablation"]
    for model_name, factory in factories.items():
        model = factory([list(c) for c in columns]).fit(train.X, train.fit_y)
        ablation = ablation_measure(factory, train, test, columns, names, repeats=repeats)
        paper = paper_measure(model, names, genres)
        measured = {
            "paper": paper.per_target,
            "paper size-aware": paper.size_aware,
            "contribution": contribution_measure(model, test, columns, names).per_target,
            "permutation": permutation_measure(model, test, columns, names, repeats=repeats).per_target,
        }
        lines.append(
            f"\n{model_name}: ablation overall "
            + ", ".join(f"{n} {v:.3f}" for n, v in zip(names, np.nanmean(ablation.per_target, axis=0), strict=True))
        )
        lines.append(
            f"{'measure':18s} {'overall (top)':>24s} {'tau overall':>11s} {'mean tau/genre':>14s} "
            f"{'same top/genre':>14s}"
        )
        reference = np.nanmean(ablation.per_target, axis=0)
        for name, values in measured.items():
            overall = np.nanmean(values, axis=0)
            taus = [kendall_tau(v, a) for v, a in zip(values, ablation.per_target, strict=True)]
            same = np.mean(
                [np.nanargmax(v) == np.nanargmax(a) for v, a in zip(values, ablation.per_target, strict=True)]
            )
            shown = "/".join(f"{v:.2f}" for v in overall) + f" ({names[int(np.nanargmax(overall))]})"
            lines.append(
                f"{name:18s} {shown:>24s} {kendall_tau(overall, reference):11.2f} {np.nanmean(taus):14.2f} {same:14.2f}"
            )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3, help="corpus seeds")
    parser.add_argument("--clips", type=int, default=300)
    parser.add_argument("--duration", type=float, default=8.0)
    parser.add_argument("--label-noise", type=float, default=0.05)
    parser.add_argument("--random-groupings", type=int, default=3, help="seeds of the random grouping")
    parser.add_argument("--repeats", type=int, default=3, help="random train/test splits per model")
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--out", type=Path, default=Path("/tmp/featurize-fidelity"))
    parser.add_argument("--gtzan", type=Path, default=None, help="the GTZAN features CSV (real data)")
    args = parser.parse_args()
    if args.gtzan:
        print(gtzan(args.gtzan, args.repeats) + "\n")
    if not args.seeds:
        return
    started = time.monotonic()
    runs = []
    for seed in range(args.seeds):
        options = DemoOptions(
            out=args.out / f"seed{seed}",
            clips=args.clips,
            duration=args.duration,
            seed=seed,
            label_noise=args.label_noise,
            workers=args.workers,
            progress=False,
        )
        runs += corpus_runs(options, args.random_groupings, args.repeats)
    (args.out / "fidelity.json").write_text(json.dumps(runs, indent=1, default=float))
    print(
        f"\n{args.seeds} corpora x {args.clips} clips of {args.duration:g} s, label noise {args.label_noise}, "
        f"{time.monotonic() - started:.0f} s in all\n"
    )
    print(summary(runs))


if __name__ == "__main__":
    main()
