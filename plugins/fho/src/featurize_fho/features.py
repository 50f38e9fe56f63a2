"""From chord segments to the FHO feature vector: merging, label ratios and n-gram ratios (spec A.8).

The progression is the chord sequence with ``N``, ``X`` and chords without a major/minor triad
removed, then consecutive identical chords merged (so ``C, N, C`` is one ``C``, not a
``ParallelChange``). With ``N`` chords left:

* ratio of label ``l`` = #{chords with ``l``} / N;
* bigram ``(a, b)`` = #{i: chord i has ``a`` and chord i+1 has ``b``} / max(N - 1, 1);
* trigram ``(a, b, c)`` = #{i: chords i, i+1, i+2 have ``a``, ``b``, ``c``} / max(N - 2, 1).

The schema is fixed: 7 ratios, all 49 bigrams and all 343 trigrams over :data:`LABELS` in that
order (combinations the ontology makes impossible are always 0). A track without any chord has no
harmony to describe: every feature is NaN. A track with one or two chords has ratios but no (or
fewer) n-grams, which are 0 as in the published feature tables. Names: :data:`~featurize_fho.catalog.FEATURE_NAMES`.
"""

from __future__ import annotations

import numpy as np

from featurize.artifacts import Segments
from featurize_fho.catalog import FEATURE_NAMES
from featurize_fho.vocabulary import reduce_label


def merge_chords(chords: Segments) -> Segments:
    """The progression: triads only (re-spelled ``C#:maj``), consecutive repeats merged across gaps."""
    rows: list[tuple[float, float, str]] = []
    for start, end, label in zip(chords.start, chords.end, chords.labels, strict=True):
        triad = reduce_label(label)
        if triad is None:
            continue
        if rows and rows[-1][2] == triad:
            rows[-1] = (rows[-1][0], float(end), triad)
        else:
            rows.append((float(start), float(end), triad))
    return Segments.from_rows(rows)


def feature_vector(labels: np.ndarray) -> np.ndarray:
    """The features in :data:`FEATURE_NAMES` order from the ``(N, 7)`` label matrix."""
    n = len(labels)
    if n == 0:
        return np.full(len(FEATURE_NAMES), np.nan)
    x = labels.astype(np.float64)
    ratios = x.mean(axis=0)
    bigrams = np.einsum("ia,ib->ab", x[:-1], x[1:]) / max(n - 1, 1)
    trigrams = np.einsum("ia,ib,ic->abc", x[:-2], x[1:-1], x[2:]) / max(n - 2, 1)
    return np.concatenate([ratios, bigrams.ravel(), trigrams.ravel()])
