"""Test helpers for models and training: data with planted structure, and stores holding given values.

>>> X, Y = planted(n=300, sizes=(4, 4, 4), informative=1, n_targets=3)    # doctest: +SKIP
>>> write_feature_store("s.h5", X, [f"toy.f{i}" for i in range(12)])     # doctest: +SKIP

Model plugins use :func:`planted` for their "recovery of planted structure" tests: the
targets depend on one group's features only, so that group must get the top importance.
:class:`LeastSquaresClassifier` and :class:`LoudnessClassifier` are small but real models of
the contract (features and audio); :func:`manager_with_models` registers them, so the
trainer is tested without any model plugin installed. :func:`check_model_cli` runs an installed
feature model through ``featurize train / evaluate / explain`` end to end.
"""

from __future__ import annotations

import itertools
import json
import sys
import types
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Literal

import numpy as np

from featurize.learn.base import (
    Estimator,
    check_groups,
    decode_scores,
    encode_targets,
    load_estimator_files,
    normalise_rows,
    overall_importance,
    save_estimator,
)
from featurize.plugin.descriptors import ModelSpec, Param
from featurize.plugin.hookspecs import hookimpl

if TYPE_CHECKING:
    from featurize.plugin.manager import PluginManager

_MODULE_NUMBERS = itertools.count()


def group_columns(sizes: Sequence[int]) -> list[list[int]]:
    """Consecutive column blocks of the given sizes: ``(2, 3)`` -> ``[[0, 1], [2, 3, 4]]``."""
    bounds = np.concatenate([[0], np.cumsum(sizes)])
    return [list(range(start, stop)) for start, stop in itertools.pairwise(bounds)]


def planted(
    n: int = 400,
    sizes: Sequence[int] = (5, 5, 5),
    informative: int = 0,
    n_targets: int = 3,
    *,
    task: Literal["multilabel", "multiclass"] = "multilabel",
    noise: float = 0.5,
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """Standard-normal features; targets that depend only on the columns of group ``informative``.

    Multi-label: tag ``t`` is on when a random projection of the informative group plus noise
    is positive. Multi-class: the class is the argmax of ``n_targets`` such projections.
    """
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, int(sum(sizes))))
    signal = X[:, group_columns(sizes)[informative]]
    latent = signal @ rng.standard_normal((signal.shape[1], n_targets)) + noise * rng.standard_normal((n, n_targets))
    if task == "multiclass":
        return X, np.argmax(latent, axis=1)
    return X, (latent > 0).astype(np.int64)


def check_contributions(make_model: Any, sizes: Sequence[int] = (3, 4, 2), atol: float = 1e-6) -> None:
    """Assert that a model's ``feature_contributions`` add up to its decision value, for every task.

    ``make_model(groups)`` returns an unfitted feature model. It is fitted on planted multi-label
    (3 tags), binary and 3-class data; per target, bias + per-feature terms (and the per-group sums of
    :func:`featurize.learn.contributions.group_contributions`) must equal ``decision_function`` to
    ``atol``, and ``predict_proba`` must lie in [0, 1] with rows summing to 1 for classes.
    """
    from featurize.learn.contributions import group_contributions

    groups = group_columns(sizes)
    names = [f"g{g}" for g in range(len(groups))]
    tasks = {"multilabel": ("multilabel", 3), "binary": ("multiclass", 2), "multiclass": ("multiclass", 3)}
    for label, (task, n_targets) in tasks.items():
        X, y = planted(n=160, sizes=sizes, informative=1, n_targets=n_targets, task=task, seed=7)  # type: ignore[arg-type]
        model = make_model(groups).fit(X, y)
        decision = np.asarray(model.decision_function(X), dtype=np.float64).reshape(len(X), -1)
        terms = model.feature_contributions(X)
        assert terms.shape == (*decision.shape, X.shape[1] + 1), f"{label}: contributions shape {terms.shape}"
        np.testing.assert_allclose(terms.sum(axis=-1), decision, rtol=0, atol=atol, err_msg=label)
        targets = [f"t{t}" for t in range(decision.shape[1])]
        grouped = group_contributions(model, X, groups, names, targets)
        assert grouped.values.shape == (*decision.shape, len(groups))
        np.testing.assert_allclose(grouped.decision, decision, rtol=0, atol=atol, err_msg=label)
        proba = model.predict_proba(X)
        assert proba.shape == (len(X), 3 if task == "multilabel" else n_targets), f"{label}: proba {proba.shape}"
        assert np.all((proba >= 0) & (proba <= 1)), label
        if task != "multilabel":
            np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=atol, err_msg=label)


