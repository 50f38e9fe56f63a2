"""``featurize msspt pretrain`` (stage 1) and ``featurize msspt backbone`` (stage 2).

Only click is imported here; torch and the training code load inside the commands.
Stage 3 is ``featurize train STORE --model msspt-cnn|msspt-ast`` (or :class:`MssptTagger`).
"""

from __future__ import annotations

import logging
from pathlib import Path

import click

from featurize.errors import FeaturizeError
from featurize_msspt.config import BACKBONES, MULTI, SIZES, SOURCES

EXPECTED = (FeaturizeError, OSError, ValueError)


@click.group("msspt")
def msspt() -> None:
    """Music taggers pre-trained by source separation (U-Net + Short-chunk CNN or AST).

    \b
    Stage 1: featurize msspt pretrain MUSDB18HQ_DIR -o separator/
    Stage 2: featurize msspt backbone labels.csv -o backbone/     (optional)
    Stage 3: featurize train STORE --labels tags.csv --model msspt-cnn --param pretrained=separator/ -o model/
    """


@msspt.command("pretrain")
@click.argument("root", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "-o", "--output", required=True, type=click.Path(file_okay=False, path_type=Path), help="Checkpoint directory."
)
@click.option("--source", type=click.Choice([*SOURCES, MULTI]), default="vocals", show_default=True)
@click.option("--size", type=click.Choice(SIZES), default="full", show_default=True, help="Network widths.")
@click.option("--steps", type=click.IntRange(min=1), default=300_000, show_default=True)
@click.option("--batch-size", type=click.IntRange(min=1), default=8, show_default=True)
@click.option(
    "--lr", type=click.FloatRange(min=0, min_open=True), help="Initial rate [default: the paper's per source]."
)
@click.option("--decay-every", type=click.IntRange(min=1), default=15_000, show_default=True, help="Steps per decay.")
@click.option("--decay", type=click.FloatRange(0, 1), default=0.9, show_default=True, help="Learning-rate factor.")
@click.option("--validate-every", type=click.IntRange(min=1), default=1_000, show_default=True)
@click.option("--segment-frames", type=click.IntRange(min=64), default=384, show_default=True)
@click.option("--cache", type=click.Path(file_okay=False, path_type=Path), help="Decoded-stem cache [OUTPUT/stems].")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--device", default="cpu", show_default=True, help="torch device, e.g. cuda.")
def pretrain(root: Path, output: Path, cache: Path | None, **settings: object) -> None:
    """Stage 1: train the U-Net separator on ROOT/train/<track>/{mixture,vocals,bass,drums,other}.wav.

    Examples are random remixes of the stems; validation on real mixtures of ROOT/valid when
    present. Full size needs a GPU (300k steps take weeks on a CPU).
    """
    from featurize_msspt.pretrain import PretrainSettings
    from featurize_msspt.pretrain import pretrain as run

    try:
        run(root, output, PretrainSettings(**settings), cache=cache or output / "stems", echo=click.echo)  # type: ignore[arg-type]
    except EXPECTED as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"separator saved to {output}")


@msspt.command("backbone")
@click.argument("manifest", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "-o", "--output", required=True, type=click.Path(file_okay=False, path_type=Path), help="Checkpoint directory."
)
@click.option("--backbone", type=click.Choice(BACKBONES), default="cnn", show_default=True)
@click.option("--size", type=click.Choice(SIZES), default="full", show_default=True, help="Network widths.")
@click.option("--epochs", type=click.IntRange(min=1), help="Maximum epochs [CNN 200, AST 17].")
@click.option("--lr", type=click.FloatRange(min=0, min_open=True), help="Adam rate [CNN 1e-4, AST 5e-5].")
@click.option("--batch-size", type=click.IntRange(min=2), help="Minibatch [CNN 16, AST 4].")
@click.option("--patience", type=click.IntRange(min=1), default=11, show_default=True, help="CNN schedule patience.")
@click.option("--validation-fraction", type=click.FloatRange(0, 1, max_open=True), default=0.1, show_default=True)
@click.option("--vit-weights", type=click.Path(path_type=Path), help="AST: ViT-B/16 ImageNet .npz to start from.")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--device", default="cpu", show_default=True, help="torch device, e.g. cuda.")
def backbone(manifest: Path, output: Path, **params: object) -> None:
    """Stage 2 (optional): train the back-bone alone on the mixture's log-mel.

    MANIFEST is a CSV (TSV if *.tsv) with a header: audio path (relative to the manifest), then
    a 'label' column (multi-class) or one 0/1 column per tag. The saved directory is the
    backbone_weights parameter of stage 3 (--param backbone_weights=DIR).
    """
    from featurize_msspt.estimator import MssptTagger
    from featurize_msspt.manifest import read_manifest

    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        paths, targets, columns = read_manifest(manifest)
        click.echo(f"stage 2: {params['backbone']} back-bone on {len(paths)} tracks ({', '.join(columns)})")
        MssptTagger(separation=False, **params).fit(paths, targets).save(output)  # type: ignore[arg-type]
    except EXPECTED as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"back-bone saved to {output}")
