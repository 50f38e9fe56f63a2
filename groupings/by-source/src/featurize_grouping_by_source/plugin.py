"""Registers the by-source grouping (entry point ``by-source``)."""

from __future__ import annotations

from featurize import GroupingSpec, hookimpl
from featurize_grouping_by_source.sources import DESCRIPTION, NAME, build


@hookimpl
def featurize_groupings() -> list[GroupingSpec]:
    return [GroupingSpec(name=NAME, description=DESCRIPTION, build=build)]
