"""Batched quasi-Poisson GLM fits that follow R's ``glm.fit`` step by step.

Every Farrington model is a log-linear Poisson regression on a *grouped* design: each
observation belongs to exactly one seasonal group (R's intercept + ``seasgroups`` dummies span the
same space as one indicator per group) and may have a linear time term. For such a design the
normal equations ``X'WX b = X'Wz`` form an "arrowhead" matrix (a diagonal block for the groups
plus one row/column for time), which is solved in closed form. All sums over observations are
one matrix product with a fixed (n_obs, 2G+1) matrix, so thousands of fits (series x time
points) run together as a few BLAS calls per iteration.

To reproduce R to the last digits, including fits that R stops after ``maxit`` iterations
without converging, the iteration is R's own: start at ``mu = y + 0.1``, fitted means floored at
``.Machine$double.eps``, convergence when ``|dev - devold| / (|dev| + 0.1) < 1e-8``, at most 25
iterations, and the reported working weights are those of the last weighted least-squares step
(computed from the previous iterate), as in the ``weights`` and ``qr`` that ``glm.fit`` returns.
Predictions, hat values and the covariance do not depend on how the design is parametrised, so the
time covariate is centred here for numerical stability.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

DOUBLE_EPS = float(np.finfo(np.float64).eps)
LOG_DOUBLE_EPS = float(np.log(DOUBLE_EPS))
GLM_EPSILON = 1e-8
GLM_MAXIT = 25


@dataclass(frozen=True)
class GroupedDesign:
    """Design of one family of fits: group label per observation and optional centred time."""

    groups: np.ndarray  # (n,) int in 0..n_groups-1, every group non-empty
    n_groups: int
    time: np.ndarray | None  # (n,) centred time covariate, or None for a model without trend

    @property
    def n_obs(self) -> int:
        return int(self.groups.shape[0])

    @property
    def rank(self) -> int:
        return self.n_groups + (self.time is not None)

    def indicator(self) -> np.ndarray:
        onehot = np.zeros((self.n_obs, self.n_groups))
        onehot[np.arange(self.n_obs), self.groups] = 1.0
        return onehot

    def moment_matrix(self) -> np.ndarray:
        """(n, 2G+1): weights @ this = per-group sum w, per-group sum w*t, total sum w*t^2."""
        onehot = self.indicator()
        if self.time is None:
            return onehot
        return np.hstack([onehot, onehot * self.time[:, None], (self.time**2)[:, None]])

    def without_trend(self) -> GroupedDesign:
        return GroupedDesign(self.groups, self.n_groups, None)

    def linear_predictor(self, alpha: np.ndarray, beta: np.ndarray | None) -> np.ndarray:
        eta = alpha[:, self.groups]
        if self.time is not None:
            eta = eta + beta[:, None] * self.time[None, :]
        return eta


@dataclass
class QuasiPoissonFit:
    """Result of one batch of fits (K fits, each on the n observations of a shared design)."""

    design: GroupedDesign
    y: np.ndarray  # (K, n)
    prior: np.ndarray | None  # (K, n) prior weights or None (all 1)
    converged: np.ndarray  # (K,) bool
    alpha: np.ndarray  # (K, G) group effects
    beta: np.ndarray  # (K,) time coefficient (0 without trend)
    mu: np.ndarray  # (K, n) fitted means
    working_weights: np.ndarray  # (K, n) R's model$weights
    v_gg: np.ndarray  # (K, G) diagonal of (X'WX)^-1 for the group block
    v_gt: np.ndarray  # (K, G) group/time covariances of (X'WX)^-1
    v_tt: np.ndarray  # (K,)
    dispersion: np.ndarray  # (K,) summary.glm(model)$dispersion

    @property
    def df_residual(self) -> int:
        return self.design.n_obs - self.design.rank

    def hat_values(self) -> np.ndarray:
        """Diagonal of the weighted hat matrix, as ``hatvalues()`` (values near 1 set to 1)."""
        d = self.design
        quad = self.v_gg[:, d.groups]
        if d.time is not None:
            quad = quad + d.time[None, :] * (
                2.0 * self.v_gt[:, d.groups] + d.time[None, :] * self.v_tt[:, None]
            )
        hat = self.working_weights * quad
        hat[hat > 1.0 - 10.0 * DOUBLE_EPS] = 1.0
        return hat

    def pearson_dispersion(self, weights: np.ndarray | None) -> np.ndarray:
        """sum(weights * ((y - mu)/mu)^2) / df: what summary.glm computes from ``model$weights``."""
        resid2 = ((self.y - self.mu) / self.mu) ** 2
        if weights is not None:
            resid2 = resid2 * weights
        return resid2.sum(axis=1) / self.df_residual

    def link_prediction(self, group: int, time: float) -> tuple[np.ndarray, np.ndarray]:
        """Linear predictor at a new point and x0' (X'WX)^-1 x0 (unscaled variance)."""
        eta = self.alpha[:, group].copy()
        quad = self.v_gg[:, group].copy()
        if self.design.time is not None:
            eta += self.beta * time
            quad += time * (2.0 * self.v_gt[:, group] + time * self.v_tt)
        return eta, quad


def _solve_arrowhead(a, b, c, ra, rt):
    """Solve [[diag(a), b], [b', c]] [alpha; beta] = [ra; rt] for every row at once."""
    if b is None:
        return ra / a, None
    schur = c - (b * b / a).sum(axis=1)
    beta = (rt - (b * ra / a).sum(axis=1)) / schur
    alpha = (ra - b * beta[:, None]) / a
    return alpha, beta


def _inverse_arrowhead(a, b, c):
    if b is None:
        return 1.0 / a, np.zeros_like(a), np.zeros(a.shape[0])
    schur = c - (b * b / a).sum(axis=1)
    v_tt = 1.0 / schur
    v_gt = -b / (a * schur[:, None])
    v_gg = 1.0 / a + b * b / (a * a * schur[:, None])
    return v_gg, v_gt, v_tt


def _split_moments(m: np.ndarray, n_groups: int, trend: bool):
    if not trend:
        return m, None, None
    return m[:, :n_groups], m[:, n_groups : 2 * n_groups], m[:, 2 * n_groups]


def fit_quasipoisson(
    y: np.ndarray,
    design: GroupedDesign,
    prior: np.ndarray | None = None,
    maxit: int = GLM_MAXIT,
    epsilon: float = GLM_EPSILON,
) -> QuasiPoissonFit:
    """Fit ``y ~ groups (+ time)`` with quasi-Poisson family and log link for each row of ``y``."""
    y = np.ascontiguousarray(y, dtype=np.float64)
    n_fits = y.shape[0]
    G = design.n_groups
    trend = design.time is not None
    Q = design.moment_matrix()
    onehot = design.indicator()
    tc = design.time
    weighted_y = y if prior is None else prior * y
    py_group = weighted_y @ onehot
    py_time = weighted_y @ tc if trend else None
    py_total = weighted_y.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        ylogy = np.where(y > 0, y * np.log(np.where(y > 0, y, 1.0)), 0.0)
    pylogy = (ylogy if prior is None else prior * ylogy).sum(axis=1)

    # Iteration 1 starts from mu = y + 0.1, which is not of the grouped form: sums done directly.
    mu_start = np.maximum(np.exp(np.log(y + 0.1)), DOUBLE_EPS)
    eta_start = np.log(y + 0.1)
    pm = mu_start if prior is None else prior * mu_start
    dev_terms = ylogy - y * np.log(mu_start) - y + mu_start
    devold = 2.0 * (dev_terms if prior is None else prior * dev_terms).sum(axis=1)
    wz = pm * eta_start + weighted_y - pm
    moments = pm @ Q
    ra = wz @ onehot
    rt = wz @ tc if trend else None
    a, b, c = _split_moments(moments, G, trend)

    # results, filled as fits finish
    out_alpha = np.zeros((n_fits, G))
    out_beta = np.zeros(n_fits)
    out_prev_alpha = np.zeros((n_fits, G))
    out_prev_beta = np.zeros(n_fits)
    out_from_start = np.zeros(n_fits, dtype=bool)  # last WLS step used the starting values
    out_conv = np.zeros(n_fits, dtype=bool)

    rows = np.arange(n_fits)  # original row of each active fit
    prev_alpha = np.zeros((n_fits, G))
    prev_beta = np.zeros(n_fits)
    from_start = np.ones(n_fits, dtype=bool)
    act_y, act_prior = y, prior
    for iteration in range(1, maxit + 1):
        alpha, beta = _solve_arrowhead(a, b, c, ra, rt)
        if beta is None:
            beta = np.zeros(alpha.shape[0])
        eta = design.linear_predictor(alpha, beta)
        mu = np.maximum(np.exp(eta), DOUBLE_EPS)
        pm = mu if act_prior is None else act_prior * mu
        moments = pm @ Q
        a, b, c = _split_moments(moments, G, trend)
        pyg, pyt = py_group[rows], (py_time[rows] if trend else None)
        y_log_mu = (alpha * pyg).sum(axis=1) + (beta * pyt if trend else 0.0)
        floored = _possibly_floored(alpha, beta, design)
        if floored.any():  # log(mu) != eta where mu hit the floor: correct those rows exactly
            f = np.flatnonzero(floored)
            wy = act_y[f] if act_prior is None else act_prior[f] * act_y[f]
            y_log_mu[f] += (wy * (np.log(mu[f]) - eta[f])).sum(axis=1)
        dev = 2.0 * (pylogy[rows] - y_log_mu - py_total[rows] + a.sum(axis=1))
        with np.errstate(invalid="ignore"):
            done = np.abs(dev - devold) / (np.abs(dev) + 0.1) < epsilon
        finite = np.isfinite(dev)
        stop = done | ~finite | (iteration == maxit)  # maxit: R keeps the last iterate, converged=FALSE
        if stop.any():
            d = rows[stop]
            out_alpha[d], out_beta[d] = alpha[stop], beta[stop]
            out_prev_alpha[d], out_prev_beta[d] = prev_alpha[stop], prev_beta[stop]
            out_from_start[d] = from_start[stop]
            out_conv[d] = (done & finite)[stop]
        keep = ~stop
        if not keep.any():
            break
        # rhs of the next WLS step, from the grouped form of eta: sum w z = sum mu*eta + y - mu
        ra = alpha * a + beta[:, None] * b + pyg - a if trend else alpha * a + pyg - a
        rt = (alpha * b).sum(axis=1) + beta * c + pyt - b.sum(axis=1) if trend else None
        prev_alpha, prev_beta = alpha, beta
        from_start = np.zeros(alpha.shape[0], dtype=bool)
        devold = dev
        if not keep.all():
            rows = rows[keep]
            a, ra = a[keep], ra[keep]
            if trend:
                b, c, rt = b[keep], c[keep], rt[keep]
            prev_alpha, prev_beta, from_start = prev_alpha[keep], prev_beta[keep], from_start[keep]
            devold = devold[keep]
            act_y = act_y[keep]
            act_prior = None if act_prior is None else act_prior[keep]

    return _finish(
        design, y, prior, out_conv, out_alpha, out_beta, out_prev_alpha, out_prev_beta, out_from_start
    )


def _possibly_floored(alpha, beta, design: GroupedDesign) -> np.ndarray:
    """Rows whose linear predictor may fall below log(eps) somewhere (so mu was floored)."""
    if design.time is None:
        low = alpha.min(axis=1)
    else:
        tmin, tmax = _group_time_range(design)
        low = (alpha + np.minimum(beta[:, None] * tmin, beta[:, None] * tmax)).min(axis=1)
    return low < LOG_DOUBLE_EPS + 1e-9


def _group_time_range(design: GroupedDesign):
    tmin = np.full(design.n_groups, np.inf)
    tmax = np.full(design.n_groups, -np.inf)
    np.minimum.at(tmin, design.groups, design.time)
    np.maximum.at(tmax, design.groups, design.time)
    return tmin, tmax


def _finish(design, y, prior, conv, alpha, beta, prev_alpha, prev_beta, from_start) -> QuasiPoissonFit:
    G = design.n_groups
    trend = design.time is not None
    mu = np.maximum(np.exp(design.linear_predictor(alpha, beta)), DOUBLE_EPS)
    mu_prev = np.maximum(np.exp(design.linear_predictor(prev_alpha, prev_beta)), DOUBLE_EPS)
    if from_start.any():
        mu_prev[from_start] = np.maximum(np.exp(np.log(y[from_start] + 0.1)), DOUBLE_EPS)
    working = mu_prev if prior is None else prior * mu_prev
    a, b, c = _split_moments(working @ design.moment_matrix(), G, trend)
    v_gg, v_gt, v_tt = _inverse_arrowhead(a, b, c)
    fit = QuasiPoissonFit(
        design=design,
        y=y,
        prior=prior,
        converged=conv,
        alpha=alpha,
        beta=beta,
        mu=mu,
        working_weights=working,
        v_gg=v_gg,
        v_gt=v_gt,
        v_tt=v_tt,
        dispersion=np.zeros(y.shape[0]),
    )
    fit.dispersion = fit.pearson_dispersion(working)
    return fit


def anscombe_weights(fit: QuasiPoissonFit, phi: np.ndarray, threshold: float) -> np.ndarray:
    """Farrington's reweighting: down-weight observations with Anscombe residual > threshold.

    ``s = 1.5 (y^(2/3) mu^(-1/6) - mu^(1/2)) / sqrt(phi (1 - h))``; weights ``gamma s^-2`` where
    ``s > threshold`` and ``gamma`` elsewhere, with ``gamma`` making the weights sum to n.
    """
    y, mu = fit.y, fit.mu
    with np.errstate(divide="ignore", invalid="ignore"):
        raw = 1.5 * (y ** (2.0 / 3.0) * mu ** (-1.0 / 6.0) - np.sqrt(mu))
        s = raw / np.sqrt(phi[:, None] * (1.0 - fit.hat_values()))
        high = s > threshold
        inv_s2 = np.where(high, s ** (-2.0), 1.0)
    gamma = y.shape[1] / inv_s2.sum(axis=1)
    return gamma[:, None] * inv_s2
