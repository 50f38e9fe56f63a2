"""featurize: interpretable music auto-tagging with pluggable extractors, groupings and models.

The public API is re-exported here lazily, so ``import featurize`` (and therefore
``featurize --help``) stays light: numpy, h5py and every plugin load on first use.
"""

from __future__ import annotations

import importlib
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

from featurize.plugin.hookspecs import hookimpl

try:
    __version__ = version("featurize")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0+unknown"

_LAZY = {
    "ExtractorSpec": "featurize.plugin.descriptors",
    "GroupingSpec": "featurize.plugin.descriptors",
    "ModelSpec": "featurize.plugin.descriptors",
    "Feature": "featurize.plugin.descriptors",
    "ArtifactSpec": "featurize.plugin.descriptors",
    "AudioInput": "featurize.plugin.descriptors",
    "ArtifactInput": "featurize.plugin.descriptors",
    "Param": "featurize.plugin.descriptors",
    "Source": "featurize.plugin.descriptors",
    "ArtifactKind": "featurize.plugin.descriptors",
    "Track": "featurize.extraction",
    "TrackContext": "featurize.extraction",
    "Result": "featurize.extraction",
    "Segments": "featurize.artifacts",
    "Text": "featurize.artifacts",
    "Signal": "featurize.artifacts",
    "Frames": "featurize.artifacts",
    "Record": "featurize.artifacts",
    "FeatureStore": "featurize.store",
    "FeatureInfo": "featurize.catalog",
    "Grouping": "featurize.grouping",
    "ResolvedGrouping": "featurize.grouping",
    "GroupingError": "featurize.grouping",
    "load_grouping": "featurize.grouping",
    "PluginManager": "featurize.plugin.manager",
    "ExtractionError": "featurize.errors",
    "InputError": "featurize.errors",
    "MissingWeightsError": "featurize.errors",
    "tag": "featurize.learn.tagging",
}

__all__ = ["__version__", "hookimpl", *_LAZY]

if TYPE_CHECKING:
    from featurize.artifacts import Frames, Record, Segments, Signal, Text
    from featurize.catalog import FeatureInfo
    from featurize.errors import ExtractionError, InputError, MissingWeightsError
    from featurize.extraction import Result, Track, TrackContext
    from featurize.grouping import Grouping, GroupingError, ResolvedGrouping, load_grouping
    from featurize.learn.tagging import tag
    from featurize.plugin.descriptors import (
        ArtifactInput,
        ArtifactKind,
        ArtifactSpec,
        AudioInput,
        ExtractorSpec,
        Feature,
        GroupingSpec,
        ModelSpec,
        Param,
        Source,
    )
    from featurize.plugin.manager import PluginManager
    from featurize.store import FeatureStore


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'featurize' has no attribute {name!r}")
