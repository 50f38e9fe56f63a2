"""Benchmark of featurize-lyrics: lyric features per 1,000 words, demucs and whisper per minute of audio.

Run by hand (prints figures; not a test)::

    /work/venv/bin/python benchmarks/bench_lyrics.py [--words 1000] [--seconds 30] [--threads 1]

- Features: milliseconds for the ``lyrics`` extractor on a text of ``--words`` words
  (median of ``--repeats`` calls, after the factory has loaded spaCy and the CMU
  dictionary), against the goal of 10 ms per 1,000 words and, as an anchor measured in the
  same run, against spaCy's blank pipeline + sentencizer alone on the same text.
- Syllable fallback: agreement with the CMU syllable count on 5,000 random dictionary words,
  for the spelling rules used for unknown English words and for pyphen's en_US hyphenation.
- Separation and transcription: seconds per minute of audio (and real-time factor) for the
  ``vocals`` and ``transcript`` extractors on ``--seconds`` of synthesized stereo audio.
  By default with the tiny test checkpoints (``featurize_lyrics.testing``), which measure
  the plumbing, not the published models. With real weights on a machine that has them::

      bench_lyrics.py --demucs-model htdemucs [--demucs-repo DIR] --whisper-model small [--whisper-weights PATH]

  (no ``--demucs-repo``: demucs' caches; no ``--whisper-weights``: ~/.cache/whisper).

Each part runs in its own child process, so the peak RSS printed is its own.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

VOCABULARY = [
    "love",
    "baby",
    "heart",
    "night",
    "light",
    "tonight",
    "fire",
    "dance",
    "dancing",
    "feel",
    "feeling",
    "time",
    "away",
    "never",
    "forever",
    "together",
    "dream",
    "dreaming",
    "world",
    "girl",
    "boy",
    "home",
    "road",
    "rain",
    "sun",
    "moon",
    "star",
    "stars",
    "sky",
    "blue",
    "cold",
    "hold",
    "tight",
    "right",
    "wrong",
    "know",
    "don't",
    "can't",
    "won't",
    "i'm",
    "you're",
    "we're",
    "gonna",
    "wanna",
    "rock",
    "roll",
    "soul",
    "mind",
    "eyes",
    "face",
    "hands",
    "fall",
    "falling",
    "run",
    "running",
    "burn",
    "burning",
    "cry",
    "crying",
    "sing",
    "song",
    "music",
    "street",
    "city",
    "river",
    "ocean",
    "summer",
    "winter",
    "fly",
    "free",
    "alive",
    "believe",
    "remember",
    "together",
    "golden",
    "shadow",
    "whisper",
    "thunder",
    "lightning",
    "midnight",
    "morning",
    "kiss",
    "lips",
]
INVENTED = ("zorblax", "snerk", "glimmerfold", "brazzle")  # out-of-vocabulary words (3% of the text)
GOAL_MS = 10.0


def lyrics_text(words: int, seed: int = 0) -> str:
    """Deterministic song-like text: lines of 6-9 words, some sentences ending mid-line, a repeated chorus."""
    rng = random.Random(seed)
    chorus = [rng.choice(VOCABULARY) for _ in range(16)]
    tokens: list[str] = []
    while len(tokens) < words:
        if rng.random() < 0.25:
            tokens.extend(chorus)
        else:
            tokens.extend(rng.choice(INVENTED) if rng.random() < 0.03 else rng.choice(VOCABULARY) for _ in range(24))
    tokens = tokens[:words]
    lines, start = [], 0
    while start < len(tokens):
        width = rng.randint(6, 9)
        line = " ".join(tokens[start : start + width])
        lines.append(line + ("." if rng.random() < 0.3 else ""))
        start += width
    return "\n".join(lines)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(function: Any, repeats: int) -> float:
    """Median seconds of ``repeats`` calls."""
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        function()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


# -- parts, each run in a child process -------------------------------------------------------------


def part_features(args: argparse.Namespace) -> dict[str, Any]:
    import numpy as np

    from featurize.artifacts import Text
    from featurize.extraction import TrackContext
    from featurize.testing import build_extractor
    from featurize_lyrics.plugin import featurize_extractors
    from featurize_lyrics.text import WORD, blank_english

    spec = next(s for s in featurize_extractors() if s.name == "lyrics")
    started = time.perf_counter()
    extract = build_extractor(spec)
    factory_s = time.perf_counter() - started
    text = lyrics_text(args.words)
    n_words = len(WORD.findall(text.lower()))
    track = TrackContext.from_array(np.zeros(8000 * 180, np.float32), 8000, artifacts={"lyrics": Text(text, "en")})
    result = extract(track)
    ours = timed(lambda: extract(track), args.repeats)
    nlp = blank_english()
    anchor = timed(lambda: nlp(text), args.repeats)
    return {
        "words": n_words,
        "factory_s": factory_s,
        "features_ms": ours * 1000,
        "features_ms_per_1000_words": ours * 1000 * 1000 / n_words,
        "spacy_ms": anchor * 1000,
        "oov_rate": result.features["oov_rate"],
        "peak_rss_mb": peak_rss_mb(),
    }


def part_syllables(args: argparse.Namespace) -> dict[str, Any]:
    import pyphen

    from featurize_lyrics.phonetics import Lexicon, hyphenated_syllables, spelled_syllables, syllable_count

    cmu = Lexicon.cmu()
    words = sorted(w for w in cmu._entries if re.fullmatch(r"[a-z]+(?:'[a-z]+)?", w))
    sample = random.Random(1).sample(words, 5000)
    truth = {w: syllable_count(cmu.phones(w)) for w in sample}
    english = pyphen.Pyphen(lang="en_US")
    return {
        "spelling_agreement": sum(spelled_syllables(w) == truth[w] for w in sample) / len(sample),
        "pyphen_agreement": sum(hyphenated_syllables(w, english) == truth[w] for w in sample) / len(sample),
    }


def _audio(seconds: float) -> Any:
    import numpy as np

    from featurize.testing.signals import clicks, tone, triad

    chords = [tone(triad(root, "maj"), seconds / 4, 44100) for root in ("C", "A", "F", "G")]
    music = np.concatenate(chords) + clicks(100, seconds, 44100)[: sum(len(c) for c in chords)]
    return np.stack([music, np.roll(music, 441)])


def part_pipeline(args: argparse.Namespace) -> dict[str, Any]:
    import torch

    from featurize.extraction import TrackContext
    from featurize.testing import build_extractor
    from featurize_lyrics.plugin import featurize_extractors
    from featurize_lyrics.testing import save_tiny_demucs, save_tiny_whisper

    torch.set_num_threads(args.threads)
    specs = {s.name: s for s in featurize_extractors()}
    folder = Path(tempfile.mkdtemp(prefix="bench_lyrics_"))
    if args.demucs_model is None:
        save_tiny_demucs(folder, "tiny_demucs")
    if args.whisper_model is None:
        save_tiny_whisper(folder / "tiny_whisper.pt")
    vocals = build_extractor(
        specs["vocals"],
        {
            "model": args.demucs_model or "tiny_demucs",
            "repo": folder if args.demucs_model is None else args.demucs_repo,
        },
    )
    transcript = build_extractor(
        specs["transcript"],
        {
            "model": args.whisper_model or "small",
            "weights": folder / "tiny_whisper.pt" if args.whisper_model is None else args.whisper_weights,
            "language": "en",
        },
    )
    audio = _audio(args.seconds)
    figures: dict[str, Any] = {"demucs": args.demucs_model or "tiny Demucs", "whisper": args.whisper_model or "tiny"}
    warm = TrackContext.from_array(audio[:, :44100], 44100)  # loads both models, JIT-compiles whisper's DTW
    started = time.perf_counter()
    transcript(TrackContext.from_array(audio[:, :44100], 44100, artifacts=vocals(warm).artifacts))
    figures["load_and_warm_up_s"] = time.perf_counter() - started
    track = TrackContext.from_array(audio, 44100)
    started = time.perf_counter()
    stems = vocals(track).artifacts
    separation = time.perf_counter() - started
    started = time.perf_counter()
    lyrics = transcript(TrackContext.from_array(audio, 44100, artifacts=stems)).artifacts["lyrics"]
    transcription = time.perf_counter() - started
    figures |= {
        "separation_s_per_minute": separation * 60 / args.seconds,
        "transcription_s_per_minute": transcription * 60 / args.seconds,
        "transcript_words": len(lyrics.text.split()),
        "peak_rss_mb": peak_rss_mb(),
    }
    return figures


PARTS = {"features": part_features, "syllables": part_syllables, "pipeline": part_pipeline}


def run_child(part: str, argv: list[str]) -> dict[str, Any]:
    command = [sys.executable, __file__, "--part", part, *argv]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def report(argv: list[str], args: argparse.Namespace) -> None:
    features = run_child("features", argv)
    per_1000 = features["features_ms_per_1000_words"]
    print(f"lyrics features on {features['words']} words (median of {args.repeats}):")
    print(f"  factory (spaCy blank pipeline + CMU dictionary): {features['factory_s']:.2f} s once per worker")
    print(f"  extract: {features['features_ms']:.2f} ms = {per_1000:.2f} ms per 1,000 words")
    print(f"  goal 10 ms per 1,000 words: ratio {per_1000 / GOAL_MS:.2f}")
    print(
        f"  anchor, spaCy blank+sentencizer alone: {features['spacy_ms']:.2f} ms; ratio ours/spaCy "
        f"{features['features_ms'] / features['spacy_ms']:.2f}"
    )
    print(f"  oov_rate of the text {features['oov_rate']:.3f}; peak RSS {features['peak_rss_mb']:.0f} MB")
    syllables = run_child("syllables", argv)
    print("syllables of 5,000 random CMU words, agreement with the CMU count:")
    print(f"  spelling rules (fallback for unknown English words): {syllables['spelling_agreement']:.1%}")
    print(f"  pyphen en_US hyphenation + 1: {syllables['pyphen_agreement']:.1%}")
    pipeline = run_child("pipeline", argv)
    print(
        f"separation ({pipeline['demucs']}) and transcription (whisper {pipeline['whisper']}) "
        f"on {args.seconds:g} s of stereo 44.1 kHz audio, {args.threads} torch thread(s):"
    )
    print(f"  loading + warm-up on 1 s: {pipeline['load_and_warm_up_s']:.2f} s once per worker")
    for stage in ("separation", "transcription"):
        per_minute = pipeline[f"{stage}_s_per_minute"]
        print(f"  {stage}: {per_minute:.2f} s per minute of audio (real-time factor {per_minute / 60:.3f})")
    print(f"  transcript words {pipeline['transcript_words']}; peak RSS {pipeline['peak_rss_mb']:.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--words", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--demucs-model", help="real demucs model name (default: the tiny test model)")
    parser.add_argument("--demucs-repo", help="folder of the real demucs model (default: demucs' caches)")
    parser.add_argument("--whisper-model", help="real whisper model name (default: the tiny test model)")
    parser.add_argument("--whisper-weights", help="real whisper checkpoint or folder (default: ~/.cache/whisper)")
    parser.add_argument("--part", choices=sorted(PARTS), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.part:
        print(json.dumps(PARTS[args.part](args)))
    else:
        report(sys.argv[1:], args)


if __name__ == "__main__":
    main()
