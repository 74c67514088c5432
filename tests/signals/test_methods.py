"""The library's one dispatch by method name and its table of R-named controls (no Django)."""

from __future__ import annotations

import numpy as np
import pytest

from anju.signals import (
    CountPanel,
    InputError,
    controls_of,
    default_controls,
    detect,
    ears_c,
    farrington,
    keyword_controls,
    method_name,
)


def test_method_names_accept_the_platform_spelling():
    assert [method_name(m) for m in ("ears_c1", "EARS-C2", "farrington_flexible", "farrington")] == [
        "ears-c1",
        "ears-c2",
        "farrington-flexible",
        "farrington",
    ]
    with pytest.raises(ValueError, match="unknown method"):
        method_name("ears_c4")


def test_r_controls_become_keywords_and_foreign_ones_are_refused():
    r_controls = {
        "noPeriods": 10,
        "pastWeeksNotIncluded": 26,
        "thresholdMethod": "nbPlugin",
        "limit54": [5, 4],
    }
    assert keyword_controls("farrington_flexible", r_controls) == {
        "no_periods": 10,
        "past_weeks_not_included": 26,
        "threshold_method": "nbPlugin",
        "limit54": (5, 4),  # a stored JSON list becomes the tuple the method takes
    }
    assert keyword_controls("ears_c3", {"baseline": 10, "minSigma": 0.5}) == {
        "baseline": 10,
        "min_sigma": 0.5,
    }
    with pytest.raises(InputError, match="does not apply"):
        keyword_controls("ears_c1", {"b": 5})
    with pytest.raises(InputError, match="does not apply"):
        keyword_controls("farrington", {"noPeriods": 10})
    with pytest.raises(InputError, match="unknown control"):
        keyword_controls("farrington", {"bb": 5})
    with pytest.raises(InputError, match="populationOffset"):
        keyword_controls("farrington_flexible", {"populationOffset": True})
    assert keyword_controls("farrington_flexible", {"populationOffset": False}) == {}


def test_controls_of_each_method_and_their_r_defaults():
    assert controls_of("ears_c2") == ("alpha", "baseline", "minSigma")
    assert controls_of("farrington") == ("b", "w", "reweight", "alpha", "trend", "limit54", "powertrans")
    # R surveillance 1.20.3: earsC alpha 0.001 (C1, C2) and 0.025 (C3), baseline 7
    assert default_controls("ears_c1") == {"alpha": 0.001, "baseline": 7, "minSigma": 0.0}
    assert default_controls("ears_c3")["alpha"] == 0.025
    assert default_controls("farrington") == {
        "b": 5,
        "w": 3,
        "reweight": True,
        "alpha": 0.05,
        "trend": True,
        "limit54": (5, 4),
        "powertrans": "2/3",
    }
    flexible = default_controls("farrington-flexible")
    assert (flexible["noPeriods"], flexible["thresholdMethod"], flexible["weightsThreshold"]) == (
        1,
        "delta",
        2.58,
    )


def test_detect_runs_every_method_with_threads_as_asked():
    rng = np.random.default_rng(5)
    panel = CountPanel(rng.poisson(3.0, size=(4, 320)))
    for name in ("ears-c1", "ears-c2", "ears-c3"):
        # EARS is one vectorised pass: jobs (0 = one per CPU) does not reach it
        got = detect(panel, name, last=5, jobs=0, baseline=9)
        want = ears_c(panel, last=5, method=name[-2:].upper(), baseline=9)
        np.testing.assert_array_equal(got.upperbound, want.upperbound)
    got = detect(panel, "farrington", last=5, jobs=0, b=3)
    np.testing.assert_array_equal(got.upperbound, farrington(panel, last=5, b=3).upperbound)
