"""Forecast evaluation helpers: sample CRPS, fan-chart quantiles, the two naive baselines and the
rolling-origin loop, against values worked out by hand."""

import numpy as np
import pytest

from anju.signals import forecast_eval as fe


def test_crps_of_a_sample_equals_the_hand_computed_value():
    # E|X - y| - E|X - X'| / 2 over the sample's own pairs (n² of them)
    assert fe.crps_sample([0, 2], 1) == pytest.approx(1.0 - 0.5 * 1.0)
    # [1, 1, 3] at 0: E|X - 0| = 5/3; ordered pairs differ by 0,2,2 twice -> 8/9; 5/3 - 4/9 = 11/9
    assert fe.crps_sample([1, 1, 3], 0) == pytest.approx(11 / 9)
    # a point mass scores its absolute error
    assert fe.crps_sample([3, 3, 3], 1) == pytest.approx(2.0)


def test_crps_of_a_large_sample_approaches_the_analytic_count_crps():
    rng = np.random.default_rng(5)
    draws = rng.negative_binomial(2.0, 2.0 / (2.0 + 3.0), size=200_000)
    analytic = fe.score_predictive(np.array([4.0]), np.array([3.0]), np.array([2.0]))["crps"][0]
    assert fe.crps_sample(draws, 4) == pytest.approx(analytic, abs=0.01)


def test_quantiles_from_paths_are_whole_counts_of_the_sample():
    paths = np.arange(20.0)[:, None]  # 0..19, each with probability 1/20
    q = fe.quantiles_from_paths(paths)[:, 0]
    assert q.tolist() == [0, 4, 9, 14, 18]


def test_recent_mean_baseline_is_a_negbin_with_the_moments_of_the_last_eight_weeks():
    counts = np.array([[9], [9], [0], [4], [0], [4], [0], [4], [0], [4]], dtype=float)
    mean, size = fe.recent_mean_baseline(counts, origin=9, horizon=4)
    # weeks 2..9: 0,4,0,4,0,4,0,4 -> mean 2, variance 32/7, size 2² / (32/7 - 2) = 14/9
    assert mean.shape == (4, 1) and np.allclose(mean, 2.0)
    assert np.allclose(size, 14 / 9)


def test_recent_mean_baseline_is_poisson_when_counts_are_underdispersed():
    counts = np.array([[1], [3], [1], [3], [1], [3], [1], [3]], dtype=float)
    mean, size = fe.recent_mean_baseline(counts, origin=7, horizon=2)
    assert np.allclose(mean, 2.0) and np.all(np.isinf(size))


def test_last_year_baseline_repeats_the_same_weeks_a_year_earlier_with_a_floor():
    counts = np.zeros((60, 2))
    counts[4:8, 0] = [3, 0, 5, 1]  # weeks 4..7 are 52 weeks before 56..59
    mean, size = fe.last_year_baseline(counts, origin=55, horizon=4)
    assert size is None
    assert mean[:, 0].tolist() == [3.0, 0.5, 5.0, 1.0]
    assert mean[:, 1].tolist() == [0.5] * 4
    with pytest.raises(ValueError):
        fe.last_year_baseline(counts, origin=40, horizon=4)


def test_county_weights_link_the_same_domain_across_towns_only():
    w = fe.county_weights([0, 0, 1, 1], ["land", "wages", "land", "wages"])
    assert w.tolist() == [[0, 0, 1, 0], [0, 0, 0, 1], [1, 0, 0, 0], [0, 1, 0, 0]]


def test_rolling_origin_refits_every_fourth_origin_and_reports_skill():
    counts = np.tile(np.array([[2.0], [0.0], [4.0], [1.0]]), (10, 1))  # 40 weeks
    fitted_on = []

    def fit(past):
        fitted_on.append(len(past))
        return len(past)

    def same_as_recent(fitted, y, origin, horizon):
        return fe.recent_mean_baseline(y, origin, horizon)

    def constant(y, origin, horizon):
        return np.full((horizon, 1), 50.0), None

    evaluation = fe.rolling_origin(
        counts,
        range(20, 29),
        4,
        fit=fit,
        predict=same_as_recent,
        baselines={"recent_mean": fe.recent_mean_baseline, "far_off": constant},
        refit_every=4,
    )
    assert fitted_on == [21, 25, 29]  # origins 20, 24, 28, with the weeks up to each
    summary = evaluation.summary()
    assert summary["origins"] == 9 and summary["n_forecasts"] == 9 * 4
    assert summary["skill"]["recent_mean"] == pytest.approx(0.0)  # the same forecast: no skill
    assert summary["skill"]["far_off"] > 0.9
    assert len(summary["pit"]) == 10


def test_rolling_origin_needs_observed_weeks_after_each_origin():
    with pytest.raises(ValueError):
        fe.rolling_origin(
            np.zeros((10, 1)), [7], 4, fit=lambda p: None, predict=lambda *a: None, baselines={}
        )


def test_the_model_beats_the_baselines_on_series_it_describes():
    rng = np.random.default_rng(3)
    n_weeks, town, domain = 120, np.repeat([0, 1, 2], 2), np.tile([0, 1], 3)
    level = np.array([1.0, 3.0, 2.0, 4.0, 1.5, 2.5])
    y = np.zeros((n_weeks, 6))
    y[0] = np.round(level)
    for t in range(1, n_weeks):  # an epidemic part: last week's counts feed this week's
        mu = level * 0.5 + 0.5 * y[t - 1]
        y[t] = rng.negative_binomial(5.0, 5.0 / (5.0 + mu))
    evaluation = fe.rolling_origin(
        y,
        range(90, 115),
        4,
        fit=lambda past: fe.fit_county_model(past, town, domain),
        predict=lambda f, c, o, h: fe.model_predictive(f, o, h, start_counts=c[o]),
        baselines={"recent_mean": fe.recent_mean_baseline, "last_year": fe.last_year_baseline},
    )
    summary = evaluation.summary()
    assert summary["crps"]["model"] < summary["crps"]["recent_mean"] < summary["crps"]["last_year"]
    assert summary["skill"]["last_year"] > summary["skill"]["recent_mean"] > 0


def test_stored_coefficients_forecast_as_the_fit_does():
    rng = np.random.default_rng(8)
    y = rng.poisson(2.0, size=(40, 4)).astype(float)
    town, domain = [0, 0, 1, 1], [0, 1, 0, 1]
    fit = fe.fit_county_model(y, town, domain)
    from anju.signals.hhh4 import build_model

    longer = np.vstack([y, rng.poisson(2.0, size=(2, 4))])
    reused = fe.fit_with_coefficients(
        build_model(longer, **fe.model_spec(longer, town, domain)), fit.coefficients
    )
    mean_fit, _ = fe.model_predictive(fit, 41, 2, start_counts=longer[41])
    mean_reused, _ = fe.model_predictive(reused, 41, 2)
    assert np.allclose(mean_fit, mean_reused)
