"""Training and evaluation as library functions: what ``featurize train`` and ``evaluate`` run.

>>> from featurize.learn.training import TrainOptions, train            # doctest: +SKIP
>>> result = train("features.h5", ["tags.csv"], TrainOptions(model="em-banded", grouping="user-friendly"),
...                output="model/")

A run reads the grouping's columns from the store (or the audio paths, for audio models),
matches the labels to the store's tracks, makes one split per repeat, standardises on the
training split only, fits, scores the test and training splits, and collects the group
importances. The model of the first repeat is saved with everything needed to apply it.
"""

from __future__ import annotations

import datetime
import itertools
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import attrs
import numpy as np

from featurize.errors import ConfigurationError, StoreError
from featurize.learn.labels import LabelFormat, LabelSet, read_labels
from featurize.learn.metrics import multiclass_metrics, multilabel_metrics
from featurize.learn.modeldir import ModelBundle, load_bundle, save_bundle
from featurize.learn.models import find_model, model_params
from featurize.learn.report import ALL_TRACKS, REPORT_FORMAT_VERSION, summarise, summarise_metrics, versions
from featurize.learn.scaling import Standardiser
from featurize.learn.splits import Split, SplitChoice, make_splits
from featurize.learn.targets import Alignment, Targets, align, make_targets, targets_for

if TYPE_CHECKING:
    from featurize.grouping import ResolvedGrouping
    from featurize.plugin.descriptors import ModelSpec
    from featurize.plugin.manager import PluginManager

SEED_PARAMS = ("random_state", "seed")
"""Model parameters that receive the repeat's seed unless the user sets them."""


@attrs.frozen
class TrainOptions:
    """Everything ``featurize train`` takes besides the store and the label files."""

    model: str
    grouping: str | None = None
    without: tuple[str, ...] = attrs.field(default=(), converter=tuple)
    grouping_params: Mapping[str, Any] = attrs.field(factory=dict)
    params: Mapping[str, Any] = attrs.field(factory=dict)
    task: Literal["auto", "multilabel", "multiclass"] = "auto"
    repeats: int = 1
    seed: int = 0
    test_size: float = 0.2
    split: SplitChoice = "auto"
    softmax: bool = False
    """Row-wise softmax across tags before the AUCs (the SAMAT quirk; off by default)."""
    strict: bool = False
    labels_format: LabelFormat = "auto"
    top_tags: int | None = None


@attrs.frozen(eq=False)
class Dataset:
    """The tracks a run uses, their inputs and targets."""

    store: Path
    track_ids: tuple[str, ...] = attrs.field(converter=tuple)
    inputs: Any
    """``(n, D)`` float32 features in the grouping's column order, or audio paths."""
    resolved: ResolvedGrouping | None
    labels: LabelSet
    alignment: Alignment
    targets: Targets
    splits: tuple[str, ...] = attrs.field(converter=tuple)
    """The labels' own split per used track (empty strings when none)."""
    extractors: Mapping[str, str]
    """Extractor -> version, for the extractors whose features are used."""
    notes: tuple[str, ...] = attrs.field(converter=tuple)
    metas: Mapping[str, Any] = attrs.field(factory=dict)
    """Extractor -> the store's ExtractorMeta (version, params, hash), for the recipe."""
    dropped_groups: Mapping[str, str] = attrs.field(factory=dict)
    """Groups left out before fitting because they carry no information, and why."""


class UninformativeGroupWarning(UserWarning):
    """A feature group is left out: all its features are missing or constant on the training tracks."""


@attrs.frozen(eq=False)
class Run:
    """One repeat: its split, fitted model and standardiser, metrics and importances."""

    split: Split
    model: Any
    standardiser: Standardiser | None
    test: dict[str, Any]
    train: dict[str, Any]
    importances: np.ndarray | None
    per_target: dict[str, np.ndarray]


