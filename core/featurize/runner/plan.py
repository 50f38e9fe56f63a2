"""Which extractors run, in which order, and who provides each artifact.

Extractors with features always run. Extractors that only provide artifacts (a chord
recogniser, a transcriber) run *on demand*, when a consumer asks for their artifact, in
decreasing priority until one succeeds; one selected with nothing consuming it runs
always. Requirements are checked before any track is touched.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from featurize.errors import ConfigurationError
from featurize.plugin.descriptors import ExtractorSpec, resolve_params


@attrs.frozen
class Plan:
    """The extractors of one run and their wiring."""

    primary: tuple[str, ...]
    """Extractors run on every track, in dependency order."""
    providers: Mapping[str, tuple[str, ...]]
    """Artifact name to the extractors able to provide it, highest priority first."""
    specs: Mapping[str, ExtractorSpec]
    """Every extractor that may run: primary ones and on-demand providers."""
    params: Mapping[str, Mapping[str, Any]]

    def needed_artifacts(self, extractor: str) -> set[str]:
        """Artifacts ``extractor`` needs, directly or through its providers."""
        needed: set[str] = set()
        stack = list(self.specs[extractor].artifact_inputs)
        while stack:
            name = stack.pop()
            if name not in needed:
                needed.add(name)
                for provider in self.providers[name]:
                    stack.extend(self.specs[provider].artifact_inputs)
        return needed


def make_plan(
    selected: Mapping[str, ExtractorSpec],
    installed: Mapping[str, ExtractorSpec],
    params: Mapping[str, Mapping[str, Any]] | None = None,
) -> Plan:
    """Wire ``selected`` extractors, borrowing providers from ``installed`` ones when needed."""
    if not selected:
        raise ConfigurationError("no extractor selected; install an extractor plugin (see `featurize plugins`)")
    params = params or {}
    specs = dict(selected)
    providers: dict[str, list[str]] = {}
    stack = [name for spec in selected.values() for name in spec.artifact_inputs]
    while stack:
        artifact = stack.pop()
        if artifact in providers:
            continue
        candidates = [s for s in selected.values() if artifact in s.artifact_names]
        if not candidates:
            candidates = [s for s in installed.values() if artifact in s.artifact_names]
        if not candidates:
            consumers = sorted(s.name for s in specs.values() if artifact in s.artifact_inputs)
            raise ConfigurationError(
                f"extractor {', '.join(consumers)} requires the artifact {artifact!r}, but no installed extractor "
                "provides it; install a plugin that does (see `featurize features`)"
            )
        candidates.sort(key=lambda s: (-s.priority, s.name))
        providers[artifact] = [s.name for s in candidates]
        for spec in candidates:
            specs[spec.name] = spec
            stack.extend(spec.artifact_inputs)
    consumed = {name for spec in specs.values() for name in spec.artifact_inputs}
    primary = [name for name, spec in selected.items() if spec.features or not (set(spec.artifact_names) & consumed)]
    return Plan(
        primary=tuple(_dependency_order(primary, specs, providers)),
        providers={k: tuple(v) for k, v in providers.items()},
        specs=specs,
        params={name: _params(spec, params.get(name)) for name, spec in specs.items()},
    )


def _params(spec: ExtractorSpec, given: Mapping[str, Any] | None) -> dict[str, Any]:
    try:
        return resolve_params(spec.name, spec.params, given)
    except ValueError as error:
        raise ConfigurationError(f"extractor {error}") from error


def _dependency_order(
    names: list[str], specs: Mapping[str, ExtractorSpec], providers: Mapping[str, list[str]]
) -> list[str]:
    """Order primary extractors so providers come before consumers; a cycle is an error."""
    order: list[str] = []
    state: dict[str, str] = {}

    def visit(name: str, path: tuple[str, ...]) -> None:
        if state.get(name) == "done":
            return
        if state.get(name) == "visiting":
            raise ConfigurationError(f"extractors depend on each other in a cycle: {' -> '.join((*path, name))}")
        state[name] = "visiting"
        for artifact in specs[name].artifact_inputs:
            for provider in providers[artifact]:
                visit(provider, (*path, name))
        state[name] = "done"
        if name in names:
            order.append(name)

    for name in sorted(names):
        visit(name, ())
    return order
