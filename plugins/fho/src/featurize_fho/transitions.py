"""The transition table: what the ontology says about each chord given its neighbours, computed once.

For the 24 triads of :data:`~featurize_fho.vocabulary.VOCABULARY` the table stores, from the
ontology's own axioms (:meth:`~featurize_fho.ontology.CompiledOntology.materialise`):

* ``static[a]``: the classes of chord ``a`` on its own (``IonianTonic``, ``MajorTriad`` ...);
* ``next[a][b]``: the classes ``a`` gains when followed by ``b`` (``C`` -> ``F``: ``IonianDominant``);
* ``previous[a][b]``: the classes ``b`` gains when preceded by ``a`` (``G`` -> ``C``: ``LocalTonic``);
* ``chain``: the definitions whose conditions involve such context classes (``LocalDominant``,
  ``LocalSubdominant``, ``LocalTonic``); :mod:`featurize_fho.functions` re-applies them along the
  whole progression, so a function that depends on two chords ahead is still found.

Only the generic (key-free) FHO classes are kept: the features never need ``C_IonianDominant``
when ``IonianDominant`` says the same. The table ships as package data (``data/transitions.json``)
with the SHA-256 of the OWL file it came from; a test rebuilds it from the OWL file and compares.
Regenerate with ``python -m featurize_fho.transitions``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import cache
from importlib.resources import files
from pathlib import Path

import attrs

from featurize_fho.ontology import FHO, CompiledOntology, OntologyError, file_sha256, local_name, ontology_path
from featurize_fho.vocabulary import VOCABULARY, fho_class

FORMAT = 1


def table_path() -> Path:
    return Path(str(files("featurize_fho") / "data" / "transitions.json"))


def is_generic(iri: str) -> bool:
    """An FHO class that names no key: ``IonianDominant`` yes, ``C_IonianDominant`` no."""
    return iri.startswith(FHO) and "_" not in local_name(iri)


@attrs.frozen
class ChainRule:
    """``defined`` holds for a chord with all ``named`` classes whose neighbours have the ``fillers``."""

    defined: str
    named: tuple[str, ...]
    fillers: tuple[tuple[int, str], ...]
    """``(offset, class)``: +1 the next chord, -1 the previous one."""
    closure: tuple[str, ...]
    """Everything the chord becomes with ``defined`` (its superclasses)."""


@attrs.frozen(eq=False)
class TransitionTable:
    """Context classes of the vocabulary's chords, as FHO local names."""

    ontology_sha256: str
    vocabulary: tuple[str, ...]
    static: tuple[frozenset[str], ...]
    next: tuple[tuple[frozenset[str], ...], ...]
    previous: tuple[tuple[frozenset[str], ...], ...]
    chain: tuple[ChainRule, ...]

    @property
    def index(self) -> dict[str, int]:
        return {label: i for i, label in enumerate(self.vocabulary)}

    def to_json(self) -> dict[str, object]:
        """Class sets as sorted lists: a stable file that diffs well."""
        return {
            "format": FORMAT,
            "ontology": "functionalharm.owl",
            "ontology_sha256": self.ontology_sha256,
            "vocabulary": list(self.vocabulary),
            "static": [sorted(s) for s in self.static],
            "next": [[sorted(s) for s in row] for row in self.next],
            "previous": [[sorted(s) for s in row] for row in self.previous],
            "chain": [attrs.asdict(rule) for rule in self.chain],
        }

    @classmethod
    def from_json(cls, data: dict) -> TransitionTable:
        if data.get("format") != FORMAT:
            raise ValueError(f"transition table format {data.get('format')!r}, expected {FORMAT}")

        return cls(
            ontology_sha256=data["ontology_sha256"],
            vocabulary=tuple(data["vocabulary"]),
            static=_sets(data["static"]),
            next=tuple(_sets(row) for row in data["next"]),
            previous=tuple(_sets(row) for row in data["previous"]),
            chain=tuple(
                ChainRule(
                    defined=rule["defined"],
                    named=tuple(rule["named"]),
                    fillers=tuple((int(offset), name) for offset, name in rule["fillers"]),
                    closure=tuple(rule["closure"]),
                )
                for rule in data["chain"]
            ),
        )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TransitionTable) and self.to_json() == other.to_json()

    __hash__ = object.__hash__


