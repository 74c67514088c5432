"""The endemic–epidemic multivariate count model (R ``surveillance::hhh4``): one import for callers.

See ``docs/transmission.md``. The design is in :mod:`.hhh4_model`, the fit in :mod:`.hhh4_fit`,
forecasts and scores in :mod:`.hhh4_predict`.
"""

from .hhh4_fit import HHH4Fit, fit_model, hhh4
from .hhh4_model import HHH4Model, adjacency_order, build_model, normalize_rows, powerlaw_weights
from .hhh4_predict import (
    crps,
    dss,
    logs,
    moment_matched_nb,
    one_step_predictive,
    pit,
    predictive_moments,
    rps,
    scores,
    ses,
    simulate,
)

__all__ = [
    "HHH4Fit",
    "HHH4Model",
    "adjacency_order",
    "build_model",
    "crps",
    "dss",
    "fit_model",
    "hhh4",
    "logs",
    "moment_matched_nb",
    "normalize_rows",
    "one_step_predictive",
    "pit",
    "powerlaw_weights",
    "predictive_moments",
    "rps",
    "scores",
    "ses",
    "simulate",
]
