"""The by-source grouping: one group per declared extraction method, for any extractor."""

from __future__ import annotations

import subprocess
import sys

import pytest

from featurize import ExtractorSpec, Feature
from featurize.catalog import FeatureInfo
from featurize.grouping import GroupingError, load_grouping
from featurize.grouping.testing import REFERENCE_FEATURES, plugin_manager_with, reference_catalog
from featurize_grouping_by_source.sources import build

THIRD_PARTY = ExtractorSpec(
    name="thirdparty",
    version="1",
    description="An extractor from another repository",
    factory=lambda: None,
    features=[
        Feature("groove", "Groove from a network", "deep learning"),
        Feature("roughness", "Roughness from the spectrum", "signal processing"),
        Feature("sentiment", "Sentiment of the lyrics", "nlp"),
    ],
)


def test_it_is_registered_through_its_entry_point() -> None:
    manager = plugin_manager_with(installed=True)
    spec = manager.groupings()["by-source"]
    assert spec.distribution.startswith("featurize-grouping-by-source==")
    assert "extraction method" in spec.description


def test_one_group_per_source_over_the_samat_features() -> None:
    catalog = reference_catalog()
    resolved = build(catalog).resolve(catalog, strict=True)
    assert resolved.group_sizes == {
        "Signal Processing": 85,
        "Deep Learning": 7,
        "Ontology": len(REFERENCE_FEATURES["fho"][1]),
        "NLP": 10,
    }
    assert len(resolved.feature_names) == len(catalog)


def test_installed_third_party_extractors_are_covered_by_their_declared_source() -> None:
    manager = plugin_manager_with(extractors=[THIRD_PARTY], installed=True)
    groups = {g.name: g.features for g in load_grouping("by-source", manager=manager).groups}
    assert "thirdparty.groove" in groups["Deep Learning"]
    assert "thirdparty.roughness" in groups["Signal Processing"]
    assert "thirdparty.sentiment" in groups["NLP"]
    assert "Ontology" not in groups or not any(f.startswith("thirdparty.") for f in groups["Ontology"])


def test_a_store_catalog_takes_precedence_and_groups_appear_in_source_order() -> None:
    catalog = [
        FeatureInfo("lyrics.a", "lyrics", "a", "", "nlp"),
        FeatureInfo("essentia.b", "essentia", "b", "", "signal processing"),
        FeatureInfo("future.c", "future", "c", "", "quantum"),
    ]
    grouping = load_grouping("by-source", manager=plugin_manager_with(installed=True), catalog=catalog)
    assert grouping.group_names == ("Signal Processing", "NLP", "quantum")
    assert grouping.groups[2].features == ("future.c",)
    assert grouping.origin == "plugin by-source"


def test_nothing_to_group_is_an_error() -> None:
    with pytest.raises(GroupingError, match="plugin by-source: no features to group"):
        build([])


def test_the_entry_point_module_imports_nothing_heavy() -> None:
    code = (
        "import sys, featurize_grouping_by_source.plugin as p; p.featurize_groupings(); "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'numpy', 'h5py', 'torch', 'essentia'}))"
    )
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout == "[]\n"
