"""Library behaviour beyond the R oracles: data checks, calendar, GLM internals, statuses."""

from __future__ import annotations

import numpy as np
import pytest

from anju.signals import (
    NOUFAILY_CONTROL,
    CountPanel,
    InputError,
    Status,
    ears_c,
    farrington,
    farrington_flexible,
    iso_week_mondays,
)
from anju.signals.data import r_weekday, shift_months, shift_years
from anju.signals.distributions import nbinom_quantile, poisson_quantile
from anju.signals.glm import GroupedDesign, fit_quasipoisson
from anju.signals.windows import flexible_window, reference_points


def day(text: str) -> int:
    return int(np.datetime64(text, "D").astype(np.int64))


# ---- data -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "message"),
    [([[1, -2, 3]], "negative"), ([[1, np.nan, 3]], "not finite"), ([[1, 2.5, 3]], "not an integer")],
)
def test_panel_rejects_bad_counts_naming_series_and_row(values, message):
    with pytest.raises(InputError, match=rf"series 'x', t_index \d: .*{message}"):
        CountPanel(np.array(values, dtype=float), series_ids=("x",))


def test_panel_rejects_unsorted_dates():
    with pytest.raises(InputError, match="strictly increasing"):
        CountPanel(
            np.ones((1, 3)), dates=np.array(["2020-01-06", "2020-01-13", "2020-01-13"], dtype="datetime64[D]")
        )


# ---- R calendar arithmetic --------------------------------------------------------------


def test_r_year_and_month_arithmetic_rolls_over_like_r():
    assert shift_years(np.array([day("2012-02-29")]), np.array([-1]))[0] == day("2011-03-01")
    assert shift_months(np.array([day("2011-03-31")]), np.array([-1]))[0] == day("2011-03-03")  # "Feb 31"
    assert shift_months(np.array([day("2011-01-15")]), np.array([-13]))[0] == day("2009-12-15")
    assert r_weekday(np.array([day("1970-01-01"), day("2024-05-20")])).tolist() == [4, 1]


def test_reference_weeks_by_date_snap_to_same_weekday_across_53_week_years():
    dates = iso_week_mondays("2014-12-29", 420)  # ISO 2015 and 2020 have 53 weeks
    days = dates.astype(np.int64)
    t = 400
    refs = reference_points(t, 5, 52, days)
    assert (r_weekday(days[refs - 1]) == 1).all()
    assert refs[0] == t
    assert set(np.diff(refs[::-1]).tolist()) <= {52, 53}
    index_refs = reference_points(t, 5, 52, None)
    assert not np.array_equal(refs, index_refs)  # 53-week years shift the calendar weeks


def test_noufaily_window_layout_weekly():
    win = flexible_window(300, 315, 52, None, b=5, w=3, no_periods=10, past=26)
    assert win.positions[0] == 300 - 5 * 52 - 3 - 1 and win.positions[-1] == 300 - 27 - 1
    levels, counts = np.unique(win.levels, return_counts=True)
    assert levels.tolist() == list(range(1, 11))
    assert counts[:4].tolist() == [25] * 4  # 5 weeks per block and year, 5 years
    assert win.positions.size == 237  # t-263 .. t-27; blocks 5-9 of the last year fall in t-26 .. t


def test_monthly_window_reproduces_r_zero_length_block_quirk():
    win = flexible_window(140, 156, 12, None, b=5, w=3, no_periods=10, past=26)
    assert sorted(set(win.levels.tolist())) == [1, 2, 3, 4, 9, 10]


# ---- GLM ----------------------------------------------------------------------------------


def test_batched_glm_solves_the_score_equations():
    rng = np.random.default_rng(3)
    groups = np.repeat(np.arange(4), 20)
    time = np.arange(80.0) - 40
    design = GroupedDesign(groups, 4, time)
    y = rng.poisson(np.exp(1 + 0.3 * (groups == 2) + 0.01 * time), size=(50, 80)).astype(float)
    fit = fit_quasipoisson(y, design)
    assert fit.converged.all()
    resid = y - fit.mu
    onehot = np.eye(4)[groups]
    np.testing.assert_allclose(resid @ onehot, 0, atol=1e-6)
    np.testing.assert_allclose(resid @ time, 0, atol=1e-4)
    np.testing.assert_allclose(fit.hat_values().sum(axis=1), 5, rtol=1e-6)  # trace = rank


