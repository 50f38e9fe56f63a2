"""Commands that describe what is installed and what a store holds."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from featurize.cli.context import fail, plugin_manager
from featurize.errors import FeaturizeError

if TYPE_CHECKING:
    from featurize.store.records import ExtractorMeta


def _table(rows: list[tuple[str, ...]], header: tuple[str, ...]) -> str:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in [header, *rows]]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _params(meta: ExtractorMeta) -> str:
    """An extractor's parameters; for an imported namespace its table and hash (labels are long)."""
    if meta.plugin == "import":
        return f"table {meta.params['table']}, sha256 {meta.params['sha256'][:12]}"
    return meta.params_json


@click.command()
def plugins() -> None:
    """List installed plugins: what each provides, and the broken ones with their error."""
    manager = plugin_manager()
    extractors = manager.extractors()
    groupings, models = manager.groupings(), manager.models()
    rows = []
    for info in sorted(manager.plugins, key=lambda i: (i.internal, i.name)):
        if info.broken:
            rows.append((info.name, info.distribution, info.version, "BROKEN", "-"))
            continue
        kinds = [
            ("extractor", [e for e in extractors.values() if e.plugin == info.name]),
            ("grouping", [g for g in groupings.values() if g.plugin == info.name]),
            ("model", [m for m in models.values() if m.plugin == info.name]),
        ]
        provided = ", ".join(f"{kind} {c.name}" for kind, components in kinds for c in components) or "commands"
        n_features = sum(len(e.features) for e in extractors.values() if e.plugin == info.name)
        rows.append((info.name, info.distribution, info.version, provided, str(n_features)))
    click.echo(_table(rows, ("plugin", "distribution", "version", "provides", "features")))
    for info in manager.plugins:
        if info.broken:
            click.echo(f"\nplugin {info.name!r} ({info.distribution}) is broken: {info.error}", err=True)


@click.command()
@click.option("--artifacts", is_flag=True, help="List artifacts instead of scalar features.")
def features(artifacts: bool) -> None:
    """List the features (or artifacts) of the selected extractors."""
    specs = plugin_manager().extractors().values()
    if artifacts:
        rows = [
            (f"{s.name}:{a.name}", str(a.kind), f"priority {s.priority}", a.description)
            for s in specs
            for a in s.artifacts
        ]
        click.echo(_table(rows, ("artifact", "kind", "provider", "description")))
        return
    rows = [(f"{s.name}.{f.name}", f.unit or "-", str(f.source), f.description) for s in specs for f in s.features]
    click.echo(_table(rows, ("feature", "unit", "source", "description")))


@click.command()
@click.argument("store", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--failures", "show_failures", is_flag=True, help="List every failure with its message.")
@click.option("--verify", is_flag=True, help="Read every chunk and report damaged data by extractor and track rows.")
def info(store: Path, show_failures: bool, verify: bool) -> None:
    """Summarise STORE: tracks, extractors with versions and completion, failures, runs."""
    import numpy as np

    from featurize.store import FeatureStore, Status

    if verify:
        _verify(store)
    try:
        with FeatureStore(store) as opened:
            click.echo(
                f"{store}: {len(opened)} tracks, {len(opened.feature_names)} features, {len(opened.runs())} runs"
            )
            rows = []
            for name, meta in opened.extractors.items():
                status = opened.status(name)
                rows.append(
                    (
                        name,
                        meta.version,
                        meta.distribution,
                        str(len(meta.features)),
                        str(int(np.sum(status == Status.OK))),
                        str(int(np.sum(status == Status.FAILED))),
                        _params(meta),
                    )
                )
            click.echo(_table(rows, ("extractor", "version", "distribution", "features", "ok", "failed", "params")))
            failures = opened.failures()
            if failures:
                click.echo(f"\n{len(failures)} failures" + ("" if show_failures else " (--failures lists them)"))
            elif show_failures:
                click.echo("\nno failures")
            if show_failures:
                for failure in failures:
                    click.echo(f"  {failure.track} [{failure.extractor}] {failure.error_type}: {failure.message}")
    except FeaturizeError as error:
        fail(error)


def _verify(store: Path) -> None:
    """``info --verify``: exit 1 with the damage listed, or say that every chunk was read back."""
    from featurize.store.verify import verify

    try:
        result = verify(store)
    except FeaturizeError as error:
        fail(error)
    if result.ok:
        click.echo(
            f"{store}: verified: {result.datasets} datasets read back, "
            f"{result.checksummed} of them with per-chunk checksums"
        )
        return
    click.echo(f"{store}: DAMAGED: {len(result.damage)} damaged part(s):", err=True)
    for damage in result.damage:
        click.echo(f"  {damage.describe()}", err=True)
    click.echo("Re-extract the affected tracks into a new store (the damaged one is never written to).", err=True)
    raise SystemExit(1)


@click.command()
@click.argument("store", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True, help="FILE.csv or FILE.parquet."
)
@click.option(
    "--features",
    "patterns",
    multiple=True,
    metavar="NAME|GLOB",
    help="Only these features (repeatable; globs such as 'essentia.spectral_*').",
)
def export(store: Path, output: Path, patterns: tuple[str, ...]) -> None:
    """Export the feature matrix of STORE as CSV or Parquet, one row per track."""
    from featurize.store import FeatureStore

    try:
        with FeatureStore(store) as opened:
            opened.export(output, list(patterns) or None)
    except FeaturizeError as error:
        fail(error)
    except ImportError as error:
        fail(RuntimeError(f"exporting needs pandas (and pyarrow for Parquet): pip install featurize[export] ({error})"))
    click.echo(f"wrote {output}", err=True)
