"""Compiled kernel (numba) for R's fitFun pipeline: quasi-Poisson fit, Anscombe reweighting, refit.

The numpy path in :mod:`.glm` runs thousands of fits together, but every step of it is a pass over
a (fits x observations) array that does not fit in cache, and a county's weekly run (4,500 series x
52 weeks) needs hundreds of such passes. Here fits sharing a design run in blocks of
:data:`LANES`: for each observation the block's fits sit side by side, so every step is one short
vector loop that stays in L1 cache and that the compiler turns into SIMD instructions. The
arithmetic is that of :mod:`.glm` (R's ``glm.fit`` iteration from ``mu = y + 0.1``, arrowhead
normal equations, R's convergence test, floors and ``maxit``), so results agree with the numpy
path to rounding and with R as ``tests/signals`` checks.

Two things differ in how numbers are formed, both at the level of a few units in the last place:

* ``exp(beta t_i)`` over a stretch of consecutive time values is ``exp(beta t_start) *
  exp(beta)^k`` (k < :data:`RESTART`), and fitted means are ``exp(alpha_g) * exp(beta t_i)``,
  except where R's floor at ``.Machine$double.eps`` may apply or exponents are large: there
  ``max(exp(eta), eps)`` is computed observation by observation.
* ``mu^(1/6)`` of the Anscombe residuals comes from the same products with ``alpha/6, beta/6``.

numba is optional: without it (or with ``ANJU_SIGNALS_KERNEL=numpy``) :mod:`.engine` uses the numpy
path. Compiled code is cached on disk (numba's ``cache=True``); a process that finds no cache pays
the compilation once, about 10-20 seconds.
"""

from __future__ import annotations

import math

import numpy as np

try:  # optional accelerator
    import numba
except ImportError:  # pragma: no cover - exercised where numba is not installed
    numba = None

DOUBLE_EPS = float(np.finfo(np.float64).eps)
LOG_DOUBLE_EPS = math.log(DOUBLE_EPS)
LANES = 64  # fits per block: long enough for the compiler to vectorise, small enough for L2 (A/B-timed)
RESTART = 64  # longest run of exp(beta)^k products before a fresh exp (drift below ~1e-14)
EXP_SAFE = 300.0  # beyond this, exp(alpha) * exp(beta t) may overflow where exp(eta) does not


def layout(groups: np.ndarray, n_groups: int, time: np.ndarray | None) -> tuple[np.ndarray, ...]:
    """The arrays the kernel needs for one design: (groups, tc, run_of, step_of, run_time, tmin, tmax).

    tc is the centred time (zeros without trend). Time is cut into runs of steps of exactly 1, at
    most RESTART long: exp(beta t_i) = exp(beta run_time[run_of[i]]) * exp(beta)^step_of[i], a few
    exp calls per iteration instead of one per observation. tmin/tmax: each group's time range.
    """
    n = groups.shape[0]
    groups = np.ascontiguousarray(groups, dtype=np.int64)
    tc = np.zeros(n) if time is None else np.ascontiguousarray(time, dtype=np.float64)
    breaks = np.flatnonzero(np.diff(tc) != 1.0) + 1 if time is not None else np.zeros(0, dtype=np.int64)
    run_starts = []
    for lo, hi in zip(np.r_[0, breaks].tolist(), np.r_[breaks, n].tolist(), strict=True):
        run_starts.extend(range(lo, hi, RESTART))
    run_starts = np.asarray(run_starts, dtype=np.int64)
    run_of = (np.searchsorted(run_starts, np.arange(n), side="right") - 1).astype(np.int64)
    step_of = (np.arange(n) - run_starts[run_of]).astype(np.int64)
    tmin = np.full(n_groups, np.inf)
    tmax = np.full(n_groups, -np.inf)
    np.minimum.at(tmin, groups, tc)
    np.maximum.at(tmax, groups, tc)
    return groups, tc, run_of, step_of, tc[run_starts].copy(), tmin, tmax


