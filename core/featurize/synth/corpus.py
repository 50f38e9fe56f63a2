"""A corpus on disk: clips and lyrics for ``featurize extract``, musdb18 stems, manifest and tag tables.

Layout of the output folder::

    clips/<id>.wav, clips/<id>.txt          stereo mixture and its lyrics (sidecar, found by extract)
    stems/train/<id>/{mixture,drums,bass,other,vocals}.wav    musdb18-HQ layout (optional)
    manifest.json                           configuration, tag rules, per clip factors, tags, chords
    tags.csv                                track,<tag>,... 0/1 labels (with label noise)
    factors.csv                             track,<factor>,... the hidden factors

Clips are rendered in worker processes (each writes its own files); the manifest is
written last, so a folder with a manifest is complete.
"""

from __future__ import annotations

import csv
import json
import multiprocessing
import shutil
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from pathlib import Path
from typing import Any

import attrs
import numpy as np

from featurize.errors import ConfigurationError
from featurize.synth.factors import Factors, draw_factors, stream
from featurize.synth.lyrics import count_words, write_lyrics
from featurize.synth.render import STEMS, RenderedClip, render_clip
from featurize.synth.tags import TAGS, clean_tags, noisy_tags, tag_table

GENERATOR_VERSION = "1"
"""Bumped whenever the same configuration would render different audio or tags."""
MANIFEST = "manifest.json"


def _noise_rate(_: Any, attribute: attrs.Attribute, value: float) -> None:
    if not 0.0 <= value <= 0.5:
        raise ConfigurationError(f"{attribute.name} must be between 0 and 0.5, got {value}")


def _positive(_: Any, attribute: attrs.Attribute, value: float) -> None:
    if value <= 0:
        raise ConfigurationError(f"{attribute.name} must be positive, got {value}")


@attrs.frozen
class SynthConfig:
    """What defines a corpus: the same configuration always gives the same files."""

    clips: int = attrs.field(default=200, validator=_positive)
    seed: int = 0
    duration: float = attrs.field(default=10.0, validator=_positive)
    """Seconds per clip."""
    sr: int = attrs.field(default=22050, validator=attrs.validators.in_((22050, 44100)))
    label_noise: float = attrs.field(default=0.0, validator=_noise_rate)
    """Probability that each (clip, tag) label is flipped."""
    stems: bool = True
    """Write the musdb18-HQ stems folder."""

    def to_dict(self) -> dict[str, Any]:
        return {**attrs.asdict(self), "generator_version": GENERATOR_VERSION}


@attrs.frozen(eq=False)
class Clip:
    """One synthesized clip in memory: its factors, lyrics, audio and tags."""

    id: str
    factors: Factors
    lyrics: str
    audio: RenderedClip
    clean_tags: dict[str, int]
    tags: dict[str, int]


def clip_id(index: int) -> str:
    """Track id of clip ``index``: ``clip_00042`` (independent of the corpus size)."""
    return f"clip_{index:05d}"


def synthesize(config: SynthConfig, index: int) -> Clip:
    """Clip ``index`` of the corpus ``config`` describes, rendered in memory."""
    factors = draw_factors(config.seed, index)
    lyrics = write_lyrics(factors.lyric_style, config.duration, stream(config.seed, index, "lyrics"))
    audio = render_clip(factors, lyrics, config.duration, config.sr, stream(config.seed, index, "render"))
    clean = clean_tags(factors)
    tags = noisy_tags(clean, config.label_noise, stream(config.seed, index, "labels"))
    return Clip(clip_id(index), factors, lyrics, audio, clean, tags)


def _write_wav(path: Path, audio: np.ndarray, sr: int) -> None:
    import soundfile

    path.parent.mkdir(parents=True, exist_ok=True)
    soundfile.write(path, audio.T, sr, subtype="PCM_16")


