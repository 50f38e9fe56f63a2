"""Chord vocabulary: Harte labels, their major/minor triad reduction and the FHO chord class names.

The FHO features are defined over the 24 major and minor triads (the vocabulary of Omnizart,
Essentia's chord detection and the built-in chroma matcher). Richer Harte labels are reduced
to the triad they contain: a chord with a major third and a perfect fifth is ``maj`` (``G:7``,
``C:maj7``, ``F:9``), one with a minor third and a perfect fifth is ``min`` (``A:min7``). Chords
without such a triad (``dim``, ``aug``, ``sus4``, power chords) and ``N``/``X`` have no
reduction; the FHO extractor drops them like ``N``.
"""

from __future__ import annotations

import re
from functools import lru_cache

PITCH_CLASSES = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")
"""Roots as Omnizart spells them: sharps only."""

QUALITIES = ("maj", "min")

VOCABULARY = tuple(f"{root}:{quality}" for quality in QUALITIES for root in PITCH_CLASSES)
"""The 24 triads in Omnizart's order: ``C:maj`` ... ``B:maj``, ``C:min`` ... ``B:min``."""

NO_CHORD = "N"

_NATURALS = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}
_LABEL = re.compile(
    r"^(?P<root>[A-G])(?P<accidentals>[#b]*)(?::(?P<quality>[^(/]*))?(?:\((?P<extra>[^)]*)\))?(?:/.*)?$"
)

# Harte shorthands as interval sets (Harte et al. 2005, plus the common extensions).
_SHORTHANDS = {
    "": ("3", "5"),
    "maj": ("3", "5"),
    "min": ("b3", "5"),
    "dim": ("b3", "b5"),
    "aug": ("3", "#5"),
    "maj7": ("3", "5", "7"),
    "min7": ("b3", "5", "b7"),
    "7": ("3", "5", "b7"),
    "dim7": ("b3", "b5", "bb7"),
    "hdim7": ("b3", "b5", "b7"),
    "minmaj7": ("b3", "5", "7"),
    "maj6": ("3", "5", "6"),
    "min6": ("b3", "5", "6"),
    "9": ("3", "5", "b7", "9"),
    "maj9": ("3", "5", "7", "9"),
    "min9": ("b3", "5", "b7", "9"),
    "11": ("3", "5", "b7", "9", "11"),
    "min11": ("b3", "5", "b7", "9", "11"),
    "13": ("3", "5", "b7", "9", "11", "13"),
    "maj13": ("3", "5", "7", "9", "11", "13"),
    "min13": ("b3", "5", "b7", "9", "11", "13"),
    "sus2": ("2", "5"),
    "sus4": ("4", "5"),
    "1": (),
    "5": ("5",),
}


def _intervals(quality: str | None, extra: str | None) -> set[str] | None:
    """The interval set of a Harte quality plus its parenthesised additions and ``*`` omissions."""
    if quality is not None and quality not in _SHORTHANDS:
        return None
    # ``C:(3,5)`` lists its intervals alone; a shorthand with parentheses adds to or omits from it.
    intervals = set() if not quality and extra is not None else set(_SHORTHANDS[quality or ""])
    for token in (t.strip() for t in (extra or "").split(",") if t.strip()):
        if token.startswith("*"):
            intervals.discard(token[1:])
        else:
            intervals.add(token)
    return intervals


@lru_cache(maxsize=4096)
def reduce_label(label: str) -> str | None:
    """The ``<root>:maj|min`` triad of a Harte label (roots re-spelled with sharps), or ``None``.

    >>> reduce_label("Bb:min7"), reduce_label("G:7/3"), reduce_label("B:hdim7"), reduce_label("N")
    ('A#:min', 'G:maj', None, None)
    """
    match = _LABEL.match(label.strip())
    if match is None:
        return None
    intervals = _intervals(match["quality"], match["extra"])
    if intervals is None or "5" not in intervals:
        return None
    if "3" in intervals and "b3" not in intervals:
        quality = "maj"
    elif "b3" in intervals and "3" not in intervals:
        quality = "min"
    else:
        return None
    accidentals = match["accidentals"]
    pitch = (_NATURALS[match["root"]] + accidentals.count("#") - accidentals.count("b")) % 12
    return f"{PITCH_CLASSES[pitch]}:{quality}"


def fho_class(triad: str) -> str:
    """The FHO chord class of a reduced triad: sharps as ``s``, minor as ``min`` (``C#:min`` -> ``Csmin``)."""
    root, quality = triad.split(":")
    return root.replace("#", "s") + ("min" if quality == "min" else "")
