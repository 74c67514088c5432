"""anju.signals — statistical aberration detection for count series (numpy/scipy, numba; no Django).

Ports of R ``surveillance`` 1.20.3, checked number by number against R:

* :func:`farrington` — Farrington et al. (1996), as R ``farrington`` / ``algo.farrington``;
* :func:`farrington_flexible` — Noufaily et al. (2013), as R ``farringtonFlexible``
  (threshold methods ``delta``, ``nbPlugin``, ``muan``; :data:`NOUFAILY_CONTROL`);
* :func:`ears_c` — CDC EARS C1/C2/C3, as R ``earsC``.

All methods take a :class:`CountPanel` (n_series x n_times counts, frequency, optional dates)
and return a :class:`DetectionResult` (n_series x n_evaluated arrays). Many series are fitted
together; see ``docs/signals.md``.
"""

from .data import CountPanel, InputError, iso_week_mondays
from .ears import ears_c
from .farrington import farrington
from .flexible import NOUFAILY_CONTROL, farrington_flexible
from .result import DetectionResult, Status

__all__ = [
    "METHODS",
    "NOUFAILY_CONTROL",
    "CountPanel",
    "DetectionResult",
    "InputError",
    "Status",
    "detect",
    "ears_c",
    "farrington",
    "farrington_flexible",
    "iso_week_mondays",
]

METHODS = ("farrington", "farrington-flexible", "ears-c1", "ears-c2", "ears-c3")


def detect(panel: CountPanel, method: str, **controls) -> DetectionResult:
    """Run a method by its CLI name (``farrington``, ``farrington-flexible``, ``ears-c1``..``ears-c3``).

    ``controls`` are the keyword arguments of the method (``last=``, ``t_index=``, ``b=``, ...), so a
    stored configuration such as ``{"method": "farrington-flexible", **NOUFAILY_CONTROL}`` runs as is.
    """
    name = method.replace("_", "-").lower()
    if name == "farrington":
        return farrington(panel, **controls)
    if name == "farrington-flexible":
        return farrington_flexible(panel, **controls)
    if name in ("ears-c1", "ears-c2", "ears-c3"):
        return ears_c(panel, method=name[-2:].upper(), **controls)
    raise ValueError(f"unknown method {method!r}; one of {', '.join(METHODS)}")
