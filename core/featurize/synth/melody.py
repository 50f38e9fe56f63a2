"""Note material over a chord timeline: chord voicings, a bass line and a sung melody.

Chords are voiced as close-position triads around the D above middle C; the bass plays
the chord root (and the fifth on off-beats) two octaves below middle C; the melody, in
the clip's register, moves by small steps between chord tones on beats, with scale
neighbours on off-beat eighths, so the harmony stays recognisable to a chord recogniser.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from featurize.synth.harmony import ChordEvent
from featurize.synth.timbre import Note

REGISTERS = {"low": -12, "mid": 0, "high": 12}
"""Transposition in semitones of the melody (the singer's register); the chords stay put."""
CHORD_CENTRE = 62
MELODY_CENTRE = 69
BASS_OCTAVE = 36


def _near(pitch_class: int, centre: float) -> int:
    """The MIDI pitch of ``pitch_class`` closest to ``centre``."""
    base = round(centre) - 6
    return base + (pitch_class - base) % 12


def chord_notes(events: Sequence[ChordEvent]) -> list[Note]:
    """Each chord as a held close-position triad around the D above middle C."""
    return [
        Note(event.start, event.end - event.start, _near(pitch_class, CHORD_CENTRE), 0.5)
        for event in events
        for pitch_class in event.chord.pitch_classes
    ]


def bass_notes(events: Sequence[ChordEvent], beat: float) -> list[Note]:
    """Root on the chord's first beat, then alternating fifth and root, one note per beat."""
    notes = []
    for event in events:
        root = BASS_OCTAVE + event.chord.root
        at, step = event.start, 0
        while at < event.end - 1e-6:
            pitch = root + 7 if step % 2 == 1 else root
            notes.append(Note(at, min(0.9 * beat, event.end - at), pitch, 0.9 if step == 0 else 0.7))
            at += beat
            step += 1
    return notes


def melody_notes(
    events: Sequence[ChordEvent], beat: float, scale_classes: Sequence[int], register: str, rng: np.random.Generator
) -> list[Note]:
    """A stepwise melody: a chord tone on each beat, sometimes split into two eighths or rested."""
    centre = MELODY_CENTRE + REGISTERS[register]
    previous = float(centre)
    notes = []
    for event in events:
        at = event.start
        while at < event.end - 1e-6:
            choice = rng.random()
            tone = min(
                (_near(pc, previous) for pc in event.chord.pitch_classes),
                key=lambda p: abs(p - previous) + 0.15 * abs(p - centre) + rng.random(),
            )
            if choice < 0.1:
                at += beat  # a rest
                continue
            if choice < 0.45:
                notes.append(Note(at, 0.45 * beat, tone, 0.8))
                neighbour = _scale_neighbour(tone, scale_classes, rng)
                notes.append(Note(at + beat / 2, 0.45 * beat, neighbour, 0.7))
            else:
                notes.append(Note(at, 0.9 * beat, tone, 0.85))
            previous = tone
            at += beat
    return notes


def _scale_neighbour(pitch: int, scale_classes: Sequence[int], rng: np.random.Generator) -> int:
    """The next scale tone above or below ``pitch``."""
    direction = 1 if rng.random() < 0.5 else -1
    candidate = pitch + direction
    while candidate % 12 not in scale_classes:
        candidate += direction
    return candidate
