"""The ``featurize`` command line.

Commands are resolved lazily: ``featurize --help`` imports only click and the plugin
entry points (which must be light), never numpy-heavy code or a plugin's libraries.
Built-in commands live in one module each and are listed in :data:`BUILTIN_COMMANDS`;
plugins add theirs through the ``featurize_commands`` hook.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

import click

from featurize import __version__

BUILTIN_COMMANDS: dict[str, str] = {
    "plugins": "featurize.cli.inspect:plugins",
    "features": "featurize.cli.inspect:features",
    "info": "featurize.cli.inspect:info",
    "export": "featurize.cli.inspect:export",
    "extract": "featurize.cli.extract:extract",
    "import": "featurize.cli.importer:import_",
    "groupings": "featurize.cli.groupings:groupings",
    "synth": "featurize.cli.synth:synth",
    "demo": "featurize.cli.demo:demo",
    "train": "featurize.cli.learn:train",
    "evaluate": "featurize.cli.learn:evaluate",
    "explain": "featurize.cli.learn:explain",
    "compare": "featurize.cli.learn:compare",
    "tag": "featurize.cli.tag:tag",
    "why": "featurize.cli.tag:why",
}
"""``name -> "module:attribute"`` of every built-in command."""


class FeaturizeGroup(click.Group):
    """A click group that imports built-in commands on demand and asks plugins for theirs."""

    _plugin_commands: dict[str, click.Command] | None = None

    def plugin_commands(self) -> dict[str, click.Command]:
        if self._plugin_commands is None:
            from featurize.cli.context import plugin_manager

            collector = click.Group()
            plugin_manager().add_commands(collector)
            self._plugin_commands = {n: c for n, c in collector.commands.items() if n not in BUILTIN_COMMANDS}
        return self._plugin_commands

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*BUILTIN_COMMANDS, *self.plugin_commands()})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in BUILTIN_COMMANDS:
            module, attribute = BUILTIN_COMMANDS[name].split(":")
            return getattr(importlib.import_module(module), attribute)
        return self.plugin_commands().get(name)


@click.group(cls=FeaturizeGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="featurize")
@click.option(
    "--plugins",
    metavar="NAME[,NAME...]",
    help="Use only these plugins (plugin or component names, comma-separated). Default: all installed.",
)
@click.pass_context
def cli(ctx: click.Context, plugins: str | None) -> None:
    """Interpretable music auto-tagging: extract features, group them, train and explain models.

    \b
    Typical use:
      featurize --plugins essentia,fho extract songs/ -o features.h5
      featurize train features.h5 --labels tags.tsv --grouping user-friendly --model em-banded -o model/
      featurize explain model/ --plot importances.png
    """
    from featurize.cli.context import select_plugins

    ctx.ensure_object(dict)
    select_plugins([p.strip() for p in plugins.split(",") if p.strip()] if plugins else None)


def main(argv: list[str] | None = None) -> Any:
    """Entry point of the ``featurize`` script."""
    from featurize.display import escape_output_streams

    escape_output_streams()
    return cli.main(args=argv if argv is not None else sys.argv[1:], prog_name="featurize")
