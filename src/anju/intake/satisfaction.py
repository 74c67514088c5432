"""回访 figures: the staff's follow-up records (回访记录) and the citizens' own ratings on the status page,
counted side by side and never added together. Writes nothing."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count

from anju.intake.models import Rating, SatisfactionRating
from anju.matters.models import FollowUpVisit, Satisfaction

STAFF_VALUES = (
    Satisfaction.SATISFIED,
    Satisfaction.BASICALLY,
    Satisfaction.UNSATISFIED,
    Satisfaction.UNREACHABLE,
)
CITIZEN_VALUES = (Rating.SATISFIED, Rating.BASICALLY, Rating.UNSATISFIED)


def _rate(counts: dict) -> float | None:
    """满意率: satisfied and basically satisfied among those who gave a view (无法联系 is no view)."""
    views = counts["satisfied"] + counts["basically"] + counts["unsatisfied"]
    return round(100 * (counts["satisfied"] + counts["basically"]) / views, 1) if views else None


def figures(matters, first: dt.date, last: dt.date) -> dict:
    """For the matters ``matters`` (a queryset, already scoped): the staff 回访 made from ``first`` to ``last``
    and the citizens' ratings given in that time, each by value, with its total and 满意率."""
    staff = dict(
        FollowUpVisit.objects.filter(matter__in=matters, visited_on__range=(first, last))
        .order_by()
        .values_list("satisfaction")
        .annotate(n=Count("pk"))
    )
    citizen = dict(
        SatisfactionRating.objects.filter(matter__in=matters, rated_at__date__range=(first, last))
        .order_by()
        .values_list("rating")
        .annotate(n=Count("pk"))
    )
    staff_counts = {str(v): staff.get(v, 0) for v in STAFF_VALUES}
    citizen_counts = {str(v): citizen.get(v, 0) for v in CITIZEN_VALUES}
    return {
        "staff": {**staff_counts, "total": sum(staff_counts.values()), "rate": _rate(staff_counts)},
        "citizen": {**citizen_counts, "total": sum(citizen_counts.values()), "rate": _rate(citizen_counts)},
    }
