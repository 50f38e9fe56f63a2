"""``featurize groupings``: list installed groupings, show one, validate a TOML file.

The options ``--without``, ``--grouping-param`` and ``--strict`` are shared with every command that
takes a grouping, through :func:`resolution_options` and :func:`resolve_for_command`.
"""

from __future__ import annotations

import json
import textwrap
import warnings
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from featurize.cli.context import plugin_manager
from featurize.errors import FeaturizeError

if TYPE_CHECKING:
    from featurize.catalog import FeatureInfo
    from featurize.grouping import Grouping, ResolvedGrouping

F = TypeVar("F", bound=Callable[..., Any])

INDENT = "    "


def parse_params(pairs: Iterable[str]) -> dict[str, str]:
    """``["n_groups=7", "seed=3"]`` -> ``{"n_groups": "7", "seed": "3"}`` (values converted later)."""
    params = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f"{pair!r} is not KEY=VALUE", param_hint="--grouping-param")
        params[key.strip()] = value.strip()
    return params


def resolution_options(command: F) -> F:
    """Add ``--without GROUP``, ``--grouping-param KEY=VALUE`` (both repeatable) and ``--strict``."""
    decorators = [
        click.option(
            "--without",
            "without",
            multiple=True,
            metavar="GROUP",
            help="Leave this group out (an ablation, e.g. --without Lyrical). Repeatable.",
        ),
        click.option(
            "--grouping-param",
            "params",
            multiple=True,
            metavar="KEY=VALUE",
            help="Parameter of a computed grouping, e.g. --grouping-param n_groups=7. Repeatable.",
        ),
        click.option("--strict", is_flag=True, help="Fail when the store lacks a listed feature."),
    ]
    for decorator in reversed(decorators):
        command = decorator(command)
    return command


def load_for_command(
    name_or_path: str, catalog: Sequence[FeatureInfo], without: Sequence[str] = (), params: Sequence[str] = ()
) -> Grouping:
    """The grouping named on the command line, without the excluded groups; errors exit cleanly."""
    from featurize.grouping import load_grouping

    try:
        grouping = load_grouping(name_or_path, manager=plugin_manager(), catalog=catalog, **parse_params(params))
        return grouping.without(*without) if without else grouping
    except FeaturizeError as error:
        raise click.ClickException(str(error)) from error


def resolve_for_command(
    name_or_path: str,
    catalog: Sequence[FeatureInfo],
    *,
    without: Sequence[str] = (),
    params: Sequence[str] = (),
    strict: bool = False,
) -> ResolvedGrouping:
    """Load and resolve ``--grouping`` against ``catalog``; warnings go to stderr, errors exit."""
    grouping = load_for_command(name_or_path, catalog, without, params)
    try:
        resolved = _resolve(grouping, catalog, strict)
    except FeaturizeError as error:
        raise click.ClickException(str(error)) from error
    for warning in resolved.warnings:
        click.echo(f"warning: {warning}", err=True)
    return resolved


def _resolve(grouping: Grouping, catalog: Sequence[FeatureInfo], strict: bool) -> ResolvedGrouping:
    """Resolve without Python warnings: commands print ``resolved.warnings`` themselves."""
    from featurize.grouping import GroupingWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GroupingWarning)
        return grouping.resolve(catalog, strict=strict)


def _store_catalog(store: Path | None) -> list[FeatureInfo]:
    if store is None:
        return []
    from featurize.store import FeatureStore

    try:
        with FeatureStore(store) as opened:
            return opened.features()
    except FeaturizeError as error:
        raise click.ClickException(str(error)) from error


def _wrap(text: str, indent: str) -> str:
    return textwrap.fill(
        " ".join(text.split()), width=100, initial_indent=indent, subsequent_indent=indent, break_on_hyphens=False
    )


@click.group()
def groupings() -> None:
    """List, show and validate feature groupings (installed plugins or TOML files).

    \b
    Every command that takes --grouping accepts an installed grouping's name or a
    path to a TOML file; see docs/groupings.md for the format.
    """


@groupings.command("list")
def list_groupings() -> None:
    """List the installed groupings with who they are for and their parameters."""
    specs = plugin_manager().groupings()
    if not specs:
        click.echo("No grouping installed; a TOML file can be given wherever --grouping is accepted.")
    for spec in sorted(specs.values(), key=lambda s: s.name):
        click.echo(f"{spec.name}  [{spec.distribution or spec.plugin}]")
        click.echo(_wrap(spec.description, INDENT))
        for param in spec.params:
            click.echo(f"{INDENT}--grouping-param {param.name}=<{param.type}>  {param.help} (default {param.default})")


