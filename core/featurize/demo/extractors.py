"""Which installed extractors the demo can run on a fresh machine, without downloaded weights.

An extractor that takes a ``path`` parameter (weights, a checkpoint, a model repo) may need
files that are not there: its factory is tried once, here, and a
:class:`~featurize.errors.MissingWeightsError` (or any other error) rules it out. Only the
extractors the run would actually reach are tried: every extractor with features, and for
each artifact they need, its providers in priority order until one needs no weights or
loads. A plugin is left out when one of its feature extractors cannot run, or when it only
provides artifacts and none of its providers loads; a fallback provider that fails (a
transcriber behind the lyrics files) stays in its plugin, as the runner skips it anyway.
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from featurize.plugin.descriptors import ExtractorSpec, resolve_params
from featurize.plugin.manager import PluginManager


@attrs.frozen
class Selection:
    """The plugins to extract with, and why the others were left out."""

    plugins: tuple[str, ...]
    skipped: Mapping[str, str]
    """Plugin name -> the reason (the error its factory raised)."""


def _needs_files(spec: ExtractorSpec) -> bool:
    return any(param.type == "path" for param in spec.params)


def _probe(spec: ExtractorSpec) -> str | None:
    """``None`` when the extractor can be built with its defaults, else the reason it cannot."""
    if not _needs_files(spec):
        return None
    try:
        spec.factory(**resolve_params(spec.name, spec.params, None))
    except Exception as error:  # noqa: BLE001 - any failure to build means the demo cannot use it
        return f"{spec.name}: {type(error).__name__}: {error}"
    return None


class _Planner:
    def __init__(self, extractors: Mapping[str, ExtractorSpec]) -> None:
        self.extractors = extractors
        self.failed: dict[str, str] = {}
        self.visited: set[str] = set()

    def check(self, spec: ExtractorSpec) -> None:
        if spec.name in self.visited:
            return
        self.visited.add(spec.name)
        reason = _probe(spec)
        if reason is not None:
            self.failed[spec.name] = reason
            return
        for artifact in spec.artifact_inputs:
            self.reach(artifact)

    def reach(self, artifact: str) -> None:
        providers = sorted(
            (s for s in self.extractors.values() if artifact in s.artifact_names), key=lambda s: (-s.priority, s.name)
        )
        for provider in providers:
            self.check(provider)
            if provider.name not in self.failed:
                return


def runnable_plugins(manager: PluginManager) -> Selection:
    """The selected extractor plugins the demo can run, probing the factories that need files."""
    extractors = manager.extractors()
    planner = _Planner(extractors)
    for spec in extractors.values():
        if spec.features:
            planner.check(spec)
    by_plugin: dict[str, list[ExtractorSpec]] = {}
    for spec in extractors.values():
        by_plugin.setdefault(spec.plugin, []).append(spec)
    kept, skipped = [], {}
    for plugin, specs in sorted(by_plugin.items()):
        reasons = [planner.failed[s.name] for s in specs if s.name in planner.failed]
        broken_features = any(s.features and s.name in planner.failed for s in specs)
        only_failures = all(s.name in planner.failed or s.name not in planner.visited for s in specs)
        if broken_features or (reasons and only_failures):
            skipped[plugin] = "; ".join(reasons)
        else:
            kept.append(plugin)
    return Selection(tuple(kept), skipped)
