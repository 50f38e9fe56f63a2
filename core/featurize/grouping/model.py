"""Groupings as data: named, ordered groups of feature names or globs, and their resolution.

A :class:`Grouping` is what a TOML file or a grouping plugin declares; it knows nothing
about a store. :meth:`Grouping.resolve` turns it into a :class:`ResolvedGrouping` against
a catalog of features (a store's :meth:`~featurize.store.FeatureStore.features`): column
names in group order and, per group, the indices of its columns.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from featurize.errors import FeaturizeError

if TYPE_CHECKING:
    from featurize.catalog import FeatureInfo

FEATURE_PATTERN = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")
"""An exact feature name: ``<extractor>.<feature>``, as a store names its columns."""

GLOB_CHARACTERS = frozenset("*?[")
_GLOB = re.compile(r"[*?\[]")


class GroupingError(FeaturizeError):
    """A grouping is malformed or cannot be resolved.

    Every problem is one line naming the file (or plugin), the line when it is known,
    the group and the feature; :attr:`problems` keeps them apart for listing.
    """

    def __init__(self, problems: str | Sequence[str]) -> None:
        self.problems: tuple[str, ...] = (problems,) if isinstance(problems, str) else tuple(problems)
        super().__init__("\n".join(self.problems))


def is_glob(pattern: str) -> bool:
    """Whether a group entry is a glob (``essentia.spectral_flux_*``) rather than an exact name."""
    return _GLOB.search(pattern) is not None


def where(origin: str, line: int | None = None, group: str | None = None, feature: str | None = None) -> str:
    """The ``file:line: group 'G': feature 'F'`` prefix of a problem, for as much as is known."""
    parts = [f"{origin}:{line}" if line else origin or "<grouping>"]
    if group is not None:
        parts.append(f"group {group!r}")
    if feature is not None:
        parts.append(f"feature {feature!r}")
    return ": ".join(parts)


def line_of(lines: Mapping[tuple[str, str], int], group: str | None, entry: str | None = None) -> int | None:
    """The line of ``entry`` in ``group``, else of the group's header, from a ``(group, entry) -> line`` map."""
    if group is None:
        return None
    return lines.get((group, entry or "")) or lines.get((group, ""))


def _entries(features: str | Iterable[str]) -> tuple[str, ...]:
    """A lone string is one entry, not a sequence of one-character entries."""
    return (features,) if isinstance(features, str) else tuple(features)


def label(name: str, excluded: Sequence[str]) -> str:
    """A grouping's name plus the groups left out, e.g. ``user-friendly w/o Lyrical``."""
    return name + (f" w/o {', '.join(excluded)}" if excluded else "")


@attrs.frozen
class Group:
    """One group: a name, a description for reports, and its features (exact names or globs) in order."""

    name: str
    description: str
    features: tuple[str, ...] = attrs.field(converter=_entries)


