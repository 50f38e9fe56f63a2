"""Resolution of groupings against a catalog or a real store; ablations with ``without``."""

from __future__ import annotations

import json
import textwrap
import warnings
from pathlib import Path

import numpy as np
import pytest

from featurize.grouping import (
    Group,
    Grouping,
    GroupingError,
    GroupingWarning,
    ResolvedGrouping,
    read_grouping,
)
from featurize.grouping.testing import reference_catalog, write_store
from featurize.store import FeatureInfo, FeatureStore

TEXT = """\
name = "mine"
description = "A test grouping"

[groups.Flux]
description = "Band-wise flux"
features = ["essentia.spectral_flux_*"]

[groups.Mood]
description = "Perceived mood"
features = ["midlevel.minorness", "midlevel.dissonance", "midlevel.no_such_feature"]

[groups.Lyrical]
description = "Lyrics"
features = ["lyrics.alliteration", "lyrics.assonance"]
"""


def catalog(*names: str) -> list[FeatureInfo]:
    return [FeatureInfo(n, n.split(".")[0], n, "", "signal processing") for n in names]


@pytest.fixture
def grouping(tmp_path: Path) -> Grouping:
    path = tmp_path / "mine.toml"
    path.write_text(TEXT, encoding="utf-8")
    return read_grouping(path)


@pytest.fixture
def audio_only() -> list[FeatureInfo]:
    return reference_catalog(["essentia", "midlevel"])


def test_columns_follow_group_order_and_globs_expand_in_catalog_order(
    grouping: Grouping, audio_only: list[FeatureInfo]
) -> None:
    with pytest.warns(GroupingWarning):
        resolved = grouping.resolve(audio_only)
    flux = [f.name for f in audio_only if f.name.startswith("essentia.spectral_flux_")]
    assert resolved.group_names == ("Flux", "Mood")
    assert resolved.feature_names == (*flux, "midlevel.minorness", "midlevel.dissonance")
    assert resolved.groups == (tuple(range(5)), (5, 6))
    assert resolved.group_features("Mood") == ("midlevel.minorness", "midlevel.dissonance")
    assert resolved.group_sizes == {"Flux": 5, "Mood": 2}
    assert resolved.origin == grouping.origin


def test_missing_features_are_reported_by_name_never_silently(
    grouping: Grouping, audio_only: list[FeatureInfo]
) -> None:
    with pytest.warns(GroupingWarning):
        resolved = grouping.resolve(audio_only)
    assert resolved.missing["Mood"] == ("midlevel.no_such_feature",)
    assert any("midlevel.no_such_feature" in w and "'Mood'" in w for w in resolved.warnings)


def test_a_group_left_empty_is_dropped_with_a_warning_kept_for_the_report(
    grouping: Grouping, audio_only: list[FeatureInfo]
) -> None:
    with pytest.warns(GroupingWarning, match="group 'Lyrical' of 'mine' dropped") as caught:
        resolved = grouping.resolve(audio_only)
    assert len(caught) == 1
    assert resolved.dropped == ("Lyrical",)
    assert resolved.missing["Lyrical"] == ("lyrics.alliteration", "lyrics.assonance")
    report = resolved.to_dict()
    assert any("'Lyrical'" in w and "dropped" in w for w in report["warnings"])
    assert report["dropped"] == [{"name": "Lyrical", "missing": ["lyrics.alliteration", "lyrics.assonance"]}]


def test_strict_makes_missing_features_errors_naming_file_line_group_and_feature(
    grouping: Grouping, audio_only: list[FeatureInfo]
) -> None:
    with pytest.raises(GroupingError) as caught:
        grouping.resolve(audio_only, strict=True)
    problems = caught.value.problems
    origin = grouping.origin
    assert f"{origin}:10: group 'Mood': feature 'midlevel.no_such_feature': is missing from the store (--strict)" in (
        problems
    )
    assert f"{origin}:14: group 'Lyrical': feature 'lyrics.assonance': is missing from the store (--strict)" in (
        problems
    )
    assert len(problems) == 3


def test_a_glob_that_matches_nothing_names_file_line_group_and_glob(grouping: Grouping) -> None:
    with pytest.raises(GroupingError) as caught:
        grouping.resolve(reference_catalog(["midlevel", "lyrics"]))
    (problem,) = caught.value.problems
    assert problem == (
        f"{grouping.origin}:6: group 'Flux': feature 'essentia.spectral_flux_*': "
        "the glob matches no feature of the store"
    )