def write_clip(clip: Clip, out: Path, stems: bool) -> dict[str, Any]:
    """Write one clip's files under ``out``; returns its manifest entry (paths relative to ``out``)."""
    audio = Path("clips") / f"{clip.id}.wav"
    lyrics = audio.with_suffix(".txt")
    _write_wav(out / audio, clip.audio.mixture, clip.audio.sr)
    (out / lyrics).write_text(clip.lyrics, encoding="utf-8")
    entry: dict[str, Any] = {
        "id": clip.id,
        "audio": audio.as_posix(),
        "lyrics": lyrics.as_posix(),
        "factors": clip.factors.to_dict(),
        "loop": clip.audio.loop,
        "chords": [[round(c.start, 6), round(c.end, 6), c.chord.label] for c in clip.audio.chords],
        "words": count_words(clip.lyrics),
        "clean_tags": clip.clean_tags,
        "tags": clip.tags,
    }
    if stems:
        folder = Path("stems") / "train" / clip.id
        _write_wav(out / folder / "mixture.wav", clip.audio.mixture, clip.audio.sr)
        for name in STEMS:
            _write_wav(out / folder / f"{name}.wav", clip.audio.stems[name], clip.audio.sr)
        entry["stems"] = folder.as_posix()
    return entry


def _render_and_write(config: SynthConfig, out: Path, index: int) -> dict[str, Any]:
    return write_clip(synthesize(config, index), out, config.stems)


def _entries(config: SynthConfig, out: Path, executor: Executor | None) -> Iterator[dict[str, Any]]:
    indices = range(config.clips)
    if executor is None:
        return (_render_and_write(config, out, i) for i in indices)
    return executor.map(_render_and_write, [config] * config.clips, [out] * config.clips, indices, chunksize=4)


def read_manifest(out: str | Path) -> dict[str, Any]:
    """The manifest of a corpus folder."""
    path = Path(out) / MANIFEST
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise ConfigurationError(f"{path}: no manifest; generate the corpus with `featurize synth`") from error


def _write_tables(out: Path, clips: list[dict[str, Any]]) -> None:
    with (out / "tags.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["track", *TAGS])
        writer.writerows([c["id"], *(c["tags"][t] for t in TAGS)] for c in clips)
    names = [f.name for f in attrs.fields(Factors)]
    with (out / "factors.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["track", *names])
        writer.writerows([c["id"], *(c["factors"][n] for n in names)] for c in clips)


def _prepare(out: Path, config: SynthConfig, overwrite: bool) -> bool:
    """Make ``out`` ready; ``True`` when it already holds this exact corpus."""
    path = out / MANIFEST
    if path.exists() and read_manifest(out).get("config") == config.to_dict():
        return True
    if not overwrite:
        if path.exists():
            raise ConfigurationError(
                f"{out} holds a corpus made with another configuration; choose another folder or overwrite it"
            )
        if any((out / folder).exists() for folder in ("clips", "stems")):
            raise ConfigurationError(
                f"{out} has clips/ or stems/ but no manifest (an interrupted run, or other files); "
                "choose another folder or overwrite it"
            )
    else:
        for folder in ("clips", "stems"):
            shutil.rmtree(out / folder, ignore_errors=True)
        path.unlink(missing_ok=True)
    out.mkdir(parents=True, exist_ok=True)
    return False


def generate_corpus(
    out: str | Path,
    config: SynthConfig,
    *,
    workers: int = 1,
    overwrite: bool = False,
    progress: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """Write the corpus ``config`` describes into ``out`` and return its manifest.

    A folder that already holds the same corpus is reused as is; one holding another
    corpus is an error unless ``overwrite`` (which deletes its ``clips`` and ``stems``).
    ``progress`` is called with the number of clips just finished.
    """
    out = Path(out)
    if _prepare(out, config, overwrite):
        return read_manifest(out)
    executor = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) if workers > 1 else None
    clips = []
    try:
        for entry in _entries(config, out, executor):
            clips.append(entry)
            if progress is not None:
                progress(1)
    finally:
        if executor is not None:
            executor.shutdown(cancel_futures=True)
    manifest = {"config": config.to_dict(), "tags": tag_table(), "clips": clips}
    _write_tables(out, clips)
    (out / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    return manifest
