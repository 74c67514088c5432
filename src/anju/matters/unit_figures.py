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

from django.db.models import QuerySet
from django.utils import timezone

from anju.matters.models import MatterEvent
from anju.matters.workflow import Status

NOT_COUNTED = (Status.MERGED, Status.REJECTED)
LEVEL_CODES = ("critical", "high", "medium", "low", "unassessed")


def _rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


# grouping -> (the matter's field, the group's name, what orders the groups before the name)
GROUPINGS = {
    "unit": ("responsible_unit", "responsible_unit__name", "responsible_unit__area__path"),
    "leader": ("lead_leader", "lead_leader__display_name", "lead_leader__username"),
}


def unit_figures(
    matters: QuerySet, *, as_of: dt.date, since: dt.date | None = None, by: str = "unit"
) -> list[dict]:
    """One row per responsible unit of ``matters`` (by the unit's area and name), as the module describes;
    ``by="leader"``: one row per 包案领导 instead."""
    field, name_field, order_field = GROUPINGS[by]
    rows = (
        matters.filter(**{f"{field}__isnull": False})
        .exclude(status__in=NOT_COUNTED)
        .values_list(
            "pk",
            f"{field}_id",
            name_field,
            order_field,
            "registered_at",
            "resolved_at",
            "deadline",
            "inherent_level",
            "residual_level",
        )
    )
    rows = list(rows)
    escalated = set(
        MatterEvent.objects.filter(matter_id__in=[r[0] for r in rows], kind="escalated").values_list(
            "matter_id", flat=True
        )
    )
    counts: dict[int, Counter] = defaultdict(Counter)
    levels: dict[int, Counter] = defaultdict(Counter)
    names: dict[int, tuple[str, str]] = {}
    for pk, unit, name, path, registered_at, resolved_at, deadline, inherent, residual in rows:
        registered = timezone.localtime(registered_at).date()
        if registered > as_of:
            continue
        names[unit] = (path, name or path) if by == "unit" else (name or path, name or path)
        resolved = timezone.localtime(resolved_at).date() if resolved_at else None
        resolved_by_end = resolved is not None and resolved <= as_of
        c = counts[unit]
        if since is None or registered >= since:
            c["assigned"] += 1
            c["assigned_resolved"] += resolved_by_end
        if resolved_by_end and (since is None or resolved >= since):
            c["resolved"] += 1
            c["grassroots"] += pk not in escalated
            if deadline is not None:
                c["with_deadline"] += 1
                c["on_time"] += resolved <= deadline
        if not resolved_by_end:
            levels[unit][residual or inherent or "unassessed"] += 1
            if deadline is not None and deadline < as_of:
                c["overdue"] += 1
    out = []
    for unit, (_path, name) in sorted(names.items(), key=lambda item: item[1]):
        c = counts[unit]
        out.append(
            {
                "unit_id": unit,
                "unit": name,  # the group's name: a unit, or a leader with ``by="leader"``
                "assigned": c["assigned"],
                "resolved": c["resolved"],
                "resolution_rate": _rate(c["assigned_resolved"], c["assigned"]),
                "on_time_rate": _rate(c["on_time"], c["with_deadline"]),
                "overdue": c["overdue"],
                "grassroots_rate": _rate(c["grassroots"], c["resolved"]),
                "open_by_level": {code: levels[unit][code] for code in LEVEL_CODES},
                "open": sum(levels[unit].values()),
            }
        )
    return out


def leader_figures(matters: QuerySet, *, as_of: dt.date, since: dt.date | None = None) -> list[dict]:
    """The figures of ``unit_figures`` per 包案领导 (the leader's display name, else their username)."""
    return unit_figures(matters, as_of=as_of, since=since, by="leader")
