"""Synthesized chord progressions with known chords, and the accuracy of a chord provider on them.

Used by the tests and ``benchmarks/bench_chords.py``; useful to anyone comparing chord providers
(``chroma_chords``, ``omnizart``, ``essentia``) on audio whose answer is known.
"""

from __future__ import annotations

import numpy as np

from featurize.artifacts import Segments
from featurize.testing.signals import clicks, tone, triad, white_noise

PROGRESSIONS = {
    "I-IV-V-I in C": ["C:maj", "F:maj", "G:maj", "C:maj"],
    "ii-V-I": ["D:min", "G:maj", "C:maj", "A:min"],
    "i-iv-v-i in A minor": ["A:min", "D:min", "E:min", "A:min"],
    "I-bVII-IV-I in G#": ["G#:maj", "F#:maj", "C#:maj", "G#:maj"],
    "i-bVII-bVI-V-i in C minor": ["C:min", "A#:maj", "G#:maj", "G:maj", "C:min"],
    "V/V chain": ["E:maj", "A:maj", "D:maj", "G:maj", "C:maj"],
    "minor thirds": ["B:min", "D:maj", "F:min", "G#:maj", "B:min"],
}
"""Progressions covering all 12 roots, both qualities and the FHO functions."""

RENDERINGS: dict[str, dict[str, float]] = {
    "bright": {},
    "low octave": {"octave": 3},
    "dull timbre": {"harmonics": 3, "rolloff": 2.0},
    "no drums": {"drums": False},
    "noisy": {"noise": 0.05},
    "two beats per chord, 150 bpm": {"beats": 2, "bpm": 150},
    "detuned by 30 cents": {"cents": 30},
}
"""Keyword options of :func:`render_progression`: register, timbre, drums, noise, tempo, tuning."""


def render_progression(
    chords: list[str],
    sr: int,
    *,
    bpm: float = 120,
    beats: int = 4,
    octave: int = 4,
    harmonics: int = 6,
    rolloff: float = 1.0,
    drums: bool = True,
    noise: float = 0.0,
    cents: float = 0.0,
) -> tuple[np.ndarray, Segments]:
    """Mono audio of ``chords`` (``"C:maj"``, ``"A#:min"``), one per ``beats`` beats, and its ground truth.

    Parameters
    ----------
    octave, harmonics, rolloff
        Register and timbre of the triads (see :func:`featurize.testing.signals.tone`).
    drums, noise
        A click on every beat; white noise of this amplitude.
    cents
        Detuning from A440 of every note.
    """
    seconds = beats * 60 / bpm
    detune = 2 ** (cents / 1200)
    parts = [
        tone([f * detune for f in triad(*c.split(":"), octave)], seconds, sr, harmonics=harmonics, rolloff=rolloff)
        for c in chords
    ]
    audio = np.concatenate(parts)
    duration = len(audio) / sr
    if drums:
        audio = audio + clicks(bpm, duration, sr)[: len(audio)]
    if noise:
        audio = audio + white_noise(duration, sr, amplitude=noise)[: len(audio)]
    truth = Segments.from_rows([(i * seconds, (i + 1) * seconds, c) for i, c in enumerate(chords)])
    return audio.astype(np.float32), truth


def chord_accuracy(found: Segments, truth: Segments, step: float = 0.01) -> float:
    """Share of time (sampled every ``step`` seconds) where ``found`` names the chord of ``truth``
    (weighted chord symbol recall on the triad vocabulary)."""
    times = np.arange(0, truth.end[-1], step)

    def labels_at(segments: Segments) -> np.ndarray:
        if len(segments) == 0:
            return np.full(len(times), "", dtype=object)
        index = np.clip(np.searchsorted(segments.end, times, side="right"), 0, len(segments) - 1)
        inside = (segments.start[index] <= times) & (times < segments.end[index])
        return np.where(inside, np.array(segments.labels, dtype=object)[index], "")

    return float(np.mean(labels_at(found) == labels_at(truth)))
