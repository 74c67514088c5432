"""Forecasting: the nightly four-week forecast of a county's town × domain series (``run_forecast``, what
the scheduler, the command line, the background job and the demo call). The model is refitted once a week
(or when none is stored or its design changed); other nights reuse its parameters on the new counts."""

from __future__ import annotations

import datetime as dt
import time

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anju.core import audit
from anju.core.models import Area, AreaLevel
from anju.core.permissions import require
from anju.warning import forecast as fc
from anju.warning.models import ForecastRun, ForecastSeries

KEEP_RUNS = 14  # per county; older runs are deleted with their rows


def forecast_counties() -> list[Area]:
    return list(Area.objects.filter(level=AreaLevel.COUNTY).order_by("path"))


def run_forecast(
    actor,
    county: Area,
    *,
    now: dt.datetime | None = None,
    refit: bool | None = None,
    n_paths: int = fc.N_PATHS,
    seed: int | None = None,
) -> ForecastRun:
    """Forecast ``county``'s next four weeks from the last complete week and store the run.

    ``refit=None`` follows the weekly rule (``forecast.needs_refit``); ``True`` forces a refit and a new
    rolling-origin evaluation. The numbers are computed before the transaction opens; the transaction only
    writes them. ``seed`` defaults to the origin week, so a night's paths are reproducible."""
    if actor is not None:  # None: cron or the scheduler
        require(actor, "signals.scan", county)
    if county.level != AreaLevel.COUNTY:
        raise ValidationError({"area": _("预测按县计算，请选择县级区域。")})
    started_at, started = now or timezone.now(), time.perf_counter()
    origin = fc.last_complete_week(timezone.localdate(started_at))
    last = ForecastRun.objects.filter(area=county).exclude(fit={}).order_by("-computed_at", "-id").first()
    if refit is None:
        refit = fc.needs_refit(last.fitted_at if last else None, started_at)
    forecast = fc.compute(
        county,
        origin,
        previous=None if refit or last is None else last.fit,
        previous_skill=None if refit or last is None else last.skill,
        seed=int(origin.strftime("%Y%m%d")) if seed is None else seed,
        n_paths=n_paths,
    )
    fitted_at = started_at
    if not forecast.refitted and last is not None:
        fitted_at = last.fitted_at
    with transaction.atomic():
        run = ForecastRun.objects.create(
            area=county,
            computed_at=started_at,
            actor=actor,
            origin_week=origin,
            horizon=fc.HORIZON,
            refitted=forecast.refitted,
            fitted_at=fitted_at,
            fit=forecast.fit_params,
            skill=forecast.skill,
        )
        weeks = [w.isoformat() for w in forecast.weeks]
        ForecastSeries.objects.bulk_create(
            ForecastSeries(
                run=run,
                area=s["area"],
                domain=s["domain"],
                weeks=weeks,
                quantiles=s["quantiles"],
                mean=s["mean"],
                recent=s["recent"],
                expected_total=s["expected_total"],
            )
            for s in forecast.series
        )
        old = ForecastRun.objects.filter(area=county).order_by("-computed_at", "-id")[KEEP_RUNS:]
        ForecastRun.objects.filter(pk__in=[r.pk for r in old]).delete()
        run.duration_ms = int((time.perf_counter() - started) * 1000)
        run.save(update_fields=["duration_ms"])
        audit.record(
            actor,
            "forecast.run",
            run,
            after={
                "origin_week": origin,
                "refitted": run.refitted,
                "series": len(forecast.series),
                "skill": {k: v for k, v in forecast.skill.items() if k in ("skill", "reason")},
            },
        )
    return run
