"""What of reporting a user sees: ``scoped`` by area, and for a department officer only their own unit's
reports (a unit's reports are addressed to the unit; an area's are not the officer's to read)."""

from __future__ import annotations

from django.db.models import QuerySet

from anju.core.permissions import may
from anju.core.roles import UNIT_SCOPED_ROLES
from anju.core.scoping import scoped
from anju.reports.models import MonthlyReport, ProgressReport


def _own_unit(user, qs: QuerySet) -> QuerySet:
    if getattr(user, "role", None) in UNIT_SCOPED_ROLES:
        return qs.filter(unit=user.unit_id) if user.unit_id else qs.none()
    return qs


def visible_reports(user, queryset=None) -> QuerySet:
    return _own_unit(user, scoped(user, queryset if queryset is not None else MonthlyReport))


def visible_progress(user, queryset=None) -> QuerySet:
    """Progress reports the user sees: those of their area subtree (a department officer: their unit's)."""
    return _own_unit(user, scoped(user, queryset if queryset is not None else ProgressReport))


def addressed_to(user, queryset=None) -> QuerySet:
    """Progress reports addressed to the user's level or below it that the user may mark read."""
    if not may(user, "progress.read") or user.area_id is None:
        return ProgressReport.objects.none()
    return visible_progress(user, queryset).filter(to_area__path__startswith=user.area.path)


def unread_progress(user, queryset=None) -> QuerySet:
    """Unread progress reports addressed to the user's own area (not those below it): the home page's count,
    and the list ``?show=to_me`` opens."""
    if not may(user, "progress.read") or user.area_id is None:
        return ProgressReport.objects.none()
    return visible_progress(user, queryset).filter(to_area=user.area, read_at__isnull=True)


def unread_progress_count(user) -> int:
    """Unread progress reports addressed to the user's area (for the home page)."""
    return unread_progress(user).count()
