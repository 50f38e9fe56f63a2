"""The domain-expert grouping: registered, faithful to SAMAT, and fully resolvable on the SAMAT features."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from featurize.grouping import Grouping, catalog_from_specs, load_grouping
from featurize.grouping.testing import reference_catalog, write_store
from featurize.plugin.manager import PluginManager
from featurize.store import FeatureStore

SIZES = {"Spectral": 10, "Harmonic": 11, "Rhythmic": 4, "Sound Shaping": 8, "Lyrical": 9}
SAMAT_EXTRACTORS = ("essentia", "midlevel", "fho", "lyrics")


@pytest.fixture(scope="module")
def manager() -> PluginManager:
    return PluginManager()


@pytest.fixture(scope="module")
def grouping(manager: PluginManager) -> Grouping:
    return load_grouping("domain-expert", manager=manager)


def test_it_is_registered_through_its_entry_point(manager: PluginManager) -> None:
    spec = manager.groupings()["domain-expert"]
    assert spec.distribution.startswith("featurize-grouping-domain-expert==")
    assert "musicologists" in spec.description


def test_it_resolves_fully_against_a_store_of_every_samat_feature(tmp_path: Path, grouping: Grouping) -> None:
    path = write_store(tmp_path / "features.h5", reference_catalog(SAMAT_EXTRACTORS), n_tracks=2)
    with FeatureStore(path) as store:
        resolved = grouping.resolve(store.features(), strict=True)
    assert resolved.group_sizes == SIZES
    assert len(resolved.feature_names) == 42
    assert (resolved.dropped, dict(resolved.missing), resolved.warnings) == ((), {}, ())


def test_members_are_the_papers(grouping: Grouping) -> None:
    members = {g.name: set(g.features) for g in grouping.groups}
    assert members["Rhythmic"] == {
        "essentia.danceability",
        "essentia.pulse_clarity",
        "midlevel.rhythmic_complexity",
        "midlevel.rhythmic_stability",
    }
    assert "midlevel.dissonance" in members["Harmonic"]
    assert {f"fho.{c}" for c in ("subdominant", "dominant", "mixolydian", "aeolian", "major_dominant")} <= members[
        "Harmonic"
    ]
    assert "fho.tonic" not in set().union(*members.values())
    assert all(n.startswith("essentia.spectral_") for n in members["Spectral"])


def test_every_audio_feature_is_also_in_the_user_friendly_grouping(manager: PluginManager, grouping: Grouping) -> None:
    if "user-friendly" not in manager.groupings():
        pytest.skip("featurize-grouping-user-friendly is not installed")
    friendly = set().union(*(g.features for g in load_grouping("user-friendly", manager=manager).groups))
    audio = set().union(*(g.features for g in grouping.without("Lyrical").groups))
    assert audio <= friendly


def test_without_lyrical_is_the_audio_only_variant(grouping: Grouping) -> None:
    resolved = grouping.without("Lyrical").resolve(reference_catalog(SAMAT_EXTRACTORS), strict=True)
    assert len(resolved.feature_names) == 33


def test_it_resolves_against_the_installed_extractors_declarations(manager: PluginManager, grouping: Grouping) -> None:
    extractors = manager.extractors()
    absent = [name for name in SAMAT_EXTRACTORS if name not in extractors]
    if absent:
        pytest.skip(f"extractor plugins not installed: {', '.join(absent)}")
    catalog = catalog_from_specs(extractors[name] for name in SAMAT_EXTRACTORS)
    assert grouping.resolve(catalog, strict=True).group_sizes == SIZES


def test_the_entry_point_module_imports_nothing_heavy() -> None:
    code = (
        "import sys, featurize_grouping_domain_expert.plugin as p; p.featurize_groupings(); "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'numpy', 'h5py', 'torch', 'essentia'}))"
    )
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout == "[]\n"
