"""farringtonFlexible (Noufaily et al. 2013) as R ``surveillance`` 1.20.3 computes it.

Defaults are R's (``noPeriods = 1``, ``thresholdMethod = "delta"``, ...). The Noufaily et al.
recommendations are available as :data:`NOUFAILY_CONTROL`. Population offsets are not supported
(``populationOffset = FALSE``), as in the issue.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import special

from .data import CountPanel
from .distributions import nbinom_quantile, nbinom_sf_at_least, poisson_quantile, poisson_sf_at_least
from .engine import (
    FitRules,
    batches_by_design,
    fit_counts,
    fit_with_trend_decision,
    integer_counts,
    recent_case_sums,
    run_chunks,
)
from .glm import DOUBLE_EPS
from .result import DetectionResult, Status
from .timepoints import resolve_t_index
from .windows import flexible_window

THRESHOLD_METHODS = ("delta", "nbPlugin", "muan")
POWER_EXPONENTS = {"none": 1.0, "1/2": 1.0 / 2.0, "2/3": 2.0 / 3.0}

# Noufaily et al. (2013) settings, as used by the oracle fixtures
NOUFAILY_CONTROL = dict(
    b=5,
    w=3,
    no_periods=10,
    weights_threshold=2.58,
    past_weeks_not_included=26,
    p_threshold_trend=1.0,
    trend=True,
    threshold_method="nbPlugin",
    alpha=0.05,
)


def farrington_flexible(
    panel: CountPanel,
    t_index: Sequence[int] | np.ndarray | None = None,
    *,
    last: int | None = None,
    b: int = 5,
    w: int = 3,
    reweight: bool = True,
    weights_threshold: float = 2.58,
    alpha: float = 0.05,
    trend: bool = True,
    p_threshold_trend: float = 0.05,
    limit54: tuple[int, int] = (5, 4),
    powertrans: str = "2/3",
    no_periods: int = 1,
    past_weeks_not_included: int | None = None,
    threshold_method: str = "delta",
    progress: bool = False,
    jobs: int = 1,
) -> DetectionResult:
    """Evaluate every series of ``panel`` at the periods ``t_index`` (1-based) or the ``last`` N.

    ``jobs`` > 1 runs chunks of fits on that many threads. Default periods: R's default range, ``freq*b + w + 1`` to the end. Arguments are R's controls
    in snake case (``noPeriods`` -> ``no_periods`` ...).
    """
    if threshold_method not in THRESHOLD_METHODS:
        raise ValueError(f"threshold_method must be one of {THRESHOLD_METHODS}")
    if powertrans not in POWER_EXPONENTS:
        raise ValueError(f"powertrans must be one of {tuple(POWER_EXPONENTS)}")
    if limit54[0] < 0 or limit54[1] <= 0:
        raise ValueError("limit54 out of bounds: cases >= 0 and period > 0")
    past = w if past_weeks_not_included is None else int(past_weeks_not_included)
    control = dict(
        b=b, w=w, reweight=reweight, weights_threshold=weights_threshold, alpha=alpha, trend=trend,
        p_threshold_trend=p_threshold_trend, limit54=tuple(limit54), powertrans=powertrans,
        no_periods=no_periods, past_weeks_not_included=past, threshold_method=threshold_method,
    )  # fmt: skip
    t_idx = resolve_t_index(panel, t_index, last, default_start=panel.freq * b + w + 1)
    obs = panel.observed
    counts, top = integer_counts(obs)
    result = DetectionResult.empty("farrington_flexible", control, panel.series_ids, t_idx, obs[:, t_idx - 1])
    days = panel.day_numbers() if panel.date_based else None

    def window_at(t: int):
        return flexible_window(t, panel.n_times, panel.freq, days, b, w, no_periods, past)

    batches, skipped = batches_by_design(panel, t_idx, window_at, predict_level=no_periods)
    result.extra["not_evaluated"] = {int(t_idx[c]): why for c, why in skipped.items()}
    rules = FitRules(reweight=reweight, weights_threshold=weights_threshold, overwrite_weights=True)
    enough = recent_case_sums(obs, t_idx, limit54[1]) >= limit54[0]

    def work(batch, rows, cols) -> int:
        y = fit_counts(counts, rows, batch.times[cols], batch.relative_positions, top)
        fit, failed = fit_with_trend_decision(y, batch, rules, trend, b, p_threshold_trend, True)
        r_idx = np.repeat(rows, cols.size)
        c_idx = np.tile(batch.columns[cols], rows.size)
        _thresholds(result, r_idx, c_idx, fit, failed, enough[r_idx, c_idx], control)
        return rows.size * cols.size

    run_chunks(batches, panel.n_series, work, jobs=jobs, progress=progress)
    return result


def _thresholds(result, r_idx, c_idx, fit, failed, enough, control) -> None:
    alpha = control["alpha"]
    y = result.observed[r_idx, c_idx]
    method = control["threshold_method"]
    phi = fit.phi
    if method == "delta":
        mu0 = np.maximum(np.exp(fit.eta0), DOUBLE_EPS)  # predict(type = "response")
        se_fit = np.sqrt(fit.quad0 * fit.inference_dispersion) * mu0
        tau = phi + se_fit**2 / mu0
        exponent = POWER_EXPONENTS[control["powertrans"]]
        scale = {1.0: mu0 * tau, 0.5: 0.25 * tau}.get(exponent, 4.0 / 9.0 * mu0 ** (1.0 / 3.0) * tau)
        se = np.sqrt(scale)
        z = special.ndtri(1.0 - alpha)
        with np.errstate(invalid="ignore"):
            upper = (mu0**exponent + z * se) ** (1.0 / exponent)
            lower = (mu0**exponent - z * se) ** (1.0 / exponent)
        upper = np.where(np.isnan(lower) | (upper >= lower), upper, lower)  # R sorts (lower, upper)
        pvalue = special.ndtr(-(y**exponent - mu0**exponent) / se)
        pred_fit = mu0
        expected = mu0
    else:
        if method == "nbPlugin":
            mu_q = np.exp(fit.eta0)
        else:  # muan: upper (1 - alpha) confidence limit of the mean
            se_eta = np.sqrt(fit.quad0 * fit.inference_dispersion)
            with np.errstate(over="ignore"):  # an infinite quantile gives no bound, as in R
                mu_q = np.exp(fit.eta0 + se_eta * special.ndtri(1.0 - alpha))
        finite = np.isfinite(mu_q)
        nb = phi > 1.0
        with np.errstate(divide="ignore", invalid="ignore"):
            size = mu_q / (phi - 1.0)
        upper = np.full(y.shape, np.nan)
        pvalue = np.full(y.shape, np.nan)
        sel = finite & nb
        upper[sel] = nbinom_quantile(1.0 - alpha, size[sel], 1.0 / phi[sel])
        pvalue[sel] = nbinom_sf_at_least(y[sel], size[sel], 1.0 / phi[sel])
        sel = finite & ~nb
        upper[sel] = poisson_quantile(1.0 - alpha, mu_q[sel])
        pvalue[sel] = poisson_sf_at_least(y[sel], mu_q[sel])
        pred_fit = fit.eta0  # R's score uses the link-scale prediction here
        expected = np.exp(fit.eta0)
    with np.errstate(divide="ignore", invalid="ignore"):
        score = np.where(np.isnan(upper), np.nan, (y - pred_fit) / (upper - pred_fit))
    status = np.where(enough, int(Status.OK), int(Status.FEW_CASES))
    status = np.where(enough & np.isnan(upper), int(Status.NO_BOUND), status)
    status = np.where(failed, int(Status.NOT_CONVERGED), status)
    defined = ~failed
    alarm = defined & enough & ~np.isnan(score) & (score > 1) & (y != 0)
    ok_bound = defined & enough
    result.upperbound[r_idx, c_idx] = np.where(ok_bound, upper, np.nan)
    result.expected[r_idx, c_idx] = np.where(ok_bound & ~np.isnan(upper), expected, np.nan)
    result.alarm[r_idx, c_idx] = alarm
    result.score[r_idx, c_idx] = np.where(defined, score, np.nan)
    result.pvalue[r_idx, c_idx] = np.where(defined, pvalue, np.nan)
    result.status[r_idx, c_idx] = status
    extra = result.extra
    for name, values in (
        ("phi", phi),
        ("trend_used", fit.has_trend.astype(float)),
        ("mu0", np.exp(fit.eta0)),
    ):
        extra.setdefault(name, np.full(result.observed.shape, np.nan))[r_idx, c_idx] = np.where(
            defined, values, np.nan
        )
