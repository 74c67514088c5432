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
    counts: Counts  # (K, n) counts
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
    _resid2: np.ndarray | None = None  # squared working residuals, cached

    @property
    def df_residual(self) -> int:
        return self.design.n_obs - self.design.rank

    @property
    def y(self) -> np.ndarray:
        return self.counts.y

    def hat_values(self) -> np.ndarray:
        """Diagonal of the weighted hat matrix, as ``hatvalues()`` (values near 1 set to 1)."""
        d = self.design
        if d.time is None:
            quad = self.v_gg[:, d.groups]
        else:  # x_i' V x_i = V_gg + 2 t V_gt + t^2 V_tt, as one product with the moment matrix
            coefs = np.hstack([self.v_gg, 2.0 * self.v_gt, self.v_tt[:, None]])
            quad = coefs @ d.moment_matrix().T
        hat = np.multiply(self.working_weights, quad, out=quad)
        hat[hat > 1.0 - 10.0 * DOUBLE_EPS] = 1.0
        return hat

    def pearson_dispersion(self, weights: np.ndarray | None) -> np.ndarray:
        """sum(weights * ((y - mu)/mu)^2) / df: what summary.glm computes from ``model$weights``."""
        if self._resid2 is None:
            resid2 = np.divide(self.y, self.mu)
            resid2 -= 1.0
            np.square(resid2, out=resid2)
            self._resid2 = resid2
        if weights is None:
            return self._resid2.sum(axis=1) / self.df_residual
        return np.einsum("ij,ij->i", weights, self._resid2) / self.df_residual

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


