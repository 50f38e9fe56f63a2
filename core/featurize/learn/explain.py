"""Explanations of a trained model: group importances per target and overall, and how they
compare with a human ranking of the groups.

The importances are those of the training report: the mean over repeats (with their standard
deviation when there were several). A reference ranking is a TOML file::

    # 1 = most important
    ranking = ["Lyrical", "Brightness & Sharpness", "Danceability & Rhythm"]

    [targets.happy]            # optional, per tag
    ranks = { "Lyrical" = 1, "Brightness & Sharpness" = 3, "Danceability & Rhythm" = 2 }

``ranking`` lists the groups from most to least important; ``ranks`` gives each group its
rank (ties allowed). The model ranks its groups by decreasing importance (1 = largest; equal
importances keep the grouping's order), and the comparison is the sum over groups of the
absolute rank differences: 0 when the orders agree, at most ``floor(G^2 / 2)`` for ``G`` groups.
"""

from __future__ import annotations

import tomllib
import warnings
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np

from featurize.errors import FeaturizeError
from featurize.learn.measures import (
    DEFINITIONS,
    MEASURES,
    NO_SPLIT,
    RECOMMENDED,
    HeldOut,
    Measure,
    MeasureError,
    ablation_cost,
    ablation_measure,
    contribution_measure,
    kendall_tau,
    paper_measure,
    permutation_measure,
    top_group,
)
from featurize.learn.report import table

if TYPE_CHECKING:
    from featurize.learn.modeldir import ModelBundle
    from featurize.learn.training import Dataset, Run, TrainResult
    from featurize.plugin.manager import PluginManager

OVERALL = "overall"


class RankingError(FeaturizeError):
    """A reference ranking file is malformed or does not name the model's groups."""


@attrs.frozen(eq=False)
class Importances:
    """Group importances of a trained model, overall and per target."""

    groups: tuple[str, ...] = attrs.field(converter=tuple)
    overall: np.ndarray
    overall_std: np.ndarray
    per_target: Mapping[str, np.ndarray]
    repeats: int

    @classmethod
    def from_report(cls, report: Mapping[str, Any]) -> Importances | None:
        """The importances of a training report; ``None`` for models that have none (audio models)."""
        found = report.get("importances")
        if not found:
            return None
        per_target = {name: np.asarray(v["mean"], dtype=np.float64) for name, v in found["per_target"].items()}
        overall = found["overall"]
        mean, std = (np.asarray(overall[k], dtype=np.float64) for k in ("mean", "std"))
        return cls(found["groups"], mean, std, per_target, found["repeats"])

    def vector(self, target: str = OVERALL) -> np.ndarray:
        if target == OVERALL:
            return self.overall
        if target not in self.per_target:
            raise RankingError(f"no target {target!r}; targets: {', '.join(self.per_target)}")
        return self.per_target[target]

    def render(self, targets: Sequence[str] = ()) -> str:
        """Rows: overall then each target; columns: groups."""
        names = list(targets) or list(self.per_target)
        rows: list[list[Any]] = [[OVERALL, *self.overall.tolist()]]
        if self.repeats > 1:
            rows.append(["(sd over repeats)", *self.overall_std.tolist()])
        rows += [[name, *self.vector(name).tolist()] for name in names]
        rows = [[row[0], *(NO_SPLIT if v is None or v != v else v for v in row[1:])] for row in rows]
        return table(["target", *self.groups], rows)


def model_ranks(importances: np.ndarray) -> np.ndarray:
    """Rank 1 for the largest importance; ties (and NaN, last) keep the grouping's order."""
    order = np.argsort(-np.nan_to_num(importances, nan=-np.inf), kind="stable")
    ranks = np.empty(len(order), dtype=np.int64)
    ranks[order] = np.arange(1, len(order) + 1)
    return ranks


