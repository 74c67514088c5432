"""Vectorised discrete quantiles with R's definition (smallest y with P(Y <= y) >= p)."""

from __future__ import annotations

import numpy as np
from scipy import special

from . import accel

# R fuzzes p down a little before searching, to ensure left continuity of the quantile function.
_QUANTILE_FUZZ = 1.0 - 64.0 * np.finfo(np.float64).eps
SUMMATION_LIMIT = 2000  # quantiles up to this are found by summing the mass function


def nbinom_cdf(y: np.ndarray, size: np.ndarray, prob: np.ndarray) -> np.ndarray:
    """R's ``pnbinom(y, size, prob)`` = I_prob(size, y + 1); 0 for y < 0."""
    y = np.asarray(y, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        out = special.betainc(size, np.maximum(y, 0.0) + 1.0, prob)
    return np.where(y < 0, 0.0, out)


def poisson_cdf(y: np.ndarray, mu: np.ndarray) -> np.ndarray:
    """R's ``ppois(y, mu)`` = Q(y + 1, mu); 0 for y < 0."""
    y = np.asarray(y, dtype=np.float64)
    out = special.gammaincc(np.maximum(y, 0.0) + 1.0, mu)
    return np.where(y < 0, 0.0, out)


def _search(p, cdf, guess):
    """Smallest integer y >= 0 with cdf(y) >= p, by bracketing from a close guess and bisecting.

    ``cdf(y, idx)`` evaluates the CDF for the elements ``idx`` only. The bracket grows in doubling
    steps from the guess (usually within one or two of the answer), so far-off guesses cost a few
    dozen evaluations at most, never a walk of one unit at a time.
    """
    target = p * _QUANTILE_FUZZ
    y0 = np.maximum(np.where(np.isfinite(guess), guess, 0.0), 0.0)
    n = y0.shape[0]
    everything = np.arange(n)
    reached = cdf(y0, everything) >= target
    hi = np.where(reached, y0, np.inf)  # smallest y known to reach the target
    lo = np.where(reached, -np.inf, y0)  # largest y known not to reach it (-1: cdf(-1) = 0)
    lo[reached & (y0 == 0)] = -1.0
    step = np.ones(n)
    todo = np.flatnonzero(np.isinf(hi) | np.isinf(lo))
    while todo.size:  # grow the bracket
        need_hi = np.isinf(hi[todo])
        probe = np.where(need_hi, lo[todo] + step[todo], np.maximum(hi[todo] - step[todo], -1.0))
        ok = np.ones(todo.size, dtype=bool)
        inside = probe >= 0
        ok[inside] = cdf(probe[inside], todo[inside]) >= target
        ok[~inside] = False  # cdf(-1) = 0
        hi[todo] = np.where(ok, probe, hi[todo])
        lo[todo] = np.where(ok, lo[todo], probe)
        step[todo] *= 2.0
        todo = todo[(np.isinf(hi[todo]) | np.isinf(lo[todo])) & np.isfinite(probe)]
    todo = np.flatnonzero(hi - lo > 1)
    while todo.size:  # bisect the integer bracket
        mid = np.floor((lo[todo] + hi[todo]) / 2.0)
        # beyond 2^53 consecutive integers are not representable: stop when the midpoint cannot
        # move (R's search also stops at a relative tolerance there)
        moving = (mid > lo[todo]) & (mid < hi[todo])
        todo, mid = todo[moving], mid[moving]
        ok = cdf(mid, todo) >= target
        hi[todo] = np.where(ok, mid, hi[todo])
        lo[todo] = np.where(ok, lo[todo], mid)
        todo = todo[hi[todo] - lo[todo] > 1]
    return hi


def nbinom_quantile(p: float, size: np.ndarray, prob: np.ndarray) -> np.ndarray:
    """R's ``qnbinom(p, size, prob)`` for arrays of size/prob (NaN where undefined)."""
    size = np.asarray(size, dtype=np.float64)
    prob = np.broadcast_to(np.asarray(prob, dtype=np.float64), size.shape)
    out = np.full(size.shape, np.nan)
    ok = np.isfinite(size) & (size >= 0) & (prob > 0) & (prob <= 1)
    zero = ok & ((size == 0) | (prob == 1))
    out[zero] = 0.0
    run = ok & ~zero
    if run.any():
        s, pr = size[run], prob[run]
        q = 1.0 / pr
        pp = (1.0 - pr) * q
        mean, sigma = s * pp, np.sqrt(s * pp * q)
        gamma = (q + pp) / sigma
        z = special.ndtri(p)
        guess = np.round(mean + sigma * (z + gamma * (z * z - 1.0) / 6.0))
        found = np.full(s.shape, np.nan)
        compiled = accel.kernel()
        if compiled is not None:  # small quantiles: sum the mass function (compiled)
            compiled.nbinom_quantile_by_summation(p * _QUANTILE_FUZZ, s, pr, SUMMATION_LIMIT, found)
        rest = np.isnan(found)
        if rest.any():
            s_rest, pr_rest = s[rest], pr[rest]
            found[rest] = _search(p, lambda y, i: nbinom_cdf(y, s_rest[i], pr_rest[i]), guess[rest])
        out[run] = found
    return out


def poisson_quantile(p: float, mu: np.ndarray) -> np.ndarray:
    """R's ``qpois(p, mu)`` for an array of means (NaN where undefined)."""
    mu = np.asarray(mu, dtype=np.float64)
    out = np.full(mu.shape, np.nan)
    ok = np.isfinite(mu) & (mu >= 0)
    out[ok & (mu == 0)] = 0.0
    run = ok & (mu > 0)
    if run.any():
        m = mu[run]
        sigma = np.sqrt(m)
        z = special.ndtri(p)
        guess = np.round(m + sigma * (z + (z * z - 1.0) / (6.0 * sigma)))
        out[run] = _search(p, lambda y, i: poisson_cdf(y, m[i]), guess)
    return out


def nbinom_sf_at_least(y: np.ndarray, size: np.ndarray, prob: np.ndarray) -> np.ndarray:
    """P(Y >= y), R's ``pnbinom(y - 1, size, prob, lower.tail = FALSE)``."""
    with np.errstate(invalid="ignore"):
        out = special.betainc(np.maximum(y, 1.0), size, 1.0 - prob)
    return np.where(y <= 0, 1.0, out)


def poisson_sf_at_least(y: np.ndarray, mu: np.ndarray) -> np.ndarray:
    """P(Y >= y), R's ``ppois(y - 1, mu, lower.tail = FALSE)``."""
    return np.where(y <= 0, 1.0, special.gammainc(np.maximum(y, 1.0), mu))
