"""Forecasts from a fitted endemic–epidemic model, and proper scoring rules as R ``surveillance``.

* :func:`one_step_predictive` — the analytic one-step-ahead NegBin/Poisson predictive (mean, size),
  as R ``oneStepAhead(fit, tp, type = "final")``;
* :func:`predictive_moments` — exact means, variances (and covariances) 1..h weeks ahead of an
  observed week, by the recursion of Held, Meyer & Bracher (2017) (R package ``hhh4addon``'s
  ``predictive_moments``): ``E[Y_h] = nu_h + L_h E[Y_{h-1}]``,
  ``Cov(Y_h) = L_h Cov(Y_{h-1}) L_h' + diag(E[mu_h] + E[mu_h^2] / size)``, ``L_h = diag(lambda_h) +
  diag(phi_h) W'``;
* :func:`simulate` — sample paths (numpy ``Generator``, seedable), as R ``simulate.hhh4``;
* :func:`scores` (``logs``, ``rps`` = CRPS for counts, ``dss``, ``ses``) and :func:`pit`
  (non-randomised PIT histogram of Czado, Gneiting & Held 2009), as R ``scores()`` and ``pit()``.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse
from scipy.special import gammaln
from scipy.stats import nbinom, poisson

from .data import InputError
from .hhh4_fit import HHH4Fit


def _rates(fit: HHH4Fit, rows: np.ndarray) -> dict[str, np.ndarray]:
    """exp(linear predictor) of each component at time rows (may lie beyond the data; the endemic
    offset of a later week is the last known one). Endemic values include the offset."""
    model = fit.model
    n_t, n_i = model.counts.shape
    t = rows.astype(float)[:, None]
    out = {}
    start = 0
    for comp in model.components:
        p = len(comp.names)
        beta = fit.coefficients[start : start + p]
        start += p
        eta = np.zeros((len(rows), n_i))
        for name, col, b in zip(comp.names, comp.columns, beta, strict=True):
            if col.shape[0] > 1:  # a function of time: rebuild it at the requested weeks
                col = _time_column(name, t, model.period)
            eta = eta + b * col
        rate = np.exp(eta)
        if comp.name == "end":
            rate = rate * comp.multiplier[np.minimum(rows, n_t - 1)]
        out[comp.name] = rate
    return out


def _time_column(name: str, t: np.ndarray, period: float) -> np.ndarray:
    if name == "end.t":
        return t
    func = np.sin if name.startswith("end.sin(") else np.cos
    harmonic = int(name.split("(")[1].split(" ")[0]) // 2
    return func(2 * harmonic * np.pi * t / period)


def _transition(fit: HHH4Fit, rates: dict, k: int):
    """L = diag(lambda) + diag(phi) W' at step k, applied as a function and as a dense matrix."""
    lam = rates["ar"][k] if "ar" in rates else None
    phi = rates["ne"][k] if "ne" in rates else None
    w = fit.model.weights

    def apply(y):  # y: (..., I)
        out = np.zeros_like(y, dtype=float)
        if lam is not None:
            out = out + lam * y
        if phi is not None:
            nb = (w.T @ y.T).T if sparse.issparse(w) else y @ w
            out = out + phi * nb
        return out

    return apply


def one_step_predictive(fit: HHH4Fit, rows) -> tuple[np.ndarray, np.ndarray | None]:
    """Predictive mean (rows x units) for each week in ``rows`` (0-based, within the data) given the
    week before it, and the NegBin size (``None`` for Poisson)."""
    rows = np.asarray(rows)
    if rows.min() < 1 or rows.max() >= fit.model.counts.shape[0]:
        raise InputError("rows must lie within the data, after the first week")
    r = _rates(fit, rows)
    prev = np.nan_to_num(fit.model.counts[rows - 1])
    mean = r["end"].copy()
    mean += _transition(fit, r, slice(None))(prev) if ("ar" in r or "ne" in r) else 0.0
    return mean, fit.size


