"""The built-in ``chords`` provider: beat-synchronous chroma matched to 24 triads and ``N``.

Steps, all numpy:

1. chroma frames (:mod:`featurize_fho.chroma`) at 11025 Hz, 4096-sample window, 1024 hop (93 ms);
2. beats (:mod:`featurize_fho.beats`); without a pulse, a fixed grid of ``GRID_SECONDS``;
3. one chroma vector per beat: the median of its frames (robust to onsets and passing notes);
4. cosine similarity to 24 triad templates, whose notes carry their first four harmonics with
   weights ``0.6**(k-1)`` (Gómez 2006), and to a flat ``N`` template (noise, dense clusters);
   beats quieter than ``SILENCE_DB`` below full scale are ``N`` whatever their chroma;
5. Viterbi smoothing over the beats with a self-transition probability ``STAY``, so a chord does
   not flicker between beats on a passing note;
6. consecutive beats with the same chord merged into Harte-labelled segments (``C#:min``, ``N``).
"""

from __future__ import annotations

import itertools

import numpy as np

from featurize.artifacts import Segments
from featurize.extraction import Result, TrackContext
from featurize_fho.beats import beat_times
from featurize_fho.catalog import CHROMA_SAMPLE_RATE
from featurize_fho.chroma import chromagram, estimate_tuning, power_spectrogram
from featurize_fho.vocabulary import NO_CHORD, VOCABULARY

SAMPLE_RATE = CHROMA_SAMPLE_RATE
N_FFT = 4096
HOP = 1024
GRID_SECONDS = 0.5
HARMONICS = 4
HARMONIC_DECAY = 0.6
SILENCE_DB = -50.0
STAY = 0.6
SHARPNESS = 25.0
"""Inverse temperature turning cosine similarities into emission log-probabilities."""

STATES = (*VOCABULARY, NO_CHORD)


def triad_templates() -> np.ndarray:
    """``(25, 12)`` unit-norm templates: 12 major, 12 minor triads (with harmonics), then flat ``N``."""
    templates = np.zeros((len(STATES), 12))
    for index, label in enumerate(VOCABULARY):
        root = index % 12
        third = 4 if label.endswith(":maj") else 3
        for interval in (0, third, 7):
            for k in range(1, HARMONICS + 1):
                pitch = (root + interval + round(12 * np.log2(k))) % 12
                templates[index, pitch] += HARMONIC_DECAY ** (k - 1)
    templates[-1] = 1.0
    return templates / np.linalg.norm(templates, axis=1, keepdims=True)


def boundaries(duration: float, beats: np.ndarray) -> np.ndarray:
    """Segment edges: 0, the beats inside the track, the end (a grid when there are too few beats)."""
    inside = beats[(beats > 0) & (beats < duration)]
    if len(inside) < 2:
        inside = np.arange(GRID_SECONDS, duration, GRID_SECONDS)
    return np.unique(np.concatenate([[0.0], inside, [duration]]))


def pooled_chroma(chroma: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """``(n_segments, 12)``: median chroma of the frames centred in each segment (nearest frame if none)."""
    centres = np.arange(len(chroma)) * HOP / SAMPLE_RATE
    pooled = np.empty((len(edges) - 1, 12), dtype=np.float64)
    for i, (start, end) in enumerate(itertools.pairwise(edges)):
        inside = (centres >= start) & (centres < end)
        if np.any(inside):
            pooled[i] = np.median(chroma[inside], axis=0)
        else:
            pooled[i] = chroma[min(int(np.argmin(np.abs(centres - (start + end) / 2))), len(chroma) - 1)]
    return pooled


def segment_levels(audio: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """RMS level in dB full scale of each segment (-inf for digital silence)."""
    levels = np.empty(len(edges) - 1)
    for i, (start, end) in enumerate(itertools.pairwise(edges)):
        part = audio[int(start * SAMPLE_RATE) : max(int(end * SAMPLE_RATE), int(start * SAMPLE_RATE) + 1)]
        rms = float(np.sqrt(np.mean(np.square(part, dtype=np.float64)))) if len(part) else 0.0
        with np.errstate(divide="ignore"):
            levels[i] = 20 * np.log10(rms)
    return levels


def viterbi(log_emission: np.ndarray, stay: float) -> np.ndarray:
    """Most likely state per step under uniform start and a 'stay or jump anywhere' transition."""
    n_steps, n_states = log_emission.shape
    log_stay, log_move = np.log(stay), np.log((1 - stay) / (n_states - 1))
    score = log_emission[0].copy()
    back = np.zeros((n_steps, n_states), dtype=np.int64)
    for t in range(1, n_steps):
        best_other = int(np.argmax(score))
        moved = score[best_other] + log_move
        stayed = score + log_stay
        back[t] = np.where(stayed >= moved, np.arange(n_states), best_other)
        score = np.maximum(stayed, moved) + log_emission[t]
    path = np.empty(n_steps, dtype=np.int64)
    path[-1] = int(np.argmax(score))
    for t in range(n_steps - 1, 0, -1):
        path[t - 1] = back[t, path[t]]
    return path


class ChromaChords:
    """Template chord recogniser; stateless apart from its templates (built once per worker)."""

    def __init__(self, stay: float = STAY) -> None:
        self.templates = triad_templates()
        self.stay = stay

    def recognise(self, audio: np.ndarray) -> Segments:
        """Chord segments of mono audio at :data:`SAMPLE_RATE`."""
        duration = len(audio) / SAMPLE_RATE
        power = power_spectrogram(audio, N_FFT, HOP)
        chroma = chromagram(power, SAMPLE_RATE, N_FFT, estimate_tuning(power, SAMPLE_RATE, N_FFT))
        edges = boundaries(duration, beat_times(audio, SAMPLE_RATE))
        pooled = pooled_chroma(chroma, edges)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        similarity = (pooled / np.where(norms > 0, norms, 1.0)) @ self.templates.T
        similarity[norms[:, 0] == 0] = self.templates[-1] @ self.templates.T
        log_emission = SHARPNESS * similarity
        log_emission -= np.logaddexp.reduce(log_emission, axis=1, keepdims=True)
        silent = segment_levels(audio, edges) < SILENCE_DB
        log_emission[silent] = np.where(np.arange(len(STATES)) == len(STATES) - 1, 0.0, -np.inf)
        states = viterbi(log_emission, self.stay)
        rows: list[tuple[float, float, str]] = []
        for start, end, state in zip(edges[:-1], edges[1:], states, strict=True):
            label = STATES[state]
            if rows and rows[-1][2] == label:
                rows[-1] = (rows[-1][0], float(end), label)
            else:
                rows.append((float(start), float(end), label))
        return Segments.from_rows(rows)

    def __call__(self, track: TrackContext) -> Result:
        return Result(artifacts={"chords": self.recognise(track.audio(sr=SAMPLE_RATE, mono=True))})


def build_extractor() -> ChromaChords:
    return ChromaChords()
