"""Benchmark of featurize-midlevel: extraction speed and peak memory, training speed.

Run by hand (prints figures; not a test)::

    /work/venv/bin/python benchmarks/bench_midlevel.py [--tracks 6] [--train-clips 16] [--threads 1]

- Extraction, both architectures at their published width (random weights saved and
  loaded through the plugin's own code): seconds per 30 s stereo 44.1 kHz MP3 track
  (decode, resample, front end, CNN), real-time factor, and the peak RSS of a fresh
  process that loads the model and extracts every track.
- Anchor: the VGG front end against ``librosa.feature.mfcc`` on the same audio (after
  librosa's warm-up), as a ratio measured in the same run; and ResNet against VGG.
- Training: seconds per epoch per 1,000 clips of 15 s (one window per clip, batch 8, Adam),
  scaled from ``--train-clips`` clips, and the one-off front-end pass per 1,000 clips.

Each measurement runs in its own child process so that peak memory is its own.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

SR_FILE = 44100
TRACK_SECONDS = 30.0
CLIP_SECONDS = 15.0


def synth(seconds: float, sr: int, seed: int) -> np.ndarray:
    """Chord tones, clicks and a little noise: music-like enough for a realistic front end."""
    from featurize.testing.signals import clicks, tone, triad

    rng = np.random.default_rng(seed)
    root = ["C", "D", "E", "F", "G", "A"][seed % 6]
    music = tone(triad(root, "min" if seed % 2 else "maj"), seconds, sr) + clicks(80 + 10 * (seed % 5), seconds, sr)
    return (music + 0.02 * rng.standard_normal(music.shape)).astype(np.float32)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def random_model(architecture: str, representations: list[np.ndarray], ratings: np.ndarray) -> object:
    """A published-width, untrained model normalised on ``representations`` (the plugin's own builder)."""
    from featurize_midlevel.frontend import DEFAULT_FRONT_ENDS
    from featurize_midlevel.training import TrainingOptions, new_model

    return new_model(
        TrainingOptions(architecture=architecture), DEFAULT_FRONT_ENDS[architecture](), representations, ratings
    )


def save_random_model(architecture: str, path: Path) -> None:
    from featurize_midlevel.frontend import DEFAULT_FRONT_ENDS
    from featurize_midlevel.training import deterministic
    from featurize_midlevel.weights import save_model

    representation = DEFAULT_FRONT_ENDS[architecture]().representation(synth(CLIP_SECONDS, 22050, seed=0))
    with deterministic(0):
        save_model(random_model(architecture, [representation], np.full((1, 7), 5.0)), path)


# -- child measurements ---------------------------------------------------------------------------


def child_extract(architecture: str, weights: Path, tracks: list[Path]) -> dict[str, float]:
    from featurize import Track, TrackContext
    from featurize.testing import build_extractor
    from featurize_midlevel.plugin import EXTRACTOR

    started = time.perf_counter()
    extractor = build_extractor(EXTRACTOR, {"weights": str(weights), "architecture": architecture})
    load = time.perf_counter() - started
    extractor(TrackContext(Track("warm-up", tracks[0])))
    started = time.perf_counter()
    for path in tracks:
        extractor(TrackContext(Track(path.stem, path)))
    per_track = (time.perf_counter() - started) / len(tracks)
    return {"load_seconds": load, "seconds_per_track": per_track, "peak_rss_mb": peak_rss_mb()}


def child_frontend_anchor(repeats: int) -> dict[str, float]:
    import librosa

    from featurize_midlevel.frontend import MfccFrontEnd

    audio = synth(CLIP_SECONDS, 22050, seed=0)
    ours = MfccFrontEnd()
    options = {"sr": 22050, "n_mfcc": 40, "n_fft": 2048, "win_length": 2048, "hop_length": 512}
    librosa.feature.mfcc(y=audio, **options)  # numba/scipy warm-up
    ours.representation(audio)
    timings = {}
    for name, run in (
        ("ours", lambda: ours.representation(audio)),
        ("librosa", lambda: librosa.feature.mfcc(y=audio, **options)),
    ):
        started = time.perf_counter()
        for _ in range(repeats):
            run()
        timings[name] = (time.perf_counter() - started) / repeats
    difference = np.abs(ours.representation(audio) - librosa.feature.mfcc(y=audio, **options)).max()
    return {
        "ours_seconds": timings["ours"],
        "librosa_seconds": timings["librosa"],
        "max_abs_difference": float(difference),
    }


def child_train(architecture: str, clips: int) -> dict[str, float]:
    from featurize_midlevel.dataset import Split
    from featurize_midlevel.frontend import DEFAULT_FRONT_ENDS
    from featurize_midlevel.training import TrainingOptions, deterministic, fit

    frontend = DEFAULT_FRONT_ENDS[architecture]()
    audio = [synth(CLIP_SECONDS, 22050, seed=i) for i in range(clips + 2)]
    started = time.perf_counter()
    representations = [frontend.representation(a) for a in audio]
    prepare_seconds = time.perf_counter() - started
    ratings = np.random.default_rng(0).uniform(1, 9, size=(clips + 2, 7))
    split = Split(tuple(range(clips)), (clips, clips + 1), ())
    options = TrainingOptions(architecture=architecture, epochs=2, patience=10)
    with deterministic(0):
        model = random_model(architecture, representations[:clips], ratings[:clips])
        started = time.perf_counter()
        fit(model, representations, ratings, split, options, progress=False)
        per_epoch = (time.perf_counter() - started) / options.epochs
    return {
        "seconds_per_epoch_per_1000": per_epoch * 1000 / clips,
        "prepare_seconds_per_1000": prepare_seconds * 1000 / (clips + 2),
        "peak_rss_mb": peak_rss_mb(),
    }


# -- parent ---------------------------------------------------------------------------------------


def run_child(threads: int, *args: str) -> dict[str, float]:
    """One measurement in a fresh process whose torch uses ``threads`` threads, as a pool worker's would."""
    environment = {**os.environ, "OMP_NUM_THREADS": str(threads)}
    command = [sys.executable, __file__, "--child", *args]
    output = subprocess.run(command, check=True, capture_output=True, text=True, env=environment)
    return json.loads(output.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tracks", type=int, default=6, help="30 s tracks per architecture")
    parser.add_argument("--train-clips", type=int, default=16, help="15 s clips per training epoch")
    parser.add_argument("--threads", type=int, default=1, help="OMP_NUM_THREADS of each measuring process")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, *rest = args.child
        if kind == "extract":
            result = child_extract(rest[0], Path(rest[1]), [Path(p) for p in rest[2:]])
        elif kind == "anchor":
            result = child_frontend_anchor(int(rest[0]))
        else:
            result = child_train(rest[0], int(rest[1]))
        print(json.dumps(result))
        return

    import soundfile

    print(f"featurize-midlevel benchmark: torch threads {args.threads}, {args.tracks} tracks of {TRACK_SECONDS:.0f} s")
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        tracks = []
        for i in range(args.tracks):
            path = root / f"track_{i}.mp3"
            mono = synth(TRACK_SECONDS, SR_FILE, seed=i)
            soundfile.write(path, np.stack([mono, np.roll(mono, 441)]).T, SR_FILE, format="MP3")
            tracks.append(str(path))
        extraction = {}
        for architecture in ("vgg", "resnet"):
            weights = root / f"{architecture}.safetensors"
            save_random_model(architecture, weights)
            extraction[architecture] = run_child(args.threads, "extract", architecture, str(weights), *tracks)
    anchor = run_child(args.threads, "anchor", "10")
    training = {a: run_child(args.threads, "train", a, str(args.train_clips)) for a in ("vgg", "resnet")}

    print("\nextraction (30 s stereo 44.1 kHz MP3 -> 7 features; decode + resample + front end + CNN)")
    for architecture, figures in extraction.items():
        print(
            f"  {architecture:<7} {figures['seconds_per_track']:.3f} s/track  "
            f"real-time factor {figures['seconds_per_track'] / TRACK_SECONDS:.4f}  "
            f"model load {figures['load_seconds']:.2f} s  peak RSS {figures['peak_rss_mb']:.0f} MB"
        )
    ratio = extraction["resnet"]["seconds_per_track"] / extraction["vgg"]["seconds_per_track"]
    print(f"  resnet / vgg time ratio: {ratio:.2f}")
    print("\nanchor: MFCC front end on 15 s, ours (numpy + torch FFT) vs librosa.feature.mfcc (warm)")
    print(
        f"  ours {anchor['ours_seconds'] * 1000:.1f} ms  librosa {anchor['librosa_seconds'] * 1000:.1f} ms  "
        f"ratio ours/librosa {anchor['ours_seconds'] / anchor['librosa_seconds']:.2f}  "
        f"max |difference| {anchor['max_abs_difference']:.2e}"
    )
    print(f"\ntraining (published widths, batch 8, measured on {args.train_clips} clips of {CLIP_SECONDS:.0f} s)")
    for architecture, figures in training.items():
        print(
            f"  {architecture:<7} {figures['seconds_per_epoch_per_1000']:.0f} s per epoch per 1,000 clips  "
            f"front end {figures['prepare_seconds_per_1000']:.0f} s per 1,000 clips (once, decode excluded)  "
            f"peak RSS {figures['peak_rss_mb']:.0f} MB"
        )


if __name__ == "__main__":
    main()
