"""The TOML grouping format: reading, checking with line numbers, and packaging in plugins.

::

    name = "my-grouping"
    description = "Who this grouping is for and what its groups mean"

    [groups."Brightness"]
    description = "Higher values mean a brighter sound"
    features = ["essentia.spectral_centroid", "essentia.spectral_flux_*"]

Groups keep the order of the file. ``tomllib`` gives the line of syntax errors; for the
other problems this module finds the line of the group header or of the offending entry
itself, so every message reads ``file:line: group 'G': feature 'F': what is wrong``.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Callable, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from featurize.grouping.model import Group, Grouping, GroupingError, group_problems, line_of, where
from featurize.plugin.descriptors import GroupingSpec

SCHEMA_FILE = "grouping.schema.json"
TOP_KEYS = ("name", "description", "groups")
GROUP_KEYS = ("description", "features")
_DECODE_POSITION = re.compile(r"^(?P<message>.*?) \(at line (?P<line>\d+), column (?P<column>\d+)\)$", re.S)
_AT_END = " (at end of document)"
_KEY_LINE = re.compile(r"^\s*(?P<key>[^=#\[\s][^=#]*?)\s*=")

KeyPath = tuple[str, ...]


def schema() -> dict[str, Any]:
    """The JSON Schema of the format (``grouping.schema.json``), for editors that check TOML files."""
    return json.loads(resources.files(__package__).joinpath(SCHEMA_FILE).read_text(encoding="utf-8"))


def read_grouping(path: str | Path) -> Grouping:
    """Read and check a TOML grouping file; any problem is a :class:`GroupingError` naming it."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise GroupingError(f"{path}: no such grouping file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise GroupingError(f"{path}: cannot read the grouping file ({error})") from None
    return parse_grouping(text, origin=str(path))