def predictive_moments(
    fit: HHH4Fit, t_condition: int, horizon: int = 4, *, start_counts=None, return_cov: bool = False
):
    """Means and variances of Y 1..``horizon`` weeks after week ``t_condition`` (0-based), given the
    counts of that week (the data's, or ``start_counts``). Returns a dict with ``mean`` and ``var``
    (horizon x units), ``total_var`` (variance of the sum over units, per step) and, with
    ``return_cov``, ``cov`` (horizon x units x units). Cost O(horizon · units³)."""
    y0 = np.nan_to_num(
        fit.model.counts[t_condition] if start_counts is None else np.asarray(start_counts, float)
    )
    rows = np.arange(t_condition + 1, t_condition + 1 + horizon)
    rates = _rates(fit, rows)
    n_i = y0.size
    size = fit.size
    mean = np.zeros((horizon, n_i))
    var = np.zeros((horizon, n_i))
    total = np.zeros(horizon)
    covs = np.zeros((horizon, n_i, n_i)) if return_cov else None
    m_prev, s_prev = y0, np.zeros((n_i, n_i))
    for k in range(horizon):
        step = _transition(fit, rates, k)
        m = rates["end"][k] + step(m_prev)
        c_mu = step(step(s_prev).T).T  # L S L'
        extra = m.copy()
        if size is not None:
            extra += (np.diag(c_mu) + m**2) / size
        s = c_mu + np.diag(extra)
        mean[k], var[k], total[k] = m, np.diag(s), s.sum()
        if return_cov:
            covs[k] = s
        m_prev, s_prev = m, s
    out = {"mean": mean, "var": var, "total_var": total}
    if return_cov:
        out["cov"] = covs
    return out


def moment_matched_nb(mean, var):
    """NegBin (mean, size) with the given mean and variance, to score h-step forecasts with
    :func:`scores` as ``hhh4addon`` does; size is infinite (Poisson) where var <= mean."""
    mean, var = np.asarray(mean, float), np.asarray(var, float)
    excess = var - mean
    return mean, np.where(excess > 0, mean**2 / np.where(excess > 0, excess, 1.0), np.inf)


def simulate(
    fit: HHH4Fit, t_condition: int, horizon: int = 4, nsim: int = 1000, *, seed=None, start_counts=None
):
    """``nsim`` sample paths of the ``horizon`` weeks after week ``t_condition``: (nsim, horizon, units)."""
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    y0 = np.nan_to_num(
        fit.model.counts[t_condition] if start_counts is None else np.asarray(start_counts, float)
    )
    rows = np.arange(t_condition + 1, t_condition + 1 + horizon)
    rates = _rates(fit, rows)
    size = fit.size
    out = np.zeros((nsim, horizon, y0.size))
    y = np.broadcast_to(y0, (nsim, y0.size)).astype(float)
    for k in range(horizon):
        mu = rates["end"][k] + _transition(fit, rates, k)(y)
        if size is None:
            y = rng.poisson(mu).astype(float)
        else:
            y = rng.negative_binomial(size, size / (size + mu)).astype(float)
        out[:, k] = y
    return out


# ---- scoring rules (R surveillance::scores, pit) -------------------------------------------------


def logs(x, mu, size=None):
    """Logarithmic score -log f(x)."""
    x, mu = np.asarray(x, float), np.asarray(mu, float)
    if size is None:
        return -(x * np.log(mu) - mu - gammaln(x + 1)) if np.all(mu > 0) else -poisson.logpmf(x, mu)
    size = np.asarray(size, float)
    return -(
        gammaln(x + size)
        - gammaln(size)
        - gammaln(x + 1)
        + size * np.log(size / (size + mu))
        + x * np.log(mu / (size + mu))
    )


