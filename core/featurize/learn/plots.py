"""Plots of group importances (matplotlib, ``featurize[learn]``): PNG or SVG by the file's extension.

:func:`plot_importances` draws the training report's importances: a bar per group for the
overall importance (with the standard deviation over repeats as error bars when there were
several) and, when the model has several targets, a heat map per target and group.
:func:`plot_measures` draws several measures side by side, one panel each, with error bars
over repeats. Every bar carries its value, so a zero bar stays visible; an undefined value
(a booster without a split) is written "undefined" instead of drawn.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from featurize.errors import FeaturizeError
from featurize.learn.explain import Importances

if TYPE_CHECKING:
    from featurize.learn.explain import Explanation

FORMATS = (".png", ".svg")


def _pyplot(path: Path) -> Any:
    if path.suffix.lower() not in FORMATS:
        raise FeaturizeError(f"{path}: plots are written as .png or .svg, not {path.suffix or 'no extension'!r}")
    try:
        import matplotlib
    except ImportError as error:
        raise FeaturizeError("plots need matplotlib: pip install 'featurize[learn]'") from error

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    return plt


def _bars(axis: Any, groups: Sequence[str], values: np.ndarray, errors: np.ndarray | None, colour: str) -> None:
    """Horizontal bars with their values written beside them; NaN is written, not drawn."""
    positions = np.arange(len(groups))
    defined = ~np.isnan(values)
    shown = np.where(defined, values, 0.0)
    xerr = None if errors is None else np.where(defined, np.nan_to_num(errors), 0.0)
    axis.barh(positions, shown, xerr=xerr, color=colour, edgecolor="black", linewidth=0.6, capsize=3)
    axis.axvline(0, color="black", linewidth=0.8)
    reach = shown + (xerr if xerr is not None else 0.0)
    for y, value, ok, end in zip(positions, values, defined, reach, strict=True):
        axis.annotate(
            f"{value:.3f}" if ok else "undefined",
            (max(float(end), 0.0) if ok else 0.0, y),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            fontsize=8,
        )
    axis.set_yticks(positions, groups)
    axis.margins(x=0.25)


def plot_importances(importances: Importances, path: str | Path, *, title: str = "") -> Path:
    """Draw ``importances`` into ``path`` (``.png`` or ``.svg``)."""
    path = Path(path)
    plt = _pyplot(path)
    targets = list(importances.per_target)
    heat = len(targets) > 1
    height = max(3.0, 0.5 * len(importances.groups) + 1) + (max(3.0, 0.22 * len(targets) + 1.5) if heat else 0)
    figure, axes = plt.subplots(2 if heat else 1, 1, figsize=(8, height), squeeze=False)
    errors = importances.overall_std if importances.repeats > 1 else None
    _bars(axes[0, 0], importances.groups, np.asarray(importances.overall, dtype=np.float64), errors, "tab:blue")
    axes[0, 0].invert_yaxis()
    axes[0, 0].set_xlabel("group importance (sums to 1)")
    axes[0, 0].set_title(title or "Group importances")
    if heat:
        grid = axes[1, 0]
        values = np.ma.masked_invalid(np.stack([importances.per_target[t] for t in targets]))
        image = grid.imshow(values, aspect="auto", cmap="viridis")
        positions = np.arange(len(importances.groups))
        grid.set_xticks(positions, importances.groups, rotation=30, ha="right")
        grid.set_yticks(np.arange(len(targets)), targets, fontsize=7 if len(targets) > 20 else 9)
        figure.colorbar(image, ax=grid, label="importance per target (blank: undefined)")
    figure.tight_layout()
    figure.savefig(path)
    plt.close(figure)
    return path


def plot_measures(explanation: Explanation, path: str | Path, *, target: str = "overall") -> Path:
    """One panel per measure, side by side, for ``target`` (error bars: spread over repeats)."""
    path = Path(path)
    plt = _pyplot(path)
    names = list(explanation.measures)
    colours = ["tab:blue", "tab:orange", "tab:green", "tab:red"]
    height = max(3.0, 0.5 * len(explanation.groups) + 1.5)
    figure, axes = plt.subplots(1, len(names), figsize=(3.6 * len(names) + 1.5, height), sharey=True, squeeze=False)
    for axis, name, colour in zip(axes[0], names, colours, strict=False):
        measure = explanation.measures[name]
        if target == "overall":
            values, spread = measure.overall, measure.overall_std
        else:
            index = measure.targets.index(target)
            values, spread = measure.per_target[index], measure.per_target_std[index]
        _bars(axis, explanation.groups, values, spread if measure.repeats > 1 else None, colour)
        axis.set_title(name)
        axis.set_xlabel("share" if name in ("paper", "contribution") else "ROC-AUC drop")
    axes[0, 0].invert_yaxis()  # shared: once for all panels, first group on top
    figure.suptitle(f"{explanation.model} / {explanation.grouping}: {target}")
    figure.tight_layout()
    figure.savefig(path)
    plt.close(figure)
    return path
