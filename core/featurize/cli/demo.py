"""``featurize demo``: synthesize a corpus, extract, train, evaluate and explain, end to end."""

from __future__ import annotations

from pathlib import Path

import click

from featurize.cli.context import fail
from featurize.errors import FeaturizeError


@click.command("demo", short_help="Run the whole pipeline on a synthetic corpus with known causes.")
@click.option(
    "-o",
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("featurize-demo"),
    show_default=True,
    help="Output folder (corpus, store, models, report, plots).",
)
@click.option("-n", "--clips", type=click.IntRange(min=20), default=300, show_default=True, help="Number of clips.")
@click.option("--duration", type=click.FloatRange(min=4.0), default=8.0, show_default=True, help="Seconds per clip.")
@click.option("-j", "--workers", type=click.IntRange(min=1), default=None, help="Processes (default: one per core).")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the corpus and of the splits.")
@click.option(
    "--label-noise",
    type=click.FloatRange(0.0, 0.5),
    default=0.05,
    show_default=True,
    help="Probability that each (clip, tag) label is flipped.",
)
@click.option(
    "--repeats", type=click.IntRange(min=1), default=3, show_default=True, help="Random train/test splits per model."
)
@click.option("--progress/--no-progress", default=None, help="Progress bars (default: on a terminal).")
def demo(
    out: Path,
    clips: int,
    duration: float,
    workers: int | None,
    seed: int,
    label_noise: float,
    repeats: int,
    progress: bool | None,
) -> None:
    """Synthesize clips whose tags have known causes, extract features with every installed extractor
    that needs no downloaded weights, train EM-banded and XGBoost with the user-friendly and
    domain-expert groupings, evaluate them, and show for each tag whether the most important group
    is the one that truly causes it. Takes a few minutes on 2 cores with the defaults.

    \b
    Example:
      featurize demo --out demo/ --clips 200
    """
    from featurize.cli.context import plugin_manager
    from featurize.demo import DemoOptions, render_report, run_demo

    options = DemoOptions(
        out=out,
        clips=clips,
        duration=duration,
        seed=seed,
        label_noise=label_noise,
        workers=workers,
        repeats=repeats,
        progress=progress,
    )
    try:
        report = run_demo(options, manager=plugin_manager(), log=lambda line: click.echo(line, err=True))
    except FeaturizeError as error:
        fail(error)
    click.echo(render_report(report))
