"""Harte labels: reduction to major/minor triads and FHO class names."""

from __future__ import annotations

import pytest

from featurize_fho.vocabulary import VOCABULARY, fho_class, reduce_label


@pytest.mark.parametrize(
    ("label", "triad"),
    [
        ("C:maj", "C:maj"),
        ("C", "C:maj"),
        ("A:min", "A:min"),
        ("Bb:min", "A#:min"),
        ("Db:maj", "C#:maj"),
        ("E#:maj", "F:maj"),
        ("Cb:min", "B:min"),
        ("G:7", "G:maj"),
        ("G:7/3", "G:maj"),
        ("C:maj7", "C:maj"),
        ("F:9", "F:maj"),
        ("A:min7", "A:min"),
        ("D:minmaj7", "D:min"),
        ("E:min(9)", "E:min"),
        ("C:(b3,5)", "C:min"),
        (" F#:maj ", "F#:maj"),
    ],
)
def test_triad_reduction(label: str, triad: str) -> None:
    assert reduce_label(label) == triad


@pytest.mark.parametrize(
    "label",
    [
        "N",
        "X",
        "",
        "C:dim",
        "C:aug",
        "B:hdim7",
        "C:dim7",
        "D:sus4",
        "G:5",
        "C:maj(*3)",
        "C:(3,b3,5)",
        "H:maj",
        "C:weird",
    ],
)
def test_no_triad(label: str) -> None:
    assert reduce_label(label) is None


def test_fho_class_names_use_s_for_sharps_and_min_for_minor() -> None:
    assert [fho_class(label) for label in ("C:maj", "C#:maj", "A#:min", "B:min")] == ["C", "Cs", "Asmin", "Bmin"]
    assert len(set(map(fho_class, VOCABULARY))) == 24
