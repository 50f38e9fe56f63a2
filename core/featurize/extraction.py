"""What an extractor sees and returns: :class:`Track`, :class:`TrackContext`, :class:`Result`.

An extractor is any callable ``extract(track: TrackContext) -> Result``. The context
decodes the audio once and serves each requested (sample rate, channel layout) view
from that decode, cached; artifacts from other extractors are resolved on demand.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Protocol

import attrs
import numpy as np

from featurize.artifacts import Artifact
from featurize.audio import decode, resample, to_mono
from featurize.errors import ConfigurationError


@attrs.frozen
class Track:
    """One input: a stable id, its audio file and, when found, its lyrics file."""

    id: str
    path: Path = attrs.field(converter=Path)
    lyrics_path: Path | None = attrs.field(default=None, converter=attrs.converters.optional(Path))


@attrs.frozen
class Result:
    """An extractor's output for one track.

    ``features`` maps the extractor's declared feature names (without namespace) to
    floats; NaN is allowed where a feature is undefined by design, ``inf`` never.
    ``artifacts`` maps declared artifact names to :mod:`featurize.artifacts` values.
    """

    features: Mapping[str, float] = attrs.field(factory=dict)
    artifacts: Mapping[str, Artifact] = attrs.field(factory=dict)


class Extractor(Protocol):
    """The runtime object an :class:`~featurize.ExtractorSpec` factory returns."""

    def __call__(self, track: TrackContext) -> Result: ...


ArtifactResolver = Callable[[str], Artifact]


class TrackContext:
    """Per-track view of the input, shared by every extractor that runs on the track."""

    def __init__(
        self,
        track: Track,
        *,
        artifacts: ArtifactResolver | Mapping[str, Artifact] | None = None,
        decoded: tuple[np.ndarray, int] | None = None,
    ) -> None:
        self.track = track
        self._decoded = decoded
        self._views: dict[tuple[int | None, bool], np.ndarray] = {}
        if artifacts is None or isinstance(artifacts, Mapping):
            given = dict(artifacts or {})

            def resolve(name: str) -> Artifact:
                if name not in given:
                    raise ConfigurationError(f"no provider gave artifact {name!r} for {track.path}")
                return given[name]

            self._resolve: ArtifactResolver = resolve
        else:
            self._resolve = artifacts

    @classmethod
    def from_array(cls, samples: np.ndarray, sr: int, *, track_id: str = "array", **kwargs: object) -> TrackContext:
        """A context over in-memory audio, ``(samples,)`` or ``(channels, samples)``; for tests."""
        samples = np.atleast_2d(np.asarray(samples, dtype=np.float32))
        return cls(Track(track_id, Path(f"<{track_id}>")), decoded=(samples, sr), **kwargs)  # type: ignore[arg-type]

    @property
    def id(self) -> str:
        return self.track.id

    @property
    def path(self) -> Path:
        return self.track.path

    @property
    def native(self) -> tuple[np.ndarray, int]:
        """The decoded audio ``(channels, samples)`` and its sample rate, decoded on first use."""
        if self._decoded is None:
            self._decoded = decode(self.track.path)
        return self._decoded

    @property
    def sr(self) -> int:
        return self.native[1]

    @property
    def duration(self) -> float:
        samples, sr = self.native
        return samples.shape[1] / sr

    def audio(self, sr: int | None = None, mono: bool = True) -> np.ndarray:
        """The audio at ``sr`` (``None``: native), float32, ``(samples,)`` if mono else ``(channels, samples)``."""
        key = (sr, mono)
        if key not in self._views:
            samples, native_sr = self.native
            if mono:
                # Downmix before resampling: one channel to filter instead of several.
                view = to_mono(samples) if sr is None else resample(self.audio(None, True)[None], native_sr, sr)[0]
            else:
                view = samples if sr is None else resample(samples, native_sr, sr)
            self._views[key] = view
        return self._views[key]

    def artifact(self, name: str) -> Artifact:
        """The artifact ``name`` for this track, computed by its provider on first use."""
        return self._resolve(name)
