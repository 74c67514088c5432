"""Input data: a panel of count series sharing one time axis, plus the calendar arithmetic of R.

R `surveillance` finds reference weeks of date-based series by calendar arithmetic on `Date`
objects (``seq(by = "-1 year")``, ``seq(by = "-1 month")``), which normalises impossible dates by
rolling over (29 Feb 2011 becomes 1 Mar 2011). The helpers here reproduce exactly that, on
``numpy.datetime64[D]`` day numbers, so that a port finds the same weeks as R.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

SUPPORTED_FREQUENCIES = (52, 12, 365)


class InputError(ValueError):
    """Bad input data; the message names the series and the row (1-based ``t_index``)."""


@dataclass(frozen=True)
class CountPanel:
    """Counts of ``n_series`` series observed on the same ``n_times`` consecutive periods.

    ``observed`` has shape (n_series, n_times) and holds non-negative integer counts.
    ``freq`` is 52 (weekly), 12 (monthly) or 365 (daily; EARS only).
    ``dates`` (optional, one per period, ``datetime64[D]``) makes the series *date-based*, as an
    R ``sts`` with ``epochAsDate = TRUE``: Farrington methods then find reference periods by
    calendar date. Without dates the series is *index-based* (reference weeks ``t - freq*i``).
    """

    observed: np.ndarray
    freq: int = 52
    dates: np.ndarray | None = None
    series_ids: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        obs = np.asarray(self.observed)
        if obs.ndim == 1:
            obs = obs[None, :]
        if obs.ndim != 2:
            raise InputError(f"observed must be a (n_series, n_times) matrix, got shape {obs.shape}")
        ids = tuple(str(s) for s in self.series_ids) or tuple(str(i + 1) for i in range(obs.shape[0]))
        if len(ids) != obs.shape[0]:
            raise InputError(f"{len(ids)} series ids for {obs.shape[0]} series")
        if self.freq not in SUPPORTED_FREQUENCIES:
            raise InputError(f"freq must be one of {SUPPORTED_FREQUENCIES}, got {self.freq}")
        obs = _validated_counts(obs, ids)
        dates = None
        if self.dates is not None:
            dates = np.asarray(self.dates, dtype="datetime64[D]")
            if dates.shape != (obs.shape[1],):
                raise InputError(f"{dates.shape[0]} dates for {obs.shape[1]} periods")
            if np.isnat(dates).any():
                raise InputError(f"missing date at t_index {int(np.flatnonzero(np.isnat(dates))[0]) + 1}")
            steps = np.diff(dates.astype(np.int64))
            if (steps <= 0).any():
                bad = int(np.flatnonzero(steps <= 0)[0]) + 2
                raise InputError(f"dates must be strictly increasing (t_index {bad})")
        object.__setattr__(self, "observed", obs)
        object.__setattr__(self, "series_ids", ids)
        object.__setattr__(self, "dates", dates)

    @property
    def n_series(self) -> int:
        return self.observed.shape[0]

    @property
    def n_times(self) -> int:
        return self.observed.shape[1]

    @property
    def date_based(self) -> bool:
        return self.dates is not None

    def day_numbers(self) -> np.ndarray:
        """Dates as integer days since 1970-01-01 (R's ``as.numeric(Date)``)."""
        assert self.dates is not None  # callers check has_dates first; type narrowing  # nosec B101
        return self.dates.astype(np.int64)

    def subset(self, rows: Sequence[int] | np.ndarray) -> CountPanel:
        rows = np.asarray(rows)
        return CountPanel(self.observed[rows], self.freq, self.dates, tuple(self.series_ids[i] for i in rows))


def _validated_counts(obs: np.ndarray, ids: Sequence[str]) -> np.ndarray:
    try:
        values = obs.astype(np.float64)
    except (TypeError, ValueError) as exc:
        raise InputError(f"observed counts are not numeric: {exc}") from None
    not_finite = ~np.isfinite(values)
    checks = (
        (not_finite, "is missing or not finite"),
        (~not_finite & (values < 0), "is negative"),
        (~not_finite & (values != np.round(values)), "is not an integer"),
    )
    for bad, what in checks:
        if bad.any():
            s, t = np.argwhere(bad)[0]
            raise InputError(f"series {ids[s]!r}, t_index {t + 1}: count {obs[s, t]!r} {what}")
    return values


# ---- R calendar arithmetic -------------------------------------------------------------------


def civil_from_days(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(year, month 1-12, day 1-31) of day numbers since 1970-01-01."""
    d = np.asarray(days, dtype="datetime64[D]")
    years = d.astype("datetime64[Y]")
    months = d.astype("datetime64[M]")
    year = years.astype(np.int64) + 1970
    month = (months - years.astype("datetime64[M]")).astype(np.int64) + 1
    day = (d - months.astype("datetime64[D]")).astype(np.int64) + 1
    return year, month, day


def days_from_civil(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Day number of (year, month, day), normalising overflow like R's ``as.Date(POSIXlt)``.

    Months outside 1-12 carry into the year; a day past the end of its month rolls into the next
    month (2011-02-29 -> 2011-03-01, 2011-04-31 -> 2011-05-01).
    """
    year = np.asarray(year, dtype=np.int64)
    month0 = np.asarray(month, dtype=np.int64) - 1
    year = year + np.floor_divide(month0, 12)
    month0 = np.mod(month0, 12)
    first = ((year - 1970) * 12 + month0).astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
    return first + np.asarray(day, dtype=np.int64) - 1


def shift_years(days: np.ndarray, years: np.ndarray) -> np.ndarray:
    """``seq(date, by = "<years> year")`` element: same month and day, ``years`` later."""
    y, m, d = civil_from_days(days)
    return days_from_civil(y + years, m, d)


def shift_months(days: np.ndarray, months: np.ndarray) -> np.ndarray:
    """``seq(date, by = "<months> month")`` element: same day of month, ``months`` later."""
    y, m, d = civil_from_days(days)
    return days_from_civil(y, m + months, d)


def r_weekday(days: np.ndarray) -> np.ndarray:
    """R's ``format(date, "%w")``: 0 = Sunday ... 6 = Saturday (1970-01-01 was a Thursday)."""
    return np.mod(np.asarray(days, dtype=np.int64) + 4, 7)


def day_of_month(days: np.ndarray) -> np.ndarray:
    return civil_from_days(days)[2]


def iso_week_mondays(first_monday: str | np.datetime64, n_weeks: int) -> np.ndarray:
    """Consecutive ISO-week Monday dates, a convenience for weekly date-based panels."""
    start = np.datetime64(first_monday, "D")
    if r_weekday(np.array([start.astype(np.int64)]))[0] != 1:
        raise InputError(f"{start} is not a Monday")
    return start + 7 * np.arange(n_weeks)
