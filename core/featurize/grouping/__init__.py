"""Feature groupings: named groups of store features that models report one importance for.

A grouping comes from a TOML file (:func:`read_grouping`) or from a grouping plugin
(``featurize_groupings`` hook); :func:`load_grouping` accepts either. Resolving it against
a store's catalog gives the columns to read and each group's column indices::

    from featurize import FeatureStore
    from featurize.grouping import load_grouping

    with FeatureStore("features.h5") as store:
        catalog = store.features()
        resolved = load_grouping("user-friendly").without("Lyrical").resolve(catalog)
        X, names = store.matrix(resolved.feature_names)

This package imports only the standard library, attrs and the plugin descriptors, so
grouping plugins can use it from their (light) entry-point modules.
"""

from featurize.grouping.loading import (
    catalog_from_specs,
    coerce_params,
    is_grouping_file,
    load_grouping,
    resolve_grouping,
)
from featurize.grouping.model import Group, Grouping, GroupingError, ResolvedGrouping, is_glob
from featurize.grouping.resolution import GroupingWarning
from featurize.grouping.toml_format import packaged_grouping, parse_grouping, read_grouping, schema

__all__ = [
    "Group",
    "Grouping",
    "GroupingError",
    "GroupingWarning",
    "ResolvedGrouping",
    "catalog_from_specs",
    "coerce_params",
    "is_glob",
    "is_grouping_file",
    "load_grouping",
    "packaged_grouping",
    "parse_grouping",
    "read_grouping",
    "resolve_grouping",
    "schema",
]
