"""State changes of the early-warning app. ``run_scan`` is what cron / the scheduler / the button call."""

from __future__ import annotations

import datetime as dt
import math
import time

import numpy as np
from django.db import transaction
from django.utils import timezone

from anju.core import audit
from anju.signals.data import CountPanel
from anju.warning.counting import monday_of, weekly_counts
from anju.warning.detection import controls_for, evaluate
from anju.warning.models import DomainDetection, Method, Signal, SignalScan


def _finite(value: float) -> float | None:
    return float(value) if value is not None and math.isfinite(value) else None


@transaction.atomic
def run_scan(actor=None, *, through: dt.date | None = None, weeks: int = 4) -> SignalScan:
    """Count matters per (village, domain, ISO week) and evaluate the last ``weeks`` weeks through
    ``through`` (default: this week) with each domain's configured method; store one Signal per
    series and week, replacing earlier evaluations of the same weeks."""
    if actor is not None:
        actor.require("signals.scan")
    started = time.perf_counter()
    through = through or timezone.localdate()
    counts = weekly_counts(through)
    n_weeks = counts.counts.shape[1]
    weeks = max(1, min(int(weeks), n_weeks))
    t_index = np.arange(n_weeks - weeks + 1, n_weeks + 1)
    scan = SignalScan.objects.create(
        actor=actor,
        first_week=counts.mondays[t_index[0] - 1].astype(dt.date),
        last_week=monday_of(through),
        series_count=counts.counts.shape[0],
    )
    configured = {d.domain_id: d for d in DomainDetection.objects.all()}
    n_domains = len(counts.domains)
    signals: list[Signal] = []
    for j, domain in enumerate(counts.domains):
        setting = configured.get(domain.pk)
        method = setting.method if setting else Method.FARRINGTON_FLEXIBLE
        controls = controls_for(method, setting.controls if setting else None)
        rows = np.arange(j, counts.counts.shape[0], n_domains)
        panel = CountPanel(
            counts.counts[rows], freq=52, dates=counts.mondays, series_ids=[str(a.pk) for a in counts.areas]
        )
        evaluated = np.zeros((rows.size, t_index.size), dtype=bool)
        for subset, result in evaluate(method, controls, panel, t_index):
            cols = np.searchsorted(t_index, subset)
            for i, area in enumerate(counts.areas):
                for k, col in enumerate(cols):
                    evaluated[i, col] = True
                    signals.append(
                        Signal(
                            area=area,
                            domain=domain,
                            week=counts.mondays[subset[k] - 1].astype(dt.date),
                            method=method,
                            observed=int(result.observed[i, k]),
                            expected=_finite(result.expected[i, k]),
                            upperbound=_finite(result.upperbound[i, k]),
                            score=_finite(result.score[i, k]),
                            alarm=bool(result.alarm[i, k]),
                            status=_status_name(result, i, k),
                            scan=scan,
                        )
                    )
        for i, col in zip(*np.nonzero(~evaluated), strict=True):
            signals.append(
                Signal(
                    area=counts.areas[i],
                    domain=domain,
                    week=counts.mondays[t_index[col] - 1].astype(dt.date),
                    method=method,
                    observed=int(counts.counts[rows[i], t_index[col] - 1]),
                    alarm=False,
                    status="insufficient_history",
                    scan=scan,
                )
            )
    Signal.objects.filter(week__gte=scan.first_week, week__lte=scan.last_week).delete()
    Signal.objects.bulk_create(signals, batch_size=2000)
    scan.points_evaluated = len(signals)
    scan.alarm_count = sum(s.alarm for s in signals)
    scan.finished_at = timezone.now()
    scan.duration_ms = int((time.perf_counter() - started) * 1000)
    scan.save()
    audit.record(
        actor,
        "signals.scan",
        scan,
        after={
            "first_week": scan.first_week,
            "last_week": scan.last_week,
            "series": scan.series_count,
            "points": scan.points_evaluated,
            "alarms": scan.alarm_count,
        },
    )
    return scan


def _status_name(result, i: int, k: int) -> str:
    from anju.signals.result import Status

    return Status(int(result.status[i, k])).name.lower()


@transaction.atomic
def configure_domain(actor, domain, *, method: str, controls: dict | None = None) -> DomainDetection:
    actor.require("signals.configure")
    setting, _ = DomainDetection.objects.get_or_create(domain=domain)
    before = {"method": setting.method, "controls": setting.controls}
    controls_for(method, controls)  # raises KeyError for an unknown method
    setting.method, setting.controls = method, dict(controls or {})
    setting.save()
    audit.record(
        actor,
        "signals.configure",
        domain,
        before=before,
        after={"method": method, "controls": setting.controls},
    )
    return setting
