"""Registers the random grouping (entry point ``random``) and its parameters."""

from __future__ import annotations

from featurize import GroupingSpec, Param, hookimpl
from featurize_grouping_random.assignment import DESCRIPTION, NAME, build


@hookimpl
def featurize_groupings() -> list[GroupingSpec]:
    return [
        GroupingSpec(
            name=NAME,
            description=DESCRIPTION,
            build=build,
            params=(
                Param("n_groups", 5, "Number of groups the features are dealt into.", type="int"),
                Param("seed", 0, "Seed of the draw; the same seed gives the same grouping.", type="int"),
            ),
        )
    ]
