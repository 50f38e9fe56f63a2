"""Benchmark of the ``essentia`` extractor against Essentia's MusicExtractor on the same 30 s clips.

Run by hand: ``/work/venv/bin/python benchmarks/bench_essentia.py [--clips 5] [--seconds 30]``.

Prints, measured in one run with the two interleaved clip by clip (so machine load hits both alike):
wall and CPU time per clip for each, their ratio (ours / MusicExtractor; below 1 is faster), the
real-time factor per core (audio seconds per CPU second, both are single-threaded), peak memory of a
fresh process running each, and for every descriptor MusicExtractor also outputs the largest relative
difference between its value and ours over the clips.
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

SR = 44100
PROGRESSIONS = (
    (("C", "maj"), ("A", "min"), ("F", "maj"), ("G", "maj")),
    (("D", "min"), ("A#", "maj"), ("F", "maj"), ("C", "maj")),
    (("E", "maj"), ("C#", "min"), ("A", "maj"), ("B", "maj")),
    (("G", "min"), ("D#", "maj"), ("C", "min"), ("D", "maj")),
)


def synthesize_clip(seed: int, seconds: float, sr: int = SR) -> np.ndarray:
    """A music-like clip: a chord loop (one chord per bar), a bass line, a click beat and noise hi-hats."""
    from featurize.testing.signals import clicks, tone, triad, white_noise

    rng = np.random.default_rng(seed)
    bpm = float(rng.choice([92.0, 105.0, 120.0, 128.0, 140.0]))
    bar = 4 * 60.0 / bpm
    chords = PROGRESSIONS[seed % len(PROGRESSIONS)]
    n_bars = math.ceil(seconds / bar)
    harmony = np.concatenate(
        [tone(triad(*chords[i % 4], octave=4), bar, sr, harmonics=8, rolloff=1.2) for i in range(n_bars)]
    )
    bass = np.concatenate([tone(triad(*chords[i % 4], octave=2)[0], bar, sr, harmonics=4) for i in range(n_bars)])
    n = int(seconds * sr)
    hats = white_noise(seconds, sr, seed=seed, amplitude=0.5) * (clicks(2 * bpm, seconds, sr, click_seconds=0.03) != 0)
    mix = 0.5 * harmony[:n] + 0.4 * bass[:n] + 0.6 * clicks(bpm, seconds, sr, click_seconds=0.05) + 0.05 * hats
    return (0.8 * mix / np.max(np.abs(mix))).astype(np.float32)


def write_clips(folder: Path, count: int, seconds: float) -> list[Path]:
    import soundfile

    paths = []
    for seed in range(count):
        path = folder / f"clip{seed}.wav"
        soundfile.write(path, synthesize_clip(seed, seconds), SR, subtype="PCM_16")
        paths.append(path)
    return paths


def _timed(function, *args):  # type: ignore[no-untyped-def]
    wall, cpu = time.perf_counter(), time.process_time()
    result = function(*args)
    return result, time.perf_counter() - wall, time.process_time() - cpu


def peak_memory_mb(side: str, paths: list[Path]) -> float:
    """Peak RSS of a fresh process that imports, builds and runs one side over every clip."""
    code = (
        "import resource, sys\n"
        "from pathlib import Path\n"
        "sys.path.insert(0, sys.argv[1])\n"
        "import bench_essentia as b\n"
        "run = b.ours() if sys.argv[2] == 'ours' else b.music_extractor\n"
        "for p in sys.argv[3:]: run(Path(p))\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)\n"
    )
    args = [sys.executable, "-c", code, str(Path(__file__).parent), side, *map(str, paths)]
    out = subprocess.run(args, capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def ours():  # type: ignore[no-untyped-def]
    """Our extractor as a function of a path (decoding included, as MusicExtractor's is)."""
    from featurize.extraction import Track, TrackContext
    from featurize_essentia.plugin import featurize_extractors

    extract = featurize_extractors()[0].factory()
    return lambda path: extract(TrackContext(Track(path.stem, path))).features


def music_extractor(path: Path) -> dict[str, float]:
    from featurize_essentia.reference import music_extractor_values

    return music_extractor_values(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clips", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=30.0)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        paths = write_clips(Path(folder), options.clips, options.seconds)
        run_ours, factory_wall, _ = _timed(ours)
        music_extractor(paths[0])  # warm both before timing
        run_ours(paths[0])
        times = {"ours": [], "MusicExtractor": []}
        worst: dict[str, float] = {}
        for path in paths:
            reference, wall, cpu = _timed(music_extractor, path)
            times["MusicExtractor"].append((wall, cpu))
            values, wall, cpu = _timed(run_ours, path)
            times["ours"].append((wall, cpu))
            for name, expected in reference.items():
                difference = abs(values[name] - expected) / max(abs(expected), 1e-12)
                worst[name] = max(worst.get(name, 0.0), difference)
        memory = {side: peak_memory_mb(side, paths) for side in ("ours", "music_extractor")}
    report(options, times, factory_wall, memory, worst)


def report(options, times, factory_wall, memory, worst) -> None:  # type: ignore[no-untyped-def]
    print(f"{options.clips} synthesized clips of {options.seconds:g} s at {SR} Hz, mono 16-bit WAV")
    print(f"our factory (import Essentia, configure algorithms): {factory_wall:.2f} s once per worker")
    summary = {}
    for side, pairs in times.items():
        wall, cpu = np.array(pairs).T
        summary[side] = (wall.mean(), cpu.mean())
        print(
            f"{side:>15}: wall {wall.mean():.3f} s/clip (min {wall.min():.3f}), CPU {cpu.mean():.3f} s/clip, "
            f"real-time factor per core {options.seconds / cpu.mean():.1f}x"
        )
    ratio_wall = summary["ours"][0] / summary["MusicExtractor"][0]
    ratio_cpu = summary["ours"][1] / summary["MusicExtractor"][1]
    print(f"ratio ours / MusicExtractor: wall {ratio_wall:.2f}, CPU {ratio_cpu:.2f} (below 1: ours is faster)")
    print(
        f"peak RSS of a fresh process over all clips: ours {memory['ours']:.0f} MB, "
        f"MusicExtractor {memory['music_extractor']:.0f} MB"
    )
    print("largest relative difference to MusicExtractor over the clips:")
    for name, difference in sorted(worst.items(), key=lambda item: -item[1]):
        print(f"  {name:32s} {difference:.2e}")
    print(json.dumps({"ratio_wall": ratio_wall, "ratio_cpu": ratio_cpu, "max_rel_diff": max(worst.values())}))


if __name__ == "__main__":
    main()
