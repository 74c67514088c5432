"""风险传导: fit the endemic–epidemic model (``anju.signals.hhh4``) to a county's village × domain weekly counts
and summarise it for the county and each town (docs/transmission.md). Writes nothing: the action
``warning.actions.transmission`` stores what this returns.

Series are village × domain, counted by ``warning/counting.py``. Neighbours: villages whose boundaries share an
edge (from their GeoJSON), weighted by a power law of the adjacency order; villages without a boundary count
every village of their town as a first-order neighbour. Domains of one village are coupled to each other
with equal weights. The two couplings are mixed, ``W = ω kron(A, I) + (1 − ω) kron(I, D)``, rows normalised,
and ω is chosen by profile likelihood over a small grid. The model: NegBin1; endemic ``~ 1 + t`` plus one
seasonal pair, one intercept per domain and the village's share of all matters as offset; own past and
neighbours with one rate per domain (domains with few matters share one).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from anju.core.models import Area
from anju.signals.data import InputError
from anju.signals.hhh4 import adjacency_order, hhh4, normalize_rows, powerlaw_weights
from anju.signals.hhh4_scenario import Projection, projection
from anju.warning.counting import monday_of, weekly_counts

FIT_WEEKS = 156  # three years
MIN_WEEKS = 12
SUMMARY_WEEKS = 52  # what the page reads: the last year
HORIZON = 12  # weeks a scenario may look ahead
MIXTURES = (0.0, 0.25, 0.5, 0.75, 1.0)
POWER_D, MAX_ORDER = 2.0, 3
POOL_BELOW = 30  # a domain with fewer matters in the window shares its epidemic rates with the others
POOLED = "_pooled"
TOP_COUPLINGS = 10
Z95 = 1.959964


class TransmissionInputError(ValueError):
    """The data cannot carry the model (too few weeks or series); the message is for the user."""


# ---- neighbourhood ---------------------------------------------------------------------------------


def _rings(boundary) -> list[np.ndarray]:
    if not boundary:
        return []
    geometry = boundary.get("geometry", boundary)
    kind, coords = geometry.get("type"), geometry.get("coordinates") or []
    polygons = [coords] if kind == "Polygon" else coords if kind == "MultiPolygon" else []
    return [np.asarray(poly[0], dtype=float) for poly in polygons if poly and len(poly[0]) >= 3]


def _touch_points(ring_a: np.ndarray, ring_b: np.ndarray, tol: float) -> int:
    """How many distinct vertices of ``ring_a`` lie within ``tol`` of an edge of ``ring_b``."""
    if np.allclose(ring_a[0], ring_a[-1]):
        ring_a = ring_a[:-1]  # the closing point repeats the first
    start, end = ring_b[:-1], ring_b[1:]
    seg = end - start
    length2 = np.maximum((seg**2).sum(axis=1), 1e-30)
    rel = ring_a[:, None, :] - start[None, :, :]
    t = np.clip((rel * seg[None]).sum(axis=2) / length2[None], 0.0, 1.0)
    nearest = start[None] + t[..., None] * seg[None]
    dist = np.sqrt(((ring_a[:, None, :] - nearest) ** 2).sum(axis=2)).min(axis=1)
    return int((dist <= tol).sum())


def village_adjacency(villages: list[Area], tol: float = 1e-5) -> np.ndarray:
    """First-order neighbours (V × V, symmetric, 0 diagonal): villages whose boundaries share an edge (two
    points within ``tol`` degrees, about a metre); a village without a boundary neighbours its town."""
    n = len(villages)
    adj = np.zeros((n, n), dtype=bool)
    rings = [_rings(v.boundary) for v in villages]
    boxes = [(np.vstack(r).min(axis=0) - tol, np.vstack(r).max(axis=0) + tol) if r else None for r in rings]
    for i in range(n):
        for j in range(i + 1, n):
            if boxes[i] is None or boxes[j] is None:
                if villages[i].parent_id == villages[j].parent_id:
                    adj[i, j] = adj[j, i] = True
                continue
            (lo_i, hi_i), (lo_j, hi_j) = boxes[i], boxes[j]
            if np.any(hi_i < lo_j) or np.any(hi_j < lo_i):
                continue
            shared = max(
                sum(_touch_points(a, b, tol) for a in rings[i] for b in rings[j]),
                sum(_touch_points(b, a, tol) for a in rings[i] for b in rings[j]),
            )
            if shared >= 2:
                adj[i, j] = adj[j, i] = True
    return adj


def neighbour_weights(adj: np.ndarray, n_domains: int, omega: float) -> np.ndarray:
    """W over all village × domain series (row = village * n_domains + domain), rows not yet normalised."""
    n_v = adj.shape[0]
    order = adjacency_order(adj)
    villages = (
        powerlaw_weights(order, POWER_D, maxlag=MAX_ORDER, normalize=True) if n_v > 1 else np.zeros((1, 1))
    )
    domains = normalize_rows(np.ones((n_domains, n_domains)) - np.eye(n_domains))
    return omega * np.kron(villages, np.eye(n_domains)) + (1 - omega) * np.kron(np.eye(n_v), domains)


# ---- data ------------------------------------------------------------------------------------------


@dataclass
class CountySeries:
    county: Area
    villages: list  # Area
    domains: list  # Domain
    mondays: np.ndarray  # datetime64[D] per week
    counts: np.ndarray  # (T, I) kept series only
    keep: np.ndarray  # indices of kept series among all village × domain series
    adjacency: np.ndarray  # (V, V)

    def village_of(self) -> np.ndarray:
        return self.keep // len(self.domains)

    def domain_of(self) -> np.ndarray:
        return self.keep % len(self.domains)


def last_complete_week(today: dt.date) -> dt.date:
    """The Monday of the last finished week: a week still running would read as a drop."""
    return monday_of(today) - dt.timedelta(weeks=1)


def county_series(county: Area, today: dt.date) -> CountySeries:
    through = last_complete_week(today) + dt.timedelta(days=6)
    weekly = weekly_counts(through)
    inside = [i for i, v in enumerate(weekly.areas) if v.path.startswith(county.path)]
    n_d = len(weekly.domains)
    rows = np.array([a * n_d + d for a in inside for d in range(n_d)], dtype=int)
    counts = weekly.counts[rows][:, -FIT_WEEKS:].T if len(rows) else np.zeros((0, 0))
    mondays = weekly.mondays[-FIT_WEEKS:]
    if counts.shape[0] < MIN_WEEKS:
        raise TransmissionInputError(
            f"{county.name}：有事项的周数不足 {MIN_WEEKS} 周（现有 {counts.shape[0]} 周），暂不能计算风险传导。"
        )
    kept = np.flatnonzero(counts.sum(axis=0) > 0)  # an all-zero series carries no information
    if len(kept) < 2:
        raise TransmissionInputError(f"{county.name}：有事项的村×领域序列不足 2 个，暂不能计算风险传导。")
    villages = [weekly.areas[i] for i in inside]
    return CountySeries(
        county=county,
        villages=villages,
        domains=weekly.domains,
        mondays=mondays,
        counts=counts[:, kept],
        keep=kept,
        adjacency=village_adjacency(villages),
    )


# ---- fit -------------------------------------------------------------------------------------------


@dataclass
class CountyFit:
    series: CountySeries
    fit: object  # HHH4Fit
    omega: float
    profile: list  # (omega, loglik) tried
    groups: list  # epidemic rate group of each kept series
    projection: Projection


def _groups(series: CountySeries) -> list[str]:
    totals = np.bincount(series.domain_of(), weights=series.counts.sum(axis=0), minlength=len(series.domains))
    pooled = totals < POOL_BELOW
    return [POOLED if pooled[d] else series.domains[d].code for d in series.domain_of()]


def fit_county(series: CountySeries) -> CountyFit:
    v_of, d_of = series.village_of(), series.domain_of()
    totals = np.bincount(v_of, weights=series.counts.sum(axis=0), minlength=len(series.villages))
    # the village's share of all matters, as population would be: busy villages have more of everything
    offset = (totals[v_of] + 1.0) / (totals.sum() + len(series.villages)) * len(series.villages)
    groups = _groups(series)
    end_groups = [series.domains[d].code for d in d_of]
    names = [f"{series.villages[v].code}:{series.domains[d].code}" for v, d in zip(v_of, d_of, strict=True)]
    best, profile = None, []
    for omega in MIXTURES:
        full = neighbour_weights(series.adjacency, len(series.domains), omega)
        w = normalize_rows(full[np.ix_(series.keep, series.keep)])
        if not w.any():
            continue
        try:
            fit = hhh4(
                series.counts,
                weights=w,
                family="NegBin1",
                trend=True,
                seasons=1,
                end_groups=end_groups,
                ar_groups=groups,
                ne_groups=groups,
                end_offset=offset,
                unit_names=names,
            )
        except (InputError, ValueError, np.linalg.LinAlgError):  # this ω's fit failed: try the others
            continue
        if not np.isfinite(fit.loglik):
            continue
        profile.append((omega, fit.loglik))
        if best is None or fit.loglik > best[1].loglik:
            best = (omega, fit)
    if best is None:
        raise TransmissionInputError(f"{series.county.name}：模型未能收敛，请待数据更多后再试。")
    omega, fit = best
    t_last = series.counts.shape[0] - 1
    return CountyFit(series, fit, omega, profile, groups, projection(fit, t_last, HORIZON))
