"""Finding tracks and their lyrics: folders, files, manifests."""

from __future__ import annotations

from pathlib import Path

import pytest

from featurize.errors import ConfigurationError
from featurize.runner.inputs import discover


def test_folders_are_searched_recursively_with_sidecar_lyrics(songs: Path, tmp_path: Path) -> None:
    (songs / "a.txt").write_text("la la")
    (songs / "rock" / "b.lrc").write_text("[00:01.00] la")
    (songs / "notes.md").write_text("not audio")
    tracks = discover([songs])
    assert [t.id for t in tracks] == ["a", "rock/b", "rock/c"]
    assert [t.lyrics_path.name if t.lyrics_path else None for t in tracks] == ["a.txt", "b.lrc", None]


def test_lyrics_folder_by_relative_name(songs: Path, tmp_path: Path) -> None:
    lyrics = tmp_path / "lyrics"
    (lyrics / "rock").mkdir(parents=True)
    (lyrics / "rock" / "c.txt").write_text("words")
    assert discover([songs], lyrics_dir=lyrics)[2].lyrics_path == lyrics / "rock" / "c.txt"


def test_manifest_and_duplicate_ids(songs: Path, tmp_path: Path) -> None:
    manifest = songs / "tracks.csv"
    manifest.write_text("id,audio,lyrics\nt1,a.wav,\nt2,rock/b.flac,words.txt\n")
    tracks = discover([manifest])
    assert [(t.id, t.path, t.lyrics_path) for t in tracks] == [
        ("t1", songs / "a.wav", None),
        ("t2", songs / "rock/b.flac", songs / "words.txt"),
    ]
    with pytest.raises(ConfigurationError, match="two inputs have the track id 'a'"):
        discover([songs, songs / "a.wav"])
    (tmp_path / "bad.csv").write_text("name,file\nx,y\n")
    with pytest.raises(ConfigurationError, match=r"bad\.csv: manifest lacks column"):
        discover([tmp_path / "bad.csv"])
    with pytest.raises(ConfigurationError, match="nowhere: no such file or folder"):
        discover([tmp_path / "nowhere"])
