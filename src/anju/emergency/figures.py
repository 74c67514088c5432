"""Completion figures of the yearly drill plans (年度演练计划完成情况), per area and in total. Reads only."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from anju.core.scoping import scoped
from anju.emergency.models import DrillStatus, ProgrammeItem


@dataclass
class ProgrammeFigures:
    area: str
    planned: int = 0  # drills the plan promises in the year
    conducted: int = 0  # of them, recorded as conducted
    on_time: int = 0  # of those, conducted no later than the target date
    overdue: int = 0  # not conducted and past their target date

    @property
    def completion(self) -> int | None:
        """Conducted of planned, in whole per cent (None when nothing is planned)."""
        return round(100 * self.conducted / self.planned) if self.planned else None


def programme_figures(user, year: int, today: dt.date) -> tuple[list[ProgrammeFigures], ProgrammeFigures]:
    """The rows per area (in the area tree's order) of the yearly plans ``user`` may see, and their total."""
    items = (
        scoped(user, ProgrammeItem)
        .filter(programme__year=year)
        .select_related("programme__area", "drill")
        .order_by("programme__area__path", "target_date")
    )
    rows: dict[int, ProgrammeFigures] = {}
    total = ProgrammeFigures(area=_("合计"))
    for item in items:
        area = item.programme.area
        row = rows.setdefault(area.pk, ProgrammeFigures(area=area.name))
        conducted = item.drill.status == DrillStatus.CONDUCTED
        for figures in (row, total):
            figures.planned += 1
            if conducted:
                figures.conducted += 1
                if item.drill.date <= item.target_date:
                    figures.on_time += 1
            elif item.target_date < today:
                figures.overdue += 1
    return list(rows.values()), total