@groupings.command("show")
@click.argument("grouping", metavar="NAME|FILE.toml")
@click.option(
    "--store",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Resolve against this store: expand globs, mark the features it lacks.",
)
@resolution_options
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
def show(
    grouping: str, store: Path | None, without: tuple[str, ...], params: tuple[str, ...], strict: bool, as_json: bool
) -> None:
    """Show a grouping's groups and members, and with --store which members the store lacks."""
    catalog = _store_catalog(store)
    if store is None:
        declared = load_for_command(grouping, catalog, without, params)
        click.echo(json.dumps(declared.to_dict(), indent=2) if as_json else _declared_text(declared))
        return
    resolved = resolve_for_command(grouping, catalog, without=without, params=params, strict=strict)
    click.echo(json.dumps(resolved.to_dict(), indent=2) if as_json else _resolved_text(resolved, store))


def _header(name: str, description: str, origin: str) -> list[str]:
    return [name, _wrap(description, INDENT), f"{INDENT}from {origin}", ""]


def _declared_text(grouping: Grouping) -> str:
    lines = _header(grouping.label, grouping.description, grouping.origin)
    for group in grouping.groups:
        lines.append(f"{group.name} ({len(group.features)} entries)")
        lines.append(_wrap(group.description, INDENT))
        lines += [f"{INDENT}  {entry}" for entry in group.features]
    return "\n".join(lines)


def _resolved_text(resolved: ResolvedGrouping, store: Path) -> str:
    lines = _header(resolved.label, resolved.description, resolved.origin)
    descriptions = resolved.group_descriptions or ("",) * len(resolved.group_names)
    for name, description in zip(resolved.group_names, descriptions, strict=True):
        members = resolved.group_features(name)
        missing = resolved.missing.get(name, ())
        lines.append(f"{name} ({len(members)} features" + (f", {len(missing)} missing)" if missing else ")"))
        lines.append(_wrap(description, INDENT))
        lines += [f"{INDENT}  {feature}" for feature in members]
        lines += [f"{INDENT}  {feature}  [missing from {store}]" for feature in missing]
    for name in resolved.dropped:
        lines.append(f"{name} (dropped: {store} has none of its features)")
        lines += [f"{INDENT}  {feature}  [missing from {store}]" for feature in resolved.missing.get(name, ())]
    total = sum(len(m) for m in resolved.missing.values())
    lines.append("")
    lines.append(f"{len(resolved.feature_names)} features in {len(resolved.group_names)} groups; {total} missing")
    return "\n".join(lines)


@groupings.command("validate")
@click.argument("grouping", metavar="FILE.toml|NAME")
@click.option(
    "--store",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Also resolve against this store (globs must match, no feature in two groups).",
)
@click.option("--strict", is_flag=True, help="With --store: a feature the store lacks is an error.")
def validate(grouping: str, store: Path | None, strict: bool) -> None:
    """Check a grouping; list every problem and exit with status 1 if there is any."""
    from featurize.grouping import load_grouping

    catalog = _store_catalog(store)
    try:
        loaded = load_grouping(grouping, manager=plugin_manager(), catalog=catalog)
        resolved = _resolve(loaded, catalog, strict) if store is not None else None
    except FeaturizeError as error:
        problems = getattr(error, "problems", (str(error),))
        for problem in problems:
            click.echo(f"error: {problem}", err=True)
        click.echo(f"{grouping}: {len(problems)} problem(s)", err=True)
        raise click.exceptions.Exit(1) from None
    entries = sum(len(g.features) for g in loaded.groups)
    undescribed = [g.name for g in loaded.groups if not g.description.strip()]
    if not loaded.description.strip():
        click.echo("hint: add a top-level description (who the grouping is for), shown in reports", err=True)
    if undescribed:
        click.echo(f"hint: add a description to group(s) {', '.join(undescribed)}, shown in reports", err=True)
    if resolved is None:
        click.echo(f"{loaded.origin}: OK: {len(loaded.groups)} groups, {entries} entries")
        return
    for warning in resolved.warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(
        f"{loaded.origin}: OK against {store}: {len(resolved.group_names)} groups, "
        f"{len(resolved.feature_names)} features"
    )


@groupings.command("schema")
def schema_command() -> None:
    """Print the JSON Schema of the TOML format (for editors such as Taplo / Even Better TOML)."""
    from featurize.grouping import schema

    click.echo(json.dumps(schema(), indent=2))
