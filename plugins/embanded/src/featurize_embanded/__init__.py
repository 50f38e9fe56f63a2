"""featurize-embanded: EM-banded regression (Fuglsang et al. 2024) as a featurize model.

The estimators load lazily, so that importing the plugin's entry point stays light.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__all__ = ["EMBandedClassifier", "EMBandedRegressor", "NotConvergedWarning"]

if TYPE_CHECKING:
    from featurize_embanded.estimator import EMBandedClassifier, EMBandedRegressor, NotConvergedWarning


def __getattr__(name: str) -> Any:
    if name in __all__:
        return getattr(importlib.import_module("featurize_embanded.estimator"), name)
    raise AttributeError(f"module 'featurize_embanded' has no attribute {name!r}")
