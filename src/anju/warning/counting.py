"""Weekly counts of matters per (village, domain): the surveillance series the scan watches.

A matter registered at a grid counts for its village, so that series are comparable across villages.
Weeks are ISO weeks (Monday to Sunday, 53-week years included), identified by their Monday.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
from django.db.models.functions import TruncDate

from anju.core.models import Area, AreaLevel, Domain
from anju.matters.models import Matter


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


@dataclass
class WeeklyCounts:
    areas: list[Area]  # one per series row block
    domains: list[Domain]
    mondays: np.ndarray  # datetime64[D], one per column
    counts: np.ndarray  # (n_areas * n_domains, n_weeks), row = area_index * n_domains + domain_index

    def series_index(self, area_id: int, domain_id: int) -> int:
        a = next(i for i, area in enumerate(self.areas) if area.pk == area_id)
        d = next(i for i, domain in enumerate(self.domains) if domain.pk == domain_id)
        return a * len(self.domains) + d

    def row_keys(self) -> list[tuple[Area, Domain]]:
        return [(a, d) for a in self.areas for d in self.domains]


def series_areas() -> tuple[list[Area], dict[int, int]]:
    """The village-level areas (series) and a map from every area id to its series area id."""
    areas = list(Area.objects.all().only("id", "path", "level", "name", "code"))
    villages = [a for a in areas if a.level == AreaLevel.VILLAGE]
    by_path = {a.path: a.pk for a in villages}
    owner: dict[int, int] = {}
    for area in areas:
        if area.level == AreaLevel.VILLAGE:
            owner[area.pk] = area.pk
        elif area.level > AreaLevel.VILLAGE:
            parts = area.path.strip("/").split("/")
            village_path = "/" + "/".join(parts[:3]) + "/"
            if village_path in by_path:
                owner[area.pk] = by_path[village_path]
    return villages, owner


def weekly_counts(through: dt.date, first_week: dt.date | None = None) -> WeeklyCounts:
    """Counts for every village × active domain, from the first week with a matter through ``through``."""
    villages, owner = series_areas()
    domains = list(Domain.objects.filter(active=True).order_by("sort_order", "code"))
    last_monday = monday_of(through)
    rows = (
        Matter.objects.filter(occurred_at__date__lte=last_monday + dt.timedelta(days=6))
        .annotate(day=TruncDate("occurred_at"))
        .values_list("area_id", "domain_id", "day")
    )
    data = [(owner.get(a), d, day) for a, d, day in rows if owner.get(a) is not None]
    if first_week is None:
        earliest = min((day for _, _, day in data), default=last_monday)
        first_week = monday_of(earliest)
    n_weeks = (last_monday - first_week).days // 7 + 1
    mondays = np.datetime64(first_week, "D") + 7 * np.arange(n_weeks)
    counts = np.zeros((len(villages) * len(domains), n_weeks), dtype=np.int64)
    area_row = {a.pk: i for i, a in enumerate(villages)}
    domain_col = {d.pk: j for j, d in enumerate(domains)}
    for area_id, domain_id, day in data:
        if domain_id not in domain_col or day < first_week:
            continue
        week = (day - first_week).days // 7
        counts[area_row[area_id] * len(domains) + domain_col[domain_id], week] += 1
    return WeeklyCounts(areas=villages, domains=domains, mondays=mondays, counts=counts)
