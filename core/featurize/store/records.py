"""Plain records passed from workers to the single store writer."""

from __future__ import annotations

import enum
import json
from typing import Any

import attrs
import numpy as np

from featurize.artifacts import Artifact
from featurize.plugin.descriptors import ArtifactKind, ExtractorSpec, params_hash


class Status(enum.IntEnum):
    """Per (track, extractor) outcome, as stored in ``/extractors/<name>/status``."""

    MISSING = 0
    OK = 1
    FAILED = 2


@attrs.frozen
class ExtractorMeta:
    """What the store keeps about an extractor: enough to resume and to explain every number."""

    name: str
    version: str
    params: dict[str, Any]
    params_hash: str
    plugin: str
    distribution: str
    description: str
    features: tuple[tuple[str, str, str, str], ...]
    """``(name, description, unit, source)`` per feature, in column order."""
    artifacts: tuple[tuple[str, str], ...]
    """``(name, kind)`` of every stored artifact."""

    @classmethod
    def from_spec(cls, spec: ExtractorSpec, params: dict[str, Any]) -> ExtractorMeta:
        return cls(
            name=spec.name,
            version=spec.version,
            params=params,
            params_hash=params_hash(params, spec.params),
            plugin=spec.plugin,
            distribution=spec.distribution,
            description=spec.description,
            features=tuple((f.name, f.description, f.unit, str(f.source)) for f in spec.features),
            artifacts=tuple((a.name, str(a.kind)) for a in spec.artifacts if a.stored),
        )

    @property
    def key(self) -> str:
        """The resume key: a (track, extractor) is done when its stored key equals this."""
        return f"{self.version}:{self.params_hash}"

    @property
    def params_json(self) -> str:
        return json.dumps(self.params, sort_keys=True, default=str)

    def artifact_kind(self, name: str) -> ArtifactKind:
        return ArtifactKind(dict(self.artifacts)[name])


@attrs.frozen(eq=False)
class ExtractorRecord:
    """One extractor's outcome on one track."""

    extractor: str
    key: str
    status: Status
    values: np.ndarray | None = None
    """``(n_features,)`` float32 in declared order; ``None`` when the extractor failed."""
    artifacts: dict[str, Artifact] = attrs.field(factory=dict)
    error_type: str = ""
    message: str = ""


@attrs.frozen(eq=False)
class TrackRecord:
    """Everything one worker learned about one track."""

    id: str
    path: str
    audio_hash: str = ""
    duration: float = float("nan")
    extractors: tuple[ExtractorRecord, ...] = ()
