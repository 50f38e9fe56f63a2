"""Plots of group importances (matplotlib, ``featurize[learn]``): PNG or SVG by the file's extension.

The figure has a bar per group for the overall importance (with the standard deviation over
repeats as error bars when there were several) and, when the model has several targets, a
heat map of the importances per target (rows) and group (columns).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from featurize.errors import FeaturizeError
from featurize.learn.explain import Importances

FORMATS = (".png", ".svg")


def plot_importances(importances: Importances, path: str | Path, *, title: str = "") -> Path:
    """Draw ``importances`` into ``path`` (``.png`` or ``.svg``)."""
    path = Path(path)
    if path.suffix.lower() not in FORMATS:
        raise FeaturizeError(f"{path}: plots are written as .png or .svg, not {path.suffix or 'no extension'!r}")
    try:
        import matplotlib
    except ImportError as error:
        raise FeaturizeError("plots need matplotlib: pip install 'featurize[learn]'") from error

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    targets = list(importances.per_target)
    heat = len(targets) > 1
    height = max(3.0, 0.5 * len(importances.groups) + 1) + (max(3.0, 0.22 * len(targets) + 1.5) if heat else 0)
    figure, axes = plt.subplots(2 if heat else 1, 1, figsize=(8, height), squeeze=False)
    positions = np.arange(len(importances.groups))
    errors = importances.overall_std if importances.repeats > 1 else None
    bars = axes[0, 0]
    bars.barh(positions, importances.overall, xerr=errors, color="tab:blue")
    bars.set_yticks(positions, importances.groups)
    bars.invert_yaxis()
    bars.set_xlabel("group importance (sums to 1)")
    bars.set_title(title or "Group importances")
    if heat:
        grid = axes[1, 0]
        values = np.stack([importances.per_target[t] for t in targets])
        image = grid.imshow(values, aspect="auto", cmap="viridis")
        grid.set_xticks(positions, importances.groups, rotation=30, ha="right")
        grid.set_yticks(np.arange(len(targets)), targets, fontsize=7 if len(targets) > 20 else 9)
        figure.colorbar(image, ax=grid, label="importance per target")
    figure.tight_layout()
    figure.savefig(path)
    plt.close(figure)
    return path
