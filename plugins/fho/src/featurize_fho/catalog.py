"""Names and definitions of the FHO features; plain data, light enough for the plugin module."""

from __future__ import annotations

import itertools

LABELS = ("dominant", "subdominant", "tonic", "major_dominant", "aeolian", "mixolydian", "minor_fourth")
"""Feature label order (``names.md``); the n-gram features follow it too."""

AEOLIAN_CLASSES = {
    "AeolianDominant": "v -> i",
    "AeolianRelativeDominant": "bVII -> i",
}
MIXOLYDIAN_CLASSES = {
    "MixolydianSeventhDominant": "bVII -> I",
    "MixolydianDominant": "v -> I",
}

LABEL_DEFINITIONS = {
    "dominant": "dominants to their next chord (FHO DominantChordFunction: V -> I, II -> V, bVII -> I, ...)",
    "subdominant": "subdominants to their next chord (FHO SubdominantChordFunction: IV -> I, iv -> i, ...)",
    "tonic": "local tonics, i.e. tonic chords reached from a dominant (FHO LocalTonic)",
    "major_dominant": (
        "major dominants: major chords resolving a fourth up (FHO IonianDominant or HarmonicMinorDominant; "
        "the papers' 'glob')"
    ),
    "aeolian": (
        "Aeolian dominants (default FHO AeolianDominant, v -> i; option --fho-aeolian AeolianRelativeDominant, "
        "bVII -> i)"
    ),
    "mixolydian": (
        "Mixolydian dominants (default FHO MixolydianSeventhDominant, bVII -> I; option --fho-mixolydian "
        "MixolydianDominant, v -> I)"
    ),
    "minor_fourth": "minor subdominants resolving to a major chord, iv -> I (FHO ParallelSubdominant, not Subdominant)",
}

BIGRAMS = tuple(itertools.product(LABELS, repeat=2))
TRIGRAMS = tuple(itertools.product(LABELS, repeat=3))
FEATURE_NAMES = (
    *LABELS,
    *(f"bigram_{a}__{b}" for a, b in BIGRAMS),
    *(f"trigram_{a}__{b}__{c}" for a, b, c in TRIGRAMS),
)
UNIT = "ratio"

_PROGRESSION = "over the track's N chords after dropping N and merging repeats; NaN when the track has no chord"


def feature_descriptions() -> dict[str, str]:
    """One definition per feature name, in :data:`FEATURE_NAMES` order."""
    descriptions = {label: f"Share of chords that are {LABEL_DEFINITIONS[label]}, {_PROGRESSION}." for label in LABELS}
    for a, b in BIGRAMS:
        descriptions[f"bigram_{a}__{b}"] = (
            f"Share of consecutive chord pairs whose first chord is {a} and second {b} "
            f"(count / max(N - 1, 1); labels can co-occur), {_PROGRESSION}."
        )
    for a, b, c in TRIGRAMS:
        descriptions[f"trigram_{a}__{b}__{c}"] = (
            f"Share of consecutive chord triples labelled {a}, {b}, {c} "
            f"(count / max(N - 2, 1); labels can co-occur), {_PROGRESSION}."
        )
    return descriptions


CHROMA_SAMPLE_RATE = 11025
"""Rate the built-in chord matcher analyses: harmonics up to 5.5 kHz are plenty for chroma."""

HARMONY_ARTIFACT = "harmony"
