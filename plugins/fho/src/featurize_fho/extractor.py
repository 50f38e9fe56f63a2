"""The ``fho`` extractor: chords in, function labels and FHO features out."""

from __future__ import annotations

from collections.abc import Iterable

from featurize.artifacts import Segments
from featurize.errors import ExtractionError
from featurize.extraction import Result, TrackContext
from featurize_fho.catalog import FEATURE_NAMES, HARMONY_ARTIFACT, LABELS
from featurize_fho.features import feature_vector, merge_chords
from featurize_fho.functions import Classifier, label_rules
from featurize_fho.transitions import shipped_table

LABEL_SEPARATOR = "|"
FUNCTION_SEPARATOR = "+"


def harmony_label(chord: str, functions: Iterable[str]) -> str:
    """``"G:maj|dominant+major_dominant"``; a chord without function is ``"A:min|"``."""
    return chord + LABEL_SEPARATOR + FUNCTION_SEPARATOR.join(functions)


def parse_harmony_label(label: str) -> tuple[str, tuple[str, ...]]:
    """The chord and its function labels from a ``harmony`` artifact label."""
    chord, _, functions = label.partition(LABEL_SEPARATOR)
    return chord, tuple(f for f in functions.split(FUNCTION_SEPARATOR) if f)


class FhoExtractor:
    """Holds the transition table and label rules; built once per worker."""

    def __init__(self, classifier: Classifier) -> None:
        self.classifier = classifier
        self.index = classifier.table.index

    def __call__(self, track: TrackContext) -> Result:
        chords = track.artifact("chords")
        if not isinstance(chords, Segments):
            raise ExtractionError(f"{track.path}: the chords artifact is {type(chords).__name__}, not Segments")
        progression = merge_chords(chords)
        labels = self.classifier.labels([self.index[chord] for chord in progression.labels])
        values = feature_vector(labels)
        harmony = Segments(
            start=progression.start,
            end=progression.end,
            labels=tuple(
                harmony_label(chord, (name for name, on in zip(LABELS, row, strict=True) if on))
                for chord, row in zip(progression.labels, labels, strict=True)
            ),
        )
        return Result(
            features=dict(zip(FEATURE_NAMES, values.tolist(), strict=True)), artifacts={HARMONY_ARTIFACT: harmony}
        )


def build_extractor(aeolian: str, mixolydian: str) -> FhoExtractor:
    """The factory behind the ``fho`` descriptor: loads the packaged transition table once."""
    return FhoExtractor(Classifier(shipped_table(), label_rules(aeolian, mixolydian)))
