"""Count forecasts judged as forecasting competitions judge them: the endemic–epidemic model of a county's
town × domain series, two naive baselines, and rolling-origin evaluation with proper scoring rules.

Pure (numpy, scipy; no Django). The platform side (``anju.warning.forecast``) builds the counts from the
ledger and stores what this module returns. See ``docs/forecasts.md``.

* :func:`fit_county_model` — hhh4 NegBin1: endemic ``~1 + t`` (+ one seasonal pair with two years of
  history), one endemic intercept per series, autoregressive and neighbourhood parts (the same domain in
  the other towns of the county, rows normalised);
* :func:`model_predictive` — its 1..h-week predictive (exact moments, moment-matched NegBin);
* :func:`last_year_baseline`, :func:`recent_mean_baseline` — the naive forecasts it must beat;
* :func:`quantiles_from_paths`, :func:`crps_sample` — fan-chart quantiles and the CRPS of a sample;
* :func:`rolling_origin` — forecast from each of the last weeks of history as if it were today, and score.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .hhh4 import HHH4Fit, build_model, hhh4, logs, moment_matched_nb, pit, predictive_moments, rps

SEASON_WEEKS = 52
FLOOR_MEAN = 0.5  # a naive forecast of 0 would be a point mass (log score infinite): half a matter a week
RECENT_WINDOW = 8
FAN_PROBS = (0.05, 0.25, 0.5, 0.75, 0.95)  # 90 % and 50 % central intervals, median


# ---- sample summaries ----------------------------------------------------------------------------


def quantiles_from_paths(paths, probs=FAN_PROBS) -> np.ndarray:
    """Quantiles over the first axis of simulated counts (paths x ...), as counts: the smallest value whose
    empirical distribution function reaches p (``inverted_cdf``), so an interval names whole matters."""
    return np.quantile(np.asarray(paths, float), probs, axis=0, method="inverted_cdf")


def crps_sample(samples, y) -> float:
    """CRPS of the empirical distribution of ``samples`` at the observation ``y``:
    E|X - y| - E|X - X'| / 2, exact for the sample (Gneiting & Raftery 2007, eq. 21)."""
    x = np.sort(np.asarray(samples, float).ravel())
    n = x.size
    if n == 0:
        raise ValueError("no samples")
    first = np.mean(np.abs(x - float(y)))
    ranks = np.arange(1, n + 1)
    mean_pair_diff = 2.0 * np.sum((2 * ranks - n - 1) * x) / n**2
    return float(first - mean_pair_diff / 2.0)


def _poisson_where_infinite(size):
    if size is None:
        return None
    size = np.asarray(size, float)
    return None if np.all(~np.isfinite(size)) else size


def score_predictive(x, mean, size=None) -> dict[str, np.ndarray]:
    """CRPS (``rps``) and log score of NegBin (mean, size) predictives; an infinite or missing size is the
    Poisson limit. Arrays of one shape; lower is better."""
    x, mean = np.broadcast_arrays(np.asarray(x, float), np.maximum(np.asarray(mean, float), 1e-9))
    if size is None:
        return {"crps": rps(x, mean), "logs": logs(x, mean)}
    size = np.broadcast_to(np.asarray(size, float), x.shape)
    finite = np.isfinite(size)
    out = {"crps": np.empty(x.shape), "logs": np.empty(x.shape)}
    if finite.any():
        out["crps"][finite] = rps(x[finite], mean[finite], size[finite])
        out["logs"][finite] = logs(x[finite], mean[finite], size[finite])
    if (~finite).any():
        out["crps"][~finite] = rps(x[~finite], mean[~finite])
        out["logs"][~finite] = logs(x[~finite], mean[~finite])
    return out


# ---- baselines -----------------------------------------------------------------------------------


def last_year_baseline(counts, origin: int, horizon: int = 4, season: int = SEASON_WEEKS):
    """ "Same weeks last year": for week ``origin + h`` a Poisson with mean the count of week
    ``origin + h - 52`` (at least :data:`FLOOR_MEAN`). ``counts`` is (weeks, series); returns
    (mean (horizon, series), size ``None`` = Poisson). Needs ``origin + 1 >= season``."""
    y = np.asarray(counts, float)
    rows = np.arange(origin + 1, origin + 1 + horizon) - season
    if rows.min() < 0:
        raise ValueError("less than a year of history before the origin")
    return np.maximum(y[rows], FLOOR_MEAN), None


