"""Finding an installed model and converting its parameters from command-line strings."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from featurize.errors import FeaturizeError
from featurize.plugin.descriptors import ModelSpec, convert_params

if TYPE_CHECKING:
    from featurize.plugin.manager import PluginManager


class ModelParamError(FeaturizeError):
    """A model parameter is unknown or its value has the wrong type."""


def find_model(manager: PluginManager, name: str) -> ModelSpec:
    """The installed model ``name``; naming it selects it even when ``--plugins`` lists others."""
    return manager.component(ModelSpec, name, selected_only=False)


def model_params(spec: ModelSpec, given: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The declared defaults overridden by ``given``; strings become the declared type.

    ``none`` (or an empty value) gives ``None``, which means "the model's default" for the
    parameters whose default is ``None``.
    """
    try:
        return convert_params("model", spec.name, spec.params, given)
    except ValueError as error:
        raise ModelParamError(str(error)) from None
