"""Test helpers: the canonical feature catalog of the SAMAT extractors, and stores built from a catalog.

Groupings are written against the feature names the essentia, midlevel, fho and lyrics
plugins declare (the project's canonical list). :func:`reference_catalog` holds those
names, so groupings and models can be tested without installing, or running, the
extractors; :func:`write_store` turns any catalog into a real store with random values, and
:func:`plugin_manager_with` gives a plugin manager over chosen components only.
"""

from __future__ import annotations

import itertools
import sys
import types
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from featurize.plugin.descriptors import ExtractorSpec, GroupingSpec, Source
from featurize.plugin.hookspecs import hookimpl

if TYPE_CHECKING:
    from featurize.catalog import FeatureInfo
    from featurize.plugin.manager import PluginManager

_MODULE_NUMBERS = itertools.count()

BANDS = ("low", "middle_low", "middle", "middle_high", "high")
PITCH_CLASSES = ("c", "c_sharp", "d", "d_sharp", "e", "f", "f_sharp", "g", "g_sharp", "a", "a_sharp", "b")
FHO_CLASSES = ("dominant", "subdominant", "tonic", "major_dominant", "aeolian", "mixolydian", "minor_fourth")

_ESSENTIA_SINGLE = (
    "danceability",
    "loudness",
    "chords_changes_rate",
    "chords_number_rate",
    "dynamic_complexity",
    "zero_crossing_rate",
    "pitch_salience",
    "spectral_centroid",
    "spectral_complexity",
    "spectral_decrease",
    "spectral_entropy",
    "spectral_kurtosis",
    "spectral_rolloff",
    "spectral_spread",
    "onset_rate",
    "spectral_rms",
    "spectral_skewness",
    "bpm",
    "key_strength",
    "chords_strength",
    "meter",
)


def _essentia() -> list[str]:
    banded = ["spectral_flux", "spectral_energyband", "pulse_clarity", "attack_time", "spectral_flatness"]
    names = list(_ESSENTIA_SINGLE)
    for family in (*banded, "entropy_clarity"):
        names += [f"{family}_{band}" for band in BANDS]
        names.append("spectral_energy" if family == "spectral_energyband" else family)
    names += [f"attack_slope_{band}" for band in BANDS[2:]]
    names += [f"chroma_{pc}" for pc in PITCH_CLASSES]
    names += [f"mfcc_{i}" for i in range(1, 14)]
    return names


def _fho() -> list[str]:
    bigrams = ["bigram_" + "__".join(p) for p in itertools.product(FHO_CLASSES, repeat=2)]
    trigrams = ["trigram_" + "__".join(p) for p in itertools.product(FHO_CLASSES, repeat=3)]
    return [*FHO_CLASSES, *bigrams, *trigrams]


REFERENCE_FEATURES: dict[str, tuple[Source, tuple[str, ...]]] = {
    "essentia": (Source.SIGNAL, tuple(_essentia())),
    "midlevel": (
        Source.DEEP_LEARNING,
        (
            "melodiousness",
            "articulation",
            "rhythmic_stability",
            "rhythmic_complexity",
            "dissonance",
            "tonal_stability",
            "minorness",
        ),
    ),
    "fho": (Source.ONTOLOGY, tuple(_fho())),
    "lyrics": (
        Source.NLP,
        (
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
        ),
    ),
}
"""``extractor -> (source, local feature names)``, the canonical names every plugin declares."""


def reference_catalog(extractors: Iterable[str] = tuple(REFERENCE_FEATURES)) -> list[FeatureInfo]:
    """The catalog a store holding every feature of ``extractors`` would list, in store order."""
    from featurize.catalog import FeatureInfo

    catalog = []
    for extractor in extractors:
        source, names = REFERENCE_FEATURES[extractor]
        catalog += [FeatureInfo(f"{extractor}.{n}", extractor, f"reference {n}", "", str(source)) for n in names]
    return catalog


def plugin_manager_with(
    groupings: Sequence[GroupingSpec] = (), extractors: Sequence[ExtractorSpec] = (), *, installed: bool = False
) -> PluginManager:
    """A plugin manager whose one plugin (a module made on the fly) declares exactly these components.

    With ``installed``, the installed entry points are discovered as well; otherwise the
    manager sees nothing else, so tests do not depend on what happens to be installed.
    """
    from featurize.plugin.manager import ENTRY_POINT_GROUP, PluginManager

    module = types.ModuleType(f"featurize_grouping_test_components_{next(_MODULE_NUMBERS)}")
    module.featurize_groupings = hookimpl(lambda: list(groupings))  # type: ignore[attr-defined]
    module.featurize_extractors = hookimpl(lambda: list(extractors))  # type: ignore[attr-defined]
    sys.modules[module.__name__] = module
    group = ENTRY_POINT_GROUP if installed else "featurize-tests-no-entry-points"
    return PluginManager(entry_point_group=group, internal=(), extra_modules=(module.__name__,))


def write_store(path: str | Path, catalog: Sequence[FeatureInfo], n_tracks: int = 8, seed: int = 0) -> Path:
    """Write a store at ``path`` holding ``catalog``'s features for ``n_tracks`` tracks of random values."""
    import numpy as np

    from featurize.store import ExtractorMeta, ExtractorRecord, Status, StoreWriter, TrackRecord

    by_extractor: dict[str, list[FeatureInfo]] = {}
    for info in catalog:
        by_extractor.setdefault(info.extractor, []).append(info)
    metas = [
        ExtractorMeta(
            name=name,
            version="1",
            params={},
            params_hash="0",
            plugin=name,
            distribution=f"featurize-{name}==0",
            description=f"{name} (test store)",
            features=tuple((i.name.split(".", 1)[1], i.description, i.unit, i.source) for i in infos),
            artifacts=(),
        )
        for name, infos in by_extractor.items()
    ]
    rng = np.random.default_rng(seed)
    with StoreWriter(path) as writer:
        writer.declare(metas)
        for row in range(n_tracks):
            outcomes = tuple(
                ExtractorRecord(meta.name, meta.key, Status.OK, rng.random(len(meta.features), dtype=np.float32))
                for meta in metas
            )
            writer.add(TrackRecord(f"track{row:03d}", f"track{row:03d}.wav", extractors=outcomes))
    return Path(path)
