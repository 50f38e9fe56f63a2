"""Small synthetic signals for tests: deterministic, musically meaningful, cheap to make."""

from __future__ import annotations

import numpy as np

PITCH_CLASSES = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")


def midi_to_hz(note: float) -> float:
    return 440.0 * 2.0 ** ((note - 69) / 12)


def tone(
    frequencies: float | list[float],
    duration: float,
    sr: int,
    *,
    harmonics: int = 6,
    rolloff: float = 1.0,
    amplitude: float = 0.3,
) -> np.ndarray:
    """A sum of harmonic tones with amplitude ``k**-rolloff`` for harmonic ``k``, float32."""
    t = np.arange(round(duration * sr)) / sr
    signal = np.zeros_like(t)
    for frequency in np.atleast_1d(frequencies):
        for k in range(1, harmonics + 1):
            if k * frequency < sr / 2:
                signal += k**-rolloff * np.sin(2 * np.pi * k * frequency * t)
    peak = np.max(np.abs(signal)) or 1.0
    return (amplitude * signal / peak).astype(np.float32)


def triad(root: str, quality: str = "maj", octave: int = 4) -> list[float]:
    """Frequencies of a major or minor triad, e.g. ``triad("A", "min")``."""
    base = 12 * (octave + 1) + PITCH_CLASSES.index(root)
    third = 4 if quality == "maj" else 3
    return [midi_to_hz(base), midi_to_hz(base + third), midi_to_hz(base + 7)]


def clicks(bpm: float, duration: float, sr: int, *, click_seconds: float = 0.01) -> np.ndarray:
    """A click track: short decaying noise bursts on every beat."""
    signal = np.zeros(round(duration * sr), dtype=np.float32)
    rng = np.random.default_rng(0)
    length = int(click_seconds * sr)
    burst = (rng.standard_normal(length) * np.exp(-np.linspace(0, 8, length))).astype(np.float32)
    for onset in np.arange(0, duration, 60.0 / bpm):
        start = int(onset * sr)
        stop = min(start + length, len(signal))
        signal[start:stop] += burst[: stop - start]
    return 0.5 * signal / max(np.max(np.abs(signal)), 1e-9)


def white_noise(duration: float, sr: int, *, seed: int = 0, amplitude: float = 0.1) -> np.ndarray:
    return (amplitude * np.random.default_rng(seed).standard_normal(int(duration * sr))).astype(np.float32)


def standard_inputs(sr: int = 44100) -> dict[str, np.ndarray]:
    """The inputs every extractor must survive: music-like, silent, very short, clipped, stereo."""
    music = tone(triad("C"), 4.0, sr) + clicks(120, 4.0, sr)
    return {
        "music": music,
        "silence": np.zeros(sr * 2, dtype=np.float32),
        "very_short": music[:256].copy(),
        "clipped": np.clip(music * 8, -1.0, 1.0).astype(np.float32),
        "stereo": np.stack([music, np.roll(music, 100)]),
    }