@attrs.frozen(eq=False)
class TrainResult:
    report: dict[str, Any]
    runs: list[Run]
    dataset: Dataset


def _manager(manager: PluginManager | None) -> PluginManager:
    if manager is not None:
        return manager
    from featurize.plugin.manager import PluginManager

    return PluginManager()


def _now() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")


# -- data ----------------------------------------------------------------------------------------------


def _resolve(options: TrainOptions, catalog: Sequence[Any], manager: PluginManager) -> ResolvedGrouping:
    from featurize.grouping import GroupingWarning, resolve_grouping

    if options.grouping is None:
        raise ConfigurationError(f"model {options.model!r} learns from features: give a grouping (--grouping)")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GroupingWarning)
        return resolve_grouping(
            options.grouping,
            catalog,
            manager=manager,
            without=options.without,
            strict=options.strict,
            params=options.grouping_params,
        )


def complete_rows(X: np.ndarray) -> np.ndarray:
    """Rows with at least one feature value: a track whose every extraction failed has none."""
    return ~np.all(np.isnan(X), axis=1)


def load_dataset(
    store_path: str | Path,
    labels: str | Path | Sequence[str | Path],
    options: TrainOptions,
    spec: ModelSpec,
    manager: PluginManager,
) -> Dataset:
    """Read the store and the labels and match them (see :mod:`featurize.learn.targets`)."""
    from featurize.store import FeatureStore

    label_set = read_labels(labels, options.labels_format)
    if options.top_tags:
        label_set = label_set.top(options.top_tags)
    notes = list(label_set.notes)
    with FeatureStore(store_path) as store:
        track_ids = store.track_ids
        alignment = align(label_set, track_ids, [str(p) for p in store.tracks()["path"]], require_match=True)
        notes += alignment.notes()
        resolved, extractors, metas = None, {}, {}
        if spec.input == "features":
            resolved = _resolve(options, store.features(), manager)
            notes += list(resolved.warnings)
            matrix, _ = store.matrix(list(resolved.feature_names))
            inputs: Any = matrix[alignment.store_rows]
            used = {name.split(".")[0] for name in resolved.feature_names}
            metas = {name: meta for name, meta in store.extractors.items() if name in used}
            extractors = {name: meta.version for name, meta in metas.items()}
        else:
            inputs = [str(store.track_path(track_ids[row])) for row in alignment.store_rows]
    keep = complete_rows(inputs) if resolved is not None else np.ones(len(inputs), dtype=bool)
    if not keep.all():
        notes.append(
            f"{int((~keep).sum())} track(s) have no feature value at all (failed extractions) and are left out"
        )
    label_rows, store_rows = alignment.label_rows[keep], alignment.store_rows[keep]
    targets = make_targets(label_set, label_rows, options.task)
    notes += list(targets.notes)
    return Dataset(
        store=Path(store_path),
        track_ids=[track_ids[row] for row in store_rows],
        inputs=inputs[keep] if resolved is not None else [p for p, k in zip(inputs, keep, strict=True) if k],
        resolved=resolved,
        labels=label_set,
        alignment=alignment,
        targets=targets,
        splits=[label_set.splits[row] for row in label_rows],
        extractors=extractors,
        notes=notes,
        metas=metas,
    )


def uninformative_groups(X: np.ndarray, resolved: ResolvedGrouping, rows: np.ndarray) -> dict[str, str]:
    """Groups whose every feature is missing or constant on ``rows`` (training tracks), with why."""
    train = X[rows]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        missing = np.all(np.isnan(train), axis=0)
        constant = ~missing & (np.nanmax(train, axis=0) == np.nanmin(train, axis=0))
    found = {}
    for name, columns in zip(resolved.group_names, resolved.groups, strict=True):
        index = list(columns)
        if missing[index].all():
            found[name] = "every feature is missing on the training tracks"
        elif (missing[index] | constant[index]).all():
            found[name] = "every feature is missing or constant on the training tracks"
    return found


