"""The recipe of a model's inputs: what must run on new audio to feed the model exactly as in training.

Recorded by ``featurize train`` in ``recipe.json``: for every extractor whose features the model
uses, its name, version, parameters and parameters hash (as in the store's provenance), the
feature names in the model's column order, the grouping and the decision rule. ``featurize tag``
runs these extractors with these parameters and refuses a store whose features were made
otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from featurize.errors import FeaturizeError


class RecipeMismatchError(FeaturizeError):
    """A store's features were made by another extractor version or other parameters than the model's."""


@attrs.frozen
class ExtractorStep:
    """One extractor of the recipe, as the store's provenance records it."""

    name: str
    version: str
    params: dict[str, Any]
    params_hash: str

    def to_dict(self) -> dict[str, Any]:
        return attrs.asdict(self)


@attrs.frozen
class Recipe:
    """Extractors, feature names (model column order), grouping label and decision rule."""

    extractors: tuple[ExtractorStep, ...] = attrs.field(converter=tuple)
    feature_names: tuple[str, ...] = attrs.field(converter=tuple)
    grouping: str | None
    standardiser: str
    decision: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {
            "extractors": [step.to_dict() for step in self.extractors],
            "feature_names": list(self.feature_names),
            "grouping": self.grouping,
            "standardiser": self.standardiser,
            "decision": self.decision,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Recipe:
        steps = [ExtractorStep(**step) for step in data["extractors"]]
        return cls(steps, data["feature_names"], data["grouping"], data["standardiser"], dict(data["decision"]))

    def mismatches(self, store_extractors: Mapping[str, Any]) -> list[str]:
        """One line per recipe extractor the store made otherwise (``store_extractors``: name -> meta)."""
        lines = []
        for step in self.extractors:
            meta = store_extractors.get(step.name)
            if meta is None:
                continue
            if (meta.version, meta.params_hash) != (step.version, step.params_hash):
                lines.append(
                    f"extractor {step.name!r}: model needs version {step.version} params {step.params_hash}, "
                    f"store has version {meta.version} params {meta.params_hash}"
                )
        return lines


def build_recipe(
    store_extractors: Mapping[str, Any],
    feature_names: Sequence[str],
    grouping: str | None,
    decision: dict[str, Any],
) -> Recipe:
    """The recipe of a feature model trained on a store (``store_extractors``: name -> ExtractorMeta)."""
    used = list(dict.fromkeys(name.split(".", 1)[0] for name in feature_names))
    steps = [
        ExtractorStep(
            name,
            store_extractors[name].version,
            dict(store_extractors[name].params),
            store_extractors[name].params_hash,
        )
        for name in used
    ]
    standardiser = "training-split mean and standard deviation per feature (standardiser.npz); NaN -> mean"
    return Recipe(steps, feature_names, grouping, standardiser, decision)
