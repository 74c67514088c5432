"""The 黑天鹅 review (confirm or dismiss a suggestion, with a reason), the 根因分析 task a confirmation opens,
and the 灰犀牛 mitigation plan (缓释方案)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anju.core.concurrency import lock_checked
from anju.core.errors import NotAllowed, WorkflowError
from anju.core.permissions import require
from anju.core.roles import Role
from anju.core.scoping import in_scope
from anju.matters.actions.base import begin, finish, log_event, required_text, snapshot
from anju.matters.models import Matter, RootCauseTask

# Roles that complete any root-cause task in their area; the others only their own unit's.
ANY_UNIT_ROLES = frozenset({Role.CENTRE_STAFF, Role.ADMIN})


@transaction.atomic
def confirm_black_swan(
    actor,
    matter: Matter,
    *,
    reason: str,
    unit,
    deadline: dt.date,
    version: int | None = None,
    now: dt.datetime | None = None,
) -> RootCauseTask:
    """确认黑天鹅: the reason, and a 根因分析 task for ``unit`` to finish by ``deadline``."""
    step = begin(actor, matter, "black_swan", version, now)
    errors = {}
    if not (reason or "").strip():
        errors["reason"] = _("确认黑天鹅须填写研判理由。")
    if unit is None:
        errors["unit"] = _("请选择根因分析的牵头单位。")
    elif not in_scope(actor, unit.area) and not unit.area.contains(matter.area):
        errors["unit"] = _("牵头单位不在您的管辖范围内。")
    if deadline is None:
        errors["deadline"] = _("请填写根因分析的完成期限。")
    elif deadline < step.today:
        errors["deadline"] = _("完成期限不能早于今天。")
    if errors:
        raise ValidationError(errors)
    reason = reason.strip()
    task = RootCauseTask.objects.create(
        matter=matter, unit=unit, deadline=deadline, created_at=step.now, created_by=actor
    )
    matter.black_swan_confirmed = True
    finish(
        step,
        note=_("确认为黑天鹅事件：%(reason)s。根因分析由%(unit)s牵头，%(deadline)s 前完成")
        % {"reason": reason, "unit": unit.name, "deadline": deadline},
        data={"reason": reason, "task": task.pk},
        changed=True,
    )
    return task


@transaction.atomic
def dismiss_black_swan(
    actor, matter: Matter, *, reason: str, version: int | None = None, now: dt.datetime | None = None
) -> Matter:
    """排除黑天鹅, with the reason (e.g. new here, but neither rare nor severe)."""
    step = begin(actor, matter, "black_swan_dismiss", version, now)
    reason = required_text(reason, "reason", _("排除黑天鹅须填写理由。"))
    matter.black_swan_confirmed = False
    finish(step, note=_("排除黑天鹅：%(reason)s") % {"reason": reason}, data={"reason": reason}, changed=True)
    return matter


@transaction.atomic
def complete_root_cause(
    actor,
    task: RootCauseTask,
    *,
    findings: str,
    version: int | None = None,
    now: dt.datetime | None = None,
) -> RootCauseTask:
    """完成根因分析: the findings; by the owner unit's members, or the centre staff of the area."""
    require(actor, "rootcause.complete")
    lock_checked(task, version)
    require(actor, "rootcause.complete", task)
    if actor.role not in ANY_UNIT_ROLES and actor.unit_id != task.unit_id:
        raise NotAllowed(
            _("该根因分析任务由%(unit)s牵头，您只能完成本单位的任务。") % {"unit": task.unit.name}
        )
    if task.completed_at is not None:
        raise WorkflowError(_("该根因分析任务已完成。"))
    task.findings = required_text(findings, "findings", _("请填写根因分析结论。"))
    task.completed_at = now or timezone.now()
    task.completed_by = actor
    task.save()
    matter = task.matter
    log_event(
        actor,
        matter,
        "root_cause_done",
        snapshot(matter),
        note=_("根因分析已完成：%(f)s") % {"f": task.findings},
        data={"task": task.pk},
        at=task.completed_at,
    )
    return task


@transaction.atomic
def set_mitigation_plan(
    actor, matter: Matter, *, plan: str, version: int | None = None, now: dt.datetime | None = None
) -> Matter:
    """缓释方案 of a 灰犀牛 (or any open) matter: what is done to bring its likelihood or consequence down."""
    step = begin(actor, matter, "mitigation", version, now)
    matter.mitigation_plan = required_text(plan, "plan", _("请填写缓释方案。"))
    finish(step, note=_("缓释方案：%(p)s") % {"p": matter.mitigation_plan}, changed=True)
    return matter


def require_mitigation_plan(matter: Matter) -> None:
    """The 灰犀牛 rule: a grey-rhino matter is assigned only with a mitigation plan (called by ``assign``)."""
    if matter.grey_rhino and not matter.mitigation_plan.strip():
        raise WorkflowError(_("该事项为灰犀牛，须先制定缓释方案，才能交办。"))
