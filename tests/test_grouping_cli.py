"""``featurize groupings list|show|validate`` through click's runner on the real CLI."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from featurize import GroupingSpec, Param
from featurize.cli import cli
from featurize.grouping import Group, Grouping
from featurize.grouping.testing import plugin_manager_with, reference_catalog, write_store
from featurize.store import FeatureInfo

VALID = """\
name = "mine"
description = "A grouping for listeners"

[groups.Mood]
description = "Perceived mood"
features = ["midlevel.minorness", "midlevel.dissonance", "midlevel.sparkle"]

[groups.Lyrical]
description = "Lyrics"
features = ["lyrics.*"]
"""

BROKEN = """\
name = "broken"
description = "Three problems"
colour = "red"

[groups.A]
description = "a"
features = ["midlevel.minorness", "Minorness"]

[groups.B]
description = "b"
features = ["midlevel.minorness"]
"""


def halves(catalog: Sequence[FeatureInfo], *, n_groups: int = 2) -> Grouping:
    names = [info.name for info in catalog]
    size = -(-len(names) // n_groups)
    return Grouping(
        "halves", "Halves", [Group(f"H{i}", "half", names[i * size : (i + 1) * size]) for i in range(n_groups)]
    )


HALVES = GroupingSpec(
    name="halves",
    description="Two halves, for people who like halves",
    build=halves,
    params=(Param("n_groups", 2, "How many parts.", type="int"),),
)


@pytest.fixture(autouse=True)
def components(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI sees only the ``halves`` grouping, whatever is installed."""
    manager = plugin_manager_with(groupings=[HALVES])
    monkeypatch.setattr("featurize.cli.groupings.plugin_manager", lambda: manager)


@pytest.fixture
def store(tmp_path: Path) -> Path:
    return write_store(tmp_path / "features.h5", reference_catalog(["essentia", "midlevel"]), n_tracks=3)


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, ["groupings", *args], catch_exceptions=False)


def write(tmp_path: Path, text: str, name: str = "g.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_list_shows_installed_groupings_with_description_and_parameters() -> None:
    result = run("list")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].startswith("halves  [featurize_grouping_test_components_")
    assert "Two halves, for people who like halves" in lines[1]
    assert lines[2].strip() == "--grouping-param n_groups=<int>  How many parts. (default 2)"


def test_show_a_file_lists_groups_and_entries_as_written(tmp_path: Path) -> None:
    path = write(tmp_path, VALID)
    result = run("show", str(path))
    assert result.exit_code == 0
    assert result.output.splitlines()[:3] == ["mine", "    A grouping for listeners", f"    from {path}"]
    assert "Mood (3 entries)" in result.output
    assert "      lyrics.*" in result.output


def test_show_with_a_store_marks_missing_features_and_dropped_groups(tmp_path: Path, store: Path) -> None:
    result = CliRunner().invoke(
        cli, ["groupings", "show", str(write(tmp_path, VALID.replace("lyrics.*", "lyrics.x"))), "--store", str(store)]
    )
    assert result.exit_code == 0, result.output
    assert "Mood (2 features, 1 missing)" in result.output
    assert f"      midlevel.sparkle  [missing from {store}]" in result.output
    assert f"Lyrical (dropped: {store} has none of its features)" in result.output
    assert "warning: group 'Lyrical' of 'mine' dropped" in result.stderr
    assert "2 features in 1 groups; 2 missing" in result.output


def test_show_json_with_a_store_is_the_resolved_grouping(tmp_path: Path, store: Path) -> None:
    path = write(tmp_path, VALID)
    result = run("show", str(path), "--store", str(store), "--without", "lyrical", "--json")
    data = json.loads(result.stdout)
    assert data["excluded"] == ["Lyrical"]
    assert data["groups"][0]["features"] == ["midlevel.minorness", "midlevel.dissonance"]
    assert data["groups"][0]["missing"] == ["midlevel.sparkle"]


