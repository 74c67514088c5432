"""The result object shared by all methods: per series x evaluated time point arrays."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum

import numpy as np


class Status(IntEnum):
    """Why a point has (or lacks) a bound. Codes are stable; names are used in files."""

    OK = 0
    FEW_CASES = 1  # Farrington limit54: too few cases in the last weeks; R gives no alarm
    NOT_CONVERGED = 2  # the GLM converged neither with nor without trend (farringtonFlexible)
    ZERO_VARIANCE = 3  # EARS C3: a baseline with sd 0 gives 0/0; R gives NA
    INSUFFICIENT_HISTORY = 4  # not evaluated: too little history / reference periods missing
    NO_BOUND = 5  # threshold not computable (e.g. infinite mean); no alarm, as in R


REASONS = {
    Status.OK: "",
    Status.FEW_CASES: "fewer than limit54 cases in the most recent periods: no alarm possible",
    Status.NOT_CONVERGED: "model did not converge with or without trend",
    Status.ZERO_VARIANCE: "baseline has zero variance",
    Status.INSUFFICIENT_HISTORY: "not evaluated: too little history before this period",
    Status.NO_BOUND: "upper bound not computable",
}

# statuses for which R reports the alarm itself as NA (not 0)
ALARM_UNDEFINED = (Status.NOT_CONVERGED, Status.ZERO_VARIANCE, Status.INSUFFICIENT_HISTORY)


@dataclass
class DetectionResult:
    """Output of a detection method for every series (rows) and evaluated period (columns).

    ``t_index`` are the 1-based evaluated periods. ``upperbound`` follows R (NaN where R gives NA;
    original Farrington gives 0 under limit54, as R). ``alarm`` is False wherever it is undefined;
    ``alarm_defined`` tells R's NA alarms apart. ``score`` is the method's exceedance score (> 1
    means alarm for Farrington; the C statistic for EARS) and ``pvalue`` the upper-tail
    probability of the observed count where the method defines one (NaN elsewhere).
    """

    method: str
    control: dict
    series_ids: tuple[str, ...]
    t_index: np.ndarray
    observed: np.ndarray
    expected: np.ndarray
    upperbound: np.ndarray
    alarm: np.ndarray
    score: np.ndarray
    pvalue: np.ndarray
    status: np.ndarray
    extra: dict = field(default_factory=dict)

    @classmethod
    def empty(cls, method, control, series_ids, t_index, observed) -> DetectionResult:
        shape = observed.shape
        nan = np.full(shape, np.nan)
        return cls(
            method=method,
            control=dict(control),
            series_ids=tuple(series_ids),
            t_index=np.asarray(t_index, dtype=np.int64),
            observed=observed,
            expected=nan.copy(),
            upperbound=nan.copy(),
            alarm=np.zeros(shape, dtype=bool),
            score=nan.copy(),
            pvalue=nan.copy(),
            status=np.full(shape, int(Status.INSUFFICIENT_HISTORY), dtype=np.int8),
        )

    @property
    def alarm_defined(self) -> np.ndarray:
        return ~np.isin(self.status, [int(s) for s in ALARM_UNDEFINED])

    def reason(self, series: int, column: int) -> str:
        """Why the point has no regular result ("" when evaluated normally)."""
        status = Status(int(self.status[series, column]))
        detail = self.extra.get("not_evaluated", {}).get(int(self.t_index[column]))
        if status == Status.INSUFFICIENT_HISTORY and detail:
            return f"not evaluated: {detail}"
        return REASONS[status]

    def records(self):
        """Yield one dict per series x period, in series then time order (for files and UIs)."""
        defined = self.alarm_defined
        for i, sid in enumerate(self.series_ids):
            for j, t in enumerate(self.t_index):
                yield {
                    "series_id": sid,
                    "t_index": int(t),
                    "observed": float(self.observed[i, j]),
                    "expected": float(self.expected[i, j]),
                    "upperbound": float(self.upperbound[i, j]),
                    "alarm": bool(self.alarm[i, j]) if defined[i, j] else None,
                    "score": float(self.score[i, j]),
                    "pvalue": float(self.pvalue[i, j]),
                    "status": Status(int(self.status[i, j])).name.lower(),
                    "reason": self.reason(i, j),
                }
