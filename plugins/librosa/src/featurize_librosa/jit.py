"""Diagnostics of librosa's numba kernels: how many compiled specializations each one holds.

The extractor's factory runs the whole analysis once so that every kernel is compiled (or loaded from
numba's cache) before the first real track. If a later track needed a new specialization (another
dtype or memory layout), the count would grow; the tests and the benchmark check that it does not.
"""

from __future__ import annotations

import sys


def compiled_specializations() -> dict[str, int]:
    """``module.function -> number of compiled signatures`` for every numba kernel librosa has loaded."""
    from numba.core.dispatcher import Dispatcher
    from numba.np.ufunc.dufunc import DUFunc

    counts = {}
    for module_name, module in list(sys.modules.items()):
        if module is None or not module_name.startswith("librosa"):
            continue
        for name, value in vars(module).items():
            if isinstance(value, Dispatcher):
                counts[f"{module_name}.{name}"] = len(value.signatures)
            elif isinstance(value, DUFunc):
                counts[f"{module_name}.{name}"] = len(value.types)
    return counts
