"""Benchmarks of the core (issue 2), each against the anchor the issue names.

    python benchmarks/bench_core.py [--tracks 2000] [--rows 50000] [--cols 500]

1. ``featurize --help`` / ``featurize plugins`` wall time with every installed plugin (goal < 0.5 s),
   plus the top entries of ``python -X importtime``.
2. Runner overhead with a decode-only extractor over many short tracks, beyond decoding them in a plain
   loop (goal < 5 ms per track).
3. Store: append rows x cols in batches, then read the whole matrix, against ``numpy.load`` of the same
   array from the same disk (goal: read <= 2x numpy.load), and against the same chunks without the
   per-chunk Fletcher-32 checksums (the cost of integrity checking).
4. Two workers against one on a CPU-bound extractor (goal >= 1.7x).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import h5py
import numpy as np
import soundfile

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))


def wall(command: list[str], repeats: int = 5) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def bench_cli() -> None:
    exe = str(Path(sys.executable).with_name("featurize"))
    print(f"featurize --help : {wall([exe, '--help']):.3f} s (goal < 0.5 s)")
    print(f"featurize plugins: {wall([exe, 'plugins']):.3f} s (goal < 0.5 s)")
    listing = subprocess.run([exe, "plugins"], capture_output=True, text=True).stdout
    print("  installed:", ", ".join(line.split()[0] for line in listing.splitlines()[2:]) or "none")
    trace = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "from featurize.cli import main; main(['plugins'])"],
        capture_output=True,
        text=True,
    ).stderr
    rows = []
    for line in trace.splitlines():
        if line.startswith("import time:") and "|" in line and "cumulative" not in line:
            _, cumulative, name = (part.strip() for part in line.removeprefix("import time:").split("|"))
            rows.append((int(cumulative), name))
    print("  top cumulative imports (us):", ", ".join(f"{n} {c}" for c, n in sorted(rows, reverse=True)[:8]))


def make_tracks(folder: Path, n: int, seconds: float, sr: int) -> None:
    rng = np.random.default_rng(0)
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        soundfile.write(folder / f"t{i:05d}.wav", (0.1 * rng.standard_normal(int(seconds * sr))).astype(np.float32), sr)


def run(folder: Path, store: Path, plugin: str, executor: str, workers: int) -> float:
    from featurize.runner.inputs import discover
    from featurize.runner.run import extract
    from featurize.runner.worker import RunConfig

    config = RunConfig.make(plugins=[plugin], extra_modules=["bench_extractors"], threads=1)
    start = time.perf_counter()
    summary = extract(discover([folder]), store, config=config, executor=executor, workers=workers, progress=False)
    assert summary.ok, summary.failures[:3]
    return time.perf_counter() - start


def bench_runner(n: int) -> None:
    from featurize.audio import decode

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "tracks"
        make_tracks(folder, n, 0.25, 16000)
        start = time.perf_counter()
        for path in sorted(folder.iterdir()):
            decode(path)
        decoding = time.perf_counter() - start
        serial = run(folder, Path(tmp) / "serial.h5", "noop", "serial", 1)
        pooled = run(folder, Path(tmp) / "pool.h5", "noop", "process", 2)
    print(
        f"runner, {n} tracks: plain decode loop {decoding:.2f} s; serial run {serial:.2f} s -> overhead "
        f"{1000 * (serial - decoding) / n:.2f} ms/track (goal < 5); 2-worker pool {pooled:.2f} s -> overhead "
        f"{1000 * (pooled - decoding / 2) / n:.2f} ms/track-wall"
    )


def drop_page_cache() -> None:
    """Make the next read come from the disk (root only): ``--cold``."""
    os.sync()
    Path("/proc/sys/vm/drop_caches").write_text("3\n")


def bench_store(rows: int, cols: int, batch: int = 1000, cold: bool = False) -> None:
    from featurize.store import ExtractorMeta, ExtractorRecord, FeatureStore, Status, StoreWriter, TrackRecord

    rng = np.random.default_rng(0)
    matrix = rng.standard_normal((rows, cols)).astype(np.float32)
    meta = ExtractorMeta(
        "bench",
        "1",
        {},
        "0",
        "bench",
        "bench==1",
        "benchmark",
        tuple((f"f{j}", "d", "", "signal processing") for j in range(cols)),
        (),
    )
    with tempfile.TemporaryDirectory(dir=HERE) as tmp:
        path = Path(tmp) / "store.h5"
        start = time.perf_counter()
        with StoreWriter(path, batch_size=batch, flush_seconds=1e9) as writer:
            writer.declare([meta])
            for i in range(rows):
                writer.add(
                    TrackRecord(
                        f"t{i}", f"t{i}.wav", extractors=(ExtractorRecord("bench", meta.key, Status.OK, matrix[i]),)
                    )
                )
        append = time.perf_counter() - start
        npy = Path(tmp) / "matrix.npy"
        np.save(npy, matrix)
        plain = Path(tmp) / "plain.h5"
        with h5py.File(path, "r") as source, h5py.File(plain, "w") as target:
            stored = source["features/bench/values"]
            target.create_dataset("values", data=stored[:], chunks=stored.chunks)
        reads, loads, unchecked = [], [], []
        settle = drop_page_cache if cold else lambda: None
        for _ in range(5):
            settle()
            start = time.perf_counter()
            with FeatureStore(path) as store:
                values = store.values("bench")
            reads.append(time.perf_counter() - start)
            settle()
            start = time.perf_counter()
            loaded = np.load(npy, allow_pickle=False)
            loads.append(time.perf_counter() - start)
            settle()
            start = time.perf_counter()
            with h5py.File(plain, "r") as file:
                file["values"][:]
            unchecked.append(time.perf_counter() - start)
        assert np.array_equal(values, matrix) and np.array_equal(loaded, matrix)
        size = path.stat().st_size / 2**20
    read, load, bare = statistics.median(reads), statistics.median(loads), statistics.median(unchecked)
    print(
        f"store {rows}x{cols} ({'cold' if cold else 'warm'} page cache): append in batches of {batch} "
        f"{append:.1f} s ({1e6 * append / rows:.0f} us/track), "
        f"file {size:.0f} MiB; whole-matrix read {read:.3f} s vs numpy.load {load:.3f} s -> ratio {read / load:.2f} "
        f"(goal <= 2); same chunks without checksums {bare:.3f} s -> checksum cost {read / bare:.2f}x"
    )


def bench_scaling(n: int = 24) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "tracks"
        make_tracks(folder, n, 4.0, 22050)
        one = run(folder, Path(tmp) / "one.h5", "spectral_work", "process", 1)
        two = run(folder, Path(tmp) / "two.h5", "spectral_work", "process", 2)
    print(
        f"CPU-bound extractor, {n} tracks: 1 worker {one:.2f} s, 2 workers {two:.2f} s -> speed-up "
        f"{one / two:.2f}x (goal >= 1.7x)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tracks", type=int, default=2000)
    parser.add_argument("--rows", type=int, default=50000)
    parser.add_argument("--cols", type=int, default=500)
    parser.add_argument("--cold", action="store_true", help="Store reads from disk: drop the page cache (root).")
    parser.add_argument("--only", choices=["cli", "runner", "store", "scaling"], help="Run one benchmark only.")
    args = parser.parse_args()
    os.environ["PYTHONPATH"] = os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")])
    benchmarks = {
        "cli": bench_cli,
        "runner": lambda: bench_runner(args.tracks),
        "store": lambda: bench_store(args.rows, args.cols, cold=args.cold),
        "scaling": bench_scaling,
    }
    for name, bench in benchmarks.items():
        if args.only in (None, name):
            bench()


if __name__ == "__main__":
    main()
