"""Drums from noise and sweeps: kick, snare and hi-hat one-shots placed on a beat grid.

The kick falls on beats 1 and 3 and the snare on 2 and 4 of every 4/4 bar, so the beat
is unambiguous at every density; the drum *density* is the number of hi-hat strokes per
beat (1, 2 or 4), which sets the rate of onsets without moving the beat. Strokes get
softer as they get denser (gain ``1/sqrt(density)``), so the hi-hats' energy, and with
it the average spectrum, stays the same at every density: density changes the rhythm,
not the timbre.
"""

from __future__ import annotations

import numpy as np

DENSITIES = (1, 2, 4)
"""Hi-hat strokes per beat: quarter, eighth and sixteenth notes."""


def _decay(seconds: float, tau: float, sr: int) -> np.ndarray:
    return np.exp(-np.arange(round(seconds * sr)) / (tau * sr))


def kick(sr: int, rng: np.random.Generator) -> np.ndarray:
    """A sine sweeping down from about 150 Hz to 50 Hz with a click on top."""
    t = np.arange(round(0.35 * sr)) / sr
    low = 48.0 + rng.uniform(-4, 4)
    frequency = low + 100.0 * np.exp(-t / 0.03)
    body = np.sin(2 * np.pi * np.cumsum(frequency) / sr) * np.exp(-t / 0.12)
    click = rng.standard_normal(len(t)) * _decay(0.35, 0.003, sr)
    return (body + 0.3 * click).astype(np.float32)


def snare(sr: int, rng: np.random.Generator) -> np.ndarray:
    """Bright noise (first difference of white noise) plus a 190 Hz body."""
    t = np.arange(round(0.25 * sr)) / sr
    noise = np.diff(rng.standard_normal(len(t) + 1)) * _decay(0.25, 0.06, sr)
    body = np.sin(2 * np.pi * (185.0 + rng.uniform(-10, 10)) * t) * _decay(0.25, 0.04, sr)
    return (0.5 * noise + 0.6 * body).astype(np.float32)


def hihat(sr: int, rng: np.random.Generator) -> np.ndarray:
    """A short burst of high-passed noise (second difference of white noise)."""
    noise = np.diff(rng.standard_normal(round(0.08 * sr) + 2), n=2) * _decay(0.08, 0.015, sr)
    return (0.08 * noise).astype(np.float32)


def _place(out: np.ndarray, sample: np.ndarray, at: float, gain: float, sr: int) -> None:
    begin = round(at * sr)
    if begin < len(out):
        stop = min(len(out), begin + len(sample))
        out[begin:stop] += gain * sample[: stop - begin]


def drum_track(tempo: float, density: int, length: int, sr: int, rng: np.random.Generator) -> np.ndarray:
    """A mono drum stem of ``length`` samples at ``tempo`` BPM with ``density`` hi-hats per beat."""
    out = np.zeros(length, dtype=np.float32)
    beat = 60.0 / tempo
    sounds = {"kick": kick(sr, rng), "snare": snare(sr, rng), "hihat": hihat(sr, rng)}
    n_beats = int(np.ceil(length / sr / beat))
    for index in range(n_beats):
        at = index * beat
        _place(out, sounds["kick" if index % 2 == 0 else "snare"], at, 0.9, sr)
        for stroke in range(density):
            accent = (1.0 if stroke == 0 else 0.7) / np.sqrt(density)
            _place(out, sounds["hihat"], at + stroke * beat / density, accent * rng.uniform(0.85, 1.0), sr)
    return out
