"""Apply a trained model to a store: per-(track, tag) scores, decisions, ranks and contributions.

>>> import featurize                                                    # doctest: +SKIP
>>> frame = featurize.tag("model/", "new-songs.h5")                     # doctest: +SKIP
>>> frame[frame.predicted == 1][["track", "tag", "score"]]             # doctest: +SKIP

One row per (track, tag): ``track``, ``tag``, ``score`` (probability-like in [0, 1]; the class
probability for classes), ``predicted`` (0/1: the model's per-tag threshold, or arg-max for
classes), ``rank`` of the tag within the track (1 is the best score), then for feature models one
``contribution.<group>`` column per group and ``contribution.bias``: they add up to the model's
decision value for that tag (see :mod:`featurize.learn.contributions`). Tracks that cannot be
tagged (missing features, no input) are listed in ``frame.attrs["untagged"]`` with the reason;
``frame.attrs["provenance"]`` records the model, the store and every override.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np

from featurize.errors import ConfigurationError
from featurize.learn.contributions import group_contributions, supports_contributions
from featurize.learn.modeldir import ModelBundle, ModelDirectoryError, load_bundle
from featurize.learn.recipe import RecipeMismatchError

if TYPE_CHECKING:
    import pandas as pd

    from featurize.plugin.manager import PluginManager

BIAS = "contribution.bias"
CHUNK = 2048
"""Tracks per block of per-feature contributions (n x tags x features floats would not fit for a library)."""


@attrs.frozen
class TagOptions:
    """What ``featurize tag`` takes besides the model and the stores."""

    threshold: float | None = None
    """Overrides the per-tag thresholds: predicted when ``score >= threshold``."""
    top: int | None = None
    tags: tuple[str, ...] = attrs.field(default=(), converter=tuple)
    allow_version_mismatch: bool = False
    impute: bool = False
    """Tag tracks with missing features, imputing the training mean (recorded in the provenance)."""


@attrs.frozen(eq=False)
class Scores:
    """Model outputs for the tagged tracks, before they become rows."""

    tracks: list[str]
    targets: list[str]
    score: np.ndarray  # (n, T)
    predicted: np.ndarray  # (n, T) 0/1
    contributions: np.ndarray | None  # (n, T, G + 1), bias last
    groups: list[str]


def tag(
    model_dir: str | Path,
    store: str | Path,
    options: TagOptions | None = None,
    *,
    manager: PluginManager | None = None,
) -> pd.DataFrame:
    """Tag every track of ``store`` with the model in ``model_dir`` (see the module docstring).

    Raises
    ------
    ModelDirectoryError
        Not a model directory, a newer format, or a feature model saved without a recipe.
    RecipeMismatchError
        The store's features come from another extractor version or parameters than the model's,
        unless ``options.allow_version_mismatch``.
    """
    from featurize.plugin.manager import PluginManager

    options = options or TagOptions()
    bundle = load_bundle(model_dir, manager or PluginManager())
    return tag_bundle(bundle, [Path(store)], options)


def tag_bundle(
    bundle: ModelBundle, stores: Sequence[Path], options: TagOptions, audio: Sequence[tuple[str, Path]] = ()
) -> pd.DataFrame:
    """Tag the tracks of each store (and, for audio models, the ``(id, path)`` audio tracks) and concatenate."""
    import pandas as pd

    frames, untagged, mismatches = [], [], []
    if audio:
        ids, paths = [track for track, _ in audio], [str(path) for _, path in audio]
        frames.append(rows(_scores(bundle, ids, paths, options), options))
    for store in stores:
        scores, missing, mismatch = _score_store(bundle, store, options)
        frames.append(rows(scores, options))
        untagged += missing
        mismatches += mismatch
    frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    frame.attrs["untagged"] = untagged
    frame.attrs["provenance"] = {
        "model": str(bundle.directory),
        "model_name": bundle.manifest["model"],
        "stores": [str(s) for s in stores],
        "decision": bundle.manifest.get("decision", {"rule": "decision value > 0"}),
        "threshold_override": options.threshold,
        "impute": options.impute,
        "allow_version_mismatch": options.allow_version_mismatch,
        "version_mismatches": mismatches,
    }
    return frame


def _score_store(bundle: ModelBundle, store_path: Path, options: TagOptions) -> tuple[Scores, list, list[str]]:
    from featurize.store import FeatureStore

    with FeatureStore(store_path) as store:
        track_ids = list(store.track_ids)
        if bundle.input != "features":
            paths = [str(store.track_path(t)) for t in track_ids]
            return _scores(bundle, track_ids, paths, options), [], []
        recipe = bundle.recipe
        if recipe is None:
            raise ModelDirectoryError(
                f"{bundle.directory}: saved before model format 2, without the recipe tagging needs; "
                "retrain it with `featurize train` (evaluate and explain still work)"
            )
        mismatch = recipe.mismatches(store.extractors)
        if mismatch and not options.allow_version_mismatch:
            raise RecipeMismatchError(
                f"{store_path}: {'; '.join(mismatch)}; re-extract with the model's extractors, "
                "or pass --allow-version-mismatch to tag anyway (recorded in the output)"
            )
        names = list(recipe.feature_names)
        present = [n for n in names if n in set(store.feature_names)]
        matrix = np.full((len(track_ids), len(names)), np.nan)
        if present:
            values = store.matrix(present)[0]
            matrix[:, [names.index(n) for n in present]] = values
    holes = np.isnan(matrix)
    ok = np.ones(len(track_ids), dtype=bool) if options.impute else ~holes.any(axis=1)
    ok &= ~holes.all(axis=1)
    untagged = [
        {"track": track_ids[r], "reason": "missing features: " + ", ".join(np.asarray(names)[holes[r]][:8])}
        for r in np.flatnonzero(~ok)
    ]
    assert bundle.standardiser is not None
    X = bundle.standardiser.transform(matrix[ok])
    return _scores(bundle, [track_ids[r] for r in np.flatnonzero(ok)], X, options), untagged, mismatch


def _scores(bundle: ModelBundle, tracks: list[str], X: Any, options: TagOptions) -> Scores:
    """Scores, decisions and contributions of the model on its inputs ``X`` (features or paths)."""
    model = bundle.model
    if not tracks:
        return _empty(bundle)
    decision = np.asarray(model.decision_function(X), dtype=np.float64).reshape(len(tracks), -1)
    multilabel = bundle.task == "multilabel"
    if multilabel:
        targets = list(bundle.targets)
        score = _tag_scores(model, X, decision)
        if options.threshold is not None:
            predicted = score >= options.threshold
        else:
            cuts = np.array([bundle.thresholds[t] for t in targets])
            predicted = decision > cuts
    else:
        targets = [bundle.targets[int(c)] for c in model.classes_]
        score = np.asarray(model.predict_proba(X), dtype=np.float64)
        predicted = score == score.max(axis=1, keepdims=True)
    contributions, groups = None, []
    if bundle.grouping is not None and supports_contributions(model):
        groups = list(bundle.grouping.group_names)
        per_target = targets if decision.shape[1] == len(targets) else targets[1:]
        contributions = np.empty((len(tracks), len(per_target), len(groups) + 1))
        for start in range(0, len(tracks), CHUNK):  # the per-feature terms of one chunk at a time
            part = group_contributions(model, X[start : start + CHUNK], bundle.grouping.groups, groups, per_target)
            contributions[start : start + CHUNK, :, :-1] = part.values
            contributions[start : start + CHUNK, :, -1] = part.bias
        if contributions.shape[1] == 1 and len(targets) == 2:  # two classes: the first is the negation
            contributions = np.concatenate([-contributions, contributions], axis=1)
    return Scores(tracks, targets, score, predicted.astype(np.int8), contributions, groups)


def _empty(bundle: ModelBundle) -> Scores:
    """No track to tag (all untagged): no rows, but the model's columns."""
    targets = list(bundle.targets)
    groups = list(bundle.grouping.group_names) if bundle.grouping is not None else []
    n_targets = len(targets)
    contributions = np.zeros((0, n_targets, len(groups) + 1)) if groups else None
    empty = np.zeros((0, n_targets))
    return Scores([], targets, empty, empty.astype(np.int8), contributions, groups)


