"""The HDF5 feature store: one row per track, one float32 matrix per extractor, provenance."""

from featurize.store.reader import Failure, FeatureInfo, FeatureStore
from featurize.store.records import ExtractorMeta, ExtractorRecord, Status, TrackRecord
from featurize.store.writer import StoreWriter

__all__ = [
    "ExtractorMeta",
    "ExtractorRecord",
    "Failure",
    "FeatureInfo",
    "FeatureStore",
    "Status",
    "StoreWriter",
    "TrackRecord",
]
