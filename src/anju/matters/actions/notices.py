"""Notices of the matters workflow: 交办, 督办 and approaching deadlines, sent through
``core.notifications.notify`` inside the action's transaction (a refused action sends nothing)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from anju.core.notifications import members_of, notify
from anju.matters.models import Matter
from anju.matters.workflow import DEADLINE_STATUSES

DEFAULT_REMINDER_DAYS = 3


def _responsible(matter: Matter, actor=None) -> list:
    """The responsible unit's active users and the responsible person (if active), never the actor."""
    people = members_of(matter.responsible_unit, excluding=actor)
    person = matter.responsible_person
    if person is not None and person.is_active and person.pk not in {u.pk for u in people}:
        if actor is None or person.pk != actor.pk:
            people.append(person)
    return people


def _link(matter: Matter) -> str:
    return reverse("matters:detail", args=[matter.pk])


def tell_assigned(actor, matter: Matter, *, now: dt.datetime) -> int:
    return len(
        notify(
            _responsible(matter, actor),
            kind="matters.assigned",
            title=_("交办：%(number)s %(title)s") % {"number": matter.number, "title": matter.title},
            body=_("%(unit)s负责办理，期限 %(deadline)s。")
            % {"unit": matter.responsible_unit.name, "deadline": f"{matter.deadline:%Y-%m-%d}"},
            link=_link(matter),
            now=now,
        )
    )


def tell_supervised(actor, matter: Matter, *, note: str, now: dt.datetime) -> int:
    return len(
        notify(
            _responsible(matter, actor),
            kind="matters.supervised",
            title=_("督办：%(number)s %(title)s") % {"number": matter.number, "title": matter.title},
            body=note,
            link=_link(matter),
            now=now,
        )
    )


@transaction.atomic
def remind_deadlines(now: dt.datetime | None = None, days_before: int | None = None) -> int:
    """Tell the responsible unit of each matter whose deadline runs (交办 and not yet resolved) and falls
    within ``days_before`` days (``settings.ANJU_DEADLINE_REMINDER_DAYS``, default 3) or has passed; at most
    once per matter and day. Run daily by cron (``anju deadline-tick``). Returns the notices sent."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    if days_before is None:
        days_before = getattr(settings, "ANJU_DEADLINE_REMINDER_DAYS", DEFAULT_REMINDER_DAYS)
    due = (
        Matter.objects.filter(
            status__in=DEADLINE_STATUSES,
            responsible_unit__isnull=False,
            deadline__lte=today + dt.timedelta(days=int(days_before)),
        )
        .select_related("responsible_unit", "responsible_person")
        .order_by("deadline", "pk")
    )
    sent = 0
    for matter in due:
        values = {"number": matter.number, "title": matter.title, "deadline": f"{matter.deadline:%Y-%m-%d}"}
        if matter.deadline < today:
            title = _("【逾期】%(number)s %(title)s") % values
            body = _("办理期限 %(deadline)s 已过，请尽快办结或申请延期。") % values
        else:
            title = _("即将到期：%(number)s %(title)s") % values
            body = _("办理期限为 %(deadline)s，请抓紧办理。") % values
        sent += len(
            notify(
                _responsible(matter),
                kind="matters.deadline",
                title=title,
                body=body,
                link=_link(matter),
                key=f"matters:deadline:{matter.pk}:{today.isoformat()}",
                now=now,
            )
        )
    return sent


def _ungraded_for(user, now: dt.datetime, hours: int) -> int:
    """How many matters wait for the user's 研判. Seam: ``matters.queues.ungraded(user, now)`` (the regrade
    work) decides when it exists; until then, matters registered at least ``hours`` ago and not graded."""
    try:
        from anju.matters import queues  # type: ignore[attr-defined]

        ungraded = queues.ungraded
    except (ImportError, AttributeError):
        from anju.core.scoping import scoped
        from anju.matters.workflow import Status

        cutoff = now - dt.timedelta(hours=hours)
        return scoped(user, Matter).filter(status=Status.REGISTERED, registered_at__lte=cutoff).count()
    return len(ungraded(user, now))


@transaction.atomic
def remind_ungraded(now: dt.datetime | None = None, hours: int | None = None) -> int:
    """Tell each centre staff member how many matters in their area wait for 研判 (registered at least
    ``hours`` ago, ``settings.ANJU_UNGRADED_REMINDER_HOURS``, default 24); one notice per person and day,
    none when nothing waits. Run daily with ``anju deadline-tick``. Returns the notices sent."""
    from anju.core.models import User
    from anju.core.roles import Role, roles_with

    now = now or timezone.now()
    today = timezone.localdate(now)
    if hours is None:
        hours = getattr(settings, "ANJU_UNGRADED_REMINDER_HOURS", 24)
    roles = set(roles_with("matter.assess")) - {Role.ADMIN}
    sent = 0
    for user in User.objects.filter(role__in=roles, is_active=True).select_related("area").order_by("pk"):
        count = _ungraded_for(user, now, hours)
        if not count:
            continue
        sent += len(
            notify(
                user,
                kind="matters.ungraded",
                title=_("%(n)s 件事项待研判") % {"n": count},
                body=_("这些事项登记已超过 %(hours)s 小时，尚未研判定级。") % {"hours": hours},
                link=reverse("matters:ledger") + "?status=registered",
                key=f"matters:ungraded:{today.isoformat()}",
                now=now,
            )
        )
    return sent
