"""The compiled kernel (numba) and the numpy path must give the same results.

Both implement R's fitFun; the oracle tests run whichever path is active (the kernel, where numba
is installed, as in CI). Here every farringtonFlexible and farrington case of the broad R sweep
runs through both, and the numbers must agree to rounding.
"""

from __future__ import annotations

import numpy as np
import pytest

from anju.signals import accel, engine, kernel

from ._oracles import BROAD, extra_cases, run_extra_case

FITTED = [c for c in extra_cases(BROAD) if c["method"] in ("farringtonFlexible", "farrington")]


def test_kernel_is_active_in_this_environment():
    """numba is a dependency: the fast path must be the one the oracle tests exercise."""
    assert accel.kernel() is not None


def test_numpy_switch_turns_the_kernel_off(monkeypatch):
    monkeypatch.setenv("ANJU_SIGNALS_KERNEL", "numpy")
    assert accel.kernel() is None


@pytest.mark.parametrize("case", FITTED[::5], ids=lambda c: c["case_id"])
def test_kernel_equals_numpy_path(case, monkeypatch):
    calls = []
    real = engine._fit_and_reweight_compiled

    def counted(*args, **kwargs):  # the real kernel call, counted: the comparison must not be numpy vs numpy
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(engine, "_fit_and_reweight_compiled", counted)
    compiled = run_extra_case(case)
    assert calls, "the case never reached the compiled kernel"
    kernel_calls = len(calls)
    monkeypatch.setenv("ANJU_SIGNALS_KERNEL", "numpy")
    reference = run_extra_case(case)
    assert len(calls) == kernel_calls, "the numpy run went through the kernel"
    for name in ("upperbound", "expected", "score"):
        a, b = getattr(compiled, name), getattr(reference, name)
        assert np.array_equal(np.isnan(a), np.isnan(b)), name
        both = ~np.isnan(a)
        rel = np.abs(a[both] - b[both]) / np.maximum(np.abs(b[both]), 1e-300)
        # score divides by (upper - prediction), which can be tiny: rounding shows more there
        assert rel.max(initial=0.0) < (1e-8 if name == "score" else 1e-10), (name, rel.max())
    assert np.array_equal(compiled.alarm, reference.alarm)
    assert np.array_equal(compiled.status, reference.status)


def test_layout_runs_cover_time_in_unit_steps():
    time = np.array([-5.0, -4.0, -3.0, 0.0, 1.0, 2.5, 3.5])
    groups = np.array([0, 0, 1, 1, 2, 2, 2])
    g, tc, run_of, step_of, run_time, tmin, tmax = kernel.layout(groups, 3, time)
    np.testing.assert_array_equal(run_time[run_of] + step_of, tc)
    np.testing.assert_array_equal(tmin, [-5.0, -3.0, 1.0])
    np.testing.assert_array_equal(tmax, [-4.0, 0.0, 3.5])
