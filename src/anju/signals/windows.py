"""Which past periods a Farrington fit at time t uses, and their seasonal groups and time values.

This ports, for one time point at a time, R's ``algo.farrington.referencetimepoints``,
``blocks`` and ``algo.farrington.data.glm`` (farringtonFlexible) and the window construction of
``algo.farrington`` / ``refvalIdxByDate`` (original Farrington), R quirks included. The design
only depends on the time axis (index or dates), never on the counts, so it is computed once per
time point and shared by every series of a panel.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .data import day_of_month, r_weekday, shift_months, shift_years


class NotEvaluable(Exception):
    """The time point cannot be evaluated (R would stop with an error or lacks reference data)."""


@dataclass(frozen=True)
class FitWindow:
    """Positions (0-based) of the observations used for the fit at t, with their covariates."""

    positions: np.ndarray  # (n,) int, increasing
    levels: np.ndarray  # (n,) seasonal level (1..noPeriods), as R's seasgroups factor values
    wtime: np.ndarray  # (n,) R's wtime relative to wtime at t (wtime_i - wtime_t)

    def key(self, t: int) -> bytes:
        """Identical keys <=> identical designs (positions relative to t)."""
        return (self.positions - t).tobytes() + b"|" + self.levels.tobytes() + b"|" + self.wtime.tobytes()


def _r_span(a: int, b: int) -> np.ndarray:
    """R's ``a:b`` (descending when a > b, so ``a:(a-1)`` has two elements)."""
    return np.arange(a, b + 1) if a <= b else np.arange(a, b - 1, -1)


def _r_assign(vec: np.ndarray, a: int, b: int, value: float) -> None:
    """``vec[a:b] <- value`` with R's 1-based indexing (0 ignored; negatives are an error)."""
    idx = _r_span(a, b)
    if (idx < 0).any():
        raise NotEvaluable("not enough history before the first reference window")
    idx = idx[idx > 0]
    if (idx > vec.shape[0]).any():
        raise NotEvaluable("window beyond the end of the series")
    vec[idx - 1] = value


def reference_points(t: int, b: int, freq: int, days: np.ndarray | None) -> np.ndarray:
    """1-based indices of t and of the same period 1..b years back (farringtonFlexible).

    Index-based: ``t - freq*i``. Date-based: the date of t minus i calendar years; weekly data are
    then moved to the nearest date with the weekday of t (``algo.farrington.referencetimepoints``).
    """
    if days is None:
        refs = t - freq * np.arange(b + 1)
        if refs.min() < 1:
            raise NotEvaluable(f"reference period {int(refs.min())} before the series start")
        return refs
    day_t = days[t - 1]
    target = shift_years(np.full(b + 1, day_t), -np.arange(b + 1))
    back = target
    if freq == 52:
        # candidate A has t's weekday (within 6 days of the target), B is A one week towards it
        cand_a = target - (r_weekday(target) - r_weekday(np.array([day_t]))[0])
        cand_b = cand_a + np.where(cand_a > target, -7, 7)
        back = np.where(np.abs(cand_a - target) > np.abs(cand_b - target), cand_b, cand_a)
    found = np.searchsorted(days, back)
    ok = (found < days.shape[0]) & (days[np.minimum(found, days.shape[0] - 1)] == back)
    if not ok.all():
        raise NotEvaluable("some reference periods are not in the series (decrease b or evaluate later)")
    return found + 1


def flexible_window(
    t: int, n_total: int, freq: int, days: np.ndarray | None, b: int, w: int, no_periods: int, past: int
) -> FitWindow:
    """Observations and seasonal levels of the farringtonFlexible fit at t (1-based)."""
    refs = np.sort(reference_points(t, b, freq, days))[::-1]  # descending: t, t-1y, ...
    levels = np.full(n_total, np.nan)
    p = no_periods
    _r_assign(levels, t - w, t, p)
    for i in range(1, b + 1):
        ref = int(refs[i])
        _r_assign(levels, ref - w, ref + w, p)
        if p != 1:
            period = int(refs[i - 1]) - 2 * w - 1 - ref
            if period < p - (2 * w + 1):
                raise NotEvaluable("number of seasonal periods (noPeriods) too big")
            sizes = np.full(p - 1, period // (p - 1))
            sizes[: period % (p - 1)] += 1
            bounds = np.concatenate([[0], np.cumsum(sizes)])
            for j in range(1, p):
                # R writes a zero-length block as a:(a-1), i.e. two cells (monthly data quirk)
                _r_assign(levels, ref + w + 1 + int(bounds[j - 1]), ref + w + 1 + int(bounds[j]) - 1, j)
    _r_assign(levels, t - past, t, np.nan)
    pos = np.flatnonzero(~np.isnan(levels))
    if pos.size == 0:
        raise NotEvaluable("no data left for the fit")
    if days is None:
        wtime = (pos + 1 - t).astype(np.float64)
    else:
        step = float(days[1] - days[0])
        first = float(days[pos[0]])
        wtime = (days[pos] - first) / step - (float(days[t - 1]) - first) / step
    return FitWindow(pos, levels[pos].astype(np.int64), wtime)


def original_window(t: int, freq: int, days: np.ndarray | None, b: int, w: int) -> FitWindow:
    """The 2w+1 periods around each of the b past years (algo.farrington), 1-based t.

    Points before the series start (index-based) or dates missing from the series (date-based)
    are dropped, as R does (it only warns). wtime is always the index, also for date-based data.
    """
    if days is None:
        idx = np.concatenate([np.arange(t - freq * i - w, t - freq * i + w + 1) for i in range(b, 0, -1)])
        idx = idx[idx > 0]
    else:
        day_t = int(days[t - 1])
        ref_days = shift_years(np.full(b, day_t), -np.arange(1, b + 1))
        if freq == 52:
            window = (ref_days[:, None] + 7 * np.arange(-w, w + 1)[None, :]).ravel()
            wd0 = int(r_weekday(np.array([day_t]))[0])
            wd = r_weekday(window)
            fwd, bwd = np.mod(wd0 - wd, 7), np.mod(wd - wd0, 7)
            window = window + np.where(fwd < bwd, fwd, -bwd)
        elif freq == 12:
            window = shift_months(np.repeat(ref_days, 2 * w + 1), np.tile(np.arange(-w, w + 1), b))
            window = window - (day_of_month(window) - int(day_of_month(np.array([day_t]))[0]))
        else:
            window = (ref_days[:, None] + np.arange(-w, w + 1)[None, :]).ravel()
        found = np.searchsorted(days, window)
        ok = (found < days.shape[0]) & (days[np.minimum(found, days.shape[0] - 1)] == window)
        idx = found[ok] + 1
    if idx.size == 0:
        raise NotEvaluable("no reference periods in the series")
    pos = idx - 1
    return FitWindow(pos, np.ones(pos.shape[0], dtype=np.int64), (idx - t).astype(np.float64))
