"""Benchmarks of groupings (issue 4), each as a ratio to an anchor measured in the same run.

    python benchmarks/bench_groupings.py [--features 50000]

1. Registration: parsing and checking the packaged user-friendly TOML (what every plugin
   manager start pays), against bare ``tomllib.loads`` of the same text.
2. Resolution: the user-friendly grouping against the SAMAT catalog, and a glob-and-name
   grouping against a catalog of ``--features`` features, against ``FeatureStore.expand`` of
   the same patterns on a store with that catalog (the core's own name/glob expansion).
3. Computed groupings on ``--features`` features: by-source and random build + resolve time,
   with the tracemalloc peak.
4. CLI: ``featurize groupings list`` and ``show user-friendly`` wall time against
   ``featurize --help`` (goal: under 0.3 s more).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
import tracemalloc
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

from featurize.grouping import Group, Grouping, load_grouping, packaged_grouping
from featurize.grouping.testing import reference_catalog, write_store
from featurize.plugin.manager import PluginManager
from featurize.store import FeatureInfo, FeatureStore


def best(function: Callable[[], Any], repeats: int = 7) -> float:
    """Best wall time of ``repeats`` calls, in seconds."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def wall(command: list[str], repeats: int = 5) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def synthetic_catalog(n: int) -> list[FeatureInfo]:
    sources = ("signal processing", "deep learning", "ontology", "nlp")
    return [FeatureInfo(f"x{i % 50}.f{i}", f"x{i % 50}", "", "", sources[i % 4]) for i in range(n)]


def bench_registration() -> None:
    package = "featurize_grouping_user_friendly"
    text = (resources.files(package) / "user_friendly.toml").read_text(encoding="utf-8")
    bare = best(lambda: tomllib.loads(text), 50)
    full = best(lambda: packaged_grouping(package, "user_friendly.toml"), 50)
    print(
        f"1. register user-friendly: {full * 1e6:.0f} us; tomllib.loads alone {bare * 1e6:.0f} us; "
        f"ratio {full / bare:.1f}x"
    )


def bench_resolution(n: int, folder: Path) -> None:
    samat = reference_catalog()
    friendly = load_grouping("user-friendly")
    seconds = best(lambda: friendly.resolve(samat, strict=True), 50)
    print(f"2a. resolve user-friendly on {len(samat)} features: {seconds * 1e6:.0f} us")
    catalog = synthetic_catalog(n)
    patterns = [f"x{e}.f{i}" for e in range(0, 50, 5) for i in range(e, n, 1000)] + [f"x{e}.*" for e in range(1, 50, 5)]
    groups = [Group(f"G{k}", "g", tuple(patterns[k::10])) for k in range(10)]
    grouping = Grouping("bench", "bench", groups, origin="bench")
    ours = best(lambda: grouping.resolve(catalog, strict=True), 5)
    with FeatureStore(write_store(folder / "wide.h5", catalog, n_tracks=2)) as store:
        anchor = best(lambda: store.expand(patterns), 5)
    print(
        f"2b. resolve {len(patterns)} names/globs on {n} features: {ours * 1e3:.1f} ms; "
        f"FeatureStore.expand {anchor * 1e3:.1f} ms; ratio {ours / anchor:.2f}x"
    )


def bench_computed(n: int) -> None:
    catalog = synthetic_catalog(n)
    manager = PluginManager()
    for name in ("by-source", "random"):
        seconds = best(lambda name=name: load_grouping(name, manager=manager, catalog=catalog).resolve(catalog), 3)
        tracemalloc.start()
        load_grouping(name, manager=manager, catalog=catalog).resolve(catalog)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        print(f"3. {name} on {n} features: build + resolve {seconds * 1e3:.1f} ms, peak {peak / 2**20:.1f} MiB")


def bench_cli() -> None:
    exe = str(Path(sys.executable).with_name("featurize"))
    anchor = wall([exe, "--help"])
    listing = wall([exe, "groupings", "list"])
    show = wall([exe, "groupings", "show", "user-friendly"])
    print(
        f"4. featurize --help {anchor:.3f} s; groupings list {listing:.3f} s (+{listing - anchor:.3f}); "
        f"groupings show user-friendly {show:.3f} s (+{show - anchor:.3f}); goal < +0.3 s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--features", type=int, default=50_000)
    args = parser.parse_args()
    bench_registration()
    with tempfile.TemporaryDirectory() as folder:
        bench_resolution(args.features, Path(folder))
    bench_computed(args.features)
    bench_cli()


if __name__ == "__main__":
    main()
