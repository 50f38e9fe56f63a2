"""The ``librosa`` extractor: one analysis per track, and a warm-up so numba compiles once per worker."""

from __future__ import annotations

import fcntl
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from featurize.extraction import Result, TrackContext
from featurize.testing.signals import standard_inputs
from featurize_librosa import level, rhythm, spectral, tonal
from featurize_librosa.catalog import SAMPLE_RATE
from featurize_librosa.representation import analyse


def extract(track: TrackContext) -> Result:
    """All features of one track, from 22.05 kHz mono audio."""
    signal = np.ascontiguousarray(track.audio(sr=SAMPLE_RATE, mono=True), dtype=np.float32)
    spectrogram = analyse(signal)
    features = (
        spectral.describe(spectrogram)
        | tonal.describe(spectrogram)
        | rhythm.describe(spectrogram, len(signal) / SAMPLE_RATE)
        | level.describe(spectrogram.signal)
    )
    return Result(features=features)


def build() -> object:
    """The extractor factory: imports librosa and runs it once on synthesized music.

    librosa's numba kernels compile (or load from numba's cache) on first use, 10-20 s per process;
    paying that here, with the same dtypes real tracks have, keeps every track of the worker fast.
    """
    warm_up = standard_inputs(SAMPLE_RATE)["music"]
    with _one_process_compiles():
        extract(TrackContext.from_array(warm_up, SAMPLE_RATE, track_id="warm-up"))
    return extract


@contextmanager
def _one_process_compiles() -> Iterator[None]:
    """Hold a machine-wide lock while numba compiles and caches librosa's kernels.

    Two workers warming up at once can each write numba's on-disk cache of a kernel with several
    signatures (librosa's ``guvectorize`` ones): the index of one and the code of the other then
    disagree, and every later process that loads that cache crashes with a segmentation fault.
    The second worker waits here and loads the complete cache instead.
    """
    with open(Path(tempfile.gettempdir()) / "featurize-librosa-numba.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
