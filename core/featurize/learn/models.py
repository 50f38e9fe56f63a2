"""Finding an installed model and converting its parameters from command-line strings."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from featurize.errors import FeaturizeError, PluginError
from featurize.plugin.descriptors import ModelSpec, Param, resolve_params

if TYPE_CHECKING:
    from featurize.plugin.manager import PluginManager

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}
_NONE = {"none", "null", ""}


class ModelParamError(FeaturizeError):
    """A model parameter is unknown or its value has the wrong type."""


def find_model(manager: PluginManager, name: str) -> ModelSpec:
    """The installed model ``name``; naming it selects it even when ``--plugins`` lists others."""
    available = manager.models(selected_only=False)
    if name not in available:
        listing = ", ".join(sorted(available)) or "none installed (pip install featurize-embanded, ...)"
        raise PluginError(f"unknown model {name!r}; available: {listing}")
    return available[name]


def model_params(spec: ModelSpec, given: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The declared defaults overridden by ``given``; strings become the declared type.

    ``none`` (or an empty value) gives ``None``, which means "the model's default" for the
    parameters whose default is ``None``.
    """
    try:
        values = resolve_params(f"model {spec.name}", spec.params, given)
    except ValueError as error:
        raise ModelParamError(str(error)) from None
    declared = {p.name: p for p in spec.params}
    return {name: _convert(spec.name, declared[name], value) for name, value in values.items()}


def _convert(model: str, param: Param, value: Any) -> Any:
    if not isinstance(value, str) or param.type == "path":
        return value
    folded = value.strip().lower()
    if folded in _NONE:
        return None
    if param.type == "str":
        return value
    try:
        if param.type == "int":
            return int(value)
        if param.type == "float":
            return float(value)
        if folded in _TRUE | _FALSE:
            return folded in _TRUE
        raise ValueError(value)
    except ValueError:
        raise ModelParamError(
            f"model {model!r}: parameter {param.name!r} wants a value of type {param.type}, got {value!r}"
        ) from None