@attrs.frozen(eq=False)
class RankComparison:
    """A model's ranking of the groups against a reference ranking, for one target."""

    target: str
    groups: tuple[str, ...] = attrs.field(converter=tuple)
    model: np.ndarray
    reference: np.ndarray

    @property
    def differences(self) -> np.ndarray:
        return np.abs(self.model - self.reference)

    @property
    def total(self) -> int:
        return int(self.differences.sum())

    @property
    def maximum(self) -> int:
        return len(self.groups) ** 2 // 2

    def to_dict(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "sum_abs_rank_difference": self.total,
            "maximum": self.maximum,
            "groups": {
                g: {"model": int(m), "reference": int(r)}
                for g, m, r in zip(self.groups, self.model, self.reference, strict=True)
            },
        }

    def render(self) -> str:
        rows = [
            [g, int(m), int(r), int(d)]
            for g, m, r, d in zip(self.groups, self.model, self.reference, self.differences, strict=True)
        ]
        head = f"{self.target}: sum of absolute rank differences {self.total} (0 = same order, at most {self.maximum})"
        return head + "\n" + table(["group", "model rank", "reference rank", "|difference|"], rows)


def read_reference(path: str | Path, groups: Sequence[str]) -> dict[str, np.ndarray]:
    """Reference ranks per target (``overall`` for the top-level one), aligned with ``groups``."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise RankingError(f"{path}: cannot read the reference ranking ({error})") from error
    found: dict[str, np.ndarray] = {}
    if "ranking" in data or "ranks" in data:
        found[OVERALL] = _ranks(path, OVERALL, data, groups)
    targets = data.get("targets", {})
    if not isinstance(targets, Mapping):
        raise RankingError(f"{path}: 'targets' must be a table of per-target rankings")
    for target, entry in targets.items():
        found[target] = _ranks(path, target, entry, groups)
    unknown = set(data) - {"ranking", "ranks", "targets"}
    if unknown:
        raise RankingError(f"{path}: unknown key(s) {', '.join(sorted(unknown))}; use ranking, ranks or targets")
    if not found:
        raise RankingError(f"{path}: no ranking found (give 'ranking = [...]' or a 'ranks' table)")
    return found


def _ranks(path: Path, target: str, entry: Any, groups: Sequence[str]) -> np.ndarray:
    where = f"{path}: {target}"
    if not isinstance(entry, Mapping) or ("ranking" in entry) == ("ranks" in entry):
        raise RankingError(f"{where}: give exactly one of 'ranking' (a list) or 'ranks' (a table)")
    if "ranking" in entry:
        order = entry["ranking"]
        if not isinstance(order, list) or len(set(order)) != len(order):
            raise RankingError(f"{where}: 'ranking' must list each group once, most important first")
        ranks = {name: position + 1 for position, name in enumerate(order)}
    else:
        ranks = entry["ranks"]
        bad = [name for name, rank in ranks.items() if not isinstance(rank, int) or rank < 1]
        if bad:
            raise RankingError(f"{where}: ranks must be integers from 1; bad for {', '.join(bad)}")
    missing, unknown = [g for g in groups if g not in ranks], [g for g in ranks if g not in groups]
    if missing or unknown:
        problems = []
        if missing:
            problems.append(f"lacks the model's group(s) {', '.join(map(repr, missing))}")
        if unknown:
            problems.append(f"names group(s) the model does not have: {', '.join(map(repr, unknown))}")
        raise RankingError(f"{where}: the reference " + "; ".join(problems))
    return np.array([ranks[g] for g in groups], dtype=np.int64)


def compare_with_reference(importances: Importances, path: str | Path) -> list[RankComparison]:
    """One comparison per target named in the reference file."""
    reference = read_reference(path, importances.groups)
    return [
        RankComparison(target, importances.groups, model_ranks(importances.vector(target)), ranks)
        for target, ranks in reference.items()
    ]


# -- measures checked on held-out tracks ---------------------------------------------------------------


@attrs.frozen(eq=False)
class Explanation:
    """Several importance measures of one model side by side, and how their rankings agree."""

    model: str
    grouping: str
    measures: Mapping[str, Measure]
    dropped: Sequence[Mapping[str, str]]
    tracks: int
    notes: Sequence[str] = ()

    @property
    def groups(self) -> tuple[str, ...]:
        return next(iter(self.measures.values())).groups

    @property
    def targets(self) -> tuple[str, ...]:
        return next(iter(self.measures.values())).targets

    def agreement(self) -> dict[str, dict[str, float]]:
        """Kendall tau between the paper's ranking and each held-out measure's, per target and overall."""
        if "paper" not in self.measures:
            return {}
        paper = self.measures["paper"]
        found = {}
        for name, measure in self.measures.items():
            if name == "paper":
                continue
            taus = {t: kendall_tau(_ranked(paper, t), measure.vector(t)) for t in (*self.targets, OVERALL)}
            found[name] = taus
        return found

    def disagreements(self) -> list[str]:
        """A note per target whose top group differs between measures (undefined values skipped)."""
        notes = []
        for target in (OVERALL, *self.targets):
            tops = {name: top_group(m.vector(target), self.groups) for name, m in self.measures.items()}
            tops = {name: top for name, top in tops.items() if top is not None}
            if len(set(tops.values())) > 1:
                said = ", ".join(f"{name}: {top}" for name, top in tops.items())
                notes.append(
                    f"{target}: the measures name different top groups ({said}). They answer different "
                    f"questions; for which group the predictions rely on, read {RECOMMENDED} (see docs/models.md)."
                )
        return notes

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "grouping": self.grouping,
            "held_out_tracks": self.tracks,
            "recommended": RECOMMENDED,
            "measures": {name: m.to_dict() for name, m in self.measures.items()},
            "kendall_tau_vs_paper": self.agreement(),
            "disagreements": self.disagreements(),
            "dropped_groups": list(self.dropped),
            "notes": list(self.notes),
        }

    def render(self, targets: Sequence[str] = ()) -> str:
        """One table per target (and overall): rows groups, columns the measures."""
        names = list(self.measures)
        blocks = [
            f"{self.model} on {self.grouping}: group importance measures "
            f"(held-out: {self.tracks} tracks; recommended: {RECOMMENDED})",
            "\n".join(f"  {name}: {DEFINITIONS[name]}" for name in names),
        ]
        agreement = self.agreement()
        for target in (OVERALL, *(targets or self.targets)):
            rows = []
            for g, group in enumerate(self.groups):
                rows.append([group, *(self._cell(self.measures[n], target, g) for n in names)])
            head = f"{target}"
            taus = [f"{n} {tau[target]:.2f}" for n, tau in agreement.items() if tau[target] == tau[target]]
            if taus:
                head += "  (Kendall tau with paper: " + ", ".join(taus) + ")"
            blocks.append(head + "\n" + table(["group", *names], rows))
        size_aware = [n for n in names if self.measures[n].size_aware is not None]
        if size_aware:
            rows = [
                [group, *(float(_size_overall(self.measures[n])[g]) for n in size_aware)]
                for g, group in enumerate(self.groups)
            ]
            label = ", ".join(f"{n}: {'per feature' if n == 'contribution' else 'size-aware'}" for n in size_aware)
            blocks.append(f"Variants, overall ({label})\n" + table(["group", *size_aware], rows))
        if self.dropped:
            blocks.append(
                "Dropped before fitting:\n" + "\n".join(f"  - {d['name']}: {d['reason']}" for d in self.dropped)
            )
        notes = [*self.notes, *self.disagreements()]
        if notes:
            blocks.append("Notes:\n" + "\n".join(f"  - {n}" for n in notes))
        return "\n\n".join(blocks)

    def _cell(self, measure: Measure, target: str, g: int) -> str:
        if target != OVERALL:
            note = measure.notes.get(target, {}).get(self.groups[g])
            if note:
                return note.split(":")[0]
        value = measure.vector(target)[g]
        if value != value:
            return NO_SPLIT if measure.name == "paper" else "-"
        spread = measure.per_target_std if target != OVERALL else None
        std = measure.overall_std[g] if spread is None else spread[self.targets.index(target), g]
        return f"{value:.4f}" + (f" ± {std:.4f}" if measure.repeats > 1 else "")


def _ranked(measure: Measure, target: str) -> np.ndarray:
    """The measure's values for ``target`` with undetermined groups left out (NaN): they are no ranking."""
    values = measure.vector(target).copy()
    flagged = measure.notes.get(target, {}) if target != OVERALL else {}
    values[[g in flagged for g in measure.groups]] = np.nan
    return values


