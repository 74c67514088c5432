"""A plan found wanting (预案需修订): what a drill finding or an incident's aftermath does to the plan it tested.

The plan's review is due at once (``review_due`` set to the day, unless already due earlier), so it is listed
among the reviews due, and a revision task (预案修订) goes to the unit that owns the plan — one open task per
plan, however many findings point at it. Called inside the caller's transaction, after its own guard."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from anju.core import audit
from anju.core.concurrency import lock_checked
from anju.emergency.actions.notices import tell_owner
from anju.emergency.models import EmergencyTask, TaskSource, TaskStatus
from anju.emergency.rules import rule


def flag_plan_for_revision(actor, plan, *, reason: str, today: dt.date, now, why: dict) -> EmergencyTask:
    """Make ``plan``'s review due ``today`` and return its open revision task (created if none is open).
    ``why`` names what showed the gap, for the audit (``{"finding": pk}``, ``{"incident": pk}``)."""
    plan = lock_checked(plan)
    if plan.review_due is None or plan.review_due > today:
        before = {"review_due": plan.review_due}
        plan.review_due = today
        plan.save()
        audit.record(
            actor, "emergency.plan_review_due", plan, before=before, after={"review_due": today, **why}
        )
    task = EmergencyTask.objects.filter(plan=plan, source=TaskSource.REVISION, status=TaskStatus.OPEN).first()
    if task is not None:
        return task
    task = EmergencyTask.objects.create(
        area=plan.area,
        source=TaskSource.REVISION,
        plan=plan,
        title=(_("修订预案“%(plan)s”：%(reason)s") % {"plan": plan.title, "reason": reason})[:300],
        owner_unit=plan.owner_unit,
        deadline=today + dt.timedelta(days=rule("task_days")),
        created_at=now,
    )
    tell_owner(actor, task, now)
    audit.record(actor, "emergency.revision_task", plan, after={"task": task.pk, **why})
    return task