def test_show_a_computed_grouping_with_parameters(store: Path) -> None:
    result = run("show", "halves", "--store", str(store), "--grouping-param", "n_groups=4", "--json")
    data = json.loads(result.stdout)
    assert [g["name"] for g in data["groups"]] == ["H0", "H1", "H2", "H3"]
    assert sum(len(g["features"]) for g in data["groups"]) == 92


def test_show_strict_fails_naming_the_missing_feature(tmp_path: Path, store: Path) -> None:
    path = write(tmp_path, VALID.replace('features = ["lyrics.*"]', 'features = ["midlevel.articulation"]'))
    result = CliRunner().invoke(cli, ["groupings", "show", str(path), "--store", str(store), "--strict"])
    assert result.exit_code == 1
    assert f"{path}:6: group 'Mood': feature 'midlevel.sparkle': is missing from the store (--strict)" in result.output


def test_show_an_unknown_grouping_lists_the_available_ones() -> None:
    result = CliRunner().invoke(cli, ["groupings", "show", "nonesuch"])
    assert result.exit_code == 1
    assert "unknown grouping 'nonesuch': not a .toml file nor an installed grouping (halves)" in result.output


def test_show_rejects_a_malformed_param() -> None:
    result = CliRunner().invoke(cli, ["groupings", "show", "halves", "--grouping-param", "n_groups"])
    assert result.exit_code == 2
    assert "'n_groups' is not KEY=VALUE" in result.output


def test_validate_a_good_file(tmp_path: Path) -> None:
    path = write(tmp_path, VALID)
    result = run("validate", str(path))
    assert result.exit_code == 0
    assert result.output == f"{path}: OK: 2 groups, 4 entries\n"


def test_validate_lists_every_problem_and_exits_non_zero(tmp_path: Path) -> None:
    path = write(tmp_path, BROKEN)
    result = CliRunner().invoke(cli, ["groupings", "validate", str(path)])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"error: {path}:3: unknown key 'colour' (allowed: name, description, groups)",
        f"error: {path}:7: group 'A': feature 'Minorness': is not a namespaced feature name '<extractor>.<feature>' "
        "(lowercase) nor a glob",
        f"error: {path}:11: group 'B': feature 'midlevel.minorness': is in two groups: 'A' and 'B'",
        f"{path}: 3 problem(s)",
    ]


def test_validate_against_a_store_checks_globs(tmp_path: Path, store: Path) -> None:
    path = write(tmp_path, VALID)
    result = CliRunner().invoke(cli, ["groupings", "validate", str(path), "--store", str(store)])
    assert result.exit_code == 1
    assert f"error: {path}:10: group 'Lyrical': feature 'lyrics.*': the glob matches no feature of the store" in (
        result.stderr
    )


def test_validate_against_a_store_warns_about_missing_features(tmp_path: Path, store: Path) -> None:
    path = write(tmp_path, VALID.replace('["lyrics.*"]', '["essentia.mfcc_*"]'))
    result = CliRunner().invoke(cli, ["groupings", "validate", str(path), "--store", str(store)])
    assert result.exit_code == 0
    assert result.stdout == f"{path}: OK against {store}: 2 groups, 15 features\n"
    assert "midlevel.sparkle" in result.stderr
    strict = CliRunner().invoke(cli, ["groupings", "validate", str(path), "--store", str(store), "--strict"])
    assert strict.exit_code == 1
    assert "feature 'midlevel.sparkle': is missing from the store (--strict)" in strict.stderr


def test_validate_malformed_toml_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, VALID.replace('description = "Lyrics"', "description = Lyrics"))
    result = CliRunner().invoke(cli, ["groupings", "validate", str(path)])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: {path}:9:15: malformed TOML: Invalid value")


def test_the_groupings_command_is_listed_in_the_cli_help() -> None:
    assert "groupings" in cli.list_commands(None)  # type: ignore[arg-type]


def test_schema_prints_the_json_schema() -> None:
    result = run("schema")
    assert json.loads(result.output)["title"] == "featurize grouping"
