"""The ``lyrics`` extractor: hand-computed values on short lyrics, edge cases, conformance."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pytest

from featurize.artifacts import Record, Segments, Text
from featurize.errors import ExtractionError
from featurize.extraction import Result, TrackContext
from featurize.testing.signals import tone

SR = 8000
NAN = math.nan

FEATURE_NAMES = {
    "alliteration",
    "assonance",
    "consonance",
    "rhyme_density",
    "syllables_per_word",
    "total_syllables",
    "repetition_rate",
    "lexical_diversity",
    "words_per_second",
    "oov_rate",
}


def context(lyrics: Text, seconds: float = 4.0) -> TrackContext:
    return TrackContext.from_array(tone(220.0, seconds, SR), SR, artifacts={"lyrics": lyrics})


def run(extract: Callable[[TrackContext], Result], text: str, language: str | None = "en", **kwargs: float) -> Result:
    return extract(context(Text(text, language=language), **kwargs))


def assert_features(actual: dict[str, float], expected: dict[str, float]) -> None:
    assert set(actual) == FEATURE_NAMES
    for name, value in expected.items():
        if math.isnan(value):
            assert math.isnan(actual[name]), f"{name}: {actual[name]} is not NaN"
        else:
            assert actual[name] == pytest.approx(value), name


def test_rhyming_couplet(lyrics_extractor: Callable[[TrackContext], Result]) -> None:
    # i love the light / i hold you tight: n = 8, 7 types; endings i, ht occur twice (4 words).
    # Stop words i, the, you leave "love light" (L L: alliteration) and "hold tight" (HH T).
    # No pair shares a stressed vowel (the: AH0 unstressed) or a coda after different vowels.
    result = run(lyrics_extractor, "I love the light\nI hold you tight", seconds=4.0)
    assert_features(
        dict(result.features),
        {
            "alliteration": 1 / 7,
            "assonance": 0.0,
            "consonance": 0.0,
            "rhyme_density": 4 / 8,
            "total_syllables": 8.0,
            "syllables_per_word": 1.0,
            "repetition_rate": 1 / 8,
            "lexical_diversity": 7 / 8,
            "words_per_second": 8 / 4.0,
            "oov_rate": 0.0,
        },
    )


def test_alliterative_line(lyrics_extractor: Callable[[TrackContext], Result]) -> None:
    # Without the stop words a, of: peter piper picked peck pickled peppers, 5 pairs on P.
    # Syllables 2+2+1+1+1+1+2+2; endings er (peter, piper) and ed (picked, pickled) recur.
    result = run(lyrics_extractor, "Peter Piper picked a peck of pickled peppers.")
    assert_features(
        dict(result.features),
        {
            "alliteration": 5 / 7,
            "assonance": 0.0,
            "consonance": 0.0,
            "rhyme_density": 4 / 8,
            "total_syllables": 12.0,
            "syllables_per_word": 1.5,
            "repetition_rate": 0.0,
            "lexical_diversity": 1.0,
            "oov_rate": 0.0,
        },
    )


def test_repeated_chorus(lyrics_extractor: Callable[[TrackContext], Result]) -> None:
    # Tags removed; n = 10 (walking in the rain oh oh baby oh oh baby), 6 types.
    # Identical pairs (oh oh) never count as alliteration or assonance.
    # Endings: in (in, rain), oh (x4), by (x2) recur: 8 of 10. Syllables 2+1+1+1 + 2*(1+1+2).
    text = "[Verse]\nWalking in the rain\n[Chorus]\nOh oh baby\nOh oh baby\n"
    result = run(lyrics_extractor, text, seconds=5.0)
    assert_features(
        dict(result.features),
        {
            "alliteration": 0.0,
            "assonance": 0.0,
            "consonance": 0.0,
            "rhyme_density": 8 / 10,
            "total_syllables": 13.0,
            "syllables_per_word": 1.3,
            "repetition_rate": 4 / 10,
            "lexical_diversity": 6 / 10,
            "words_per_second": 10 / 5.0,
            "oov_rate": 0.0,
        },
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # blank / think: same coda NG K after different vowels AE / IH; both end in "nk" for the letter proxy.
        ("blank think", {"consonance": 1.0, "assonance": 0.0, "alliteration": 0.0, "rhyme_density": 1.0}),
        # cat / hat rhyme: same vowel, so assonance and not consonance.
        ("cat hat", {"consonance": 0.0, "assonance": 1.0, "alliteration": 0.0, "rhyme_density": 1.0}),
        # A sentence boundary separates the pair.
        ("cat. hat", {"consonance": 0.0, "assonance": 0.0, "alliteration": 0.0, "rhyme_density": 1.0}),
        # Out of the dictionary: alliteration falls back to first letters, syllables to spelling.
        ("zorblax zibbit", {"alliteration": 1.0, "assonance": 0.0, "oov_rate": 1.0, "total_syllables": 4.0}),
    ],
)
def test_word_pairs(lyrics_extractor: Callable[[TrackContext], Result], text: str, expected: dict[str, float]) -> None:
    assert_features(dict(run(lyrics_extractor, text).features), expected)


def test_contractions_stay_whole(lyrics_extractor: Callable[[TrackContext], Result]) -> None:
    # i'm, don't, gonna: 3 words (spaCy's tokenizer would give 6); "don’t" with a curly apostrophe is "don't".
    result = run(lyrics_extractor, "I'm gonna don’t don't", seconds=2.0)
    assert result.features["words_per_second"] == pytest.approx(4 / 2.0)
    assert result.features["lexical_diversity"] == pytest.approx(3 / 4)


@pytest.mark.parametrize("text", ["", "   \n\n", "[Instrumental]", "♪ ♪ ♪", "1 2 3 4"])
def test_no_words(lyrics_extractor: Callable[[TrackContext], Result], text: str) -> None:
    result = run(lyrics_extractor, text)
    assert_features(
        dict(result.features),
        {
            "alliteration": NAN,
            "assonance": NAN,
            "consonance": NAN,
            "rhyme_density": NAN,
            "total_syllables": 0.0,
            "syllables_per_word": NAN,
            "repetition_rate": NAN,
            "lexical_diversity": NAN,
            "words_per_second": 0.0,
            "oov_rate": NAN,
        },
    )
    assert result.artifacts["lyrics_info"].data["words"] == 0


def test_one_word(lyrics_extractor: Callable[[TrackContext], Result]) -> None:
    result = run(lyrics_extractor, "Hello", seconds=2.0)
    assert_features(
        dict(result.features),
        {
            "alliteration": 0.0,
            "assonance": 0.0,
            "consonance": 0.0,
            "rhyme_density": 0.0,
            "total_syllables": 2.0,
            "syllables_per_word": 2.0,
            "repetition_rate": 0.0,
            "lexical_diversity": 1.0,
            "words_per_second": 0.5,
            "oov_rate": 0.0,
        },
    )


def test_non_english(lyrics_extractor: Callable[[TrackContext], Result]) -> None:
    import pyphen

    words = ["je", "chante", "une", "chanson", "chanson"]
    result = run(lyrics_extractor, " ".join(words), language="fr", seconds=5.0)
    french = pyphen.Pyphen(lang="fr")
    syllables = sum(len(french.positions(word)) + 1 for word in words)
    assert_features(
        dict(result.features),
        {
            "alliteration": NAN,
            "assonance": NAN,
            "consonance": NAN,
            "oov_rate": NAN,
            "total_syllables": float(syllables),
            "repetition_rate": 1 / 5,
            "lexical_diversity": 4 / 5,
            "words_per_second": 1.0,
        },
    )
    assert result.artifacts["lyrics_info"].data | {"duration_seconds": 0} == {
        "words": 5,
        "language": "fr",
        "phonemes": "none",
        "syllables": "pyphen:fr",
        "duration_basis": "track_duration",
        "duration_seconds": 0,
        "lyrics_source": "",
    }


def test_language_without_hyphenation_dictionary(lyrics_extractor: Callable[[TrackContext], Result]) -> None:
    result = run(lyrics_extractor, "kono uta wa", language="ja")
    assert math.isnan(result.features["total_syllables"])
    assert result.features["lexical_diversity"] == 1.0


@pytest.mark.parametrize("language", [None, "", "en-GB", "English"])
def test_unlabelled_text_is_english(lyrics_extractor: Callable[[TrackContext], Result], language: str | None) -> None:
    result = run(lyrics_extractor, "cat hat", language=language)
    assert result.features["assonance"] == 1.0


def test_words_per_second_uses_the_vocal_span(lyrics_extractor: Callable[[TrackContext], Result]) -> None:
    timings = Segments.from_rows([(1.0, 1.5, "cat"), (2.5, 3.0, "hat")])
    result = lyrics_extractor(context(Text("cat hat", "en", timings), seconds=10.0))
    assert result.features["words_per_second"] == pytest.approx(2 / 2.0)
    info = result.artifacts["lyrics_info"]
    assert isinstance(info, Record)
    assert info.data["duration_basis"] == "vocal_span"
    assert info.data["duration_seconds"] == pytest.approx(2.0)


@pytest.mark.parametrize("timings", [Segments.from_rows([]), Segments.from_rows([(1.0, 1.0, "cat hat")])])
def test_untimed_or_degenerate_timings_use_the_track(
    lyrics_extractor: Callable[[TrackContext], Result], timings: Segments
) -> None:
    result = lyrics_extractor(context(Text("cat hat", "en", timings), seconds=8.0))
    assert result.features["words_per_second"] == pytest.approx(2 / 8.0)
    assert result.artifacts["lyrics_info"].data["duration_basis"] == "track_duration"


def test_wrong_artifact_type_is_an_extraction_error(lyrics_extractor: Callable[[TrackContext], Result]) -> None:
    bad = TrackContext.from_array(np.zeros(SR, np.float32), SR, track_id="odd", artifacts={"lyrics": Record({})})
    with pytest.raises(ExtractionError, match=r"<odd>.*not Text"):
        lyrics_extractor(bad)


def test_broken_audio_without_timings_names_the_file(lyrics_extractor: Callable[[TrackContext], Result], tmp_path):
    from featurize.errors import InputError
    from featurize.extraction import Track

    path = tmp_path / "broken.wav"
    path.write_bytes(b"not audio at all" * 8)
    track = TrackContext(Track("broken", path), artifacts={"lyrics": Text("la la", "en")})
    with pytest.raises(InputError, match=r"broken\.wav"):
        lyrics_extractor(track)


def test_conformance(specs, check_extractor) -> None:
    cases = {
        "couplet": Text("I love the light\nI hold you tight", "en"),
        "timed": Text("cat hat", "en", Segments.from_rows([(0.5, 1.0, "cat"), (1.0, 1.5, "hat")])),
        "empty": Text("", "en"),
        "one_word": Text("hello", None),
        "french": Text("je chante une chanson", "fr"),
    }
    contexts = {label: (lambda lyrics=lyrics: context(lyrics)) for label, lyrics in cases.items()}
    results = check_extractor(specs["lyrics"], contexts=contexts)
    assert results["couplet"].features["rhyme_density"] == pytest.approx(0.5)
