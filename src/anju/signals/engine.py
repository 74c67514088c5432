"""Shared machinery of the Farrington methods: batching fits and R's fit/refit logic.

The fits of all series and time points that share a design (same relative positions, seasonal
levels and time values) are stacked and run as one batch. For index-based series that is one
design for every time point; for date-based weekly series a handful (53-week years shift the
windows). Batches are cut into chunks to bound memory.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
from scipy import special

from . import accel
from .data import CountPanel
from .glm import (
    DOUBLE_EPS,
    GLM_EPSILON,
    GLM_MAXIT,
    Counts,
    GroupedDesign,
    anscombe_weights,
    fit_quasipoisson,
)
from .windows import FitWindow, NotEvaluable


def single_threaded_blas():
    """Limit BLAS to one thread: the products here are small, and BLAS threads that spin on a
    busy machine cost several times more than they save. Uses threadpoolctl when installed."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # optional: without it BLAS keeps its own default
        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


def default_jobs() -> int:
    """One thread per CPU this process may use (the compiled fits release the GIL)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


CHUNK_ELEMENTS = 250_000  # fits x observations per chunk: about 2 MB per float array, cache-sized


@dataclass
class DesignBatch:
    """All (series, time point) fits sharing one design."""

    design: GroupedDesign  # with trend (time centred)
    predict_group: int  # group index of the period being evaluated
    predict_time: float  # centred time value of the period being evaluated
    relative_positions: np.ndarray  # positions used, relative to the evaluated period
    columns: np.ndarray  # which evaluated periods (column indices of the result) use it
    times: np.ndarray  # their 0-based time positions


def batches_by_design(
    panel: CountPanel, t_index: np.ndarray, window_at: Callable[[int], FitWindow], predict_level: int
) -> tuple[list[DesignBatch], dict[int, str]]:
    """Group evaluated periods by design; also return the periods that cannot be evaluated."""
    groups: dict[bytes, list[int]] = {}
    windows: dict[bytes, FitWindow] = {}
    skipped: dict[int, str] = {}
    for col, t in enumerate(t_index):
        try:
            win = window_at(int(t))
        except NotEvaluable as exc:
            skipped[col] = str(exc)
            continue
        if predict_level not in win.levels:
            skipped[col] = "no reference window at the evaluated period's level"
            continue
        key = win.key(int(t) - 1)
        groups.setdefault(key, []).append(col)
        windows.setdefault(key, win)
    batches = []
    for key, cols in groups.items():
        win = windows[key]
        t0 = int(t_index[cols[0]]) - 1
        levels = np.unique(win.levels)
        centre = float(win.wtime.mean())
        design = GroupedDesign(np.searchsorted(levels, win.levels), len(levels), win.wtime - centre)
        batches.append(
            DesignBatch(
                design=design,
                predict_group=int(np.searchsorted(levels, predict_level)),
                predict_time=-centre,
                relative_positions=win.positions - t0,
                columns=np.asarray(cols),
                times=np.asarray(t_index)[cols] - 1,
            )
        )
    return batches, skipped


def iter_chunks(batch: DesignBatch, n_series: int) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """(series rows, column indices) per chunk; each chunk = all pairs of its rows x columns."""
    n_cols = batch.columns.shape[0]
    n_obs = batch.design.n_obs
    fits_per_chunk = max(1, CHUNK_ELEMENTS // max(n_obs, 1))
    if n_cols >= fits_per_chunk:
        for s in range(n_series):
            for c in range(0, n_cols, fits_per_chunk):
                yield np.array([s]), np.arange(c, min(c + fits_per_chunk, n_cols))
    else:
        rows_per_chunk = max(1, fits_per_chunk // n_cols)
        for s in range(0, n_series, rows_per_chunk):
            yield np.arange(s, min(s + rows_per_chunk, n_series)), np.arange(n_cols)


def run_chunks(
    batches: list[DesignBatch], n_series: int, work, jobs: int = 1, progress: bool = False
) -> None:
    """Call ``work(batch, rows, cols)`` (returns the number of fits done) on every chunk.

    With ``jobs > 1`` chunks run on a thread pool: numpy and BLAS release the GIL for the
    element-wise passes that dominate, and every chunk writes disjoint result cells.
    """
    from .progress import Progress

    items = [(batch, rows, cols) for batch in batches for rows, cols in iter_chunks(batch, n_series)]
    bar = Progress(sum(b.columns.size for b in batches) * n_series, enabled=progress)
    try:
        with single_threaded_blas():
            if jobs <= 1 or len(items) < 2:
                for item in items:
                    bar.update(work(*item))
            else:
                from concurrent.futures import ThreadPoolExecutor

                with ThreadPoolExecutor(max_workers=jobs) as pool:
                    for done in pool.map(lambda item: work(*item), items):
                        bar.update(done)
    finally:
        bar.close()


def integer_counts(observed: np.ndarray) -> tuple[np.ndarray, int]:
    """The panel's (validated, integer-valued) counts as int64, so fits index per-value tables
    directly, and the largest count; the counts stay as they are beyond exact integer range."""
    top = observed.max() if observed.size else 0.0
    if top < 2.0**53:
        return observed.astype(np.int64), int(top)
    return observed, int(top)


def fit_counts(
    counts: np.ndarray, rows: np.ndarray, times: np.ndarray, rel: np.ndarray, top: int
) -> Counts | np.ndarray:
    """The counts of the fits (series ``rows`` x periods ``times``, row-major), as a lazily gathered
    :class:`Counts` on an int64 panel whose largest count is ``top``, or as a matrix for panels
    beyond exact integers."""
    if counts.dtype != np.int64:
        return gather(counts, rows, times, rel)
    series = np.repeat(rows, times.shape[0])
    return Counts.from_panel(counts, series, np.tile(times, rows.shape[0]), rel, top)


def gather(observed: np.ndarray, rows: np.ndarray, times: np.ndarray, rel: np.ndarray) -> np.ndarray:
    """(len(rows) * len(times), n_obs) matrix of the fit data, row-major over (series, time)."""
    idx = times[:, None] + rel[None, :]
    return observed[rows[:, None, None], idx[None, :, :]].reshape(
        rows.shape[0] * times.shape[0], rel.shape[0]
    )


@dataclass
class FitSummary:
    """What the thresholds need from a fitted (and reweighted) model, per fit."""

    first_converged: np.ndarray
    has_trend: np.ndarray
    eta0: np.ndarray  # linear predictor at the evaluated period
    quad0: np.ndarray  # x0' (X'WX)^-1 x0
    phi: np.ndarray  # max(dispersion, 1)
    inference_dispersion: np.ndarray  # dispersion summary()/predict() use for p-values and se.fit
    beta: np.ndarray
    p_trend: np.ndarray

    def take(self, other: FitSummary, where: np.ndarray) -> None:
        for name in self.__dataclass_fields__:
            getattr(self, name)[where] = getattr(other, name)


@dataclass(frozen=True)
class FitRules:
    """Differences between R's two fitting functions."""

    reweight: bool
    weights_threshold: float
    overwrite_weights: bool  # fitGLM.flexible: model$weights <- prior weights (inference quirk)