def recent_mean_baseline(counts, origin: int, horizon: int = 4, window: int = RECENT_WINDOW):
    """ "Mean of the last 8 weeks": every week ahead a NegBin with the mean and variance of the counts of
    weeks ``origin - 7 .. origin`` (a Poisson where they vary no more than a Poisson would; the mean at
    least :data:`FLOOR_MEAN`). Returns (mean (horizon, series), size (horizon, series), inf = Poisson)."""
    y = np.asarray(counts, float)
    recent = y[max(0, origin + 1 - window) : origin + 1]
    mean = np.maximum(recent.mean(axis=0), FLOOR_MEAN)
    var = recent.var(axis=0, ddof=1) if recent.shape[0] > 1 else mean
    mean_nb, size = moment_matched_nb(mean, np.maximum(var, 0.0))
    return np.tile(mean_nb, (horizon, 1)), np.tile(size, (horizon, 1))


# ---- the model -----------------------------------------------------------------------------------


def county_weights(series_town, series_domain) -> np.ndarray:
    """W[j, i] = 1 where series j and i are the same domain in two different towns of the county."""
    town, domain = np.asarray(series_town), np.asarray(series_domain)
    same_domain = domain[:, None] == domain[None, :]
    other_town = town[:, None] != town[None, :]
    return (same_domain & other_town).astype(float)


def model_spec(counts, series_town, series_domain) -> dict:
    """The design of the forecast model (keyword arguments of ``build_model``/``hhh4``): NegBin1;
    endemic ``~1 + t`` with one intercept per series, plus one seasonal sine–cosine pair when the history
    covers two years; one autoregressive and one neighbourhood coefficient for all series; neighbours =
    the same domain in the county's other towns, each row of weights normalised."""
    weights = county_weights(series_town, series_domain)
    return {
        "weights": weights if weights.any() else None,
        "normalize": True,
        "family": "NegBin1",
        "trend": True,
        "seasons": 1 if np.asarray(counts).shape[0] >= 2 * SEASON_WEEKS else 0,
        "end_groups": "unit",
    }


def fit_county_model(counts, series_town, series_domain, start=None):
    """Fit :func:`model_spec` to (weeks, series) counts. Every series needs at least one count (its own
    endemic intercept would otherwise run to minus infinity). ``start``: a previous fit of the same
    design, whose estimates start the optimiser (a few weeks more data moves them little)."""
    spec = model_spec(counts, series_town, series_domain)
    y = np.asarray(counts, float)
    theta0 = None
    if start is not None and start.names == build_model(y, **spec).param_names:
        theta0 = start.coefficients
    return hhh4(y, start=theta0, **spec)


def fit_with_coefficients(model, coefficients) -> HHH4Fit:
    """A fit object carrying stored parameters on a (possibly longer) data set of the same design, to
    forecast without refitting. It has no standard errors or fitted values."""
    theta = np.asarray(coefficients, float)
    if len(theta) != len(model.param_names):
        raise ValueError("the stored parameters do not match the model")
    nan = np.full((len(theta), len(theta)), np.nan)
    return HHH4Fit(
        model=model,
        names=model.param_names,
        coefficients=theta,
        fisher=nan,
        cov=nan,
        se=np.full(len(theta), np.nan),
        loglik=float("nan"),
        nobs=0,
        converged=True,
        iterations=0,
        fitted=np.full(model.counts.shape, np.nan),
        component_means={},
    )


def model_predictive(fit, origin: int, horizon: int, start_counts=None):
    """Mean and moment-matched NegBin size (horizon, series) of the 1..h weeks after week ``origin``;
    exact one week ahead, a NegBin with the exact mean and variance beyond (as R ``hhh4addon``).
    ``start_counts``: the counts of week ``origin`` when the fit ended before it."""
    moments = predictive_moments(fit, origin, horizon, start_counts=start_counts)
    return moment_matched_nb(moments["mean"], moments["var"])


