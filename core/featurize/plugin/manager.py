"""Discovery and selection of plugins.

Entry points of the group ``featurize`` are loaded one at a time. A plugin that fails to
import, raises in a hook or declares an invalid descriptor is recorded as *broken* with
its error, and every other plugin keeps working; ``FEATURIZE_STRICT_PLUGINS=1`` re-raises
instead. The core's own components register through the same hooks as internal plugins.
"""

from __future__ import annotations

import importlib
import os
import traceback
from collections.abc import Collection, Iterable
from importlib.metadata import entry_points, version
from types import ModuleType
from typing import TypeVar

import attrs
import pluggy

from featurize.errors import PluginError
from featurize.plugin import hookspecs
from featurize.plugin.descriptors import Component, ExtractorSpec, GroupingSpec, ModelSpec

ENTRY_POINT_GROUP = "featurize"
STRICT_ENV = "FEATURIZE_STRICT_PLUGINS"
MODULES_ENV = "FEATURIZE_PLUGIN_MODULES"
"""Comma-separated importable modules to register as plugins without packaging them (for plugin development)."""

INTERNAL_PLUGINS: tuple[str, ...] = ()
"""Modules of the core registered as plugins (datasette's pattern), always selected."""

C = TypeVar("C", ExtractorSpec, GroupingSpec, ModelSpec)

_HOOKS: dict[str, type] = {
    "featurize_extractors": ExtractorSpec,
    "featurize_groupings": GroupingSpec,
    "featurize_models": ModelSpec,
}


@attrs.frozen
class PluginInfo:
    """One discovered plugin, working or broken."""

    name: str
    distribution: str
    version: str
    internal: bool = False
    error: str | None = None

    @property
    def broken(self) -> bool:
        return self.error is not None


def strict_plugins() -> bool:
    return os.environ.get(STRICT_ENV, "").strip().lower() in {"1", "true", "yes"}


