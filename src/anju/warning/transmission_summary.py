"""What the 风险传导 page reads for one area (the county or a town) from a county's fit: per domain the shares of
the expected counts from the endemic part, own past and neighbours, week by week; the weeks the epidemic
part dominated; the strongest village → village and domain → domain couplings with 95 % intervals; the
coefficients; and the arrays a scenario needs. Plain JSON, stored in ``TransmissionFit``."""

from __future__ import annotations

import numpy as np

from anju.core.models import Area
from anju.warning.transmission import POOLED, SUMMARY_WEEKS, TOP_COUPLINGS, Z95, CountyFit

COMPONENTS = ("end", "ar", "ne")


def _r(x, digits: int = 4):
    """Round for storage (6 significant figures keep the page's numbers, and the JSON small)."""
    if isinstance(x, np.ndarray):
        return [_r(v, digits) for v in x.tolist()]
    if isinstance(x, list):
        return [_r(v, digits) for v in x]
    return float(f"{x:.{digits + 2}g}") if np.isfinite(x) else None


def _ne_block(cfit: CountyFit) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Names, estimates and covariance of the neighbour intercepts (log phi per group)."""
    names = cfit.fit.names
    idx = [k for k, n in enumerate(names) if n.startswith("ne.")]
    return [names[k] for k in idx], cfit.fit.coefficients[idx], cfit.fit.cov[np.ix_(idx, idx)]


def _interval(parts_by_group: np.ndarray, cov: np.ndarray) -> tuple[float, float]:
    """95 % interval of a flow that is a sum of per-group parts, each proportional to exp(a_g): the delta
    method on the log of the total (so the interval stays positive)."""
    total = parts_by_group.sum()
    if total <= 0:
        return 0.0, 0.0
    used = parts_by_group > 0  # a group not involved must not bring its (possibly undefined) variance
    parts = parts_by_group[used]
    var = float(parts @ cov[np.ix_(used, used)] @ parts)
    if not np.isfinite(var):
        return float("nan"), float("nan")
    sd = np.sqrt(max(var, 0.0)) / total
    with np.errstate(over="ignore"):  # a rate on its boundary (near 0) has no upper bound worth the name
        return total * float(np.exp(-Z95 * sd)), total * float(np.exp(Z95 * sd))


def _flows(cfit: CountyFit, window: slice):
    """Expected counts of each target series attributed to each source series over the window,
    split by the target's neighbour-rate group: (G, I, I) with [g, j, i]."""
    fit, series = cfit.fit, cfit.series
    w = np.asarray(
        fit.model.weights.toarray() if hasattr(fit.model.weights, "toarray") else fit.model.weights
    )
    lagged = series.counts[window.start - 1 : window.stop - 1]
    source_total = lagged.sum(axis=0)
    ne_names, ne_est, _ = _ne_block(cfit)
    group_names = [n.removeprefix("ne.1.") for n in ne_names]
    phi_of = np.exp(ne_est)
    target_group = np.array([group_names.index(g) for g in cfit.groups])
    flows = np.zeros((len(group_names), *w.shape))
    base = w * source_total[:, None] * phi_of[target_group][None, :]
    for g in range(len(group_names)):
        flows[g][:, target_group == g] = base[:, target_group == g]
    return flows


def summarise(cfit: CountyFit, area: Area) -> dict:
    series, fit = cfit.series, cfit.fit
    v_of, d_of = series.village_of(), series.domain_of()
    in_area = np.array([series.villages[v].path.startswith(area.path) for v in v_of])
    n_t = series.counts.shape[0]
    first = max(1, n_t - SUMMARY_WEEKS)
    window = slice(first, n_t)
    weeks = [str(m.astype("datetime64[D]")) for m in series.mondays[window]]
    comps = {k: np.nan_to_num(fit.component_means[k][window]) for k in COMPONENTS if k in fit.component_means}
    observed = series.counts[window]

    domains = []
    for d, domain in enumerate(series.domains):
        units = in_area & (d_of == d)
        if not units.any():
            continue
        weekly = {k: comps[k][:, units].sum(axis=1) for k in comps}
        totals = {k: float(v.sum()) for k, v in weekly.items()}
        grand = sum(totals.values())
        if grand <= 0:
            continue
        epidemic = weekly.get("ar", 0) + weekly.get("ne", 0)
        spreading_mask = (epidemic > weekly["end"]) & (observed[:, units].sum(axis=1) > 0)
        spreading = [weeks[k] for k in np.flatnonzero(spreading_mask)]
        # where the counts of those weeks came from: a surge that spread shows its neighbour share here
        in_spread = {k: float(v[spreading_mask].sum()) for k, v in weekly.items()}
        spread_total = sum(in_spread.values())
        spreading_shares = {k: _r(v / spread_total) for k, v in in_spread.items()} if spread_total > 0 else {}
        villages = []
        for i in np.flatnonzero(units):
            parts = {k: float(comps[k][:, i].sum()) for k in comps}
            total = sum(parts.values())
            if total > 0:
                villages.append(
                    {
                        "id": series.villages[v_of[i]].pk,
                        "name": series.villages[v_of[i]].name,
                        "observed": int(observed[:, i].sum()),
                        "expected": _r(total),
                        "shares": {k: _r(v / total) for k, v in parts.items()},
                    }
                )
        villages.sort(key=lambda row: -row["observed"])
        domains.append(
            {
                "id": domain.pk,
                "code": domain.code,
                "name": domain.name,
                "observed": int(observed[:, units].sum()),
                "expected": _r(grand),
                "shares": {k: _r(v / grand) for k, v in totals.items()},
                "weekly": {k: _r(v) for k, v in weekly.items()}
                | {"observed": observed[:, units].sum(axis=1).tolist()},
                "spreading_weeks": spreading,
                "spreading_shares": spreading_shares,
                "villages": villages[:12],
            }
        )
    domains.sort(key=lambda row: -row["observed"])
    return {
        "weeks": weeks,
        "domains": domains,
        "couplings": _couplings(cfit, window, in_area),
        "coefficients": _coefficients(cfit),
        "villages": [{"id": v.pk, "name": v.name} for v in series.villages if v.path.startswith(area.path)],
        "projection": _projection(cfit),
    }


