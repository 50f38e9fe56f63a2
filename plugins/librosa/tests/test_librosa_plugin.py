"""The declaration: the essentia extractor's names where the family exists, descriptions, light entry point."""

from __future__ import annotations

import subprocess
import sys

from featurize.plugin.descriptors import AudioInput, ExtractorSpec, Source

BANDS = ("low", "middle_low", "middle", "middle_high", "high")
CHROMA = ("c", "c_sharp", "d", "d_sharp", "e", "f", "f_sharp", "g", "g_sharp", "a", "a_sharp", "b")


def expected_names() -> set[str]:
    """Canonical essentia names of the families the brief lists for librosa, plus ``rms``."""
    names = {"spectral_centroid", "spectral_spread", "spectral_skewness", "spectral_kurtosis", "spectral_rolloff"}
    names |= {"zero_crossing_rate", "onset_rate", "bpm", "loudness", "dynamic_complexity", "rms"}
    for stem in ("spectral_flux", "spectral_flatness", "pulse_clarity"):
        names |= {f"{stem}_{band}" for band in BANDS} | {stem}
    names |= {f"spectral_energyband_{band}" for band in BANDS} | {"spectral_energy"}
    names |= {f"chroma_{pitch}" for pitch in CHROMA} | {f"mfcc_{k}" for k in range(1, 14)}
    return names


def test_declares_the_shared_families_under_the_canonical_names(spec: ExtractorSpec) -> None:
    declared = [feature.name for feature in spec.features]
    assert len(declared) == len(set(declared)) == 60
    assert set(declared) == expected_names()


def test_every_feature_is_described_with_its_unit(spec: ExtractorSpec) -> None:
    for feature in spec.features:
        assert len(feature.description) > 40, feature.name
        assert feature.source is Source.SIGNAL
    units = {feature.name: feature.unit for feature in spec.features}
    assert (units["spectral_centroid"], units["spectral_spread"], units["bpm"]) == ("Hz", "Hz²", "BPM")


def test_declares_22050_mono_audio_and_no_artifacts(spec: ExtractorSpec) -> None:
    assert (spec.name, spec.requires, spec.artifacts, spec.params) == (
        "librosa",
        (AudioInput(sr=22050, mono=True),),
        (),
        (),
    )


def test_registered_through_the_entry_point(installed_extractor) -> None:  # type: ignore[no-untyped-def]
    assert installed_extractor("librosa").distribution.startswith("featurize-librosa==")


def test_the_entry_point_module_imports_no_librosa() -> None:
    code = "import sys, featurize_librosa.plugin as p; p.featurize_extractors(); print('librosa' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