def write_feature_store(
    path: str | Path,
    X: np.ndarray,
    names: Sequence[str],
    track_ids: Sequence[str] | None = None,
    paths: Sequence[str] | None = None,
) -> Path:
    """A real store at ``path`` whose matrix for ``names`` (``<extractor>.<feature>``) is ``X``.

    An extractor whose values are all NaN for a track is recorded as failed for it.
    """
    from featurize.store import ExtractorMeta, ExtractorRecord, Status, StoreWriter, TrackRecord

    ids = list(track_ids) if track_ids is not None else [f"track{i:04d}" for i in range(len(X))]
    files = list(paths) if paths is not None else [f"{track}.wav" for track in ids]
    columns: dict[str, list[int]] = {}
    for column, name in enumerate(names):
        columns.setdefault(name.split(".", 1)[0], []).append(column)
    metas = [
        ExtractorMeta(
            name=extractor,
            version="1",
            params={},
            params_hash="0",
            plugin=extractor,
            distribution=f"featurize-{extractor}==0",
            description=f"{extractor} (test values)",
            features=tuple(
                (names[c].split(".", 1)[1], f"test feature {names[c]}", "", "signal processing") for c in cols
            ),
            artifacts=(),
        )
        for extractor, cols in columns.items()
    ]
    values = np.asarray(X, dtype=np.float32)
    with StoreWriter(path) as writer:
        writer.declare(metas)
        for row, (track, file) in enumerate(zip(ids, files, strict=True)):
            records = []
            for meta in metas:
                block = values[row, columns[meta.name]]
                if np.isnan(block).all():
                    records.append(ExtractorRecord(meta.name, meta.key, Status.FAILED, None, {}, "Test", "no value"))
                else:
                    records.append(ExtractorRecord(meta.name, meta.key, Status.OK, block))
            writer.add(TrackRecord(track, file, extractors=tuple(records)))
    return Path(path)


# -- reference models of the contract, for tests of the trainer ----------------------------------------