def drop_uninformative(dataset: Dataset, splits: Sequence[Split]) -> Dataset:
    """Leave out, with a warning, the groups without information on some repeat's training tracks.

    Such a group (e.g. an extractor that failed on every track) would otherwise get imputed
    constants and a small importance indistinguishable from a real group's.
    """
    resolved = dataset.resolved
    if resolved is None:
        return dataset
    why: dict[str, str] = {}
    for split in splits:
        why |= {k: v for k, v in uninformative_groups(dataset.inputs, resolved, split.train).items() if k not in why}
    if not why:
        return dataset
    if len(why) == len(resolved.group_names):
        raise ConfigurationError("no feature group has information on the training tracks (all missing or constant)")
    keep = [i for i, name in enumerate(resolved.group_names) if name not in why]
    columns = [c for i in keep for c in resolved.groups[i]]
    starts = np.cumsum([0, *(len(resolved.groups[i]) for i in keep)])
    notes = [f"group {name!r} dropped before fitting: {reason}" for name, reason in why.items()]
    for note in notes:
        warnings.warn(note, UninformativeGroupWarning, stacklevel=3)
    smaller = attrs.evolve(
        resolved,
        feature_names=[resolved.feature_names[c] for c in columns],
        group_names=[resolved.group_names[i] for i in keep],
        groups=[range(a, b) for a, b in itertools.pairwise(starts)],
        group_descriptions=[resolved.group_descriptions[i] for i in keep] if resolved.group_descriptions else (),
        dropped=(*resolved.dropped, *why),
        warnings=(*resolved.warnings, *notes),
    )
    return attrs.evolve(
        dataset,
        inputs=dataset.inputs[:, columns],
        resolved=smaller,
        notes=(*dataset.notes, *notes),
        dropped_groups=why,
    )


# -- fitting and scoring -----------------------------------------------------------------------------------


def score(model: Any, inputs: Any, y: np.ndarray, targets: Targets, *, softmax: bool = False) -> dict[str, Any]:
    """Metrics of a fitted model on ``inputs`` against ``y`` (see :mod:`featurize.learn.metrics`)."""
    if targets.task == "multilabel":
        scores = np.asarray(model.decision_function(inputs), dtype=np.float64).reshape(len(y), -1)
        return multilabel_metrics(y, scores, targets.names, softmax=softmax)
    predicted = np.asarray(model.predict(inputs)).astype(np.int64)
    return multiclass_metrics(y, predicted, targets.names)


def importance_rows(model: Any, targets: Targets) -> list[str]:
    """The target name of each row of ``group_importances_per_target_``."""
    if targets.task == "multilabel":
        return list(targets.names)
    classes = [int(c) for c in model.classes_]
    return [targets.names[classes[1]]] if len(classes) == 2 else [targets.names[c] for c in classes]


def _select(inputs: Any, rows: np.ndarray) -> Any:
    return inputs[rows] if isinstance(inputs, np.ndarray) else [inputs[r] for r in rows]


def fit_run(spec: ModelSpec, params: Mapping[str, Any], dataset: Dataset, split: Split, softmax: bool) -> Run:
    """Fit and score one split: standardise on its training rows only."""
    y = dataset.targets.y
    train_inputs, test_inputs = _select(dataset.inputs, split.train), _select(dataset.inputs, split.test)
    standardiser = None
    if dataset.resolved is not None:
        standardiser = Standardiser.fit(train_inputs, dataset.resolved.feature_names)
        train_inputs, test_inputs = standardiser.transform(train_inputs), standardiser.transform(test_inputs)
        model = spec.factory(groups=[list(g) for g in dataset.resolved.groups], **params)
    else:
        model = spec.factory(**params)
    model.fit(train_inputs, y[split.train])
    importances = getattr(model, "group_importances_", None)
    per_target = {}
    if importances is not None:
        rows = np.atleast_2d(model.group_importances_per_target_)
        per_target = dict(zip(importance_rows(model, dataset.targets), rows, strict=True))
    return Run(
        split=split,
        model=model,
        standardiser=standardiser,
        test=score(model, test_inputs, y[split.test], dataset.targets, softmax=softmax),
        train=score(model, train_inputs, y[split.train], dataset.targets, softmax=softmax),
        importances=None if importances is None else np.asarray(importances, dtype=np.float64),
        per_target=per_target,
    )


