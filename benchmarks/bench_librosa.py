"""Benchmark of the ``librosa`` extractor: real-time factor, and no numba compilation after the warm-up.

Run by hand: ``/work/venv/bin/python benchmarks/bench_librosa.py [--clips 5] [--seconds 30]``.

Uses the clips of ``bench_essentia.py`` (44.1 kHz, so each track also pays the resampling to
22.05 kHz, as in a real run). Prints the factory's cost (librosa import + numba warm-up, paid once
per worker process), wall and CPU time per clip, the real-time factor per core, the first clip
against the others, the numba specializations the tracks added after the factory (must be none),
and the peak memory of the process.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

import numpy as np
from bench_essentia import SR, write_clips


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clips", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=30.0)
    options = parser.parse_args()

    from featurize.extraction import Track, TrackContext
    from featurize_librosa.jit import compiled_specializations
    from featurize_librosa.plugin import featurize_extractors

    start = time.perf_counter()
    extract = featurize_extractors()[0].factory()
    factory = time.perf_counter() - start
    after_factory = compiled_specializations()
    with tempfile.TemporaryDirectory() as folder:
        timings = []
        for path in write_clips(Path(folder), options.clips, options.seconds):
            wall, cpu = time.perf_counter(), time.process_time()
            extract(TrackContext(Track(path.stem, path)))
            timings.append((time.perf_counter() - wall, time.process_time() - cpu))
    added = {
        name: count - after_factory.get(name, 0)
        for name, count in compiled_specializations().items()
        if count != after_factory.get(name, 0)
    }
    wall, cpu = np.array(timings).T
    print(f"{options.clips} synthesized clips of {options.seconds:g} s at {SR} Hz (resampled to 22050 Hz per track)")
    print(f"factory (import librosa + numba warm-up, once per worker process): {factory:.2f} s")
    print(
        f"per clip: wall {wall.mean():.3f} s, CPU {cpu.mean():.3f} s (first clip {cpu[0]:.3f} s, others "
        f"{cpu[1:].mean():.3f} s); real-time factor per core {options.seconds / cpu.mean():.1f}x"
    )
    print(f"numba kernels compiled: {len(after_factory)} after the factory, specializations added by tracks: {added}")
    print(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
