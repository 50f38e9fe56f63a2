"""The ``lyrics_file`` extractor: .txt and .lrc parsing, encodings, missing files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from featurize.artifacts import Segments, Text
from featurize.errors import InputError
from featurize.extraction import Track, TrackContext
from featurize.testing import build_extractor
from featurize_lyrics.sidecar import parse_lyrics

SR = 8000

LRC = """[ar:Someone]
[ti:A song]
[offset:+500]
[00:12.50]First line
[00:15.00][00:25.00]Repeated line
[00:20.00]<00:20.00>Word <00:20.50>timed
[00:30.00]
Credits: not sung
"""


def track_end_unused() -> float:
    raise AssertionError("the track's duration was not needed")


def context(lyrics_path: Path | None, seconds: float = 40.0) -> TrackContext:
    audio = lyrics_path.with_suffix(".wav") if lyrics_path else Path("song.wav")
    samples = np.zeros((1, int(seconds * SR)), np.float32)
    return TrackContext(Track("song", audio, lyrics_path), decoded=(samples, SR))


@pytest.fixture
def extract(specs):
    return build_extractor(specs["lyrics_file"])


def test_plain_text_drops_section_tags(extract, tmp_path: Path) -> None:
    path = tmp_path / "song.txt"
    path.write_text("[Verse 1]\nHello world\n\n[Chorus: Someone]\nLa la  la\n", encoding="utf-8")
    lyrics = extract(context(path)).artifacts["lyrics"]
    assert lyrics == Text("Hello world\n\nLa la la", language="en", timings=None, source="file:song.txt")


def test_lrc_lines_are_timed_until_the_next_tag(extract, tmp_path: Path) -> None:
    path = tmp_path / "song.lrc"
    path.write_text(LRC, encoding="utf-8")
    lyrics = extract(context(path)).artifacts["lyrics"]
    # offset +500 ms moves every tag 0.5 s earlier; the empty [00:30.00] line closes the last line;
    # a line with two tags is sung twice; untimed lines of a timed file are not lyrics.
    assert lyrics.text == "First line\nRepeated line\nWord timed\nRepeated line"
    assert lyrics.timings == Segments.from_rows(
        [
            (12.0, 14.5, "First line"),
            (14.5, 19.5, "Repeated line"),
            (19.5, 24.5, "Word timed"),
            (24.5, 29.5, "Repeated line"),
        ]
    )
    assert lyrics.source == "file:song.lrc"


def test_last_lrc_line_ends_with_the_track() -> None:
    text, timings, language = parse_lyrics("[la:fr]\n[00:01]Un\n[0:02:50]Deux", lambda: 40.0)
    assert (text, language) == ("Un\nDeux", "fr")
    assert timings == Segments.from_rows([(1.0, 2.5, "Un"), (2.5, 40.0, "Deux")])


def test_last_lrc_line_after_the_track_end_is_empty() -> None:
    _, timings, _ = parse_lyrics("[01:00.00]Late", lambda: 30.0)
    assert timings == Segments.from_rows([(60.0, 60.0, "Late")])


def test_lrc_language_tag_beats_the_parameter(specs, tmp_path: Path) -> None:
    path = tmp_path / "song.lrc"
    path.write_text("[la:de]\n[00:01.00]Hallo Welt\n[00:02.00]", encoding="utf-8")
    extract = build_extractor(specs["lyrics_file"], {"language": "fr"})
    assert extract(context(path)).artifacts["lyrics"].language == "de"


def test_language_parameter_labels_plain_files(specs, tmp_path: Path) -> None:
    path = tmp_path / "song.txt"
    path.write_text("Bonjour", encoding="utf-8")
    extract = build_extractor(specs["lyrics_file"], {"language": "fr"})
    assert extract(context(path)).artifacts["lyrics"].language == "fr"


def test_timed_file_needs_no_audio_when_closed() -> None:
    text, timings, _ = parse_lyrics("[00:01.00]One\n[00:02.00]", track_end_unused)
    assert timings == Segments.from_rows([(1.0, 2.0, "One")])
    assert text == "One"


def test_byte_order_mark_and_crlf_are_accepted(extract, tmp_path: Path) -> None:
    path = tmp_path / "song.txt"
    path.write_bytes("Café au lait\r\n".encode("utf-8-sig"))
    assert extract(context(path)).artifacts["lyrics"].text == "Café au lait"


def test_empty_file_gives_empty_text(extract, tmp_path: Path) -> None:
    path = tmp_path / "song.txt"
    path.write_bytes(b"")
    assert extract(context(path)).artifacts["lyrics"].text == ""


def test_non_utf8_file_is_rejected_naming_it(extract, tmp_path: Path) -> None:
    path = tmp_path / "latin.txt"
    path.write_bytes("Café crème".encode("latin-1"))
    with pytest.raises(InputError, match=r"latin\.txt: the lyrics file is not UTF-8 \(byte 0xe9 at offset 3\)"):
        extract(context(path))


def test_missing_lyrics_file_names_the_expected_files(extract) -> None:
    with pytest.raises(InputError, match=r"song\.wav: no lyrics file \(song\.lrc or song\.txt"):
        extract(context(None))


def test_unreadable_lyrics_file_names_it(extract, tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"gone\.lrc: cannot read the lyrics file"):
        extract(context(tmp_path / "gone.lrc"))


def test_conformance(specs, check_extractor, tmp_path: Path) -> None:
    files = {"plain": ("a.txt", "[Intro]\nla la la"), "timed": ("b.lrc", LRC), "empty": ("c.txt", "")}
    for name, content in files.values():
        (tmp_path / name).write_text(content, encoding="utf-8")
    contexts = {label: (lambda name=name: context(tmp_path / name)) for label, (name, _) in files.items()}
    results = check_extractor(specs["lyrics_file"], contexts=contexts)
    assert results["timed"].artifacts["lyrics"].timings is not None
