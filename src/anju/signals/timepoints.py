"""Which periods to evaluate: explicit 1-based indices, the last N, or R's default range."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .data import CountPanel


def resolve_t_index(
    panel: CountPanel, t_index: Sequence[int] | np.ndarray | None, last: int | None, default_start: int
) -> np.ndarray:
    n = panel.n_times
    if t_index is not None and last is not None:
        raise ValueError("give either t_index or last, not both")
    if last is not None:
        if last < 1:
            raise ValueError("last must be >= 1")
        t = np.arange(max(1, n - int(last) + 1), n + 1)
    elif t_index is not None:
        t = np.asarray(t_index, dtype=np.int64).ravel()
        if t.size and (t.min() < 1 or t.max() > n):
            raise ValueError(f"t_index must lie within 1..{n}")
    else:
        t = np.arange(max(1, default_start), n + 1)
    return np.sort(np.unique(t)).astype(np.int64)