class PluginManager:
    """The registry of installed plugins and the components they declare."""

    def __init__(
        self,
        *,
        entry_point_group: str = ENTRY_POINT_GROUP,
        internal: Iterable[str] = INTERNAL_PLUGINS,
        extra_modules: Iterable[str] = (),
    ) -> None:
        self._pm = pluggy.PluginManager(hookspecs.PROJECT)
        self._pm.add_hookspecs(hookspecs)
        self._infos: dict[str, PluginInfo] = {}
        self._components: dict[type, dict[str, Component]] = {kind: {} for kind in _HOOKS.values()}
        self._selected: tuple[set[str], set[str]] | None = None
        self._names: tuple[str, ...] | None = None
        core_version = _distribution_version("featurize")
        for module_name in internal:
            self._add(module_name, lambda m=module_name: importlib.import_module(m), "featurize", core_version, True)
        from_env = [m.strip() for m in os.environ.get(MODULES_ENV, "").split(",") if m.strip()]
        for module_name in dict.fromkeys([*extra_modules, *from_env]):
            self._add(module_name, lambda m=module_name: importlib.import_module(m), module_name, "0", False)
        for ep in sorted(entry_points(group=entry_point_group), key=lambda e: e.name):
            dist = ep.dist.name if ep.dist else "?"
            dist_version = ep.dist.version if ep.dist else "?"
            self._add(ep.name, ep.load, dist, dist_version, False)

    # -- discovery ------------------------------------------------------------------

    def _add(self, name: str, load: object, dist: str, dist_version: str, internal: bool) -> None:
        if name in self._infos:
            self._broken(name, dist, dist_version, internal, f"plugin name {name!r} is already taken")
            return
        try:
            module = load()  # type: ignore[operator]
            found = self._collect(name, module, f"{dist}=={dist_version}")
        except Exception as error:
            if strict_plugins():
                raise
            self._broken(name, dist, dist_version, internal, _describe(error))
            return
        self._pm.register(module, name=name)
        for kind, component in found:
            self._components[kind][component.name] = component
        self._infos[name] = PluginInfo(name, dist, dist_version, internal)

    def _broken(self, name: str, dist: str, dist_version: str, internal: bool, error: str) -> None:
        self._infos.setdefault(name, PluginInfo(name, dist, dist_version, internal, error))

    def _collect(self, plugin: str, module: ModuleType, distribution: str) -> list[tuple[type, Component]]:
        """Call the registration hooks of one plugin and check what they return."""
        found: list[tuple[type, Component]] = []
        for hook, kind in _HOOKS.items():
            implementation = getattr(module, hook, None)
            if implementation is None:
                continue
            try:
                declared = list(implementation() or [])
            except Exception as error:
                raise PluginError(f"plugin {plugin!r}: {hook}() failed: {_describe(error)}") from error
            for component in declared:
                if not isinstance(component, kind):
                    raise PluginError(f"plugin {plugin!r}: {hook}() returned {component!r}, not a {kind.__name__}")
                owner = self._components[kind].get(component.name)
                if owner is not None or any(c.name == component.name for k, c in found if k is kind):
                    raise PluginError(
                        f"plugin {plugin!r}: {kind.__name__} {component.name!r} is already registered"
                        + (f" by plugin {owner.plugin!r}" if owner is not None else "")
                    )
                found.append((kind, attrs.evolve(component, plugin=plugin, distribution=distribution)))
        return found

    # -- selection --------------------------------------------------------------------

    def select(self, names: Collection[str] | None) -> None:
        """Restrict to ``names``: a plugin name selects all its components, a component name just that one.

        ``None`` selects everything. Internal plugins stay selected. Unknown or broken names raise
        :class:`PluginError` listing what is installed.
        """
        self._names = None if names is None else tuple(names)
        if names is None:
            self._selected = None
            return
        plugins: set[str] = set()
        components: set[str] = set()
        for name in names:
            if name in self._infos:
                info = self._infos[name]
                if info.broken:
                    raise PluginError(f"plugin {name!r} is installed but broken: {info.error}")
                plugins.add(name)
            elif any(name in kind for kind in self._components.values()):
                components.add(name)
            else:
                installed = ", ".join(sorted(i.name for i in self._infos.values() if not i.internal)) or "none"
                raise PluginError(f"unknown plugin {name!r}; installed plugins: {installed}")
        self._selected = (plugins, components)

    @property
    def selection(self) -> tuple[str, ...] | None:
        """The names given to :meth:`select`, or ``None`` when every plugin is selected."""
        return self._names

    def _component_selected(self, component: Component) -> bool:
        info = self._infos.get(component.plugin)
        if self._selected is None or (info is not None and info.internal):
            return True
        plugins, components = self._selected
        return component.plugin in plugins or component.name in components

    def is_selected(self, plugin: str) -> bool:
        """Whether ``plugin`` is selected, itself or through one of its components."""
        info = self._infos.get(plugin)
        if info is None:
            return False
        if self._selected is None or info.internal or plugin in self._selected[0]:
            return True
        return any(
            c.plugin == plugin and c.name in self._selected[1] for k in self._components.values() for c in k.values()
        )

    # -- queries --------------------------------------------------------------------------

    @property
    def plugins(self) -> list[PluginInfo]:
        """Every discovered plugin in the selection, broken ones included."""
        return [i for i in self._infos.values() if i.broken or self.is_selected(i.name)]

    def _of(self, kind: type[C], selected_only: bool) -> dict[str, C]:
        components = self._components[kind].values()
        return {c.name: c for c in components if not selected_only or self._component_selected(c)}  # type: ignore[misc]

    def extractors(self, *, selected_only: bool = True) -> dict[str, ExtractorSpec]:
        return self._of(ExtractorSpec, selected_only)

    def groupings(self, *, selected_only: bool = True) -> dict[str, GroupingSpec]:
        return self._of(GroupingSpec, selected_only)

    def models(self, *, selected_only: bool = True) -> dict[str, ModelSpec]:
        return self._of(ModelSpec, selected_only)

    def component(self, kind: type[C], name: str, *, selected_only: bool = True) -> C:
        """The component ``name``, or a :class:`PluginError` listing the available ones.

        ``selected_only=False`` finds any installed component: naming a model or grouping on the
        command line selects it even when ``--plugins`` lists only extractors.
        """
        available = self._of(kind, selected_only)
        if name not in available:
            label = kind.__name__.removesuffix("Spec").lower()
            listing = ", ".join(sorted(available)) or "none installed"
            raise PluginError(f"unknown {label} {name!r}; available: {listing}")
        return available[name]

    def add_commands(self, cli: object) -> None:
        """Let every selected plugin add its CLI commands."""
        for name, plugin in self._pm.list_name_plugin():
            implementation = getattr(plugin, "featurize_commands", None)
            if implementation is None or not self.is_selected(name):
                continue
            try:
                implementation(cli=cli)
            except Exception as error:
                if strict_plugins():
                    raise
                info = self._infos[name]
                self._infos[name] = attrs.evolve(info, error=f"featurize_commands() failed: {_describe(error)}")


def _describe(error: BaseException) -> str:
    frames = traceback.extract_tb(error.__traceback__)
    where = f" (at {frames[-1].filename}:{frames[-1].lineno})" if frames else ""
    return f"{type(error).__name__}: {error}{where}"


def _distribution_version(name: str) -> str:
    try:
        return version(name)
    except Exception:  # noqa: BLE001 - running from a source tree
        return "0+unknown"
