"""``featurize import``: bring feature tables into a store (see :mod:`featurize.importing`)."""

from __future__ import annotations

from pathlib import Path

import click

from featurize.cli.context import fail, plugin_manager
from featurize.errors import FeaturizeError


@click.command(name="import")
@click.argument("tables", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True, help="STORE.h5.")
@click.option("--id-column", help="Column of track ids. Default: id, track, track_id, else the first column.")
@click.option("--name", "namespace", help="Namespace of the features (NAMESPACE.<column>). Default: the file name.")
@click.option("--columns", multiple=True, metavar="GLOB", help="Import only columns matching GLOB (repeatable).")
@click.option("--exclude", multiple=True, metavar="GLOB", help="Leave out columns matching GLOB (repeatable).")
@click.option("--schema", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="Sidecar FILE.toml.")
@click.option("--on-duplicate", type=click.Choice(["error", "first", "last"]), default="error", show_default=True)
def import_(
    tables: tuple[Path, ...],
    output: Path,
    id_column: str | None,
    namespace: str | None,
    columns: tuple[str, ...],
    exclude: tuple[str, ...],
    schema: Path | None,
    on_duplicate: str,
) -> None:
    """Import feature TABLES (CSV, TSV, Parquet, JSON lines) into a store.

    Column headers become feature names (lowercase, other characters to '_'); the header is kept as
    the feature's label. Importing the same table again writes nothing; a changed table replaces its
    namespace; tracks already in the store gain the imported columns by track id.
    """
    from featurize.importing import plan_import, read_schema, write_import

    try:
        entries = read_schema(schema) if schema else []
        reserved = list(plugin_manager().extractors())
        plans = [
            plan_import(
                table,
                name=namespace,
                id_column=id_column,
                columns=columns,
                exclude=exclude,
                schema=entries,
                schema_path=schema,
                on_duplicate=on_duplicate,  # type: ignore[arg-type]
                reserved=reserved,
            )
            for table in tables
        ]
        for message in write_import(output, plans, schema_text=schema.read_text() if schema else ""):
            click.echo(message)
    except FeaturizeError as error:
        fail(error)
