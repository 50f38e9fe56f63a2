"""Resolution of a grouping against a catalog of features: names and globs to column indices."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from fnmatch import fnmatchcase
from typing import TYPE_CHECKING

import attrs

from featurize.grouping.model import Grouping, GroupingError, ResolvedGrouping, is_glob

if TYPE_CHECKING:
    from featurize.catalog import FeatureInfo


class GroupingWarning(UserWarning):
    """A group of a grouping was dropped because the store holds none of its features."""


@attrs.define
class _Claims:
    """Which group took each feature, and the problems found while matching."""

    available: list[str]
    present: set[str] = attrs.field(init=False)
    owner: dict[str, str] = attrs.field(factory=dict)
    problems: list[str] = attrs.field(factory=list)

    def __attrs_post_init__(self) -> None:
        self.present = set(self.available)

    def match(self, grouping: Grouping, group: str, entry: str) -> tuple[list[str], bool]:
        """Features ``entry`` gives ``group``, and whether it is an exact name the catalog lacks."""
        if is_glob(entry):
            matches = [name for name in self.available if fnmatchcase(name, entry)]
            if not matches:
                self.problems.append(f"{grouping.where(group, entry)}: the glob matches no feature of the store")
        else:
            matches = [entry] if entry in self.present else []
        taken = []
        for name in matches:
            other = self.owner.setdefault(name, group)
            if other != group:
                self.problems.append(
                    f"{grouping.where(group, name, entry)}: is in two groups: {other!r} and {group!r}"
                    + (f" (through the glob {entry!r})" if name != entry else "")
                )
            else:
                taken.append(name)
        return taken, not matches and not is_glob(entry)


def resolve(grouping: Grouping, catalog: Sequence[FeatureInfo], *, strict: bool = False) -> ResolvedGrouping:
    """See :meth:`Grouping.resolve`."""
    claims = _Claims(list(dict.fromkeys(info.name for info in catalog)))
    members: dict[str, dict[str, None]] = {}
    missing: dict[str, tuple[str, ...]] = {}
    for group in grouping.groups:
        chosen: dict[str, None] = {}
        lacking: list[str] = []
        for entry in group.features:
            taken, is_missing = claims.match(grouping, group.name, entry)
            chosen.update(dict.fromkeys(taken))
            if is_missing:
                lacking.append(entry)
        members[group.name] = chosen
        if lacking:
            missing[group.name] = tuple(lacking)
    if strict:
        claims.problems += [
            f"{grouping.where(group, name)}: is missing from the store (--strict)"
            for group, names in missing.items()
            for name in names
        ]
    if claims.problems:
        raise GroupingError(claims.problems)
    return _assemble(grouping, members, missing)


def _assemble(
    grouping: Grouping, members: dict[str, dict[str, None]], missing: dict[str, tuple[str, ...]]
) -> ResolvedGrouping:
    kept = [g for g in grouping.groups if members[g.name]]
    dropped = tuple(g.name for g in grouping.groups if not members[g.name])
    if not kept:
        raise GroupingError(f"{grouping.where()}: the store has none of the features of grouping {grouping.label!r}")
    notes = []
    for name in dropped:
        notes.append(
            f"group {name!r} of {grouping.label!r} dropped: the store has none of its features "
            f"({', '.join(missing.get(name, ()))})"
        )
        warnings.warn(notes[-1], GroupingWarning, stacklevel=4)
    notes += [
        f"group {group!r} of {grouping.label!r}: {len(names)} feature(s) missing from the store: {', '.join(names)}"
        for group, names in missing.items()
        if group not in dropped
    ]
    feature_names: list[str] = []
    columns: list[tuple[int, ...]] = []
    for group in kept:
        start = len(feature_names)
        feature_names += members[group.name]
        columns.append(tuple(range(start, len(feature_names))))
    return ResolvedGrouping(
        name=grouping.name,
        description=grouping.description,
        feature_names=feature_names,
        group_names=[g.name for g in kept],
        groups=columns,
        missing=missing,
        dropped=dropped,
        warnings=notes,
        group_descriptions=[g.description for g in kept],
        origin=grouping.origin,
        excluded=grouping.excluded,
    )
