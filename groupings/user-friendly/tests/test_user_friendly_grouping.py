"""The user-friendly grouping: registered, faithful to SAMAT, and fully resolvable on the SAMAT features."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from featurize.grouping import Grouping, catalog_from_specs, load_grouping
from featurize.grouping.testing import REFERENCE_FEATURES, reference_catalog, write_store
from featurize.plugin.manager import PluginManager
from featurize.store import FeatureStore

SIZES = {
    "Brightness & Sharpness": 9,
    "Danceability & Rhythm": 9,
    "Tension & Complexity": 12,
    "Acoustic Smoothness": 28,
    "Lyrical": 9,
}
SAMAT_EXTRACTORS = ("essentia", "midlevel", "fho", "lyrics")


@pytest.fixture(scope="module")
def manager() -> PluginManager:
    return PluginManager()


@pytest.fixture(scope="module")
def grouping(manager: PluginManager) -> Grouping:
    return load_grouping("user-friendly", manager=manager)


def test_it_is_registered_through_its_entry_point(manager: PluginManager) -> None:
    spec = manager.groupings()["user-friendly"]
    assert spec.distribution.startswith("featurize-grouping-user-friendly==")
    assert "without musical training" in spec.description


def test_it_resolves_fully_against_a_store_of_every_samat_feature(tmp_path: Path, grouping: Grouping) -> None:
    path = write_store(tmp_path / "features.h5", reference_catalog(SAMAT_EXTRACTORS), n_tracks=2)
    with FeatureStore(path) as store:
        resolved = grouping.resolve(store.features(), strict=True)
    assert resolved.group_sizes == SIZES
    assert len(resolved.feature_names) == 67
    assert (resolved.dropped, dict(resolved.missing), resolved.warnings) == ((), {}, ())


def test_members_are_the_papers(grouping: Grouping) -> None:
    members = {g.name: set(g.features) for g in grouping.groups}
    assert "midlevel.dissonance" in members["Tension & Complexity"]
    assert {"fho.major_dominant", "fho.mixolydian", "fho.dominant", "essentia.bpm"} <= members["Tension & Complexity"]
    assert {"fho.aeolian", "fho.minor_fourth", "fho.subdominant"} <= members["Acoustic Smoothness"]
    assert {f"essentia.spectral_flux_{b}" for b in ("middle_high", "high")} <= members["Brightness & Sharpness"]
    assert members["Lyrical"] == {f"lyrics.{n}" for n in REFERENCE_FEATURES["lyrics"][1] if n != "oov_rate"}
    everything = set().union(*members.values())
    essentia = {n for n in everything if n.startswith("essentia.")}
    assert len(essentia) == 45
    assert not {n for n in everything if any(k in n for k in ("attack_slope", "tonic", "chroma", "mfcc", "skewness"))}


def test_without_lyrical_is_the_audio_only_variant(grouping: Grouping) -> None:
    resolved = grouping.without("Lyrical").resolve(reference_catalog(SAMAT_EXTRACTORS), strict=True)
    assert len(resolved.feature_names) == 58
    assert resolved.group_names == tuple(SIZES)[:4]


def test_it_resolves_against_the_installed_extractors_declarations(manager: PluginManager, grouping: Grouping) -> None:
    extractors = manager.extractors()
    absent = [name for name in SAMAT_EXTRACTORS if name not in extractors]
    if absent:
        pytest.skip(f"extractor plugins not installed: {', '.join(absent)}")
    catalog = catalog_from_specs(extractors[name] for name in SAMAT_EXTRACTORS)
    assert grouping.resolve(catalog, strict=True).group_sizes == SIZES


def test_the_entry_point_module_imports_nothing_heavy() -> None:
    code = (
        "import sys, featurize_grouping_user_friendly.plugin as p; p.featurize_groupings(); "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'numpy', 'h5py', 'torch', 'essentia'}))"
    )
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout == "[]\n"
