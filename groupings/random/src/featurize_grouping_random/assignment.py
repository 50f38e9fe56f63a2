"""A reproducible random partition of the available features into N groups of near-equal size.

The order is not drawn from a pseudo-random generator but from SHA-256 of ``seed`` and the
feature's name, so it is identical on every platform and Python or NumPy version, does
not depend on the catalog's order, and one feature more does not reshuffle the others.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import TYPE_CHECKING

from featurize.grouping import Group, Grouping, GroupingError

if TYPE_CHECKING:
    from featurize.catalog import FeatureInfo

NAME = "random"
DESCRIPTION = (
    "For baselines and sanity checks: features assigned at random to N groups of near-equal size "
    "(sizes differ by at most one), reproducibly from a seed. Importances over these groups show what a "
    "grouping without meaning gives, against which the semantic groupings are compared."
)


def shuffled(names: Sequence[str], seed: int) -> list[str]:
    """``names`` in a seeded pseudo-random order that depends only on the seed and each name."""
    return sorted(names, key=lambda name: hashlib.sha256(f"{seed}\0{name}".encode()).digest())


def build(catalog: Sequence[FeatureInfo], *, n_groups: int = 5, seed: int = 0) -> Grouping:
    """Deal the features of ``catalog`` into ``n_groups`` groups, ``seed`` fixing the draw.

    Each group lists its features in catalog order, so reading them stays contiguous.
    """
    names = list(dict.fromkeys(info.name for info in catalog))
    if not 1 <= n_groups <= len(names):
        raise GroupingError(
            f"plugin {NAME}: n_groups must be between 1 and the number of features ({len(names)}), got {n_groups}"
        )
    position = {name: i for i, name in enumerate(names)}
    order = shuffled(names, seed)
    size, extra = divmod(len(names), n_groups)
    groups = []
    start = 0
    for index in range(n_groups):
        stop = start + size + (index < extra)
        members = sorted(order[start:stop], key=position.__getitem__)
        description = f"{len(members)} features drawn at random (seed {seed}, {n_groups} groups)"
        groups.append(Group(f"Random {index + 1}", description, tuple(members)))
        start = stop
    return Grouping(NAME, f"{DESCRIPTION} Seed {seed}.", groups, origin=f"plugin {NAME}")
