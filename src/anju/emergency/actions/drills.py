"""Drills (应急演练): plan one, record it as conducted, add findings — each an improvement task."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anju.core import audit
from anju.core.concurrency import lock_checked
from anju.core.errors import WorkflowError
from anju.core.permissions import require
from anju.emergency.actions.notices import tell_owner
from anju.emergency.actions.revision import flag_plan_for_revision
from anju.emergency.models import (
    Drill,
    DrillFinding,
    DrillForm,
    DrillScope,
    DrillStatus,
    EmergencyTask,
    TaskSource,
)
from anju.emergency.rules import rule

DRILL_FIELDS = ("title", "plan", "form", "scope", "status", "date", "scenario", "summary")


@transaction.atomic
def plan_drill(
    actor,
    *,
    area,
    title,
    date,
    plan=None,
    form=DrillForm.TABLETOP,
    scope=DrillScope.SINGLE,
    units=(),
    scenario="",
) -> Drill:
    require(actor, "emergency.drill", area)
    errors = {}
    if not (title or "").strip():
        errors["title"] = _("请填写演练名称。")
    if date is None:
        errors["date"] = _("请填写演练日期。")
    if form not in DrillForm.values:
        errors["form"] = _("请选择演练形式。")
    if scope not in DrillScope.values:
        errors["scope"] = _("请选择演练规模。")
    if plan is not None and not area.path.startswith(plan.area.path):
        errors["plan"] = _("所检验的预案须适用于演练区域。")
    if errors:
        raise ValidationError(errors)
    drill = Drill.objects.create(
        area=area,
        title=title.strip(),
        date=date,
        plan=plan,
        form=form,
        scope=scope,
        scenario=(scenario or "").strip(),
        created_by=actor,
    )
    drill.units.set(units)
    audit.record(actor, "emergency.drill_plan", drill, after=audit.snapshot(drill, DRILL_FIELDS))
    return drill


@transaction.atomic
def record_drill(actor, drill: Drill, *, date, summary, seen_version=None, now=None) -> Drill:
    """The drill took place: its date and summary."""
    now = now or timezone.now()
    require(actor, "emergency.drill", drill)
    lock_checked(drill, seen_version)
    if drill.status != DrillStatus.PLANNED:
        raise WorkflowError(_("该演练已记录为已实施。"))
    errors = {}
    if date is None:
        errors["date"] = _("请填写实施日期。")
    elif date > timezone.localdate(now):
        errors["date"] = _("实施日期不能晚于今天。")
    if not (summary or "").strip():
        errors["summary"] = _("请填写演练总结。")
    if errors:
        raise ValidationError(errors)
    before = audit.snapshot(drill, DRILL_FIELDS)
    drill.date = date
    drill.summary = summary.strip()
    drill.status = DrillStatus.CONDUCTED
    drill.save()
    audit.record(
        actor, "emergency.drill_record", drill, before=before, after=audit.snapshot(drill, DRILL_FIELDS)
    )
    return drill


@transaction.atomic
def add_finding(
    actor,
    drill: Drill,
    *,
    text,
    owner_unit,
    deadline: dt.date | None = None,
    needs_plan_revision: bool = False,
    now=None,
) -> EmergencyTask:
    """A problem the drill found, and its improvement task (整改) for ``owner_unit`` by ``deadline``
    (default ``task_days`` from today). Flagged 需修订预案, it makes the tested plan's review due today: the
    plan is listed as due for revision whatever its cycle said."""
    now = now or timezone.now()
    require(actor, "emergency.drill", drill)
    lock_checked(drill)
    if drill.status != DrillStatus.CONDUCTED:
        raise WorkflowError(_("演练实施后才能登记发现的问题。"))
    errors = {}
    if not (text or "").strip():
        errors["text"] = _("请填写发现的问题。")
    if owner_unit is None:
        errors["owner_unit"] = _("请选择整改责任单位。")
    today = timezone.localdate(now)
    deadline = deadline or today + dt.timedelta(days=rule("task_days"))
    if deadline < today:
        errors["deadline"] = _("整改期限不能早于今天。")
    if needs_plan_revision and drill.plan_id is None:
        errors["needs_plan_revision"] = _("该演练未关联预案，无法标记需修订预案。")
    if errors:
        raise ValidationError(errors)
    finding = DrillFinding.objects.create(
        drill=drill, text=text.strip(), needs_plan_revision=needs_plan_revision, created_at=now
    )
    if needs_plan_revision:
        reason = _("演练“%(drill)s”发现：%(text)s") % {"drill": drill.title, "text": finding.text[:120]}
        flag_plan_for_revision(
            actor, drill.plan, reason=reason, today=today, now=now, why={"finding": finding.pk}
        )
    task = EmergencyTask.objects.create(
        area=drill.area,
        source=TaskSource.DRILL,
        drill_finding=finding,
        title=_("整改：%(text)s") % {"text": finding.text[:280]},
        owner_unit=owner_unit,
        deadline=deadline,
        created_at=now,
    )
    tell_owner(actor, task, now)
    audit.record(
        actor,
        "emergency.drill_finding",
        drill,
        after={
            "finding": finding.text,
            "task": task.pk,
            "owner_unit": owner_unit.pk,
            "deadline": deadline,
            "needs_plan_revision": needs_plan_revision,
        },
    )
    return task
