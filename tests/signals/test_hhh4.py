"""anju.signals hhh4 against R surveillance::hhh4 (fixtures made by fixtures/hhh4/hhh4_reference.R)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import numpy as np
import pytest

from anju.signals.hhh4 import (
    adjacency_order,
    hhh4,
    moment_matched_nb,
    one_step_predictive,
    pit,
    powerlaw_weights,
    predictive_moments,
    scores,
    simulate,
)

FIXTURES = Path(__file__).parent / "fixtures" / "hhh4"
CASES = ["measles_negbin", "measles_poisson_pop", "influmen_poisson", "influmen_negbin1", "flubybw_negbin"]
_FITS: dict = {}


def load(name: str) -> dict:
    with gzip.open(FIXTURES / f"{name}.json.gz", "rt", encoding="utf-8") as fh:
        return json.load(fh)


def fitted_case(name: str):
    if name not in _FITS:
        ref = load(name)
        spec = ref["spec"]
        fit = hhh4(
            np.array(ref["observed"], float),
            weights=np.array(ref["weights"], float),
            family=spec["family"],
            trend=spec["trend"],
            seasons=spec["S"],
            end_groups="unit" if spec["end_unit"] else None,
            ar_groups="unit" if spec["ar_unit"] else None,
            end_offset=None if ref["end_offset"] is None else np.array(ref["end_offset"], float),
            normalize=spec.get("normalize", False),
            unit_names=ref["unit_names"],
        )
        _FITS[name] = (ref, fit)
    return _FITS[name]


def rel(a, b):
    a, b = np.asarray(a, float), np.asarray(b, float)
    return np.max(np.abs(a - b) / np.maximum(np.abs(b), 1e-12))


@pytest.mark.parametrize("name", CASES)
def test_estimates_ses_loglik_match_r(name):
    ref, fit = fitted_case(name)
    assert fit.converged
    assert fit.names == ref["coef_names"]  # R's names and order
    assert rel(fit.coefficients, ref["coefficients"]) < 1e-4
    assert rel(fit.se, ref["se"]) < 1e-4
    assert abs(fit.loglik - ref["loglik"]) / abs(ref["loglik"]) < 1e-8
    assert abs(fit.aic - ref["aic"]) / ref["aic"] < 1e-8
    assert fit.nobs == ref["nobs"]
    names, est, se = fit.reported()
    assert names == ref["coef_names_reported"]
    assert rel(est, ref["coefficients_reported"]) < 1e-4
    assert rel(se, ref["se_reported"]) < 1e-4
    fitted = np.array(ref["fitted"], float)
    assert rel(fit.fitted[1:], fitted) < 1e-4


def test_measles_known_values():
    # Written down from R's printout (summary of the ?hhh4 measles model, NegBin1).
    _, fit = fitted_case("measles_negbin")
    c = fit.coef()
    assert c["ar.1"] == pytest.approx(-0.40504255, abs=1e-7)
    assert c["ne.1"] == pytest.approx(-3.99665459, abs=1e-7)
    assert fit.overdisp == pytest.approx(2.0923989509, rel=1e-7)
    assert fit.loglik == pytest.approx(-973.5510008696, abs=1e-8)


def test_decomposition_adds_up_and_components_sum_to_fitted():
    _, fit = fitted_case("measles_negbin")
    shares = fit.decomposition()
    total = shares["end"] + shares["ar"] + shares["ne"]
    seen = np.isfinite(total)
    assert np.allclose(total[seen], 1.0)
    parts = fit.component_means["end"] + fit.component_means["ar"] + fit.component_means["ne"]
    assert np.allclose(parts[1:], fit.fitted[1:])


def test_powerlaw_weights_and_orders_match_r():
    adj = load("flubybw_adjacency")
    order = adjacency_order(np.array(adj["adjacency"]))
    assert np.array_equal(order, np.array(adj["order"], dtype=np.int64))
    ref, _ = fitted_case("flubybw_negbin")
    w = powerlaw_weights(order, 2.0, maxlag=5, normalize=True)
    assert np.max(np.abs(w - np.array(ref["weights"]))) < 1e-15


def test_powerlaw_weights_by_hand():
    order = np.array([[0, 1, 2], [1, 0, 1], [2, 1, 0]])
    w = powerlaw_weights(order, 1.0, normalize=False)
    assert np.allclose(w, [[0, 1, 0.5], [1, 0, 1], [0.5, 1, 0]])
    wn = powerlaw_weights(order, 1.0, maxlag=1, normalize=True)
    assert np.allclose(wn, [[0, 1, 0], [0.5, 0, 0.5], [0, 1, 0]])


@pytest.mark.parametrize("name", CASES)
def test_one_step_predictions_and_scores_match_r(name):
    ref, fit = fitted_case(name)
    fc = ref["forecast"]
    rows = np.arange(fc["tp"][0], fc["tp"][1] + 1)  # R rows tp+1 (1-based) = tp (0-based)
    mean, size = one_step_predictive(fit, rows)
    assert rel(mean, fc["pred"]) < 1e-4
    x = np.array(fc["observed"], float)
    assert np.array_equal(x, fit.model.counts[rows])
    # scores on R's own predictive (mean, size): same functions, so 1e-6 is the bar
    r_size = None if fc["size"] is None else np.array(fc["size"], float)
    got = scores(x, np.array(fc["pred"], float), r_size)
    for key in ("logs", "rps", "dss", "ses"):
        assert rel(got[key], fc[key]) < 1e-6, key
    breaks, density = pit(x, np.array(fc["pred"], float), r_size, bins=10)
    assert np.allclose(breaks, fc["pit_breaks"])
    assert np.max(np.abs(density - np.array(fc["pit_density"]))) < 1e-6


def test_scores_by_hand():
    # Poisson(2) at x = 0: logs = 2, dss = (0-2)^2/2 + log 2, ses = 4
    s = scores(np.array([0.0]), np.array([2.0]))
    assert s["logs"][0] == pytest.approx(2.0)
    assert s["dss"][0] == pytest.approx(2.0 + np.log(2.0))
    assert s["ses"][0] == pytest.approx(4.0)
    # RPS of a point mass forecast Poisson(mu -> 0) at x = 1 is 1 (F(0) = 1 against 1{1 <= 0} = 0)
    assert scores(np.array([1.0]), np.array([1e-12]), which=("rps",))["rps"][0] == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("name", "var_steps", "var_tol"), [("measles_negbin", 2, 0.10), ("influmen_negbin1", 4, 0.05)]
)
def test_predictive_moments_match_r_simulation(name, var_steps, var_tol):
    ref, fit = fitted_case(name)
    sim = ref["simulation"]
    t0 = sim["t0"] - 1  # R row t0 (1-based)
    pm = predictive_moments(fit, t0, horizon=4)
    r_mean, r_var = np.array(sim["mean"]), np.array(sim["var"])
    n = sim["nsim"]
    # Monte Carlo error of R's 100,000 paths: means within 5 standard errors at every step. Sample
    # variances of measles (overdisp 2, a heavy tail) are themselves too noisy beyond two weeks
    # ahead to test; influMen's are tight at every step.
    assert np.all(np.abs(pm["mean"] - r_mean) <= 5 * np.sqrt(pm["var"] / n) + 1e-12)
    k = var_steps
    assert np.all(np.abs(pm["var"][:k] - r_var[:k]) <= var_tol * pm["var"][:k] + 1e-3)
    assert np.all(
        np.abs(pm["total_var"][:k] - np.array(sim["total_var"])[:k]) <= var_tol * pm["total_var"][:k]
    )


def test_predictive_moments_one_step_is_the_nb_predictive():
    _, fit = fitted_case("measles_negbin")
    pm = predictive_moments(fit, 60, horizon=1, return_cov=True)
    mean, size = one_step_predictive(fit, np.array([61]))
    assert np.allclose(pm["mean"][0], mean[0])
    assert np.allclose(pm["var"][0], mean[0] * (1 + mean[0] / size))
    assert np.allclose(pm["cov"][0], np.diag(pm["var"][0]))  # independent given the past


def test_simulation_is_seedable_and_agrees_with_moments():
    _, fit = fitted_case("influmen_negbin1")
    a = simulate(fit, 300, 4, nsim=20000, seed=7)
    b = simulate(fit, 300, 4, nsim=20000, seed=7)
    assert np.array_equal(a, b)
    pm = predictive_moments(fit, 300, 4)
    se = np.sqrt(pm["var"] / 20000)
    assert np.all(np.abs(a.mean(axis=0) - pm["mean"]) < 5 * se)


def test_group_intercepts_equal_unit_intercepts_and_missing_cells_are_left_out():
    ref, fit = fitted_case("influmen_negbin1")
    y = np.array(ref["observed"], float)
    common = dict(weights=np.array(ref["weights"]), family="NegBin1", trend=False, seasons=3)
    grouped = hhh4(y, end_groups=["a", "b"], ar_groups=["a", "b"], **common)
    assert grouped.names[0] == "ar.1.a" and grouped.names[-2] == "end.1.b"
    assert rel(grouped.coefficients, ref["coefficients"]) < 1e-6
    y[100, 1] = np.nan
    gapped = hhh4(y, end_groups=["a", "b"], ar_groups=["a", "b"], **common)
    assert gapped.nobs == fit.nobs - 1
    assert np.isnan(gapped.fitted[100, 1])
    # one cell fewer moves the estimates a little, not a lot
    assert 0 < np.max(np.abs(gapped.coefficients - fit.coefficients)) < 0.1


def test_scenario_start_counts_shift_the_next_week_by_lambda_and_phi():
    ref, fit = fitted_case("measles_negbin")
    w = np.array(ref["weights"], float)
    c = fit.coef()
    lam, phi = np.exp(c["ar.1"]), np.exp(c["ne.1"])
    base = fit.model.counts[60].copy()
    bumped = base.copy()
    bumped[3] += 10  # ten more cases in the fourth district this week
    diff = (
        predictive_moments(fit, 60, 1, start_counts=bumped)["mean"][0]
        - predictive_moments(fit, 60, 1, start_counts=base)["mean"][0]
    )
    expected = 10 * phi * w[3]  # neighbours of district 4 get phi * w * 10
    expected[3] = 10 * lam  # district 4 itself lambda * 10
    assert np.allclose(diff, expected)
    assert diff[3] > 0 and np.all(diff[w[3] == 0][np.arange(w.shape[0])[w[3] == 0] != 3] == 0)


def test_poisson_one_step_variance_is_the_mean():
    _, fit = fitted_case("measles_poisson_pop")
    pm = predictive_moments(fit, 80, 2)
    assert np.allclose(pm["var"][0], pm["mean"][0])
    assert np.all(pm["var"][1] >= pm["mean"][1])  # the unknown next week adds variance


def test_bad_input_is_refused():
    from anju.signals import InputError

    with pytest.raises(InputError):
        hhh4(np.array([[1.0, -1.0], [2.0, 3.0]]))
    with pytest.raises(InputError):
        hhh4(np.ones((10, 2)), weights=np.ones((3, 3)))
    with pytest.raises(InputError):
        hhh4(np.ones((10, 2)), family="Gamma")


def test_moment_matched_nb_recovers_the_one_step_size():
    _, fit = fitted_case("influmen_negbin1")
    pm = predictive_moments(fit, 300, 3)
    mean, size = moment_matched_nb(pm["mean"], pm["var"])
    assert np.allclose(size[0], fit.size)  # one week ahead the predictive is exactly NegBin(size)
    assert np.all(size[1:] < fit.size)  # further ahead: wider than one NegBin step
    assert moment_matched_nb(np.array([2.0]), np.array([2.0]))[1][0] == np.inf
