"""Maximum-likelihood fit of the endemic–epidemic model, as R ``surveillance::hhh4`` (fixed effects).

The log-likelihood, its score and the observed Fisher information (minus the Hessian, which is what
R's ``hhh4`` inverts for ``fit$cov`` and the standard errors) are analytic. scipy's trust-region
Newton method (``trust-exact``) finds the maximum; a few plain Newton steps then polish it to a
gradient of ~1e-10, tighter than R's own stopping rule (``tol = 1e-5``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize
from scipy.special import gammaln, polygamma, psi

from .data import InputError
from .hhh4_model import HHH4Model, build_model


@dataclass
class _Grid:
    """The fitted rows as (rows x units) grids; missing cells carry weight 0."""

    y: np.ndarray  # (R, I), 0 where missing
    mask: np.ndarray  # (R, I) float, 1 where observed
    columns: list[list[np.ndarray]]  # per component: its covariates, each (R, 1), (1, I) or (R, I)
    multipliers: list[np.ndarray]  # per component (R, I)
    sizes: list[int]
    n: int
    y_values: np.ndarray  # distinct observed counts
    y_counts: np.ndarray  # how often each occurs (the NegBin gamma terms only need these)


def _flatten(model: HHH4Model) -> _Grid:
    rows = model.rows
    y_rows = model.counts[rows]
    observed = ~np.isnan(y_rows)
    columns, mults, sizes = [], [], []
    for comp in model.components:
        # a constant is a time column of ones; a time covariate keeps the fitted rows
        columns.append(
            [
                col[rows]
                if col.shape[0] > 1
                else np.broadcast_to(col, (len(rows), 1))
                if col.shape[1] == 1
                else col
                for col in comp.columns
            ]
        )
        mults.append(np.where(observed, comp.multiplier[rows], 0.0))
        sizes.append(len(comp.names))
    values, counts = np.unique(y_rows[observed], return_counts=True)
    return _Grid(
        np.where(observed, y_rows, 0.0),
        observed.astype(float),
        columns,
        mults,
        sizes,
        int(observed.sum()),
        values,
        counts,
    )


def _linear(h: np.ndarray, cols: list[np.ndarray]) -> np.ndarray:
    """sum over cells of h * col, for each column."""
    row_sums, col_sums = h.sum(axis=1), h.sum(axis=0)
    out = np.empty(len(cols))
    for k, col in enumerate(cols):
        if col.shape[0] > 1 and col.shape[1] == 1:
            out[k] = col[:, 0] @ row_sums
        elif col.shape[0] == 1:
            out[k] = col[0] @ col_sums
        else:
            out[k] = np.sum(h * col)
    return out


def _cross(h: np.ndarray, cols_a: list[np.ndarray], cols_b: list[np.ndarray]) -> np.ndarray:
    """sum over cells of h * a * b for each pair of columns, without forming the design matrix:
    time x time uses the row sums of h, unit x unit its column sums, time x unit one product h @ b."""
    row_sums, col_sums = h.sum(axis=1), h.sum(axis=0)

    def kind(col):
        if col.shape[1] == 1:
            return "time"
        return "unit" if col.shape[0] == 1 else "full"

    unit_b = [k for k, b in enumerate(cols_b) if kind(b) == "unit"]
    unit_a = [k for k, a in enumerate(cols_a) if kind(a) == "unit"]
    hb = h @ np.column_stack([cols_b[k][0] for k in unit_b]) if unit_b else None
    ha = h @ np.column_stack([cols_a[k][0] for k in unit_a]) if unit_a else None
    out = np.empty((len(cols_a), len(cols_b)))
    for i, a in enumerate(cols_a):
        ka = kind(a)
        for j, b in enumerate(cols_b):
            kb = kind(b)
            if ka == "time" and kb == "time":
                out[i, j] = np.sum(np.broadcast_to(a[:, 0], row_sums.shape) * b[:, 0] * row_sums)
            elif ka == "unit" and kb == "unit":
                out[i, j] = np.sum(a[0] * b[0] * col_sums)
            elif ka == "time" and kb == "unit":
                out[i, j] = np.sum(np.broadcast_to(a[:, 0], row_sums.shape) * hb[:, unit_b.index(j)])
            elif ka == "unit" and kb == "time":
                out[i, j] = np.sum(np.broadcast_to(b[:, 0], row_sums.shape) * ha[:, unit_a.index(i)])
            else:
                out[i, j] = np.sum(h * a * b)
    return out


def _evaluate(theta: np.ndarray, grid: _Grid, family: str, order: int = 2):
    """Log-likelihood, score and Hessian at ``theta`` (order 0, 1 or 2)."""
    y, mask = grid.y, grid.mask
    parts, start = [], 0
    for cols, z, p in zip(grid.columns, grid.multipliers, grid.sizes, strict=True):
        eta = np.zeros((1, 1))
        for b, col in zip(theta[start : start + p], cols, strict=True):
            eta = eta + b * col
        parts.append(z * np.exp(eta))
        start += p
    mu = np.sum(parts, axis=0)
    safe_mu = np.where(mask > 0, mu, 1.0)
    log_mu = np.log(safe_mu)
    uy, cnt, n = grid.y_values, grid.y_counts, grid.n
    nb = family == "NegBin1"
    const = -np.sum(cnt * gammaln(uy + 1))
    if nb:
        size = np.exp(theta[-1])
        mr = safe_mu + size
        log_mr = np.log(mr)
        ll = (
            const
            + np.sum(cnt * gammaln(uy + size))
            - n * gammaln(size)
            + n * size * theta[-1]
            + np.sum(mask * (y * log_mu - (y + size) * log_mr))
        )
    else:
        ll = const + np.sum(y * log_mu - mask * mu)
    if order == 0:
        return ll, None, None, mu, parts
    d1 = mask * (y / safe_mu - (y + size) / mr) if nb else mask * (y / safe_mu - 1.0)
    score = [_linear(d1 * m, cols) for m, cols in zip(parts, grid.columns, strict=True)]
    if nb:
        dl_dsize = (
            np.sum(cnt * psi(uy + size))
            - n * psi(size)
            + n * (theta[-1] + 1.0)
            - np.sum(mask * (log_mr + (y + size) / mr))
        )
        score.append(np.array([size * dl_dsize]))
    score = np.concatenate(score)
    if order == 1:
        return ll, score, None, mu, parts
    d2 = mask * (-y / safe_mu**2 + (y + size) / mr**2) if nb else mask * (-y / safe_mu**2)
    hess = np.zeros((len(theta), len(theta)))
    offsets = np.cumsum([0] + grid.sizes)
    n_comp = len(parts)
    for a in range(n_comp):
        for b in range(a, n_comp):
            h = d2 * parts[a] * parts[b]
            if a == b:
                h = h + d1 * parts[a]
            block = _cross(h, grid.columns[a], grid.columns[b])
            hess[offsets[a] : offsets[a + 1], offsets[b] : offsets[b + 1]] = block
            hess[offsets[b] : offsets[b + 1], offsets[a] : offsets[a + 1]] = block.T
    if nb:
        cross = mask * size * (y - safe_mu) / mr**2
        col = np.concatenate([_linear(cross * m, cols) for m, cols in zip(parts, grid.columns, strict=True)])
        hess[:-1, -1] = hess[-1, :-1] = col
        d2_size = (
            np.sum(cnt * polygamma(1, uy + size))
            - n * polygamma(1, size)
            + n / size
            - np.sum(mask * (2.0 / mr - (y + size) / mr**2))
        )
        hess[-1, -1] = size**2 * d2_size + size * dl_dsize
    return ll, score, hess, mu, parts


def _start(model: HHH4Model, flat: _Grid) -> np.ndarray:
    """Crude but safe starting values: each component explains a share of the mean count."""
    ybar = max(float(flat.y.sum() / flat.n), 1e-3)
    theta = []
    shares = {"ar": 0.3, "ne": 0.1, "end": 0.5}
    for comp, z in zip(model.components, flat.multipliers, strict=True):
        base = np.log(shares[comp.name] * ybar / max(float(z.sum() / flat.n), 1e-8))
        intercept_cols = [n.startswith(f"{comp.name}.1") for n in comp.names]
        theta += [base if is_int else 0.0 for is_int in intercept_cols]
    if model.family == "NegBin1":
        theta.append(0.0)
    return np.array(theta)


@dataclass
class HHH4Fit:
    """A fitted endemic–epidemic model (fixed effects), as R's ``hhh4`` object."""

    model: HHH4Model
    names: list[str]
    coefficients: np.ndarray  # internal scale, R order ("-log(overdisp)" for NegBin1)
    fisher: np.ndarray  # observed Fisher information
    cov: np.ndarray
    se: np.ndarray
    loglik: float
    nobs: int
    converged: bool
    iterations: int
    fitted: np.ndarray  # (T, I) mean, NaN outside the fitted rows / missing cells
    component_means: dict  # name -> (T, I) share of the mean from that component

    @property
    def aic(self) -> float:
        return -2.0 * self.loglik + 2.0 * len(self.coefficients)

    @property
    def size(self) -> float | None:
        """NegBin size = 1 / overdisp (R ``psi2size``); ``None`` for Poisson."""
        return float(np.exp(self.coefficients[-1])) if self.model.family == "NegBin1" else None

    @property
    def overdisp(self) -> float | None:
        """R's reported ``overdisp`` psi: Var(Y | past) = mu (1 + psi mu)."""
        return None if self.size is None else 1.0 / self.size

    def coef(self) -> dict[str, float]:
        return dict(zip(self.names, self.coefficients.tolist(), strict=True))

    def reported(self) -> tuple[list[str], np.ndarray, np.ndarray]:
        """Names, estimates and SEs on R's reported scale (``coef(fit, se = TRUE)``): for NegBin1 the
        last is ``overdisp`` = exp(-theta), its SE by the delta method."""
        est, se = self.coefficients.copy(), self.se.copy()
        names = list(self.names)
        if self.model.family == "NegBin1":
            est[-1] = np.exp(-self.coefficients[-1])
            se[-1] = self.se[-1] * est[-1]
            names[-1] = "overdisp"
        return names, est, se

    def params_of(self, component: str) -> tuple[list[str], np.ndarray]:
        out_n, out_v = [], []
        for n, v in zip(self.names, self.coefficients, strict=True):
            if n.startswith(component + "."):
                out_n.append(n)
                out_v.append(v)
        return out_n, np.array(out_v)

    def decomposition(self) -> dict[str, np.ndarray]:
        """Share of the fitted mean from each component, summed over the fitted weeks, per unit:
        {"end": (I,), "ar": (I,), "ne": (I,)} adding up to 1 (R ``plot(fit, type = "fitted")``)."""
        totals = {k: np.nansum(v, axis=0) for k, v in self.component_means.items()}
        grand = np.sum(list(totals.values()), axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            return {k: v / grand for k, v in totals.items()}


def fit_model(model: HHH4Model, *, start=None, max_iter: int = 200) -> HHH4Fit:
    flat = _flatten(model)
    if flat.n == 0:
        raise InputError("no observed counts to fit")
    theta0 = _start(model, flat) if start is None else np.asarray(start, dtype=float)
    cache: dict = {}

    def evaluate(theta):
        key = theta.tobytes()
        if cache.get("key") != key:
            with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
                ll, score, hess, _, _ = _evaluate(theta, flat, model.family)
            if not np.isfinite(ll):
                ll, score, hess = -np.inf, np.zeros_like(theta), -np.eye(len(theta))
            cache.update(key=key, value=(ll, score, hess))
        return cache["value"]

    scale = max(abs(evaluate(theta0)[0]), 1.0)
    result = minimize(
        lambda th: -evaluate(th)[0] / scale,
        theta0,
        jac=lambda th: -evaluate(th)[1] / scale,
        hess=lambda th: -evaluate(th)[2] / scale,
        method="trust-exact",
        options={"gtol": 1e-9, "maxiter": max_iter},
    )
    theta = result.x
    iterations = int(result.nit)
    for _ in range(20):  # Newton polishing
        ll, score, hess = evaluate(theta)
        if np.max(np.abs(score)) < 1e-10 * max(1.0, abs(ll)) * 1e-2:
            break
        try:
            step = np.linalg.solve(-hess, score)
        except np.linalg.LinAlgError:
            break
        new = theta + step
        if evaluate(new)[0] < ll - 1e-9 * abs(ll):
            break
        theta = new
        iterations += 1
    ll, score, hess = evaluate(theta)
    fisher = -hess
    try:
        cov = np.linalg.inv(fisher)
        se = np.sqrt(np.diag(cov))
        converged = bool(np.all(np.isfinite(se)) and np.max(np.abs(score)) < 1e-4 * max(1.0, abs(ll)))
    except np.linalg.LinAlgError:
        cov = np.full_like(fisher, np.nan)
        se = np.full(len(theta), np.nan)
        converged = False
    _, _, _, mu, parts = _evaluate(theta, flat, model.family, order=0)
    observed = flat.mask > 0

    def on_grid(values):
        arr = np.full(model.counts.shape, np.nan)
        arr[model.rows] = np.where(observed, np.broadcast_to(values, observed.shape), np.nan)
        return arr

    fitted = on_grid(mu)
    comps = {comp.name: on_grid(part) for comp, part in zip(model.components, parts, strict=True)}
    return HHH4Fit(
        model=model,
        names=model.param_names,
        coefficients=theta,
        fisher=fisher,
        cov=cov,
        se=se,
        loglik=float(ll),
        nobs=flat.n,
        converged=converged,
        iterations=iterations,
        fitted=fitted,
        component_means=comps,
    )


def hhh4(counts, **kwargs) -> HHH4Fit:
    """Fit the endemic–epidemic model; keyword arguments as :func:`anju.signals.hhh4_model.build_model`
    plus ``start`` (initial parameters in R order)."""
    start = kwargs.pop("start", None)
    return fit_model(build_model(counts, **kwargs), start=start)
