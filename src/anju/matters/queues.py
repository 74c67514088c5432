"""The matters waiting for someone, as scoped querysets: 待定级, 黑天鹅待研判, 灰犀牛 and 根因分析 tasks.

Each function takes the user (scope: ``core.scoping.scoped``) and, where time matters, ``now``. Pages, the
home page's cards, the 督办 list and the overview read them; nothing here writes.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from anju.core.scoping import is_unit_scoped, scoped
from anju.matters.models import Matter, ProgressReport, RootCauseTask
from anju.matters.workflow import DEADLINE_STATUSES, OPEN_STATUSES


def ungraded_hours() -> int:
    return int(getattr(settings, "ANJU_UNGRADED_HOURS", 24))


def ungraded_q() -> Q:
    """Open and without an inherent level (研判定级 not done)."""
    return Q(status__in=OPEN_STATUSES, inherent_level="")


def ungraded(user, now: dt.datetime | None = None) -> QuerySet:
    """待定级: open matters still without a level ``ANJU_UNGRADED_HOURS`` after registration, oldest first."""
    cutoff = (now or timezone.now()) - dt.timedelta(hours=ungraded_hours())
    return (
        scoped(user, Matter).filter(ungraded_q(), registered_at__lte=cutoff).order_by("registered_at", "id")
    )


def black_swan_review(user) -> QuerySet:
    """黑天鹅待研判: open, suggested and neither confirmed nor dismissed yet, oldest first. (A closed matter can
    still be confirmed on its page; the queue is for what is still unfolding.)"""
    return (
        scoped(user, Matter)
        .filter(black_swan_suggested=True, black_swan_confirmed__isnull=True, status__in=OPEN_STATUSES)
        .order_by("registered_at", "id")
    )


def grey_rhinos(user) -> QuerySet:
    """灰犀牛 matters still open."""
    return scoped(user, Matter).filter(grey_rhino=True, status__in=OPEN_STATUSES)


def grey_rhinos_without_plan(user) -> QuerySet:
    return grey_rhinos(user).filter(mitigation_plan="")


def visible_root_cause_tasks(user) -> QuerySet:
    """根因分析 tasks in the user's area. A department officer sees the tasks addressed to their unit and those
    of the matters they may see."""
    qs = scoped(user, RootCauseTask)
    if is_unit_scoped(user):
        qs = qs.filter(Q(unit_id=user.unit_id) | Q(matter__in=scoped(user, Matter).values("pk")))
    return qs


def root_cause_tasks(user, *, done: bool = False) -> QuerySet:
    """The visible 根因分析 tasks: open ones by deadline, or done ones, latest first."""
    qs = visible_root_cause_tasks(user).select_related("matter", "unit", "completed_by")
    if done:
        return qs.filter(completed_at__isnull=False).order_by("-completed_at", "-id")
    return qs.filter(completed_at__isnull=True).order_by("deadline", "id")


def progress_reports_due(user, *, own_unit: bool = False, overdue_on: dt.date | None = None) -> QuerySet:
    """进展报告 not yet filed for running matters the user sees, earliest due first. ``own_unit``: only the
    matters the user's unit is responsible for (none without a unit); ``overdue_on``: only those due before
    that day. The 进展报告 page and the 工作台's cards count the same list."""
    visible = scoped(user, Matter).filter(status__in=DEADLINE_STATUSES)
    if own_unit:
        visible = visible.filter(responsible_unit_id=user.unit_id or 0)
    due = ProgressReport.objects.filter(filed_at__isnull=True, matter__in=visible)
    if overdue_on is not None:
        due = due.filter(due_on__lt=overdue_on)
    return due.order_by("due_on", "id")
