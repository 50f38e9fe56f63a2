"""Registration: entry point, canonical names, and an import-light plugin module."""

from __future__ import annotations

import subprocess
import sys

from featurize.plugin.descriptors import Source

CANONICAL = [
    "alliteration",
    "assonance",
    "consonance",
    "rhyme_density",
    "syllables_per_word",
    "total_syllables",
    "repetition_rate",
    "lexical_diversity",
    "words_per_second",
    "oov_rate",
]


def test_entry_point_registers_the_four_extractors(installed_extractor) -> None:
    lyrics = installed_extractor("lyrics")
    assert lyrics.plugin == "lyrics"
    assert lyrics.distribution.startswith("featurize-lyrics==")
    assert [f.name for f in lyrics.features] == CANONICAL
    assert lyrics.artifact_inputs == ["lyrics"]
    assert all(f.source is Source.NLP for f in lyrics.features)
    providers = {name: installed_extractor(name) for name in ("lyrics_file", "transcript")}
    assert {name: spec.priority for name, spec in providers.items()} == {"lyrics_file": 10, "transcript": 0}
    assert installed_extractor("transcript").artifact_inputs == ["vocals"]
    vocals = installed_extractor("vocals")
    assert [(a.name, a.stored) for a in vocals.artifacts] == [("vocals", False)]


def test_weight_locations_do_not_change_the_resume_key(installed_extractor) -> None:
    for name, path_param in (("vocals", "repo"), ("transcript", "weights")):
        params = {p.name: p for p in installed_extractor(name).params}
        assert params["model"].affects_output
        assert not params[path_param].affects_output
        assert params[path_param].type == "path"


def test_plugin_module_imports_nothing_heavy() -> None:
    heavy = ("numpy", "torch", "spacy", "whisper", "demucs", "pyphen", "featurize_lyrics.analysis")
    code = f"import sys, featurize_lyrics.plugin; print(sorted(m for m in {heavy!r} if m in sys.modules))"
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert output.strip() == "[]"
