"""The hook specifications of featurize: the whole contract between the core and a plugin.

A plugin is a module registered under the entry-point group ``featurize``. It implements
any of the hooks below with :data:`featurize.hookimpl`::

    from featurize import hookimpl, ExtractorSpec

    @hookimpl
    def featurize_extractors():
        return [ExtractorSpec(name="mine", version="1", ...)]

Registration hooks return *descriptors* (:mod:`featurize.plugin.descriptors`): plain data
plus a lazy factory. Discovery therefore imports no heavy library; the factory runs only
when a component is actually used, once per worker process.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    import click

    from featurize.plugin.descriptors import ExtractorSpec, GroupingSpec, ModelSpec

PROJECT = "featurize"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def featurize_extractors() -> list[ExtractorSpec]:
    """Return the extractors this plugin provides.

    Each :class:`~featurize.ExtractorSpec` names its features (namespaced by the
    extractor's name in the store), the artifacts it produces for other extractors,
    what it requires (audio at a sample rate and channel layout, or artifacts such as
    ``chords`` or ``lyrics``) and its parameters. The runner orders extractors from
    these declarations and refuses to start when a requirement has no provider.
    """


@hookspec
def featurize_groupings() -> list[GroupingSpec]:
    """Return the feature groupings this plugin provides.

    A grouping partitions the features of a store into named semantic groups; models
    report one importance per group. Groupings written as TOML files need no plugin.
    """


@hookspec
def featurize_models() -> list[ModelSpec]:
    """Return the models this plugin provides.

    A model is a scikit-learn style estimator built from the resolved grouping, with a
    ``group_importances_`` attribute after ``fit`` and a pickle-free ``save``/``load``.
    """


@hookspec
def featurize_commands(cli: click.Group) -> None:
    """Add commands to the ``featurize`` command line.

    Called once when the CLI starts; implementations add click commands or groups to
    ``cli`` (for example ``featurize midlevel train``). Keep the module that defines
    the commands light: import heavy libraries inside the command's function.
    """
