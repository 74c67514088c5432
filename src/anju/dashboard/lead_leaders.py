"""The 包案领导 figure of the overview: open matters per lead leader, and how many of them are overdue."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q
from django.utils import timezone

from anju.core.scoping import scoped
from anju.matters.models import Matter
from anju.matters.workflow import DEADLINE_STATUSES


def figure(user, today: dt.date | None = None) -> dict:
    """{"rows": [{"leader", "open", "overdue"}], "missing": open 较高/最高 matters without a lead leader}."""
    today = today or timezone.localdate()
    open_matters = scoped(user, Matter).open()
    overdue = Q(status__in=DEADLINE_STATUSES, deadline__lt=today)
    rows = (
        open_matters.filter(lead_leader__isnull=False)
        .values("lead_leader", "lead_leader__display_name", "lead_leader__username")
        .annotate(open=Count("id"), overdue=Count("id", filter=overdue))
        .order_by("-overdue", "-open", "lead_leader__username")
    )
    missing = (
        open_matters.filter(lead_leader__isnull=True)
        .filter(
            Q(residual_level__in=("high", "critical"))
            | Q(residual_level="", inherent_level__in=("high", "critical"))
            | Q(grey_rhino=True)
        )
        .count()
    )
    return {
        "rows": [
            {
                "leader": r["lead_leader__display_name"] or r["lead_leader__username"],
                "open": r["open"],
                "overdue": r["overdue"],
            }
            for r in rows
        ],
        "missing": missing,
    }