def _tag_scores(model: Any, X: Any, decision: np.ndarray) -> np.ndarray:
    """Probability-like tag scores: the model's ``predict_proba``, else the logistic of the decision."""
    if callable(getattr(model, "predict_proba", None)):
        proba = np.asarray(model.predict_proba(X), dtype=np.float64)
        if proba.shape[1] == 2 and decision.shape[1] == 1:  # one tag, fitted as two classes
            proba = proba[:, 1:]
        return proba.reshape(decision.shape)
    return 1.0 / (1.0 + np.exp(-decision))


def rows(scores: Scores, options: TagOptions) -> pd.DataFrame:
    """One row per (track, tag), best tags first within each track, filtered by ``--tags`` / ``--top``."""
    import pandas as pd

    n, n_targets = scores.score.shape
    keep = np.arange(n_targets)
    if options.tags:
        unknown = sorted(set(options.tags) - set(scores.targets))
        if unknown:
            raise ConfigurationError(f"--tags: the model has no tag {', '.join(unknown)} (it has {scores.targets})")
        keep = np.array([scores.targets.index(t) for t in options.tags])
    order = np.argsort(-scores.score, axis=1, kind="stable")
    rank = np.empty_like(order)
    np.put_along_axis(rank, order, np.arange(1, n_targets + 1)[None, :].repeat(n, axis=0), axis=1)
    mask = np.isin(order, keep)
    if options.top is not None:
        mask &= np.cumsum(mask, axis=1) <= options.top
    track_index, slot = np.nonzero(mask)
    target_index = order[track_index, slot]
    columns: dict[str, Any] = {
        # Categoricals: millions of rows share a few names (building object arrays would dominate the time).
        "track": pd.Categorical.from_codes(track_index, categories=pd.Index(scores.tracks, dtype=object)),
        "tag": pd.Categorical.from_codes(target_index, categories=pd.Index(scores.targets, dtype=object)),
        "score": scores.score[track_index, target_index],
        "predicted": scores.predicted[track_index, target_index],
        "rank": rank[track_index, target_index],
    }
    if scores.contributions is not None:
        picked = scores.contributions[track_index, target_index]
        for g, name in enumerate(scores.groups):
            columns[f"contribution.{name}"] = picked[:, g]
        columns[BIAS] = picked[:, -1]
    return pd.DataFrame(columns)


def write_tags(frame: pd.DataFrame, output: str) -> None:
    """Write by extension: ``.csv``, ``.parquet``, ``.json`` (records with provenance), ``-`` a table."""
    import json

    if output == "-":
        import click

        click.echo(frame.to_string(index=False, float_format=lambda v: f"{v:.4f}"))
        return
    path = Path(output)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        frame.to_csv(path, index=False)
    elif suffix == ".parquet":
        frame.to_parquet(path, index=False)
    elif suffix == ".json":
        document = {
            "provenance": frame.attrs.get("provenance", {}),
            "untagged": frame.attrs.get("untagged", []),
            "rows": json.loads(frame.to_json(orient="records")),
        }
        path.write_text(json.dumps(document, indent=1))
    else:
        raise ConfigurationError(f"{output}: unknown output format {suffix!r}; use .csv, .parquet, .json or -")
    if suffix != ".json":
        side = path.with_name(path.name + ".provenance.json")
        side.write_text(
            json.dumps({**frame.attrs.get("provenance", {}), "untagged": frame.attrs.get("untagged", [])}, indent=1)
        )
