"""End to end through ``featurize extract``: a sidecar .lrc for one track, transcription for the other."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile
from click.testing import CliRunner

from featurize.artifacts import Record, Text
from featurize.cli import cli
from featurize.cli import context as cli_context
from featurize.store import FeatureStore
from featurize.testing.signals import tone, triad


@pytest.fixture
def songs(tmp_path: Path) -> Path:
    folder = tmp_path / "songs"
    folder.mkdir()
    for name, root in (("with_lyrics", "C"), ("without_lyrics", "A")):
        soundfile.write(folder / f"{name}.wav", np.stack([tone(triad(root), 2.0, 44100)] * 2, axis=1), 44100)
    (folder / "with_lyrics.lrc").write_text("[00:00.50]Cat hat\n[00:01.50]", encoding="utf-8")
    return folder


def test_extract_command(songs: Path, tmp_path: Path, demucs_repo: Path, whisper_en: Path) -> None:
    cli_context.plugin_manager.cache_clear()
    store = tmp_path / "features.h5"
    arguments = ["--plugins", "lyrics", "extract", str(songs), "-o", str(store), "--executor", "serial"]
    arguments += ["--vocals-model", "tiny_demucs", "--vocals-repo", str(demucs_repo)]
    arguments += ["--transcript-weights", str(whisper_en), "--transcript-language", "en"]
    result = CliRunner().invoke(cli, arguments)
    assert result.exit_code == 0, result.output
    with FeatureStore(store) as features:
        assert features.failures() == []
        matrix, names = features.matrix(["lyrics.*"])
        rows = dict(zip(features.track_ids, matrix, strict=True))
        column = names.index("lyrics.assonance")
        assert rows["with_lyrics"][column] == 1.0  # cat / hat
        file_lyrics = features.artifact("with_lyrics", "lyrics")
        assert isinstance(file_lyrics, Text) and file_lyrics.source == "file:with_lyrics.lrc"
        transcript = features.artifact("without_lyrics", "lyrics")
        assert (transcript.text, transcript.source) == ("sing a song of sixpence", "whisper:tiny_whisper_en.pt")
        info = features.artifact("without_lyrics", "lyrics_info")
        assert isinstance(info, Record) and info.data["duration_basis"] == "vocal_span"
        assert "vocals" not in {name for names in features.artifact_names().values() for name in names}
    cli_context.plugin_manager.cache_clear()