def dss(x, mu, size=None):
    """Dawid–Sebastiani score (x - mu)^2 / var + log var."""
    x, mu = np.asarray(x, float), np.asarray(mu, float)
    v = mu if size is None else mu * (1 + mu / np.asarray(size, float))
    return (x - mu) ** 2 / v + np.log(v)


def ses(x, mu, size=None):
    """Squared error score."""
    return (np.asarray(x, float) - np.asarray(mu, float)) ** 2


def rps(x, mu, size=None, k: int = 40):
    """Ranked probability score (the CRPS of a count forecast): sum over k of (F(k) - 1{x <= k})^2,
    on R's truncated range (mean ± 40 sd), vectorised over elements in chunks of similar range."""
    x, mu = np.broadcast_arrays(np.asarray(x, float), np.asarray(mu, float))
    shape = x.shape
    x, mu = x.ravel(), mu.ravel()
    sz = None if size is None else np.broadcast_to(np.asarray(size, float), shape).ravel()
    if sz is None:
        sd = np.sqrt(mu)
        kmin = np.where(mu > k**2, np.floor(mu - k * sd), 0.0)
    else:
        sd = np.sqrt(mu * (1 + mu / sz))
        kmin = np.maximum(0.0, np.floor(mu - k * sd))
    kmax = np.maximum(x, np.ceil(mu + k * sd))
    lengths = (kmax - kmin + 1).astype(np.int64)
    out = np.empty(x.size)
    order = np.argsort(lengths, kind="stable")
    pos = 0
    while pos < order.size:
        # as many elements as fit in ~2 million grid cells at the longest range among them
        end = pos + 1  # sorted by length: the last element of a chunk has its longest range
        while end < order.size and lengths[order[end]] * (end + 1 - pos) <= 2_000_000:
            end += 1
        idx = order[pos:end]
        width = int(lengths[idx].max())
        steps = np.arange(width)
        grid = kmin[idx, None] + steps
        if sz is None:
            cdf = poisson.cdf(grid, mu[idx, None])
        else:
            s_i = sz[idx, None]
            cdf = nbinom.cdf(grid, s_i, s_i / (s_i + mu[idx, None]))
        sq = (cdf - (x[idx, None] <= grid)) ** 2
        out[idx] = np.sum(np.where(steps < lengths[idx, None], sq, 0.0), axis=1)
        pos = end
    return out.reshape(shape)


crps = rps
SCORES = {"logs": logs, "rps": rps, "dss": dss, "ses": ses}


def scores(x, mu, size=None, which=("logs", "rps", "dss", "ses")) -> dict[str, np.ndarray]:
    """The scores of R ``scores(..., individual = TRUE)``: lower is better."""
    return {name: SCORES[name](x, mu, size) for name in which}


def pit(x, mu, size=None, bins: int = 10, relative: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Non-randomised PIT histogram (Czado, Gneiting & Held 2009; R ``pit``): bin edges and the
    mean of F(u | x) = (u - P(x-1)) / (P(x) - P(x-1)) (clipped to [0, 1]) per bin, times ``bins``
    when ``relative`` (a calibrated forecast gives 1 in every bin)."""
    x, mu = np.broadcast_arrays(np.asarray(x, float), np.asarray(mu, float))
    shape = x.shape
    x, mu = x.ravel(), mu.ravel()
    if size is None:
        px, pxm1 = poisson.cdf(x, mu), poisson.cdf(x - 1, mu)
    else:
        s = np.broadcast_to(np.asarray(size, float), shape).ravel()
        p = s / (s + mu)
        px, pxm1 = nbinom.cdf(x, s, p), nbinom.cdf(x - 1, s, p)
    breaks = np.arange(bins + 1) / bins
    u = breaks[:, None]
    width = px - pxm1
    with np.errstate(divide="ignore", invalid="ignore"):
        f_u = np.where(u >= px, 1.0, np.where(u <= pxm1, 0.0, (u - pxm1) / width))
    fbar = f_u.mean(axis=1)
    return breaks, (bins if relative else 1) * np.diff(fbar)
