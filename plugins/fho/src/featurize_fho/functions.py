"""Per-chord function labels: the fast classification path over the transition table.

A chord's classes are its own classes, those it gains from its next chord and from its previous
chord (table lookups), then the chain rules applied along the progression until nothing changes.
This equals materialising the ontology over the whole progression (the tests prove it against
the compiled rules and against ``owlrl``), at a few microseconds per chord.

The seven feature labels (spec A.8) are FHO classes or simple combinations of them. Labels are
not exclusive: a chord is often both ``dominant`` and ``major_dominant``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import attrs
import numpy as np

from featurize.errors import ConfigurationError
from featurize_fho.catalog import AEOLIAN_CLASSES, LABELS, MIXOLYDIAN_CLASSES
from featurize_fho.transitions import TransitionTable


@attrs.frozen
class LabelRule:
    """A label holds for a chord in any class of ``any_of`` and in none of ``none_of``."""

    any_of: tuple[str, ...]
    none_of: tuple[str, ...] = ()


def label_rules(
    aeolian: str = "AeolianDominant", mixolydian: str = "MixolydianSeventhDominant"
) -> dict[str, LabelRule]:
    """The label definitions, with the two alternatives spec A.8 leaves open as options."""
    if aeolian not in AEOLIAN_CLASSES:
        raise ConfigurationError(f"fho: aeolian must be one of {', '.join(AEOLIAN_CLASSES)}, not {aeolian!r}")
    if mixolydian not in MIXOLYDIAN_CLASSES:
        raise ConfigurationError(f"fho: mixolydian must be one of {', '.join(MIXOLYDIAN_CLASSES)}, not {mixolydian!r}")
    return {
        "dominant": LabelRule(("DominantChordFunction",)),
        "subdominant": LabelRule(("SubdominantChordFunction",)),
        "tonic": LabelRule(("LocalTonic",)),
        "major_dominant": LabelRule(("IonianDominant", "HarmonicMinorDominant")),
        "aeolian": LabelRule((aeolian,)),
        "mixolydian": LabelRule((mixolydian,)),
        "minor_fourth": LabelRule(("ParallelSubdominant",), ("Subdominant",)),
    }


class BitTable:
    """The transition table with class sets as bit masks (Python ints): a union is one ``|``."""

    def __init__(self, table: TransitionTable) -> None:
        names = sorted(
            {n for s in table.static for n in s}
            | {n for row in (*table.next, *table.previous) for s in row for n in s}
            | {n for rule in table.chain for n in (rule.defined, *rule.named, *rule.closure)}
            | {n for rule in table.chain for _, n in rule.fillers}
        )
        self.bit = {name: 1 << i for i, name in enumerate(names)}
        self.static = [self.mask(s) for s in table.static]
        self.next = [[self.mask(s) for s in row] for row in table.next]
        self.previous = [[self.mask(s) for s in row] for row in table.previous]
        possible = 0
        for mask in (*self.static, *(m for row in (*self.next, *self.previous) for m in row)):
            possible |= mask
        self.chain = self._applicable(table, possible)

    def _applicable(
        self, table: TransitionTable, possible: int
    ) -> list[tuple[int, int, tuple[tuple[int, int], ...], int]]:
        """Chain rules as masks ``(defined, named, fillers, closure)``, without those whose conditions can
        never hold (the Song* classes: no song key is asserted)."""
        needed = [self.mask((*rule.named, *(f for _, f in rule.fillers))) for rule in table.chain]
        changed = True
        while changed:
            changed = False
            for rule, condition in zip(table.chain, needed, strict=True):
                closure = self.mask(rule.closure)
                if condition & possible == condition and closure & ~possible:
                    possible |= closure
                    changed = True
        return [
            (
                self.bit[rule.defined],
                self.mask(rule.named),
                tuple((offset, self.bit[filler]) for offset, filler in rule.fillers),
                self.mask(rule.closure),
            )
            for rule, condition in zip(table.chain, needed, strict=True)
            if condition & possible == condition
        ]

    def mask(self, names: Iterable[str]) -> int:
        """Classes absent from the table never occur: they have no bit."""
        mask = 0
        for name in names:
            mask |= self.bit.get(name, 0)
        return mask

    def names_of(self, mask: int) -> set[str]:
        return {name for name, bit in self.bit.items() if mask & bit}


def progression_masks(table: BitTable, chords: Sequence[int]) -> list[int]:
    """The generic FHO classes of every chord of a progression of vocabulary indices, as bit masks."""
    n = len(chords)
    masks = []
    for i, chord in enumerate(chords):
        mask = table.static[chord]
        if i + 1 < n:
            mask |= table.next[chord][chords[i + 1]]
        if i > 0:
            mask |= table.previous[chords[i - 1]][chord]
        masks.append(mask)
    changed = True
    while changed:
        changed = False
        for defined, named, fillers, closure in table.chain:
            for i, mask in enumerate(masks):
                if mask & defined or mask & named != named:
                    continue
                if all(0 <= i + offset < n and masks[i + offset] & filler for offset, filler in fillers):
                    masks[i] = mask | closure
                    changed = True
    return masks


def progression_classes(table: TransitionTable, chords: Sequence[int]) -> list[set[str]]:
    """The generic FHO classes (local names) of every chord of a progression of vocabulary indices."""
    bits = BitTable(table)
    return [bits.names_of(mask) for mask in progression_masks(bits, chords)]


class Classifier:
    """Labels chord progressions given as indices into the table's vocabulary."""

    def __init__(self, table: TransitionTable, rules: Mapping[str, LabelRule]) -> None:
        self.table = table
        self.bits = BitTable(table)
        self.rules = tuple(
            (self.bits.mask(rules[label].any_of), self.bits.mask(rules[label].none_of)) for label in LABELS
        )

    def labels(self, chords: Sequence[int]) -> np.ndarray:
        """``(n_chords, 7)`` bool: which of :data:`LABELS` each chord carries."""
        masks = progression_masks(self.bits, chords)
        return np.array(
            [[bool(mask & any_of) and not mask & none_of for any_of, none_of in self.rules] for mask in masks],
            dtype=bool,
        ).reshape(-1, len(LABELS))
