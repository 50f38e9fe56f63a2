"""Descriptors: what a plugin declares about its components, before anything heavy is imported.

Registration hooks return these frozen ``attrs`` objects. They carry names, versions,
declared inputs and outputs, parameters and a *lazy factory*: the factory is the only
place a plugin imports essentia, torch or spaCy, and it runs once per worker process.
A bad declaration fails when the descriptor is built, with a message that the plugin
manager prefixes with the plugin's name.
"""

from __future__ import annotations

import enum
import hashlib
import json
import re
from collections.abc import Callable, Mapping
from typing import Any, Literal

import attrs

NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
COMPONENT_PATTERN = re.compile(r"^[a-z][a-z0-9_-]*$")


class Source(enum.StrEnum):
    """How a feature is computed; the ``by-source`` grouping partitions features on this."""

    SIGNAL = "signal processing"
    DEEP_LEARNING = "deep learning"
    ONTOLOGY = "ontology"
    NLP = "nlp"
    IMPORTED = "imported"
    """Read from a table with ``featurize import``; how it was computed is not known."""


class ArtifactKind(enum.StrEnum):
    """Storage layouts for intermediate results (see :mod:`featurize.artifacts`)."""

    SEGMENTS = "segments"
    TEXT = "text"
    SIGNAL = "signal"
    FRAMES = "frames"
    RECORD = "record"


def _check_name(pattern: re.Pattern[str]) -> Callable[[Any, attrs.Attribute, str], None]:
    def check(_: Any, attribute: attrs.Attribute, value: str) -> None:
        if not isinstance(value, str) or not pattern.match(value):
            raise ValueError(f"{attribute.name} {value!r} must match {pattern.pattern}")

    return check


def _non_empty(_: Any, attribute: attrs.Attribute, value: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{attribute.name} must be a non-empty string")


@attrs.frozen
class Feature:
    """One scalar output column. Its full name in a store is ``<extractor>.<name>``."""

    name: str = attrs.field(validator=_check_name(NAME_PATTERN))
    description: str = attrs.field(validator=_non_empty)
    source: Source = attrs.field(converter=Source)
    unit: str = ""


@attrs.frozen
class ArtifactSpec:
    """A non-scalar output (chord segments, a transcript, a stem) other extractors may consume."""

    name: str = attrs.field(validator=_check_name(NAME_PATTERN))
    kind: ArtifactKind = attrs.field(converter=ArtifactKind)
    description: str = attrs.field(validator=_non_empty)
    stored: bool = True
    """Whether the runner writes it to the store (large stems may opt out)."""


@attrs.frozen
class AudioInput:
    """The extractor reads the decoded audio at ``sr`` (``None``: native rate)."""

    sr: int | None = attrs.field(default=None, validator=attrs.validators.optional(attrs.validators.gt(0)))
    mono: bool = True


@attrs.frozen
class ArtifactInput:
    """The extractor reads an artifact produced by another extractor (e.g. ``chords``)."""

    name: str = attrs.field(validator=_check_name(NAME_PATTERN))


Requirement = AudioInput | ArtifactInput

ParamType = Literal["str", "int", "float", "bool", "path"]


@attrs.frozen
class Param:
    """A user-settable parameter, exposed on the CLI as ``--<component>-<name>``."""

    name: str = attrs.field(validator=_check_name(NAME_PATTERN))
    default: Any
    help: str = attrs.field(validator=_non_empty)
    type: ParamType = "str"
    affects_output: bool = True
    """Result-defining parameters enter the params hash; runtime knobs (device, paths
    to the same weights) do not."""


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}
_NONE = {"none", "null", ""}


def convert_param(param: Param, value: Any) -> Any:
    """``value`` as ``param``'s type when it is a string (from a command line or a TOML file).

    ``none``/``null``/empty give ``None`` ("the component's default") except for ``str`` and
    ``path`` parameters, which keep the text. A value that does not parse raises ``ValueError``.
    """
    if not isinstance(value, str) or param.type == "path":
        return value
    folded = value.strip().lower()
    if param.type == "str":
        return value
    if folded in _NONE:
        return None
    if param.type == "int":
        return int(value)
    if param.type == "float":
        return float(value)
    if folded in _TRUE | _FALSE:
        return folded in _TRUE
    raise ValueError(f"{value!r} is not a boolean")


def convert_params(
    kind: str, name: str, declared: tuple[Param, ...], given: Mapping[str, Any] | None
) -> dict[str, Any]:
    """:func:`resolve_params`, then every string converted to its parameter's declared type.

    Errors are ``ValueError``s naming the component (``kind`` ``name``) and the parameter.
    """
    values = resolve_params(f"{kind} {name}", declared, given)
    types = {p.name: p for p in declared}
    converted = {}
    for parameter, value in values.items():
        try:
            converted[parameter] = convert_param(types[parameter], value)
        except ValueError:
            raise ValueError(
                f"{kind} {name!r}: parameter {parameter!r} wants a value of type {types[parameter].type}, got {value!r}"
            ) from None
    return converted


