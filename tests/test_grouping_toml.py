"""The TOML grouping format: parsing, and every error naming the file, line, group and feature."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from featurize.grouping import GroupingError, parse_grouping, read_grouping, schema
from featurize.grouping.model import FEATURE_PATTERN, GLOB_CHARACTERS
from featurize.grouping.toml_format import GROUP_KEYS, TOP_KEYS

VALID = """\
name = "mine"
description = "Two groups for a test"

[groups."Bright & Sharp"]
description = "High-frequency energy"
features = ["essentia.spectral_centroid", "essentia.spectral_flux_*"]

[groups.Mood]
description = "Mid-level perception"
features = [
    "midlevel.minorness",
    "midlevel.dissonance",
]
"""


def write(tmp_path: Path, text: str, name: str = "grouping.toml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def problems_of(path: Path) -> tuple[str, ...]:
    with pytest.raises(GroupingError) as caught:
        read_grouping(path)
    return caught.value.problems


def test_a_valid_file_keeps_group_order_descriptions_and_origin(tmp_path: Path) -> None:
    path = write(tmp_path, VALID)
    grouping = read_grouping(path)
    assert grouping.name == "mine"
    assert grouping.description == "Two groups for a test"
    assert grouping.origin == str(path)
    assert grouping.group_names == ("Bright & Sharp", "Mood")
    assert grouping.groups[0].description == "High-frequency energy"
    assert grouping.groups[0].features == ("essentia.spectral_centroid", "essentia.spectral_flux_*")
    assert grouping.groups[1].features == ("midlevel.minorness", "midlevel.dissonance")


def test_lines_of_groups_and_entries_are_recorded(tmp_path: Path) -> None:
    grouping = read_grouping(write(tmp_path, VALID))
    assert grouping.line("Bright & Sharp") == 4
    assert grouping.line("Bright & Sharp", "essentia.spectral_flux_*") == 6
    assert grouping.line("Mood") == 8
    assert grouping.line("Mood", "midlevel.dissonance") == 12


def test_malformed_toml_names_the_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, VALID.replace('features = [\n    "midlevel.minorness"', "features = [\n    midlevel"))
    (problem,) = problems_of(path)
    assert problem.startswith(f"{path}:11:")
    assert "malformed TOML" in problem


def test_a_group_defined_twice_is_a_toml_error_with_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, VALID + '\n[groups.Mood]\ndescription = "again"\nfeatures = ["lyrics.assonance"]\n')
    (problem,) = problems_of(path)
    assert problem.startswith(f"{path}:15:")
    assert "Mood" in problem


def test_unknown_top_level_key_names_file_line_and_key(tmp_path: Path) -> None:
    path = write(tmp_path, "version = 2\n" + VALID)
    (problem,) = problems_of(path)
    assert problem.startswith(f"{path}:1: ")
    assert "unknown key 'version'" in problem


def test_unknown_group_key_names_file_line_group_and_key(tmp_path: Path) -> None:
    path = write(tmp_path, VALID.replace('description = "Mid-level perception"', 'descripton = "typo"'))
    problems = problems_of(path)
    assert problems == (f"{path}:9: group 'Mood': unknown key 'descripton' (allowed: description, features)",)


def test_a_feature_in_two_groups_names_file_line_group_and_feature(tmp_path: Path) -> None:
    path = write(tmp_path, VALID.replace('"midlevel.minorness"', '"essentia.spectral_centroid"'))
    (problem,) = problems_of(path)
    assert problem == (
        f"{path}:11: group 'Mood': feature 'essentia.spectral_centroid': is in two groups: 'Bright & Sharp' and 'Mood'"
    )


def test_a_feature_listed_twice_in_one_group_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, VALID.replace('"midlevel.dissonance"', '"midlevel.minorness"'))
    (problem,) = problems_of(path)
    assert problem.startswith(f"{path}:11: group 'Mood': feature 'midlevel.minorness': is listed twice")


@pytest.mark.parametrize(
    "text",
    ['name = "x"\ndescription = "d"\n', 'name = "x"\ndescription = "d"\ngroups = {}\n'],
    ids=["no-groups-table", "empty-groups-table"],
)
def test_an_empty_group_list_is_an_error_naming_the_file(tmp_path: Path, text: str) -> None:
    path = write(tmp_path, text)
    (problem,) = problems_of(path)
    assert problem.startswith(str(path))
    assert "no groups" in problem


def test_a_group_without_features_names_file_line_and_group(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        VALID.replace('features = [\n    "midlevel.minorness",\n    "midlevel.dissonance",\n]', "features = []"),
    )
    (problem,) = problems_of(path)
    assert problem == f"{path}:8: group 'Mood': 'features' is empty (an empty group list)"


def test_a_name_that_is_not_namespaced_names_file_line_group_and_feature(tmp_path: Path) -> None:
    path = write(tmp_path, VALID.replace('"midlevel.dissonance"', '"Dissonance"'))
    (problem,) = problems_of(path)
    assert problem.startswith(f"{path}:12: group 'Mood': feature 'Dissonance': is not a namespaced feature name")


def test_wrong_types_are_listed_together(tmp_path: Path) -> None:
    text = 'name = 3\ndescription = 4\n[groups.A]\ndescription = "a"\nfeatures = "essentia.bpm"\n'
    text += "\n[groups.B]\nfeatures = [1]\n"
    text += '\n[groups.C]\ndescription = ["c"]\nfeatures = ["essentia.bpm"]\n'
    path = write(tmp_path, text)
    problems = problems_of(path)
    assert f"{path}:1: 'name' must be a non-empty string" in problems
    assert f"{path}:2: 'description' must be a string when given" in problems
    assert f"{path}:3: group 'A': 'features' must be a list of feature names or globs" in problems
    assert f"{path}:7: group 'B': 'features' must hold strings only" in problems
    assert f"{path}:10: group 'C': 'description' must be a string when given" in problems
    assert len(problems) == 5


def test_descriptions_are_optional(tmp_path: Path) -> None:
    """Issue 17: a grouping and its groups need no description."""
    path = write(tmp_path, 'name = "bare"\n[groups.All]\nfeatures = ["essentia.*"]\n')
    grouping = read_grouping(path)
    assert grouping.description == "" and [g.description for g in grouping.groups] == [""]


def test_a_group_that_is_not_a_table_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, 'name = "x"\ndescription = "d"\n[groups]\nA = ["essentia.bpm"]\n')
    (problem,) = problems_of(path)
    assert problem == f"{path}:4: group 'A': must be a table with 'features' (and optionally 'description')"


def test_inline_tables_and_dotted_keys_are_accepted(tmp_path: Path) -> None:
    text = """\
    name = "inline"
    description = "d"
    groups.A = { description = "a", features = ["essentia.bpm"] }
    [groups.B]
    description = "b"
    features = ["midlevel.*"]
    """
    grouping = read_grouping(write(tmp_path, text))
    assert grouping.group_names == ("A", "B")
    assert grouping.line("A") == 3


def test_a_missing_or_unreadable_file_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "nope.toml"
    assert problems_of(missing) == (f"{missing}: no such grouping file",)
    binary = tmp_path / "binary.toml"
    binary.write_bytes(b"\xff\xfe\x00name")
    (problem,) = problems_of(binary)
    assert problem.startswith(f"{binary}: cannot read")


def test_parse_grouping_names_the_given_origin() -> None:
    with pytest.raises(GroupingError, match=r"^inline\.toml:1: malformed TOML: Invalid value$"):
        parse_grouping("name = ", origin="inline.toml")


def test_the_json_schema_matches_the_parser() -> None:
    document = schema()
    assert tuple(document["required"]) == tuple(k for k in TOP_KEYS if k != "description")  # descriptions optional
    assert tuple(document["properties"]) == TOP_KEYS
    assert document["additionalProperties"] is False
    group = document["properties"]["groups"]["additionalProperties"]
    assert tuple(group["properties"]) == GROUP_KEYS and tuple(group["required"]) == ("features",)
    exact, glob = group["properties"]["features"]["items"]["anyOf"]
    assert exact["pattern"] == FEATURE_PATTERN.pattern
    assert set(glob["pattern"][1:-1].replace("\\", "")) == GLOB_CHARACTERS


def test_validate_suggests_descriptions_where_they_are_missing(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from featurize.cli import cli

    path = write(tmp_path, 'name = "bare"\n[groups.All]\nfeatures = ["essentia.*"]\n')
    result = CliRunner().invoke(cli, ["groupings", "validate", str(path)])
    assert result.exit_code == 0 and ": OK: 1 groups" in result.output
    assert "hint: add a top-level description" in result.output and "group(s) All" in result.output
