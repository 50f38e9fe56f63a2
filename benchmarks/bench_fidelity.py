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
mean importance share of the top group (does one group stand out?) and the macro ROC-AUC.
The anchor is chance, and the random grouping, measured in the same run.
Stores are kept under --out, so a second run with the same options only retrains.
"""

from __future__ import annotations

import argparse
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
                store, labels, model, grouping, repeats=repeats, seed=options.seed, grouping_params=params
            )
            run["corpus_seed"] = options.seed
            runs.append(run)
    return runs


def summary(runs: list[dict[str, Any]]) -> str:
    cells: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for run in runs:
        cells[(run["grouping"], run["model"])].append(run)
    lines = [
        f"{'grouping':15s} {'model':10s} {'fidelity':>15s} {'chance':>7s} {'top share':>10s} {'ROC-AUC':>8s}  runs"
    ]
    for (grouping, model), group in cells.items():
        rates = [r["fidelity"]["rate"] for r in group]
        lines.append(
            f"{grouping:15s} {model:10s} {np.mean(rates):8.2f} ± {np.std(rates):4.2f} "
            f"{np.mean([r['fidelity']['chance'] for r in group]):7.2f} "
            f"{np.mean([r['fidelity']['top_share'] for r in group]):10.2f} "
            f"{np.mean([r['metrics']['roc_auc']['mean'] for r in group]):8.3f}  {len(group)}"
        )
    lines.append("\nCausal group ranked first, per tag (hits / runs):")
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
    args = parser.parse_args()
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
