"""pytest plugin shipped with featurize: conformance fixtures for plugin authors.

Installed with the core (entry point ``pytest11``), so a plugin's test suite can write::

    def test_conformance(check_extractor):
        check_extractor(my_spec)

It imports nothing heavy at collection time.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest


@pytest.fixture
def check_extractor() -> Callable[..., Any]:
    """:func:`featurize.testing.check_extractor`."""
    from featurize.testing import check_extractor as check

    return check


@pytest.fixture
def plugin_manager() -> Any:
    """A :class:`featurize.plugin.manager.PluginManager` over the installed plugins."""
    from featurize.plugin.manager import PluginManager

    return PluginManager()


@pytest.fixture
def installed_extractor(plugin_manager: Any) -> Callable[[str], Any]:
    """Look up an installed extractor by name, proving the entry point is registered."""

    def lookup(name: str) -> Any:
        from featurize.plugin.descriptors import ExtractorSpec

        return plugin_manager.component(ExtractorSpec, name)

    return lookup
