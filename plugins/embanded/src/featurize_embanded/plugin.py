"""Registration of the ``em-banded`` model (light: imports only featurize)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from featurize import ModelSpec, Param, hookimpl

PARAMS = (
    Param("eta", 1e-4, "shape of the Inverse-Gamma prior on each group's variance", type="float"),
    Param("tau", 1e-4, "scale of the Inverse-Gamma prior on each group's variance", type="float"),
    Param("phi", 1e-4, "shape of the Inverse-Gamma prior on the noise variance", type="float"),
    Param("kappa", 1e-4, "scale of the Inverse-Gamma prior on the noise variance", type="float"),
    Param("max_iter", 1000, "most iterations; tags still moving then are named in a warning", type="int"),
    Param("tol", 1e-7, "stop a tag once no lambda moves by more than tol x its largest (None: never)", "float"),
    Param("update", "mackay", "'mackay' (EM's fixed points, fewer iterations) or 'em' (the reference's steps)"),
    Param("fit_intercept", True, "centre features and targets on the training data", type="bool"),
    Param("solver", "auto", "'primal', 'dual' (matrix-inversion identity) or 'auto' (dual when D > N)"),
)


def build(groups: list[list[int]] | None = None, **params: Any) -> Any:
    """An unfitted :class:`~featurize_embanded.EMBandedClassifier` over ``groups``."""
    from featurize_embanded.estimator import EMBandedClassifier

    return EMBandedClassifier(groups=groups, **params)


def load(directory: str | Path) -> Any:
    """Restore a classifier saved with its ``save`` method."""
    from featurize_embanded.estimator import EMBandedClassifier

    return EMBandedClassifier.load(directory)


@hookimpl
def featurize_models() -> list[ModelSpec]:
    return [
        ModelSpec(
            name="em-banded",
            description=(
                "EM-banded regression (Fuglsang et al. 2024): a linear probability model per tag with one "
                "prior variance per feature group; group importance = the normalised variances"
            ),
            factory=build,
            load=load,
            input="features",
            params=PARAMS,
        )
    ]