if numba is not None:
    _njit = numba.njit(cache=True, error_model="numpy", nogil=True)
else:  # pragma: no cover - plain Python; never called, engine uses the numpy path then

    def _njit(func):
        return func


@_njit
def _lane_floored(alpha, beta, lane, design, trend, tmax_abs):
    """True when some mean of this lane may hit R's floor (or exponents are large)."""
    tmin, tmax = design[5], design[6]
    low = np.inf
    big = 0.0
    for g in range(alpha.shape[0]):
        v = alpha[g, lane]
        if trend:
            v += min(beta * tmin[g], beta * tmax[g])
        low = min(low, v)
        big = max(big, abs(alpha[g, lane]))
    if low < LOG_DOUBLE_EPS + 1e-9:
        return True
    return trend and (abs(beta) * tmax_abs > EXP_SAFE or big > EXP_SAFE)


# exp() that vectorises: libm's exp is a call the compiler cannot turn into SIMD, and the exp
# factors are a sizeable part of every iteration. exp(x) = 2^k exp(r), |r| <= ln2/2, exp(r) by a
# degree-13 Taylor polynomial (truncation below 1e-17), 2^k from a table; within 2 ulp of libm for
# the |x| <= ~700 used here. NaN propagates through r; out-of-range k is clamped to keep the table
# lookup in bounds (such lanes take the exact path anyway).
_LOG2E = 1.4426950408889634
_LN2_HI = 6.93147180369123816490e-01
_LN2_LO = 1.90821492927058770002e-10
_POW2 = np.ldexp(1.0, np.arange(-1022, 1024))
_TAYLOR = tuple(1.0 / math.factorial(k) for k in range(14))


if numba is not None:
    _njit_inline = numba.njit(cache=True, error_model="numpy", nogil=True, inline="always")
else:  # pragma: no cover
    _njit_inline = _njit


@_njit_inline
def _vexp(x):
    k = math.floor(x * _LOG2E + 0.5)
    r = (x - k * _LN2_HI) - k * _LN2_LO
    p = _TAYLOR[13]
    p = p * r + _TAYLOR[12]
    p = p * r + _TAYLOR[11]
    p = p * r + _TAYLOR[10]
    p = p * r + _TAYLOR[9]
    p = p * r + _TAYLOR[8]
    p = p * r + _TAYLOR[7]
    p = p * r + _TAYLOR[6]
    p = p * r + _TAYLOR[5]
    p = p * r + _TAYLOR[4]
    p = p * r + _TAYLOR[3]
    p = p * r + _TAYLOR[2]
    p = p * r + 1.0
    p = p * r + 1.0
    kk = k if k > -1022.0 else -1022.0
    kk = kk if kk < 1023.0 else 1023.0
    return p * _POW2[int(kk) + 1022]


@_njit
def _exp_setup(alpha, beta, scale, design, trend, ealpha, erun, powers):
    """exp(scale alpha), exp(scale beta run_time) and exp(scale beta)^k for every lane."""
    G, B = alpha.shape
    for g in range(G):
        for lane in range(B):
            ealpha[g, lane] = _vexp(scale * alpha[g, lane])
    if not trend:
        return
    run_time = design[4]
    for r in range(run_time.shape[0]):
        for lane in range(B):
            erun[r, lane] = _vexp(scale * beta[lane] * run_time[r])
    for lane in range(B):
        powers[0, lane] = 1.0
        powers[1, lane] = _vexp(scale * beta[lane])
    for k in range(2, powers.shape[0]):
        for lane in range(B):
            powers[k, lane] = powers[k - 1, lane] * powers[1, lane]


@_njit
def _exact_lane(out, alpha, beta, lane, design, trend):
    """out[i, lane] = max(exp(alpha_g + beta t_i), eps), one exp per observation."""
    groups, tc = design[0], design[1]
    for i in range(out.shape[0]):
        eta = alpha[groups[i], lane] + beta * tc[i] if trend else alpha[groups[i], lane]
        out[i, lane] = max(math.exp(eta), DOUBLE_EPS)


