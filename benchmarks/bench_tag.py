"""Benchmark of ``featurize tag`` from a store: 100,000 tracks x 67 features x 56 tags.

Run by hand (prints figures; not a test)::

    /work/venv/bin/python benchmarks/bench_tag.py [--tracks 100000] [--train 1500]

For em-banded and xgboost (100 trees per tag), each trained with ``featurize.learn.training.train``
on ``--train`` planted tracks of the same 67 features (8 groups), the figure is the wall time of
``featurize.tag(model_dir, store)``: reading the store, standardising, scores, thresholds, group
contributions and the (track, tag) table. Anchor, same matrix, same run: the model's own bare
``predict`` on the standardised matrix (already in memory). Goals: under 10 s, within 1.5x.

``--audio N`` measures tagging from audio instead, as whole processes on the synthetic corpus:
``featurize tag MODEL CLIPS/`` (extraction with the model's recipe, then tagging) against
``featurize extract`` of the same clips with the same extractor (the anchor), one worker each,
for an em-banded model over essentia's features. Goal: tag costs extraction plus at most 5 %.
"""

from __future__ import annotations

import argparse
import csv
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

N_FEATURES, N_TAGS, N_GROUPS = 67, 56, 8


def grouping_toml(names: list[str]) -> str:
    blocks = np.array_split(np.arange(len(names)), N_GROUPS)
    parts = ['name = "bench"', 'description = "8 groups"']
    for g, block in enumerate(blocks):
        features = ", ".join(f'"{names[i]}"' for i in block)
        parts.append(f'[groups.G{g}]\ndescription = "group {g}"\nfeatures = [{features}]')
    return "\n\n".join(parts) + "\n"


def write_store(path: Path, X: np.ndarray, names: list[str], ids: list[str]) -> float:
    from featurize.learn.testing import write_feature_store

    start = time.perf_counter()
    write_feature_store(path, X, names, ids)
    return time.perf_counter() - start


def timed(function, repeat: int = 1) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - start)
    return best


def featurize_cli(*args: object) -> float:
    """Wall time of one ``featurize`` process (start-up included)."""
    start = time.perf_counter()
    command = [str(Path(sys.executable).with_name("featurize")), *map(str, args)]
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - start


def bench_audio(clips: int) -> None:
    """Tagging from audio against extraction alone, whole processes, the same clips, one worker."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        essentia = ("--plugins", "essentia")
        one = ("--workers", "1", "--no-progress")
        featurize_cli("synth", folder / "train", "-n", 60, "--duration", 5, "--no-stems")
        featurize_cli(*essentia, "extract", folder / "train" / "clips", "-o", folder / "train.h5", *one)
        featurize_cli(
            "train", folder / "train.h5", "--labels", folder / "train" / "tags.csv", "--model", "em-banded",
            "--grouping", "by-source", "-o", folder / "model",
        )  # fmt: skip
        featurize_cli("synth", folder / "new", "-n", clips, "--seed", 1, "--duration", 10, "--no-stems")
        clips_dir = folder / "new" / "clips"
        anchor = featurize_cli(*essentia, "extract", clips_dir, "-o", folder / "anchor.h5", *one)
        tagging = featurize_cli("tag", folder / "model", clips_dir, "-o", folder / "tags.csv", *one)
        print(f"audio, {clips} clips of 10 s: extract {anchor:.1f} s (anchor), tag from audio {tagging:.1f} s")
        print(f"  ratio tag / extract: {tagging / anchor:.3f}x (goal <= 1.05x)")


def main() -> None:
    import featurize
    from featurize.learn.modeldir import load_bundle
    from featurize.learn.testing import planted
    from featurize.learn.training import TrainOptions, train
    from featurize.plugin.manager import PluginManager
    from featurize.store import FeatureStore

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tracks", type=int, default=100_000)
    parser.add_argument("--train", type=int, default=1500)
    parser.add_argument("--audio", type=int, metavar="N", help="measure tagging from N synthesized clips instead")
    args = parser.parse_args()
    if args.audio:
        bench_audio(args.audio)
        return
    sizes = [len(b) for b in np.array_split(np.arange(N_FEATURES), N_GROUPS)]
    names = [f"bench{g}.f{i}" for g, size in enumerate(sizes) for i in range(size)]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        X, Y = planted(n=args.train, sizes=sizes, informative=2, n_targets=N_TAGS, seed=0)
        ids = [f"train{i:06d}" for i in range(args.train)]
        write_store(folder / "train.h5", X, names, ids)
        with (folder / "tags.csv").open("w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["track", *(f"tag{t}" for t in range(N_TAGS))])
            writer.writerows([track, *row] for track, row in zip(ids, Y.tolist(), strict=True))
        (folder / "bench.toml").write_text(grouping_toml(names))
        fresh = planted(n=args.tracks, sizes=sizes, informative=2, n_targets=1, seed=1)[0]
        seconds = write_store(folder / "new.h5", fresh, names, [f"new{i:06d}" for i in range(args.tracks)])
        print(f"store: {args.tracks} tracks x {N_FEATURES} features written in {seconds:.1f} s")
        manager = PluginManager()
        for model, params in (("em-banded", {}), ("xgboost", {"n_estimators": 100})):
            start = time.perf_counter()
            options = TrainOptions(model=model, grouping=str(folder / "bench.toml"), params=params)
            train(folder / "train.h5", folder / "tags.csv", options, output=folder / model, manager=manager)
            print(f"\n{model}: trained in {time.perf_counter() - start:.1f} s (thresholds included)")
            bundle = load_bundle(folder / model, manager)
            with FeatureStore(folder / "new.h5") as store:
                matrix = bundle.standardiser.transform(store.matrix(list(bundle.grouping.feature_names))[0])
            bare = timed(lambda b=bundle, m=matrix: b.model.predict(m))
            start = time.perf_counter()
            frame = featurize.tag(folder / model, folder / "new.h5", manager=manager)
            tagging = time.perf_counter() - start
            print(f"  bare predict (anchor, matrix in memory): {bare:.2f} s")
            print(f"  featurize.tag (store -> table with contributions): {tagging:.2f} s, {len(frame):,} rows")
            print(f"  ratio tag / bare predict: {tagging / bare:.2f}x (goal <= 1.5x); under 10 s: {tagging < 10}")


if __name__ == "__main__":
    main()
