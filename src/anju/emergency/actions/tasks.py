"""Tasks of emergency work: add one (善后整改), mark one done."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anju.core import audit
from anju.core.concurrency import lock_checked
from anju.core.errors import NotAllowed, WorkflowError
from anju.core.permissions import require
from anju.core.roles import Role
from anju.emergency.models import EmergencyTask, TaskStatus

TASK_FIELDS = ("status", "done_at", "done_by", "done_note")
# Roles that close any task in their area; the others close only their own unit's.
COORDINATING_ROLES = frozenset({Role.CENTRE_STAFF, Role.ADMIN})


@transaction.atomic
def complete_task(actor, task: EmergencyTask, *, note="", seen_version=None, now=None) -> EmergencyTask:
    now = now or timezone.now()
    require(actor, "emergency.task", task)
    if actor.role not in COORDINATING_ROLES and (
        actor.unit_id is None or actor.unit_id != task.owner_unit_id
    ):
        raise NotAllowed(_("该任务不是您单位的，只能由责任单位办结。"))
    lock_checked(task, seen_version)
    if task.status == TaskStatus.DONE:
        raise WorkflowError(_("该任务已办结。"))
    if not (note or "").strip():
        raise ValidationError({"note": _("请填写办结情况。")})
    before = audit.snapshot(task, TASK_FIELDS)
    task.status = TaskStatus.DONE
    task.done_at = now
    task.done_by = actor
    task.done_note = note.strip()
    task.save()
    audit.record(actor, "emergency.task_done", task, before=before, after=audit.snapshot(task, TASK_FIELDS))
    return task
