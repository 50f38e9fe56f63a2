"""``featurize harmony``: commands over the stored harmony of a track (click only at import)."""

from __future__ import annotations

from pathlib import Path

import click


@click.group()
def harmony() -> None:
    """Functional harmony (FHO): export a track's chord progression as RDF to query with SPARQL."""


@harmony.command("export-rdf")
@click.argument("store", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("track_id")
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Turtle file to write (default: stdout)."
)
@click.option(
    "--reason",
    is_flag=True,
    help="Add every class the ontology entails, key-specific ones included (OWL 2 RL with owlrl; minutes).",
)
def export_rdf(store: Path, track_id: str, output: Path | None, reason: bool) -> None:
    """Write TRACK_ID's chords from STORE as a Turtle graph of FHO individuals.

    \b
    Each chord is an individual typed with its FHO chord class (fho:G, fho:Amin, fho:Cs),
    linked to the next with fho:hasNext, with its Harte label, times, feature labels
    (harmony:function) and the generic FHO function classes it belongs to. Example query:
      SELECT ?chord WHERE { ?chord a fho:DominantChordFunction }
    """
    from featurize.cli.context import fail
    from featurize.errors import FeaturizeError
    from featurize_fho.export import track_graph

    try:
        graph = track_graph(store, track_id, reason=reason)
    except FeaturizeError as error:
        fail(error)
    text = graph.serialize(format="turtle")
    if output is None:
        click.echo(text)
    else:
        output.write_text(text)
        click.echo(f"wrote {len(graph)} triples to {output}", err=True)
