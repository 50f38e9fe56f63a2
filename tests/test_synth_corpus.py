"""The synthetic corpus on disk: determinism, layout for extract and musdb18, manifest and tables."""

from __future__ import annotations

import csv
import itertools
import json
from pathlib import Path

import numpy as np
import pytest
import soundfile
from click.testing import CliRunner

from featurize.cli import cli
from featurize.errors import ConfigurationError
from featurize.runner.inputs import discover
from featurize.synth import STEMS, TAGS, SynthConfig, generate_corpus, read_manifest, synthesize

SHORT = SynthConfig(clips=4, seed=3, duration=2.0)


def test_same_seed_same_clip_and_clips_independent_of_corpus_size() -> None:
    first = synthesize(SHORT, 2)
    again = synthesize(SynthConfig(clips=50, seed=3, duration=2.0), 2)
    assert first.factors == again.factors and first.lyrics == again.lyrics and first.tags == again.tags
    assert np.array_equal(first.audio.mixture, again.audio.mixture)
    other = synthesize(SynthConfig(clips=4, seed=4, duration=2.0), 2)
    assert other.factors != first.factors
    assert not np.array_equal(other.audio.mixture, first.audio.mixture)


def test_audio_shape_level_and_stems_sum_to_mixture() -> None:
    clip = synthesize(SynthConfig(clips=1, duration=1.5, sr=44100), 0)
    mixture = clip.audio.mixture
    assert mixture.dtype == np.float32 and mixture.shape == (2, round(1.5 * 44100))
    assert np.all(np.isfinite(mixture)) and 0.01 < np.max(np.abs(mixture)) <= 0.98
    assert set(clip.audio.stems) == set(STEMS)
    for stem in clip.audio.stems.values():
        assert stem.shape == mixture.shape and np.sqrt(np.mean(stem**2)) > 1e-4
    np.testing.assert_allclose(sum(clip.audio.stems.values()), mixture, atol=1e-6)


def test_chord_ground_truth_covers_the_clip() -> None:
    clip = synthesize(SHORT, 1)
    chords = clip.audio.chords
    assert chords[0].start == 0.0 and chords[-1].end == pytest.approx(SHORT.duration)
    assert all(a.end == pytest.approx(b.start) for a, b in itertools.pairwise(chords))
    seconds_per_chord = 2 * 60.0 / clip.factors.tempo
    assert chords[0].end == pytest.approx(min(SHORT.duration, seconds_per_chord))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("corpus")
    return out, generate_corpus(out, SynthConfig(clips=4, seed=3, duration=2.0, label_noise=0.2), workers=2)


def test_layout_is_what_extract_and_musdb_readers_expect(corpus: tuple[Path, dict]) -> None:
    out, manifest = corpus
    tracks = discover([out / "clips"])
    assert [t.id for t in tracks] == [f"clip_{i:05d}" for i in range(4)]
    assert all(t.lyrics_path is not None and t.lyrics_path.suffix == ".txt" for t in tracks)
    for clip in manifest["clips"]:
        folder = out / clip["stems"]
        assert folder.parent == out / "stems" / "train"
        mixture, sr = soundfile.read(folder / "mixture.wav", always_2d=True)
        assert sr == 22050 and mixture.shape == (44100, 2)
        total = sum(soundfile.read(folder / f"{name}.wav", always_2d=True)[0] for name in STEMS)
        # 16-bit files: each of the four stems is off by at most half a quantisation step.
        assert np.max(np.abs(total - mixture)) <= 3 / 32768
        clip_audio, _ = soundfile.read(out / clip["audio"], always_2d=True)
        assert np.array_equal(clip_audio, mixture)


def test_manifest_records_factors_tags_and_causes(corpus: tuple[Path, dict]) -> None:
    out, manifest = corpus
    assert manifest == json.loads((out / "manifest.json").read_text())
    assert manifest["config"]["label_noise"] == 0.2 and manifest["config"]["clips"] == 4
    assert list(manifest["tags"]) == list(TAGS)
    for rule in manifest["tags"].values():
        assert set(rule) == {"rule", "factors", "markers", "groups"}
        assert set(rule["groups"]) == {"user-friendly", "domain-expert"}
    clip = manifest["clips"][0]
    assert {"id", "audio", "lyrics", "factors", "loop", "chords", "words", "clean_tags", "tags", "stems"} <= set(clip)
    assert clip["chords"][0][0] == 0.0 and ":" in clip["chords"][0][2]
    assert (out / clip["lyrics"]).read_text() != ""
    rebuilt = synthesize(SynthConfig(clips=4, seed=3, duration=2.0, label_noise=0.2), 0)
    assert clip["factors"]["tempo"] == rebuilt.factors.tempo and clip["tags"] == rebuilt.tags


def test_tables_match_the_manifest(corpus: tuple[Path, dict]) -> None:
    out, manifest = corpus
    with (out / "tags.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["track", *TAGS]
    assert [{t: int(r[t]) for t in TAGS} for r in rows] == [c["tags"] for c in manifest["clips"]]
    with (out / "factors.csv").open() as handle:
        factors = list(csv.DictReader(handle))
    assert [f["track"] for f in factors] == [c["id"] for c in manifest["clips"]]
    assert [float(f["tempo"]) for f in factors] == [c["factors"]["tempo"] for c in manifest["clips"]]


def test_existing_corpus_is_reused_and_another_refused(corpus: tuple[Path, dict], tmp_path: Path) -> None:
    out, manifest = corpus
    assert generate_corpus(out, SynthConfig(clips=4, seed=3, duration=2.0, label_noise=0.2)) == manifest
    with pytest.raises(ConfigurationError, match="another configuration"):
        generate_corpus(out, SynthConfig(clips=5, seed=3, duration=2.0))
    small = tmp_path / "small"
    generate_corpus(small, SynthConfig(clips=3, duration=1.0))
    generate_corpus(small, SynthConfig(clips=2, duration=1.0, stems=False), overwrite=True)
    assert sorted(p.name for p in (small / "clips").iterdir()) == [
        "clip_00000.txt",
        "clip_00000.wav",
        "clip_00001.txt",
        "clip_00001.wav",
    ]
    assert not (small / "stems").exists() and "stems" not in read_manifest(small)["clips"][0]
    (small / "manifest.json").unlink()  # as if the run had been interrupted
    with pytest.raises(ConfigurationError, match="no manifest"):
        generate_corpus(small, SynthConfig(clips=2, duration=1.0, stems=False))


def test_invalid_configuration_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="label_noise"):
        SynthConfig(label_noise=0.7)
    with pytest.raises(ConfigurationError, match="clips"):
        SynthConfig(clips=0)
    with pytest.raises(ConfigurationError, match="no manifest"):
        read_manifest("/nonexistent-folder")


def test_cli_writes_a_corpus(tmp_path: Path) -> None:
    out = tmp_path / "cli"
    result = CliRunner().invoke(
        cli,
        [
            "synth",
            str(out),
            "-n",
            "2",
            "--duration",
            "1",
            "--no-stems",
            "-j",
            "1",
            "--label-noise",
            "0.1",
            "--seed",
            "7",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "2 clips in" in result.output and "positive rate per tag: bright" in result.output
    assert read_manifest(out)["config"]["seed"] == 7
    clash = CliRunner().invoke(cli, ["synth", str(out), "-n", "3", "--duration", "1", "-j", "1"])
    assert clash.exit_code == 1 and "another configuration" in clash.output