def _seeded(spec: ModelSpec, params: dict[str, Any], given: Mapping[str, Any], seed: int) -> dict[str, Any]:
    declared = {p.name for p in spec.params}
    return params | {name: seed for name in SEED_PARAMS if name in declared and name not in given}


def importance_summary(runs: Sequence[Run], groups: Sequence[str]) -> dict[str, Any] | None:
    """Mean and standard deviation over repeats of the overall and per-target group importances."""
    if any(run.importances is None for run in runs):
        return None
    overall = np.stack([run.importances for run in runs])
    names = list(dict.fromkeys(name for run in runs for name in run.per_target))
    per_target = {}
    for name in names:
        per_target[name] = _mean_std(np.stack([run.per_target[name] for run in runs if name in run.per_target]))
    return {"groups": list(groups), "repeats": len(runs), "overall": _mean_std(overall), "per_target": per_target}


def _mean_std(rows: np.ndarray) -> dict[str, list[float]]:
    """Column means and sample standard deviations over repeats, ignoring NaN (a target without splits)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        mean = np.nanmean(rows, axis=0)
        std = np.nanstd(rows, axis=0, ddof=1) if len(rows) > 1 else np.zeros(rows.shape[1])
    return {"mean": mean.tolist(), "std": std.tolist()}


# -- train -----------------------------------------------------------------------------------------------------


def train(
    store: str | Path,
    labels: str | Path | Sequence[str | Path],
    options: TrainOptions,
    *,
    output: str | Path | None = None,
    manager: PluginManager | None = None,
    command: str = "",
) -> TrainResult:
    """Train ``options.model`` on ``store`` against ``labels``; save it to ``output`` when given.

    Raises
    ------
    FeaturizeError
        Unknown model or parameter, bad grouping, unreadable labels, no labelled track in
        the store, an impossible split (all with messages naming the culprit).
    """
    manager = _manager(manager)
    spec = find_model(manager, options.model)
    params = model_params(spec, options.params)
    dataset = load_dataset(store, labels, options, spec, manager)
    classes = dataset.targets.y if dataset.targets.task == "multiclass" else None
    splits = make_splits(
        dataset.splits,
        repeats=options.repeats,
        seed=options.seed,
        test_size=options.test_size,
        choice=options.split,
        classes=classes,
    )
    dataset = drop_uninformative(dataset, splits)
    runs = [fit_run(spec, _seeded(spec, params, options.params, s.seed), dataset, s, options.softmax) for s in splits]
    report = _train_report(spec, params, dataset, options, runs, command)
    if output is not None:
        first = runs[0]
        ids = np.asarray(dataset.track_ids)
        decision = decision_rule(spec, _seeded(spec, params, options.params, first.split.seed), dataset, first)
        save_bundle(
            Path(output),
            spec=spec,
            model=first.model,
            manifest=_manifest(spec, params, dataset, options) | {"decision": decision},
            grouping=dataset.resolved,
            standardiser=first.standardiser,
            split={"train": ids[first.split.train].tolist(), "test": ids[first.split.test].tolist()},
            report=report,
            recipe=_recipe(dataset, decision),
        )
    return TrainResult(report, runs, dataset)


def decision_rule(spec: ModelSpec, params: Mapping[str, Any], dataset: Dataset, run: Run) -> dict[str, Any]:
    """How the saved model turns decision values into tags (see :mod:`featurize.learn.thresholds`).

    Multi-label feature models get per-tag thresholds by out-of-fold max F1 on the training rows
    (standardised as the saved model's inputs); audio models keep 0 (refitting them per fold would
    cost a training run each); classes take the arg-max.
    """
    from featurize.learn.thresholds import RULE, choose_thresholds

    names = list(dataset.targets.names)
    if dataset.targets.task != "multilabel":
        return {"rule": "arg-max over classes"}
    if dataset.resolved is None or run.standardiser is None:
        return {"rule": "decision value > 0 (audio model)", "thresholds": dict.fromkeys(names, 0.0)}
    groups = [list(g) for g in dataset.resolved.groups]
    X = run.standardiser.transform(_select(dataset.inputs, run.split.train))
    Y = dataset.targets.y[run.split.train]
    thresholds = choose_thresholds(lambda: spec.factory(groups=groups, **params), X, Y, seed=run.split.seed)
    return {
        "rule": f"decision value > threshold ({RULE})",
        "thresholds": dict(zip(names, thresholds.tolist(), strict=True)),
    }


def _recipe(dataset: Dataset, decision: dict[str, Any]) -> Any:
    from featurize.learn.recipe import build_recipe

    if dataset.resolved is None:
        return None
    return build_recipe(dataset.metas, dataset.resolved.feature_names, dataset.resolved.label, decision)


def _data_section(dataset: Dataset) -> dict[str, Any]:
    targets = dataset.targets
    if targets.task == "multilabel":
        counts = {"positives": dict(zip(targets.names, targets.y.sum(axis=0).tolist(), strict=True))}
    else:
        sizes = np.bincount(targets.y, minlength=len(targets.names)).tolist()
        counts = {"class_sizes": dict(zip(targets.names, sizes, strict=True))}
    return {
        "store": str(dataset.store),
        "labels": dataset.labels.source,
        "labels_format": dataset.labels.format,
        "tracks_used": len(dataset.track_ids),
        "alignment": dataset.alignment.summary(),
        "task": targets.task,
        "targets": list(targets.names),
        **counts,
        "dropped_targets": list(targets.dropped),
        "extractors": dict(dataset.extractors),
    }


def _train_report(
    spec: ModelSpec,
    params: Mapping[str, Any],
    dataset: Dataset,
    options: TrainOptions,
    runs: Sequence[Run],
    command: str,
) -> dict[str, Any]:
    names = dataset.targets.names
    data = _data_section(dataset)
    data["split"] = {
        "kind": runs[0].split.kind,
        "test_size": options.test_size,
        "seed": options.seed,
        "repeats": len(runs),
        "train": len(runs[0].split.train),
        "test": len(runs[0].split.test),
        "per_repeat": [run.split.describe() for run in runs],
    }
    groups = dataset.resolved.group_names if dataset.resolved is not None else ()
    return {
        "kind": "train",
        "format_version": REPORT_FORMAT_VERSION,
        "created": _now(),
        "command": command,
        "data": data,
        "grouping": dataset.resolved.to_dict() if dataset.resolved is not None else None,
        "model": _model_section(spec, params, options) | _used(runs[0].model),
        "metrics": {
            "test": summarise_metrics([run.test for run in runs], names),
            "train": summarise_metrics([run.train for run in runs], names),
        },
        "importances": importance_summary(runs, groups),
        "dropped_groups": [{"name": k, "reason": v} for k, v in dataset.dropped_groups.items()],
        "fit": _fit_diagnostics(runs),
        "warnings": [*dataset.notes, *_no_split_notes(runs)],
        "versions": versions([spec.distribution]),
    }


def _used(model: Any) -> dict[str, Any]:
    """The parameters the estimator actually used (``params_``: defaults resolved), when it says."""
    used = getattr(model, "params_", None)
    return {"params_used": dict(used)} if used is not None else {}


def _no_split_notes(runs: Sequence[Run]) -> list[str]:
    """One line per target whose importances are undefined (e.g. a booster without a split)."""
    names = [name for run in runs for name, row in run.per_target.items() if np.isnan(row).all()]
    return [
        f"target {name!r}: no split in {names.count(name)} of {len(runs)} repeat(s): importance undefined"
        for name in dict.fromkeys(names)
    ]


def _model_section(spec: ModelSpec, params: Mapping[str, Any], options: TrainOptions) -> dict[str, Any]:
    return {
        "name": spec.name,
        "description": spec.description,
        "distribution": spec.distribution,
        "input": spec.input,
        "params": dict(params),
        "softmax_before_auc": options.softmax,
    }


def _fit_diagnostics(runs: Sequence[Run]) -> dict[str, Any]:
    """Iteration counts and convergence of models that report them (``n_iter_``, ``converged_``)."""
    found: dict[str, Any] = {}
    for attribute in ("n_iter_", "converged_"):
        values = [getattr(run.model, attribute, None) for run in runs]
        if all(v is not None for v in values):
            stacked = np.concatenate([np.atleast_1d(v) for v in values]).astype(np.float64)
            found[attribute.rstrip("_")] = summarise(stacked) | {
                "min": float(stacked.min()),
                "max": float(stacked.max()),
            }
    return found


def _manifest(spec: ModelSpec, params: Mapping[str, Any], dataset: Dataset, options: TrainOptions) -> dict[str, Any]:
    from featurize import __version__

    return {
        "distribution": spec.distribution,
        "params": dict(params),
        "task": dataset.targets.task,
        "targets": list(dataset.targets.names),
        "feature_names": list(dataset.resolved.feature_names) if dataset.resolved is not None else None,
        "grouping": dataset.resolved.label if dataset.resolved is not None else None,
        "softmax_before_auc": options.softmax,
        "created": _now(),
        "featurize": __version__,
    }


# -- evaluate ----------------------------------------------------------------------------------------------------


def evaluate(
    model_dir: str | Path,
    store: str | Path,
    labels: str | Path | Sequence[str | Path],
    *,
    labels_format: LabelFormat = "auto",
    tracks: Literal["unseen", "held-out", "all"] = "unseen",
    softmax: bool | None = None,
    manager: PluginManager | None = None,
    command: str = "",
    predictions: str | Path | None = None,
) -> dict[str, Any]:
    """Score a saved model on a store's labelled tracks, honestly by default.

    ``unseen`` (default) leaves out every track of the model's training split and counts them;
    ``held-out`` keeps only its training-time test split; ``all`` includes the training tracks, so
    its metrics are labelled ``ALL_TRACKS`` and never "test". ``predictions``: also write the
    per-track scores of the evaluated tracks in the ``featurize tag`` format. ``softmax`` defaults
    to what the model was trained with.
    """
    bundle = load_bundle(model_dir, _manager(manager))
    label_set = read_labels(labels, labels_format)
    dataset = _evaluation_dataset(bundle, Path(store), label_set, tracks)
    use_softmax = bool(bundle.manifest.get("softmax_before_auc", False)) if softmax is None else softmax
    metrics = score(bundle.model, dataset.inputs, dataset.targets.y, dataset.targets, softmax=use_softmax)
    if predictions is not None:
        _write_predictions(bundle, dataset, str(predictions))
    model = {
        "name": bundle.manifest["model"],
        "distribution": bundle.manifest.get("distribution", ""),
        "input": bundle.input,
        "params": bundle.manifest.get("params", {}),
        "softmax_before_auc": use_softmax,
        "directory": str(bundle.directory),
    }
    return {
        "kind": "evaluate",
        "format_version": REPORT_FORMAT_VERSION,
        "created": _now(),
        "command": command,
        "data": _data_section(dataset) | {"tracks": tracks},
        "grouping": bundle.grouping.to_dict() if bundle.grouping is not None else None,
        "model": model,
        "metrics": {METRICS_KEY[tracks]: summarise_metrics([metrics], dataset.targets.names)},
        "warnings": list(dataset.notes),
        "versions": versions([bundle.manifest.get("distribution", "")]),
    }


METRICS_KEY = {"unseen": "test", "held-out": "test", "all": ALL_TRACKS}
"""Metrics over tracks that include training tracks are never labelled "test"."""


def _write_predictions(bundle: ModelBundle, dataset: Dataset, output: str) -> None:
    from featurize.learn.tagging import TagOptions, _scores, rows, write_tags

    frame = rows(_scores(bundle, list(dataset.track_ids), dataset.inputs, TagOptions()), TagOptions())
    frame.attrs["provenance"] = {"model": str(bundle.directory), "store": str(dataset.store), "evaluate": True}
    frame.attrs["untagged"] = []
    write_tags(frame, output)


def _evaluation_dataset(bundle: ModelBundle, store_path: Path, label_set: LabelSet, tracks: str) -> Dataset:
    """The labelled tracks of a store as the model sees them; ``tracks``: all, held-out (the
    saved test split), train (the saved training split) or unseen (all but the training split)."""
    from featurize.store import FeatureStore

    with FeatureStore(store_path) as store:
        track_ids = store.track_ids
        alignment = align(label_set, track_ids, [str(p) for p in store.tracks()["path"]], require_match=True)
        notes = list(label_set.notes) + alignment.notes()
        selected = np.ones(len(alignment.label_rows), dtype=bool)
        split = bundle.split()
        ids = [track_ids[r] for r in alignment.store_rows]
        if tracks == "held-out":
            held_out = set(split["test"])
            selected = np.array([track in held_out for track in ids], dtype=bool)
            notes.append(f"evaluating the {int(selected.sum())} held-out track(s) of the training split")
        elif tracks == "unseen":
            trained_on = set(split["train"])
            selected = np.array([track not in trained_on for track in ids], dtype=bool)
            notes.append(f"excluded {int((~selected).sum())} track(s) the model was trained on")
        elif tracks == "train":
            trained_on = set(split["train"])
            selected = np.array([track in trained_on for track in ids], dtype=bool)
        else:
            count = len(set(split["train"]).intersection(ids))
            notes.append(f"--tracks all includes {count} training track(s): these metrics are not a test score")
        label_rows, store_rows = alignment.label_rows[selected], alignment.store_rows[selected]
        if bundle.grouping is not None:
            names = list(bundle.grouping.feature_names)
            missing = sorted(set(names) - set(store.feature_names))
            if missing:
                raise StoreError(
                    f"{store_path}: lacks {len(missing)} feature(s) the model uses: {', '.join(missing[:10])}"
                )
            matrix = store.matrix(names)[0][store_rows]
            keep = complete_rows(matrix)
            if not keep.all():
                notes.append(f"{int((~keep).sum())} track(s) have no feature value at all and are left out")
            label_rows, store_rows, matrix = label_rows[keep], store_rows[keep], matrix[keep]
        position = {row: i for i, row in enumerate(label_rows)}
        targets, kept = targets_for(label_set, label_rows, bundle.task, bundle.targets)
        kept_store_rows = store_rows[[position[r] for r in kept]]
        if bundle.grouping is not None:
            assert bundle.standardiser is not None
            inputs: Any = bundle.standardiser.transform(matrix[[position[r] for r in kept]])
        else:
            inputs = [str(store.track_path(track_ids[row])) for row in kept_store_rows]
    return Dataset(
        store=store_path,
        track_ids=[track_ids[row] for row in kept_store_rows],
        inputs=inputs,
        resolved=bundle.grouping,
        labels=label_set,
        alignment=alignment,
        targets=targets,
        splits=[label_set.splits[row] for row in kept],
        extractors={},
        notes=notes + list(targets.notes),
    )