def params_hash(params: Mapping[str, Any], declared: tuple[Param, ...]) -> str:
    """Hash of the result-defining parameters, stable across runs and machines."""
    relevant = {p.name: params.get(p.name, p.default) for p in declared if p.affects_output}
    payload = json.dumps(relevant, sort_keys=True, default=str)
    return hashlib.sha1(payload.encode()).hexdigest()[:12]


def resolve_params(owner: str, declared: tuple[Param, ...], given: Mapping[str, Any] | None) -> dict[str, Any]:
    """The declared defaults overridden by ``given``; an unknown name is an error naming ``owner``."""
    defaults = {p.name: p.default for p in declared}
    unknown = set(given or {}) - set(defaults)
    if unknown:
        raise ValueError(f"{owner!r} has no parameter(s) {', '.join(sorted(unknown))}; declared: {sorted(defaults)}")
    return {**defaults, **(given or {})}


def _unique(kind: str) -> Callable[[Any, attrs.Attribute, tuple], None]:
    def check(_: Any, attribute: attrs.Attribute, value: tuple) -> None:
        names = [item.name for item in value]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"duplicate {kind} names: {', '.join(duplicates)}")

    return check


@attrs.frozen
class ExtractorSpec:
    """Declaration of an extractor.

    ``factory(**params)`` returns a callable ``extract(track: TrackContext) -> Result``.
    It is called once per worker process; keep models and other expensive state on it.
    """

    name: str = attrs.field(validator=_check_name(NAME_PATTERN))
    version: str = attrs.field(validator=_non_empty)
    description: str = attrs.field(validator=_non_empty)
    factory: Callable[..., Callable[..., Any]] = attrs.field(validator=attrs.validators.is_callable())
    requires: tuple[Requirement, ...] = attrs.field(converter=tuple, default=())
    features: tuple[Feature, ...] = attrs.field(converter=tuple, default=(), validator=_unique("feature"))
    artifacts: tuple[ArtifactSpec, ...] = attrs.field(converter=tuple, default=(), validator=_unique("artifact"))
    params: tuple[Param, ...] = attrs.field(converter=tuple, default=(), validator=_unique("parameter"))
    priority: int = 0
    """Among several providers of one artifact, the highest priority is tried first."""
    plugin: str = ""
    """Set by the plugin manager: the plugin (entry point) that registered it."""
    distribution: str = ""
    """Set by the plugin manager: the distribution and its version, ``name==version``."""

    def __attrs_post_init__(self) -> None:
        if not self.features and not self.artifacts:
            raise ValueError(f"extractor {self.name!r} declares neither features nor artifacts")
        for requirement in self.requires:
            if not isinstance(requirement, AudioInput | ArtifactInput):
                raise TypeError(f"extractor {self.name!r}: requirement {requirement!r} is not AudioInput/ArtifactInput")
        if any(isinstance(r, ArtifactInput) and r.name in self.artifact_names for r in self.requires):
            raise ValueError(f"extractor {self.name!r} requires an artifact it provides itself")

    @property
    def feature_names(self) -> list[str]:
        """Namespaced names, as they appear in a store and in groupings."""
        return [f"{self.name}.{f.name}" for f in self.features]

    @property
    def artifact_names(self) -> list[str]:
        return [a.name for a in self.artifacts]

    @property
    def audio_inputs(self) -> list[AudioInput]:
        return [r for r in self.requires if isinstance(r, AudioInput)]

    @property
    def artifact_inputs(self) -> list[str]:
        return [r.name for r in self.requires if isinstance(r, ArtifactInput)]


@attrs.frozen
class GroupingSpec:
    """Declaration of a grouping.

    ``build(catalog, **params)`` returns a :class:`featurize.grouping.Grouping` given the
    catalog of the features at hand (a sequence of
    :class:`featurize.catalog.FeatureInfo`), so computed
    groupings (by source, random) can depend on what a store holds.
    """

    name: str = attrs.field(validator=_check_name(COMPONENT_PATTERN))
    description: str = attrs.field(validator=_non_empty)
    build: Callable[..., Any] = attrs.field(validator=attrs.validators.is_callable())
    params: tuple[Param, ...] = attrs.field(converter=tuple, default=(), validator=_unique("parameter"))
    plugin: str = ""
    distribution: str = ""


@attrs.frozen
class ModelSpec:
    """Declaration of a model.

    ``factory(groups=..., **params)`` returns an unfitted scikit-learn style estimator;
    ``load(directory)`` restores one saved by its ``save(directory)`` method.
    ``input`` says whether it learns from the feature matrix or from audio.
    """

    name: str = attrs.field(validator=_check_name(COMPONENT_PATTERN))
    description: str = attrs.field(validator=_non_empty)
    factory: Callable[..., Any] = attrs.field(validator=attrs.validators.is_callable())
    load: Callable[..., Any] = attrs.field(validator=attrs.validators.is_callable())
    input: Literal["features", "audio"] = attrs.field(
        default="features", validator=attrs.validators.in_(("features", "audio"))
    )
    params: tuple[Param, ...] = attrs.field(converter=tuple, default=(), validator=_unique("parameter"))
    plugin: str = ""
    distribution: str = ""


Component = ExtractorSpec | GroupingSpec | ModelSpec