def parse_grouping(text: str, origin: str = "<string>") -> Grouping:
    """Parse and check the text of a TOML grouping; ``origin`` names it in error messages."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise GroupingError(_decode_problem(origin, error, text)) from None
    keys = _key_lines(text)
    groups = _readable_groups(data)
    lines = _entry_lines(text, keys, groups)
    problems = _check(data, keys)
    if problems:  # list the defects of the readable groups too, so one run shows everything
        problems += [(line_of(lines, g, e), g, e, m) for g, e, m in group_problems(groups)]
        raise GroupingError([where(origin, line, group, entry) + ": " + m for line, group, entry, m in problems])
    return Grouping(data["name"], data.get("description", ""), groups, origin=origin, lines=lines)


def _readable_groups(data: Mapping[str, Any]) -> list[Group]:
    """The groups whose features are a non-empty list of strings, whatever else is wrong."""
    groups = data.get("groups")
    return [
        Group(name, spec.get("description", ""), spec["features"])
        for name, spec in (groups.items() if isinstance(groups, dict) else ())
        if isinstance(spec, dict)
        and isinstance(spec.get("features"), list)
        and spec["features"]
        and all(isinstance(f, str) for f in spec["features"])
    ]


def packaged_grouping(package: str, resource: str) -> GroupingSpec:
    """The descriptor of a grouping shipped as a TOML file inside a plugin's package.

    The file is parsed when the plugin registers (``tomllib``, no heavy import), so a
    broken file marks the plugin broken with a message naming the file and line.
    """
    file = resources.files(package) / resource
    grouping = parse_grouping(file.read_text(encoding="utf-8"), origin=str(file))
    return GroupingSpec(name=grouping.name, description=grouping.description, build=_constant(grouping))


def _constant(grouping: Grouping) -> Callable[..., Grouping]:
    def build(catalog: object = ()) -> Grouping:
        """A listed grouping does not depend on the catalog; resolution checks it against one."""
        return grouping

    return build


def _decode_problem(origin: str, error: tomllib.TOMLDecodeError, text: str) -> str:
    """``file:line:column: malformed TOML: ...`` from the position ``tomllib`` puts in its message."""
    message = str(error)
    if message.endswith(_AT_END):
        return f"{origin}:{max(1, len(text.splitlines()))}: malformed TOML: {message.removesuffix(_AT_END)}"
    match = _DECODE_POSITION.match(message)
    if match is None:
        return f"{origin}: malformed TOML: {message}"
    return f"{origin}:{match['line']}:{match['column']}: malformed TOML: {match['message']}"


# -- checks -----------------------------------------------------------------------------------


Problem = tuple[int | None, str | None, str | None, str]
"""``(line, group, entry, message)``."""


def _check(data: Mapping[str, Any], keys: Mapping[KeyPath, int]) -> list[Problem]:
    problems: list[Problem] = [
        (keys.get((key,)), None, None, f"unknown key {key!r} (allowed: {', '.join(TOP_KEYS)})")
        for key in data
        if key not in TOP_KEYS
    ]
    if not isinstance(data.get("name"), str) or not data["name"].strip():
        problems.append((keys.get(("name",)), None, None, "'name' must be a non-empty string"))
    if not isinstance(data.get("description", ""), str):
        problems.append((keys.get(("description",)), None, None, "'description' must be a string when given"))
    groups = data.get("groups")
    if not isinstance(groups, dict) or not groups:
        problems.append((keys.get(("groups",)), None, None, 'no groups: add at least one [groups."<name>"] table'))
        return problems
    for name, spec in groups.items():
        problems += [(keys.get(("groups", name)), name, None, m) for m in _group_problems(spec)]
        if isinstance(spec, dict):
            problems += [
                (keys.get(("groups", name, k)), name, None, f"unknown key {k!r} (allowed: {', '.join(GROUP_KEYS)})")
                for k in spec
                if k not in GROUP_KEYS
            ]
    return problems


def _group_problems(spec: Any) -> list[str]:
    if not isinstance(spec, dict):
        return ["must be a table with 'features' (and optionally 'description')"]
    problems = []
    if not isinstance(spec.get("description", ""), str):
        problems.append("'description' must be a string when given")
    features = spec.get("features")
    if not isinstance(features, list):
        problems.append("'features' must be a list of feature names or globs")
    elif not features:
        problems.append("'features' is empty (an empty group list)")
    elif not all(isinstance(f, str) for f in features):
        problems.append("'features' must hold strings only")
    return problems


# -- line numbers -------------------------------------------------------------------------------


def _key_lines(text: str) -> dict[KeyPath, int]:
    """Line of the first appearance of every table header and key path (best effort).

    Each header or key is parsed by ``tomllib`` itself, so quoting and escapes are handled
    exactly as in the real parse.
    """
    found: dict[KeyPath, int] = {}
    table: KeyPath = ()
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith("[") and not stripped.startswith("[["):
            path = _parse_path(stripped.split("#", 1)[0].strip())
            if path is not None:
                table = path
                found.setdefault(path, number)
        elif (match := _KEY_LINE.match(line)) is not None:
            path = _parse_path(f"{match['key']} = 0")
            if path is not None:
                full = (*table, *path)
                for depth in range(len(table) + 1, len(full) + 1):
                    found.setdefault(full[:depth], number)
    return found


def _parse_path(snippet: str) -> KeyPath | None:
    try:
        data = tomllib.loads(snippet)
    except tomllib.TOMLDecodeError:
        return None
    path: list[str] = []
    while isinstance(data, dict) and len(data) == 1:
        key, data = next(iter(data.items()))
        path.append(key)
    return tuple(path)


def _entry_lines(text: str, keys: Mapping[KeyPath, int], groups: list[Group]) -> dict[tuple[str, str], int]:
    """``(group, entry) -> line``: the group's header, and each entry's first quoted occurrence after it."""
    lines = text.splitlines()
    found: dict[tuple[str, str], int] = {}
    for group in groups:
        start = keys.get(("groups", group.name, "features")) or keys.get(("groups", group.name))
        if start is None:
            continue
        found[(group.name, "")] = keys.get(("groups", group.name), start)
        for entry in group.features:
            quoted = (f'"{entry}"', f"'{entry}'")
            for number in range(start, len(lines) + 1):
                if any(q in lines[number - 1] for q in quoted):
                    found.setdefault((group.name, entry), number)
                    break
    return found