@_njit
def _power_means(out, alpha, beta, scale, design, trend):
    """out[i, lane] = exp(scale (alpha_g + beta t_i)) from exp products (no floor)."""
    groups, run_of, step_of, run_time = design[0], design[2], design[3], design[4]
    n, B = out.shape
    ealpha = np.empty(alpha.shape)
    erun = np.empty((run_time.shape[0], B))
    powers = np.empty((RESTART, B))
    _exp_setup(alpha, beta, scale, design, trend, ealpha, erun, powers)
    for i in range(n):
        g = groups[i]
        r = run_of[i]
        k = step_of[i]
        for lane in range(B):
            out[i, lane] = ealpha[g, lane] * erun[r, lane] * powers[k, lane] if trend else ealpha[g, lane]


@_njit
def _means_block(out, alpha, beta, design, trend, tmax_abs):
    """out[i, lane] = max(exp(alpha_g + beta t_i), eps): exp products, or exactly where floored."""
    _power_means(out, alpha, beta, 1.0, design, trend)
    for lane in range(out.shape[1]):
        if _lane_floored(alpha, beta[lane], lane, design, trend, tmax_abs):
            _exact_lane(out, alpha, beta[lane], lane, design, trend)


@_njit_inline
def _weighted_sums(P, X, groups, tc, by_group, by_time):
    """by_group[g] += sum of P X over group g; by_time += sum of P X t (per lane)."""
    for i in range(X.shape[0]):
        g = groups[i]
        t = tc[i]
        for lane in range(X.shape[1]):
            px = P[i, lane] * X[i, lane]
            by_group[g, lane] += px
            by_time[lane] += px * t


