"""Forecasts of a county's weekly matters per town and domain, four weeks ahead (writes nothing).

The counts come from the ledger by the week convention of ``counting.py`` (ISO weeks, by their Monday,
by the day a matter occurred); a matter counts for the town its area lies in. The model, the baselines and
the rolling-origin evaluation are ``anju.signals.forecast_eval``; ``actions.run_forecast`` stores what
:func:`compute` returns. See docs/forecasts.md.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
from django.db.models.functions import TruncDate

from anju.core.models import Area, AreaLevel, Domain
from anju.matters.models import Matter
from anju.signals import forecast_eval as fe
from anju.signals.hhh4 import HHH4Fit, build_model, simulate
from anju.warning.counting import monday_of

HORIZON = 4
HISTORY_WEEKS = 156  # the fit sees at most three years: older weeks say little about next month
EVAL_ORIGINS = 26  # rolling-origin evaluation over the last half year
REFIT_EVERY = 4  # the evaluation refits the model every fourth origin (weekly refits would take 4x longer)
MIN_TRAIN_WEEKS = 26  # no evaluation with less history than this before the first origin
MIN_SERIES_MATTERS = 5  # a town × domain with fewer matters before the evaluation is not modelled
N_PATHS = 2000
REFIT_AFTER = dt.timedelta(days=7)
RECENT_WEEKS = 8


@dataclass
class TownCounts:
    county: Area
    towns: list[Area]
    domains: list[Domain]
    mondays: list[dt.date]  # one per row
    counts: np.ndarray  # (weeks, towns * domains), column = town_index * n_domains + domain_index

    def column(self, town_index: int, domain_index: int) -> int:
        return town_index * len(self.domains) + domain_index


def last_complete_week(today: dt.date) -> dt.date:
    """The Monday of the last week that has ended (the forecast starts with the current week)."""
    return monday_of(today) - dt.timedelta(days=7)


def town_counts(county: Area, origin_week: dt.date, first_week: dt.date | None = None) -> TownCounts:
    """Weekly matters per town × active domain of ``county``, from ``first_week`` (default: the first week
    with a matter, at most ``HISTORY_WEEKS`` back) through the week of ``origin_week``."""
    towns = list(Area.objects.filter(parent=county, level=AreaLevel.TOWN).order_by("path"))
    domains = list(Domain.objects.filter(active=True).order_by("sort_order", "code"))
    end = origin_week + dt.timedelta(days=7)
    rows = (
        Matter.objects.filter(area__path__startswith=county.path, occurred_at__date__lt=end)
        .annotate(day=TruncDate("occurred_at"))
        .values_list("area__path", "domain_id", "day")
    )
    town_of = {t.path: i for i, t in enumerate(towns)}
    domain_of = {d.pk: j for j, d in enumerate(domains)}
    data = []
    for path, domain_id, day in rows:
        town_path = "/" + "/".join(path.strip("/").split("/")[:2]) + "/"
        if town_path in town_of and domain_id in domain_of:
            data.append((town_of[town_path], domain_of[domain_id], day))
    if first_week is None:
        earliest = monday_of(min((day for _, _, day in data), default=origin_week))
        first_week = max(earliest, origin_week - dt.timedelta(weeks=HISTORY_WEEKS - 1))
    n_weeks = max((origin_week - first_week).days // 7 + 1, 0)
    counts = np.zeros((n_weeks, len(towns) * len(domains)), dtype=np.int64)
    for t, d, day in data:
        if day >= first_week:
            counts[(day - first_week).days // 7, t * len(domains) + d] += 1
    mondays = [first_week + dt.timedelta(weeks=k) for k in range(n_weeks)]
    return TownCounts(county, towns, domains, mondays, counts)


@dataclass
class Forecast:
    origin_week: dt.date
    weeks: list[dt.date]
    fit_params: dict
    refitted: bool
    skill: dict
    series: list[dict] = field(default_factory=list)  # area, domain, quantiles, mean, recent, expected_total


def _evaluation_origins(n_weeks: int) -> list[int]:
    """The last ``EVAL_ORIGINS`` weeks that have ``HORIZON`` observed weeks after them and at least
    ``MIN_TRAIN_WEEKS`` before them."""
    last = n_weeks - 1 - HORIZON
    first = max(MIN_TRAIN_WEEKS - 1, last - EVAL_ORIGINS + 1)
    return list(range(first, last + 1)) if last >= first else []


def select_series(counts: np.ndarray, until: int) -> np.ndarray:
    """Columns with at least ``MIN_SERIES_MATTERS`` matters in weeks ``0..until``: the model needs some
    history of each series to estimate its level."""
    return np.flatnonzero(counts[: until + 1].sum(axis=0) >= MIN_SERIES_MATTERS)


def _labels(tc: TownCounts, columns: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    n_d = len(tc.domains)
    return columns // n_d, columns % n_d


def evaluate(tc: TownCounts, columns: np.ndarray) -> dict:
    """Rolling-origin evaluation of the model against the two baselines on the county's own history."""
    y = tc.counts[:, columns].astype(float)
    origins = _evaluation_origins(y.shape[0])
    if not origins:
        return {"reason": "short_history", "weeks": int(y.shape[0])}
    town, domain = _labels(tc, columns)
    baselines = {"recent_mean": fe.recent_mean_baseline}
    if origins[0] + 1 >= fe.SEASON_WEEKS:
        baselines["last_year"] = fe.last_year_baseline

    def predict(fit, counts, origin, horizon):
        return fe.model_predictive(fit, origin, horizon, start_counts=counts[origin])

    latest: list = []

    def fit(past):  # each refit starts from the previous one's estimates
        fitted = fe.fit_county_model(past, town, domain, start=latest[-1] if latest else None)
        latest.append(fitted)
        return fitted

    evaluation = fe.rolling_origin(
        y,
        origins,
        HORIZON,
        fit=fit,
        predict=predict,
        baselines=baselines,
        refit_every=REFIT_EVERY,
    )
    summary = evaluation.summary()
    summary["first_origin"] = tc.mondays[origins[0]].isoformat()
    summary["last_origin"] = tc.mondays[origins[-1]].isoformat()
    summary["series"] = len(columns)
    return summary


