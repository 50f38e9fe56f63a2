"""Hand-analysed progressions: per-chord labels and feature values, and the fast path's exactness.

FHO functions are local: a chord's function is defined by the chord that follows it (spec A.5,
A.6), not by the song's key. So in I-IV-V-I, C -> F makes C a dominant of F, and F -> G makes F
a Mixolydian seventh dominant (bVII -> I) of G. Each expectation below cites the A.6 row it uses.
"""

from __future__ import annotations

import random
from collections.abc import Callable

import numpy as np
import pytest

from featurize.errors import ConfigurationError
from featurize.extraction import TrackContext
from featurize_fho.catalog import FEATURE_NAMES, LABELS
from featurize_fho.extractor import build_extractor, parse_harmony_label
from featurize_fho.functions import BitTable, progression_masks
from featurize_fho.ontology import FHO, CompiledOntology, local_name
from featurize_fho.transitions import is_generic, shipped_table
from featurize_fho.vocabulary import VOCABULARY, fho_class

D, S, T, MD, AE, MX, M4 = LABELS


def labels_of(result_labels: tuple[str, ...]) -> list[set[str]]:
    return [set(parse_harmony_label(label)[1]) for label in result_labels]


def test_hand_analysed_labels(
    hand_analysed_name: str, hand_analysed: dict, chord_context: Callable[..., TrackContext]
) -> None:
    chords, expected = hand_analysed[hand_analysed_name]
    result = build_extractor("AeolianDominant", "MixolydianSeventhDominant")(chord_context(chords))
    assert labels_of(result.artifacts["harmony"].labels) == expected


def test_i_iv_v_i_feature_values(hand_analysed: dict, chord_context: Callable[..., TrackContext]) -> None:
    features = build_extractor("AeolianDominant", "MixolydianSeventhDominant")(
        chord_context(hand_analysed["I-IV-V-I"][0])
    ).features
    assert [features[label] for label in LABELS] == [3 / 4, 0, 2 / 4, 2 / 4, 0, 1 / 4, 0]
    assert features[f"bigram_{D}__{D}"] == pytest.approx(2 / 3)
    assert features[f"bigram_{MD}__{T}"] == pytest.approx(2 / 3)
    assert features[f"bigram_{MX}__{MD}"] == pytest.approx(1 / 3)
    assert features[f"bigram_{T}__{D}"] == pytest.approx(1 / 3)
    assert features[f"trigram_{D}__{D}__{D}"] == pytest.approx(1 / 2)
    assert features[f"trigram_{MD}__{MX}__{MD}"] == pytest.approx(1 / 2)
    assert features[f"trigram_{D}__{D}__{T}"] == pytest.approx(1 / 2)
    assert sum(features[n] > 0 for n in FEATURE_NAMES if n.startswith("bigram_")) == 11
    assert features[f"bigram_{S}__{S}"] == 0.0


def test_the_open_label_definitions_are_options(chord_context: Callable[..., TrackContext]) -> None:
    default = build_extractor("AeolianDominant", "MixolydianSeventhDominant")
    relative = build_extractor("AeolianRelativeDominant", "MixolydianDominant")
    bvii_i = chord_context(["A:min", "G:maj", "A:min"])  # G -> Am: bVII -> i
    assert default(bvii_i).features[AE] == 0.0 and relative(bvii_i).features[AE] == pytest.approx(1 / 3)
    v_i = chord_context(["G:min", "C:maj"])  # Gm -> C: v -> I
    assert default(v_i).features[MX] == 0.0 and relative(v_i).features[MX] == 0.5
    with pytest.raises(ConfigurationError, match="AeolianRelativeDominant"):
        build_extractor("Aeolian", "MixolydianDominant")


@pytest.mark.parametrize(
    ("chords", "expected"),
    [
        ([], "nan"),
        (["N", "N", "X", "C:dim"], "nan"),
        (["C:maj"], "zeros"),
        (["C:maj", "C:maj", "N", "C:maj"], "zeros"),
        (["G:maj", "C:maj"], "two"),
    ],
)
def test_tracks_with_few_chords(chords: list[str], expected: str, chord_context: Callable[..., TrackContext]) -> None:
    values = np.array(
        list(build_extractor("AeolianDominant", "MixolydianSeventhDominant")(chord_context(chords)).features.values())
    )
    if expected == "nan":
        assert np.isnan(values).all()
    elif expected == "zeros":
        assert not np.isnan(values).any() and not values.any()
    else:  # G -> C: two chords, one bigram, no trigram
        features = dict(zip(FEATURE_NAMES, values, strict=True))
        assert features[D] == 0.5 and features[T] == 0.5 and features[f"bigram_{D}__{T}"] == 1.0
        assert not any(features[n] for n in FEATURE_NAMES if n.startswith("trigram_"))


def test_fast_path_equals_the_compiled_ontology_on_random_progressions(compiled: CompiledOntology) -> None:
    """Table lookups plus chain rules give every generic class full materialisation gives."""
    table = shipped_table()
    bits = BitTable(table)
    rng = random.Random(0)
    for _ in range(400):
        chords = [rng.randrange(24) for _ in range(rng.randint(1, 9))]
        fast = [bits.names_of(mask) for mask in progression_masks(bits, chords)]
        exact = compiled.materialise([FHO + fho_class(VOCABULARY[c]) for c in chords])
        assert fast == [{local_name(c) for c in classes if is_generic(c)} for classes in exact], [
            VOCABULARY[c] for c in chords
        ]