@_njit
def _irls_block(Y, MUS, WZ, YL, SD, P, design, trend, tmax_abs, maxit, epsilon):
    """R's glm.fit (quasi-Poisson, log link) for the LANES fits of a block.

    Every lane iterates until all have stopped; a lane's state is saved when it stops (converged,
    deviance not finite, or maxit). Returns the saved (alpha, beta, prev_alpha, prev_beta,
    from_start, converged): prev_* is the iterate whose working weights the last least-squares
    step used (R's ``weights``), from_start when that was the starting mu = y + 0.1.
    """
    groups, tc, run_of, step_of, run_time = design[0], design[1], design[2], design[3], design[4]
    n, B = Y.shape
    G = design[5].shape[0]
    a = np.zeros((G, B))
    b = np.zeros((G, B))
    ra = np.zeros((G, B))
    pyg = np.zeros((G, B))
    pgroup = np.zeros((G, B))
    c = np.zeros(B)
    rt = np.zeros(B)
    pyt = np.zeros(B)
    pylogy = np.zeros(B)
    devold = np.zeros(B)
    # iteration 1 starts from mu = y + 0.1, which is not of the grouped form. Without trend tc is 0
    # and the time sums stay 0. Short loops over few arrays let the compiler vectorise them.
    for i in range(n):
        g = groups[i]
        t = tc[i]
        for lane in range(B):
            pm = P[i, lane] * MUS[i, lane]
            a[g, lane] += pm
            b[g, lane] += pm * t
            c[lane] += pm * t * t
    _weighted_sums(P, WZ, groups, tc, ra, rt)  # the first step's right-hand side
    _weighted_sums(P, Y, groups, tc, pyg, pyt)  # sufficient statistics of y
    for i in range(n):
        g = groups[i]
        for lane in range(B):
            pgroup[g, lane] += P[i, lane]
            pylogy[lane] += P[i, lane] * YL[i, lane]
            devold[lane] += P[i, lane] * SD[i, lane]
    py_total = np.zeros(B)
    for g in range(G):
        for lane in range(B):
            py_total[lane] += pyg[g, lane]
    alpha = np.zeros((G, B))
    beta = np.zeros(B)
    prev_alpha = np.zeros((G, B))
    prev_beta = np.zeros(B)
    EA = np.empty((G, B))
    valid = np.zeros(B, dtype=np.bool_)
    erun = np.empty((run_time.shape[0], B))
    powers = np.empty((RESTART, B))
    s0 = np.empty((G, B))
    s1 = np.empty((G, B))
    s2 = np.empty((G, B))
    sbb = np.empty(B)
    sbr = np.empty(B)
    ylm = np.empty(B)
    dev = np.empty(B)
    active = np.ones(B, dtype=np.bool_)
    f_alpha = np.zeros((G, B))
    f_beta = np.zeros(B)
    f_prev_alpha = np.zeros((G, B))
    f_prev_beta = np.zeros(B)
    f_from_start = np.ones(B, dtype=np.bool_)
    f_conv = np.zeros(B, dtype=np.bool_)
    from_start = True
    for iteration in range(1, maxit + 1):
        if trend:  # arrowhead solve, lane by lane in vector form
            for lane in range(B):
                sbb[lane] = 0.0
                sbr[lane] = 0.0
            for g in range(G):
                for lane in range(B):
                    sbb[lane] += b[g, lane] * b[g, lane] / a[g, lane]
                    sbr[lane] += b[g, lane] * ra[g, lane] / a[g, lane]
            for lane in range(B):
                beta[lane] = (rt[lane] - sbr[lane]) / (c[lane] - sbb[lane])
            for g in range(G):
                for lane in range(B):
                    alpha[g, lane] = (ra[g, lane] - b[g, lane] * beta[lane]) / a[g, lane]
        else:
            for g in range(G):
                for lane in range(B):
                    alpha[g, lane] = ra[g, lane] / a[g, lane]
        any_floored = False
        for lane in range(B):
            valid[lane] = not _lane_floored(alpha, beta[lane], lane, design, trend, tmax_abs)
            any_floored = any_floored or not valid[lane]
        EAc = EA
        _exp_setup(alpha, beta, 1.0, design, trend, EAc, erun, powers)
        if trend:  # mu = exp(alpha_g) exp(beta t): per-group sums of exp(beta t) (x prior)
            s0[:] = 0.0
            s1[:] = 0.0
            s2[:] = 0.0
            for i in range(n):
                g = groups[i]
                t = tc[i]
                r = run_of[i]
                k = step_of[i]
                for lane in range(B):
                    e = erun[r, lane] * powers[k, lane]
                    pm = e * P[i, lane]
                    pmt = pm * t
                    s0[g, lane] += pm
                    s1[g, lane] += pmt
                    s2[g, lane] += pmt * t
            for lane in range(B):
                c[lane] = 0.0
            for g in range(G):
                for lane in range(B):
                    ea = EAc[g, lane]
                    a[g, lane] = ea * s0[g, lane]
                    b[g, lane] = ea * s1[g, lane]
                    c[lane] += ea * s2[g, lane]
        else:
            for g in range(G):
                for lane in range(B):
                    a[g, lane] = EAc[g, lane] * pgroup[g, lane]
        for lane in range(B):  # log mu = eta: y log mu from the sufficient statistics
            ylm[lane] = 0.0
        for g in range(G):
            for lane in range(B):
                ylm[lane] += alpha[g, lane] * pyg[g, lane]
        for lane in range(B):
            ylm[lane] += beta[lane] * pyt[lane]
        if any_floored:  # those lanes: mu = max(exp(eta), eps) observation by observation
            for lane in range(B):
                if valid[lane]:
                    continue
                for g in range(G):
                    a[g, lane] = 0.0
                    b[g, lane] = 0.0
                c[lane] = 0.0
                ylm[lane] = 0.0
                for i in range(n):
                    g = groups[i]
                    eta = alpha[g, lane] + beta[lane] * tc[i] if trend else alpha[g, lane]
                    mu = max(math.exp(eta), DOUBLE_EPS)
                    p = P[i, lane]
                    pm = p * mu
                    a[g, lane] += pm
                    ylm[lane] += p * Y[i, lane] * math.log(mu)
                    if trend:
                        b[g, lane] += pm * tc[i]
                        c[lane] += pm * tc[i] * tc[i]
        all_stopped = True
        for lane in range(B):
            sum_a = 0.0
            for g in range(G):
                sum_a += a[g, lane]
            dev[lane] = 2.0 * (pylogy[lane] - ylm[lane] - py_total[lane] + sum_a)
            if not active[lane]:
                continue
            done = abs(dev[lane] - devold[lane]) / (abs(dev[lane]) + 0.1) < epsilon  # R's test
            finite = math.isfinite(dev[lane])
            if done or not finite or iteration == maxit:  # at maxit R keeps the last iterate
                active[lane] = False
                f_conv[lane] = done and finite
                f_from_start[lane] = from_start
                f_beta[lane] = beta[lane]
                f_prev_beta[lane] = prev_beta[lane]
                for g in range(G):
                    f_alpha[g, lane] = alpha[g, lane]
                    f_prev_alpha[g, lane] = prev_alpha[g, lane]
            else:
                all_stopped = False
        if all_stopped:
            break
        # right-hand side of the next step from the grouped form: sum w z = sum mu eta + y - mu
        for lane in range(B):
            rt[lane] = beta[lane] * c[lane] + pyt[lane]
        for g in range(G):
            for lane in range(B):
                ra[g, lane] = (
                    alpha[g, lane] * a[g, lane] + beta[lane] * b[g, lane] + pyg[g, lane] - a[g, lane]
                )
                rt[lane] += alpha[g, lane] * b[g, lane] - b[g, lane]
                prev_alpha[g, lane] = alpha[g, lane]
        for lane in range(B):
            prev_beta[lane] = beta[lane]
            devold[lane] = dev[lane]
        from_start = False
    return f_alpha, f_beta, f_prev_alpha, f_prev_beta, f_from_start, f_conv


