"""demucs vocals and whisper transcripts with tiny checkpoints loaded by the libraries' own loaders."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from featurize.artifacts import Signal, Text
from featurize.errors import MissingWeightsError
from featurize.extraction import TrackContext
from featurize.testing import build_extractor
from featurize.testing.signals import standard_inputs, tone, triad, white_noise
from featurize_lyrics.lazy import LazyModel

SR = 44100


def song(seconds: float = 2.5, sr: int = SR) -> np.ndarray:
    """A chord with a noisy 'voice' on top: a short synthesized clip."""
    return tone(triad("A", "min"), seconds, sr) + white_noise(seconds, sr, amplitude=0.05)


def vocals_params(repo: Path) -> dict[str, object]:
    return {"model": "tiny_demucs", "repo": repo}


def test_vocals_conformance(specs, check_extractor, demucs_repo: Path) -> None:
    results = check_extractor(specs["vocals"], params=vocals_params(demucs_repo))
    for label, samples in standard_inputs(SR).items():
        vocals = results[label].artifacts["vocals"]
        assert vocals.sr == SR
        assert vocals.samples.shape == (2, samples.shape[-1])
        assert np.all(np.isfinite(vocals.samples))


def test_vocals_at_another_rate_in_mono(specs, demucs_repo: Path) -> None:
    extract = build_extractor(specs["vocals"], vocals_params(demucs_repo))
    vocals = extract(TrackContext.from_array(song(1.0, 22050), 22050)).artifacts["vocals"]
    assert (vocals.sr, vocals.samples.shape) == (SR, (2, SR))


@pytest.mark.parametrize("samples", [np.zeros(1, np.float32), song(0.005), np.zeros((2, SR), np.float32)])
def test_hybrid_transformer_bag_on_edge_inputs(specs, tmp_path: Path, torch_one_thread: None, samples) -> None:
    # htdemucs' own layout and architecture: a yaml bag of HTDemucs models.
    from featurize_lyrics.testing import save_tiny_htdemucs_bag

    save_tiny_htdemucs_bag(tmp_path, "tiny_htdemucs")
    extract = build_extractor(specs["vocals"], {"model": "tiny_htdemucs", "repo": tmp_path})
    vocals = extract(TrackContext.from_array(samples, SR)).artifacts["vocals"]
    assert vocals.samples.shape == (2, samples.shape[-1])
    assert np.all(np.isfinite(vocals.samples))


def test_missing_demucs_model_names_the_option_and_the_track(specs, tmp_path: Path) -> None:
    extract = build_extractor(specs["vocals"], {"model": "htdemucs", "repo": tmp_path})
    for track_id in ("first", "second"):  # the failure is remembered, and named per track
        with pytest.raises(MissingWeightsError, match=rf"<{track_id}>: demucs model 'htdemucs'.*--vocals-repo"):
            extract(TrackContext.from_array(song(0.5), SR, track_id=track_id))


def test_demucs_repo_that_is_not_a_folder(specs, tmp_path: Path) -> None:
    extract = build_extractor(specs["vocals"], {"repo": tmp_path / "nowhere"})
    with pytest.raises(MissingWeightsError, match=r"nowhere \(--vocals-repo\) is not a folder"):
        extract(TrackContext.from_array(song(0.5), SR))


def test_model_loads_once() -> None:
    calls = []

    def load() -> str:
        calls.append(1)
        return "model"

    lazy = LazyModel(load)
    tracks = [TrackContext.from_array(np.zeros(10), SR, track_id=str(i)) for i in range(3)]
    assert [lazy.get(track) for track in tracks] == ["model"] * 3
    assert len(calls) == 1


def test_transcript_conformance(specs, check_extractor, whisper_en: Path) -> None:
    contexts = {
        label: (
            lambda s=samples, label=label: TrackContext.from_array(
                s, SR, track_id=label, artifacts={"vocals": Signal(s, SR)}
            )
        )
        for label, samples in standard_inputs(SR).items()
    }
    results = check_extractor(specs["transcript"], params={"weights": whisper_en, "language": "en"}, contexts=contexts)
    lyrics = results["music"].artifacts["lyrics"]
    assert isinstance(lyrics, Text)
    assert (lyrics.text, lyrics.language, lyrics.source) == (
        "sing a song of sixpence",
        "en",
        "whisper:tiny_whisper_en.pt",
    )
    assert lyrics.timings.labels == ("sing", "a", "song", "of", "sixpence")
    assert np.all(np.diff(lyrics.timings.start) >= 0) and np.all(lyrics.timings.end >= lyrics.timings.start)


def test_transcript_detects_the_language(specs, whisper_fr: Path) -> None:
    extract = build_extractor(specs["transcript"], {"weights": whisper_fr})
    vocals = Signal(song(1.0)[None], SR)
    lyrics = extract(TrackContext.from_array(song(1.0), SR, artifacts={"vocals": vocals})).artifacts["lyrics"]
    assert (lyrics.text, lyrics.language) == ("je chante une chanson", "fr")


THREADS_PROBE = """
import sys, numpy as np, torch
from featurize.artifacts import Signal
from featurize.extraction import TrackContext
from featurize.testing import build_extractor
from featurize_lyrics.plugin import featurize_extractors

