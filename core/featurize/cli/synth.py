"""``featurize synth``: write a synthetic corpus whose tags have known causes."""

from __future__ import annotations

from pathlib import Path

import click

from featurize.cli.context import fail
from featurize.errors import FeaturizeError


@click.command("synth", short_help="Synthesize a corpus of clips whose tags have known causes.")
@click.argument("out", type=click.Path(file_okay=False, path_type=Path))
@click.option("-n", "--clips", type=click.IntRange(min=1), default=200, show_default=True, help="Number of clips.")
@click.option("--seed", type=int, default=0, show_default=True, help="Corpus seed (clip i depends only on seed and i).")
@click.option("--duration", type=click.FloatRange(min=1.0), default=10.0, show_default=True, help="Seconds per clip.")
@click.option(
    "--sr",
    type=click.Choice(["22050", "44100"]),
    default="22050",
    show_default=True,
    help="Sample rate of the written audio.",
)
@click.option(
    "--label-noise",
    type=click.FloatRange(0.0, 0.5),
    default=0.0,
    show_default=True,
    help="Probability that each (clip, tag) label is flipped.",
)
@click.option(
    "--stems/--no-stems",
    default=True,
    show_default=True,
    help="Also write stems in the musdb18-HQ layout (stems/train/<id>/*.wav).",
)
@click.option("-j", "--workers", type=click.IntRange(min=1), default=None, help="Processes (default: one per core).")
@click.option("--overwrite", is_flag=True, help="Replace a corpus made with another configuration in OUT.")
@click.option("--progress/--no-progress", default=None, help="Progress bar (default: on a terminal).")
def synth(
    out: Path,
    clips: int,
    seed: int,
    duration: float,
    sr: str,
    label_noise: float,
    stems: bool,
    workers: int | None,
    overwrite: bool,
    progress: bool | None,
) -> None:
    """Write OUT/clips/*.wav with lyrics sidecars, OUT/tags.csv, OUT/factors.csv and OUT/manifest.json.

    Every clip is rendered from hidden factors (key, mode, progression type, tempo, drum density,
    brightness, attack, register, dynamics, lyric style); tags follow documented rules over them
    (see docs/demo.md). Extract features with `featurize extract OUT/clips -o features.h5`.
    """
    import sys

    from tqdm import tqdm

    from featurize.runner.executors import default_workers
    from featurize.synth import SynthConfig, generate_corpus
    from featurize.synth.tags import TAGS

    try:
        config = SynthConfig(
            clips=clips, seed=seed, duration=duration, sr=int(sr), label_noise=label_noise, stems=stems
        )
        with tqdm(
            total=clips, unit="clip", file=sys.stderr, disable=None if progress is None else not progress, desc="synth"
        ) as bar:
            manifest = generate_corpus(
                out, config, workers=workers or default_workers(), overwrite=overwrite, progress=bar.update
            )
    except FeaturizeError as error:
        fail(error)
    rates = {t: sum(c["tags"][t] for c in manifest["clips"]) / len(manifest["clips"]) for t in TAGS}
    click.echo(
        f"{len(manifest['clips'])} clips in {out}  (tags: {out / 'tags.csv'}, manifest: {out / 'manifest.json'})"
    )
    click.echo("positive rate per tag: " + ", ".join(f"{t} {r:.2f}" for t, r in rates.items()))
