"""CDC EARS C1, C2 and C3, as R ``earsC`` (surveillance 1.20.3) computes them.

C1: bound = mean + z sd of the ``baseline`` periods before t. C2: the same with a two-period
guard band (periods t-baseline-2 .. t-3). C3 as implemented in R 1.20.3 (not the textbook):
``max(0, y_t + sd_t (z - [max(0, C2_{t-2} - 1) + max(0, C2_{t-1} - 1)]))`` with the C2 statistic
``C2_s = (y_s - mean_s) / sd_s``; a zero-variance baseline gives 0/0 and an undefined bound. The
alarm is ``y_t > bound``. Works for any frequency, including daily data.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from scipy import special

from .data import CountPanel
from .result import DetectionResult, Status
from .timepoints import resolve_t_index

EARS_METHODS = ("C1", "C2", "C3")
_GUARD = {"C1": 0, "C2": 2, "C3": 2}  # periods skipped between baseline and t
_MAX_LAG_EXTRA = {"C1": 0, "C2": 2, "C3": 4}


def ears_c(
    panel: CountPanel,
    t_index: Sequence[int] | np.ndarray | None = None,
    *,
    last: int | None = None,
    method: str = "C1",
    baseline: int = 7,
    alpha: float | None = None,
    min_sigma: float = 0.0,
) -> DetectionResult:
    """Evaluate all series at ``t_index`` (1-based) or the ``last`` N periods.

    ``alpha`` defaults as in R: 0.001 for C1/C2, 0.025 for C3. Periods with fewer than
    ``baseline + lag`` earlier periods are returned as not evaluated (R stops with an error).
    """
    if method not in EARS_METHODS:
        raise ValueError(f"method must be one of {EARS_METHODS}")
    if baseline < 3:
        raise ValueError("minimum baseline to use is 3")
    if min_sigma < 0:
        raise ValueError("min_sigma must be >= 0")
    if alpha is None:
        alpha = 0.025 if method == "C3" else 0.001
    control = dict(method=method, baseline=baseline, alpha=alpha, min_sigma=min_sigma)
    max_lag = baseline + _MAX_LAG_EXTRA[method]
    t_idx = resolve_t_index(panel, t_index, last, default_start=max_lag + 1)
    obs = panel.observed
    result = DetectionResult.empty(
        f"ears_{method.lower()}", control, panel.series_ids, t_idx, obs[:, t_idx - 1]
    )
    cols = np.flatnonzero(t_idx - max_lag >= 1)
    result.extra["not_evaluated"] = {
        int(t): f"needs {max_lag} earlier periods (baseline {baseline} + lag)"
        for t in t_idx[t_idx - max_lag < 1]
    }
    if cols.size == 0:
        return result
    t = t_idx[cols]
    z = special.ndtri(1.0 - alpha)
    windows = sliding_window_view(obs, baseline, axis=1)  # windows[:, j] = obs[:, j:j+baseline]

    def stats(t1: np.ndarray):
        """Baseline mean and sd for 1-based periods t1 (C1 or C2 baseline)."""
        start = t1 - 1 - baseline - _GUARD[method]
        ref = windows[:, start, :]
        return ref.mean(axis=2), np.maximum(ref.std(axis=2, ddof=1), min_sigma)

    mean, sd = stats(t)
    y = obs[:, t - 1]
    with np.errstate(divide="ignore", invalid="ignore"):
        if method in ("C1", "C2"):
            upper = mean + z * sd
            score = (y - mean) / sd
        else:
            lag_terms = []
            for lag in (2, 1):
                m_l, s_l = stats(t - lag)
                c2 = (obs[:, t - lag - 1] - m_l) / s_l
                lag_terms.append(np.maximum(0.0, c2 - 1.0))
            upper = np.maximum(0.0, y + sd * (z - (lag_terms[0] + lag_terms[1])))
            score = np.maximum(0.0, (y - mean) / sd - 1.0) + lag_terms[0] + lag_terms[1]
    undefined = np.isnan(upper)
    result.upperbound[:, cols] = upper
    result.expected[:, cols] = mean
    result.alarm[:, cols] = ~undefined & (y > upper)
    result.score[:, cols] = score
    result.status[:, cols] = np.where(undefined, int(Status.ZERO_VARIANCE), int(Status.OK))
    return result
