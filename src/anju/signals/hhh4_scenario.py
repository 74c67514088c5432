"""Scenarios from a fitted endemic–epidemic model: "if this series' counts rise k-fold for a few weeks, what
follows?" (docs/transmission.md).

A fit is reduced to a :class:`Projection`: the endemic means of the weeks ahead, each series' own-past rate
``lambda`` and neighbour rate ``phi``, the weights ``W`` and the NegBin size — plain arrays that can be stored
and read back without the data. :func:`scenario` then runs two paths side by side, the baseline and the
shocked one, sharing their randomness: each week a cell draws one gamma variate ``G`` (mean 1, the NegBin's
mixing) and the shocked count is the baseline count plus an independent ``Poisson(G * (mu_shock - mu_base))``.
Both paths then have exactly the model's NegBin distribution, and their difference — the extra counts the
shock causes — carries no noise of the baseline (common random numbers), so its interval is the scenario's
own uncertainty. The shock multiplies the shocked series' mean by ``factor`` in its first ``weeks`` weeks;
since every rate is non-negative the shocked mean is never below the baseline one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse

from .data import InputError
from .hhh4_fit import HHH4Fit
from .hhh4_predict import _rates


@dataclass
class Projection:
    end: np.ndarray  # (horizon, I) endemic mean of each week ahead (offset included)
    ar: np.ndarray  # (I,) lambda
    ne: np.ndarray  # (I,) phi
    weights: object  # (I, I) W[j, i], dense or sparse
    size: float | None  # NegBin size; None for Poisson
    start: np.ndarray  # (I,) counts of the conditioning week
    _wt: object = None

    def step(self, y: np.ndarray) -> np.ndarray:
        """``lambda * y + phi * (W' y)`` for y of shape (..., I)."""
        w = self.weights
        if sparse.issparse(w):
            if self._wt is None:
                self._wt = sparse.csr_matrix(w.T)  # rows of W' once, for products with many paths
            nb = (self._wt @ y.T).T
        else:
            nb = y @ np.asarray(w)
        return self.ar * y + self.ne * nb


def projection(fit: HHH4Fit, t_condition: int, horizon: int) -> Projection:
    """The arrays a scenario needs, for the ``horizon`` weeks after week ``t_condition`` (0-based). The
    epidemic rates are taken at the first week ahead (they do not depend on time in the models anju fits)."""
    rows = np.arange(t_condition + 1, t_condition + 1 + horizon)
    rates = _rates(fit, rows)
    n_i = fit.model.counts.shape[1]
    zeros = np.zeros(n_i)
    weights = fit.model.weights if fit.model.weights is not None else sparse.csr_matrix((n_i, n_i))
    return Projection(
        end=rates["end"],
        ar=rates["ar"][0] if "ar" in rates else zeros,
        ne=rates["ne"][0] if "ne" in rates else zeros,
        weights=weights,
        size=fit.size,
        start=np.nan_to_num(fit.model.counts[t_condition]).astype(float),
    )


@dataclass
class ScenarioResult:
    expected: np.ndarray  # (horizon, I) exact expected extra counts
    paths: np.ndarray  # (nsim, horizon, I) simulated extra counts

    def __post_init__(self):
        self._per_path = self.paths.sum(axis=1)  # (nsim, I): each path's extra over all weeks

    def interval(self, series: np.ndarray | None = None, level: float = 0.95) -> tuple[float, float]:
        """Interval of the extra total over all weeks and the series selected by the boolean mask."""
        per_path = self._per_path if series is None else self._per_path[:, series]
        lo, hi = np.quantile(per_path.sum(axis=1), [(1 - level) / 2, (1 + level) / 2])
        return float(lo), float(hi)


def scenario(
    proj: Projection,
    unit: int,
    *,
    factor: float = 2.0,
    weeks: int = 3,
    nsim: int = 2000,
    seed=None,
) -> ScenarioResult:
    """Extra counts over the projection's horizon when series ``unit``'s mean is multiplied by ``factor``
    in the first ``weeks`` weeks. ``expected`` is exact (the means follow a linear recursion); ``paths``
    are ``nsim`` coupled simulations of the extra counts."""
    horizon, n_i = proj.end.shape
    if not 0 <= unit < n_i:
        raise InputError("unit out of range")
    if factor < 1:
        raise InputError("factor must be at least 1")
    if not 1 <= weeks <= horizon:
        raise InputError("weeks must lie within the horizon")
    boost = np.ones((horizon, n_i))
    boost[:weeks, unit] = factor

    m_base, m_shock = proj.start.copy(), proj.start.copy()
    expected = np.zeros((horizon, n_i))
    for k in range(horizon):
        m_base = proj.end[k] + proj.step(m_base)
        m_shock = boost[k] * (proj.end[k] + proj.step(m_shock))
        expected[k] = m_shock - m_base

    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    base = np.broadcast_to(proj.start, (nsim, n_i)).astype(float)
    extra = np.zeros((nsim, n_i))
    paths = np.zeros((nsim, horizon, n_i))
    for k in range(horizon):
        mu_base = proj.end[k] + proj.step(base)
        mu_shock = boost[k] * (mu_base + proj.step(extra))
        gamma = rng.gamma(proj.size, 1.0 / proj.size, size=(nsim, n_i)) if proj.size else 1.0
        base = rng.poisson(gamma * mu_base).astype(float)
        extra = rng.poisson(gamma * np.maximum(mu_shock - mu_base, 0.0)).astype(float)
        paths[:, k] = extra
    return ScenarioResult(expected=expected, paths=paths)
