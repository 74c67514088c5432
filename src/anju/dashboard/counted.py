"""The overview's figures read from the aggregates (``dashboard.models``, kept by ``dashboard.rollup``).

Each function gives what its direct counterpart gives (``figures.key_figures`` and ``weekly_trends``,
``matters.unit_figures`` over the whole ledger) for a user whose matters are exactly those of their area
subtree (``serves``): then the count rows of that subtree, scoped like any other rows, hold the same
matters. A department officer sees part of the area's matters, which the counts cannot tell apart: their
figures stay direct. Figures that change with the clock alone (overdue) are read from the deadlines kept in
the counts, against today's date.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

from django.db.models import Sum

from anju.core.models import Unit, User
from anju.core.scoping import is_unit_scoped, scoped
from anju.dashboard.models import DayCount, StatusCount, UnitCount, WeekCount
from anju.matters.models import Matter
from anju.matters.unit_figures import LEVEL_CODES
from anju.matters.workflow import OPEN_STATUSES, Status

RESOLVED = (Status.RESOLVED, Status.FOLLOWED_UP, Status.ARCHIVED)


def serves(user) -> bool:
    """Whether the user's matters are their whole area subtree (or everything), as the counts are kept."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.area_id is None:
        return user.is_superuser
    if getattr(Matter, "scope_unit_field", None) or getattr(Matter, "scope_shared_down", False):
        return False
    return not is_unit_scoped(user)


def _sum(rows) -> int:
    return rows.aggregate(total=Sum("n"))["total"] or 0


def counted_key_figures(user, month_start: dt.date) -> dict:
    """The key figures that count the ledger's history: this month's new and resolved matters, and the
    resolution and grassroots rates."""
    days = scoped(user, DayCount).filter(day__gte=month_start)
    statuses = scoped(user, StatusCount)
    resolved = statuses.filter(status__in=RESOLVED)
    closed = _sum(statuses.exclude(status__in=OPEN_STATUSES).exclude(status=Status.MERGED))
    total_resolved = _sum(resolved)
    never_escalated = _sum(resolved.filter(escalated=False))
    return {
        "new_month": _sum(days.filter(kind="registered")),
        "resolved_month": _sum(days.filter(kind="resolved")),
        "resolution_rate": round(100 * total_resolved / closed, 1) if closed else None,
        "grassroots_rate": round(100 * never_escalated / total_resolved, 1) if total_resolved else None,
    }


def weekly_series(user, first: dt.date) -> list[tuple[int, dt.date, int]]:
    """(domain id, week's Monday, matters) from the week of ``first`` (a Monday) on."""
    return list(
        scoped(user, WeekCount)
        .filter(week__gte=first)
        .values_list("domain_id", "week")
        .annotate(total=Sum("n"))
        .order_by()
    )


def _rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def unit_rows(user, *, as_of: dt.date, by: str = "unit") -> list[dict]:
    """``matters.unit_figures.unit_figures(scoped(user, Matter), as_of=as_of)`` from the counts (``by="leader"``:
    per 包案领导), in the same order and shape."""
    field = "unit_id" if by == "unit" else "leader_id"
    rows = (
        scoped(user, UnitCount)
        .filter(**{f"{field}__isnull": False})
        .values_list(field, "resolved", "escalated", "with_deadline", "on_time", "level", "deadline")
        .annotate(total=Sum("n"))
        .order_by()
    )
    figures: dict[int, Counter] = defaultdict(Counter)
    levels: dict[int, Counter] = defaultdict(Counter)
    for group, resolved, escalated, with_deadline, on_time, level, deadline, n in rows:
        counts = figures[group]
        counts["assigned"] += n
        if resolved:
            counts["resolved"] += n
            counts["grassroots"] += 0 if escalated else n
            counts["with_deadline"] += n if with_deadline else 0
            counts["on_time"] += n if on_time else 0
        else:
            levels[group][level] += n
            if deadline is not None and deadline < as_of:
                counts["overdue"] += n
    if by == "unit":
        names = {
            pk: (path, name or path)
            for pk, name, path in Unit.objects.filter(pk__in=figures).values_list("pk", "name", "area__path")
        }
    else:
        names = {
            pk: (display or username, display or username)
            for pk, display, username in User.objects.filter(pk__in=figures).values_list(
                "pk", "display_name", "username"
            )
        }
    out = []
    for group in sorted(figures, key=lambda g: names.get(g, ("", ""))):
        counts = figures[group]
        out.append(
            {
                "unit_id": group,
                "unit": names.get(group, ("", ""))[1],
                "assigned": counts["assigned"],
                "resolved": counts["resolved"],
                "resolution_rate": _rate(counts["resolved"], counts["assigned"]),
                "on_time_rate": _rate(counts["on_time"], counts["with_deadline"]),
                "overdue": counts["overdue"],
                "grassroots_rate": _rate(counts["grassroots"], counts["resolved"]),
                "open_by_level": {code: levels[group][code] for code in LEVEL_CODES},
                "open": sum(levels[group].values()),
            }
        )
    return out
