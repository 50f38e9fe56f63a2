"""Artifact values: the intermediate results extractors hand to each other and to the store.

Each class matches one :class:`~featurize.plugin.descriptors.ArtifactKind`; the store
knows how to write and read every kind, so a plugin never touches HDF5 itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs
import numpy as np

from featurize.plugin.descriptors import ArtifactKind


def _float_array(value: Any) -> np.ndarray:
    return np.asarray(value, dtype=np.float64).reshape(-1)


@attrs.frozen(eq=False)
class Segments:
    """Labelled time spans in seconds: chord segments, words, sections."""

    start: np.ndarray = attrs.field(converter=_float_array)
    end: np.ndarray = attrs.field(converter=_float_array)
    labels: tuple[str, ...] = attrs.field(converter=tuple)

    kind = ArtifactKind.SEGMENTS

    def __attrs_post_init__(self) -> None:
        if not (len(self.start) == len(self.end) == len(self.labels)):
            raise ValueError(
                f"segments need equal lengths, got {len(self.start)} starts, "
                f"{len(self.end)} ends and {len(self.labels)} labels"
            )
        if np.any(self.end < self.start):
            raise ValueError("a segment ends before it starts")

    def __len__(self) -> int:
        return len(self.labels)

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Segments)
            and self.labels == other.labels
            and np.array_equal(self.start, other.start)
            and np.array_equal(self.end, other.end)
        )

    @classmethod
    def from_rows(cls, rows: Sequence[tuple[float, float, str]]) -> Segments:
        """Build from ``(start, end, label)`` rows."""
        if not rows:
            return cls(start=[], end=[], labels=())
        start, end, labels = zip(*rows, strict=True)
        return cls(start=start, end=end, labels=labels)


@attrs.frozen(eq=False)
class Text:
    """A text with its language and, when known, word or line timings."""

    text: str
    language: str | None = None
    timings: Segments | None = None
    source: str = ""
    """Where the text came from, e.g. ``"file:song.lrc"`` or ``"whisper:small"``."""

    kind = ArtifactKind.TEXT

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Text)
            and (self.text, self.language, self.source) == (other.text, other.language, other.source)
            and self.timings == other.timings
        )


@attrs.frozen(eq=False)
class Signal:
    """Audio, ``(channels, samples)`` float32: a separated stem, for example."""

    samples: np.ndarray = attrs.field(converter=lambda a: np.atleast_2d(np.asarray(a, dtype=np.float32)))
    sr: int

    kind = ArtifactKind.SIGNAL

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Signal) and self.sr == other.sr and np.array_equal(self.samples, other.samples)


@attrs.frozen(eq=False)
class Frames:
    """Frame-wise values ``(n_frames, n_dims)`` at a fixed hop, with column names."""

    values: np.ndarray = attrs.field(converter=lambda a: np.atleast_2d(np.asarray(a, dtype=np.float32)))
    hop_seconds: float
    columns: tuple[str, ...] = attrs.field(converter=tuple, default=())

    kind = ArtifactKind.FRAMES

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Frames)
            and (self.hop_seconds, self.columns) == (other.hop_seconds, other.columns)
            and np.array_equal(self.values, other.values)
        )


@attrs.frozen
class Record:
    """A small JSON-serialisable mapping: a key estimate, model metadata."""

    data: dict[str, Any]

    kind = ArtifactKind.RECORD


Artifact = Segments | Text | Signal | Frames | Record
