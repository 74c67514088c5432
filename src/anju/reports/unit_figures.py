"""The figures of a department unit's own monthly report (镇直单位): the ledger's counts over the matters
assigned to the unit, and its own screening returns. Reads only."""

from __future__ import annotations

import datetime as dt

from anju.reports import figures


def screening_of_unit(unit, month: dt.date) -> dict | None:
    """The unit's own returns due within the month: how many were filed, and how many late."""
    from anju.screening.models import Return

    first, last = figures.month_bounds(month)
    returns = Return.objects.filter(department=unit, round__due_date__range=(first, last))
    expected = returns.count()
    if not expected:
        return None
    filed = returns.filter(filed_at__isnull=False).count()
    return {
        "expected": expected,
        "filed": filed,
        "late": returns.filter(late=True).count(),
        "rate": round(100 * filed / expected, 1),
    }


def compute(unit, month: dt.date) -> dict:
    data = figures.compute(unit.area, month, unit=unit)
    data.update(
        area=f"{unit.area.full_name()}{unit.name}",
        unit=unit.name,
        warnings=None,  # warnings and 稳评 are the area's, in the area's report
        assessment=None,
        screening=screening_of_unit(unit, month),
    )
    return data
