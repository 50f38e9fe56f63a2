"""Tags derived from the hidden factors by documented rules, with controlled label noise.

Each tag has one rule over the factors, the factors it depends on, the *marker features*
through which those factors reach the extracted features, and the group of each semantic
grouping that holds all of its markers: the group an explanation should rank first.
Markers were chosen so that each lies in exactly that one group of the user-friendly and
of the domain-expert grouping (see docs/demo.md for the reasoning per tag).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import attrs
import numpy as np

from featurize.synth.factors import Factors

BRIGHT_THRESHOLD = 0.5
ENERGETIC_ONSETS = 4.0
"""Hi-hat strokes per second from which a clip is energetic."""
SOFT_ATTACK = 0.5


@attrs.frozen
class TagRule:
    """How one tag follows from the factors, and where its explanation should point."""

    name: str
    rule: str
    """The rule in words."""
    factors: tuple[str, ...]
    """The :class:`~featurize.synth.factors.Factors` fields the rule reads."""
    markers: tuple[str, ...]
    """Namespaced features that carry those factors."""
    groups: Mapping[str, str]
    """Grouping name -> the group that causes the tag."""
    applies: Callable[[Factors], bool] = attrs.field(repr=False)


def _groups(user_friendly: str, domain_expert: str) -> dict[str, str]:
    return {"user-friendly": user_friendly, "domain-expert": domain_expert}


TAG_RULES: tuple[TagRule, ...] = (
    TagRule(
        "bright",
        f"brightness >= {BRIGHT_THRESHOLD} (a spectral resonance above 2 kHz)",
        ("brightness",),
        ("essentia.spectral_centroid", "essentia.spectral_rolloff"),
        _groups("Brightness & Sharpness", "Spectral"),
        lambda f: f.brightness >= BRIGHT_THRESHOLD,
    ),
    TagRule(
        "energetic",
        f"tempo / 60 * drum_density >= {ENERGETIC_ONSETS} hi-hat strokes per second",
        ("tempo", "drum_density"),
        ("essentia.onset_rate",),
        _groups("Danceability & Rhythm", "Sound Shaping"),
        lambda f: f.onsets_per_second >= ENERGETIC_ONSETS,
    ),
    TagRule(
        "dark",
        "mode is minor",
        ("mode",),
        ("fho.aeolian", "fho.minor_fourth", "midlevel.minorness"),
        _groups("Acoustic Smoothness", "Harmonic"),
        lambda f: f.mode == "minor",
    ),
    TagRule(
        "tense",
        "progression is functional (dominant V -> I cadences)",
        ("progression",),
        ("fho.dominant", "fho.major_dominant", "fho.mixolydian"),
        _groups("Tension & Complexity", "Harmonic"),
        lambda f: f.progression == "functional",
    ),
    TagRule(
        "smooth",
        f"attack >= {SOFT_ATTACK} (slow attacks of the pitched instruments)",
        ("attack",),
        ("essentia.attack_time",),
        _groups("Acoustic Smoothness", "Sound Shaping"),
        lambda f: f.attack >= SOFT_ATTACK,
    ),
    TagRule(
        "poetic",
        "the lyrics rhyme or alliterate",
        ("rhyme", "alliteration"),
        ("lyrics.alliteration", "lyrics.rhyme_density"),
        _groups("Lyrical", "Lyrical"),
        lambda f: f.rhyme or f.alliteration,
    ),
)
"""The tags of the corpus, in column order."""

TAGS: tuple[str, ...] = tuple(rule.name for rule in TAG_RULES)


def clean_tags(factors: Factors) -> dict[str, int]:
    """Tags exactly as the rules give them."""
    return {rule.name: int(rule.applies(factors)) for rule in TAG_RULES}


def noisy_tags(clean: Mapping[str, int], noise: float, rng: np.random.Generator) -> dict[str, int]:
    """``clean`` with each tag flipped independently with probability ``noise``."""
    flips = rng.random(len(clean)) < noise
    return {name: int(value) ^ int(flip) for (name, value), flip in zip(clean.items(), flips, strict=True)}


def tag_table() -> dict[str, dict[str, object]]:
    """The rules as JSON-able records, for the manifest and the demo report."""
    return {
        rule.name: {
            "rule": rule.rule,
            "factors": list(rule.factors),
            "markers": list(rule.markers),
            "groups": dict(rule.groups),
        }
        for rule in TAG_RULES
    }
