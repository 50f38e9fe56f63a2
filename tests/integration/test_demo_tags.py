"""Each tag's marker features lie in exactly its causal group of the installed semantic groupings."""

from __future__ import annotations

import pytest

from featurize.grouping import catalog_from_specs, load_grouping
from featurize.plugin.manager import PluginManager
from featurize.synth import TAG_RULES


@pytest.mark.parametrize("grouping", ["user-friendly", "domain-expert"])
def test_markers_sit_in_the_causal_group_only(grouping: str) -> None:
    manager = PluginManager()
    if grouping not in manager.groupings():
        pytest.skip(f"the {grouping} grouping is not installed")
    groups = load_grouping(grouping, manager=manager).groups
    members = {group.name: set(group.features) for group in groups}
    for rule in TAG_RULES:
        causal = rule.groups[grouping]
        assert causal in members, f"{rule.name}: no group {causal!r} in {grouping}"
        for marker in rule.markers:
            holders = [name for name, features in members.items() if marker in features]
            assert holders == [causal], f"{rule.name}: {marker} is in {holders}, expected [{causal!r}]"


def test_markers_are_declared_by_the_plugins_that_compute_them() -> None:
    manager = PluginManager()
    catalog = {info.name for info in catalog_from_specs(manager.extractors().values())}
    extractors = {name.split(".")[0] for rule in TAG_RULES for name in rule.markers}
    for rule in TAG_RULES:
        for marker in rule.markers:
            if marker.split(".")[0] in manager.extractors():
                assert marker in catalog, f"{rule.name}: {marker} is not a declared feature"
    assert extractors == {"essentia", "fho", "lyrics", "midlevel"}
