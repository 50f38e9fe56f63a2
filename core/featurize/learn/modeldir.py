"""The model directory written by ``featurize train`` and read by ``evaluate`` and ``explain``.

::

    MODEL_DIR/
      featurize-model.json   manifest: model name and plugin, task, target names, features, versions
      model/                 the estimator's own save() (JSON/npz/UBJ/safetensors, never pickle)
      grouping.json          the resolved grouping (feature models)
      standardiser.npz       training means and scales (feature models)
      split.json             the training and test track ids of the saved model
      recipe.json            extractors (name, version, params, hash), features, decision rule (format 2+)
      report.json            the training report; report.txt is its readable form
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from featurize.errors import FeaturizeError
from featurize.learn.report import to_json, write_report
from featurize.learn.scaling import Standardiser

if TYPE_CHECKING:
    from featurize.grouping import ResolvedGrouping
    from featurize.learn.recipe import Recipe
    from featurize.plugin.descriptors import ModelSpec
    from featurize.plugin.manager import PluginManager

MANIFEST = "featurize-model.json"
MODEL_FORMAT = "featurize-model"
MODEL_FORMAT_VERSION = 2
"""2 added ``recipe.json`` and the manifest's ``decision`` (per-tag thresholds); format 1 still loads."""


class ModelDirectoryError(FeaturizeError):
    """A directory is not a featurize model, or is of a newer format."""


@attrs.frozen(eq=False)
class ModelBundle:
    """Everything needed to apply a trained model to a store."""

    directory: Path
    manifest: dict[str, Any]
    model: Any
    grouping: ResolvedGrouping | None
    standardiser: Standardiser | None

    @property
    def task(self) -> str:
        return str(self.manifest["task"])

    @property
    def targets(self) -> tuple[str, ...]:
        return tuple(self.manifest["targets"])

    @property
    def input(self) -> str:
        return str(self.manifest["input"])

    def split(self) -> dict[str, list[str]]:
        """Training and test track ids of the saved model."""
        return json.loads((self.directory / "split.json").read_text())

    @property
    def recipe(self) -> Recipe | None:
        """What ``featurize tag`` must run on new audio; ``None`` for audio models and format-1 directories."""
        from featurize.learn.recipe import Recipe

        path = self.directory / "recipe.json"
        return Recipe.from_dict(json.loads(path.read_text())) if path.is_file() else None

    @property
    def thresholds(self) -> dict[str, float]:
        """Per-tag decision thresholds of a multi-label model (0 for a model saved before format 2)."""
        if self.task != "multilabel":
            return {}
        saved = self.manifest.get("decision", {}).get("thresholds", {})
        return {name: float(saved.get(name, 0.0)) for name in self.targets}

    def report(self) -> dict[str, Any]:
        path = self.directory / "report.json"
        if not path.is_file():
            raise ModelDirectoryError(f"{self.directory}: report.json is missing")
        return json.loads(path.read_text())


def save_bundle(
    directory: Path,
    *,
    spec: ModelSpec,
    model: Any,
    manifest: dict[str, Any],
    grouping: ResolvedGrouping | None,
    standardiser: Standardiser | None,
    split: dict[str, Sequence[str]],
    report: dict[str, Any],
    recipe: Recipe | None = None,
) -> Path:
    """Write a model directory (see the module docstring); an existing one is replaced file by file."""
    directory.mkdir(parents=True, exist_ok=True)
    model.save(directory / "model")
    if grouping is not None:
        (directory / "grouping.json").write_text(to_json(grouping.to_dict()))
    if standardiser is not None:
        standardiser.save(directory / "standardiser.npz")
    if recipe is not None:
        (directory / "recipe.json").write_text(to_json(recipe.to_dict()))
    (directory / "split.json").write_text(to_json({k: list(v) for k, v in split.items()}))
    header = {"format": MODEL_FORMAT, "format_version": MODEL_FORMAT_VERSION, "model": spec.name}
    (directory / MANIFEST).write_text(to_json({**header, "input": spec.input, **manifest}))
    write_report(report, directory)
    return directory


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise ModelDirectoryError(f"{path}: not valid JSON ({error})") from error


def load_bundle(directory: str | Path, manager: PluginManager) -> ModelBundle:
    """Read a model directory; the model is restored by its plugin's ``ModelSpec.load``."""
    from featurize.grouping import ResolvedGrouping
    from featurize.learn.models import find_model

    directory = Path(directory)
    path = directory / MANIFEST
    if not path.is_file():
        raise ModelDirectoryError(f"{directory}: not a featurize model directory ({MANIFEST} is missing)")
    manifest = _read_json(path)
    if not isinstance(manifest, dict) or manifest.get("format") != MODEL_FORMAT:
        raise ModelDirectoryError(f"{path}: not a featurize model manifest")
    stated = manifest.get("format_version", 0)
    if not isinstance(stated, int) or stated > MODEL_FORMAT_VERSION:
        raise ModelDirectoryError(
            f"{path}: model format {manifest['format_version']} is newer than this featurize's "
            f"({MODEL_FORMAT_VERSION}); upgrade featurize"
        )
    for key in ("model", "task", "targets"):
        if key not in manifest:
            raise ModelDirectoryError(f"{path}: lacks {key!r}; the directory is damaged")
    spec = find_model(manager, manifest["model"])
    try:
        model = spec.load(directory / "model")
    except (KeyError, TypeError, ValueError, IndexError, AttributeError) as error:
        reason = (str(error).strip().splitlines() or [""])[0]  # libraries' errors may carry a stack trace
        damaged = f"{directory / 'model'}: damaged saved model ({type(error).__name__}: {reason})"
        raise ModelDirectoryError(damaged) from error
    grouping_file, scaling_file = directory / "grouping.json", directory / "standardiser.npz"
    grouping = None
    if grouping_file.is_file():
        try:
            grouping = ResolvedGrouping.from_dict(_read_json(grouping_file))
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise ModelDirectoryError(f"{grouping_file}: not a resolved grouping (missing or bad {error})") from error
    standardiser = Standardiser.load(scaling_file) if scaling_file.is_file() else None
    return ModelBundle(directory, manifest, model, grouping, standardiser)
