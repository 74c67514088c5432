"""anju.signals against R surveillance 1.20.3 outputs (fixtures made by R; no R needed here).

Acceptance: upper bounds within 1e-6 relative error, identical NA pattern, identical alarms.
"""

from __future__ import annotations

import numpy as np
import pytest

from anju.signals import NOUFAILY_CONTROL, CountPanel, farrington_flexible

from ._oracles import (
    BROAD,
    EXTRA,
    SHARED,
    SHARED_METHODS,
    compare,
    extra_cases,
    read_rows,
    run_extra_case,
    shared_cases,
    shared_panel,
)

TOLERANCE = 1e-6


@pytest.mark.parametrize(("series_id", "method"), shared_cases())
def test_shared_oracles(series_id, method):
    panel = shared_panel(series_id)
    expected = SHARED / "expected" / f"{series_id}__{method}.csv"
    from ._oracles import load_expected

    t, _, _ = load_expected(expected)
    report = compare(SHARED_METHODS[method](panel, t), expected)
    assert report["na_equal"], report
    assert report["max_rel"] < TOLERANCE, report
    assert report["alarm_mismatches"] == 0, report


@pytest.mark.parametrize("case", extra_cases(), ids=lambda c: c["case_id"])
def test_extra_oracles(case):
    report = compare(run_extra_case(case), EXTRA / "expected" / f"{case['case_id']}.csv")
    assert report["na_equal"], report
    assert report["max_rel"] < TOLERANCE, report
    assert report["alarm_mismatches"] == 0, report


@pytest.mark.parametrize("case", extra_cases(BROAD), ids=lambda c: c["case_id"])
def test_broad_oracles(case):
    """Every column of salmNewport, momo, rotaBB, meningo.age and 12 fluBYBW districts."""
    report = compare(run_extra_case(case), BROAD / "expected" / f"{case['case_id']}.csv")
    assert report["na_equal"], report
    assert report["max_rel"] < TOLERANCE, report
    assert report["alarm_mismatches"] == 0, report


def test_synthetic_200_series_in_one_panel():
    """The timed synthetic workload: 200 series x last 52 weeks, all fitted as one batch."""
    rows = read_rows(SHARED / "inputs" / "synthetic_2000_first200.csv.gz")
    y = np.array([float(r["observed"]) for r in rows]).reshape(200, 315)
    panel = CountPanel(y, freq=52, series_ids=tuple(dict.fromkeys(r["series_id"] for r in rows)))
    res = farrington_flexible(panel, last=52, **NOUFAILY_CONTROL)
    exp = read_rows(SHARED / "expected" / "synthetic_2000__farringtonFlexible_noufaily.csv.gz")
    ub = np.array([np.nan if r["upperbound"] == "NA" else float(r["upperbound"]) for r in exp]).reshape(
        200, 52
    )
    alarm = np.array([int(r["alarm"]) for r in exp]).reshape(200, 52)
    assert np.array_equal(np.isnan(res.upperbound), np.isnan(ub))
    both = ~np.isnan(ub)
    assert np.max(np.abs(res.upperbound[both] - ub[both]) / ub[both].clip(1e-12)) < TOLERANCE
    assert np.array_equal(res.alarm.astype(int), alarm)
    assert int(res.alarm.sum()) == 626


def test_many_series_equal_one_at_a_time():
    """Batching must not change results: a panel of real series vs each series alone."""
    ids = ["fluBYBW_9162", "fluBYBW_9362", "salmonella_agona"]
    panels = [shared_panel(s) for s in ids]
    n = min(p.n_times for p in panels)
    stacked = CountPanel(np.vstack([p.observed[0, :n] for p in panels]), freq=52, series_ids=tuple(ids))
    together = farrington_flexible(stacked, last=40, **NOUFAILY_CONTROL)
    for i, p in enumerate(panels):
        alone = farrington_flexible(CountPanel(p.observed[:, :n], freq=52), last=40, **NOUFAILY_CONTROL)
        np.testing.assert_array_equal(together.upperbound[i], alone.upperbound[0])
        np.testing.assert_array_equal(together.alarm[i], alone.alarm[0])
