"""Specification of the endemic–epidemic model (R ``surveillance::hhh4``) and its weight helpers.

The model for counts ``Y[t, i]`` (weeks x units), following Held, Höhle & Hofmann (2005) and
Paul & Held (2011)::

    Y[t, i] | past ~ NegBin(mu[t, i], size)   (or Poisson)
    mu[t, i] = e[t, i] * nu[t, i]                       endemic
             + lambda[t, i] * Y[t-1, i]                 autoregressive (own past)
             + phi[t, i] * sum_j w[j, i] * Y[t-1, j]    neighbourhood (other units)

with ``log nu = alpha_end (+ unit or group intercepts) + beta * t + sum_s (g_s sin(2 pi s t / period)
+ d_s cos(2 pi s t / period))``, ``log lambda`` and ``log phi`` an intercept (common, per unit or per
group). ``t`` counts weeks from 0 as R's default ``t = epoch - min(epoch)``. ``W[j, i]`` is the weight
from unit ``j`` to unit ``i`` (R's orientation; the diagonal is ignored as in R it must be 0).

Parameters are ordered and named as R names them (``ar.1``, ``ne.1``, ``end.1``, ``end.t``,
``end.sin(2 * pi * t/52)``, …, ``-log(overdisp)``), so that estimates can be compared by name.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import shortest_path

from .data import InputError

FAMILIES = ("Poisson", "NegBin1")


@dataclass(frozen=True)
class Component:
    """One additive part of the mean: ``multiplier * exp(X @ beta)``.

    ``columns`` are the covariates, each broadcastable to (T, I); ``names`` their R-style names.
    """

    name: str
    names: tuple[str, ...]
    columns: tuple[np.ndarray, ...]
    multiplier: np.ndarray  # (T, I): offset, Y[t-1], or the weighted neighbour sum


@dataclass
class HHH4Model:
    """The data and design of one fit (built by :func:`build_model`)."""

    counts: np.ndarray  # (T, I) float, NaN = missing
    family: str
    components: list[Component]
    rows: np.ndarray  # time rows that enter the likelihood (R's ``subset``)
    unit_names: tuple[str, ...]
    weights: object = None  # (I, I) ndarray or sparse matrix, as used (after normalising)
    period: float = 52.0
    spec: dict = field(default_factory=dict)

    @property
    def param_names(self) -> list[str]:
        names = [n for c in self.components for n in c.names]
        if self.family == "NegBin1":
            names.append("-log(overdisp)")
        return names


def adjacency_order(adjacency: np.ndarray) -> np.ndarray:
    """Adjacency orders (R ``nbOrder(…, maxlag = Inf)``): the number of borders to cross from
    ``i`` to ``j`` (0 on the diagonal; unreachable pairs get 0 as R does)."""
    adj = np.asarray(adjacency) > 0
    dist = shortest_path(sparse.csr_matrix(adj.astype(float)), unweighted=True, directed=False)
    dist[~np.isfinite(dist)] = 0
    return dist.astype(np.int64)


def powerlaw_weights(
    order: np.ndarray, d: float, *, maxlag: int | None = None, normalize: bool = True
) -> np.ndarray:
    """Power-law weights of adjacency orders (Meyer & Held 2014; R ``zetaweights``):
    ``w[j, i] = order[j, i] ** -d`` for ``1 <= order <= maxlag``, else 0; rows normalised to sum 1
    when ``normalize`` (as R ``W_powerlaw(normalize = TRUE)`` with ``d`` fixed)."""
    order = np.asarray(order)
    if maxlag is None:
        maxlag = int(order.max())
    w = np.zeros(order.shape, dtype=float)
    inside = (order >= 1) & (order <= maxlag)
    w[inside] = order[inside].astype(float) ** (-float(d))
    return normalize_rows(w) if normalize else w


def normalize_rows(w):
    """Divide each row by its sum (R ``normalizeW``); rows summing to 0 stay 0."""
    if sparse.issparse(w):
        sums = np.asarray(w.sum(axis=1)).ravel()
        inv = np.divide(1.0, sums, out=np.zeros_like(sums), where=sums > 0)
        return sparse.diags(inv) @ w
    w = np.asarray(w, dtype=float)
    sums = w.sum(axis=1, keepdims=True)
    return np.divide(w, sums, out=np.zeros_like(w), where=sums > 0)


def season_names(seasons: int, period: float) -> list[str]:
    per = f"{period:g}"
    out = []
    for s in range(1, seasons + 1):
        out += [f"end.sin({2 * s} * pi * t/{per})", f"end.cos({2 * s} * pi * t/{per})"]
    return out


def _group_columns(prefix: str, groups, unit_names, n_units: int):
    """Intercept columns: one common (``groups`` None) or one per group label (``"unit"`` = per unit)."""
    if groups is None:
        return [f"{prefix}.1"], [np.ones((1, 1))]
    labels = list(unit_names) if isinstance(groups, str) and groups == "unit" else list(groups)
    if len(labels) != n_units:
        raise InputError(f"{prefix}: {len(labels)} group labels for {n_units} units")
    order = list(dict.fromkeys(labels))
    names = [f"{prefix}.1.{g}" for g in order]
    cols = [np.array([[lab == g for lab in labels]], dtype=float) for g in order]
    return names, cols


def _as_matrix(x, shape, what: str) -> np.ndarray:
    arr = np.asarray(x, dtype=float)
    if arr.ndim == 1:
        arr = arr[None, :]
    try:
        return np.broadcast_to(arr, shape).copy()
    except ValueError as exc:
        raise InputError(f"{what}: shape {arr.shape} does not fit counts {shape}") from exc


def neighbour_sum(lagged: np.ndarray, weights) -> np.ndarray:
    """``sum_j w[j, i] * lagged[t, j]`` for every t and i (lagged: (T, I))."""
    filled = np.nan_to_num(lagged)
    if sparse.issparse(weights):
        return np.asarray((weights.T @ filled.T).T)
    return filled @ np.asarray(weights)


def build_model(
    counts,
    *,
    weights=None,
    family: str = "NegBin1",
    trend: bool = True,
    seasons: int = 1,
    period: float = 52.0,
    end_groups=None,
    ar: bool = True,
    ar_groups=None,
    ne_groups=None,
    end_offset=None,
    normalize: bool = False,
    subset_start: int = 1,
    unit_names=None,
) -> HHH4Model:
    """Build the design of an hhh4 fit.

    ``end_groups``/``ar_groups``/``ne_groups``: ``None`` for one common intercept, ``"unit"`` for
    unit-specific intercepts (R ``fe(1, unitSpecific = TRUE)``), or one label per unit (e.g. the
    domain of each village x domain series) for one intercept per label. ``weights``: W[j, i]
    (dense or scipy.sparse), ``None`` for no neighbourhood component; ``normalize`` divides its rows
    by their sums as R ``neighbourhood(normalize = TRUE)``. ``end_offset``: population or exposure
    e[t, i] (a (T, I) array or one value per unit), as R ``end = list(offset = ...)``.
    """
    y = np.asarray(counts, dtype=float)
    if y.ndim != 2:
        raise InputError("counts must be a (weeks, units) matrix")
    n_t, n_i = y.shape
    if family not in FAMILIES:
        raise InputError(f"family must be one of {FAMILIES}")
    if np.nanmin(y) < 0 or np.any(np.nan_to_num(y) != np.round(np.nan_to_num(y))):
        raise InputError("counts must be non-negative integers")
    if not 1 <= subset_start < n_t:
        raise InputError("subset_start must leave at least one week after the first")
    unit_names = tuple(str(u) for u in (unit_names if unit_names is not None else range(1, n_i + 1)))
    lagged = np.vstack([np.full((1, n_i), np.nan), y[:-1]])
    components: list[Component] = []
    if ar:
        names, cols = _group_columns("ar", ar_groups, unit_names, n_i)
        components.append(Component("ar", tuple(names), tuple(cols), np.nan_to_num(lagged)))
    used_w = None
    if weights is not None:
        used_w = (
            sparse.csr_matrix(weights, dtype=float)
            if sparse.issparse(weights)
            else np.asarray(weights, dtype=float)
        )
        if used_w.shape != (n_i, n_i):
            raise InputError("weights must be units x units")
        if normalize:
            used_w = normalize_rows(used_w)
        names, cols = _group_columns("ne", ne_groups, unit_names, n_i)
        components.append(Component("ne", tuple(names), tuple(cols), neighbour_sum(lagged, used_w)))
    t = np.arange(n_t, dtype=float)[:, None]
    names, cols = _group_columns("end", end_groups, unit_names, n_i)
    if end_groups is None:
        end_names, end_cols = names, cols
        if trend:
            end_names, end_cols = end_names + ["end.t"], end_cols + [t]
    else:
        end_names, end_cols = (["end.t"], [t]) if trend else ([], [])
    season_cols = []
    for s in range(1, seasons + 1):
        season_cols += [np.sin(2 * s * np.pi * t / period), np.cos(2 * s * np.pi * t / period)]
    end_names = end_names + season_names(seasons, period)
    end_cols = end_cols + season_cols
    if end_groups is not None:
        end_names, end_cols = end_names + names, end_cols + cols
    offset = np.ones((n_t, n_i)) if end_offset is None else _as_matrix(end_offset, (n_t, n_i), "end_offset")
    components.append(Component("end", tuple(end_names), tuple(end_cols), offset))
    rows = np.arange(subset_start, n_t)
    spec = dict(
        family=family,
        trend=trend,
        seasons=seasons,
        period=period,
        normalize=normalize,
        end_groups=end_groups,
        ar=ar,
        ar_groups=ar_groups,
        ne_groups=ne_groups,
        has_offset=end_offset is not None,
        subset_start=subset_start,
    )
    return HHH4Model(y, family, components, rows, unit_names, used_w, period, spec)
