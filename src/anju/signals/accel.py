"""Access to the optional compiled kernel, imported on first use (numba takes ~0.3 s to import)."""

from __future__ import annotations

import os
from types import ModuleType

_loaded: dict[str, ModuleType | None] = {}


def kernel() -> ModuleType | None:
    """The :mod:`.kernel` module when numba is installed and not switched off, else None.

    ``ANJU_SIGNALS_KERNEL=numpy`` selects the numpy path (checked on every call, so tests can flip it).
    """
    if os.environ.get("ANJU_SIGNALS_KERNEL", "numba").lower() == "numpy":
        return None
    if "kernel" not in _loaded:
        try:
            from . import kernel as module
        except ImportError:  # pragma: no cover - numba missing or broken
            module = None
        _loaded["kernel"] = module if module is not None and module.numba is not None else None
    return _loaded["kernel"]
