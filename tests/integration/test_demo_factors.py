"""The generator's hidden factors are recoverable by the real extractors.

Tempo from Essentia's beat tracker (within 2 %), mode from Essentia's key estimate,
chords from every installed chord provider that needs no downloaded weights, on clean
renders (chord instrument, bass and drums: everything but the singing voice).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

import attrs
import numpy as np
import pytest

from featurize.extraction import Result, TrackContext
from featurize.plugin.manager import PluginManager
from featurize.synth import draw_factors
from featurize.synth.render import RenderedClip, render_clip

SR = 22050
SECONDS = 8.0
PITCHES = {
    "C": 0,
    "C#": 1,
    "Db": 1,
    "D": 2,
    "D#": 3,
    "Eb": 3,
    "E": 4,
    "F": 5,
    "F#": 6,
    "Gb": 6,
    "G": 7,
    "G#": 8,
    "Ab": 8,
    "A": 9,
    "A#": 10,
    "Bb": 10,
    "B": 11,
}


def _clip(index: int, **changes: object) -> RenderedClip:
    factors = attrs.evolve(draw_factors(2024, index), **changes)
    return render_clip(factors, "la li lo", SECONDS, SR, np.random.default_rng(index))


@pytest.fixture(scope="module")
def manager() -> PluginManager:
    return PluginManager()


@pytest.fixture(scope="module")
def essentia(manager: PluginManager) -> Callable[[TrackContext], Result]:
    if "essentia" not in manager.extractors():
        pytest.skip("featurize-essentia is not installed")
    return manager.extractors()["essentia"].factory()


TEMPOS = (92.0, 104.5, 117.0, 128.0, 139.5, 148.0)


@pytest.mark.parametrize(("tempo", "density"), list(zip(TEMPOS, itertools.cycle((1, 2, 4)), strict=False)))
def test_tempo_is_recovered_within_two_percent(essentia: Callable, tempo: float, density: int) -> None:
    clip = _clip(int(tempo), tempo=tempo, drum_density=density)
    bpm = essentia(TrackContext.from_array(clip.mixture, SR)).features["bpm"]
    assert abs(bpm - tempo) / tempo < 0.02, (bpm, tempo)


KEYS = [
    (tonic, mode, kind)
    for tonic, (mode, kind) in zip(
        (0, 3, 7, 10, 2, 5, 8, 11),
        itertools.cycle(itertools.product(("major", "minor"), ("functional", "modal"))),
        strict=False,
    )
]


def test_mode_is_recovered_from_the_key_estimate(essentia: Callable) -> None:
    found = []
    for index, (tonic, mode, kind) in enumerate(KEYS):
        clip = _clip(index, tonic=tonic, mode=mode, progression=kind)
        key = essentia(TrackContext.from_array(clip.mixture, SR)).artifacts["key"].data
        found.append((mode, key["scale"]))
    # Loops such as I-V-vi-V or i-bIII-bVII-v blur the tonic for key profiles; the mode mostly survives.
    assert np.mean([mode == scale for mode, scale in found]) >= 0.75, found


def _chord_providers(manager: PluginManager) -> list[str]:
    return [name for name in ("essentia", "chroma_chords") if name in manager.extractors()]


def _pitch_label(label: str) -> tuple[int, str] | str:
    if label == "N":
        return label
    root, quality = label.split(":")
    return PITCHES[root], quality


@pytest.mark.parametrize("provider", ["essentia", "chroma_chords"])
def test_chords_are_recovered_on_clean_renders(manager: PluginManager, provider: str) -> None:
    if provider not in _chord_providers(manager):
        pytest.skip(f"the chord provider {provider} is not installed")
    extract = manager.extractors()[provider].factory()
    hits = []
    for index, (tonic, mode, kind) in enumerate(KEYS):
        clip = _clip(index, tonic=tonic, mode=mode, progression=kind, tempo=100.0 + 5 * index)
        clean = clip.stems["other"] + clip.stems["bass"] + clip.stems["drums"]
        chords = extract(TrackContext.from_array(clean, SR)).artifacts["chords"]
        for truth in clip.chords[1:-1]:  # estimates start at the first beat and may end before the clip does
            middle = (truth.start + truth.end) / 2
            found = [
                label
                for start, end, label in zip(chords.start, chords.end, chords.labels, strict=True)
                if start <= middle < end
            ]
            hits.append(bool(found) and _pitch_label(found[0]) == _pitch_label(truth.chord.label))
    # Chance is 1 in 25; the recognisers confuse some minor tonics with major ones and miss a few changes.
    assert np.mean(hits) >= 0.75, f"{provider}: {np.mean(hits):.2f} of {len(hits)} chords"


FHO_LABELS = ("dominant", "major_dominant", "mixolydian", "subdominant", "aeolian", "minor_fourth")


def test_progression_families_differ_only_in_their_intended_functions(manager: PluginManager) -> None:
    """Mode shows only in the Aeolian label, progression type only in the dominant ones (FHO on true chords)."""
    from featurize.artifacts import Segments
    from featurize.plugin.descriptors import resolve_params
    from featurize.synth.harmony import TEMPLATES, chord_timeline, progression

    if "fho" not in manager.extractors():
        pytest.skip("featurize-fho is not installed")
    spec = manager.extractors()["fho"]
    fho = spec.factory(**resolve_params("fho", spec.params, None))
    means = {}
    for (mode, kind), loops in TEMPLATES.items():
        rows = []
        for variant in range(len(loops)):
            events = chord_timeline(progression(4, mode, kind, variant)[1], 1.0, 16.0)
            chords = Segments.from_rows([(e.start, e.end, e.chord.label) for e in events])
            features = fho(TrackContext.from_array(np.zeros(64, np.float32), SR, artifacts={"chords": chords})).features
            rows.append([features[label] for label in FHO_LABELS])
        means[(mode, kind)] = dict(zip(FHO_LABELS, np.mean(rows, axis=0), strict=True))
    for kind in ("functional", "modal"):
        for label in ("dominant", "major_dominant", "mixolydian"):
            assert means[("major", kind)][label] == pytest.approx(means[("minor", kind)][label], abs=0.01), label
    for mode in ("major", "minor"):
        for label in ("subdominant", "aeolian", "minor_fourth"):
            assert means[(mode, "functional")][label] == pytest.approx(means[(mode, "modal")][label], abs=0.04), label
        assert means[(mode, "functional")]["major_dominant"] > 0.15 and means[(mode, "modal")]["major_dominant"] == 0
    assert means[("minor", "modal")]["aeolian"] > 0.15 and means[("major", "modal")]["aeolian"] == 0
