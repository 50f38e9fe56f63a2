"""Benchmark of the fho extractor: per-track cost given chords, against the exact classification.

Run by hand (prints figures; not a test)::

    /work/venv/bin/python benchmarks/bench_fho.py [--chords 200] [--repeat 200] [--owlrl-chords 24]

- Per track: the fho extractor (merge, classify through the transition table, 399 features and the
  harmony artifact) on a track of ``--chords`` chord segments (random triads with 10 % N). Goal:
  under 5 ms for 200 chords.
- Anchors, measured in the same run on the same progression: the compiled ontology rules
  (``CompiledOntology.materialise``, what builds the table), and owlrl's OWL 2 RL materialisation
  (the exact path) on the first ``--owlrl-chords`` chords, as a per-chord ratio.
- One-off costs the shipped table saves: parsing the OWL file, compiling it, building the table;
  and what a worker pays instead (loading the table, building the extractor).
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

import numpy as np


def median_seconds(function: object, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def progression(n: int, seed: int = 0) -> list[str]:
    from featurize_fho.vocabulary import VOCABULARY

    rng = random.Random(seed)
    return ["N" if rng.random() < 0.1 else rng.choice(VOCABULARY) for _ in range(n)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--chords", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--owlrl-chords", type=int, default=24)
    args = parser.parse_args()

    import rdflib

    from featurize.artifacts import Segments
    from featurize.extraction import TrackContext
    from featurize_fho import transitions
    from featurize_fho.extractor import build_extractor
    from featurize_fho.features import merge_chords
    from featurize_fho.ontology import FHO, CompiledOntology, file_sha256, load_graph, ontology_path
    from featurize_fho.rdf import chord_iri, progression_graph
    from featurize_fho.reasoning import reasoned_classes
    from featurize_fho.vocabulary import fho_class

    start = time.perf_counter()
    transitions.shipped_table()
    extractor = build_extractor("AeolianDominant", "MixolydianSeventhDominant")
    worker_setup = time.perf_counter() - start

    labels = progression(args.chords)
    chords = Segments.from_rows([(i * 0.5, (i + 1) * 0.5, label) for i, label in enumerate(labels)])
    context = TrackContext.from_array(np.zeros(8, dtype=np.float32), 8000, artifacts={"chords": chords})
    extractor(context)
    fast = median_seconds(lambda: extractor(context), args.repeat)
    merged = list(merge_chords(chords).labels)

    start = time.perf_counter()
    graph = load_graph()
    parse = time.perf_counter() - start
    start = time.perf_counter()
    compiled = CompiledOntology.from_graph(graph)
    compile_seconds = time.perf_counter() - start
    start = time.perf_counter()
    transitions.build_table(compiled, file_sha256(ontology_path()))
    table_seconds = time.perf_counter() - start

    iris = [FHO + fho_class(label) for label in merged]
    compiled.materialise(iris)
    rules = median_seconds(lambda: compiled.materialise(iris), max(3, args.repeat // 20))

    head = merged[: args.owlrl_chords]
    data = progression_graph("bench", [fho_class(label) for label in head])
    nodes = [rdflib.URIRef(chord_iri("bench", i)) for i in range(len(head))]
    start = time.perf_counter()
    reasoned_classes(graph, compiled, data, nodes)
    owlrl_seconds = time.perf_counter() - start

    per_chord_fast = fast / len(merged)
    print(f"fho extractor, {args.chords} chord segments ({len(merged)} after N removal and merging):")
    print(f"  per track        {fast * 1e3:8.3f} ms   (goal < 5 ms)   {per_chord_fast * 1e6:6.2f} us/chord")
    print(f"  compiled rules   {rules * 1e3:8.3f} ms   ratio {rules / fast:7.1f}x slower than the table")
    owlrl_per_chord = owlrl_seconds / len(head)
    print(
        f"  owlrl ({len(head)} chords) {owlrl_seconds:8.2f} s    {owlrl_per_chord * 1e3:8.1f} ms/chord, "
        f"ratio {owlrl_per_chord / per_chord_fast:,.0f}x slower per chord"
    )
    print("one-off costs:")
    print(f"  worker setup (load shipped table, build extractor) {worker_setup * 1e3:8.1f} ms")
    print(
        f"  parse OWL with rdflib {parse:6.2f} s, compile {compile_seconds:5.2f} s, build table {table_seconds:5.2f} s"
    )


if __name__ == "__main__":
    main()
