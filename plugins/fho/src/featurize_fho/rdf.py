"""A track's harmony as an RDF graph: one FHO individual per chord, linked with ``fho:hasNext``.

The graph is what a user queries with SPARQL (``featurize harmony export-rdf``) and what the exact
reasoning path (:mod:`featurize_fho.reasoning`) classifies. Each chord individual is typed with
its FHO chord class (``fho:G``, ``fho:Amin``, ``fho:Cs`` for C#), carries its Harte label and
times, and, when the classification is known, its function classes and feature labels.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING
from urllib.parse import quote

from featurize_fho.ontology import FHO

if TYPE_CHECKING:
    import rdflib

HARMONY = "urn:featurize:harmony#"
"""Properties featurize adds beside FHO's: ``harte``, ``start``, ``end``, ``index``, ``function``."""


def track_iri(track_id: str) -> str:
    return f"urn:featurize:track:{quote(track_id, safe='')}"


def chord_iri(track_id: str, index: int) -> str:
    return f"{track_iri(track_id)}/chord/{index}"


def progression_graph(
    track_id: str,
    fho_classes: Sequence[str],
    *,
    harte: Sequence[str] | None = None,
    times: Sequence[tuple[float, float]] | None = None,
    functions: Sequence[Iterable[str]] | None = None,
    inferred: Sequence[Iterable[str]] | None = None,
) -> rdflib.Graph:
    """The graph of one chord sequence (already merged, without ``N``).

    Parameters
    ----------
    track_id
        Names the individuals: ``urn:featurize:track:<id>/chord/<i>``.
    fho_classes
        Local names of the chords' FHO classes, e.g. ``["C", "Fmin"]``.
    harte, times
        Optional Harte labels and ``(start, end)`` seconds, stored with the featurize properties.
    functions
        Optional feature labels per chord (``dominant``, ``tonic`` ...), as ``harmony:function`` literals.
    inferred
        Optional FHO class local names per chord, added as ``rdf:type`` so that SPARQL finds them
        without a reasoner.
    """
    import rdflib
    from rdflib import RDF, RDFS, XSD, Literal, Namespace, URIRef

    fho, harmony = Namespace(FHO), Namespace(HARMONY)
    graph = rdflib.Graph()
    graph.bind("fho", fho)
    graph.bind("harmony", harmony)
    nodes = [URIRef(chord_iri(track_id, i)) for i in range(len(fho_classes))]
    track = URIRef(track_iri(track_id))
    graph.add((track, RDFS.label, Literal(track_id)))
    for i, (node, name) in enumerate(zip(nodes, fho_classes, strict=True)):
        graph.add((node, RDF.type, fho[name]))
        graph.add((node, harmony["track"], track))
        graph.add((node, harmony["index"], Literal(i, datatype=XSD.integer)))
        if i + 1 < len(nodes):
            graph.add((node, fho.hasNext, nodes[i + 1]))
        if harte is not None:
            graph.add((node, harmony["harte"], Literal(harte[i])))
        if times is not None:
            graph.add((node, harmony["start"], Literal(float(times[i][0]), datatype=XSD.double)))
            graph.add((node, harmony["end"], Literal(float(times[i][1]), datatype=XSD.double)))
        for label in functions[i] if functions is not None else ():
            graph.add((node, harmony["function"], Literal(label)))
        for cls in inferred[i] if inferred is not None else ():
            graph.add((node, RDF.type, fho[cls]))
    return graph
