"""One group per extraction method (the source each feature declares), over whatever features exist.

This is SAMAT's "All-Features" partition (signal, DNN, symbolic, lyrical), computed rather
than listed, so features of third-party extractors land in their method's group too.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from featurize.grouping import Group, Grouping, GroupingError
from featurize.plugin.descriptors import Source

if TYPE_CHECKING:
    from featurize.catalog import FeatureInfo

NAME = "by-source"
DESCRIPTION = (
    "For method comparisons and for researchers checking what each kind of extractor contributes: one group per "
    "extraction method (signal processing, deep learning, ontology, NLP), SAMAT's 'All-Features' partition. "
    "Computed from the source each feature declares, so it covers every installed extractor, third-party ones too."
)

GROUPS: dict[str, tuple[str, str]] = {
    Source.SIGNAL: ("Signal Processing", "Features computed by signal processing on the audio (e.g. Essentia)."),
    Source.DEEP_LEARNING: (
        "Deep Learning",
        "Features predicted by neural networks (e.g. the mid-level perceptual model).",
    ),
    Source.ONTOLOGY: ("Ontology", "Symbolic features from knowledge representation (e.g. functional harmony, FHO)."),
    Source.NLP: ("NLP", "Features of the lyrics computed with natural language processing."),
    Source.IMPORTED: (
        "Imported",
        "Features imported from a table whose schema did not declare how they were computed.",
    ),
}
"""Group name and description per declared source, in the order the groups appear."""


def build(catalog: Sequence[FeatureInfo]) -> Grouping:
    """Partition ``catalog`` by each feature's declared source.

    Known sources come first in :data:`GROUPS` order; a source featurize does not know
    (a store written by a newer version) gets a group of its own, named after it.
    """
    members: dict[str, dict[str, None]] = {source: {} for source in GROUPS}
    for info in catalog:
        members.setdefault(info.source, {})[info.name] = None
    groups = [
        Group(*GROUPS.get(source, (source, f"Features whose declared source is {source!r}.")), features=tuple(names))
        for source, names in members.items()
        if names
    ]
    if not groups:
        raise GroupingError(f"plugin {NAME}: no features to group (the store is empty and no extractor is installed)")
    return Grouping(NAME, DESCRIPTION, groups, origin=f"plugin {NAME}")
