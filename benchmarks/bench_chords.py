"""Benchmark of the chord providers: seconds per minute of audio, and accuracy on known progressions.

Run by hand (prints figures; not a test)::

    /work/venv/bin/python benchmarks/bench_chords.py [--repeat 3] [--omnizart-venv /work/venv-omnizart]
        [--omnizart-checkpoint DIR]

- ``chroma_chords`` (featurize-fho): per minute of 44.1 kHz mono audio, resampling to 11025 Hz
  included, median of ``--repeat`` runs after a warm-up; peak allocated memory on a 10-minute track
  (the 44.1 kHz input itself, 106 MB, included).
- Anchor, same audio, same run: Essentia's beat-synchronous chord detection (RhythmExtractor2013
  beats, 36-bin HPCP frames of 4096/2048, ChordsDetectionBeats), as the ``essentia`` plugin
  computes its ``chords`` artifact.
- ``omnizart`` (featurize-omnizart) in its own venv (a child process): the real Harmony Transformer
  architecture with random weights (real weights need network), built once and cached in
  ``~/.cache/featurize/bench/chord_random`` unless ``--omnizart-checkpoint`` is given. TensorFlow
  import and model load are reported apart from the per-minute cost.
- Accuracy (weighted chord symbol recall) of chroma_chords and of the Essentia anchor on the
  synthesized progressions of :mod:`featurize_fho.evaluation` (7 progressions x 7 renderings).
  Omnizart's random weights make its accuracy meaningless, so it is not measured.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np

SR = 44100
MINUTE = 60.0
OMNIZART_CHILD = """
import json, sys, time
from pathlib import Path
import numpy as np
audio_path, checkpoint, repeat = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
start = time.perf_counter()
import tensorflow, omnizart
imported = time.perf_counter() - start
built = None
if not checkpoint.exists():
    from featurize_omnizart.random_checkpoint import save_random_checkpoint
    start = time.perf_counter()
    save_random_checkpoint(checkpoint)
    built = time.perf_counter() - start
from featurize_omnizart.transcription import build_extractor
start = time.perf_counter()
transcriber = build_extractor(checkpoint)
loaded = time.perf_counter() - start
audio = np.load(audio_path)
transcriber.transcribe(audio)
times = []
for _ in range(repeat):
    start = time.perf_counter()
    transcriber.transcribe(audio)
    times.append(time.perf_counter() - start)
print(json.dumps({"import": imported, "built": built, "load": loaded, "times": times}))
"""


def median_seconds(function: object, repeat: int) -> float:
    function()  # type: ignore[operator]
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def peak_megabytes(function: object) -> float:
    """Peak memory numpy and Python allocate while ``function`` runs (tracemalloc sees numpy buffers)."""
    import tracemalloc

    tracemalloc.start()
    function()  # type: ignore[operator]
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def minute_of_music() -> np.ndarray:
    from featurize_fho.evaluation import PROGRESSIONS, render_progression

    parts = [render_progression(chords, SR)[0] for chords in PROGRESSIONS.values()]
    audio = np.concatenate(parts * 3)
    return audio[: int(MINUTE * SR)]


class EssentiaChords:
    """Essentia's beat-synchronous chord detection on 44.1 kHz mono audio, labels in Harte."""

    def __init__(self) -> None:
        import essentia

        essentia.log.infoActive = False
        essentia.log.warningActive = False
        import essentia.standard as es

        self.es = es
        self.rhythm = es.RhythmExtractor2013(method="multifeature")
        self.window = es.Windowing(type="blackmanharris62")
        self.spectrum = es.Spectrum()
        self.peaks = es.SpectralPeaks(
            orderBy="magnitude", magnitudeThreshold=1e-5, minFrequency=20, maxFrequency=3500, maxPeaks=60
        )
        self.hpcp = es.HPCP(
            size=36, referenceFrequency=440, harmonics=8, bandPreset=True, minFrequency=20, maxFrequency=3500,
            weightType="cosine", nonLinear=False, windowSize=1.0,
        )  # fmt: skip
        self.chords = es.ChordsDetectionBeats(hopSize=2048, sampleRate=SR, chromaPick="interbeat_median")

    def __call__(self, audio: np.ndarray) -> object:
        from featurize.artifacts import Segments

        beats = self.rhythm(audio)[1]
        frames = [
            self.hpcp(*self.peaks(self.spectrum(self.window(frame))))
            for frame in self.es.FrameGenerator(audio, frameSize=4096, hopSize=2048, startFromZero=True)
        ]
        if len(beats) < 2 or not frames:
            return Segments.from_rows([(0.0, len(audio) / SR, "N")])
        labels, _ = self.chords(np.array(frames, dtype=np.float32), beats)
        harte = [f"{label[:-1]}:min" if label.endswith("m") else f"{label}:maj" for label in labels]
        rows = [(float(beats[i]), float(beats[i + 1]), label) for i, label in enumerate(harte)]
        rows[0] = (0.0, *rows[0][1:])  # the first chord from the start, the last one to the end
        rows[-1] = (rows[-1][0], len(audio) / SR, rows[-1][2])
        return Segments.from_rows(rows)