# ---- rolling-origin evaluation ---------------------------------------------------------------------


@dataclass
class Evaluation:
    origins: list[int]  # week indices used as "today"
    horizon: int
    refit_every: int
    crps: dict[str, np.ndarray]  # method -> (horizon,) mean CRPS per week ahead
    logs: dict[str, np.ndarray]
    pit_model: np.ndarray  # PIT histogram (10 bins, relative) of the model's one-week-ahead forecasts
    n_forecasts: int  # scored forecasts per method

    def summary(self) -> dict:
        """JSON-ready: mean scores over all horizons, per horizon, and the model's skill against each
        baseline (1 - CRPS_model / CRPS_baseline: above 0 the model is better)."""
        mean_crps = {m: float(v.mean()) for m, v in self.crps.items()}
        mean_logs = {m: float(v.mean()) for m, v in self.logs.items()}
        skill = {
            m: (1.0 - mean_crps["model"] / c if c > 0 else None) for m, c in mean_crps.items() if m != "model"
        }
        return {
            "origins": len(self.origins),
            "horizon": self.horizon,
            "refit_every": self.refit_every,
            "n_forecasts": self.n_forecasts,
            "crps": mean_crps,
            "logs": mean_logs,
            "crps_by_horizon": {m: [round(float(x), 4) for x in v] for m, v in self.crps.items()},
            "skill": skill,
            "pit": [round(float(x), 3) for x in self.pit_model],
        }


Predictor = Callable[[np.ndarray, int, int], tuple[np.ndarray, np.ndarray | None]]


def rolling_origin(
    counts,
    origins,
    horizon: int,
    fit: Callable[[np.ndarray], object],
    predict: Callable[[object, np.ndarray, int, int], tuple[np.ndarray, np.ndarray | None]],
    baselines: dict[str, Predictor],
    refit_every: int = 4,
) -> Evaluation:
    """Forecast from each origin as if it were the last week known, and score against what followed.

    ``fit(counts[: origin + 1])`` is called at the first origin and then every ``refit_every`` origins (the
    parameters of the latest fit are reused in between, with the data up to each origin);
    ``predict(fitted, counts, origin, horizon)`` and each baseline ``(counts, origin, horizon)`` return
    (mean, size) of shape (horizon, series), size ``None`` for Poisson. Only weeks known in ``counts``
    are scored, so every origin needs ``origin + horizon < len(counts)``."""
    y = np.asarray(counts, float)
    origins = [int(o) for o in origins]
    if not origins or max(origins) + horizon >= y.shape[0]:
        raise ValueError("each origin needs `horizon` observed weeks after it")
    methods = ["model", *baselines]
    crps = {m: np.zeros(horizon) for m in methods}
    logsc = {m: np.zeros(horizon) for m in methods}
    one_step_x, one_step_mean, one_step_size = [], [], []
    fitted = None
    for k, origin in enumerate(origins):
        if k % refit_every == 0:
            fitted = fit(y[: origin + 1])
        observed = y[origin + 1 : origin + 1 + horizon]
        predictions = {"model": predict(fitted, y, origin, horizon)}
        for name, baseline in baselines.items():
            predictions[name] = baseline(y, origin, horizon)
        for name, (mean, size) in predictions.items():
            s = score_predictive(observed, mean, size)
            crps[name] += s["crps"].mean(axis=1)
            logsc[name] += s["logs"].mean(axis=1)
        mean, size = predictions["model"]
        one_step_x.append(observed[0])
        one_step_mean.append(mean[0])
        one_step_size.append(np.full(mean.shape[1], np.inf) if size is None else size[0])
    n = len(origins)
    x, mu, sz = (np.concatenate(a) for a in (one_step_x, one_step_mean, one_step_size))
    finite = np.isfinite(sz)
    sz = np.where(finite, sz, 1e12)  # the Poisson limit of a NegBin
    _, histogram = pit(x, mu, sz)
    return Evaluation(
        origins=origins,
        horizon=horizon,
        refit_every=refit_every,
        crps={m: v / n for m, v in crps.items()},
        logs={m: v / n for m, v in logsc.items()},
        pit_model=histogram,
        n_forecasts=n * horizon * y.shape[1],
    )
