"""Turning command-line inputs into tracks: files, folders (recursive) and manifest CSVs.

Track ids are stable and readable: a folder's tracks are named by their path relative to
the folder without extension (``rock/song1``), a single file by its stem, a manifest by
its ``id`` column. Lyrics are found beside the audio (``song1.lrc`` or ``song1.txt``) or
under ``--lyrics DIR`` with the same relative name.
"""

from __future__ import annotations

import csv
import errno
import io
import os
import stat
from collections.abc import Iterable, Sequence
from pathlib import Path

import attrs

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
    try:
        text = path.read_bytes().decode("utf-8-sig")  # a byte-order mark (Excel's "CSV UTF-8") is not a column
    except UnicodeDecodeError as error:
        raise ConfigurationError(
            f"{path}: not UTF-8 text (byte 0x{error.object[error.start]:02x} at offset {error.start}); "
            "save the manifest as UTF-8"
        ) from None
    with io.StringIO(text, newline="") as handle:
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


@attrs.frozen
class Inputs:
    """The tracks named by the inputs, and the folder entries passed over (each with the reason)."""

    tracks: list[Track]
    skipped: list[tuple[Path, str]]


def _scan(folder: Path, suffixes: set[str]) -> tuple[list[Path], list[tuple[Path, str]]]:
    """Audio files under ``folder`` (symlinked folders followed once: a loop is passed over, not followed)."""
    found, skipped = [], []
    seen = set()
    for root, folders, files in os.walk(folder, followlinks=True):
        here = Path(root)
        status = here.stat()
        if (status.st_dev, status.st_ino) in seen:
            skipped.append((here, "symlink loop (a folder already scanned)"))
            folders.clear()
            continue
        seen.add((status.st_dev, status.st_ino))
        folders.sort()
        for name in folders:
            if Path(name).suffix.lower() in suffixes:
                skipped.append((here / name, "a folder named like an audio file"))
        for name in sorted(files):
            path = here / name
            if path.suffix.lower() not in suffixes:
                continue
            try:
                mode = path.stat().st_mode
            except OSError as error:
                reason = "symlink loop" if error.errno == errno.ELOOP else "dangling symlink"
                skipped.append((path, reason if path.is_symlink() else error.strerror.lower()))
                continue
            if stat.S_ISREG(mode):
                found.append(path)
            else:
                skipped.append((path, "not a regular file (a FIFO, socket or device)"))
    return sorted(found), skipped


def read_inputs(
    inputs: Sequence[str | Path], *, lyrics_dir: Path | None = None, extensions: Iterable[str] = AUDIO_EXTENSIONS
) -> Inputs:
    """Every track named by ``inputs``, in a deterministic order; duplicate ids are an error.

    Inside folders, entries that cannot be audio (folders named like audio files, dangling
    symlinks, symlink loops, FIFOs and devices) are passed over and listed in ``skipped``; a file
    named directly is always a track, so that its problem becomes a recorded failure naming it.
    """
    suffixes = {e.lower() if e.startswith(".") else f".{e.lower()}" for e in extensions}
    tracks: list[Track] = []
    skipped: list[tuple[Path, str]] = []
    for item in map(Path, inputs):
        if item.is_dir():
            found, passed_over = _scan(item, suffixes)
            skipped += passed_over
            for audio in found:
                relative = audio.relative_to(item)
                track_id = relative.with_suffix("").as_posix()
                tracks.append(Track(track_id, audio, find_lyrics(audio, relative, lyrics_dir)))
        elif item.suffix.lower() == ".csv" and item.is_file():
            tracks.extend(read_manifest(item, lyrics_dir))
        elif item.exists() or item.is_symlink() or item.suffix.lower() in suffixes:
            # Kept whatever it is: a missing or unreadable file becomes a recorded failure naming it.
            tracks.append(Track(item.stem, item, find_lyrics(item, Path(item.name), lyrics_dir)))
        else:
            raise ConfigurationError(f"{item}: no such file or folder")
    seen: dict[str, Path] = {}
    for track in tracks:
        if track.id in seen:
            raise ConfigurationError(f"two inputs have the track id {track.id!r}: {seen[track.id]} and {track.path}")
        seen[track.id] = track.path
    return Inputs(tracks, skipped)


def discover(
    inputs: Sequence[str | Path], *, lyrics_dir: Path | None = None, extensions: Iterable[str] = AUDIO_EXTENSIONS
) -> list[Track]:
    """The tracks of :func:`read_inputs` (for callers that need no account of what was passed over)."""
    return read_inputs(inputs, lyrics_dir=lyrics_dir, extensions=extensions).tracks


def describe_skipped(skipped: Sequence[tuple[Path, str]], shown: int = 5) -> str:
    """One line naming what a scan passed over, folded by reason."""
    by_reason: dict[str, list[str]] = {}
    for path, reason in skipped:
        by_reason.setdefault(reason, []).append(str(path))
    parts = [
        f"{len(paths)} {reason}: {', '.join(paths[:shown])}{', ...' if len(paths) > shown else ''}"
        for reason, paths in by_reason.items()
    ]
    return f"skipped {len(skipped)} folder entr{'y' if len(skipped) == 1 else 'ies'} ({'; '.join(parts)})"
