"""The methods by name and their R-named controls: one dispatch for every caller.

``detect(panel, "ears-c2", ...)`` runs a method by its name; ``keyword_controls`` turns an R
``control = list(...)`` (``noPeriods``, ``pastWeeksNotIncluded``, ...) into the keyword arguments of
the method, refusing a control that does not apply to it. The command line (``anju signals detect``)
and the platform's per-domain configuration both go through these two, so a method or control added
here is available to both.
"""

from __future__ import annotations

import argparse
import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from .data import CountPanel, InputError
from .ears import ears_c
from .engine import default_jobs
from .farrington import farrington
from .flexible import farrington_flexible
from .result import DetectionResult

METHODS = ("farrington", "farrington-flexible", "ears-c1", "ears-c2", "ears-c3")
FARRINGTON_METHODS = ("farrington", "farrington-flexible")
EARS_METHODS = ("ears-c1", "ears-c2", "ears-c3")
_FLEX = ("farrington-flexible",)


def _bool(text: str) -> bool:
    value = text.strip().upper()
    if value in ("TRUE", "T", "1", "YES"):
        return True
    if value in ("FALSE", "F", "0", "NO"):
        return False
    raise argparse.ArgumentTypeError(f"expected TRUE or FALSE, got {text!r}")


def _limit54(text: str) -> tuple[int, int]:
    try:
        cases, period = (int(p) for p in text.replace(" ", "").split(","))
    except ValueError:
        raise argparse.ArgumentTypeError("expected CASES,PERIOD such as 5,4") from None
    return cases, period


@dataclass(frozen=True)
class Control:
    """One R control: its keyword in the Python functions, a parser for its text, the methods it applies to."""

    keyword: str
    parse: Callable[[str], object]
    methods: tuple[str, ...]


CONTROLS: dict[str, Control] = {
    "b": Control("b", int, FARRINGTON_METHODS),
    "w": Control("w", int, FARRINGTON_METHODS),
    "reweight": Control("reweight", _bool, FARRINGTON_METHODS),
    "weightsThreshold": Control("weights_threshold", float, _FLEX),
    "alpha": Control("alpha", float, FARRINGTON_METHODS + EARS_METHODS),
    "trend": Control("trend", _bool, FARRINGTON_METHODS),
    "pThresholdTrend": Control("p_threshold_trend", float, _FLEX),
    "limit54": Control("limit54", _limit54, FARRINGTON_METHODS),
    "powertrans": Control("powertrans", str, FARRINGTON_METHODS),
    "noPeriods": Control("no_periods", int, _FLEX),
    "pastWeeksNotIncluded": Control("past_weeks_not_included", int, _FLEX),
    "thresholdMethod": Control("threshold_method", str, _FLEX),
    "populationOffset": Control("population_offset", _bool, _FLEX),
    "baseline": Control("baseline", int, EARS_METHODS),
    "minSigma": Control("min_sigma", float, EARS_METHODS),
}


def method_name(method: str) -> str:
    """The canonical name of ``method`` (``ears_c1`` and ``EARS-C1`` are ``ears-c1``)."""
    name = method.replace("_", "-").lower()
    if name not in METHODS:
        raise ValueError(f"unknown method {method!r}; one of {', '.join(METHODS)}")
    return name


def controls_of(method: str) -> tuple[str, ...]:
    """The R names of the controls that apply to ``method`` (populationOffset, unsupported, left out)."""
    name = method_name(method)
    return tuple(r for r, c in CONTROLS.items() if name in c.methods and r != "populationOffset")


_FUNCTIONS = {
    "farrington": farrington,
    "farrington-flexible": farrington_flexible,
    "ears-c1": ears_c,
    "ears-c2": ears_c,
    "ears-c3": ears_c,
}


def default_controls(method: str) -> dict:
    """R's defaults of the controls of ``method``, by R name (EARS alpha: 0.001 for C1/C2, 0.025 for C3)."""
    name = method_name(method)
    parameters = inspect.signature(_FUNCTIONS[name]).parameters
    defaults = {r: parameters[CONTROLS[r].keyword].default for r in controls_of(name)}
    if name in EARS_METHODS and defaults.get("alpha") is None:
        defaults["alpha"] = 0.025 if name == "ears-c3" else 0.001
    return defaults


def keyword_controls(method: str, r_controls: Mapping[str, object]) -> dict:
    """R-named controls (values already typed) as keyword arguments of ``method``.

    Raises ``InputError`` for an unknown control, one that does not apply to the method, or
    ``populationOffset = TRUE`` (the panels carry no population)."""
    name = method_name(method)
    kwargs: dict = {}
    for r_name, value in r_controls.items():
        control = CONTROLS.get(r_name)
        if control is None:
            raise InputError(f"unknown control {r_name!r}")
        if name not in control.methods:
            raise InputError(f"control {r_name} does not apply to method {name}")
        kwargs[control.keyword] = tuple(value) if r_name == "limit54" else value
    if kwargs.pop("population_offset", False):
        raise InputError("populationOffset TRUE is not supported (series carry no population)")
    return kwargs


def detect(
    panel: CountPanel, method: str, *, jobs: int = 1, progress: bool = False, **controls
) -> DetectionResult:
    """Run a method by its name (``farrington``, ``farrington-flexible``, ``ears-c1``..``ears-c3``).

    ``controls`` are the keyword arguments of the method (``last=``, ``t_index=``, ``b=``, ...), so a
    stored configuration such as ``{"method": "farrington-flexible", **NOUFAILY_CONTROL}`` runs as is.
    ``jobs`` (threads; 0: one per CPU) and ``progress`` apply to the Farrington methods; EARS is one
    vectorised pass and ignores them.
    """
    name = method_name(method)
    jobs = jobs if jobs >= 1 else default_jobs()
    if name == "farrington":
        return farrington(panel, jobs=jobs, progress=progress, **controls)
    if name == "farrington-flexible":
        return farrington_flexible(panel, jobs=jobs, progress=progress, **controls)
    return ears_c(panel, method=name[-2:].upper(), **controls)