def test_all_zero_fit_follows_r():
    # R: glm.fit(cbind(1, rep(0:1, each = 10), 0:19), rep(0, 20), family = quasipoisson())
    # converges (after 23 iterations) with fitted means at the 2.2e-16 floor
    design = GroupedDesign(np.repeat(np.arange(2), 10), 2, np.arange(20.0) - 10)
    fit = fit_quasipoisson(np.zeros((1, 20)), design)
    assert fit.converged[0]
    assert np.isfinite(fit.mu).all() and fit.mu.max() < 1e-9
    assert not fit_quasipoisson(np.zeros((1, 20)), design, maxit=22).converged[0]


def test_huge_quantiles_terminate_and_match_r():
    # muan can ask for quantiles beyond 2^53 (R: qnbinom(0.95, 3.590917340310134e+23, 0.9253928604597403)
    # = 2.8950738927859282e+22, qpois(0.95, 1e14) = 100000016448537)
    q = nbinom_quantile(0.95, np.array([3.590917340310134e23]), np.array([0.9253928604597403]))[0]
    assert abs(q / 2.8950738927859282e22 - 1) < 1e-12
    assert poisson_quantile(0.95, np.array([1e14]))[0] == 100000016448537
    assert np.isnan(nbinom_quantile(0.95, np.array([np.inf]), np.array([0.5])))[0]


def test_discrete_quantiles_match_r_values():
    # R: qnbinom(0.95, size = 2.5, prob = 0.4) = 10; qpois(0.95, 3.2) = 6; qnbinom(.95, 1e-8, .5) = 0
    assert nbinom_quantile(0.95, np.array([2.5, 1e-8]), np.array([0.4, 0.5])).tolist() == [10.0, 0.0]
    assert poisson_quantile(0.95, np.array([3.2, 0.0, 250.0])).tolist() == [6.0, 0.0, 276.0]


# ---- methods and statuses -------------------------------------------------------------------


def test_results_shape_and_status_codes():
    rng = np.random.default_rng(5)
    y = rng.poisson(5, size=(3, 320)).astype(float)
    y[1] = 0
    res = farrington_flexible(CountPanel(y), last=3, **NOUFAILY_CONTROL)
    assert res.upperbound.shape == (3, 3) and res.t_index.tolist() == [318, 319, 320]
    assert (res.status[1] != Status.OK).all() and np.isnan(res.upperbound[1]).all()
    assert (res.status[0] == Status.OK).all() and res.reason(0, 0) == ""
    early = farrington_flexible(CountPanel(y), t_index=[10, 320], **NOUFAILY_CONTROL)
    assert early.status[0, 0] == Status.INSUFFICIENT_HISTORY and not early.alarm_defined[0, 0]
    assert "not evaluated" in early.reason(0, 0)


def test_original_farrington_zero_bound_under_limit54():
    y = np.zeros((1, 300))
    y[0, ::7] = 1
    res = farrington(CountPanel(y), last=4)
    assert (res.upperbound == 0).all() and not res.alarm.any()
    assert (res.status == Status.FEW_CASES).all()


def test_ears_on_daily_data_and_zero_variance():
    y = np.full((2, 40), 3.0)
    y[0, -1] = 9
    res = ears_c(CountPanel(y, freq=365), last=1, method="C1", alpha=0.001)
    assert res.alarm[:, 0].tolist() == [True, False]
    c3 = ears_c(CountPanel(y, freq=365), last=1, method="C3")
    assert (c3.status == Status.ZERO_VARIANCE).all() and not c3.alarm_defined.any()


def test_ears_too_short_is_not_evaluated():
    res = ears_c(CountPanel(np.ones((1, 6))), t_index=[5, 6], method="C1")
    assert (res.status == Status.INSUFFICIENT_HISTORY).all()


def test_detect_dispatch_and_threads_give_identical_results():
    from anju.signals import detect

    rng = np.random.default_rng(11)
    y = rng.poisson(rng.uniform(0.5, 30, size=(300, 1)), size=(300, 320)).astype(float)
    panel = CountPanel(y)
    one = detect(panel, "farrington-flexible", last=8, **NOUFAILY_CONTROL)
    two = farrington_flexible(panel, last=8, jobs=2, **NOUFAILY_CONTROL)
    np.testing.assert_array_equal(one.upperbound, two.upperbound)
    np.testing.assert_array_equal(one.alarm, two.alarm)
    np.testing.assert_array_equal(
        detect(panel, "ears-c3", last=3).upperbound, ears_c(panel, last=3, method="C3").upperbound
    )
    with pytest.raises(ValueError, match="unknown method"):
        detect(panel, "cusum")
