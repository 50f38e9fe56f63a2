"""Tag rules over the hidden factors, their balance on a corpus, and the label-noise rate."""

from __future__ import annotations

import attrs
import numpy as np
import pytest

from featurize.synth import TAG_RULES, TAGS, SynthConfig, draw_factors, synthesize
from featurize.synth.factors import Factors
from featurize.synth.tags import clean_tags, noisy_tags, tag_table

BASE = attrs.evolve(
    draw_factors(0, 0),
    mode="major",
    progression="modal",
    tempo=100.0,
    drum_density=1,
    brightness=0.2,
    attack=0.1,
    register="mid",
    rhyme=False,
    alliteration=False,
)


def test_base_clip_has_no_tag() -> None:
    assert clean_tags(BASE) == dict.fromkeys(TAGS, 0)


@pytest.mark.parametrize(
    ("changes", "tag"),
    [
        ({"brightness": 0.5}, "bright"),
        ({"drum_density": 4}, "energetic"),
        ({"drum_density": 2, "tempo": 120.0}, "energetic"),
        ({"mode": "minor"}, "dark"),
        ({"mode": "minor", "register": "high"}, "dark"),
        ({"progression": "functional"}, "tense"),
        ({"attack": 0.5}, "smooth"),
        ({"rhyme": True}, "poetic"),
        ({"alliteration": True}, "poetic"),
    ],
)
def test_each_rule_fires_on_its_own_factors(changes: dict, tag: str) -> None:
    tags = clean_tags(attrs.evolve(BASE, **changes))
    assert tags == {t: int(t == tag) for t in TAGS}


@pytest.mark.parametrize(
    "changes",
    [
        {"brightness": 0.49},
        {"drum_density": 2, "tempo": 119.0},
        {"attack": 0.49},
        {"repetitive": True, "word_rate": 3.0},
        {"tempo": 150.0},
        {"register": "low"},
    ],
)
def test_rules_do_not_fire_below_their_thresholds_or_on_other_factors(changes: dict) -> None:
    assert clean_tags(attrs.evolve(BASE, **changes)) == dict.fromkeys(TAGS, 0)


def test_every_tag_names_its_causes() -> None:
    fields = {f.name for f in attrs.fields(Factors)}
    table = tag_table()
    for rule in TAG_RULES:
        assert set(rule.factors) <= fields and rule.markers
        assert set(rule.groups) == {"user-friendly", "domain-expert"}
        assert table[rule.name]["groups"] == dict(rule.groups)


def test_tags_are_balanced_and_independent_over_many_clips() -> None:
    labels = np.array([list(clean_tags(draw_factors(1, i)).values()) for i in range(2000)])
    rates = labels.mean(axis=0)
    assert np.all((rates > 0.25) & (rates < 0.7)), dict(zip(TAGS, rates, strict=True))
    correlation = np.corrcoef(labels.T)
    assert np.max(np.abs(correlation - np.eye(len(TAGS)))) < 0.1


@pytest.mark.parametrize("noise", [0.0, 0.1, 0.3])
def test_label_noise_flips_at_the_requested_rate(noise: float) -> None:
    rng = np.random.default_rng(0)
    clean = dict.fromkeys(TAGS, 1)
    flips = sum(6 - sum(noisy_tags(clean, noise, rng).values()) for _ in range(5000)) / (5000 * len(TAGS))
    assert abs(flips - noise) < 4 * np.sqrt(max(noise * (1 - noise), 1e-9) / 30000) + 1e-12


def test_corpus_labels_are_clean_tags_with_noise() -> None:
    config = SynthConfig(clips=40, duration=1.0, label_noise=0.25, seed=5)
    clips = [synthesize(config, i) for i in range(40)]
    assert all(c.clean_tags == clean_tags(c.factors) for c in clips)
    disagreements = sum(c.tags[t] != c.clean_tags[t] for c in clips for t in TAGS)
    assert 0 < disagreements < 0.45 * 40 * len(TAGS)
    noiseless = [synthesize(attrs.evolve(config, label_noise=0.0), i) for i in range(3)]
    assert all(c.tags == c.clean_tags for c in noiseless)
