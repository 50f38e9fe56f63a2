"""The declaration: canonical names, complete descriptions, registration, and an import-light entry point."""

from __future__ import annotations

import subprocess
import sys

from featurize.plugin.descriptors import ArtifactKind, AudioInput, ExtractorSpec, Source

BANDS = ("low", "middle_low", "middle", "middle_high", "high")
SINGLE_VALUES = [
    "danceability",
    "loudness",
    "chords_changes_rate",
    "chords_number_rate",
    "dynamic_complexity",
    "zero_crossing_rate",
    "pitch_salience",
    "spectral_centroid",
    "spectral_complexity",
    "spectral_decrease",
    "spectral_entropy",
    "spectral_kurtosis",
    "spectral_rolloff",
    "spectral_spread",
    "onset_rate",
    "spectral_rms",
    "spectral_skewness",
    "bpm",
    "key_strength",
    "chords_strength",
    "meter",
]
CHROMA = ["c", "c_sharp", "d", "d_sharp", "e", "f", "f_sharp", "g", "g_sharp", "a", "a_sharp", "b"]


def canonical_names() -> set[str]:
    """The project's list of essentia features (briefs/names.md), rebuilt family by family."""
    names = set(SINGLE_VALUES)
    names |= {f"spectral_flux_{b}" for b in BANDS} | {"spectral_flux"}
    names |= {f"spectral_energyband_{b}" for b in BANDS} | {"spectral_energy"}
    names |= {f"pulse_clarity_{b}" for b in BANDS} | {"pulse_clarity"}
    names |= {"attack_slope_middle", "attack_slope_middle_high", "attack_slope_high"}
    names |= {f"attack_time_{b}" for b in BANDS} | {"attack_time"}
    names |= {f"spectral_flatness_{b}" for b in BANDS} | {"spectral_flatness"}
    names |= {f"entropy_clarity_{b}" for b in BANDS} | {"entropy_clarity"}
    names |= {f"chroma_{pitch}" for pitch in CHROMA}
    names |= {f"mfcc_{k}" for k in range(1, 14)}
    return names


def test_declares_the_85_canonical_features(spec: ExtractorSpec) -> None:
    declared = [feature.name for feature in spec.features]
    assert len(declared) == 85
    assert set(declared) == canonical_names()


def test_every_feature_is_described_with_a_unit_field_and_signal_source(spec: ExtractorSpec) -> None:
    for feature in spec.features:
        assert len(feature.description) > 40, feature.name
        assert feature.source is Source.SIGNAL
        assert isinstance(feature.unit, str)
    units = {feature.name: feature.unit for feature in spec.features}
    assert units["spectral_centroid"] == "Hz"
    assert units["bpm"] == "BPM"
    assert units["attack_time_low"] == "s"


def test_declares_audio_at_44100_mono_and_the_chords_and_key_artifacts(spec: ExtractorSpec) -> None:
    assert spec.name == "essentia"
    assert spec.requires == (AudioInput(sr=44100, mono=True),)
    assert {a.name: a.kind for a in spec.artifacts} == {"chords": ArtifactKind.SEGMENTS, "key": ArtifactKind.RECORD}
    assert spec.priority == 5
    assert spec.params == ()


def test_registered_through_the_entry_point(installed_extractor) -> None:  # type: ignore[no-untyped-def]
    found = installed_extractor("essentia")
    assert found.distribution.startswith("featurize-essentia==")
    assert len(found.features) == 85


def test_the_entry_point_module_imports_no_essentia() -> None:
    code = "import sys, featurize_essentia.plugin as p; p.featurize_extractors(); print('essentia' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
