"""The ``transcript`` extractor: whisper transcribes the separated vocals, with word timings.

Models load through ``whisper.load_model``: an official name (``tiny`` ... ``large-v3``,
``turbo``) from whisper's cache folder (downloading when there is network), or a
checkpoint file. Decoding is greedy (temperature 0, no fallback) and not conditioned on
the previous window, so results are deterministic and a repeated chorus cannot send the
decoder into a loop of its own output.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from featurize.artifacts import Segments, Signal, Text
from featurize.audio import resample, to_mono
from featurize.errors import ExtractionError, MissingWeightsError
from featurize.extraction import Result, TrackContext
from featurize_lyrics.lazy import INSTALL_HINT, LazyModel, cause

SAMPLE_RATE = 16000
"""Whisper's input rate; arrays at this rate need no ffmpeg."""

LOAD_ERRORS = (OSError, RuntimeError, KeyError, TypeError, ValueError, pickle.UnpicklingError)
"""What ``whisper.load_model`` raises for an absent, undownloadable, foreign or tampered checkpoint."""


def _missing(name: str, folder: Path | None, error: BaseException) -> str:
    where = folder or "~/.cache/whisper"
    return (
        f"whisper model {name!r} is not in {where} and cannot be downloaded ({cause(error)}). Run "
        f"`python -c \"import whisper; whisper.load_model('{name}')\"` once on a machine with network and copy the "
        f"downloaded .pt file into {where}, or pass --transcript-weights PATH (the .pt checkpoint, or its folder)"
    )


def load_whisper(name: str, weights: str | Path | None, device: str) -> Any:
    """A whisper model: the checkpoint file ``weights``, else ``name`` from the folder ``weights`` or the cache.

    Raises
    ------
    MissingWeightsError
        When the checkpoint is absent and cannot be downloaded, or is not a whisper checkpoint.
    ExtractionError
        When whisper is not installed.
    """
    try:
        import whisper
    except ImportError as error:
        raise ExtractionError(f"transcription needs openai-whisper and torch ({error}); {INSTALL_HINT}") from error
    location = Path(weights) if weights else None
    if location is not None and location.is_file():
        try:
            return whisper.load_model(str(location), device=device)
        except LOAD_ERRORS as error:
            raise MissingWeightsError(
                f"the whisper checkpoint {location} (--transcript-weights) cannot be loaded: {cause(error)}"
            ) from error
    if location is not None and not location.is_dir():
        raise MissingWeightsError(f"the whisper weights {location} (--transcript-weights) do not exist")
    if name not in whisper.available_models():
        raise MissingWeightsError(
            f"{name!r} is not a whisper model name ({', '.join(whisper.available_models())}); "
            "pass a checkpoint file with --transcript-weights"
        )
    try:
        return whisper.load_model(name, device=device, download_root=str(location) if location else None)
    except LOAD_ERRORS as error:
        raise MissingWeightsError(_missing(name, location, error)) from error


def transcript_text(result: dict[str, Any], source: str) -> Text:
    """Whisper's result as :class:`Text`: one line per segment, word timings, detected language."""
    segments = result.get("segments", [])
    lines = [segment["text"].strip() for segment in segments if segment["text"].strip()]
    rows = [
        (float(word["start"]), max(float(word["end"]), float(word["start"])), word["word"].strip())
        for segment in segments
        for word in segment.get("words", [])
    ]
    return Text(text="\n".join(lines), language=result.get("language"), timings=Segments.from_rows(rows), source=source)


def transcribe(model: Any, vocals: Signal, language: str | None, device: str) -> dict[str, Any]:
    """Run whisper on the vocals, downmixed and resampled to 16 kHz.

    The first word-timing alignment compiles whisper's DTW with numba, which resets the
    OpenMP thread count torch uses; the count is restored so that the worker keeps the
    threads the runner gave it.
    """
    import torch
    import whisper

    audio = resample(to_mono(vocals.samples)[None], vocals.sr, SAMPLE_RATE)[0]
    threads = torch.get_num_threads()
    try:
        return whisper.transcribe(
            model,
            np.ascontiguousarray(audio, dtype=np.float32),
            language=language,
            task="transcribe",
            temperature=0.0,
            condition_on_previous_text=False,
            word_timestamps=True,
            fp16=device != "cpu",
            verbose=None,
        )
    finally:
        torch.set_num_threads(threads)


def make_extractor(
    model: str, weights: str | Path | None, language: str | None, device: str
) -> Callable[[TrackContext], Result]:
    """Build the ``transcript`` extractor; the model loads on the first track (see :mod:`featurize_lyrics.lazy`)."""
    recogniser: LazyModel[Any] = LazyModel(lambda: load_whisper(model, weights, device))
    checkpoint = Path(weights) if weights else None
    source = f"whisper:{checkpoint.name if checkpoint is not None and checkpoint.is_file() else model}"

    def extract(track: TrackContext) -> Result:
        whisper_model = recogniser.get(track)
        vocals = track.artifact("vocals")
        if not isinstance(vocals, Signal):
            raise ExtractionError(f"{track.path}: the 'vocals' artifact is a {type(vocals).__name__}, not Signal")
        result = transcribe(whisper_model, vocals, language or None, device)
        return Result(artifacts={"lyrics": transcript_text(result, source)})

    return extract
