"""The real transcription path with a tiny random checkpoint loaded by Omnizart's own loader.

The weights are random, so the chords are meaningless; what the tests check is that our per-worker
pipeline (decoded audio -> NNLS-Chroma -> model -> Omnizart's inference) produces exactly what
Omnizart's own ``transcribe`` writes for the same file and checkpoint, and that the extractor
meets the featurize contract.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
import soundfile

from featurize.artifacts import Segments
from featurize.errors import MissingWeightsError
from featurize.testing.signals import clicks, tone, triad
from featurize_omnizart.plugin import EXTRACTOR, SAMPLE_RATE
from featurize_omnizart.transcription import build_extractor, fill_gaps, sequences

VOCABULARY = {
    f"{r}:{q}" for r in ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B") for q in ("maj", "min")
}


def progression(duration_per_chord: float = 1.5) -> np.ndarray:
    chords = [("C", "maj"), ("A", "min"), ("F", "maj"), ("G", "maj")]
    music = np.concatenate([tone(triad(r, q), duration_per_chord, SAMPLE_RATE) for r, q in chords])
    return (music + clicks(120, len(music) / SAMPLE_RATE, SAMPLE_RATE)[: len(music)]).astype(np.float32)


def test_framing_matches_omnizarts_transcribe() -> None:
    """Omnizart's transcribe() builds the model input inline; this is its construction, step by step."""
    chroma = np.random.default_rng(0).random((47, 24)).astype(np.float32)
    width, steps = 21, 20
    pad = width // 2
    padded = np.pad(chroma, ((pad, pad), (0, 0)), constant_values=0)
    reference = np.array([padded[i - pad : i + pad + 1] for i in range(pad, pad + len(chroma))]).reshape(-1, 24 * width)
    reference = np.pad(reference, ((0, steps - len(reference) % steps), (0, 0))).reshape(-1, steps, 24 * width)
    assert np.array_equal(sequences(chroma, width, steps), reference)
    assert sequences(chroma[:5], width, steps).shape == (2, steps, 24 * width)  # never a batch of one


def test_gaps_between_chords_become_n() -> None:
    rows = [(0.5, 1.0, "C:maj"), (1.0, 2.0, "G:maj"), (2.5, 3.0, "A:min")]
    assert fill_gaps(rows, 4.0) == [
        (0.0, 0.5, "N"),
        (0.5, 1.0, "C:maj"),
        (1.0, 2.0, "G:maj"),
        (2.0, 2.5, "N"),
        (2.5, 3.0, "A:min"),
        (3.0, 4.0, "N"),
    ]
    assert fill_gaps([], 2.0) == [(0.0, 2.0, "N")]


def test_same_chords_as_omnizarts_own_transcribe(tmp_path: Path, tiny_checkpoint: Path, transcriber: object) -> None:
    from omnizart.chord.app import ChordTranscription

    audio = progression()
    path = tmp_path / "song.wav"
    soundfile.write(path, audio, SAMPLE_RATE, subtype="FLOAT")
    ChordTranscription().transcribe(str(path), model_path=str(tiny_checkpoint), output=str(tmp_path / "song.mid"))
    with open(tmp_path / "song.csv", newline="") as handle:
        theirs = [(float(r["start"]), float(r["end"]), r["chord"]) for r in csv.DictReader(handle)]
    ours = transcriber.transcribe(audio)  # type: ignore[attr-defined]
    assert theirs, "omnizart's own transcription found no chord at all"
    named = [(s, e, label) for s, e, label in zip(ours.start, ours.end, ours.labels, strict=True) if label != "N"]
    assert [label for *_, label in named] == [label for *_, label in theirs]
    duration = len(audio) / SAMPLE_RATE  # omnizart's last frame may reach past the end; ours stops there
    assert np.allclose([(s, e) for s, e, _ in named], [(s, min(e, duration)) for s, e, _ in theirs], atol=1e-6)
    assert ours.start[0] == 0.0 and np.isclose(ours.end[-1], duration)
    assert set(ours.labels) <= VOCABULARY | {"N"}


def test_conformance(check_extractor: object, tiny_checkpoint: Path) -> None:
    results = check_extractor(EXTRACTOR, params={"checkpoint": tiny_checkpoint})  # type: ignore[operator]
    for label, result in results.items():
        chords = result.artifacts["chords"]
        assert isinstance(chords, Segments) and len(chords) >= 1, label
        assert set(chords.labels) <= VOCABULARY | {"N"}, label
        assert np.all(np.diff(chords.start) > 0) and np.all(chords.end[:-1] == chords.start[1:]), label


def test_missing_weights_fail_the_factory_with_instructions(tmp_path: Path) -> None:
    with pytest.raises(MissingWeightsError, match="omnizart download-checkpoints"):
        build_extractor(tmp_path / "chord_missing")


def test_featurize_extract_uses_the_checkpoint_option(tmp_path: Path, tiny_checkpoint: Path) -> None:
    from click.testing import CliRunner

    from featurize.cli import cli
    from featurize.store import FeatureStore

    songs = tmp_path / "songs"
    songs.mkdir()
    soundfile.write(songs / "song.wav", progression(1.0), SAMPLE_RATE)
    args = ["--plugins", "omnizart", "extract", str(songs), "--executor", "serial", "--no-progress"]
    result = CliRunner().invoke(
        cli, [*args, "-o", str(tmp_path / "a.h5"), "--omnizart-checkpoint", str(tiny_checkpoint)]
    )
    assert result.exit_code == 0, result.output
    with FeatureStore(tmp_path / "a.h5") as store:
        chords = store.artifact("song", "chords", extractor="omnizart")
    assert isinstance(chords, Segments) and np.isclose(chords.end[-1], 4.0)
    failed = CliRunner().invoke(cli, [*args, "-o", str(tmp_path / "b.h5"), "--omnizart-checkpoint", str(tmp_path)])
    assert failed.exit_code == 1 and "omnizart download-checkpoints" in failed.output