def test_a_feature_reaching_two_groups_through_a_glob_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "overlap.toml"
    path.write_text(
        textwrap.dedent("""\
        name = "overlap"
        description = "d"
        [groups.Spectral]
        description = "s"
        features = ["essentia.spectral_*"]
        [groups.Rhythm]
        description = "r"
        features = ["essentia.bpm", "essentia.spectral_flux"]
        """),
        encoding="utf-8",
    )
    with pytest.raises(GroupingError) as caught:
        read_grouping(path).resolve(reference_catalog(["essentia"]))
    (problem,) = caught.value.problems
    assert (
        problem
        == f"{path}:8: group 'Rhythm': feature 'essentia.spectral_flux': is in two groups: 'Spectral' and 'Rhythm'"
    )


def test_overlapping_globs_name_the_glob_that_reached_the_feature() -> None:
    grouping = Grouping(
        "globs",
        "d",
        [Group("A", "a", ["essentia.spectral_flux*"]), Group("B", "b", ["essentia.*_high"])],
        origin="plugin test",
    )
    with pytest.raises(GroupingError) as caught:
        grouping.resolve(reference_catalog(["essentia"]))
    assert (
        "plugin test: group 'B': feature 'essentia.spectral_flux_high': is in two groups: 'A' and 'B' "
        "(through the glob 'essentia.*_high')"
    ) in caught.value.problems


def test_a_catalog_without_any_listed_feature_is_an_error(grouping: Grouping) -> None:
    with pytest.raises(
        GroupingError, match=r"mine\.toml: the store has none of the features of grouping 'mine w/o Flux'$"
    ):
        grouping.without("Flux").resolve(catalog("other.feature"))


def test_without_removes_groups_for_ablations(grouping: Grouping, audio_only: list[FeatureInfo]) -> None:
    ablated = grouping.without("Lyrical")
    assert ablated.group_names == ("Flux", "Mood")
    assert ablated.excluded == ("Lyrical",)
    assert ablated.label == "mine w/o Lyrical"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        resolved = ablated.resolve(audio_only)
    assert resolved.dropped == ()
    assert resolved.excluded == ("Lyrical",)
    assert resolved.to_dict()["excluded"] == ["Lyrical"]
    assert grouping.without("lyrical", "flux").group_names == ("Mood",)


def test_without_an_unknown_group_lists_the_groups(grouping: Grouping) -> None:
    with pytest.raises(GroupingError) as caught:
        grouping.without("Lyrics")
    assert (
        str(caught.value)
        == f"{grouping.origin}: group 'Lyrics': no such group in 'mine'; groups: 'Flux', 'Mood', 'Lyrical'"
    )


def test_without_every_group_is_an_error(grouping: Grouping) -> None:
    with pytest.raises(GroupingError, match="leaves no group"):
        grouping.without("Flux", "Mood", "Lyrical")


def test_to_dict_is_json_and_round_trips(grouping: Grouping, audio_only: list[FeatureInfo]) -> None:
    with pytest.warns(GroupingWarning):
        resolved = grouping.without("Flux").resolve(audio_only)
    data = json.loads(json.dumps(resolved.to_dict()))
    assert data["groups"][0] == {
        "name": "Mood",
        "description": "Perceived mood",
        "features": ["midlevel.minorness", "midlevel.dissonance"],
        "columns": [0, 1],
        "missing": ["midlevel.no_such_feature"],
    }
    assert ResolvedGrouping.from_dict(data) == resolved


def test_groupings_built_in_code_are_checked_and_name_their_origin() -> None:
    with pytest.raises(GroupingError) as caught:
        Grouping("bad", "d", [Group("A", "a", ["x.y"]), Group("B", "b", ["x.y", "nodot"])], origin="plugin bad")
    assert caught.value.problems == (
        "plugin bad: group 'B': feature 'x.y': is in two groups: 'A' and 'B'",
        "plugin bad: group 'B': feature 'nodot': is not a namespaced feature name '<extractor>.<feature>' "
        "(lowercase) nor a glob",
    )
    with pytest.raises(GroupingError, match="plugin empty: grouping 'empty' has no groups"):
        Grouping("empty", "d", [], origin="plugin empty")


def test_resolution_against_a_real_store_selects_the_right_columns(tmp_path: Path, grouping: Grouping) -> None:
    store_path = write_store(tmp_path / "features.h5", reference_catalog(), n_tracks=5)
    with FeatureStore(store_path) as store:
        resolved = grouping.resolve(store.features(), strict=False)
        X, names = store.matrix(list(resolved.feature_names))
        full, all_names = store.matrix()
    assert names == list(resolved.feature_names)
    assert X.shape == (5, len(resolved.feature_names))
    for group, columns in zip(resolved.group_names, resolved.groups, strict=True):
        for column, name in zip(columns, resolved.group_features(group), strict=True):
            np.testing.assert_array_equal(X[:, column], full[:, all_names.index(name)])
    assert resolved.group_sizes == {"Flux": 5, "Mood": 2, "Lyrical": 2}
