"""Registers the user-friendly grouping (entry point ``user-friendly``); the groups live in ``user_friendly.toml``."""

from __future__ import annotations

from featurize import GroupingSpec, hookimpl
from featurize.grouping import packaged_grouping


@hookimpl
def featurize_groupings() -> list[GroupingSpec]:
    return [packaged_grouping(__package__, "user_friendly.toml")]
