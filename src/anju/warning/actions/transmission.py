"""风险传导: refit the endemic–epidemic model of a county and store its summaries (``fit_transmission``), and
the nightly rule that refits a county whose stored fit is a week old or missing (``fit_due``)."""

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
from anju.warning.models import TransmissionFit
from anju.warning.models_transmission import REFIT_DAYS
from anju.warning.transmission import TransmissionInputError, county_series, fit_county
from anju.warning.transmission_summary import summarise


def county_of(area: Area) -> Area:
    """The county an area lies in (the model is fitted per county; a town's page reads its county's fit)."""
    if area.level == AreaLevel.COUNTY:
        return area
    if area.level < AreaLevel.COUNTY:
        raise ValidationError({"area": _("请选择县或县以下的区域。")})
    return next(a for a in area.ancestors() if a.level == AreaLevel.COUNTY)


def fit_transmission(actor=None, *, county: Area, now: dt.datetime | None = None) -> list[TransmissionFit]:
    """Fit the county's model and store one summary for the county and one for each of its towns. The fit
    runs before the transaction opens; the transaction only replaces the rows."""
    if actor is not None:  # None: the nightly job or the command line
        require(actor, "transmission.fit", county)
    now = now or timezone.now()
    started = time.perf_counter()
    try:
        series = county_series(county, timezone.localdate(now))
        cfit = fit_county(series)
    except TransmissionInputError as exc:
        raise ValidationError({"area": str(exc)}) from exc
    areas = [county, *Area.objects.filter(parent=county, level=AreaLevel.TOWN).order_by("code")]
    results = [(area, summarise(cfit, area)) for area in areas]
    duration_ms = int((time.perf_counter() - started) * 1000)
    mondays = series.mondays
    stored = []
    with transaction.atomic():
        for area, result in results:
            row, _created = TransmissionFit.objects.update_or_create(
                area=area,
                defaults={
                    "county": county,
                    "fitted_at": now,
                    "fitted_by": actor,
                    "first_week": mondays[0].astype(dt.date),
                    "last_week": mondays[-1].astype(dt.date),
                    "weeks": len(mondays),
                    "series_count": int(series.counts.shape[1]),
                    "duration_ms": duration_ms,
                    "result": result,
                },
            )
            stored.append(row)
        audit.record(
            actor,
            "transmission.fit",
            stored[0],
            after={
                "county": county.code,
                "weeks": len(mondays),
                "series": int(series.counts.shape[1]),
                "omega": cfit.omega,
                "loglik": round(float(cfit.fit.loglik), 3),
            },
        )
    return stored


def counties_due(now: dt.datetime) -> list[Area]:
    """Counties with no stored fit, or one fitted ``REFIT_DAYS`` days ago or more."""
    fresh = TransmissionFit.objects.filter(
        area__level=AreaLevel.COUNTY, fitted_at__gt=now - dt.timedelta(days=REFIT_DAYS)
    ).values_list("area_id", flat=True)
    return list(Area.objects.filter(level=AreaLevel.COUNTY).exclude(pk__in=fresh).order_by("code"))


def fit_due(now: dt.datetime | None = None) -> list[tuple[Area, str]]:
    """The nightly job: refit each county that is due. One county's failure (too little data) does not stop
    the others; each outcome is a line for the job's log."""
    now = now or timezone.now()
    outcomes = []
    for county in counties_due(now):
        try:
            rows = fit_transmission(None, county=county, now=now)
        except ValidationError as exc:
            outcomes.append((county, "; ".join(exc.messages)))
        else:
            outcomes.append((county, _("已计算，%(n)s 个区域。") % {"n": len(rows)}))
    return outcomes
