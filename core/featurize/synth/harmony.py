"""Keys, modes and chord progressions: the harmonic factors of a synthetic clip.

Progressions are 4-chord loops of major/minor triads written as (semitones above the
tonic, quality). Two families per mode:

- *functional*: contain a dominant cadence, a major chord rising a fourth (V -> I, or
  V -> i with the harmonic-minor V), next to subdominant motion (IV -> I, iv -> i, I -> V);
- *modal*: never contain a major chord rising a fourth; the major loops use the
  Mixolydian bVII and minor v (v -> I), the minor ones the Aeolian bVII, bVI and v -> i.

Every minor loop contains a minor chord rising a fourth to a minor chord (i -> iv or
v -> i, the FHO ``aeolian`` function) and no major loop does, so the mode shows in the
harmony features; consecutive chords (with wrap-around) always differ, so every loop
changes chord at the same rate.

The loops are chosen so that nothing else gives the factors away: averaged over each
family, the FHO labels ``dominant``, ``major_dominant`` and ``mixolydian`` are as frequent
in minor loops as in major loops of the same type, and ``subdominant``, ``aeolian`` and
``minor_fourth`` as frequent in functional loops as in modal loops of the same mode. So
the mode shows only through the Aeolian function and the progression type only through
the dominant functions (tests/integration/test_demo_factors.py checks this with the fho
plugin).
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

PITCH_CLASSES = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")
"""Harte root names, sharps only (the spelling chord recognisers output)."""

MODES = ("major", "minor")
PROGRESSION_TYPES = ("functional", "modal")

Degree = tuple[int, str]
"""A chord relative to the tonic: (root in semitones above the tonic, ``"maj"`` or ``"min"``)."""

TEMPLATES: dict[tuple[str, str], tuple[tuple[str, tuple[Degree, ...]], ...]] = {
    ("major", "functional"): (
        ("I-V-vi-V", ((0, "maj"), (7, "maj"), (9, "min"), (7, "maj"))),
        ("I-ii-iii-V", ((0, "maj"), (2, "min"), (4, "min"), (7, "maj"))),
    ),
    ("major", "modal"): (
        ("I-bVII-IV-v", ((0, "maj"), (10, "maj"), (5, "maj"), (7, "min"))),
        ("I-bVI-bVII-v", ((0, "maj"), (8, "maj"), (10, "maj"), (7, "min"))),
    ),
    ("minor", "functional"): (
        ("i-iv-bVI-V", ((0, "min"), (5, "min"), (8, "maj"), (7, "maj"))),
        ("i-iv-bVII-V", ((0, "min"), (5, "min"), (10, "maj"), (7, "maj"))),
    ),
    ("minor", "modal"): (
        ("i-iv-bVI-bVII", ((0, "min"), (5, "min"), (8, "maj"), (10, "maj"))),
        ("i-bIII-bVII-v", ((0, "min"), (3, "maj"), (10, "maj"), (7, "min"))),
    ),
}
"""Progression loops per (mode, progression type), each named in Roman numerals."""

THIRDS = {"maj": 4, "min": 3}


@attrs.frozen
class Chord:
    """An absolute triad: root pitch class (0 = C) and quality."""

    root: int
    quality: str

    @property
    def label(self) -> str:
        """The Harte label, e.g. ``A:min``."""
        return f"{PITCH_CLASSES[self.root]}:{self.quality}"

    @property
    def pitch_classes(self) -> tuple[int, int, int]:
        return (self.root, (self.root + THIRDS[self.quality]) % 12, (self.root + 7) % 12)


@attrs.frozen
class ChordEvent:
    """A chord sounding from ``start`` to ``end`` seconds."""

    chord: Chord
    start: float
    end: float


def key_name(tonic: int, mode: str) -> str:
    """``"A minor"``-style name of a key."""
    return f"{PITCH_CLASSES[tonic]} {mode}"


def progression(tonic: int, mode: str, kind: str, variant: int) -> tuple[str, tuple[Chord, ...]]:
    """The named loop ``variant`` (modulo the number of loops) of a key, mode and progression type."""
    templates = TEMPLATES[(mode, kind)]
    name, degrees = templates[variant % len(templates)]
    return name, tuple(Chord((tonic + offset) % 12, quality) for offset, quality in degrees)


def chord_timeline(loop: Sequence[Chord], seconds_per_chord: float, duration: float) -> list[ChordEvent]:
    """The loop repeated from time 0 until ``duration``, one chord every ``seconds_per_chord``."""
    events = []
    index = 0
    while index * seconds_per_chord < duration - 1e-9:
        start = index * seconds_per_chord
        events.append(ChordEvent(loop[index % len(loop)], start, min(duration, start + seconds_per_chord)))
        index += 1
    return events


SCALES: dict[tuple[str, str], tuple[int, ...]] = {
    ("major", "functional"): (0, 2, 4, 5, 7, 9, 11),  # Ionian
    ("major", "modal"): (0, 2, 4, 5, 7, 9, 10),  # Mixolydian
    ("minor", "functional"): (0, 2, 3, 5, 7, 8, 11),  # harmonic minor
    ("minor", "modal"): (0, 2, 3, 5, 7, 8, 10),  # Aeolian
}
"""Scale steps of the melody's passing tones, matching each progression family."""


def scale(tonic: int, mode: str, kind: str) -> tuple[int, ...]:
    """Pitch classes of the scale the melody uses in this key, mode and progression type."""
    return tuple((tonic + step) % 12 for step in SCALES[(mode, kind)])
