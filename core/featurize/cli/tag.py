"""``featurize tag``: apply a trained model to new audio (extracting exactly its recipe) or to stores."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from featurize.cli.context import fail, plugin_manager
from featurize.errors import ConfigurationError, FeaturizeError

STORE_SUFFIXES = (".h5", ".hdf5")


def is_store(value: str) -> bool:
    """An INPUT naming an existing HDF5 file is a store; anything else is audio for ``extract``."""
    path = Path(value)
    return path.is_file() and path.suffix.lower() in STORE_SUFFIXES


def check_input(value: str) -> None:
    """Refuse a file that is neither audio, a manifest (.csv) nor a store, naming it."""
    from featurize.runner.inputs import AUDIO_EXTENSIONS

    path = Path(value)
    suffixes = {e.lower() if e.startswith(".") else f".{e.lower()}" for e in AUDIO_EXTENSIONS}
    if path.is_file() and path.suffix.lower() not in {*suffixes, ".csv", *STORE_SUFFIXES}:
        raise ConfigurationError(f"{path}: neither audio, a manifest (.csv) nor a featurize store (.h5)")


def default_store(output: str) -> Path:
    """The store beside OUT (``tags.csv`` -> ``tags.features.h5``), or in the working directory for ``-``."""
    if output == "-":
        return Path("featurize-tag.features.h5")
    path = Path(output)
    return path.with_name(path.stem + ".features.h5")


def extract_recipe(bundle: Any, inputs: tuple[str, ...], store: Path, run_options: dict[str, Any]) -> Any:
    """Run exactly the recipe's extractors with its parameters over the audio into ``store`` (resumes)."""
    import sys

    from featurize.runner.executors import default_workers
    from featurize.runner.inputs import discover
    from featurize.runner.run import extract as run_extraction
    from featurize.runner.worker import RunConfig

    recipe = bundle.recipe
    if recipe is None:
        raise ConfigurationError(
            f"{bundle.directory}: saved before model format 2, without the recipe tagging needs; "
            "retrain it with `featurize train`"
        )
    tracks = discover(inputs)
    executor, workers = run_options["executor"], run_options["workers"]
    pool_size = 1 if executor == "serial" else workers or default_workers()
    config = RunConfig.make(
        plugins=[step.name for step in recipe.extractors],
        params={step.name: step.params for step in recipe.extractors},
        threads=max(1, default_workers() // pool_size),
    )
    return run_extraction(
        tracks,
        store,
        config=config,
        executor=executor,
        workers=1 if executor == "serial" else workers,
        progress=run_options["progress"],
        argv=sys.argv,
    )


@click.command("tag")
@click.argument("model_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.argument("inputs", nargs=-1, required=True, metavar="INPUT...")
@click.option("-o", "--output", required=True, help="Tags file: .csv, .parquet, .json, or - for a table.")
@click.option("--store", type=click.Path(dir_okay=False, path_type=Path), help="Store for audio INPUT's features.")
@click.option("--top", type=click.IntRange(min=1), help="Keep the K best tags per track.")
@click.option("--tags", "tag_names", help="Comma-separated tags to keep.")
@click.option("--threshold", type=click.FloatRange(0, 1), help="Predicted when score >= X (overrides the model's).")
@click.option("--allow-version-mismatch", is_flag=True, help="Tag a store made by other extractor versions/params.")
@click.option("--impute", is_flag=True, help="Tag tracks with missing features (training mean; recorded).")
@click.option("--executor", type=click.Choice(["process", "serial", "dask"]), default="process", show_default=True)
@click.option("-j", "--workers", type=click.IntRange(min=1), default=None, help="Worker processes.")
@click.option("--progress/--no-progress", default=None, help="Progress bar (default: on a terminal).")
def tag(
    model_dir: Path,
    inputs: tuple[str, ...],
    output: str,
    store: Path | None,
    top: int | None,
    tag_names: str | None,
    threshold: float | None,
    allow_version_mismatch: bool,
    impute: bool,
    executor: str,
    workers: int | None,
    progress: bool | None,
) -> None:
    """Tag INPUT (audio files, folders, manifests, or stores) with the model in MODEL_DIR.

    Audio is extracted with exactly the model's recipe into --store (default: beside OUT); re-running
    resumes, so only new tracks are extracted. One row per (track, tag) with score, predicted, rank and
    the contribution of each feature group. Tracks that cannot be tagged are listed with the reason.

    \b
    Example:
      featurize tag model/ new-songs/ -o tags.csv --top 5
    """
    from featurize.learn.modeldir import load_bundle
    from featurize.learn.tagging import TagOptions, tag_bundle, write_tags

    options = TagOptions(
        threshold=threshold,
        top=top,
        tags=tuple(t.strip() for t in tag_names.split(",") if t.strip()) if tag_names else (),
        allow_version_mismatch=allow_version_mismatch,
        impute=impute,
    )
    try:
        bundle = load_bundle(model_dir, plugin_manager())
        stores = [Path(i) for i in inputs if is_store(i)]
        audio = tuple(i for i in inputs if not is_store(i))
        for value in audio:
            check_input(value)
        direct: list[tuple[str, Path]] = []
        if audio and bundle.input != "features":  # an audio model reads the audio itself: nothing to extract
            from featurize.runner.inputs import discover

            direct = [(track.id, track.path) for track in discover(audio)]
        elif audio:
            target = store or default_store(output)
            summary = extract_recipe(
                bundle, audio, target, {"executor": executor, "workers": workers, "progress": progress}
            )
            click.echo(
                f"features: {summary.tracks} tracks, {summary.done} extracted, {summary.skipped} already in {target}",
                err=True,
            )
            stores.append(target)
        frame = tag_bundle(bundle, stores, options, direct)
        write_tags(frame, output)
    except FeaturizeError as error:
        fail(error)
    for entry in frame.attrs["untagged"]:
        click.echo(f"not tagged: {entry['track']}: {entry['reason']}", err=True)
    click.echo(f"{frame['track'].nunique()} track(s) tagged, {len(frame.attrs['untagged'])} not tagged", err=True)


@click.command("why")
@click.argument("model_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.argument("store", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("track")
@click.option("--tag", "tag_name", help="Explain this tag (default: the track's best tags).")
@click.option("--top", type=click.IntRange(min=1), default=3, show_default=True, help="How many best tags.")
@click.option("--features", type=click.IntRange(min=1), default=3, show_default=True, help="Features per group.")
@click.option("--plot", type=click.Path(dir_okay=False, path_type=Path), help="Waterfall chart (.png or .svg).")
def why(
    model_dir: Path, store: Path, track: str, tag_name: str | None, top: int, features: int, plot: Path | None
) -> None:
    """Explain why TRACK of STORE gets its tags: group and feature contributions to each score.

    \b
    Example:
      featurize why model/ tags.features.h5 song042 --tag happy --plot why.png
    """
    from featurize.learn.modeldir import load_bundle
    from featurize.learn.why import explain_track, plot_waterfall, render

    try:
        bundle = load_bundle(model_dir, plugin_manager())
        explanations = explain_track(bundle, store, track, tag=tag_name, n_tags=top, n_features=features)
        if plot is not None:
            plot_waterfall(explanations, plot)
    except FeaturizeError as error:
        fail(error)
    click.echo(render(track, explanations))
