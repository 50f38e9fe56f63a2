"""featurize-xgboost: gradient-boosted trees as a featurize model, with group importances.

The estimator loads lazily, so that importing the plugin's entry point stays light.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__all__ = ["XGBoostClassifier"]

if TYPE_CHECKING:
    from featurize_xgboost.estimator import XGBoostClassifier


def __getattr__(name: str) -> Any:
    if name in __all__:
        return getattr(importlib.import_module("featurize_xgboost.estimator"), name)
    raise AttributeError(f"module 'featurize_xgboost' has no attribute {name!r}")
