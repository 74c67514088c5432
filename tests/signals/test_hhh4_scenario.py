"""Scenarios from the endemic–epidemic model (``anju.signals.hhh4_scenario``): the exact expected extra counts
of a shock, worked out by hand on two series, and the coupled simulation that agrees with them."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import sparse

from anju.signals.data import InputError
from anju.signals.hhh4_scenario import Projection, scenario


def two_series(size=None) -> Projection:
    """Series 0 feeds itself (lambda 0.5); series 1 is fed by series 0 (phi 0.5, W[0, 1] = 1)."""
    return Projection(
        end=np.ones((2, 2)),
        ar=np.array([0.5, 0.0]),
        ne=np.array([0.0, 0.5]),
        weights=sparse.csr_matrix(np.array([[0.0, 1.0], [0.0, 0.0]])),
        size=size,
        start=np.zeros(2),
    )


def test_expected_extra_worked_by_hand():
    # week 1: baseline means (1, 1); doubled series 0 → (2, 1): extra (1, 0)
    # week 2: baseline 1 + 0.5 * 1 = 1.5 each; shocked 1 + 0.5 * 2 = 2 each: extra (0.5, 0.5)
    result = scenario(two_series(), 0, factor=2.0, weeks=1, nsim=10, seed=1)
    assert result.expected == pytest.approx(np.array([[1.0, 0.0], [0.5, 0.5]]))


@pytest.mark.parametrize("size", [None, 2.0], ids=["poisson", "negbin"])
def test_simulated_extra_agrees_with_the_expected(size):
    result = scenario(two_series(size), 0, factor=2.0, weeks=1, nsim=40000, seed=7)
    means = result.paths.mean(axis=0)
    se = result.paths.std(axis=0) / np.sqrt(40000)
    assert np.all(np.abs(means - result.expected) < 4 * se + 1e-12)
    assert (result.paths >= 0).all()
    lo, hi = result.interval()
    assert lo <= 2.0 <= hi  # the expected total, 1 + 0.5 + 0.5


def test_a_shock_reaches_nothing_upstream():
    # series 1 feeds nobody: doubling it leaves series 0 untouched in every path
    result = scenario(two_series(2.0), 1, factor=3.0, weeks=2, nsim=500, seed=3)
    assert result.paths[:, :, 0].sum() == 0 and result.expected[:, 0].sum() == 0
    assert result.expected[:, 1] == pytest.approx([2.0, 2.0 + 0.5 * 1.0 * 2])  # (3-1) * mean of series 1


def test_bad_arguments_are_refused():
    with pytest.raises(InputError):
        scenario(two_series(), 2)
    with pytest.raises(InputError):
        scenario(two_series(), 0, factor=0.5)
    with pytest.raises(InputError):
        scenario(two_series(), 0, weeks=3)
