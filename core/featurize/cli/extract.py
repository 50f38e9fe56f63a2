"""``featurize extract``: run the selected extractors over audio files into a store."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from featurize.cli.context import fail, plugin_manager
from featurize.errors import FeaturizeError

_CLICK_TYPES: dict[str, Any] = {
    "str": str,
    "int": int,
    "float": float,
    "bool": bool,
    "path": click.Path(path_type=Path),
}


def _param_options() -> list[click.Option]:
    """One ``--<extractor>-<param>`` option per declared parameter of every installed extractor."""
    options = []
    for spec in plugin_manager().extractors(selected_only=False).values():
        for param in spec.params:
            flag = f"--{spec.name}-{param.name}".replace("_", "-")
            options.append(
                click.Option(
                    [flag],
                    type=_CLICK_TYPES[param.type],
                    default=None,
                    show_default=False,
                    help=f"[{spec.name}] {param.help} (default: {param.default})",
                    expose_value=True,
                    is_flag=False,
                )
            )
    return options


def _collect_params(values: dict[str, Any]) -> dict[str, dict[str, Any]]:
    params: dict[str, dict[str, Any]] = {}
    for spec in plugin_manager().extractors(selected_only=False).values():
        for param in spec.params:
            value = values.get(f"{spec.name}_{param.name}".replace("-", "_"))
            if value is not None:
                params.setdefault(spec.name, {})[param.name] = value
    return params


def _summary(summary: Any, tracks: dict[str, Path]) -> str:
    """The run's counts, then its failures with identical causes folded into one line."""
    lines = [
        f"{summary.tracks} tracks: {summary.done} done, {summary.failed} failed, {summary.skipped} already complete "
        f"({summary.seconds:.1f} s)"
    ]
    causes: dict[tuple[str, str], list[str]] = {}
    for track, extractor, message in summary.failures:
        path = str(tracks.get(track, ""))
        cause = message.replace(path, "<track>") if path else message
        causes.setdefault((extractor, cause), []).append(track)
    for (extractor, cause), failed in list(causes.items())[:50]:
        if len(failed) == 1:
            lines.append(f"  FAILED {failed[0]} [{extractor}]: {cause.replace('<track>', str(tracks[failed[0]]))}")
        else:
            named = ", ".join(failed[:3]) + (", ..." if len(failed) > 3 else "")
            lines.append(f"  FAILED {len(failed)} tracks ({named}) [{extractor}]: {cause}")
    if len(causes) > 50:
        lines.append(f"  ... and {len(causes) - 50} more causes (see `featurize info STORE --failures`)")
    if summary.kept_failures:
        lines.append(
            f"  {summary.kept_failures} failure(s) of earlier runs are still in the store for these tracks: "
            "`featurize info STORE --failures` lists them, --retry-failed runs them again"
        )
    return "\n".join(lines)


def _run(
    inputs: tuple[str, ...],
    output: Path,
    lyrics: Path | None,
    executor: str,
    workers: int | None,
    scheduler: str | None,
    timeout: float | None,
    retry_failed: bool,
    progress: bool | None,
    **values: Any,
) -> None:
    """Extract features from INPUT files, folders (searched recursively) or manifest CSVs (id,audio[,lyrics]).

    Each track is decoded once per worker and served to every extractor. Re-running the same command resumes:
    finished (track, extractor, version, parameters) are skipped. The exit status is 1 when any track failed.

    \b
    Example:
      featurize --plugins essentia,fho extract songs/ -o features.h5
    """
    import sys

    from featurize.runner.executors import default_workers
    from featurize.runner.inputs import describe_skipped, read_inputs
    from featurize.runner.run import extract as run_extraction
    from featurize.runner.worker import RunConfig

    manager = plugin_manager()
    try:
        found = read_inputs(inputs, lyrics_dir=lyrics)
        if found.skipped:
            click.echo(describe_skipped(found.skipped), err=True)
        tracks = found.tracks
        pool_size = 1 if executor == "serial" else workers or default_workers()
        config = RunConfig.make(
            plugins=manager.selection, params=_collect_params(values), threads=max(1, default_workers() // pool_size)
        )
        summary = run_extraction(
            tracks,
            output,
            config=config,
            executor=executor,
            workers=1 if executor == "serial" else workers,
            scheduler=scheduler,
            timeout=timeout,
            retry_failed=retry_failed,
            progress=progress,
            argv=sys.argv,
        )
    except FeaturizeError as error:
        fail(error)
    click.echo(_summary(summary, {t.id: t.path for t in tracks}), err=True)
    if not summary.ok:
        raise SystemExit(1)


def _build() -> click.Command:
    params: list[click.Parameter] = [
        click.Argument(["inputs"], nargs=-1, required=True, metavar="INPUT..."),
        click.Option(
            ["-o", "--output"],
            type=click.Path(dir_okay=False, path_type=Path),
            required=True,
            help="The HDF5 store to create or complete.",
        ),
        click.Option(
            ["--lyrics"],
            type=click.Path(file_okay=False, exists=True, path_type=Path),
            help="Folder of lyrics files (.lrc/.txt) named like the audio files.",
        ),
        click.Option(
            ["--executor"],
            type=click.Choice(["process", "serial", "dask"]),
            default="process",
            show_default=True,
            help="Where tracks run.",
        ),
        click.Option(
            ["-j", "--workers"],
            type=click.IntRange(min=1),
            default=None,
            help="Worker processes (default: one per core).",
        ),
        click.Option(
            ["--scheduler"], metavar="ADDRESS", help="Dask scheduler address (default: start a local cluster)."
        ),
        click.Option(
            ["--timeout"],
            type=click.FloatRange(min=0, min_open=True),
            default=None,
            help="Seconds allowed per track; slower tracks fail, the batch goes on.",
        ),
        click.Option(["--retry-failed"], is_flag=True, help="Retry (track, extractor) pairs that failed before."),
        click.Option(["--progress/--no-progress"], default=None, help="Progress bar (default: on a terminal)."),
        *_param_options(),
    ]
    return click.Command(
        "extract",
        callback=_run,
        params=params,
        help=_run.__doc__,
        short_help="Extract features from audio into an HDF5 store.",
    )


extract = _build()
