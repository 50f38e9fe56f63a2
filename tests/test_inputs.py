"""Finding tracks and their lyrics: folders, files, manifests."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import soundfile

from featurize.audio import decode
from featurize.errors import ConfigurationError, InputError
from featurize.runner.inputs import describe_skipped, discover, read_inputs, read_manifest


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


# -- hostile folders, manifests and headers (issue 17) -----------------------------------------------


def test_odd_folder_entries_are_passed_over_and_named(tmp_path: Path, audio_file: Callable[..., Path]) -> None:
    songs = tmp_path / "songs"
    audio_file(songs / "good.wav", seconds=0.2)
    (songs / "folder.wav").mkdir()
    (songs / "dangling.wav").symlink_to(tmp_path / "nowhere.wav")
    (songs / "self.wav").symlink_to(songs / "self.wav")
    os.mkfifo(songs / "pipe.wav")
    (songs / "sub").mkdir()
    (songs / "sub" / "up").symlink_to(songs, target_is_directory=True)  # a loop through a folder
    found = read_inputs([songs])
    assert [t.id for t in found.tracks] == ["good"]
    reasons = {path.name: reason for path, reason in found.skipped}
    assert reasons == {
        "folder.wav": "a folder named like an audio file",
        "dangling.wav": "dangling symlink",
        "self.wav": "symlink loop",
        "pipe.wav": "not a regular file (a FIFO, socket or device)",
        "up": "symlink loop (a folder already scanned)",
    }
    line = describe_skipped(found.skipped)
    assert line.startswith("skipped 5 folder entries (") and "pipe.wav" in line


def test_a_manifest_with_a_byte_order_mark_and_crlf_reads(tmp_path: Path) -> None:
    manifest = tmp_path / "m.csv"
    manifest.write_bytes("\ufeffid,audio\r\nsong,a.wav\r\n".encode())
    (track,) = read_manifest(manifest)
    assert (track.id, track.path) == ("song", tmp_path / "a.wav")


def test_a_latin1_manifest_says_it_is_not_utf8(tmp_path: Path) -> None:
    manifest = tmp_path / "m.csv"
    manifest.write_bytes("id,audio\nchanson,café.wav\n".encode("latin-1"))
    with pytest.raises(ConfigurationError, match=r"m\.csv: not UTF-8 text \(byte 0xe9 at offset 20\); save"):
        read_manifest(manifest)


def test_absurd_headers_fifos_and_loops_fail_at_once_naming_the_cause(tmp_path: Path) -> None:
    soundfile.write(tmp_path / "one_hz.wav", np.zeros(100, np.float32), 1)
    with pytest.raises(InputError, match=r"one_hz\.wav: its header declares 1 Hz, outside the supported"):
        decode(tmp_path / "one_hz.wav")
    os.mkfifo(tmp_path / "pipe.wav")  # opening it would block for ever
    with pytest.raises(InputError, match=r"pipe\.wav: not a regular file \(a FIFO, socket or device\)"):
        decode(tmp_path / "pipe.wav")
    (tmp_path / "loop.wav").symlink_to(tmp_path / "loop.wav")
    with pytest.raises(InputError, match=r"loop\.wav: cannot be read \(too many levels of symbolic links\)"):
        decode(tmp_path / "loop.wav")
