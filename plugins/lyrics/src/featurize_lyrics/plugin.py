"""featurize-lyrics: lyrics from sidecar files or demucs + whisper, and nine lyric NLP features.

Four extractors chain through artifacts:

- ``lyrics_file`` provides ``lyrics`` (priority 10) from ``.txt`` / ``.lrc`` files;
- ``vocals`` provides ``vocals`` (demucs);
- ``transcript`` provides ``lyrics`` (priority 0) by transcribing ``vocals`` with whisper;
- ``lyrics`` consumes ``lyrics`` and computes the features.

This module only declares them: spaCy, torch, demucs and whisper are imported by the
factories, in the worker processes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from featurize import hookimpl
from featurize.plugin.descriptors import (
    ArtifactInput,
    ArtifactSpec,
    AudioInput,
    ExtractorSpec,
    Feature,
    Param,
    Source,
)

PAIRS = (
    "Pairs are adjacent words within a line or sentence; the count is divided by max(n - 1, 1), n the number of "
    "words. NaN without words or for lyrics not in English (the phonemes come from the English CMU dictionary)."
)

FEATURES = (
    Feature(
        "alliteration",
        "Share of adjacent content-word pairs (stop words skipped) that start with the same consonant phoneme "
        "(first letter when a word is not in the CMU dictionary); identical words do not count. " + PAIRS,
        Source.NLP,
        "ratio",
    ),
    Feature(
        "assonance",
        "Share of adjacent pairs of different words sharing a stressed vowel phoneme (ARPAbet vowel with stress 1 "
        "or 2, digit removed); pairs with a word outside the CMU dictionary do not count. " + PAIRS,
        Source.NLP,
        "ratio",
    ),
    Feature(
        "consonance",
        "Share of adjacent word pairs with the same non-empty coda (consonant phonemes after the last vowel) but "
        "different last vowels, e.g. blank / think; pairs with a word outside the CMU dictionary do not count. "
        + PAIRS,
        Source.NLP,
        "ratio",
    ),
    Feature(
        "rhyme_density",
        "SAMAT's proxy: share of words whose last two letters (apostrophes removed) end at least two words of the "
        "lyrics. NaN without words.",
        Source.NLP,
        "ratio",
    ),
    Feature(
        "syllables_per_word",
        "total_syllables / number of words. NaN without words, or when no syllable counter exists for the language.",
        Source.NLP,
        "syllables/word",
    ),
    Feature(
        "total_syllables",
        "Sum of syllables over the words: stress digits of the first CMU pronunciation; English words outside the "
        "dictionary by spelling rules; other languages by pyphen hyphenation points + 1 (NaN if pyphen lacks the "
        "language). 0 without words.",
        Source.NLP,
        "syllables",
    ),
    Feature(
        "repetition_rate",
        "(n - V) / n, the share of words repeating an earlier word (V distinct words among n); equals "
        "1 - lexical_diversity. NaN without words.",
        Source.NLP,
        "ratio",
    ),
    Feature(
        "lexical_diversity",
        "Type-token ratio V / n (distinct words over words); length-dependent. NaN without words.",
        Source.NLP,
        "ratio",
    ),
    Feature(
        "words_per_second",
        "n / D: D is the vocal span (first to last timed word or line) when the lyrics are timed, else the track's "
        "duration; the artifact lyrics_info records which (duration_basis). 0 without words.",
        Source.NLP,
        "words/s",
    ),
    Feature(
        "oov_rate",
        "Quality signal, not a lyric feature: share of words missing from the CMU dictionary (their phonemes are "
        "unknown, their syllables estimated). High values flag non-English or garbled text. NaN without words or "
        "for lyrics not in English.",
        Source.NLP,
        "ratio",
    ),
)

LYRICS = "Lyrics text with its language and, when known, line or word timings"

DEVICE = Param("device", "cpu", "torch device to run the model on (cpu, cuda, cuda:1 ...)", affects_output=False)


def _lyrics_file(language: str) -> Callable[..., Any]:
    from featurize_lyrics.sidecar import make_extractor

    return make_extractor(language)


def _vocals(model: str, repo: str | None, device: str) -> Callable[..., Any]:
    from featurize_lyrics.separation import make_extractor

    return make_extractor(model, repo, device)


def _transcript(model: str, weights: str | None, language: str, device: str) -> Callable[..., Any]:
    from featurize_lyrics.transcription import make_extractor

    return make_extractor(model, weights, language, device)


def _lyrics() -> Callable[..., Any]:
    from featurize_lyrics.analysis import make_extractor

    return make_extractor()


@hookimpl
def featurize_extractors() -> list[ExtractorSpec]:
    return [
        ExtractorSpec(
            name="lyrics_file",
            version="1",
            description="Lyrics from a .txt or timed .lrc file beside the audio (or in --lyrics DIR), UTF-8; "
            "section tags such as [Chorus] removed",
            factory=_lyrics_file,
            artifacts=(ArtifactSpec("lyrics", "text", LYRICS),),
            params=(Param("language", "en", "language of lyrics files without an LRC [la:xx] tag (ISO 639-1 code)"),),
            priority=10,
        ),
        ExtractorSpec(
            name="vocals",
            version="1",
            description="Singing voice separated from the mix by demucs (not kept in the store: it is as large as "
            "the audio)",
            factory=_vocals,
            requires=(AudioInput(sr=44100, mono=False),),
            artifacts=(ArtifactSpec("vocals", "signal", "Separated vocals stem at the model's rate", stored=False),),
            params=(
                Param("model", "htdemucs", "demucs model name (a bag of models or a single model signature)"),
                Param(
                    "repo",
                    None,
                    "folder holding the demucs model files (<model>.yaml and its .th files); default: the "
                    "HuggingFace / torch hub caches, downloading when there is network",
                    type="path",
                    affects_output=False,
                ),
                DEVICE,
            ),
        ),
        ExtractorSpec(
            name="transcript",
            version="1",
            description="Lyrics transcribed from the separated vocals by whisper (greedy decoding, word timings)",
            factory=_transcript,
            requires=(ArtifactInput("vocals"),),
            artifacts=(ArtifactSpec("lyrics", "text", LYRICS),),
            params=(
                Param("model", "small", "whisper model name: tiny, base, small, medium, large-v3, turbo ..."),
                Param(
                    "weights",
                    None,
                    "whisper checkpoint file (.pt), or the folder holding <model>.pt; default: ~/.cache/whisper, "
                    "downloading when there is network",
                    type="path",
                    affects_output=False,
                ),
                Param("language", "", "language code of the lyrics (en, fr ...); empty: whisper detects it"),
                DEVICE,
            ),
        ),
        ExtractorSpec(
            name="lyrics",
            version="1",
            description="Nine lyric features (SAMAT's Lyrical group) and the out-of-vocabulary rate: CMU phonemes, "
            "spaCy sentences and stop words",
            factory=_lyrics,
            requires=(ArtifactInput("lyrics"),),
            features=FEATURES,
            artifacts=(
                ArtifactSpec(
                    "lyrics_info",
                    "record",
                    "How the lyric features were computed: words, language, phoneme and syllable sources, "
                    "duration_basis (vocal_span or track_duration), duration_seconds, lyrics_source",
                ),
            ),
        ),
    ]