class LeastSquaresClassifier(Estimator):
    """A small, real feature model of the contract: ridge regression on the 0/1 targets.

    ``group_importances_per_target_`` is the mean absolute coefficient of each group's
    (standardised) features, normalised per target. The trainer's tests use it so that they
    need no model plugin.
    """

    estimator_kind: ClassVar[Literal["classifier"]] = "classifier"

    def __init__(self, groups: Sequence[Sequence[int]] | None = None, *, alpha: float = 1.0) -> None:
        self.groups = groups
        self.alpha = alpha

    def fit(self, X: Any, y: Any) -> LeastSquaresClassifier:
        self._require_y(y)
        matrix = self._validate_X(X, reset=True)
        encoding = encode_targets(y, len(matrix))
        groups = check_groups(self.groups, matrix.shape[1])
        centred = matrix - matrix.mean(axis=0)
        gram = centred.T @ centred + self.alpha * np.eye(matrix.shape[1])
        targets = encoding.indicator - encoding.indicator.mean(axis=0)
        self.coef_ = np.linalg.solve(gram, centred.T @ targets).T
        self.intercept_ = encoding.indicator.mean(axis=0) - self.coef_ @ matrix.mean(axis=0)
        self.classes_, self.multilabel_ = encoding.classes, encoding.multilabel
        raw = np.stack([np.abs(self.coef_[:, g]).mean(axis=1) for g in groups], axis=1)
        self.group_importances_per_target_ = normalise_rows(raw)
        self.group_importances_ = overall_importance(raw)
        return self

    def decision_function(self, X: Any) -> np.ndarray:
        self._check_fitted()
        scores = self._validate_X(X, reset=False) @ self.coef_.T + self.intercept_
        binary = not self.multilabel_ and len(self.classes_) == 2
        if self.multilabel_ or binary:
            scores = scores - 0.5
        return scores[:, 0] if binary else scores

    def predict(self, X: Any) -> np.ndarray:
        return decode_scores(self.decision_function(X), self.classes_, self.multilabel_)

    def feature_contributions(self, X: Any) -> np.ndarray:
        """Exact linear terms ``X * coef_`` per target, and the bias (offset included) last."""
        self._check_fitted()
        matrix = self._validate_X(X, reset=False)
        offset = 0.5 if self.multilabel_ or len(self.classes_) == 2 else 0.0
        bias = np.broadcast_to(self.intercept_ - offset, (len(matrix), len(self.intercept_)))
        return np.concatenate([matrix[:, None, :] * self.coef_[None], bias[:, :, None]], axis=2)

    def predict_proba(self, X: Any) -> np.ndarray:
        """The regression output clipped to [0, 1], per tag (multi-label models only)."""
        self._check_fitted()
        return np.clip(self._validate_X(X, reset=False) @ self.coef_.T + self.intercept_, 0.0, 1.0)

    def save(self, directory: str | Path) -> Path:
        arrays = {"coef_": self.coef_, "intercept_": self.intercept_, "classes_": np.asarray(self.classes_.tolist())}
        attributes = {"n_features_in_": self.n_features_in_, "multilabel": self.multilabel_}
        return save_estimator(self, directory, distribution="featurize", attributes=attributes, arrays=arrays)

    @classmethod
    def load(cls, directory: str | Path) -> LeastSquaresClassifier:
        meta, arrays = load_estimator_files(directory, cls)
        model = cls(**meta["params"])
        model.coef_, model.intercept_, model.classes_ = arrays["coef_"], arrays["intercept_"], arrays["classes_"]
        model.n_features_in_ = meta["attributes"]["n_features_in_"]
        model.multilabel_ = meta["attributes"]["multilabel"]
        return model


class LoudnessClassifier(Estimator):
    """A small, real audio model of the contract: a threshold on each file's RMS level per tag.

    ``fit(paths, Y)`` decodes every file and places, per target, a threshold halfway between
    the mean log-RMS of the positive and the negative tracks (louder or softer side). It has
    no group importances.
    """

    estimator_kind: ClassVar[Literal["classifier"]] = "classifier"

    def __init__(self, seed: int = 0) -> None:
        self.seed = seed

    @staticmethod
    def _levels(paths: Sequence[str]) -> np.ndarray:
        from featurize.audio import decode

        return np.array([np.log(np.sqrt(np.mean(decode(Path(p))[0] ** 2)) + 1e-12) for p in paths])

    def fit(self, paths: Sequence[str], y: Any) -> LoudnessClassifier:
        levels = self._levels(paths)
        encoding = encode_targets(y, len(levels))
        positive = encoding.indicator.astype(bool)
        means = np.array([[levels[p].mean(), levels[~p].mean()] for p in positive.T])
        self.thresholds_ = means.mean(axis=1)
        self.directions_ = np.where(means[:, 0] >= means[:, 1], 1.0, -1.0)
        self.classes_, self.multilabel_ = encoding.classes, encoding.multilabel
        self.n_features_in_ = 1
        return self

    def decision_function(self, paths: Sequence[str]) -> np.ndarray:
        scores = self.directions_ * (self._levels(paths)[:, None] - self.thresholds_)
        binary = not self.multilabel_ and len(self.classes_) == 2
        return scores[:, 0] if binary else scores

    def predict(self, paths: Sequence[str]) -> np.ndarray:
        return decode_scores(self.decision_function(paths), self.classes_, self.multilabel_)

    def save(self, directory: str | Path) -> Path:
        arrays = {
            "thresholds_": self.thresholds_,
            "directions_": self.directions_,
            "classes_": np.asarray(self.classes_.tolist()),
        }
        attributes = {"multilabel": self.multilabel_}
        return save_estimator(self, directory, distribution="featurize", attributes=attributes, arrays=arrays)

    @classmethod
    def load(cls, directory: str | Path) -> LoudnessClassifier:
        meta, arrays = load_estimator_files(directory, cls)
        model = cls(**meta["params"])
        model.thresholds_, model.directions_ = arrays["thresholds_"], arrays["directions_"]
        model.classes_ = arrays["classes_"]
        model.multilabel_, model.n_features_in_ = meta["attributes"]["multilabel"], 1
        return model