@_njit
def _finish_block(Y, MUS, P, weighted, design, trend, tmax_abs, fit, mu, working):
    """Fitted means, R's working weights, (X'WX)^-1 (arrowhead) and the Pearson dispersion per lane.

    Returns (mu, working, v_gg, v_gt, v_tt, dispersion).
    """
    alpha, beta, prev_alpha, prev_beta, from_start = fit[0], fit[1], fit[2], fit[3], fit[4]
    n, B = Y.shape
    G = alpha.shape[0]
    _means_block(mu, alpha, beta, design, trend, tmax_abs)
    _means_block(working, prev_alpha, prev_beta, design, trend, tmax_abs)
    for i in range(n):
        for lane in range(B):
            working[i, lane] = MUS[i, lane] if from_start[lane] else working[i, lane]
    groups, tc = design[0], design[1]
    a = np.zeros((G, B))
    b = np.zeros((G, B))
    c = np.zeros(B)
    disp = np.zeros(B)
    for i in range(n):
        g = groups[i]
        t = tc[i]
        for lane in range(B):
            if weighted:
                working[i, lane] *= P[i, lane]
            wi = working[i, lane]
            a[g, lane] += wi
            if trend:
                wt = wi * t
                b[g, lane] += wt
                c[lane] += wt * t
            r = Y[i, lane] / mu[i, lane] - 1.0
            disp[lane] += wi * r * r
    df = n - (G + 1 if trend else G)
    v_tt = np.zeros(B)
    for lane in range(B):
        disp[lane] /= df
    if not trend:
        for g in range(G):
            for lane in range(B):
                a[g, lane] = 1.0 / a[g, lane]
                b[g, lane] = 0.0
        return mu, working, a, b, v_tt, disp
    schur = c.copy()
    for g in range(G):
        for lane in range(B):
            schur[lane] -= b[g, lane] * b[g, lane] / a[g, lane]
    for g in range(G):  # in place: v_gg and v_gt from (a, b)
        for lane in range(B):
            v_gg = 1.0 / a[g, lane] + b[g, lane] * b[g, lane] / (a[g, lane] * a[g, lane] * schur[lane])
            b[g, lane] = -b[g, lane] / (a[g, lane] * schur[lane])
            a[g, lane] = v_gg
    for lane in range(B):
        v_tt[lane] = 1.0 / schur[lane]
    return mu, working, a, b, v_tt, disp