def fit_and_reweight(
    y: Counts, design: GroupedDesign, group: int, time: float, rules: FitRules
) -> FitSummary:
    """One call of R's fitFun: quasi-Poisson fit, Anscombe reweighting, refit, phi."""
    # the kernel compares squared residuals with threshold^2, which needs a threshold >= 0
    compiled = accel.kernel()
    if compiled is not None and y.integer and rules.weights_threshold >= 0:
        return _fit_and_reweight_compiled(compiled, y, design, group, time, rules)
    fit = fit_quasipoisson(y, design)
    first_converged = fit.converged
    phi = np.maximum(fit.dispersion, 1.0)
    inference = fit.dispersion
    if rules.reweight:
        omega = anscombe_weights(fit, phi, rules.weights_threshold)
        fit = fit_quasipoisson(y, design, prior=omega)
        phi = np.maximum(fit.dispersion, 1.0)
        inference = fit.pearson_dispersion(omega) if rules.overwrite_weights else fit.dispersion
    eta0, quad0 = fit.link_prediction(group, time)
    trend = design.time is not None
    if trend:
        with np.errstate(divide="ignore", invalid="ignore"):
            t_stat = fit.beta / np.sqrt(inference * fit.v_tt)
        p_trend = 2.0 * special.stdtr(fit.df_residual, -np.abs(t_stat))
    else:
        p_trend = np.full(y.n_fits, np.nan)
    return FitSummary(
        first_converged=first_converged,
        has_trend=np.full(y.n_fits, trend),
        eta0=eta0,
        quad0=quad0,
        phi=phi,
        inference_dispersion=inference,
        beta=fit.beta.copy(),
        p_trend=p_trend,
    )


