"""Benchmark of the synthetic corpus generator (`featurize synth`): speed and memory per clip.

Run by hand (prints figures; not a test)::

    /work/venv/bin/python benchmarks/bench_synth.py [--clips 20] [--duration 10]

- Rendering: seconds per clip in memory (factors, lyrics, four stems, mix) at 22,050 and
  44,100 Hz, the real-time factor, and the peak memory tracemalloc sees for one clip.
- Writing: seconds per clip to write the mixture, the lyrics and the musdb18 stems (16-bit
  WAV) with one process, and clips per second with one worker per core.
- Anchors, measured in the same run: the issue's budget of one second per 10 s clip
  (ratio = render time / budget scaled to the clip length), and Essentia's extraction of
  the same clip (featurize-essentia, when installed): the generator should cost a small
  fraction of what extracting features from its output costs.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
import tracemalloc
from pathlib import Path

from featurize.synth import SynthConfig, generate_corpus, synthesize


def render_seconds(config: SynthConfig, clips: int) -> list[float]:
    synthesize(config, 0)  # warm caches (imports, FFT plans)
    times = []
    for index in range(clips):
        started = time.perf_counter()
        synthesize(config, index)
        times.append(time.perf_counter() - started)
    return times


def peak_memory_mb(config: SynthConfig) -> float:
    tracemalloc.start()
    synthesize(config, 1)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def write_seconds(config: SynthConfig, workers: int) -> float:
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        generate_corpus(Path(folder) / "corpus", config, workers=workers)
        return time.perf_counter() - started


def essentia_seconds(config: SynthConfig, clips: int) -> float | None:
    from featurize.extraction import TrackContext
    from featurize.plugin.manager import PluginManager

    spec = PluginManager().extractors().get("essentia")
    if spec is None:
        return None
    extract = spec.factory()
    rendered = [synthesize(config, i).audio for i in range(clips)]
    started = time.perf_counter()
    for audio in rendered:
        extract(TrackContext.from_array(audio.mixture, audio.sr))
    return (time.perf_counter() - started) / clips


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clips", type=int, default=20)
    parser.add_argument("--duration", type=float, default=10.0)
    args = parser.parse_args()
    budget = args.duration / 10.0
    print(f"{args.clips} clips of {args.duration:g} s, {os.cpu_count()} cores")
    for sr in (22050, 44100):
        config = SynthConfig(clips=args.clips, duration=args.duration, sr=sr)
        times = render_seconds(config, args.clips)
        median = statistics.median(times)
        print(
            f"render @ {sr} Hz: median {median * 1000:.0f} ms/clip (max {max(times) * 1000:.0f} ms), "
            f"{args.duration / median:.0f}x real time, {median / budget:.2f} of the 1 s per 10 s budget, "
            f"peak {peak_memory_mb(config):.0f} MiB"
        )
    config = SynthConfig(clips=args.clips, duration=args.duration)
    serial = write_seconds(config, 1) / args.clips
    workers = os.cpu_count() or 1
    parallel = write_seconds(config, workers)
    print(
        f"render + write (mixture, lyrics, 5 stems): {serial * 1000:.0f} ms/clip with 1 process, "
        f"{args.clips / parallel:.1f} clips/s with {workers} workers"
    )
    extraction = essentia_seconds(config, min(args.clips, 5))
    if extraction is None:
        print("featurize-essentia not installed: no extraction anchor")
    else:
        render = statistics.median(render_seconds(config, min(args.clips, 5)))
        print(
            f"anchor: essentia extraction {extraction * 1000:.0f} ms/clip; generator/extraction = "
            f"{render / extraction:.2f}"
        )


if __name__ == "__main__":
    main()