@_njit
def _anscombe_block(
    Y23, mu, working, v_gg, v_gt, v_tt, phi, threshold, fit, design, trend, tmax_abs, sixth, omega
):
    """Farrington's reweighting: gamma s^-2 where the Anscombe residual s > threshold, gamma else.

    ``s = 1.5 (y^(2/3) mu^(-1/6) - mu^(1/2)) / sqrt(phi (1 - h))``, h the hat value (set to 1 near 1),
    gamma making the weights sum to n. mu^(-1/6) = exp(-alpha_g / 6) exp(-beta t / 6), or
    1 / cbrt(sqrt(mu)) in lanes whose means may be floored.
    """
    alpha, beta = fit[0], fit[1]
    groups, tc = design[0], design[1]
    n, B = mu.shape
    _power_means(sixth, alpha, beta, -1.0 / 6.0, design, trend)  # mu^(-1/6): no division later
    for lane in range(B):
        if _lane_floored(alpha, beta[lane], lane, design, trend, tmax_abs):
            for i in range(n):
                sixth[i, lane] = 1.0 / np.cbrt(math.sqrt(mu[i, lane]))
    total = np.zeros(B)
    for i in range(n):
        g = groups[i]
        t = tc[i]
        for lane in range(B):
            quad = v_gg[g, lane] + 2.0 * v_gt[g, lane] * t + v_tt[lane] * t * t
            h = working[i, lane] * quad
            h = 1.0 if h > 1.0 - 10.0 * DOUBLE_EPS else h
            s = 1.5 * (Y23[i, lane] * sixth[i, lane] - math.sqrt(mu[i, lane]))
            s2 = s * s / ((1.0 - h) * phi[lane])  # s^2 of the standardised residual
            # s > threshold  <=>  s2 > threshold^2 with s >= 0 (threshold is positive)
            v = 1.0 / s2 if (s > 0.0 and s2 > threshold * threshold) else 1.0
            omega[i, lane] = v
            total[lane] += v
    for i in range(n):
        for lane in range(B):
            omega[i, lane] *= n / total[lane]
    return omega