def _fit_and_reweight_compiled(
    kernel, y: Counts, design: GroupedDesign, group: int, time: float, rules: FitRules
) -> FitSummary:
    """fit_and_reweight by the compiled kernel (same arithmetic, one fit at a time)."""
    n_fits = y.n_fits
    trend = design.time is not None
    layout = kernel.layout(design.groups, design.n_groups, design.time)
    names = ("eta0", "quad0", "phi", "inference", "beta", "v_tt", "row_max")
    out = {name: np.empty(n_fits) for name in names}
    first_converged = np.empty(n_fits, dtype=np.bool_)
    panel, series, times, rel = y.source()
    kernel.fit_reweight_batch(
        np.ascontiguousarray(panel, dtype=np.int64), np.ascontiguousarray(series, dtype=np.int64),
        np.ascontiguousarray(times, dtype=np.int64), np.ascontiguousarray(rel, dtype=np.int64),
        y.value_tables(), layout, trend, int(group), float(time), bool(rules.reweight),
        float(rules.weights_threshold), bool(rules.overwrite_weights), GLM_MAXIT, GLM_EPSILON,
        first_converged, *(out[name] for name in names),
    )  # fmt: skip
    y.remember_row_max(out["row_max"])
    if trend:
        with np.errstate(divide="ignore", invalid="ignore"):
            t_stat = out["beta"] / np.sqrt(out["inference"] * out["v_tt"])
        p_trend = 2.0 * special.stdtr(design.n_obs - design.rank, -np.abs(t_stat))
    else:
        p_trend = np.full(n_fits, np.nan)
    return FitSummary(
        first_converged=first_converged,
        has_trend=np.full(n_fits, trend),
        eta0=out["eta0"],
        quad0=out["quad0"],
        phi=out["phi"],
        inference_dispersion=out["inference"],
        beta=out["beta"],
        p_trend=p_trend,
    )


def fit_with_trend_decision(
    y: np.ndarray | Counts,
    batch: DesignBatch,
    rules: FitRules,
    trend: bool,
    b: int,
    p_threshold_trend: float,
    fail_without_convergence: bool,
) -> tuple[FitSummary, np.ndarray]:
    """R's fit with time trend, fallback without it, and the trend decision; returns (fit, failed).

    The trend is kept iff b >= 3, its p-value is below ``p_threshold_trend`` and the predicted
    mean at t does not exceed the largest count in the fit data. ``failed`` marks fits R returns
    NULL for (farringtonFlexible: no convergence even without trend).
    """
    g, t0 = batch.predict_group, batch.predict_time
    no_trend = batch.design.without_trend()
    counts = y if isinstance(y, Counts) else Counts(y, integer=True)  # validated integer counts
    if not trend:
        res = fit_and_reweight(counts, no_trend, g, t0, rules)
        failed = ~res.first_converged if fail_without_convergence else np.zeros(counts.n_fits, dtype=bool)
        return res, failed
    res = fit_and_reweight(counts, batch.design, g, t0, rules)
    failed = np.zeros(counts.n_fits, dtype=bool)
    retry = ~res.first_converged
    if retry.any():
        alt = fit_and_reweight(counts.subset(retry), no_trend, g, t0, rules)
        res.take(alt, retry)
        if fail_without_convergence:
            failed[retry] = ~alt.first_converged
    with np.errstate(over="ignore"):  # a diverging trend predicts +inf, as in R; the trend is then dropped
        predicted = np.maximum(np.exp(res.eta0), DOUBLE_EPS)
    keep = (b >= 3) & (res.p_trend < p_threshold_trend) & (predicted <= counts.row_max)
    drop = res.has_trend & ~keep
    if drop.any():
        alt = fit_and_reweight(counts.subset(drop), no_trend, g, t0, rules)
        res.take(alt, drop)
        if fail_without_convergence:
            failed[drop] = ~alt.first_converged
    return res, failed


def recent_case_sums(observed: np.ndarray, t_index: np.ndarray, periods: int) -> np.ndarray:
    """Sum of counts over the ``periods`` periods ending at each evaluated period (limit54)."""
    csum = np.concatenate([np.zeros((observed.shape[0], 1)), np.cumsum(observed, axis=1)], axis=1)
    end = np.asarray(t_index)
    start = np.maximum(end - periods, 0)
    return csum[:, end] - csum[:, start]