def _size_overall(measure: Measure) -> np.ndarray:
    assert measure.size_aware is not None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmean(measure.size_aware, axis=0)


def explain_model(
    bundle: ModelBundle,
    measures: Sequence[str],
    *,
    store: str | Path | None = None,
    labels: Sequence[str | Path] = (),
    labels_format: str = "auto",
    repeats: int = 5,
    seed: int = 0,
    manager: PluginManager | None = None,
    progress: Callable[[int], Any] | None = None,
    announce: Callable[[str], Any] | None = None,
) -> Explanation:
    """Compute ``measures`` for a saved feature model.

    Held-out tracks: the model's own test split (store and labels of its training), or, when
    ``store`` and ``labels`` are given, their labelled tracks outside the training split.
    Ablation refits on the saved training split. ``announce`` receives the ablation's cost
    before it starts; ``progress(n)`` is called after each refit.
    """
    from featurize.learn.labels import read_labels
    from featurize.learn.models import find_model
    from featurize.learn.training import _evaluation_dataset, importance_rows

    if bundle.grouping is None:
        raise MeasureError(
            f"model {bundle.manifest['model']!r} ({bundle.input} input) has no feature groups, so no group measures"
        )
    report = bundle.report()
    trained_on = report["data"]
    original = (Path(trained_on["store"]), trained_on["labels"].split(", "), trained_on["labels_format"])
    held_store, held_labels, held_format = (Path(store), list(labels), labels_format) if store else original
    label_set = read_labels(held_labels, held_format)
    dataset = _evaluation_dataset(bundle, held_store, label_set, "unseen" if store else "held-out")
    if not dataset.track_ids:  # (no match at all is already an error of the alignment, naming both sides)
        where = ", ".join(map(str, held_labels))
        raise MeasureError(f"{where}: every labelled track of {held_store} is in the model's training split")
    model, groups = bundle.model, bundle.grouping.group_names
    columns = [np.asarray(c, dtype=np.int64) for c in bundle.grouping.groups]
    targets = importance_rows(model, dataset.targets)
    data = _evidence(dataset, model, targets)
    found: dict[str, Measure] = {}
    for name in measures:
        if name == "paper":
            found[name] = paper_measure(model, groups, targets, report.get("importances"))
        elif name == "contribution":
            found[name] = contribution_measure(model, data, columns, groups)
        elif name == "permutation":
            found[name] = permutation_measure(model, data, columns, groups, repeats=repeats, seed=seed)
        elif name == "ablation":
            train_set = _evaluation_dataset(bundle, original[0], read_labels(original[1], original[2]), "train")
            spec = find_model(manager or _manager(), bundle.manifest["model"])
            params = dict(bundle.manifest.get("params", {}))
            if announce:
                announce(
                    f"ablation: {ablation_cost(len(groups), repeats)} refits "
                    f"({repeats} repeat(s) x ({len(groups)} groups + the full model)) "
                    f"on {len(train_set.track_ids)} training tracks"
                )
            found[name] = ablation_measure(
                _factory(spec, params),
                _evidence(train_set, model, targets),
                data,
                columns,
                groups,
                repeats=repeats,
                seed=seed,
                progress=progress,
            )
        else:
            raise MeasureError(f"unknown measure {name!r}; choose from {', '.join(MEASURES)}")
    return Explanation(
        bundle.manifest["model"],
        str(bundle.manifest.get("grouping")),
        found,
        report.get("dropped_groups") or [],
        len(dataset.track_ids),
        tuple(dataset.notes),
    )


