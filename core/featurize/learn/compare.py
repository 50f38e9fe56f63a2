"""Experiments in the shape of the SAMAT paper's Table 1: groupings x models x with/without a group.

Every grouping is run with every model on all of its groups and, for each ``--without``
group the grouping has, without it (a grouping without that group is run on all its groups
only, with a note). Each run is a :func:`~featurize.learn.training.train` with the same
labels, split options and seed, so the numbers are comparable; the table shows the main
metric (macro ROC-AUC for tags, accuracy for classes) as mean ± standard deviation.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from featurize.errors import FeaturizeError
from featurize.learn.report import mean_sd, table
from featurize.learn.training import TrainOptions, train

if TYPE_CHECKING:
    from featurize.plugin.manager import PluginManager

PRIMARY = {"multilabel": ("roc_auc", "pr_auc"), "multiclass": ("accuracy", "balanced_accuracy")}
ALL_GROUPS = "all groups"


@attrs.frozen
class Experiment:
    grouping: str
    model: str
    without: tuple[str, ...] = attrs.field(default=(), converter=tuple)

    @property
    def variant(self) -> str:
        return f"w/o {', '.join(self.without)}" if self.without else ALL_GROUPS


def plan(
    groupings: Sequence[str],
    models: Sequence[str],
    without: Sequence[str],
    group_names: Mapping[str, Sequence[str]],
) -> tuple[list[Experiment], list[str]]:
    """The experiments to run and notes on ``--without`` groups a grouping lacks."""
    experiments, notes = [], []
    for grouping in groupings:
        names = {name.casefold() for name in group_names[grouping]}
        variants: list[tuple[str, ...]] = [()]
        for excluded in without:
            if excluded.casefold() in names:
                variants.append((excluded,))
            else:
                notes.append(f"grouping {grouping!r} has no group {excluded!r}; run on all its groups only")
        experiments += [Experiment(grouping, model, v) for v in variants for model in models]
    return experiments, notes


def compare(
    store: str | Path,
    labels: str | Path | Sequence[str | Path],
    *,
    groupings: Sequence[str],
    models: Sequence[str],
    without: Sequence[str] = (),
    params: Mapping[str, Mapping[str, Any]] | None = None,
    base: TrainOptions | None = None,
    manager: PluginManager | None = None,
) -> dict[str, Any]:
    """Run every experiment; returns ``{"rows": [...], "notes": [...], "task": ...}``.

    ``params`` maps a model name to its parameters; ``base`` gives the shared options (task,
    repeats, seed, split, softmax ...); its ``model``, ``grouping`` and ``without`` are replaced.
    """
    from featurize.grouping import load_grouping
    from featurize.plugin.manager import PluginManager
    from featurize.store import FeatureStore

    if not groupings or not models:
        raise FeaturizeError("compare needs at least one grouping and one model")
    manager = manager or PluginManager()
    base = base or TrainOptions(model=models[0])
    with FeatureStore(store) as opened:
        catalog = opened.features()
    names = {g: load_grouping(g, manager=manager, catalog=catalog).group_names for g in groupings}
    experiments, notes = plan(groupings, models, without, names)
    rows, task = [], ""
    for experiment in experiments:
        options = attrs.evolve(
            base,
            model=experiment.model,
            grouping=experiment.grouping,
            without=experiment.without,
            params=dict((params or {}).get(experiment.model, {})),
        )
        report = train(store, labels, options, manager=manager).report
        task = report["data"]["task"]
        rows.append(_row(experiment, report))
    return {"task": task, "rows": rows, "notes": notes}


def _row(experiment: Experiment, report: Mapping[str, Any]) -> dict[str, Any]:
    test = report["metrics"]["test"]
    importances = report.get("importances")
    top = None
    if importances:
        pairs = [(g, v) for g, v in zip(importances["groups"], importances["overall"]["mean"], strict=True) if v == v]
        top = max(pairs, key=lambda pair: pair[1])[0] if pairs else None
    return {
        "grouping": report["grouping"]["name"] if report.get("grouping") else experiment.grouping,
        "model": experiment.model,
        "variant": experiment.variant,
        "metrics": {key: test[key] for key in test if isinstance(test[key], Mapping) and "mean" in test[key]},
        "top_group": top,
        "n_features": len(report["grouping"]["feature_names"]) if report.get("grouping") else None,
    }


def render_comparison(result: Mapping[str, Any]) -> str:
    """One table per main metric: rows grouping x model, columns the variants."""
    rows = result["rows"]
    variants = list(dict.fromkeys(row["variant"] for row in rows))
    blocks = []
    for metric in PRIMARY.get(result["task"], ()):
        cells: dict[tuple[str, str], dict[str, str]] = {}
        for row in rows:
            cells.setdefault((row["grouping"], row["model"]), {})[row["variant"]] = mean_sd(row["metrics"].get(metric))
        body = [[f"{g} / {m}", *(values.get(v, "") for v in variants)] for (g, m), values in cells.items()]
        blocks.append(f"{metric} (test)\n" + table(["grouping / model", *variants], body))
    tops = [[f"{r['grouping']} / {r['model']}", r["variant"], r["top_group"] or "-"] for r in rows]
    blocks.append("Most important group\n" + table(["grouping / model", "variant", "group"], tops))
    if result["notes"]:
        blocks.append("Notes:\n" + "\n".join(f"  - {note}" for note in result["notes"]))
    return "\n\n".join(blocks)