def accuracy(recognise: object, sr: int) -> dict[str, float]:
    """Mean accuracy per rendering over the synthesized progressions (labels reduced to sharps)."""
    from featurize.artifacts import Segments
    from featurize_fho.evaluation import PROGRESSIONS, RENDERINGS, chord_accuracy, render_progression
    from featurize_fho.vocabulary import reduce_label

    scores = {}
    for rendering, options in RENDERINGS.items():
        values = []
        for chords in PROGRESSIONS.values():
            audio, truth = render_progression(chords, sr, **options)  # type: ignore[arg-type]
            found = recognise(audio)  # type: ignore[operator]
            found = Segments(found.start, found.end, [reduce_label(label) or "N" for label in found.labels])
            values.append(chord_accuracy(found, truth))
        scores[rendering] = float(np.mean(values))
    return scores


def omnizart(venv: Path, audio: np.ndarray, checkpoint: Path, repeat: int) -> dict[str, object] | None:
    python = venv / "bin" / "python"
    if not python.exists():
        return None
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "audio.npy"
        np.save(path, audio)
        run = subprocess.run(
            [str(python), "-c", OMNIZART_CHILD, str(path), str(checkpoint), str(repeat)],
            capture_output=True,
            text=True,
            check=False,
        )
    if run.returncode != 0:
        print(run.stderr[-2000:])
        return None
    return json.loads(run.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--omnizart-venv", type=Path, default=Path("/work/venv-omnizart"))
    parser.add_argument(
        "--omnizart-checkpoint", type=Path, default=Path.home() / ".cache" / "featurize" / "bench" / "chord_random"
    )
    args = parser.parse_args()

    from featurize.extraction import TrackContext
    from featurize_fho.chroma_chords import SAMPLE_RATE, ChromaChords

    audio = minute_of_music()
    chroma = ChromaChords()
    chroma_seconds = median_seconds(lambda: chroma(TrackContext.from_array(audio, SR)), args.repeat)
    ten_minutes = np.tile(audio, 10)
    chroma_peak = peak_megabytes(lambda: chroma(TrackContext.from_array(ten_minutes, SR)))
    essentia = EssentiaChords()
    essentia_seconds = median_seconds(lambda: essentia(audio), args.repeat)

    print("seconds per minute of 44.1 kHz mono audio:")
    print(f"  chroma_chords (fho)   {chroma_seconds:7.3f} s   peak memory on 10 minutes: {chroma_peak:.0f} MB")
    ratio = chroma_seconds / essentia_seconds
    print(f"  essentia (anchor)     {essentia_seconds:7.3f} s   chroma_chords / essentia = {ratio:.2f}")
    result = omnizart(args.omnizart_venv, audio, args.omnizart_checkpoint, args.repeat)
    if result is None:
        print(f"  omnizart              not measured (no working venv at {args.omnizart_venv})")
    else:
        per_minute = statistics.median(result["times"])  # type: ignore[arg-type]
        print(
            f"  omnizart (random chord_v1 weights) {per_minute:7.3f} s   omnizart / essentia = "
            f"{per_minute / essentia_seconds:.2f}; one-off: TensorFlow import {result['import']:.1f} s, "
            f"model load {result['load']:.1f} s"
            + (f", checkpoint built in {result['built']:.0f} s" if result["built"] else "")
        )

    print("accuracy on synthesized progressions (mean over 7 progressions):")
    chroma_scores = accuracy(lambda x: chroma.recognise(x), SAMPLE_RATE)
    essentia_scores = accuracy(essentia, SR)
    print(f"  {'rendering':32s} {'chroma_chords':>13s} {'essentia':>9s}")
    for rendering in chroma_scores:
        print(f"  {rendering:32s} {chroma_scores[rendering]:13.3f} {essentia_scores[rendering]:9.3f}")
    overall = (np.mean(list(chroma_scores.values())), np.mean(list(essentia_scores.values())))
    print(f"  {'overall':32s} {overall[0]:13.3f} {overall[1]:9.3f}")


if __name__ == "__main__":
    main()