def _factory(spec: Any, params: Mapping[str, Any]) -> Callable[[list[list[int]]], Any]:
    """An unfitted model with the saved parameters, for given column groups."""
    return lambda groups: spec.factory(groups=groups, **params)


def _manager() -> PluginManager:
    from featurize.plugin.manager import PluginManager

    return PluginManager()


def _evidence(dataset: Dataset, model: Any, targets: Sequence[str]) -> HeldOut:
    """0/1 columns matching the model's decision scores (one-vs-rest for classes)."""
    y = dataset.targets.y
    if dataset.targets.task == "multilabel":
        return HeldOut(np.asarray(dataset.inputs), y.astype(np.float64), targets)
    classes = np.asarray(model.classes_).astype(np.int64)
    shown = classes[1:] if len(classes) == 2 else classes
    return HeldOut(np.asarray(dataset.inputs), (y[:, None] == shown[None, :]).astype(np.float64), targets, y)


def run_measures(
    result: TrainResult,
    measures: Sequence[str],
    *,
    repeats: int = 3,
    seed: int = 0,
    manager: PluginManager | None = None,
) -> dict[str, dict[str, np.ndarray]]:
    """Per-target measures of a training result, averaged over its repeats: ``name -> target -> vector``.

    Each repeat is measured on its own test split (held out from that repeat's fit); ``paper``
    is the report's. What the demo and the fidelity benchmark judge.
    """
    from featurize.learn.models import find_model
    from featurize.learn.training import importance_rows

    dataset = result.dataset
    assert dataset.resolved is not None, "measures need a feature model"
    groups = dataset.resolved.group_names
    columns = [np.asarray(c, dtype=np.int64) for c in dataset.resolved.groups]
    spec = find_model(manager or _manager(), result.report["model"]["name"])
    params = dict(result.report["model"]["params"])
    found: dict[str, list[Measure]] = {name: [] for name in measures}
    for run in result.runs:
        assert run.standardiser is not None
        targets = importance_rows(run.model, dataset.targets)
        test = _evidence_rows(dataset, run, run.split.test, targets)
        for name in measures:
            if name == "paper":
                found[name].append(paper_measure(run.model, groups, targets))
            elif name == "contribution":
                found[name].append(contribution_measure(run.model, test, columns, groups))
            elif name == "permutation":
                found[name].append(permutation_measure(run.model, test, columns, groups, repeats=repeats, seed=seed))
            elif name == "ablation":
                train_rows = _evidence_rows(dataset, run, run.split.train, targets)
                found[name].append(
                    ablation_measure(_factory(spec, params), train_rows, test, columns, groups, repeats=1, seed=seed)
                )
    averaged = {}
    for name, measured in found.items():
        targets = measured[0].targets
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            mean = np.nanmean(np.stack([m.per_target for m in measured]), axis=0)
        averaged[name] = dict(zip(targets, mean, strict=True))
    return averaged


def _evidence_rows(dataset: Dataset, run: Run, rows: np.ndarray, targets: Sequence[str]) -> HeldOut:
    assert run.standardiser is not None
    subset = attrs.evolve(
        dataset,
        inputs=run.standardiser.transform(dataset.inputs[rows]),
        targets=attrs.evolve(dataset.targets, y=dataset.targets.y[rows]),
        track_ids=[dataset.track_ids[r] for r in rows],
        splits=[dataset.splits[r] for r in rows],
    )
    return _evidence(subset, run.model, targets)
