"""The ``lyrics_file`` extractor: lyrics the user provides as ``.txt`` or ``.lrc`` files.

The core finds the file (``<audio stem>.lrc`` / ``.txt`` beside the audio, or in the
``--lyrics`` folder) and puts it in ``track.track.lyrics_path``. Without one this provider
fails for the track, and the runner falls back to the next ``lyrics`` provider
(transcription). A file with ``[mm:ss.xx]`` time tags is read as LRC whatever its
extension: each line is timed from its tag to the next tag.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from featurize.artifacts import Segments, Text
from featurize.errors import InputError
from featurize.extraction import Result, TrackContext
from featurize_lyrics.text import SECTION_TAG

TIME_TAG = re.compile(r"\[(\d{1,3}):(\d{1,2})(?:[.:](\d{1,3}))?\]")
"""An LRC line time: ``[mm:ss]``, ``[mm:ss.xx]``, ``[mm:ss.xxx]`` or ``[mm:ss:xx]``."""

WORD_TIME_TAG = re.compile(r"<\d{1,3}:\d{1,2}(?:[.:]\d{1,3})?>")
"""Enhanced-LRC word times ``<mm:ss.xx>``; removed (timings stay per line)."""

META_TAG = re.compile(r"\[([A-Za-z]+):([^\]]*)\]")
"""A whole line such as ``[ar:Artist]``, ``[offset:+250]``, ``[la:en]`` or ``[Chorus: Artist]``."""

LANGUAGE_KEYS = frozenset({"la", "lang", "language"})

Timed = list[tuple[float, int, str]]


def _seconds(tag: re.Match[str]) -> float:
    minutes, seconds, fraction = tag.groups()
    return int(minutes) * 60 + int(seconds) + (int(fraction) / 10 ** len(fraction) if fraction else 0.0)


def _offset_seconds(value: str) -> float:
    """LRC ``[offset:ms]``: a positive offset makes every line start earlier."""
    try:
        return float(value) / 1000
    except ValueError:
        return 0.0


def _clean(line: str) -> str:
    return " ".join(SECTION_TAG.sub(" ", WORD_TIME_TAG.sub("", line)).split())


def _timed_rows(timed: Timed, offset: float, track_end: Callable[[], float]) -> list[tuple[float, float, str]]:
    """``(start, end, line)`` rows: a line ends where the next tag starts, the last at the track's end.

    Empty timed lines only mark where the previous line ends.
    """
    events = sorted((max(time - offset, 0.0), order, text) for time, order, text in timed)
    rows = []
    for index, (start, _, text) in enumerate(events):
        if not text:
            continue
        end = events[index + 1][0] if index + 1 < len(events) else track_end()
        rows.append((start, max(end, start), text))
    return rows


def parse_lyrics(content: str, track_end: Callable[[], float]) -> tuple[str, Segments | None, str | None]:
    """Lyrics text, line timings (``None`` for untimed text) and the language tag of the file.

    Section tags (``[Chorus]``) and metadata tags are removed. In a timed file, lines
    without a time tag (titles, credits) are not sung and are dropped. ``track_end`` is
    called only when the last timed line has no closing tag.
    """
    language, offset = None, 0.0
    timed: Timed = []
    plain: list[str] = []
    for order, raw in enumerate(content.splitlines()):
        line = raw.strip()
        meta = META_TAG.fullmatch(line)
        if meta:
            key, value = meta[1].lower(), meta[2].strip()
            if key == "offset":
                offset = _offset_seconds(value)
            elif key in LANGUAGE_KEYS:
                language = value or None
            continue
        times = []
        while tag := TIME_TAG.match(line):
            times.append(_seconds(tag))
            line = line[tag.end() :].lstrip()
        text = _clean(line)
        timed.extend((time, order, text) for time in times)
        if not times:
            plain.append(text)
    if not timed:
        return "\n".join(plain).strip(), None, language
    rows = _timed_rows(timed, offset, track_end)
    return "\n".join(text for _, _, text in rows), Segments.from_rows(rows), language


def read_text(path: Path) -> str:
    """The content of a UTF-8 lyrics file (a byte-order mark is allowed).

    Raises
    ------
    InputError
        When the file cannot be read or is not UTF-8; the message names the file.
    """
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise InputError(f"{path}: cannot read the lyrics file ({error.strerror or error})") from error
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(
            f"{path}: the lyrics file is not UTF-8 (byte 0x{raw[error.start]:02x} at offset {error.start}); "
            "re-save it as UTF-8"
        ) from error


def make_extractor(language: str | None) -> Callable[[TrackContext], Result]:
    """Build the ``lyrics_file`` extractor; ``language`` labels files without an LRC ``[la:]`` tag."""

    def extract(track: TrackContext) -> Result:
        path = track.track.lyrics_path
        if path is None:
            stem = track.path.stem
            raise InputError(
                f"{track.path}: no lyrics file ({stem}.lrc or {stem}.txt beside the audio or in the --lyrics folder)"
            )
        try:
            content = read_text(Path(path))
        except InputError as error:
            raise InputError(f"{track.path}: {error}") from error
        text, timings, tagged = parse_lyrics(content, lambda: track.duration)
        lyrics = Text(text=text, language=tagged or language or None, timings=timings, source=f"file:{Path(path).name}")
        return Result(artifacts={"lyrics": lyrics})

    return extract
