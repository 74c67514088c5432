"""Adapter from the platform's per-domain configuration to the pure ``anju.signals`` methods.

A new deployment has little history, so the number of past years used by the Farrington methods
(``b``) shrinks to what the data allow at each week, down to one year; weeks with less history than
that are recorded as not evaluated rather than given a made-up bound.
"""

from __future__ import annotations

import numpy as np

from anju.signals.data import CountPanel

# R-named controls of farringtonFlexible as the Noufaily et al. (2013) defaults used by public-health
# agencies; a domain's own controls override these.
NOUFAILY = {
    "b": 5,
    "w": 3,
    "noPeriods": 10,
    "pastWeeksNotIncluded": 26,
    "weightsThreshold": 2.58,
    "pThresholdTrend": 1.0,
    "trend": True,
    "thresholdMethod": "nbPlugin",
    "alpha": 0.05,
}
FARRINGTON_1996 = {"b": 5, "w": 3, "reweight": True, "trend": True, "alpha": 0.05}
EARS = {"baseline": 7, "alpha": 0.001}

DEFAULTS = {
    "farrington_flexible": NOUFAILY,
    "farrington": FARRINGTON_1996,
    "ears_c1": EARS,
    "ears_c2": EARS,
    "ears_c3": EARS,
}

R_TO_PY = {
    "b": "b",
    "w": "w",
    "noPeriods": "no_periods",
    "pastWeeksNotIncluded": "past_weeks_not_included",
    "weightsThreshold": "weights_threshold",
    "pThresholdTrend": "p_threshold_trend",
    "trend": "trend",
    "thresholdMethod": "threshold_method",
    "alpha": "alpha",
    "reweight": "reweight",
    "baseline": "baseline",
}


def controls_for(method: str, overrides: dict | None) -> dict:
    merged = dict(DEFAULTS[method])
    merged.update(overrides or {})
    return merged


def _call(method: str, panel: CountPanel, t_index: np.ndarray, controls: dict):
    kwargs = {R_TO_PY[k]: v for k, v in controls.items() if k in R_TO_PY}
    if method.startswith("farrington"):
        from anju.signals.engine import default_jobs

        kwargs["jobs"] = default_jobs()
    if method == "farrington_flexible":
        from anju.signals.flexible import farrington_flexible

        return farrington_flexible(panel, t_index, **kwargs)
    if method == "farrington":
        from anju.signals.farrington import farrington

        return farrington(panel, t_index, **kwargs)
    from anju.signals import ears

    variant = method.split("_")[1].upper()
    return ears.ears(panel, t_index, method=variant, **kwargs)


def years_available(t: int, w: int, freq: int = 52) -> int:
    """How many past years the Farrington window can reach at 1-based period ``t``."""
    return max(0, (t - w - 2) // freq)


def evaluate(method: str, controls: dict, panel: CountPanel, t_index: np.ndarray):
    """Run ``method`` at periods ``t_index``; yields (t_index subset, result) per history group."""
    t_index = np.asarray(t_index, dtype=np.int64)
    if not method.startswith("farrington"):
        baseline = int(controls.get("baseline", 7))
        ok = t_index > baseline + (2 if method != "ears_c1" else 0) + (2 if method == "ears_c3" else 0)
        if ok.any():
            yield t_index[ok], _call(method, panel, t_index[ok], controls)
        return
    w = int(controls.get("w", 3))
    wanted_b = int(controls.get("b", 5))
    b_at = np.minimum(wanted_b, np.array([years_available(int(t), w, panel.freq) for t in t_index]))
    for b in sorted(set(b_at.tolist()) - {0}):
        subset = t_index[b_at == b]
        yield subset, _call(method, panel, subset, {**controls, "b": b})
