"""The fho extractor against the featurize contract, and the plugin's registration."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable

import numpy as np
import pytest

from featurize.artifacts import Record
from featurize.errors import ExtractionError
from featurize.extraction import TrackContext
from featurize_fho.catalog import FEATURE_NAMES, LABELS
from featurize_fho.extractor import harmony_label, parse_harmony_label
from featurize_fho.plugin import CHROMA_CHORDS, FHO

PROGRESSIONS = {
    "I-IV-V-I": ["C:maj", "F:maj", "G:maj", "C:maj"],
    "flats and sevenths": ["Bb:7", "Eb:maj7", "Ab:maj", "Db:maj", "G:min7", "C:7", "F:min"],
    "no chord at all": ["N"],
    "empty": [],
    "one chord": ["A:min"],
    "unmappable only": ["C:dim", "X", "D:sus4"],
}


def test_schema_is_the_documented_one() -> None:
    assert [f.name for f in FHO.features] == list(FEATURE_NAMES)
    assert FEATURE_NAMES[:7] == LABELS and len(FEATURE_NAMES) == 7 + 49 + 343
    assert "bigram_dominant__tonic" in FEATURE_NAMES and "trigram_tonic__aeolian__minor_fourth" in FEATURE_NAMES
    assert all(f.source == "ontology" and f.description for f in FHO.features)


def test_conformance(check_extractor: Callable[..., dict], chord_context: Callable[..., TrackContext]) -> None:
    contexts = {name: (lambda chords=chords: chord_context(chords)) for name, chords in PROGRESSIONS.items()}
    results = check_extractor(FHO, contexts=contexts)
    assert results["I-IV-V-I"].features["dominant"] == 0.75
    assert np.isnan(results["empty"].features["dominant"]) and np.isnan(results["no chord at all"].features["tonic"])
    assert len(results["flats and sevenths"].artifacts["harmony"]) == 7


def test_the_harmony_artifact_keeps_times_of_merged_chords(chord_context: Callable[..., TrackContext]) -> None:
    from featurize_fho.extractor import build_extractor

    result = build_extractor("AeolianDominant", "MixolydianSeventhDominant")(
        chord_context(["C:maj", "N", "C:maj", "G:maj", "C:maj"])
    )
    harmony = result.artifacts["harmony"]
    assert list(harmony.start) == [0.0, 6.0, 8.0] and list(harmony.end) == [6.0, 8.0, 10.0]
    assert [parse_harmony_label(label)[0] for label in harmony.labels] == ["C:maj", "G:maj", "C:maj"]


def test_harmony_labels_round_trip() -> None:
    assert parse_harmony_label(harmony_label("G:maj", ["dominant", "major_dominant"])) == (
        "G:maj",
        ("dominant", "major_dominant"),
    )
    assert harmony_label("A:min", []) == "A:min|" and parse_harmony_label("A:min|") == ("A:min", ())


def test_a_chords_artifact_of_the_wrong_kind_names_the_file() -> None:
    from featurize_fho.extractor import build_extractor

    context = TrackContext.from_array(np.zeros(8), 8000, track_id="odd", artifacts={"chords": Record({"key": "C"})})
    with pytest.raises(ExtractionError, match=r"<odd>.*Record"):
        build_extractor("AeolianDominant", "MixolydianSeventhDominant")(context)


def test_both_extractors_are_registered(installed_extractor: Callable[[str], object]) -> None:
    assert installed_extractor("fho") is not None
    chroma = installed_extractor("chroma_chords")
    assert chroma.priority == 0 and chroma.artifact_names == ["chords"] and not chroma.features  # type: ignore[attr-defined]
    assert CHROMA_CHORDS.audio_inputs[0].sr == 11025


def test_the_plugin_module_imports_nothing_heavy() -> None:
    heavy = {"numpy", "scipy", "rdflib", "owlrl"}
    code = f"import featurize_fho.plugin, sys; print(sorted({heavy!r} & set(sys.modules)))"
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert output.strip() == "[]"
