"""``featurize train``, ``evaluate``, ``explain`` and ``compare``: models over a feature store.

The work is done by :mod:`featurize.learn`; these commands parse options, print the readable
reports and turn expected errors into one-line messages.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any, TypeVar

import click

from featurize.cli.context import fail, plugin_manager
from featurize.cli.groupings import parse_params, resolution_options
from featurize.errors import FeaturizeError

F = TypeVar("F", bound=Callable[..., Any])

LABEL_FORMATS = ("auto", "generic", "mtg-jamendo", "magnatagatune", "fma")


@contextmanager
def _expected_errors() -> Iterator[None]:
    """Errors of the input (labels, grouping, model parameters) exit with their message, no traceback."""
    try:
        yield
    except (FeaturizeError, ValueError) as error:
        fail(error)


def _existing(dir_okay: bool = False) -> click.Path:
    return click.Path(exists=True, dir_okay=dir_okay, file_okay=not dir_okay, path_type=Path)


def label_options(command: F) -> F:
    """``--labels FILE`` (repeatable) and ``--labels-format``."""
    command = click.option(
        "--labels-format",
        type=click.Choice(LABEL_FORMATS),
        default="auto",
        show_default=True,
        help="Format of the label files (auto: detected from the header).",
    )(command)
    return click.option(
        "--labels",
        "labels",
        multiple=True,
        required=True,
        type=_existing(),
        help="Label file: generic CSV/TSV, MTG-Jamendo split TSV, MagnaTagATune annotations_final.csv or FMA "
        "tracks.csv. Repeatable (e.g. the train, validation and test files of a split).",
    )(command)


def experiment_options(command: F) -> F:
    """The options shared by ``train`` and ``compare``: task, split, repeats, seed, metrics."""
    decorators = [
        click.option(
            "--task",
            type=click.Choice(["auto", "multilabel", "multiclass"]),
            default="auto",
            show_default=True,
            help="auto: multi-class when every track has exactly one tag, else multi-label.",
        ),
        click.option(
            "--split",
            type=click.Choice(["auto", "own", "random"]),
            default="auto",
            show_default=True,
            help="own: the labels' train/validation/test split; random: seeded random splits; "
            "auto: own when the labels have one.",
        ),
        click.option(
            "--test-size",
            type=click.FloatRange(0, 1, min_open=True, max_open=True),
            default=0.2,
            show_default=True,
            help="Fraction of tracks held out by a random split.",
        ),
        click.option(
            "--repeats",
            type=click.IntRange(min=1),
            default=1,
            show_default=True,
            help="Run N seeded splits (seeds S, S+1, ...) and report mean and spread.",
        ),
        click.option("--seed", type=int, default=0, show_default=True, help="Seed of the first split."),
        click.option(
            "--softmax",
            is_flag=True,
            help="Softmax across tags before the AUCs, as the SAMAT scripts did (a quirk; off by default).",
        ),
        click.option("--top-tags", type=click.IntRange(min=1), help="Keep only the N most frequent tags."),
    ]
    for decorator in reversed(decorators):
        command = decorator(command)
    return command


def _options(**values: Any) -> Any:
    from featurize.learn.training import TrainOptions

    return TrainOptions(**values)


@click.command("train", short_help="Train a model on a store's features and a label file.")
@click.argument("store", type=_existing())
@label_options
@click.option("--grouping", metavar="NAME|FILE.toml", help="Feature grouping (required for feature models).")
@resolution_options
@click.option("--model", required=True, metavar="NAME", help="Model to train, e.g. em-banded or xgboost.")
@click.option("--param", "model_params", multiple=True, metavar="KEY=VALUE", help="Model parameter. Repeatable.")
@experiment_options
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Model directory to write (model, grouping, standardiser, labels, report).",
)
@click.pass_context
def train(
    ctx: click.Context,
    store: Path,
    labels: tuple[Path, ...],
    labels_format: str,
    grouping: str | None,
    without: tuple[str, ...],
    params: tuple[str, ...],
    strict: bool,
    model: str,
    model_params: tuple[str, ...],
    task: str,
    split: str,
    test_size: float,
    repeats: int,
    seed: int,
    softmax: bool,
    top_tags: int | None,
    output: Path,
) -> None:
    """Train MODEL on STORE's features (grouped by --grouping) against --labels; write -o MODEL_DIR.

    \b
    Example:
      featurize train features.h5 --labels tags.tsv --grouping user-friendly \\
          --model em-banded --repeats 5 -o model/
    """
    from featurize.learn.report import render
    from featurize.learn.training import train as run_training

    with _expected_errors():
        options = _options(
            model=model,
            grouping=grouping,
            without=without,
            grouping_params=parse_params(params),
            params=_model_params(model_params),
            task=task,
            repeats=repeats,
            seed=seed,
            test_size=test_size,
            split=split,
            softmax=softmax,
            strict=strict,
            labels_format=labels_format,
            top_tags=top_tags,
        )
        result = run_training(store, labels, options, output=output, manager=plugin_manager(), command=ctx.command_path)
    click.echo(render(result.report))
    click.echo(f"\nModel written to {output}")


def _model_params(pairs: Sequence[str]) -> dict[str, str]:
    try:
        return parse_params(pairs)
    except click.BadParameter as error:
        raise click.BadParameter(error.message, param_hint="--param") from None


@click.command("evaluate", short_help="Score a trained model on a store's labelled tracks.")
@click.argument("model_dir", type=_existing(dir_okay=True))
@click.argument("store", type=_existing())
@label_options
@click.option(
    "--tracks",
    type=click.Choice(["unseen", "held-out", "all"]),
    default="unseen",
    show_default=True,
    help="unseen: every track but the model's training tracks; held-out: only its training-time test "
    "tracks; all: training tracks too (labelled as such, not a test score).",
)
@click.option(
    "--predictions",
    type=click.Path(dir_okay=False),
    help="Also write the evaluated tracks' scores in the `featurize tag` format (.csv/.parquet/.json).",
)
@click.option("--softmax/--no-softmax", default=None, help="Override the model's softmax-before-AUC setting.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Also write the report as JSON.")
@click.pass_context
def evaluate(
    ctx: click.Context,
    model_dir: Path,
    store: Path,
    labels: tuple[Path, ...],
    labels_format: str,
    tracks: str,
    softmax: bool | None,
    predictions: str | None,
    output: Path | None,
) -> None:
    """Score the model in MODEL_DIR on STORE against --labels, leaving out its training tracks by default."""
    from featurize.learn.report import render, to_json
    from featurize.learn.training import evaluate as run_evaluation

    with _expected_errors():
        report = run_evaluation(
            model_dir,
            store,
            labels,
            labels_format=labels_format,
            tracks=tracks,
            softmax=softmax,
            manager=plugin_manager(),
            command=ctx.command_path,
            predictions=predictions,
        )
    if tracks == "all":
        click.echo(
            "warning: --tracks all includes the model's training tracks; these metrics are not a test score", err=True
        )
    click.echo(render(report))
    if output is not None:
        output.write_text(to_json(report))


@click.command("explain", short_help="Group importances of a model, checked on held-out tracks; plots; rankings.")
@click.argument("model_dir", type=_existing(dir_okay=True))
@click.argument("store", type=_existing(), required=False)
@click.option(
    "--labels",
    "labels",
    multiple=True,
    type=_existing(),
    help="Label files of STORE (held-out evidence: its labelled tracks outside the training split). Repeatable.",
)
@click.option("--labels-format", type=click.Choice(LABEL_FORMATS), default="auto", show_default=True)
@click.option(
    "--measure",
    "measures",
    multiple=True,
    type=click.Choice(["paper", "contribution", "permutation", "ablation", "all"]),
    help="Importance measure(s) to compute side by side (see docs/models.md). Repeatable; all: every one.",
)
@click.option("--repeats", type=click.IntRange(1), default=5, show_default=True, help="Permutations / refits.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of permutations and ablation subsets.")
@click.option("--target", "targets", multiple=True, metavar="TAG", help="Show only these targets. Repeatable.")
@click.option("--plot", type=click.Path(dir_okay=False, path_type=Path), help="Write a plot (.png or .svg).")
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write the measures as JSON (FILE.json)."
)
@click.option(
    "--reference",
    type=_existing(),
    metavar="RANKING.toml",
    help="Compare with a human ranking of the groups (sum of absolute rank differences).",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
def explain(
    model_dir: Path,
    store: Path | None,
    labels: tuple[Path, ...],
    labels_format: str,
    measures: tuple[str, ...],
    repeats: int,
    seed: int,
    targets: tuple[str, ...],
    plot: Path | None,
    output: Path | None,
    reference: Path | None,
    as_json: bool,
) -> None:
    """Group importances of the model in MODEL_DIR, per target and overall.

    With --measure, the measures are computed on held-out tracks: the model's test split, or
    the labelled tracks of STORE (with --labels) outside its training split.
    """
    from featurize.learn.explain import Importances, compare_with_reference
    from featurize.learn.modeldir import load_bundle

    if bool(store) != bool(labels):
        fail(FeaturizeError("give STORE and --labels together (the held-out evidence), or neither"))
    with _expected_errors():
        bundle = load_bundle(model_dir, plugin_manager())
        if measures:
            _explain_measures(
                bundle, measures, store, labels, labels_format, repeats, seed, targets, plot, output, as_json
            )
            return
        report = bundle.report()
        importances = Importances.from_report(report)
        if importances is None:
            message = f"model {bundle.manifest['model']!r} ({bundle.input} input) has no group importances."
            if plot is not None or reference is not None or output is not None:
                fail(FeaturizeError(message + " Nothing to plot, compare or write."))
            click.echo(message)
            return
        comparisons = compare_with_reference(importances, reference) if reference else []
        if plot is not None:
            from featurize.learn.plots import plot_importances

            plot_importances(importances, plot, title=f"{bundle.manifest['model']} / {bundle.manifest['grouping']}")
        for target in targets:
            importances.vector(target)
    if as_json:
        payload = {"importances": report["importances"], "reference": [c.to_dict() for c in comparisons]}
        click.echo(json.dumps(payload, indent=2))
        return
    click.echo(f"{bundle.manifest['model']} on {bundle.manifest['grouping']}: group importances (rows sum to 1)")
    click.echo(importances.render(targets))
    for comparison in comparisons:
        click.echo("\n" + comparison.render())
    if plot is not None:
        click.echo(f"\nPlot written to {plot}")


def _explain_measures(
    bundle: Any,
    measures: tuple[str, ...],
    store: Path | None,
    labels: tuple[Path, ...],
    labels_format: str,
    repeats: int,
    seed: int,
    targets: tuple[str, ...],
    plot: Path | None,
    output: Path | None,
    as_json: bool,
) -> None:
    """``explain --measure``: the measures side by side, Kendall tau, notes; JSON and plot on request."""
    from featurize.learn.explain import explain_model
    from featurize.learn.measures import MEASURES, ablation_cost
    from featurize.learn.report import to_json

    chosen = list(MEASURES) if "all" in measures else list(dict.fromkeys(measures))
    total = ablation_cost(len(bundle.grouping.group_names), repeats) if bundle.grouping and "ablation" in chosen else 0
    if total:
        click.echo(f"ablation: {total} refits ({repeats} repeat(s) x (each group left out + the full model))", err=True)
    bar = click.progressbar(length=total, label="ablation refits", file=sys.stderr) if total else nullcontext()
    with bar as shown:
        explanation = explain_model(
            bundle,
            chosen,
            store=store,
            labels=labels,
            labels_format=labels_format,
            repeats=repeats,
            seed=seed,
            progress=shown.update if total else None,
            manager=plugin_manager(),
        )
    for target in targets:
        if target not in explanation.targets:
            raise FeaturizeError(f"no target {target!r}; targets: {', '.join(explanation.targets)}")
    if output is not None:
        output.write_text(to_json(explanation.to_dict()))
    if plot is not None:
        from featurize.learn.plots import plot_measures

        plot_measures(explanation, plot, target=targets[0] if len(targets) == 1 else "overall")
    if as_json:
        click.echo(to_json(explanation.to_dict()), nl=False)
        return
    click.echo(explanation.render(targets))
    for path, what in ((output, "Measures"), (plot, "Plot")):
        if path is not None:
            click.echo(f"\n{what} written to {path}")


@click.command("compare", short_help="Groupings x models x with/without a group, in one table.")
@click.argument("store", type=_existing())
@label_options
@click.option(
    "--grouping",
    "groupings",
    multiple=True,
    required=True,
    metavar="NAME|FILE.toml",
    help="Grouping to compare. Repeatable.",
)
@click.option("--model", "models", multiple=True, required=True, metavar="NAME", help="Model. Repeatable.")
@click.option(
    "--without",
    multiple=True,
    metavar="GROUP",
    help="Also run each grouping without this group (e.g. Lyrical). Repeatable.",
)
@click.option(
    "--param",
    "model_params",
    multiple=True,
    metavar="MODEL:KEY=VALUE",
    help="Parameter of one model, e.g. xgboost:n_estimators=100. Repeatable.",
)
@experiment_options
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Also write the results as JSON.")
def compare(
    store: Path,
    labels: tuple[Path, ...],
    labels_format: str,
    groupings: tuple[str, ...],
    models: tuple[str, ...],
    without: tuple[str, ...],
    model_params: tuple[str, ...],
    task: str,
    split: str,
    test_size: float,
    repeats: int,
    seed: int,
    softmax: bool,
    top_tags: int | None,
    output: Path | None,
) -> None:
    """Train every --model on every --grouping (and without each --without group); print one table."""
    from featurize.learn.compare import compare as run_comparison
    from featurize.learn.compare import render_comparison
    from featurize.learn.report import to_json

    with _expected_errors():
        base = _options(
            model=models[0],
            task=task,
            repeats=repeats,
            seed=seed,
            test_size=test_size,
            split=split,
            softmax=softmax,
            labels_format=labels_format,
            top_tags=top_tags,
        )
        result = run_comparison(
            store,
            labels,
            groupings=groupings,
            models=models,
            without=without,
            params=_per_model_params(model_params, models),
            base=base,
            manager=plugin_manager(),
        )
    click.echo(render_comparison(result))
    if output is not None:
        output.write_text(to_json(result))


def _per_model_params(pairs: Sequence[str], models: Sequence[str]) -> dict[str, dict[str, str]]:
    found: dict[str, dict[str, str]] = {}
    for pair in pairs:
        model, sep, rest = pair.partition(":")
        if not sep or model not in models:
            raise click.BadParameter(
                f"{pair!r} is not MODEL:KEY=VALUE for one of {', '.join(models)}", param_hint="--param"
            )
        found.setdefault(model, {}).update(_model_params([rest]))
    return found
