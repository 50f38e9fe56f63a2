"""The demo end to end: synthesize, extract, train, evaluate, explain, and check the explanations.

Everything goes through the library's own APIs (the corpus generator, the extraction
runner, :func:`featurize.learn.training.train` and ``evaluate``), so the demo exercises
exactly what the commands run. The output folder holds::

    corpus/             the synthetic clips, lyrics, tags.csv, factors.csv, manifest.json
    features.h5         the feature store
    models/<model>__<grouping>/    one trained model directory per model and grouping
    fresh/, fresh-features.h5      clips no model saw, tagged by every model (one explained)
    report.json         metrics, importances per tag, and whether the top group is causal
    importances-<grouping>.png     importances per tag, both models side by side
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from featurize.demo.extractors import Selection, runnable_plugins
from featurize.demo.fidelity import causal_groups, fidelity, verdicts
from featurize.learn.measures import RECOMMENDED
from featurize.plugin.manager import PluginManager
from featurize.synth import SynthConfig, generate_corpus
from featurize.synth.tags import tag_table

MODELS = ("em-banded", "xgboost")
GROUPINGS = ("user-friendly", "domain-expert")

Log = Callable[[str], None]


@attrs.frozen
class DemoOptions:
    """What the demo runs; the defaults keep it to a few minutes on 2 cores."""

    out: Path = attrs.field(converter=Path)
    clips: int = 300
    duration: float = 8.0
    seed: int = 0
    label_noise: float = 0.05
    workers: int | None = None
    repeats: int = 3
    models: tuple[str, ...] = attrs.field(default=MODELS, converter=tuple)
    groupings: tuple[str, ...] = attrs.field(default=GROUPINGS, converter=tuple)
    progress: bool | None = None


def _quiet(_: str) -> None:
    return None


def synthesize_corpus(options: DemoOptions, log: Log) -> Path:
    """Write (or reuse) the corpus; returns its folder."""
    from tqdm import tqdm

    folder = options.out / "corpus"
    config = SynthConfig(
        clips=options.clips, seed=options.seed, duration=options.duration, label_noise=options.label_noise, stems=False
    )
    if not _same_corpus(folder, config):
        # Features of another corpus would be resumed as if they were this one's: start afresh.
        for stale in options.out.glob("features.h5*"):
            stale.unlink()
    log(f"1/4 synthesizing {options.clips} clips of {options.duration:g} s into {folder}")
    with tqdm(total=options.clips, unit="clip", desc="synth", disable=_disabled(options.progress)) as bar:
        generate_corpus(folder, config, workers=_workers(options), overwrite=True, progress=bar.update)
    return folder


def _same_corpus(folder: Path, config: SynthConfig) -> bool:
    from featurize.synth import read_manifest

    return (folder / "manifest.json").exists() and read_manifest(folder)["config"] == config.to_dict()


def extract_features(options: DemoOptions, corpus: Path, selection: Selection, log: Log) -> dict[str, Any]:
    """Run the extraction runner over the corpus with the plugins that need no downloaded weights."""
    from featurize.runner.executors import default_workers
    from featurize.runner.inputs import discover
    from featurize.runner.run import extract
    from featurize.runner.worker import RunConfig

    store = options.out / "features.h5"
    log(f"2/4 extracting features with {', '.join(selection.plugins)} into {store}")
    for plugin, reason in selection.skipped.items():
        log(f"    skipped plugin {plugin}: {reason.splitlines()[0]}")
    workers = _workers(options)
    config = RunConfig.make(plugins=selection.plugins, threads=max(1, default_workers() // workers))
    summary = extract(
        discover([corpus / "clips"]),
        store,
        config=config,
        workers=workers,
        progress=options.progress,
        argv=["featurize", "demo"],
    )
    return {
        "store": str(store),
        "plugins": list(selection.plugins),
        "skipped": dict(selection.skipped),
        "tracks": summary.tracks,
        "done": summary.done,
        "failed": summary.failed,
        "failures": [list(f) for f in summary.failures[:20]],
    }


def train_judged(
    store: Path,
    labels: Path,
    model: str,
    grouping: str,
    *,
    repeats: int,
    seed: int,
    grouping_params: Mapping[str, Any] | None = None,
    output: Path | None = None,
    measures: Sequence[str] = ("paper", RECOMMENDED),
) -> dict[str, Any]:
    """Train ``model`` with ``grouping`` over ``repeats`` random splits and judge each measure per tag.

    ``verdicts`` and ``fidelity`` use the recommended held-out measure (when computed); every
    measure's own are under ``measures``, the paper's beside it.
    """
    from featurize.learn.explain import run_measures
    from featurize.learn.training import TrainOptions, train

    options = TrainOptions(
        model=model, grouping=grouping, repeats=repeats, seed=seed, grouping_params=dict(grouping_params or {})
    )
    result = train(store, labels, options, output=output)
    resolved = result.dataset.resolved
    causal = causal_groups(grouping, *_columns(resolved))
    per_tag = {tag: values["mean"] for tag, values in result.report["importances"]["per_target"].items()}
    judged = {"paper": verdicts(per_tag, resolved.group_names, causal)}
    held_out = run_measures(result, [m for m in measures if m != "paper"], seed=seed)
    judged |= {name: verdicts(values, resolved.group_names, causal) for name, values in held_out.items()}
    found = judged.get(RECOMMENDED, judged["paper"])
    test = result.report["metrics"]["test"]
    return {
        "model": model,
        "grouping": grouping,
        "groups": list(resolved.group_names),
        "missing_features": {g: list(f) for g, f in resolved.missing.items() if f},
        "metrics": {
            "roc_auc": test["roc_auc"],
            "pr_auc": test["pr_auc"],
            "per_tag_roc_auc": {t: v["roc_auc"]["mean"] for t, v in test["per_target"].items()},
        },
        "measure": RECOMMENDED if RECOMMENDED in judged else "paper",
        "verdicts": [v.to_dict() for v in found],
        "fidelity": fidelity(found),
        "measures": {
            name: {"fidelity": fidelity(found), "verdicts": [v.to_dict() for v in found]}
            for name, found in judged.items()
        },
    }


def _columns(resolved: Any) -> tuple[Any, Any, Any]:
    return resolved.feature_names, resolved.groups, resolved.group_names


def train_and_explain(options: DemoOptions, labels: Path, log: Log) -> list[dict[str, Any]]:
    """Train every model with every grouping; evaluate each on its held-out tracks; judge the explanations.

    Models and groupings come from every installed plugin, whatever ``--plugins`` selected for extraction.
    """
    from featurize.learn.training import evaluate

    store = options.out / "features.h5"
    runs = []
    for grouping in options.groupings:
        for model in options.models:
            directory = options.out / "models" / f"{model}__{grouping}"
            log(f"3/4 training {model} with the {grouping} grouping ({options.repeats} random splits)")
            run = train_judged(
                store, labels, model, grouping, repeats=options.repeats, seed=options.seed, output=directory
            )
            held_out = evaluate(directory, store, labels, tracks="held-out")["metrics"]["test"]
            run["directory"] = str(directory)
            run["held_out"] = {key: held_out[key]["mean"] for key in ("roc_auc", "pr_auc")}
            runs.append(run)
    return runs


def tag_fresh_clips(options: DemoOptions, runs: list[dict[str, Any]], log: Log) -> dict[str, Any]:
    """Synthesize clips no model has seen, tag them with every trained model, explain one track.

    The fresh clips get their features from the first model's recipe (every demo model uses the same
    extractors), through the same runner as ``featurize tag``.
    """
    from featurize.learn.modeldir import load_bundle
    from featurize.learn.tagging import TagOptions, tag_bundle
    from featurize.learn.why import explain_track, render
    from featurize.runner.executors import default_workers
    from featurize.runner.inputs import discover
    from featurize.runner.run import extract
    from featurize.runner.worker import RunConfig

    manager = PluginManager()
    count = max(12, options.clips // 10)
    folder, store = options.out / "fresh", options.out / "fresh-features.h5"
    log(f"    tagging {count} freshly synthesized clips with the trained models")
    config = SynthConfig(clips=count, seed=options.seed + 1, duration=options.duration, stems=False)
    generate_corpus(folder, config, workers=_workers(options), overwrite=True)
    bundles = [load_bundle(run["directory"], manager) for run in runs]
    recipe = bundles[0].recipe
    assert recipe is not None
    workers = _workers(options)
    extract(
        discover([folder / "clips"]),
        store,
        config=RunConfig.make(
            plugins=[step.name for step in recipe.extractors],
            params={step.name: step.params for step in recipe.extractors},
            threads=max(1, default_workers() // workers),
        ),
        workers=workers,
        progress=False,
        argv=["featurize", "demo"],
    )
    tagged = {}
    for run, bundle in zip(runs, bundles, strict=True):
        frame = tag_bundle(bundle, [store], TagOptions(top=3))
        given = frame[frame["predicted"] == 1]
        tagged[f"{run['model']} / {run['grouping']}"] = {
            "tracks": int(frame["track"].nunique()),
            "untagged": len(frame.attrs["untagged"]),
            "tags_given": len(given),
            "example": {t: list(g["tag"]) for t, g in list(given.groupby("track"))[:3]},
        }
    track = sorted(tagged_tracks(store))[0]
    explanation = render(track, explain_track(bundles[0], store, track, n_tags=1, n_features=2))
    return {
        "clips": count,
        "store": str(store),
        "models": tagged,
        "explained_by": runs[0]["directory"],
        "explanation": explanation,
    }


def tagged_tracks(store: Path) -> list[str]:
    from featurize.store import FeatureStore

    with FeatureStore(store) as opened:
        return list(opened.track_ids)


def run_demo(options: DemoOptions, *, manager: PluginManager | None = None, log: Log = _quiet) -> dict[str, Any]:
    """Run the whole demo and write its outputs under ``options.out``; returns the report.

    ``manager`` (default: every installed plugin) chooses the extractors; models and groupings
    are always looked up among all installed plugins.
    """
    from featurize.demo.plots import plot_demo
    from featurize.learn.report import to_json

    manager = manager or PluginManager()
    options.out.mkdir(parents=True, exist_ok=True)
    timings: dict[str, float] = {}
    started = time.monotonic()
    corpus = synthesize_corpus(options, log)
    timings["synth"] = time.monotonic() - started
    extraction = extract_features(options, corpus, runnable_plugins(manager), log)
    timings["extract"] = time.monotonic() - started - sum(timings.values())
    runs = train_and_explain(options, corpus / "tags.csv", log)
    timings["train"] = time.monotonic() - started - sum(timings.values())
    tagging = tag_fresh_clips(options, runs, log)
    timings["tag"] = time.monotonic() - started - sum(timings.values())
    log("4/4 writing the report and the plots")
    report = {
        "options": {k: (str(v) if isinstance(v, Path) else v) for k, v in attrs.asdict(options).items()},
        "corpus": {"folder": str(corpus), "labels": str(corpus / "tags.csv"), "tags": tag_table()},
        "extraction": extraction,
        "runs": runs,
        "tagging": tagging,
        "plots": [str(p) for p in plot_demo(runs, options.out)],
    }
    timings["total"] = time.monotonic() - started
    report["seconds"] = timings
    (options.out / "report.json").write_text(to_json(report), encoding="utf-8")
    return report


def _workers(options: DemoOptions) -> int:
    from featurize.runner.executors import default_workers

    return options.workers or default_workers()


def _disabled(progress: bool | None) -> bool | None:
    return None if progress is None else not progress
