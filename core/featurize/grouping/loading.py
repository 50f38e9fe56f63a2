"""Finding a grouping by name (installed plugins) or path (TOML file), and catalogs without a store."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from featurize.grouping.model import Grouping, GroupingError, ResolvedGrouping
from featurize.grouping.toml_format import read_grouping
from featurize.plugin.descriptors import ExtractorSpec, GroupingSpec, convert_params

if TYPE_CHECKING:
    from featurize.catalog import FeatureInfo
    from featurize.plugin.manager import PluginManager


def is_grouping_file(name_or_path: str) -> bool:
    """A ``.toml`` path or an existing file is a TOML grouping; anything else names a plugin."""
    return name_or_path.endswith(".toml") or Path(name_or_path).is_file()


def load_grouping(
    name_or_path: str,
    *,
    manager: PluginManager | None = None,
    catalog: Sequence[FeatureInfo] = (),
    **params: Any,
) -> Grouping:
    """The grouping named ``name_or_path``: a TOML file, or a grouping plugin built on ``catalog``.

    Parameters
    ----------
    name_or_path
        A path to a ``.toml`` file, or the name of an installed grouping (``user-friendly``).
    manager
        The plugin manager to look plugins up in (default: a new one over installed plugins).
    catalog
        The features at hand, for computed groupings (``by-source``, ``random``); when
        empty, the features declared by the installed extractors.
    **params
        Parameters of a grouping plugin (``n_groups=7``); strings are converted to the
        declared type, so CLI values can be passed as they are.
    """
    if is_grouping_file(name_or_path):
        if params:
            raise GroupingError(f"{name_or_path}: a TOML grouping takes no parameters (got {', '.join(params)})")
        return read_grouping(name_or_path)
    if manager is None:
        from featurize.plugin.manager import PluginManager

        manager = PluginManager()
    spec = _grouping_spec(manager, name_or_path)
    values = coerce_params(spec, params)
    if not catalog:
        catalog = _DeclaredCatalog(manager)
    grouping = spec.build(catalog, **values)
    if not isinstance(grouping, Grouping):
        raise GroupingError(f"plugin {spec.plugin!r}: grouping {spec.name!r} built {grouping!r}, not a Grouping")
    return grouping if grouping.origin else attrs.evolve(grouping, origin=f"plugin {spec.plugin or spec.name}")


def resolve_grouping(
    name_or_path: str,
    catalog: Sequence[FeatureInfo],
    *,
    manager: PluginManager | None = None,
    without: Iterable[str] = (),
    strict: bool = False,
    params: Mapping[str, Any] | None = None,
) -> ResolvedGrouping:
    """Load, drop the ``without`` groups (ablation) and resolve against ``catalog``, in one call.

    This is what a command with ``--grouping``, ``--without`` and ``--strict`` does.
    """
    grouping = load_grouping(name_or_path, manager=manager, catalog=catalog, **dict(params or {}))
    excluded = tuple(without)
    return (grouping.without(*excluded) if excluded else grouping).resolve(catalog, strict=strict)


def _grouping_spec(manager: PluginManager, name: str) -> GroupingSpec:
    """An installed grouping; naming it selects it, even when ``--plugins`` lists only extractors."""
    available = manager.groupings(selected_only=False)
    if name not in available:
        listing = ", ".join(sorted(available)) or "none installed"
        raise GroupingError(f"unknown grouping {name!r}: not a .toml file nor an installed grouping ({listing})")
    return available[name]


def coerce_params(spec: GroupingSpec, given: Mapping[str, Any]) -> dict[str, Any]:
    """Declared defaults overridden by ``given``, strings converted to each parameter's type."""
    try:
        return convert_params("grouping", spec.name, spec.params, given)
    except ValueError as error:
        raise GroupingError(str(error)) from None


class _DeclaredCatalog(Sequence["FeatureInfo"]):
    """The installed extractors' catalog, built on first use: listed groupings never pay for it."""

    def __init__(self, manager: PluginManager) -> None:
        self._manager = manager

    @functools.cached_property
    def _features(self) -> list[FeatureInfo]:
        return catalog_from_specs(self._manager.extractors().values())

    def __len__(self) -> int:
        return len(self._features)

    def __getitem__(self, index: Any) -> Any:
        return self._features[index]


def catalog_from_specs(specs: Iterable[ExtractorSpec]) -> list[FeatureInfo]:
    """The features extractors declare, as a store would list them: a catalog without a store."""
    from featurize.catalog import FeatureInfo

    return [
        FeatureInfo(f"{spec.name}.{f.name}", spec.name, f.description, f.unit, str(f.source))
        for spec in specs
        for f in spec.features
    ]
