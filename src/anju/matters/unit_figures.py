"""Figures per responsible unit (责任单位), computed from a set of matters (writes nothing).

The caller passes matters already scoped (``core.scoping.scoped`` on the dashboard, an area's subtree in the
monthly report) and a window: ``since`` (None: from the first matter) to ``as_of`` (both dates, local time,
inclusive). A unit's matters are those whose responsible unit it is; merged and rejected matters are not
counted. For each unit:

- ``assigned``: its matters registered within the window;
- ``resolved``: its matters resolved (化解) within the window;
- ``resolution_rate`` (化解率): of ``assigned``, the share resolved on or before ``as_of``, in per cent;
- ``on_time_rate`` (按期办结率): of its matters resolved within the window that had a deadline, the share
  resolved on or before the deadline (the local date of resolution ≤ the deadline), in per cent;
- ``overdue`` (超期): its matters registered on or before ``as_of`` whose deadline is before ``as_of`` and that
  were not resolved by ``as_of``, whatever their registration date;
- ``grassroots_rate`` (化解在基层率): of ``resolved``, the share never escalated (上报) to a higher level, in per
  cent;
- ``open_by_level`` (在办分级): its matters registered on or before ``as_of`` and not resolved by then, counted
  by current level (the residual level when assessed after measures, else the inherent one): keys
  ``critical``, ``high``, ``medium``, ``low`` and ``unassessed``; ``open`` is their sum.

A rate with no matter to divide by is None (shown as —). Rates are rounded to one decimal.

``leader_figures`` gives the same figures per 包案领导 (``Matter.lead_leader``) instead of per unit: a leader's
matters are those they lead, whichever unit handles them.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from anju.matters.models import MatterEvent
from anju.matters.workflow import Status

NOT_COUNTED = (Status.MERGED, Status.REJECTED)
LEVEL_CODES = ("critical", "high", "medium", "low", "unassessed")
ZERO = ("assigned", "assigned_resolved", "resolved_n", "grassroots", "with_deadline", "on_time", "overdue")


def _rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


# grouping -> (the matter's field, the group's name, what orders the groups before the name)
GROUPINGS = {
    "unit": ("responsible_unit", "responsible_unit__name", "responsible_unit__area__path"),
    "leader": ("lead_leader", "lead_leader__display_name", "lead_leader__username"),
}


def unit_figures(
    matters: QuerySet,
    *,
    as_of: dt.date,
    since: dt.date | None = None,
    by: str = "unit",
    area_ids: list[int] | None = None,
) -> list[dict]:
    """One row per responsible unit of ``matters`` (by the unit's area and name), as the module describes;
    ``by="leader"``: one row per 包案领导 instead. Counted by the database, grouped by unit (and by unit and
    level for the open ones): no matter row comes back to Python."""
    field, name_field, order_field = GROUPINGS[by]
    # local dates as half-open ranges of moments (an index serves them; no date cast of every row)
    zone = timezone.get_current_timezone()
    end = dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    start = None if since is None else dt.datetime.combine(since, dt.time.min, tzinfo=zone)

    def counted_by_end(queryset):
        return queryset.exclude(status__in=NOT_COUNTED).filter(registered_at__lt=end).order_by()

    base = counted_by_end(matters.filter(**{f"{field}__isnull": False}))
    resolved_by_end = Q(resolved_at__isnull=False, resolved_at__lt=end)
    in_window = Q() if start is None else Q(registered_at__gte=start)
    resolved_in_window = resolved_by_end & (Q() if start is None else Q(resolved_at__gte=start))
    escalated = Exists(MatterEvent.objects.filter(matter=OuterRef("pk"), kind="escalated"))
    counted = base.annotate(ever_escalated=escalated)
    if start is not None:
        # only the matters the window touches (registered or resolved in it, or open at its end) are
        # counted; the others add nothing but their group, which is listed below from the groups' table
        counted = counted.filter(in_window | resolved_in_window | ~resolved_by_end)
    counts = {
        row[f"{field}_id"]: row
        for row in counted.values(f"{field}_id").annotate(
            assigned=Count("pk", filter=in_window),
            assigned_resolved=Count("pk", filter=in_window & resolved_by_end),
            resolved_n=Count("pk", filter=resolved_in_window),
            grassroots=Count("pk", filter=resolved_in_window & Q(ever_escalated=False)),
            with_deadline=Count("pk", filter=resolved_in_window & Q(deadline__isnull=False)),
            on_time=Count(
                "pk",
                filter=resolved_in_window & Q(deadline__isnull=False, resolved_at__date__lte=F("deadline")),
            ),
            overdue=Count("pk", filter=~resolved_by_end & Q(deadline__lt=as_of)),
        )
    }
    levels: dict[int, Counter] = defaultdict(Counter)
    open_rows = (
        base.filter(~resolved_by_end)
        .values_list(f"{field}_id", "residual_level", "inherent_level")
        .annotate(n=Count("pk"))
    )
    for group, residual, inherent, n in open_rows:
        levels[group][residual or inherent or "unassessed"] += n
    # every unit (leader) with a counted matter registered by ``as_of``: one probe of its index each. With
    # ``area_ids`` (the areas ``matters`` is limited to) the probe reads the (unit, area) index: through the
    # area path join a unit whose matters lie elsewhere had all of them read (8.5 s at 1,000,000 matters).
    prefix = f"{field}__"
    probed = base if area_ids is None else counted_by_end(matters.model.objects.filter(area_id__in=area_ids))
    groups = (
        matters.model._meta.get_field(field)
        .related_model.objects.filter(Exists(probed.filter(**{field: OuterRef("pk")})))
        .values("pk", name_field.removeprefix(prefix), order_field.removeprefix(prefix))
    )
    grouped = [
        {
            f"{field}_id": row["pk"],
            name_field: row[name_field.removeprefix(prefix)],
            order_field: row[order_field.removeprefix(prefix)],
            **counts.get(row["pk"], dict.fromkeys(ZERO, 0)),
        }
        for row in groups
    ]
    out = []
    rows = sorted(
        grouped,
        key=lambda r: (
            (r[order_field], r[name_field] or r[order_field])
            if by == "unit"
            else (r[name_field] or r[order_field], r[name_field] or r[order_field])
        ),
    )
    for row in rows:
        group = row[f"{field}_id"]
        out.append(
            {
                "unit_id": group,
                "unit": row[name_field] or row[order_field],  # a unit, or a leader with ``by="leader"``
                "assigned": row["assigned"],
                "resolved": row["resolved_n"],
                "resolution_rate": _rate(row["assigned_resolved"], row["assigned"]),
                "on_time_rate": _rate(row["on_time"], row["with_deadline"]),
                "overdue": row["overdue"],
                "grassroots_rate": _rate(row["grassroots"], row["resolved_n"]),
                "open_by_level": {code: levels[group][code] for code in LEVEL_CODES},
                "open": sum(levels[group].values()),
            }
        )
    return out


def leader_figures(
    matters: QuerySet, *, as_of: dt.date, since: dt.date | None = None, area_ids: list[int] | None = None
) -> list[dict]:
    """The figures of ``unit_figures`` per 包案领导 (the leader's display name, else their username)."""
    return unit_figures(matters, as_of=as_of, since=since, by="leader", area_ids=area_ids)
