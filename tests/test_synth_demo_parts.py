"""The demo's building blocks that need no plugin: extractor selection, fidelity scoring, report text."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from featurize.demo.extractors import runnable_plugins
from featurize.demo.fidelity import causal_groups, fidelity, verdicts
from featurize.demo.report import render_report
from featurize.plugin.manager import PluginManager
from featurize.synth import TAGS

HEADER = """
from featurize import hookimpl
from featurize.errors import MissingWeightsError
from featurize.extraction import Result
from featurize.plugin.descriptors import ArtifactInput, ArtifactSpec, ExtractorSpec, Feature, Param

WEIGHTS = (Param("weights", None, "model weights", type="path", affects_output=False),)
PROBED = []


def loads(**params):
    PROBED.append(params)
    return lambda track: Result()


def needs_weights(**params):
    PROBED.append(params)
    raise MissingWeightsError("no weights; pass --x-weights PATH")


def feature(name):
    return (Feature(name, "a toy feature", "signal processing"),)


def provides(name):
    return (ArtifactSpec(name, "record", "a toy artifact"),)
"""

PLUGINS = {
    # A feature extractor whose weights are missing: its plugin is left out.
    "demo_weighty": "ExtractorSpec(name='weighty', version='1', description='d', factory=needs_weights, "
    "features=feature('x'), params=WEIGHTS)",
    # Only an artifact provider, tried first for 'notes' and failing: left out.
    "demo_recogniser": "ExtractorSpec(name='recogniser', version='1', description='d', factory=needs_weights, "
    "artifacts=provides('notes'), params=WEIGHTS, priority=10)",
    # A consumer, a fallback provider that loads, and a transcriber behind it that is never tried.
    "demo_notes": "ExtractorSpec(name='counter', version='1', description='d', factory=loads, "
    "features=feature('count'), requires=(ArtifactInput('notes'),)), "
    "ExtractorSpec(name='matcher', version='1', description='d', factory=loads, artifacts=provides('notes')), "
    "ExtractorSpec(name='transcriber', version='1', description='d', factory=needs_weights, "
    "artifacts=provides('notes'), params=WEIGHTS, priority=-1)",
    # Weights found: kept.
    "demo_loaded": "ExtractorSpec(name='loaded', version='1', description='d', factory=loads, "
    "features=feature('y'), params=WEIGHTS)",
}


@pytest.fixture
def manager(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> PluginManager:
    for module, specs in PLUGINS.items():
        hook = f"\n\n@hookimpl\ndef featurize_extractors():\n    return [{specs}]\n"
        (tmp_path / f"{module}.py").write_text(textwrap.dedent(HEADER) + hook)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv("FEATURIZE_PLUGIN_MODULES", "")
    return PluginManager(entry_point_group="featurize-demo-test", extra_modules=tuple(PLUGINS))


def test_plugins_needing_missing_weights_are_left_out_with_the_reason(manager: PluginManager) -> None:
    import demo_notes
    import demo_weighty

    selection = runnable_plugins(manager)
    assert selection.plugins == ("demo_loaded", "demo_notes")
    assert set(selection.skipped) == {"demo_recogniser", "demo_weighty"}
    assert "pass --x-weights PATH" in selection.skipped["demo_weighty"]
    assert selection.skipped["demo_recogniser"].startswith("recogniser: MissingWeightsError")
    # Extractors without path parameters are not built; the transcriber behind the matcher is never tried.
    assert demo_notes.PROBED == [] and demo_weighty.PROBED == [{"weights": None}]


def _runs() -> list[dict]:
    groups = ["Brightness & Sharpness", "Danceability & Rhythm", "Tension & Complexity", "Acoustic Smoothness"]
    per_tag = {tag: [0.1, 0.2, 0.3, 0.4] for tag in TAGS}
    per_tag["bright"] = [0.7, 0.1, 0.1, 0.1]
    found = verdicts(per_tag, groups, causal_groups("user-friendly", [], [], groups))
    verdict_dicts = [v.to_dict() for v in found]
    metrics = {
        "roc_auc": {"mean": 0.8, "std": 0.01, "values": [0.8, 0.8]},
        "pr_auc": {"mean": 0.7, "std": 0.0, "values": [0.7]},
    }
    return [
        {
            "model": "em-banded",
            "grouping": "user-friendly",
            "groups": groups,
            "verdicts": verdict_dicts,
            "fidelity": fidelity(found),
            "held_out": {"roc_auc": 0.81, "pr_auc": 0.7},
            "metrics": metrics | {"per_tag_roc_auc": dict.fromkeys(TAGS, 0.8)},
        }
    ]


def test_semantic_groupings_take_the_rules_causal_group() -> None:
    run = _runs()[0]
    by_tag = {v["tag"]: v for v in run["verdicts"]}
    assert by_tag["bright"]["hit"] and by_tag["bright"]["top"] == "Brightness & Sharpness"
    assert by_tag["smooth"]["hit"] and by_tag["dark"]["hit"]  # both: Acoustic Smoothness
    assert by_tag["energetic"]["hit"] is False and by_tag["tense"]["hit"] is False
    assert by_tag["poetic"]["hit"] is None and by_tag["poetic"]["causal"] == []  # no Lyrical group here
    assert run["fidelity"] == {"hits": 3, "scored": 5, "rate": 0.6, "chance": 0.25, "top_share": pytest.approx(0.45)}


def test_other_groupings_take_the_group_holding_most_markers() -> None:
    names = ["essentia.spectral_centroid", "essentia.onset_rate", "essentia.spectral_rolloff", "lyrics.alliteration"]
    groups = [(0, 1), (2,), (3,)]
    causal = causal_groups("random", names, groups, ["1", "2", "3"])
    assert causal["bright"] == ("1", "2")  # one marker each: a tie, both count
    assert causal["energetic"] == ("1",) and causal["poetic"] == ("3",) and causal["tense"] == ()


def test_report_text_shows_metrics_importances_and_verdicts() -> None:
    report = {
        "extraction": {"done": 3, "tracks": 3, "failed": 0, "plugins": ["essentia"], "skipped": {"midlevel": "no"}},
        "runs": _runs(),
        "options": {"out": "demo"},
        "plots": ["demo/importances-user-friendly.png"],
        "seconds": {"synth": 1.0},
    }
    text = render_report(report)
    assert "skipped midlevel: no" in text and "0.8000 ± 0.0100" in text
    totals = next(line for line in text.splitlines() if line.startswith("causal group ranked first"))
    assert "no (Acoustic Smoothness)" in text and totals.endswith(" 3/5")
    assert "importances-user-friendly.png" in text


def test_a_tag_without_any_importance_is_a_miss_without_top_group() -> None:
    groups = ["Spectral", "Harmonic"]
    (verdict,) = verdicts({"bright": [float("nan"), float("nan")]}, groups, {"bright": ("Spectral",)})
    assert verdict.top is None and verdict.scored and not verdict.hit
    assert fidelity([verdict])["hits"] == 0 and fidelity([verdict])["scored"] == 1
