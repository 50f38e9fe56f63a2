"""The plugin author's conformance kit, in the spirit of scikit-learn's ``check_estimator``.

>>> from featurize.testing import check_extractor
>>> check_extractor(spec)  # doctest: +SKIP

runs an extractor through the contract: the declaration is complete, the declared outputs
are exactly the produced ones, values are finite or NaN (never ``inf``), results are
deterministic across fresh instances, and a file that is not audio raises the documented
:class:`~featurize.errors.ExtractionError`. The pytest plugin in
:mod:`featurize.testing.pytest_plugin` exposes the same checks as fixtures.
"""

from __future__ import annotations

import math
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from featurize.artifacts import Artifact
from featurize.errors import ExtractionError
from featurize.extraction import Result, Track, TrackContext
from featurize.plugin.descriptors import ExtractorSpec, resolve_params
from featurize.testing.signals import standard_inputs

ContextFactory = Callable[[], TrackContext]


def build_extractor(spec: ExtractorSpec, params: Mapping[str, Any] | None = None) -> Callable[[TrackContext], Result]:
    """A fresh extractor instance with the declared defaults overridden by ``params``."""
    return spec.factory(**resolve_params(spec.name, spec.params, params))


def standard_contexts(
    spec: ExtractorSpec, artifacts: Mapping[str, Artifact] | None = None, sr: int = 44100
) -> dict[str, ContextFactory]:
    """Fresh-context factories over :func:`~featurize.testing.signals.standard_inputs`."""
    return {
        name: (
            lambda s=samples, label=name: TrackContext.from_array(
                s, sr, track_id=label, artifacts=dict(artifacts or {})
            )
        )
        for name, samples in standard_inputs(sr).items()
    }


def check_declaration(spec: ExtractorSpec) -> None:
    assert spec.version.strip(), f"extractor {spec.name!r} has no version"
    for feature in spec.features:
        assert feature.description.strip(), f"{spec.name}.{feature.name} has no description"


def check_result(spec: ExtractorSpec, result: Result, label: str) -> None:
    """Declared outputs are exactly the produced ones; values are floats, finite or NaN."""
    assert isinstance(result, Result), f"{spec.name} on {label}: returned {type(result).__name__}, not Result"
    declared, produced = set(f.name for f in spec.features), set(result.features)
    assert produced == declared, (
        f"{spec.name} on {label}: missing {sorted(declared - produced)}, undeclared {sorted(produced - declared)}"
    )
    for name, value in result.features.items():
        assert isinstance(value, float | int | np.floating | np.integer), (
            f"{spec.name}.{name} on {label}: {type(value).__name__} is not a number"
        )
        assert not math.isinf(float(value)), f"{spec.name}.{name} on {label}: infinite value (use NaN by design)"
    declared_artifacts = {a.name: a.kind for a in spec.artifacts}
    for name, artifact in result.artifacts.items():
        assert name in declared_artifacts, f"{spec.name} on {label}: undeclared artifact {name!r}"
        assert artifact.kind == declared_artifacts[name], (
            f"{spec.name} on {label}: artifact {name!r} is {artifact.kind}, declared {declared_artifacts[name]}"
        )
    missing = set(declared_artifacts) - set(result.artifacts)
    assert not missing, f"{spec.name} on {label}: declared artifacts not produced: {sorted(missing)}"


def _same(a: Result, b: Result) -> bool:
    if set(a.features) != set(b.features) or set(a.artifacts) != set(b.artifacts):
        return False
    left = np.array([a.features[k] for k in sorted(a.features)], dtype=np.float64)
    right = np.array([b.features[k] for k in sorted(b.features)], dtype=np.float64)
    return np.array_equal(left, right, equal_nan=True) and all(a.artifacts[k] == b.artifacts[k] for k in a.artifacts)


def check_bad_input(
    spec: ExtractorSpec, extractor: Callable[[TrackContext], Result], artifacts: Mapping[str, Artifact] | None = None
) -> None:
    """A file that is not audio raises :class:`ExtractionError` naming the file."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "not_audio.wav"
        path.write_bytes(b"this is not a RIFF file" * 10)
        context = TrackContext(Track("not_audio", path), artifacts=dict(artifacts or {}))
        try:
            extractor(context)
        except ExtractionError as error:
            assert "not_audio.wav" in str(error), f"{spec.name}: the error does not name the file: {error}"
            return
        raise AssertionError(f"{spec.name}: a file that is not audio did not raise ExtractionError")


def check_extractor(
    spec: ExtractorSpec,
    *,
    params: Mapping[str, Any] | None = None,
    contexts: Mapping[str, ContextFactory] | None = None,
    artifacts: Mapping[str, Artifact] | None = None,
    sr: int = 44100,
) -> dict[str, Result]:
    """Run every conformance check; returns the results per input for further assertions.

    ``contexts`` default to the standard inputs (music, silence, very short, clipped,
    stereo) with ``artifacts`` given to each; pass your own for artifact-only extractors.
    """
    check_declaration(spec)
    contexts = dict(contexts or standard_contexts(spec, artifacts, sr))
    first, second = build_extractor(spec, params), build_extractor(spec, params)
    results = {}
    for label, make_context in contexts.items():
        result = first(make_context())
        check_result(spec, result, label)
        assert _same(result, second(make_context())), f"{spec.name} on {label}: not deterministic"
        results[label] = result
    if spec.audio_inputs:
        check_bad_input(spec, first, artifacts)
    return results


__all__ = [
    "build_extractor",
    "check_bad_input",
    "check_declaration",
    "check_extractor",
    "check_result",
    "standard_contexts",
]
