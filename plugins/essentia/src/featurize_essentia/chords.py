"""The ``chords`` artifact: Essentia's triads as Harte-labelled segments for other plugins.

Chords are detected per beat (``ChordsDetectionBeats`` over MusicExtractor's chord HPCP, median
HPCP between consecutive beats), which follows the music's own grid. A track with fewer than two
beats falls back to the frame-wise ``ChordsDetection`` progression (2 s context) behind
``chords_changes_rate``. Consecutive equal chords are merged, as a chord annotation (.lab) would
have them; a span without pitched content (chord strength 0) is ``N``.
"""

from __future__ import annotations

import numpy as np

from featurize.artifacts import Segments
from featurize_essentia.tonal import HOP_SIZE, Tonal

NO_CHORD = "N"

Row = tuple[float, float, str]


def harte(label: str, strength: float) -> str:
    """Essentia's ``"Bbm"`` / ``"C#"`` as Harte ``"Bb:min"`` / ``"C#:maj"``; ``N`` when not pitched."""
    if not strength > 0:
        return NO_CHORD
    return f"{label[:-1]}:min" if label.endswith("m") else f"{label}:maj"


class ChordSegmenter:
    """Builds the chord segments of a track; built once per worker."""

    def __init__(self, sr: int) -> None:
        import essentia.standard as es

        self.sr = sr
        self._per_beat = es.ChordsDetectionBeats(hopSize=HOP_SIZE, sampleRate=sr, chromaPick="interbeat_median")

    def segments(self, tonal: Tonal, beats: np.ndarray, duration: float) -> Segments:
        """Merged chord segments over the beats, or over the tonal frames when there are too few beats."""
        rows = self._beat_rows(tonal.chord_hpcp, beats) or self._frame_rows(tonal, duration)
        return Segments.from_rows(_merge(rows))

    def _beat_rows(self, chord_hpcp: np.ndarray, beats: np.ndarray) -> list[Row]:
        if len(beats) < 2:
            return []
        labels, strengths = self._per_beat(chord_hpcp, beats.astype(np.float32))
        return [
            (float(beats[i]), float(beats[i + 1]), harte(label, strength))
            for i, (label, strength) in enumerate(zip(labels, strengths, strict=True))
        ]

    def _frame_rows(self, tonal: Tonal, duration: float) -> list[Row]:
        """Frame ``i`` is centred on ``i * hop``; it covers half a hop either side, within the track."""
        hop = HOP_SIZE / self.sr
        rows = []
        for i, (label, strength) in enumerate(zip(tonal.frame_chords, tonal.frame_strengths, strict=True)):
            start, end = max(0.0, (i - 0.5) * hop), min(duration, (i + 0.5) * hop)
            if end > start:
                rows.append((start, end, harte(label, strength)))
        return rows


def _merge(rows: list[Row]) -> list[Row]:
    """Join consecutive rows with the same label that touch."""
    merged: list[Row] = []
    for start, end, label in rows:
        if merged and merged[-1][2] == label and merged[-1][1] == start:
            merged[-1] = (merged[-1][0], end, label)
        else:
            merged.append((start, end, label))
    return merged
