"""anju.signals — statistical aberration detection for count series (numpy/scipy, numba; no Django).

Ports of R ``surveillance`` 1.20.3, checked number by number against R:

* :func:`farrington` — Farrington et al. (1996), as R ``farrington`` / ``algo.farrington``;
* :func:`farrington_flexible` — Noufaily et al. (2013), as R ``farringtonFlexible``
  (threshold methods ``delta``, ``nbPlugin``, ``muan``; :data:`NOUFAILY_CONTROL`);
* :func:`ears_c` — CDC EARS C1/C2/C3, as R ``earsC``;
* :mod:`anju.signals.hhh4` — the endemic–epidemic multivariate model of R ``hhh4`` (fit, forecasts,
  proper scores; ``docs/transmission.md``).

All methods take a :class:`CountPanel` (n_series x n_times counts, frequency, optional dates)
and return a :class:`DetectionResult` (n_series x n_evaluated arrays). Many series are fitted
together; see ``docs/signals.md``. :func:`detect` runs a method by its name and
:func:`keyword_controls` reads R-named controls: callers that store a configuration use these two.
"""

from .data import CountPanel, InputError, iso_week_mondays
from .ears import ears_c
from .farrington import farrington
from .flexible import NOUFAILY_CONTROL, farrington_flexible
from .methods import (
    CONTROLS,
    METHODS,
    controls_of,
    default_controls,
    detect,
    keyword_controls,
    method_name,
)
from .result import DetectionResult, Status

__all__ = [
    "CONTROLS",
    "METHODS",
    "NOUFAILY_CONTROL",
    "CountPanel",
    "DetectionResult",
    "InputError",
    "Status",
    "controls_of",
    "default_controls",
    "detect",
    "ears_c",
    "farrington",
    "farrington_flexible",
    "iso_week_mondays",
    "keyword_controls",
    "method_name",
]