def _reuse(tc: TownCounts, columns: np.ndarray, params: dict) -> HHH4Fit | None:
    """A fit with the stored parameters on today's counts, or None when the series or the design changed."""
    if params.get("columns") != [_column_key(tc, c) for c in columns]:
        return None
    if params.get("first_week") != tc.mondays[0].isoformat():
        return None
    town, domain = _labels(tc, columns)
    spec = fe.model_spec(tc.counts[:, columns], town, domain)
    if spec["seasons"] != params.get("seasons"):
        return None
    model = build_model(tc.counts[:, columns].astype(float), **spec)
    if model.param_names != params.get("names"):
        return None
    return fe.fit_with_coefficients(model, params["coefficients"])


def _column_key(tc: TownCounts, column: int) -> str:
    n_d = len(tc.domains)
    return f"{tc.towns[column // n_d].code}:{tc.domains[column % n_d].code}"


def compute(
    county: Area,
    origin_week: dt.date,
    *,
    previous: dict | None = None,
    previous_skill: dict | None = None,
    seed: int = 0,
    n_paths: int = N_PATHS,
) -> Forecast:
    """Forecast the ``HORIZON`` weeks after ``origin_week``. With ``previous`` (the stored parameters of the
    last fit) the model is not refitted unless its design changed, and ``previous_skill`` is kept."""
    tc = town_counts(
        county,
        origin_week,
        first_week=dt.date.fromisoformat(previous["first_week"]) if previous else None,
    )
    if previous and tc.counts.shape[0] > HISTORY_WEEKS + 8:
        tc = town_counts(county, origin_week)  # the fixed window has grown old: start afresh
    weeks = [origin_week + dt.timedelta(weeks=h) for h in range(1, HORIZON + 1)]
    n_weeks = tc.counts.shape[0]
    origins = _evaluation_origins(n_weeks)
    columns = select_series(tc.counts, origins[0] if origins else n_weeks - 1)
    if n_weeks < 3 or len(columns) == 0:
        return Forecast(origin_week, weeks, {}, False, {"reason": "no_series", "weeks": n_weeks})
    y = tc.counts[:, columns].astype(float)
    town, domain = _labels(tc, columns)
    fit = _reuse(tc, columns, previous) if previous else None
    refitted = fit is None
    if refitted:
        fit = fe.fit_county_model(y, town, domain)
        skill = evaluate(tc, columns)
    else:
        skill = previous_skill or {}
    params = {
        "names": fit.names,
        "coefficients": [float(c) for c in fit.coefficients],
        "columns": [_column_key(tc, c) for c in columns],
        "first_week": tc.mondays[0].isoformat(),
        "seasons": fe.model_spec(y, town, domain)["seasons"],
        "converged": bool(fit.converged),
    }
    paths = simulate(fit, n_weeks - 1, HORIZON, n_paths, seed=seed)  # (paths, weeks, series)
    forecast = Forecast(origin_week, weeks, params, refitted, skill)
    quantiles = fe.quantiles_from_paths(paths)  # (5, weeks, series)
    recent = y[-RECENT_WEEKS:]
    for k in range(len(columns)):
        mean = paths[:, :, k].mean(axis=0)
        forecast.series.append(
            {
                "area": tc.towns[int(town[k])],
                "domain": tc.domains[int(domain[k])],
                "quantiles": quantiles[:, :, k].T.astype(int).tolist(),
                "mean": [round(float(m), 2) for m in mean],
                "recent": recent[:, k].astype(int).tolist(),
                "expected_total": float(mean.sum()),
            }
        )
    # the county's total per domain: the sum of its towns' paths, so its intervals carry their dependence
    for d in sorted(set(domain.tolist())):
        mask = domain == d
        total_paths = paths[:, :, mask].sum(axis=2)
        q = fe.quantiles_from_paths(total_paths)  # (5, weeks)
        forecast.series.append(
            {
                "area": county,
                "domain": tc.domains[int(d)],
                "quantiles": q.T.astype(int).tolist(),
                "mean": [round(float(m), 2) for m in total_paths.mean(axis=0)],
                "recent": recent[:, mask].sum(axis=1).astype(int).tolist(),
                "expected_total": float(total_paths.mean(axis=0).sum()),
            }
        )
    return forecast


def needs_refit(last_fitted_at: dt.datetime | None, now: dt.datetime) -> bool:
    """The model is refitted once a week (or when there is no fit yet); other nights reuse its parameters
    with the new week's counts."""
    return last_fitted_at is None or now - last_fitted_at >= REFIT_AFTER