def _couplings(cfit: CountyFit, window: slice, in_area: np.ndarray) -> dict:
    series = cfit.series
    v_of, d_of = series.village_of(), series.domain_of()
    flows = _flows(cfit, window)  # (G, I, I)
    _, _, cov = _ne_block(cfit)
    n_v, n_d = len(series.villages), len(series.domains)
    by_village = np.zeros((flows.shape[0], n_v, n_v))
    by_domain = np.zeros((flows.shape[0], n_d, n_d))
    targets = np.flatnonzero(in_area)
    for g in range(flows.shape[0]):
        sub = flows[g][:, targets]
        src, tgt = np.nonzero(sub)
        for j, k in zip(src, tgt, strict=True):
            i = targets[k]
            if v_of[j] != v_of[i]:
                by_village[g, v_of[j], v_of[i]] += sub[j, k]
            elif d_of[j] != d_of[i]:
                by_domain[g, d_of[j], d_of[i]] += sub[j, k]

    def top(matrix, names):
        total = matrix.sum(axis=0)
        rows = []
        for flat in np.argsort(total, axis=None)[::-1][:TOP_COUPLINGS]:
            a, b = np.unravel_index(flat, total.shape)
            if total[a, b] < 0.05:  # under a twentieth of a matter a year: no coupling worth a row
                break
            lo, hi = _interval(matrix[:, a, b], cov)
            rows.append(
                {
                    "source": names[a],
                    "target": names[b],
                    "expected": _r(total[a, b]),
                    "low": _r(lo),
                    "high": _r(hi),
                }
            )
        return rows

    return {
        "villages": top(by_village, [v.name for v in series.villages]),
        "domains": top(by_domain, [d.name for d in series.domains]),
    }


@np.errstate(over="ignore")  # a rate on its boundary (near 0) has an interval without upper bound
def _coefficients(cfit: CountyFit) -> dict:
    fit = cfit.fit
    names, est, se = fit.reported()
    rows = [
        {"name": n, "estimate": _r(e), "se": _r(s), "low": _r(e - Z95 * s), "high": _r(e + Z95 * s)}
        for n, e, s in zip(names, est.tolist(), se.tolist(), strict=True)
    ]
    domain_names = {d.code: d.name for d in cfit.series.domains}
    rates = []
    for n, e, s in zip(fit.names, fit.coefficients.tolist(), fit.se.tolist(), strict=True):
        if n.startswith(("ar.", "ne.")):
            group = n.split(".", 2)[2] if n.count(".") >= 2 else ""
            rates.append(
                {
                    "kind": n[:2],
                    "group": domain_names.get(group, group) if group != POOLED else "",
                    "pooled": group == POOLED,
                    "rate": _r(np.exp(e)),
                    "low": _r(np.exp(e - Z95 * s)),
                    "high": _r(np.exp(e + Z95 * s)),
                }
            )
    return {
        "rows": rows,
        "rates": rates,
        "omega": cfit.omega,
        "profile": [[o, _r(ll, 8)] for o, ll in cfit.profile],
        "loglik": _r(fit.loglik, 8),
        "aic": _r(fit.aic, 8),
        "nobs": fit.nobs,
        "series": int(fit.model.counts.shape[1]),
        "converged": bool(fit.converged),
        "overdisp": _r(fit.overdisp) if fit.overdisp is not None else None,
    }


def _projection(cfit: CountyFit) -> dict:
    proj, series = cfit.projection, cfit.series
    w = proj.weights.toarray() if hasattr(proj.weights, "toarray") else np.asarray(proj.weights)
    src, tgt = np.nonzero(w)
    return {
        "units": [
            [series.villages[v].pk, series.domains[d].pk]
            for v, d in zip(series.village_of(), series.domain_of(), strict=True)
        ],
        "end": [_r(row, 6) for row in proj.end],
        "ar": _r(proj.ar, 6),
        "ne": _r(proj.ne, 6),
        "size": proj.size,
        "start": proj.start.astype(int).tolist(),
        "weights": [[int(j), int(i), _r(float(w[j, i]), 6)] for j, i in zip(src, tgt, strict=True)],
        "domains": {str(d.pk): d.name for d in series.domains},
        "villages": {str(v.pk): [v.name, v.path] for v in series.villages},
    }