@_njit
def fit_reweight_batch(panel, series, times, rel, tables, design, trend, g0, t0, reweight, threshold,
                       overwrite, maxit, epsilon, out_first_conv, out_eta0, out_quad0, out_phi,
                       out_inference, out_beta, out_v_tt, out_row_max):  # fmt: skip
    """R's fitFun (fit, Anscombe reweighting, refit) for every fit, LANES fits at a time.

    Fit k reads its counts from ``panel[series[k], times[k] + rel]`` (integers), which index
    ``tables`` (``Counts.value_tables``: ylogy, mu_start, start deviance terms, start w z, y^(2/3)).
    Outputs per fit: first fit converged, linear predictor and x0'(X'WX)^-1 x0 at the evaluated
    period, phi = max(dispersion, 1), the dispersion used for inference, beta, v_tt and the largest
    count.
    """
    t_ylogy, t_mu_start, t_start_dev, t_start_wz, t_y23 = tables
    tc = design[1]
    G = design[5].shape[0]
    K = series.shape[0]
    n = rel.shape[0]
    B = LANES
    tmax_abs = 0.0
    if trend:
        for i in range(n):
            tmax_abs = max(tmax_abs, abs(tc[i]))
    df = n - (G + 1 if trend else G)
    Y = np.empty((n, B))
    YL = np.empty((n, B))
    MUS = np.empty((n, B))
    SD = np.empty((n, B))
    WZ = np.empty((n, B))
    Y23 = np.empty((n, B))
    unit = np.ones((n, B))
    # work arrays, allocated once per call
    MU = np.empty((n, B))
    WORKING = np.empty((n, B))
    SIXTH = np.empty((n, B))
    OMEGA = np.empty((n, B))
    phi = np.empty(B)
    for k0 in range(0, K, B):
        for lane in range(B):  # a short last block repeats its last fit
            k = min(k0 + lane, K - 1)
            row = panel[series[k]]
            start = times[k]
            top = 0
            for i in range(n):
                v = row[start + rel[i]]
                top = max(top, v)
                Y[i, lane] = v
                YL[i, lane] = t_ylogy[v]
                MUS[i, lane] = t_mu_start[v]
                SD[i, lane] = t_start_dev[v]
                WZ[i, lane] = t_start_wz[v]
                Y23[i, lane] = t_y23[v]
            if k0 + lane < K:
                out_row_max[k0 + lane] = top
        fit = _irls_block(Y, MUS, WZ, YL, SD, unit, design, trend, tmax_abs, maxit, epsilon)
        first_conv = fit[5].copy()
        mu, working, v_gg, v_gt, v_tt, disp = _finish_block(
            Y, MUS, unit, False, design, trend, tmax_abs, fit, MU, WORKING
        )
        inference = disp.copy()
        for lane in range(B):
            phi[lane] = max(disp[lane], 1.0)
        if reweight:
            omega = _anscombe_block(
                Y23, mu, working, v_gg, v_gt, v_tt, phi, threshold, fit, design, trend, tmax_abs, SIXTH, OMEGA
            )
            fit = _irls_block(Y, MUS, WZ, YL, SD, omega, design, trend, tmax_abs, maxit, epsilon)
            mu, working, v_gg, v_gt, v_tt, disp = _finish_block(
                Y, MUS, omega, True, design, trend, tmax_abs, fit, MU, WORKING
            )
            for lane in range(B):
                phi[lane] = max(disp[lane], 1.0)
                inference[lane] = disp[lane]
                if overwrite:  # fitGLM.flexible sets model$weights to the prior weights
                    total = 0.0
                    for i in range(n):
                        r = Y[i, lane] / mu[i, lane] - 1.0
                        total += omega[i, lane] * r * r
                    inference[lane] = total / df
        alpha, beta = fit[0], fit[1]
        for lane in range(min(B, K - k0)):
            k = k0 + lane
            eta0 = alpha[g0, lane]
            quad0 = v_gg[g0, lane]
            if trend:
                eta0 += beta[lane] * t0
                quad0 += t0 * (2.0 * v_gt[g0, lane] + t0 * v_tt[lane])
            out_first_conv[k] = first_conv[lane]
            out_eta0[k] = eta0
            out_quad0[k] = quad0
            out_phi[k] = phi[lane]
            out_inference[k] = inference[lane]
            out_beta[k] = beta[lane]
            out_v_tt[k] = v_tt[lane]


@_njit
def nbinom_quantile_by_summation(target, size, prob, limit, out):
    """Smallest y with P(Y <= y) >= target for NB(size, prob), summing the mass function upwards.

    For thresholds of weekly counts the answer is small, and a short sum costs far less than the
    regularised incomplete beta function that R's ``qnbinom`` search evaluates. NaN where the sum
    is not safe (P(Y = 0) below 1e-300, or no answer up to ``limit``): those go to the search.
    """
    for j in range(size.shape[0]):
        s = size[j]
        log_p0 = s * math.log(prob[j])
        if not (log_p0 > -690.0):  # also NaN
            out[j] = np.nan
            continue
        pmf = math.exp(log_p0)
        cdf = pmf
        q = 1.0 - prob[j]
        k = 0
        while cdf < target and k <= limit:
            k += 1
            pmf *= (k - 1 + s) / k * q
            cdf += pmf
        out[j] = k if cdf >= target else np.nan
