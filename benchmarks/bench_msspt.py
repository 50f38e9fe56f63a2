"""Benchmark of featurize-msspt: forward time per segment, training step time, peak memory.

Run by hand (prints figures; not a test)::

    /work/venv/bin/python benchmarks/bench_msspt.py [--repeats 3] [--threads 1,2] [--quick]

Cases, each in its own child process so that its peak RSS is its own (random weights; speed
does not depend on them):

- forward of segments in inference mode, per segment: the full CNN pipeline (U-Net, adapters,
  Short-chunk CNN; 384 frames = 3.86 s) at batch 1 and 8, the full AST pipeline (768 frames =
  7.70 s) at batch 1, and both tiny configurations;
- one training step (forward, backward, Adam), per segment: full CNN at batch 4, tiny CNN at batch 8;
- tagging a 30 s stereo 44.1 kHz WAV with ``MssptTagger.decision_function`` (full CNN: decode,
  resample, 14 half-overlapping windows).

FLOPs per segment come from torch's ``FlopCounterMode`` (the spec estimates 9.25 and 48.8 GMAC,
i.e. 18.5 and 97.5 GFLOP); it does not count the CPU attention kernel, 2 x 2 x 385^2 x 768 x 12
= 5.5 GFLOP for the full AST, which accounts for the difference. Anchor, measured in the same
child: a float32 matrix product of the same FLOP count, i.e. what this CPU reaches on dense work;
the ratio pipeline / matmul says how far the network's mix of small convolutions, BatchNorm and
pooling is from that. The spec's own measurements (0.66-1.1 s per CNN segment on one thread,
4.0 s per AST segment on two, on a contended VM) are printed beside ours.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

SPEC_SECONDS = {("cnn", "full"): "0.66-1.1 s (1 thread)", ("ast", "full"): "4.0 s (2 threads)"}


def best_of(repeats: int, run) -> float:  # type: ignore[no-untyped-def]
    """The fastest of ``repeats`` timed calls after one warm-up call."""
    run()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def matmul_seconds(flops: float, repeats: int) -> float:
    """Time of a square float32 matrix product doing ``flops`` floating-point operations."""
    import torch

    n = round((flops / 2) ** (1 / 3))
    a, b = torch.randn(n, n), torch.randn(n, n)
    return best_of(repeats, lambda: a @ b)


def model(backbone: str, size: str):  # type: ignore[no-untyped-def]
    from featurize_msspt.config import tagger_preset
    from featurize_msspt.tagger import Tagger

    return Tagger(tagger_preset(backbone, size, 50))


def case_forward(args: argparse.Namespace) -> dict[str, float]:
    import torch
    from torch.utils.flop_counter import FlopCounterMode

    tagger = model(args.backbone, args.size).eval()
    batch = torch.rand(args.batch, tagger.config.segment_frames, 256)
    with torch.inference_mode():
        counter = FlopCounterMode(display=False)
        with counter:
            tagger(batch[:1])
        seconds = best_of(args.repeats, lambda: tagger(batch)) / args.batch
    flops = counter.get_total_flops()
    return {"seconds": seconds, "gflop": flops / 1e9, "matmul_seconds": matmul_seconds(flops, args.repeats)}


def case_train(args: argparse.Namespace) -> dict[str, float]:
    import torch

    tagger = model(args.backbone, args.size).train()
    optimizer = torch.optim.Adam(tagger.parameters(), lr=1e-4, eps=1e-7)
    batch = torch.rand(args.batch, tagger.config.segment_frames, 256)
    targets = torch.randint(0, 2, (args.batch, 50)).float()

    def step() -> None:
        loss = torch.nn.functional.binary_cross_entropy_with_logits(tagger(batch), targets)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

    return {"seconds": best_of(args.repeats, step) / args.batch}


def case_track(args: argparse.Namespace) -> dict[str, float]:
    import soundfile

    from featurize.testing.signals import clicks, tone, triad
    from featurize_msspt.estimator import MssptTagger

    sr, seconds = 44100, 30.0
    music = tone(triad("A", "min"), seconds, sr) + clicks(120, seconds, sr)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "track.wav"
        soundfile.write(path, np.stack([music, music]).T, sr)
        estimator = MssptTagger(backbone=args.backbone, size=args.size)
        estimator._set_fitted(model(args.backbone, args.size).eval(), "multilabel", None)
        return {"seconds": best_of(args.repeats, lambda: estimator.decision_function([path]))}


CASES = {"forward": case_forward, "train": case_train, "track": case_track}


def run_case(args: argparse.Namespace) -> None:
    import torch

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    result = CASES[args.case](args)
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


def child(case: str, backbone: str, size: str, batch: int, threads: int, repeats: int) -> dict[str, float]:
    command = [sys.executable, __file__, "--case", case, "--backbone", backbone, "--size", size]
    command += ["--batch", str(batch), "--threads", str(threads), "--repeats", str(repeats)]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", default="1,2", help="comma-separated torch thread counts for the forward cases")
    parser.add_argument("--quick", action="store_true", help="skip the full-size AST and training cases")
    parser.add_argument("--case", choices=sorted(CASES), help=argparse.SUPPRESS)
    parser.add_argument("--backbone", default="cnn", help=argparse.SUPPRESS)
    parser.add_argument("--size", default="full", help=argparse.SUPPRESS)
    parser.add_argument("--batch", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case:
        args.threads = int(args.threads)
        run_case(args)
        return
    threads = [int(t) for t in args.threads.split(",")]
    print(f"{'case':<44} {'threads':>7} {'s/segment':>10} {'GFLOP':>7} {'GFLOP/s':>8} {'vs matmul':>9} {'RSS MB':>7}")
    forward = [("cnn", "full", 1), ("cnn", "full", 8), ("ast", "full", 1), ("cnn", "tiny", 1), ("ast", "tiny", 1)]
    for backbone, size, batch in forward:
        if args.quick and (backbone, size) == ("ast", "full"):
            continue
        for count in threads:
            r = child("forward", backbone, size, batch, count, args.repeats)
            label = f"forward {backbone} {size}, batch {batch}"
            print(
                f"{label:<44} {count:>7} {r['seconds']:>10.4f} {r['gflop']:>7.2f} {r['gflop'] / r['seconds']:>8.1f} "
                f"{r['seconds'] / r['matmul_seconds']:>8.1f}x {r['peak_rss_mb']:>7.0f}"
            )
    for (backbone, size), figure in SPEC_SECONDS.items():
        print(f"spec measurement, forward {backbone} {size}: {figure} per segment")
    training = [("cnn", "tiny", 8)] if args.quick else [("cnn", "tiny", 8), ("cnn", "full", 4)]
    for backbone, size, batch in training:
        r = child("train", backbone, size, batch, max(threads), max(1, args.repeats - 1))
        label = f"train step {backbone} {size}, batch {batch}"
        print(f"{label:<44} {max(threads):>7} {r['seconds']:>10.4f} {'':>7} {'':>8} {'':>9} {r['peak_rss_mb']:>7.0f}")
    r = child("track", "cnn", "full", 1, max(threads), max(1, args.repeats - 1))
    print(
        f"tag one 30 s track (full CNN, 14 windows): {r['seconds']:.2f} s on {max(threads)} threads, "
        f"peak RSS {r['peak_rss_mb']:.0f} MB (spec estimate 10-15 s)"
    )


if __name__ == "__main__":
    main()
