"""A sung vocal line by additive formant synthesis: each melody note is a vowel of the lyrics.

The source is a glottal-like harmonic series (amplitude ``1/k``) at the note's pitch with
vibrato; each harmonic is weighted by the vowel's three formant resonances (Lorentzian
peaks at typical adult formant frequencies), so vowels differ by spectral envelope, not
by pitch. A short noise burst marks each syllable's consonant. It is no singer, but it
is a separate, pitched, vowel-coloured stem that a separation model can learn to isolate.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import attrs
import numpy as np

from featurize.synth.timbre import Envelope, Note, midi_to_hz, render_notes, wavetable

FORMANTS: dict[str, tuple[tuple[float, float, float], ...]] = {
    "a": ((800, 80, 1.0), (1150, 90, 0.5), (2900, 120, 0.25)),
    "e": ((400, 70, 1.0), (2000, 100, 0.4), (2550, 120, 0.25)),
    "i": ((280, 60, 1.0), (2250, 100, 0.35), (3000, 120, 0.3)),
    "o": ((450, 70, 1.0), (800, 80, 0.6), (2830, 120, 0.2)),
    "u": ((325, 60, 1.0), (700, 80, 0.4), (2530, 120, 0.15)),
}
"""Per vowel: (centre Hz, bandwidth Hz, gain) of the first three formants."""
VOWEL_GROUP = re.compile(r"[aeiouy]+")
ENVELOPE = Envelope(attack=0.04, decay=0.1, sustain=0.8, release=0.08)


def vowels_of(text: str) -> list[str]:
    """The vowel of each written syllable of ``text`` (vowel-letter groups), reduced to a, e, i, o, u."""
    vowels = []
    for group in VOWEL_GROUP.findall(text.lower()):
        letter = group[0] if group[0] != "y" else "i"
        vowels.append(letter)
    return vowels or ["a"]


def formant_table(frequency: float, vowel: str, sr: int) -> np.ndarray:
    """One period of the vowel ``vowel`` sung at ``frequency`` Hz."""
    count = int(max(1, min(80, 0.45 * sr // frequency)))
    harmonics = frequency * np.arange(1, count + 1)
    weight = np.zeros(count)
    for centre, bandwidth, gain in FORMANTS[vowel]:
        weight += gain / (1.0 + ((harmonics - centre) / bandwidth) ** 2)
    return wavetable(weight / np.arange(1, count + 1) + 1e-4)


def vocal_track(
    notes: Sequence[Note], lyrics: str, attack: float, length: int, sr: int, rng: np.random.Generator
) -> np.ndarray:
    """The melody ``notes`` sung on the successive vowels of ``lyrics``, as a mono stem."""
    vowels = vowels_of(lyrics)
    vowel_of = {note: vowels[index % len(vowels)] for index, note in enumerate(notes)}
    tables: dict[tuple[float, str], np.ndarray] = {}

    def table_for(note: Note) -> np.ndarray:
        key = (note.pitch, vowel_of[note])
        if key not in tables:
            tables[key] = formant_table(float(midi_to_hz(note.pitch)), vowel_of[note], sr)
        return tables[key]

    envelope = attrs.evolve(ENVELOPE, attack=max(ENVELOPE.attack, attack))
    out = render_notes(notes, table_for, envelope, sr, length, vibrato=(5.5, 0.3))
    burst = np.diff(rng.standard_normal(round(0.03 * sr) + 1)) * np.exp(-np.arange(round(0.03 * sr)) / (0.008 * sr))
    for note in notes:
        begin = round(note.start * sr)
        stop = min(length, begin + len(burst))
        if begin < length:
            out[begin:stop] += (0.05 * note.velocity * burst[: stop - begin]).astype(np.float32)
    return out
