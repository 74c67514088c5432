"""Original Farrington et al. (1996), as R ``farrington()`` / ``algo.farrington`` (surveillance 1.20.3).

The model is ``y ~ 1 + t`` on the 2w+1 periods around the same period of each of the b previous
years, fitted with ``algo.farrington.fitGLM.fast``: quasi-Poisson, Anscombe reweighting with
threshold 1, trend kept iff p < 0.05 (and b >= 3 and no extrapolation beyond the largest count).
The bound is the 2/3-power ("delta") threshold with the two-sided ``z = qnorm(1 - alpha/2)``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import special

from .data import CountPanel
from .engine import (
    FitRules,
    batches_by_design,
    fit_counts,
    fit_with_trend_decision,
    integer_counts,
    recent_case_sums,
    run_chunks,
)
from .flexible import POWER_EXPONENTS
from .glm import DOUBLE_EPS
from .result import DetectionResult, Status
from .timepoints import resolve_t_index
from .windows import original_window

ORIGINAL_WEIGHTS_THRESHOLD = 1.0
ORIGINAL_P_THRESHOLD_TREND = 0.05


def farrington(
    panel: CountPanel,
    t_index: Sequence[int] | np.ndarray | None = None,
    *,
    last: int | None = None,
    b: int = 5,
    w: int = 3,
    reweight: bool = True,
    alpha: float = 0.05,
    trend: bool = True,
    limit54: tuple[int, int] = (5, 4),
    powertrans: str = "2/3",
    progress: bool = False,
    jobs: int = 1,
) -> DetectionResult:
    """Evaluate every series at ``t_index`` (1-based) or the ``last`` N periods.

    As R: under limit54 (fewer than ``limit54[0]`` cases in the last ``limit54[1]`` periods) the
    upper bound is 0 and there is no alarm. Default periods are R's: ``freq*b - w`` to the end.
    """
    if powertrans not in POWER_EXPONENTS:
        raise ValueError(f"powertrans must be one of {tuple(POWER_EXPONENTS)}")
    if limit54[0] < 0 or limit54[1] <= 0:
        raise ValueError("limit54 out of bounds: cases >= 0 and period > 0")
    control = dict(
        b=b, w=w, reweight=reweight, alpha=alpha, trend=trend, limit54=tuple(limit54), powertrans=powertrans
    )
    t_idx = resolve_t_index(panel, t_index, last, default_start=panel.freq * b - w)
    obs = panel.observed
    counts, top = integer_counts(obs)
    result = DetectionResult.empty("farrington", control, panel.series_ids, t_idx, obs[:, t_idx - 1])
    days = panel.day_numbers() if panel.date_based else None

    def window_at(t: int):
        return original_window(t, panel.freq, days, b, w)

    batches, skipped = batches_by_design(panel, t_idx, window_at, predict_level=1)
    result.extra["not_evaluated"] = {int(t_idx[c]): why for c, why in skipped.items()}
    rules = FitRules(reweight=reweight, weights_threshold=ORIGINAL_WEIGHTS_THRESHOLD, overwrite_weights=False)
    enough = recent_case_sums(obs, t_idx, limit54[1]) >= limit54[0]
    exponent = POWER_EXPONENTS[powertrans]
    z = special.ndtri(1.0 - alpha / 2.0)  # two-sided, as algo.farrington.threshold

    def work(batch, rows, cols) -> int:
        y_fit = fit_counts(counts, rows, batch.times[cols], batch.relative_positions, top)
        fit, _ = fit_with_trend_decision(
            y_fit, batch, rules, trend, b, ORIGINAL_P_THRESHOLD_TREND, fail_without_convergence=False
        )
        r_idx = np.repeat(rows, cols.size)
        c_idx = np.tile(batch.columns[cols], rows.size)
        _delta_threshold(result, r_idx, c_idx, fit, enough[r_idx, c_idx], exponent, z)
        return rows.size * cols.size

    run_chunks(batches, panel.n_series, work, jobs=jobs, progress=progress)
    return result


def _delta_threshold(result, r_idx, c_idx, fit, enough, exponent, z) -> None:
    """algo.farrington.threshold: 2/3-power (or other) transformed normal bound."""
    y = result.observed[r_idx, c_idx]
    phi = fit.phi
    mu0 = np.maximum(np.exp(fit.eta0), DOUBLE_EPS)
    se_fit = np.sqrt(fit.quad0 * phi) * mu0  # predict(..., dispersion = phi)
    tau = phi + se_fit**2 / mu0
    scale = {1.0: mu0 * tau, 0.5: 0.25 * tau}.get(exponent, 4.0 / 9.0 * mu0 ** (1.0 / 3.0) * tau)
    se = np.sqrt(scale)
    with np.errstate(invalid="ignore"):
        upper = (mu0**exponent + z * se) ** (1.0 / exponent)
        lower = (mu0**exponent - z * se) ** (1.0 / exponent)
    upper = np.where(np.isnan(lower) | (upper >= lower), upper, lower)
    with np.errstate(divide="ignore", invalid="ignore"):
        score = (y - mu0) / (upper - mu0)
    result.upperbound[r_idx, c_idx] = np.where(enough, upper, 0.0)
    result.expected[r_idx, c_idx] = mu0
    result.alarm[r_idx, c_idx] = enough & (score > 1)
    result.score[r_idx, c_idx] = score
    result.pvalue[r_idx, c_idx] = special.ndtr(-(y**exponent - mu0**exponent) / se)
    result.status[r_idx, c_idx] = np.where(enough, int(Status.OK), int(Status.FEW_CASES))
    extra = result.extra
    for name, values in (("phi", phi), ("trend_used", fit.has_trend.astype(float))):
        extra.setdefault(name, np.full(result.observed.shape, np.nan))[r_idx, c_idx] = values
