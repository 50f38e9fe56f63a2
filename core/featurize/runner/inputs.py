"""Turning command-line inputs into tracks: files, folders (recursive) and manifest CSVs.

Track ids are stable and readable: a folder's tracks are named by their path relative to
the folder without extension (``rock/song1``), a single file by its stem, a manifest by
its ``id`` column. Lyrics are found beside the audio (``song1.lrc`` or ``song1.txt``) or
under ``--lyrics DIR`` with the same relative name.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from pathlib import Path

from featurize.audio import AUDIO_EXTENSIONS
from featurize.errors import ConfigurationError
from featurize.extraction import Track

LYRICS_EXTENSIONS = (".lrc", ".txt")
MANIFEST_COLUMNS = ("id", "audio")


def find_lyrics(audio: Path, relative: Path, lyrics_dir: Path | None) -> Path | None:
    """The lyrics file of a track: under ``lyrics_dir`` first, then beside the audio; ``.lrc`` before ``.txt``."""
    candidates = []
    if lyrics_dir is not None:
        candidates += [lyrics_dir / relative.with_suffix(ext) for ext in LYRICS_EXTENSIONS]
        candidates += [lyrics_dir / (audio.stem + ext) for ext in LYRICS_EXTENSIONS]
    candidates += [audio.with_suffix(ext) for ext in LYRICS_EXTENSIONS]
    return next((c for c in candidates if c.is_file()), None)


def read_manifest(path: Path, lyrics_dir: Path | None = None) -> list[Track]:
    """Tracks of a CSV with columns ``id,audio[,lyrics]``; relative paths are relative to the CSV."""
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in MANIFEST_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise ConfigurationError(
                f"{path}: manifest lacks column(s) {', '.join(missing)}; expected id,audio[,lyrics]"
            )
        tracks = []
        for line, row in enumerate(reader, start=2):
            if not row["id"] or not row["audio"]:
                raise ConfigurationError(f"{path}, line {line}: empty id or audio")
            audio = path.parent / row["audio"]
            lyrics = path.parent / row["lyrics"] if row.get("lyrics") else None
            if lyrics is None:
                lyrics = find_lyrics(audio, Path(row["audio"]), lyrics_dir)
            tracks.append(Track(row["id"], audio, lyrics))
    return tracks


def discover(
    inputs: Sequence[str | Path], *, lyrics_dir: Path | None = None, extensions: Iterable[str] = AUDIO_EXTENSIONS
) -> list[Track]:
    """Every track named by ``inputs``, in a deterministic order; duplicate ids are an error."""
    suffixes = {e.lower() if e.startswith(".") else f".{e.lower()}" for e in extensions}
    tracks: list[Track] = []
    for item in map(Path, inputs):
        if item.is_dir():
            for audio in sorted(p for p in item.rglob("*") if p.is_file() and p.suffix.lower() in suffixes):
                relative = audio.relative_to(item)
                track_id = relative.with_suffix("").as_posix()
                tracks.append(Track(track_id, audio, find_lyrics(audio, relative, lyrics_dir)))
        elif item.suffix.lower() == ".csv":
            tracks.extend(read_manifest(item, lyrics_dir))
        elif item.exists() or item.suffix.lower() in suffixes:
            # A missing file is kept: it becomes a recorded failure naming the file, not an abort.
            tracks.append(Track(item.stem, item, find_lyrics(item, Path(item.name), lyrics_dir)))
        else:
            raise ConfigurationError(f"{item}: no such file or folder")
    seen: dict[str, Path] = {}
    for track in tracks:
        if track.id in seen:
            raise ConfigurationError(f"two inputs have the track id {track.id!r}: {seen[track.id]} and {track.path}")
        seen[track.id] = track.path
    return tracks
