"""Registers the domain-expert grouping (entry point ``domain-expert``); the groups live in ``domain_expert.toml``."""

from __future__ import annotations

from featurize import GroupingSpec, hookimpl
from featurize.grouping import packaged_grouping


@hookimpl
def featurize_groupings() -> list[GroupingSpec]:
    return [packaged_grouping(__package__, "domain_expert.toml")]
