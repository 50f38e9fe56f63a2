"""Finding groupings by name or path, plugin parameters, catalogs built from extractor declarations."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from featurize import ExtractorSpec, Feature, GroupingSpec, Param
from featurize.grouping import (
    Group,
    Grouping,
    GroupingError,
    catalog_from_specs,
    load_grouping,
    packaged_grouping,
    resolve_grouping,
)
from featurize.grouping.testing import plugin_manager_with, reference_catalog
from featurize.store import FeatureInfo

TOML = """\
name = "file-grouping"
description = "From a file"

[groups.Only]
description = "o"
features = ["midlevel.*"]
"""


def extractor(name: str, *features: tuple[str, str]) -> ExtractorSpec:
    return ExtractorSpec(
        name=name,
        version="1",
        description=f"{name} for tests",
        factory=lambda: None,
        features=[Feature(f, f"{f} of {name}", source, unit="Hz") for f, source in features],
    )


def computed(catalog: Sequence[FeatureInfo], *, size: int = 2, label: str = "G", flag: bool = False) -> Grouping:
    """A computed grouping whose groups record the parameters and catalog it was built from."""
    names = [info.name for info in catalog]
    chunks = [names[i : i + size] for i in range(0, len(names), size)]
    return Grouping("chunks", f"flag={flag}", [Group(f"{label}{i}", "chunk", c) for i, c in enumerate(chunks)])


CHUNKS = GroupingSpec(
    name="chunks",
    description="Consecutive chunks of features",
    build=computed,
    params=(
        Param("size", 2, "Features per group.", type="int"),
        Param("label", "G", "Group name prefix."),
        Param("flag", False, "A switch.", type="bool"),
    ),
)
THIRD_PARTY = extractor("wobbler", ("wobble", "signal processing"), ("mood", "deep learning"), ("gloom", "nlp"))


def test_a_toml_path_loads_the_file(tmp_path: Path) -> None:
    path = tmp_path / "g.toml"
    path.write_text(TOML, encoding="utf-8")
    grouping = load_grouping(str(path), manager=plugin_manager_with())
    assert (grouping.name, grouping.origin) == ("file-grouping", str(path))


def test_an_existing_file_without_the_toml_suffix_is_a_toml_grouping(tmp_path: Path) -> None:
    path = tmp_path / "grouping.cfg"
    path.write_text(TOML, encoding="utf-8")
    assert load_grouping(str(path), manager=plugin_manager_with()).name == "file-grouping"


def test_a_missing_toml_path_is_not_looked_up_as_a_plugin(tmp_path: Path) -> None:
    missing = tmp_path / "absent.toml"
    with pytest.raises(GroupingError, match=f"^{missing}: no such grouping file$"):
        load_grouping(str(missing), manager=plugin_manager_with(groupings=[CHUNKS]))


def test_toml_groupings_take_no_parameters(tmp_path: Path) -> None:
    path = tmp_path / "g.toml"
    path.write_text(TOML, encoding="utf-8")
    with pytest.raises(GroupingError, match="takes no parameters"):
        load_grouping(str(path), seed=3)


def test_an_unknown_name_lists_the_available_groupings() -> None:
    with pytest.raises(GroupingError) as caught:
        load_grouping("user-frendly", manager=plugin_manager_with(groupings=[CHUNKS]))
    assert str(caught.value) == "unknown grouping 'user-frendly': not a .toml file nor an installed grouping (chunks)"


def test_plugin_parameters_are_filled_and_converted_from_strings() -> None:
    manager = plugin_manager_with(groupings=[CHUNKS])
    catalog = reference_catalog(["midlevel"])
    default = load_grouping("chunks", manager=manager, catalog=catalog)
    assert [len(g.features) for g in default.groups] == [2, 2, 2, 1]
    assert default.origin.startswith("plugin featurize_grouping_test_components_")
    given = load_grouping("chunks", manager=manager, catalog=catalog, size="3", label="P", flag="yes")
    assert given.group_names == ("P0", "P1", "P2")
    assert given.description == "flag=True"


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"sise": 3}, r"'grouping chunks' has no parameter\(s\) sise"),
        ({"size": "three"}, r"grouping 'chunks': parameter 'size' wants a value of type int, got 'three'"),
        ({"flag": "maybe"}, r"grouping 'chunks': parameter 'flag' wants a value of type bool, got 'maybe'"),
    ],
)
def test_bad_plugin_parameters_are_errors(params: dict[str, object], message: str) -> None:
    with pytest.raises(GroupingError, match=message):
        load_grouping("chunks", manager=plugin_manager_with(groupings=[CHUNKS]), catalog=reference_catalog(), **params)


def test_without_a_catalog_computed_groupings_see_the_installed_extractors() -> None:
    manager = plugin_manager_with(groupings=[CHUNKS], extractors=[THIRD_PARTY])
    grouping = load_grouping("chunks", manager=manager, size=10)
    assert grouping.groups[0].features == ("wobbler.wobble", "wobbler.mood", "wobbler.gloom")


def test_a_plugin_build_returning_something_else_is_an_error() -> None:
    broken = GroupingSpec(name="broken", description="returns a dict", build=lambda catalog: {"groups": []})
    with pytest.raises(GroupingError, match=r"grouping 'broken' built .*not a Grouping"):
        load_grouping("broken", manager=plugin_manager_with(groupings=[broken]), catalog=reference_catalog())


def test_catalog_from_specs_matches_what_a_store_lists() -> None:
    assert catalog_from_specs([THIRD_PARTY]) == [
        FeatureInfo("wobbler.wobble", "wobbler", "wobble of wobbler", "Hz", "signal processing"),
        FeatureInfo("wobbler.mood", "wobbler", "mood of wobbler", "Hz", "deep learning"),
        FeatureInfo("wobbler.gloom", "wobbler", "gloom of wobbler", "Hz", "nlp"),
    ]


def test_resolve_grouping_loads_ablates_and_resolves(tmp_path: Path) -> None:
    path = tmp_path / "g.toml"
    path.write_text(TOML + '\n[groups.Words]\ndescription = "w"\nfeatures = ["lyrics.*"]\n', encoding="utf-8")
    catalog = reference_catalog(["midlevel"])
    resolved = resolve_grouping(str(path), catalog, without=["Words"], manager=plugin_manager_with())
    assert resolved.group_names == ("Only",)
    assert resolved.excluded == ("Words",)
    assert len(resolved.feature_names) == 7


def test_a_packaged_toml_is_parsed_at_registration(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package = tmp_path / "fake_grouping_pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "good.toml").write_text(TOML, encoding="utf-8")
    (package / "bad.toml").write_text(TOML.replace('["midlevel.*"]', '["midlevel.*", "midlevel.*"]'))
    monkeypatch.syspath_prepend(str(tmp_path))
    spec = packaged_grouping("fake_grouping_pkg", "good.toml")
    assert (spec.name, spec.description) == ("file-grouping", "From a file")
    built = spec.build(reference_catalog())
    assert built.origin == str(package / "good.toml")
    with pytest.raises(GroupingError) as caught:
        packaged_grouping("fake_grouping_pkg", "bad.toml")
    assert str(caught.value).startswith(
        f"{package / 'bad.toml'}:6: group 'Only': feature 'midlevel.*': is listed twice"
    )


def test_naming_a_grouping_selects_it_even_outside_the_plugins_selection() -> None:
    manager = plugin_manager_with(groupings=[CHUNKS], extractors=[THIRD_PARTY])
    manager.select(["wobbler"])
    assert "chunks" not in manager.groupings()
    assert load_grouping("chunks", manager=manager).groups[0].features == ("wobbler.wobble", "wobbler.mood")
