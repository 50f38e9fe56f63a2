"""The random grouping: reproducible from its seed, balanced, a partition of the catalog."""

from __future__ import annotations

import subprocess
import sys

import pytest

from featurize.catalog import FeatureInfo
from featurize.grouping import GroupingError, load_grouping
from featurize.grouping.testing import plugin_manager_with, reference_catalog
from featurize_grouping_random.assignment import build


def catalog_of(n: int) -> list[FeatureInfo]:
    return [FeatureInfo(f"x.f{i}", "x", "", "", "signal processing") for i in range(n)]


def test_it_is_registered_with_its_parameters() -> None:
    spec = plugin_manager_with(installed=True).groupings()["random"]
    assert spec.distribution.startswith("featurize-grouping-random==")
    assert {p.name: p.default for p in spec.params} == {"n_groups": 5, "seed": 0}


def test_same_seed_same_grouping_other_seed_other_grouping() -> None:
    catalog = reference_catalog()
    assert build(catalog, seed=7) == build(catalog, seed=7)
    assert build(catalog, seed=7).groups != build(catalog, seed=8).groups


def test_the_draw_does_not_depend_on_catalog_order() -> None:
    catalog = reference_catalog()
    forward = {g.name: set(g.features) for g in build(catalog, seed=3).groups}
    backward = {g.name: set(g.features) for g in build(catalog[::-1], seed=3).groups}
    assert forward == backward


def test_the_draw_is_pinned_across_versions() -> None:
    """SHA-256 ordering, not a library generator: this exact assignment must never change."""
    groups = build(catalog_of(6), n_groups=3, seed=0).groups
    assert [g.features for g in groups] == [("x.f0", "x.f4"), ("x.f2", "x.f5"), ("x.f1", "x.f3")]


def test_default_is_five_groups_through_the_plugin() -> None:
    catalog = reference_catalog(["essentia", "midlevel", "lyrics"])
    grouping = load_grouping("random", manager=plugin_manager_with(installed=True), catalog=catalog)
    resolved = grouping.resolve(catalog, strict=True)
    assert resolved.group_names == ("Random 1", "Random 2", "Random 3", "Random 4", "Random 5")
    assert sorted(resolved.group_sizes.values()) == [20, 20, 20, 21, 21]


def test_cli_style_string_parameters_are_accepted() -> None:
    catalog = reference_catalog(["midlevel"])
    grouping = load_grouping(
        "random", manager=plugin_manager_with(installed=True), catalog=catalog, n_groups="3", seed="11"
    )
    assert grouping == build(catalog, n_groups=3, seed=11)


CASES = [(n, k, seed) for n in range(1, 41) for k in range(1, n + 1) for seed in (0, 1)] + [
    (501, k, seed) for k in (1, 2, 5, 7, 100, 500, 501) for seed in (0, 123456789)
]


def test_groups_are_balanced_and_partition_the_catalog() -> None:
    """Every (features, groups) pair up to 40 features, and a SAMAT-sized catalog, with two seeds each."""
    for n, n_groups, seed in CASES:
        catalog = catalog_of(n)
        groups = build(catalog, n_groups=n_groups, seed=seed).groups
        sizes = [len(g.features) for g in groups]
        assert len(groups) == n_groups, (n, n_groups, seed)
        assert max(sizes) - min(sizes) <= 1, (n, n_groups, seed)
        assert sorted(f for g in groups for f in g.features) == sorted(info.name for info in catalog)
        position = {info.name: i for i, info in enumerate(catalog)}
        assert all([position[f] for f in g.features] == sorted(position[f] for f in g.features) for g in groups)


def test_the_draw_spreads_features_over_the_groups() -> None:
    """Not a fixed pattern: each of 5 groups takes close to a fifth of every extractor's features."""
    catalog = reference_catalog(["essentia", "fho"])
    for seed in range(3):
        for group in build(catalog, seed=seed).groups:
            share = sum(f.startswith("fho.") for f in group.features) / len(group.features)
            assert 0.65 < share < 0.95, (seed, group.name, share)


@pytest.mark.parametrize("n_groups", [0, 4])
def test_impossible_group_counts_are_errors(n_groups: int) -> None:
    with pytest.raises(GroupingError, match=rf"plugin random: n_groups must be between 1 and .* \(3\), got {n_groups}"):
        build(catalog_of(3), n_groups=n_groups)


def test_the_entry_point_module_imports_nothing_heavy() -> None:
    code = (
        "import sys, featurize_grouping_random.plugin as p; p.featurize_groupings(); "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'numpy', 'h5py', 'torch', 'essentia'}))"
    )
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout == "[]\n"
