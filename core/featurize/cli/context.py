"""State shared by CLI commands: the plugin manager and the ``--plugins`` selection."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

import click

from featurize.errors import FeaturizeError
from featurize.plugin.manager import PluginManager


@cache
def plugin_manager() -> PluginManager:
    """The process-wide plugin manager (entry points are loaded once)."""
    return PluginManager()


def select_plugins(names: Sequence[str] | None) -> None:
    try:
        plugin_manager().select(names)
    except FeaturizeError as error:
        raise click.UsageError(str(error)) from error


def fail(error: Exception) -> None:
    """Report an expected error as a one-line message and exit 2, without a traceback."""
    raise click.ClickException(str(error)) from error