@attrs.frozen
class Grouping:
    """An ordered set of groups; ``origin`` is the TOML file it came from, or ``"plugin <name>"``.

    Construction checks the structure (at least one group, no empty group, namespaced
    names, no entry in two groups) and raises :class:`GroupingError` naming the culprits.
    """

    name: str
    description: str
    groups: tuple[Group, ...] = attrs.field(converter=tuple)
    origin: str = ""
    excluded: tuple[str, ...] = attrs.field(default=(), converter=tuple)
    """Groups removed by :meth:`without` (ablations), recorded for reports."""
    lines: Mapping[tuple[str, str], int] = attrs.field(factory=dict, eq=False, repr=False)
    """``(group, entry) -> line`` in the TOML source (entry ``""`` is the group's header)."""

    def __attrs_post_init__(self) -> None:
        problems = [
            where(self.origin, self.line(g, f), g, f) + ": " + m
            for g, f, m in structure_problems(self.name, self.groups)
        ]
        if problems:
            raise GroupingError(problems)

    @property
    def group_names(self) -> tuple[str, ...]:
        return tuple(g.name for g in self.groups)

    @property
    def label(self) -> str:
        """The name plus the excluded groups, e.g. ``user-friendly w/o Lyrical``."""
        return label(self.name, self.excluded)

    def line(self, group: str | None, entry: str | None = None) -> int | None:
        """Line of a group header or of one of its entries in the TOML source, when known."""
        return line_of(self.lines, group, entry)

    def where(self, group: str | None = None, feature: str | None = None, entry: str | None = None) -> str:
        """Prefix naming this grouping's file and the line of ``entry`` (defaults to ``feature``)."""
        return where(self.origin, self.line(group, entry or feature), group, feature)

    def without(self, *group_names: str) -> Grouping:
        """A copy without the named groups (``--without Lyrical``); unknown names are an error.

        Names match exactly, or else case-insensitively when that is unambiguous.
        """
        chosen = {self._group_named(name) for name in group_names}
        kept = tuple(g for g in self.groups if g.name not in chosen)
        if not kept:
            raise GroupingError(f"{where(self.origin)}: excluding {', '.join(group_names)} leaves no group")
        excluded = (*self.excluded, *(g.name for g in self.groups if g.name in chosen))
        return attrs.evolve(self, groups=kept, excluded=excluded)

    def _group_named(self, name: str) -> str:
        if name in self.group_names:
            return name
        folded = [g for g in self.group_names if g.casefold() == name.casefold()]
        if len(folded) == 1:
            return folded[0]
        available = ", ".join(repr(g) for g in self.group_names)
        raise GroupingError(f"{where(self.origin, group=name)}: no such group in {self.name!r}; groups: {available}")

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form: the declaration as written, before resolution against a store."""
        return {
            "name": self.name,
            "description": self.description,
            "origin": self.origin,
            "excluded": list(self.excluded),
            "groups": [
                {"name": g.name, "description": g.description, "features": list(g.features)} for g in self.groups
            ],
        }

    def resolve(self, catalog: Sequence[FeatureInfo], *, strict: bool = False) -> ResolvedGrouping:
        """Column indices of every group among the features of ``catalog``.

        Exact names the catalog lacks are reported in ``missing`` (an error when
        ``strict``); a glob that matches nothing, or a feature claimed by two groups, is
        an error; a group left with no feature is dropped with a warning.
        """
        from featurize.grouping.resolution import resolve

        return resolve(self, catalog, strict=strict)


def structure_problems(name: str, groups: Sequence[Group]) -> list[tuple[str | None, str | None, str]]:
    """``(group, entry, message)`` for every structural defect, independent of any store."""
    problems: list[tuple[str | None, str | None, str]] = []
    if not isinstance(name, str) or not name.strip():
        problems.append((None, None, "the grouping has no name"))
    if not groups:
        problems.append((None, None, f"grouping {name!r} has no groups"))
    return problems + group_problems(groups)


def group_problems(groups: Sequence[Group]) -> list[tuple[str | None, str | None, str]]:
    """Defects of the groups themselves: duplicates, empty groups, bad names, an entry in two groups."""
    problems: list[tuple[str | None, str | None, str]] = []
    owners: dict[str, str] = {}
    seen_groups: set[str] = set()
    for group in groups:
        if group.name in seen_groups:
            problems.append((group.name, None, "is defined twice"))
        seen_groups.add(group.name)
        if not group.features:
            problems.append((group.name, None, "has no features (an empty group list)"))
        for entry, message in _entry_problems(group, owners):
            problems.append((group.name, entry, message))
    return problems


def _entry_problems(group: Group, owners: dict[str, str]) -> Iterable[tuple[str, str]]:
    for entry in group.features:
        if not isinstance(entry, str) or not entry.strip():
            yield str(entry), "is not a feature name"
        elif not is_glob(entry) and not FEATURE_PATTERN.match(entry):
            yield entry, "is not a namespaced feature name '<extractor>.<feature>' (lowercase) nor a glob"
        elif entry not in owners:
            owners[entry] = group.name
        elif owners[entry] == group.name:
            yield entry, "is listed twice in the group"
        else:
            yield entry, f"is in two groups: {owners[entry]!r} and {group.name!r}"


@attrs.frozen
class ResolvedGrouping:
    """A grouping resolved against a store: the columns to read and, per group, their indices.

    ``feature_names`` is the column order (group after group), ready for
    ``FeatureStore.matrix(feature_names)``; ``groups[i]`` indexes into it for group
    ``group_names[i]``.
    """

    name: str
    description: str
    feature_names: tuple[str, ...] = attrs.field(converter=tuple)
    group_names: tuple[str, ...] = attrs.field(converter=tuple)
    groups: tuple[tuple[int, ...], ...] = attrs.field(converter=lambda gs: tuple(tuple(g) for g in gs))
    missing: Mapping[str, tuple[str, ...]] = attrs.field(factory=dict)
    dropped: tuple[str, ...] = attrs.field(default=(), converter=tuple)
    warnings: tuple[str, ...] = attrs.field(default=(), converter=tuple)
    group_descriptions: tuple[str, ...] = attrs.field(default=(), converter=tuple)
    origin: str = ""
    excluded: tuple[str, ...] = attrs.field(default=(), converter=tuple)

    @property
    def label(self) -> str:
        return label(self.name, self.excluded)

    @property
    def group_sizes(self) -> dict[str, int]:
        return {name: len(columns) for name, columns in zip(self.group_names, self.groups, strict=True)}

    def group_features(self, group: str) -> tuple[str, ...]:
        """The column names of one group, in column order."""
        columns = self.groups[self.group_names.index(group)]
        return tuple(self.feature_names[i] for i in columns)

    def to_dict(self) -> dict[str, Any]:
        """JSON-able description for model reports and saved models (see :meth:`from_dict`)."""
        descriptions = self.group_descriptions or ("",) * len(self.group_names)
        return {
            "name": self.name,
            "description": self.description,
            "origin": self.origin,
            "excluded": list(self.excluded),
            "feature_names": list(self.feature_names),
            "groups": [
                {
                    "name": name,
                    "description": description,
                    "features": list(self.group_features(name)),
                    "columns": list(columns),
                    "missing": list(self.missing.get(name, ())),
                }
                for name, description, columns in zip(self.group_names, descriptions, self.groups, strict=True)
            ],
            "dropped": [{"name": name, "missing": list(self.missing.get(name, ()))} for name in self.dropped],
            "warnings": list(self.warnings),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ResolvedGrouping:
        """Inverse of :meth:`to_dict`."""
        groups = data["groups"]
        missing = {g["name"]: tuple(g["missing"]) for g in groups if g["missing"]}
        missing.update({d["name"]: tuple(d["missing"]) for d in data.get("dropped", ())})
        return cls(
            name=data["name"],
            description=data["description"],
            feature_names=data["feature_names"],
            group_names=[g["name"] for g in groups],
            groups=[g["columns"] for g in groups],
            missing=missing,
            dropped=[d["name"] for d in data.get("dropped", ())],
            warnings=data.get("warnings", ()),
            group_descriptions=[g["description"] for g in groups],
            origin=data.get("origin", ""),
            excluded=data.get("excluded", ()),
        )
