"""The demo's plots: for each grouping, the group importances of every tag, the models side by side.

One PNG per grouping; one panel per tag with a bar per group and model, the causal group's
label marked with an asterisk, so a glance shows whether each model's largest bar is there.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

COLUMNS = 3


def plot_grouping(runs: Sequence[Mapping[str, Any]], path: Path) -> Path:
    """Draw the runs of one grouping (same groups, one run per model) into ``path``."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    groups = runs[0]["groups"]
    tags = [v["tag"] for v in runs[0]["verdicts"]]
    rows = int(np.ceil(len(tags) / COLUMNS))
    figure, axes = plt.subplots(
        rows, COLUMNS, figsize=(5.2 * COLUMNS, 0.55 * len(groups) * rows + 1.5 * rows), squeeze=False, sharex=True
    )
    positions = np.arange(len(groups))
    height = 0.8 / len(runs)
    for index, tag in enumerate(tags):
        ax = axes[index // COLUMNS, index % COLUMNS]
        causal = set()
        for offset, run in enumerate(runs):
            verdict = next(v for v in run["verdicts"] if v["tag"] == tag)
            causal |= set(verdict["causal"])
            shares = [verdict["importances"][g] for g in groups]
            ax.barh(positions + offset * height, shares, height, label=run["model"])
        ax.set_yticks(
            positions + height * (len(runs) - 1) / 2, [f"{g} *" if g in causal else g for g in groups], fontsize=8
        )
        ax.invert_yaxis()
        ax.set_title(tag)
        ax.axvline(0, color="black", linewidth=0.6)
    for index in range(len(tags), rows * COLUMNS):
        axes[index // COLUMNS, index % COLUMNS].axis("off")
    axes[0, 0].legend(loc="lower right", fontsize=8)
    figure.suptitle(f"Group importances per tag, {runs[0]['grouping']} grouping (* = causal group)")
    measure = runs[0].get("measure", "paper")
    figure.supxlabel(
        "held-out ROC-AUC drop when the group is permuted (permutation measure)"
        if measure == "permutation"
        else f"importance ({measure} measure)"
    )
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return path


def plot_demo(runs: Sequence[Mapping[str, Any]], out: Path) -> list[Path]:
    """One ``importances-<grouping>.png`` per grouping in ``out``."""
    by_grouping: dict[str, list[Mapping[str, Any]]] = {}
    for run in runs:
        by_grouping.setdefault(run["grouping"], []).append(run)
    return [
        plot_grouping(group_runs, out / f"importances-{grouping}.png") for grouping, group_runs in by_grouping.items()
    ]