def reference_model_specs() -> list[ModelSpec]:
    """``least-squares`` (features) and ``loudness`` (audio), declared as a plugin would."""
    return [
        ModelSpec(
            name="least-squares",
            description="ridge regression on 0/1 targets (test model)",
            factory=LeastSquaresClassifier,
            load=LeastSquaresClassifier.load,
            params=(Param("alpha", 1.0, "ridge penalty", type="float"),),
        ),
        ModelSpec(
            name="loudness",
            description="a threshold on the RMS level per tag (test audio model)",
            factory=LoudnessClassifier,
            load=LoudnessClassifier.load,
            input="audio",
            params=(Param("seed", 0, "unused seed (tests that the trainer passes one)", type="int"),),
        ),
    ]


def manager_with_models(specs: Sequence[ModelSpec] | None = None, *, installed: bool = False) -> PluginManager:
    """A plugin manager whose one extra plugin declares ``specs`` (default: the reference models).

    With ``installed`` the installed entry points (extractors, groupings, models) are seen too.
    """
    from featurize.plugin.manager import ENTRY_POINT_GROUP, PluginManager

    declared = list(specs) if specs is not None else reference_model_specs()
    module = types.ModuleType(f"featurize_learn_test_models_{next(_MODULE_NUMBERS)}")
    module.featurize_models = hookimpl(lambda: declared)  # type: ignore[attr-defined]
    sys.modules[module.__name__] = module
    group = ENTRY_POINT_GROUP if installed else "featurize-learn-tests-no-entry-points"
    return PluginManager(entry_point_group=group, internal=(), extra_modules=(module.__name__,))


TOY_GROUPING = """\
name = "toy"
description = "three groups"

[groups.Timbre]
description = "timbre"
features = ["timbre.*"]

[groups.Rhythm]
description = "rhythm"
features = ["rhythm.*"]

[groups.Harmony]
description = "harmony"
features = ["harmony.*"]
"""
"""The TOML grouping of :func:`check_model_cli`'s toy store."""


def check_model_cli(model: str, params: Sequence[str], folder: Path) -> dict[str, Any]:
    """Train, evaluate and explain ``model`` through the CLI on planted data; returns the report.

    The targets depend on the ``Rhythm`` group only, so it must come out on top; evaluating the
    held-out tracks must reproduce the training report's test ROC-AUC, and ``explain`` must name
    the groups. ``params`` are ``KEY=VALUE`` strings passed as ``--param``.
    """
    from click.testing import CliRunner

    from featurize.cli import cli

    X, Y = planted(n=200, sizes=(4, 4, 4), informative=1, n_targets=3, seed=9)
    names = [f"{e}.f{i}" for e in ("timbre", "rhythm", "harmony") for i in range(4)]
    store, tags, grouping, output = (folder / n for n in ("s.h5", "tags.csv", "g.toml", "m"))
    write_feature_store(store, X, names)
    tags.write_text("track,a,b,c\n" + "".join(f"track{i:04d},{','.join(map(str, row))}\n" for i, row in enumerate(Y)))
    grouping.write_text(TOY_GROUPING)
    runner = CliRunner()
    labels = ["--labels", str(tags)]
    options = [item for param in params for item in ("--param", param)]
    trained = runner.invoke(
        cli, ["train", str(store), *labels, "--grouping", str(grouping), "--model", model, *options, "-o", str(output)]
    )
    assert trained.exit_code == 0, trained.output
    report = json.loads((output / "report.json").read_text())
    assert np.argmax(report["importances"]["overall"]["mean"]) == 1, "the planted Rhythm group is not on top"
    evaluated = runner.invoke(cli, ["evaluate", str(output), str(store), *labels, "--tracks", "held-out"])
    assert evaluated.exit_code == 0, evaluated.output
    assert f"{report['metrics']['test']['roc_auc']['mean']:.4f}" in evaluated.output
    explained = runner.invoke(cli, ["explain", str(output)])
    assert explained.exit_code == 0 and "Rhythm" in explained.output
    return report