torch.set_num_threads(1)
torch.ones(64, 64) @ torch.ones(64, 64)
spec = next(s for s in featurize_extractors() if s.name == "transcript")
vocals = Signal(np.zeros((1, 16000), np.float32), 16000)
track = TrackContext.from_array(vocals.samples, 16000, artifacts={"vocals": vocals})
build_extractor(spec, {"weights": sys.argv[1]})(track)
print(torch.get_num_threads())
"""


def test_transcription_keeps_torch_thread_count(whisper_en: Path) -> None:
    # In a fresh process: numba compiling whisper's DTW on first use resets torch's OpenMP threads.
    run = subprocess.run([sys.executable, "-c", THREADS_PROBE, str(whisper_en)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split()[-1] == "1"


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"weights": "absent.pt"}, r"whisper weights absent\.pt \(--transcript-weights\) do not exist"),
        ({"model": "enormous"}, r"'enormous' is not a whisper model name .*--transcript-weights"),
        ({"weights": "GARBAGE"}, r"whisper checkpoint .*garbage\.pt \(--transcript-weights\) cannot be loaded"),
    ],
)
def test_missing_whisper_weights(specs, tmp_path: Path, params: dict[str, str], message: str) -> None:
    if params.get("weights") == "GARBAGE":
        params = {"weights": tmp_path / "garbage.pt"}
        params["weights"].write_bytes(b"not a checkpoint" * 100)
    extract = build_extractor(specs["transcript"], params)
    context = TrackContext.from_array(song(0.5), SR, track_id="t", artifacts={"vocals": Signal(song(0.5), SR)})
    with pytest.raises(MissingWeightsError, match=rf"<t>: .*{message}"):
        extract(context)


def test_audio_to_vocals_to_transcript_to_features(
    chained, lyrics_extractor, demucs_repo: Path, whisper_en: Path
) -> None:
    providers = {
        "lyrics_file": {},
        "vocals": vocals_params(demucs_repo),
        "transcript": {"weights": whisper_en, "language": "en"},
    }
    track = chained(song(), SR, providers)
    result = lyrics_extractor(track)
    timings = track.artifact("lyrics").timings
    span = float(timings.end.max() - timings.start.min())
    assert span > 0
    # sing a song of sixpence: stop words a, of leave sing-song (S S) and song-sixpence (OOV: s s);
    # endings "ng" recur; sixpence is not in the CMU dictionary and has 2 syllables by spelling.
    assert dict(result.features) == pytest.approx(
        {
            "alliteration": 2 / 4,
            "assonance": 0.0,
            "consonance": 0.0,
            "rhyme_density": 2 / 5,
            "total_syllables": 6.0,
            "syllables_per_word": 6 / 5,
            "repetition_rate": 0.0,
            "lexical_diversity": 1.0,
            "words_per_second": 5 / span,
            "oov_rate": 1 / 5,
        }
    )
    info = result.artifacts["lyrics_info"].data
    assert info["duration_basis"] == "vocal_span"
    assert info["lyrics_source"] == "whisper:tiny_whisper_en.pt"


def test_a_lyrics_file_spares_the_transcription(chained, lyrics_extractor, tmp_path: Path) -> None:
    lyrics = tmp_path / "song.txt"
    lyrics.write_text("Oh oh baby", encoding="utf-8")
    absent = {"vocals": {"repo": tmp_path / "absent"}, "transcript": {"weights": tmp_path / "absent.pt"}}
    track = chained(song(1.0), SR, {"lyrics_file": {}, **absent}, lyrics_path=lyrics)
    result = lyrics_extractor(track)
    assert result.artifacts["lyrics_info"].data["lyrics_source"] == "file:song.txt"
    assert result.features["lexical_diversity"] == pytest.approx(2 / 3)


def test_no_lyrics_and_no_weights_fails_with_the_weights_message(chained, lyrics_extractor, tmp_path: Path) -> None:
    absent = {"vocals": {"repo": tmp_path}, "transcript": {"weights": tmp_path / "absent.pt"}}
    track = chained(song(1.0), SR, {"lyrics_file": {}, **absent})
    with pytest.raises(
        MissingWeightsError, match=r"song\.wav: the whisper weights .*absent\.pt \(--transcript-weights\)"
    ):
        lyrics_extractor(track)
