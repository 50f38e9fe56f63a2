"""Feature metadata shared by stores, extractors and groupings, importable without h5py."""

from __future__ import annotations

import attrs


@attrs.frozen
class FeatureInfo:
    """Metadata of one feature column."""

    name: str
    """Namespaced name, ``<extractor>.<feature>``."""
    extractor: str
    description: str
    unit: str
    source: str
