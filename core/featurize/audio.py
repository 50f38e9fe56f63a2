"""Decoding and resampling: one decode per track, cheap cached views for every extractor."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

import numpy as np

from featurize.errors import InputError

AUDIO_EXTENSIONS = (".wav", ".flac", ".ogg", ".oga", ".mp3", ".aiff", ".aif", ".opus", ".m4a", ".aac", ".wma")
SAMPLE_RATES = (1_000, 768_000)
"""Sample rates accepted (Hz): a header outside them is damaged or hostile (a 1 Hz header made
resampling run for minutes), and the track fails at once, before decoding."""
MAX_SECONDS = 24 * 3600
"""Longest track accepted: a longer header is a damaged one, not music."""


def _check_file(path: Path) -> None:
    """Fail fast, naming the cause, for what is not a readable regular file (never block on a FIFO)."""
    try:
        status = path.stat()
    except FileNotFoundError:
        raise InputError(f"{path}: file not found") from None
    except OSError as error:  # ELOOP: a symlink loop; EACCES on a folder on the way
        raise InputError(f"{path}: cannot be read ({error.strerror.lower()})") from None
    if not stat.S_ISREG(status.st_mode):
        kind = "a folder" if stat.S_ISDIR(status.st_mode) else "a FIFO, socket or device"
        raise InputError(f"{path}: not a regular file ({kind})")
    if status.st_size == 0:
        raise InputError(f"{path}: file is empty")
    if not os.access(path, os.R_OK):
        raise InputError(f"{path}: permission denied")


def _check_header(path: Path, sr: int, frames: int) -> None:
    low, high = SAMPLE_RATES
    if not low <= sr <= high:
        raise InputError(f"{path}: its header declares {sr} Hz, outside the supported {low}-{high} Hz")
    if frames > MAX_SECONDS * sr:
        hours = frames / sr / 3600
        raise InputError(f"{path}: its header declares {hours:.0f} hours of audio; more than 24 is refused")


def decode(path: Path) -> tuple[np.ndarray, int]:
    """Decode ``path`` to float32 ``(channels, samples)`` at its native rate.

    libsndfile reads WAV, FLAC, OGG, MP3 and AIFF; other containers go through the
    ``ffmpeg`` command when it is installed. Every failure is an :class:`InputError`
    naming the file and the cause.
    """
    path = Path(path)
    _check_file(path)
    import soundfile

    try:
        header = soundfile.info(os.fsencode(path))  # any file name
        _check_header(path, header.samplerate, header.frames)
        samples, sr = soundfile.read(os.fsencode(path), dtype="float32", always_2d=True)
        samples = samples.T
    except (soundfile.LibsndfileError, RuntimeError, TypeError) as error:
        if shutil.which("ffmpeg") is None:
            raise InputError(f"{path}: cannot decode audio ({error}); install ffmpeg for other formats") from error
        samples, sr = _decode_with_ffmpeg(path, error)
    if samples.shape[1] == 0:
        raise InputError(f"{path}: contains no audio samples")
    if not np.all(np.isfinite(samples)):
        raise InputError(f"{path}: decoded audio contains NaN or infinite samples")
    return np.ascontiguousarray(samples), int(sr)


def _decode_with_ffmpeg(path: Path, cause: Exception) -> tuple[np.ndarray, int]:
    probe = subprocess.run(
        [
            "ffprobe",
            "-v",
            "error",
            "-select_streams",
            "a:0",
            "-show_entries",
            "stream=sample_rate,channels",
            "-of",
            "csv=p=0",
            str(path),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    fields = probe.stdout.strip().split(",")
    if probe.returncode != 0 or len(fields) != 2:
        raise InputError(f"{path}: not an audio file ({cause})")
    sr, channels = int(fields[0]), int(fields[1])
    _check_header(path, sr, 0)
    run = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(path), "-f", "f32le", "-acodec", "pcm_f32le", "-"],
        capture_output=True,
        check=False,
    )
    if run.returncode != 0:
        raise InputError(f"{path}: ffmpeg cannot decode it: {run.stderr.decode(errors='replace').strip()}")
    samples = np.frombuffer(run.stdout, dtype=np.float32)
    return samples.reshape(-1, channels).T.copy(), sr


def resample(samples: np.ndarray, sr: int, target_sr: int) -> np.ndarray:
    """Resample ``(channels, samples)`` audio with soxr's high-quality filter."""
    if sr == target_sr:
        return samples
    import soxr

    return np.ascontiguousarray(soxr.resample(samples.T, sr, target_sr, quality="HQ").T.astype(np.float32))


def to_mono(samples: np.ndarray) -> np.ndarray:
    """Average the channels of ``(channels, samples)`` audio into ``(samples,)``."""
    return samples.mean(axis=0, dtype=np.float32) if samples.shape[0] > 1 else samples[0]