class Counts:
    """Count matrix (K, n) with the per-element quantities every fit on it reuses.

    With ``integer=True`` (validated counts) each quantity is a function of the count value, so it is
    computed once per distinct value and looked up (same floating-point values, fewer log/pow calls).
    """

    TABLE_LIMIT = 1 << 20  # largest count for lookup tables

    def __init__(self, y: np.ndarray, integer: bool = False) -> None:
        y = np.asarray(y)
        self._cache: dict[str, np.ndarray] = {}
        self._index = None
        self._y = None
        self._source = None
        integer = integer or np.issubdtype(y.dtype, np.integer)
        top = y.max() if y.size else 0
        if integer and y.size and top < self.TABLE_LIMIT:
            self._index = np.ascontiguousarray(y, dtype=np.intp)
            self._values = np.arange(int(top) + 1, dtype=np.float64)
        else:
            self._y = np.ascontiguousarray(y, dtype=np.float64)

    @classmethod
    def from_panel(
        cls, panel: np.ndarray, series: np.ndarray, times: np.ndarray, rel: np.ndarray, top: int
    ) -> Counts:
        """Fit k uses ``panel[series[k], times[k] + rel]`` (an int64 panel with largest count ``top``);
        the matrix is only made when asked for, the compiled kernel reads the panel directly."""
        if top >= cls.TABLE_LIMIT:
            return cls(panel[series[:, None], times[:, None] + rel[None, :]], integer=True)
        obj = cls.__new__(cls)
        obj._cache, obj._y, obj._index = {}, None, None
        obj._source = (panel, np.asarray(series, dtype=np.int64), np.asarray(times, dtype=np.int64), rel)
        obj._values = np.arange(top + 1, dtype=np.float64)
        return obj

    @property
    def integer(self) -> bool:
        """Integer counts (from a panel or as an index matrix): the compiled kernel can take them."""
        return self._source is not None or self._index is not None

    def source(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None:
        """(panel, series, times, relative positions) to read counts from, or None for a matrix."""
        if self._source is not None:
            return self._source
        if self._index is None:
            return None
        n_fits, n_obs = self._index.shape
        return self._index, np.arange(n_fits), np.zeros(n_fits, dtype=np.int64), np.arange(n_obs)

    def subset(self, rows: np.ndarray) -> Counts:
        """The counts of the fits selected by ``rows`` (boolean mask or indices)."""
        if self._source is not None:
            panel, series, times, rel = self._source
            return Counts.from_panel(panel, series[rows], times[rows], rel, int(self._values[-1]))
        return Counts(self.index[rows] if self._index is not None else self.y[rows], integer=True)

    @property
    def y(self) -> np.ndarray:
        """The counts as floats (made on first use when the counts came as integers)."""
        if self._y is None:
            self._y = self.index.astype(np.float64)
        return self._y

    @property
    def n_fits(self) -> int:
        if self._source is not None:
            return self._source[1].shape[0]
        return (self._index if self._index is not None else self._y).shape[0]

    def _get(self, name, make):
        """Cached ``make(y)``; make is element-wise, so it can run on the distinct values only."""
        if name not in self._cache:
            if self.index is not None:
                self._cache[name] = np.take(make(self._values), self._index)
            else:
                self._cache[name] = make(self.y)
        return self._cache[name]

    @property
    def ylogy(self) -> np.ndarray:  # y log y, 0 for y = 0
        return self._get("ylogy", _ylogy)

    @property
    def log_start(self) -> np.ndarray:  # log(y + 0.1), glm.fit's starting linear predictor
        return self._get("log_start", lambda v: np.log(v + 0.1))

    @property
    def mu_start(self) -> np.ndarray:  # R: linkinv(linkfun(y + 0.1))
        return self._get("mu_start", _mu_start)

    @property
    def start_dev_terms(self) -> np.ndarray:  # unit deviance terms at the start, 2x
        return self._get("start_dev_terms", _start_dev_terms)

    @property
    def start_deviance(self) -> np.ndarray:
        if "start_deviance" not in self._cache:
            self._cache["start_deviance"] = self.start_dev_terms.sum(axis=1)
        return self._cache["start_deviance"]

    @property
    def start_wz(self) -> np.ndarray:  # w^2 z of the first WLS step (unit prior weights)
        return self._get("start_wz", _start_wz)

    @property
    def y_two_thirds(self) -> np.ndarray:
        return self._get("y23", _two_thirds)

    def value_tables(self) -> tuple[np.ndarray, ...] | None:
        """Per-count-value tables of ylogy, mu_start, start_dev_terms, start_wz and y^(2/3), or None
        when the counts are not integer-indexed (the compiled kernel looks values up in these)."""
        if self._index is None and self._source is None:
            return None
        v = self._values
        return tuple(
            np.ascontiguousarray(make(v))
            for make in (_ylogy, _mu_start, _start_dev_terms, _start_wz, _two_thirds)
        )

    @property
    def index(self) -> np.ndarray | None:
        if self._index is None and self._source is not None:
            panel, series, times, rel = self._source
            self._index = panel[series[:, None], times[:, None] + rel[None, :]].astype(np.intp, copy=False)
        return self._index

    def remember_row_max(self, values: np.ndarray) -> None:
        """Largest count of each fit, as computed elsewhere (the kernel reads every count anyway)."""
        self._cache["row_max"] = values

    @property
    def row_max(self) -> np.ndarray:
        if "row_max" not in self._cache:
            source = self._index if self._index is not None else self.y
            self._cache["row_max"] = source.max(axis=1).astype(np.float64)
        return self._cache["row_max"]


def _ylogy(v: np.ndarray) -> np.ndarray:
    return v * np.log(np.where(v > 0, v, 1.0))


def _mu_start(v: np.ndarray) -> np.ndarray:
    return np.maximum(np.exp(np.log(v + 0.1)), DOUBLE_EPS)


def _start_dev_terms(v: np.ndarray) -> np.ndarray:  # unit deviance terms at the start, 2x
    return 2.0 * (_ylogy(v) - v * np.log(_mu_start(v)) - v + _mu_start(v))


def _start_wz(v: np.ndarray) -> np.ndarray:  # w^2 z of the first WLS step (unit prior weights)
    return _mu_start(v) * np.log(v + 0.1) + v - _mu_start(v)


def _two_thirds(v: np.ndarray) -> np.ndarray:
    return v ** (2.0 / 3.0)


def fit_quasipoisson(
    counts: Counts | np.ndarray,
    design: GroupedDesign,
    prior: np.ndarray | None = None,
    maxit: int = GLM_MAXIT,
    epsilon: float = GLM_EPSILON,
) -> QuasiPoissonFit:
    """Fit ``y ~ groups (+ time)`` with quasi-Poisson family and log link for each row of ``y``.

    Between iterations the fitted means are ``exp(alpha_g) * exp(beta t_i)``, so the sums the
    normal equations need are per-group sums of ``prior * exp(beta t)`` (one matrix product);
    without trend they are constant. Rows where a mean may hit R's floor take the exact path.
    """
    if not isinstance(counts, Counts):
        counts = Counts(counts)
    y = counts.y
    n_fits = y.shape[0]
    G = design.n_groups
    trend = design.time is not None
    Q = design.moment_matrix()
    onehot = design.indicator()
    tc = design.time
    Q3 = np.hstack([onehot, onehot * tc[:, None], onehot * (tc**2)[:, None]]) if trend else None
    tmax_abs = float(np.abs(tc).max()) if trend else 0.0
    weighted_y = y if prior is None else prior * y
    py_group = weighted_y @ onehot
    py_time = weighted_y @ tc if trend else None
    py_total = py_group.sum(axis=1)
    pylogy = counts.ylogy.sum(axis=1) if prior is None else np.einsum("ij,ij->i", prior, counts.ylogy)
    prior_group = prior @ onehot if prior is not None else np.broadcast_to(onehot.sum(axis=0), (n_fits, G))

    # Iteration 1 starts from mu = y + 0.1, which is not of the grouped form: sums done directly.
    if prior is None:
        devold = counts.start_deviance
        moments = counts.mu_start @ Q
        wz = counts.start_wz
    else:
        devold = np.einsum("ij,ij->i", prior, counts.start_dev_terms)
        moments = (prior * counts.mu_start) @ Q
        wz = prior * counts.start_wz
    ra = wz @ onehot
    rt = wz @ tc if trend else None
    a, b, c = _split_moments(moments, G, trend)
    del wz

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
    act_y, act_prior, act_prior_group = y, prior, prior_group
    alive = np.ones(n_fits, dtype=bool)  # active rows not yet finished
    # finished rows may stay in the batch a few iterations (and diverged ones may overflow): harmless
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for iteration in range(1, maxit + 1):
            alpha, beta = _solve_arrowhead(a, b, c, ra, rt)
            if beta is None:
                beta = np.zeros(alpha.shape[0])
            exp_alpha = np.exp(alpha)
            if trend:
                e = np.multiply(beta[:, None], tc[None, :])
                np.exp(e, out=e)
                if act_prior is not None:
                    e *= act_prior
                sums = e @ Q3  # per group: sum prior*exp(beta t), ... * t, ... * t^2
                a = exp_alpha * sums[:, :G]
                b = exp_alpha * sums[:, G : 2 * G]
                c = (exp_alpha * sums[:, 2 * G :]).sum(axis=1)
            else:
                a = exp_alpha * act_prior_group
            pyg, pyt = py_group[rows], (py_time[rows] if trend else None)
            y_log_mu = (alpha * pyg).sum(axis=1) + (beta * pyt if trend else 0.0)
            floored = _possibly_floored(alpha, beta, design)
            if trend:  # exp(alpha) * exp(beta t) may overflow where exp(alpha + beta t) does not
                floored |= (np.abs(beta) * tmax_abs > 300.0) | (np.abs(alpha).max(axis=1) > 300.0)
            if floored.any():  # mu = max(exp(eta), eps) is not exp(eta) there: redo those rows exactly
                f = np.flatnonzero(floored)
                eta_f = design.linear_predictor(alpha[f], beta[f])
                mu_f = np.maximum(np.exp(eta_f), DOUBLE_EPS)
                pm_f = mu_f if act_prior is None else act_prior[f] * mu_f
                a_f, b_f, c_f = _split_moments(pm_f @ Q, G, trend)
                a = a.copy()
                a[f] = a_f
                if trend:
                    b[f], c[f] = b_f, c_f
                wy = act_y[f] if act_prior is None else act_prior[f] * act_y[f]
                y_log_mu[f] += (wy * (np.log(mu_f) - eta_f)).sum(axis=1)
            dev = 2.0 * (pylogy[rows] - y_log_mu - py_total[rows] + a.sum(axis=1))
            done = np.abs(dev - devold) / (np.abs(dev) + 0.1) < epsilon  # R's convergence test
            finite = np.isfinite(dev)
            stop = (done | ~finite | (iteration == maxit)) & alive  # maxit: R keeps the last iterate
            if stop.any():
                d = rows[stop]
                out_alpha[d], out_beta[d] = alpha[stop], beta[stop]
                out_prev_alpha[d], out_prev_beta[d] = prev_alpha[stop], prev_beta[stop]
                out_from_start[d] = from_start[stop]
                out_conv[d] = (done & finite)[stop]
                alive &= ~stop
            n_alive = int(alive.sum())
            if n_alive == 0:
                break
            # rhs of the next WLS step, from the grouped form of eta: sum w z = sum mu*eta + y - mu
            ra = alpha * a + beta[:, None] * b + pyg - a if trend else alpha * a + pyg - a
            rt = (alpha * b).sum(axis=1) + beta * c + pyt - b.sum(axis=1) if trend else None
            prev_alpha, prev_beta = alpha, beta
            from_start = np.zeros(alpha.shape[0], dtype=bool)
            devold = dev
            if n_alive < 0.75 * alive.shape[0]:  # drop finished fits (copying costs about one pass)
                keep = alive
                rows = rows[keep]
                a, ra = a[keep], ra[keep]
                if trend:
                    b, c, rt = b[keep], c[keep], rt[keep]
                prev_alpha, prev_beta, from_start = prev_alpha[keep], prev_beta[keep], from_start[keep]
                devold = devold[keep]
                act_y = act_y[keep]
                act_prior = None if act_prior is None else act_prior[keep]
                act_prior_group = act_prior_group[keep]
                alive = np.ones(rows.shape[0], dtype=bool)

    return _finish(
        design, counts, prior, out_conv, out_alpha, out_beta, out_prev_alpha, out_prev_beta, out_from_start
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


def _fitted_means(design: GroupedDesign, alpha: np.ndarray, beta: np.ndarray) -> np.ndarray:
    """max(exp(eta), eps) for every observation (one matrix product and one exp pass)."""
    coef = np.hstack([alpha, beta[:, None]]) if design.time is not None else alpha
    basis = (
        design.indicator().T
        if design.time is None
        else np.vstack([design.indicator().T, design.time[None, :]])
    )
    mu = coef @ basis
    np.exp(mu, out=mu)
    if _possibly_floored(alpha, beta, design).any():
        np.maximum(mu, DOUBLE_EPS, out=mu)
    return mu


def _finish(design, counts, prior, conv, alpha, beta, prev_alpha, prev_beta, from_start) -> QuasiPoissonFit:
    G = design.n_groups
    trend = design.time is not None
    mu = _fitted_means(design, alpha, beta)
    working = _fitted_means(design, prev_alpha, prev_beta)
    if from_start.any():
        working[from_start] = np.maximum(np.exp(counts.log_start[from_start]), DOUBLE_EPS)
    if prior is not None:
        working *= prior
    a, b, c = _split_moments(working @ design.moment_matrix(), G, trend)
    v_gg, v_gt, v_tt = _inverse_arrowhead(a, b, c)
    fit = QuasiPoissonFit(
        design=design,
        counts=counts,
        prior=prior,
        converged=conv,
        alpha=alpha,
        beta=beta,
        mu=mu,
        working_weights=working,
        v_gg=v_gg,
        v_gt=v_gt,
        v_tt=v_tt,
        dispersion=np.zeros(mu.shape[0]),
    )
    fit.dispersion = fit.pearson_dispersion(working)
    return fit


def anscombe_weights(fit: QuasiPoissonFit, phi: np.ndarray, threshold: float) -> np.ndarray:
    """Farrington's reweighting: down-weight observations with Anscombe residual > threshold.

    ``s = 1.5 (y^(2/3) mu^(-1/6) - mu^(1/2)) / sqrt(phi (1 - h))``; weights ``gamma s^-2`` where
    ``s > threshold`` and ``gamma`` elsewhere, with ``gamma`` making the weights sum to n.
    """
    mu = fit.mu
    with np.errstate(divide="ignore", invalid="ignore"):
        root = np.sqrt(mu)
        s = np.cbrt(root)  # mu^(1/6)
        np.divide(fit.counts.y_two_thirds, s, out=s)
        s -= root
        s *= 1.5
        denom = fit.hat_values()
        np.subtract(1.0, denom, out=denom)
        denom *= phi[:, None]
        np.sqrt(denom, out=denom)
        s /= denom
        high = s > threshold
        np.multiply(s, s, out=s)
        inv_s2 = np.where(high, 1.0 / s, 1.0)  # s^-2 (numpy's float power is very slow)
    gamma = mu.shape[1] / inv_s2.sum(axis=1)
    inv_s2 *= gamma[:, None]
    return inv_s2
