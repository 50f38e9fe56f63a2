"""``featurize midlevel train``: the command line of the plugin (click only at import)."""

from __future__ import annotations

from pathlib import Path

import click

from featurize_midlevel.catalog import ARCHITECTURES


@click.group(name="midlevel")
def midlevel() -> None:
    """Mid-level perceptual features: train the model that `featurize extract` uses."""


@midlevel.command()
@click.argument("dataset_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Weights file to write (.safetensors; the .json config goes beside it). "
    "Default: the location extraction reads, ~/.cache/featurize/midlevel/<architecture>.safetensors "
    "(or $FEATURIZE_MIDLEVEL_DIR).",
)
@click.option("--architecture", type=click.Choice(list(ARCHITECTURES)), default="vgg", show_default=True)
@click.option("--width", type=click.IntRange(min=1), default=None, help="Base channel count [vgg 64, resnet 128].")
@click.option("--epochs", type=click.IntRange(min=1), default=200, show_default=True, help="Maximum epochs.")
@click.option("--batch-size", type=click.IntRange(min=1), default=8, show_default=True)
@click.option("--learning-rate", type=click.FloatRange(min=0, min_open=True), default=1e-3, show_default=True)
@click.option(
    "--patience",
    type=click.IntRange(min=1),
    default=13,
    show_default=True,
    help="Stop after this many epochs without a better validation mean Pearson r.",
)
@click.option("--test-fraction", type=click.FloatRange(0, 1, max_open=True), default=0.1, show_default=True)
@click.option("--validation-fraction", type=click.FloatRange(0, 1, max_open=True), default=0.2, show_default=True)
@click.option("--seed", type=int, default=42, show_default=True)
@click.option("--threads", type=click.IntRange(min=0), default=0, help="torch CPU threads (default: all cores).")
@click.option("--quiet", is_flag=True, help="No progress bars.")
def train(
    dataset_dir: Path,
    output: Path | None,
    architecture: str,
    width: int | None,
    epochs: int,
    batch_size: int,
    learning_rate: float,
    patience: int,
    test_fraction: float,
    validation_fraction: float,
    seed: int,
    threads: int,
    quiet: bool,
) -> None:
    """Train the mid-level model on the Aljanaki & Soleymani dataset in DATASET_DIR.

    DATASET_DIR holds metadata_annotations/metadata.csv, metadata_annotations/annotations.csv
    and audio/<song id>.mp3, as published at https://osf.io/5aupt. The test split is
    artist-disjoint; training stops early on the validation mean Pearson r, and the
    per-feature Pearson r is printed at the end.
    """
    from featurize.cli.context import fail
    from featurize.errors import FeaturizeError
    from featurize_midlevel.training import TrainingOptions
    from featurize_midlevel.training import train as run
    from featurize_midlevel.weights import default_weights_path

    output = output or default_weights_path(architecture)
    if output.suffix != ".safetensors":
        raise click.BadParameter(f"{output} must end in .safetensors", param_hint="--output")
    options = TrainingOptions(
        architecture=architecture,
        width=width,
        epochs=epochs,
        batch_size=batch_size,
        learning_rate=learning_rate,
        patience=patience,
        test_fraction=test_fraction,
        validation_fraction=validation_fraction,
        seed=seed,
        threads=threads,
    )
    try:
        report = run(dataset_dir, output, options, progress=not quiet)
    except FeaturizeError as error:
        fail(error)
    for line in report.lines():
        click.echo(line)
    for reason in report.skipped:
        click.echo(f"skipped: {reason}", err=True)
    click.echo(f"saved {output} and {output.with_suffix('.json').name}")