def _sets(rows: list[list[str]]) -> tuple[frozenset[str], ...]:
    return tuple(frozenset(row) for row in rows)


def build_table(
    ontology: CompiledOntology, ontology_sha256: str, vocabulary: Sequence[str] = VOCABULARY
) -> TransitionTable:
    """Derive the table from the compiled ontology (a second or two for 576 chord pairs)."""
    iris = [FHO + fho_class(label) for label in vocabulary]
    alone = [ontology.materialise([iri])[0] for iri in iris]
    gained_next: list[list[frozenset[str]]] = []
    gained_previous: list[list[frozenset[str]]] = []
    for a, first in enumerate(iris):
        pairs = [ontology.materialise([first, second]) for second in iris]
        gained_next.append([types[0] - alone[a] for types in pairs])
        gained_previous.append([types[1] - alone[b] for b, types in enumerate(pairs)])
    contextual = {iri for grid in (gained_next, gained_previous) for row in grid for gained in row for iri in gained}
    return TransitionTable(
        ontology_sha256=ontology_sha256,
        vocabulary=tuple(vocabulary),
        static=tuple(_generic(types) for types in alone),
        next=tuple(tuple(_generic(gained) for gained in row) for row in gained_next),
        previous=tuple(tuple(_generic(gained) for gained in row) for row in gained_previous),
        chain=_chain_rules(ontology, contextual),
    )


def _generic(classes: frozenset[str]) -> frozenset[str]:
    return frozenset(local_name(c) for c in classes if is_generic(c))


def _chain_rules(ontology: CompiledOntology, contextual: set[str]) -> tuple[ChainRule, ...]:
    """Definitions over the progression whose conditions mention a context class (IRIs in ``contextual``)."""
    rules = []
    for definition in ontology.definitions:
        offsets = [ontology.offsets.get(prop) for prop, _ in definition.restrictions]
        if None in offsets:
            continue
        names = [definition.defined, *definition.named, *(f for _, f in definition.restrictions)]
        if not contextual.intersection(names[1:]):
            continue
        if not all(is_generic(name) for name in names):
            raise OntologyError(f"{definition.defined} depends on context through key-specific classes")
        rules.append(
            ChainRule(
                defined=local_name(definition.defined),
                named=tuple(local_name(n) for n in definition.named),
                fillers=tuple(
                    (offset, local_name(filler))
                    for offset, (_, filler) in zip(offsets, definition.restrictions, strict=True)
                ),
                closure=tuple(sorted(_generic(ontology.closure([definition.defined])))),
            )
        )
    return tuple(rules)


@cache
def shipped_table() -> TransitionTable:
    """The packaged table, checked against the packaged ontology's hash (once per process)."""
    table = TransitionTable.from_json(json.loads(table_path().read_text()))
    actual = file_sha256(ontology_path())
    if table.ontology_sha256 != actual:
        raise OntologyError(
            f"{table_path()} was built from an ontology with SHA-256 {table.ontology_sha256}, but "
            f"{ontology_path()} has {actual}; regenerate it with `python -m featurize_fho.transitions`"
        )
    return table


def table_from_ontology(path: Path | None = None) -> TransitionTable:
    """Parse the OWL file and build its table (seconds)."""
    from featurize_fho.ontology import load_graph

    path = path or ontology_path()
    return build_table(CompiledOntology.from_graph(load_graph(path)), file_sha256(path))


def main() -> None:
    """Regenerate ``data/transitions.json`` from ``data/functionalharm.owl``."""
    table_path().write_text(json.dumps(table_from_ontology().to_json(), indent=1) + "\n")
    print(f"wrote {table_path()}")


if __name__ == "__main__":
    main()
