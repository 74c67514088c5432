"""Responsibility beyond the responsible unit: co-handling (协办), coordination requests (协调请求) and
accountability records (问责).

Each function guards itself (``core.permissions.require``: role, then scope on the locked row), locks the row
it changes and checks the version the user saw (``lock_checked``), writes an internal timeline entry on the
matter and an audit event, and tells the unit concerned (``core.notifications.notify``), all in one
transaction. Completing a co-handling task and answering a request are for the members of the unit they are
addressed to, wherever the matter lies (objects addressed to a unit are that unit's); administrators may act
for any unit inside their area.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from anju.core import audit
from anju.core.concurrency import lock_checked
from anju.core.crypto import protect_text
from anju.core.errors import NotAllowed, WorkflowError
from anju.core.models import Unit, UnitKind
from anju.core.notifications import members_of, notify
from anju.core.permissions import area_of, require
from anju.core.roles import Role
from anju.core.scoping import in_scope
from anju.matters.actions.base import required_text
from anju.matters.actions.notices import _responsible
from anju.matters.models import Matter, MatterEvent
from anju.matters.models_coordination import (
    AccountabilityRecord,
    AccountableRole,
    CoHandlingTask,
    CoordinationRequest,
    DutyFailure,
    RequestState,
    TaskState,
)
from anju.matters.workflow import OPEN_STATUSES

TASK_FIELDS = ("unit", "task", "deadline", "state", "completion_note", "withdrawn_reason")
REQUEST_FIELDS = ("from_unit", "to_unit", "asked", "due", "state", "reply", "task")
# The units a centre may ask for help: departments and other centres (not village committees).
ASKABLE_KINDS = (UnitKind.DEPARTMENT, UnitKind.CENTRE)


def _now(now):
    return now or timezone.now()


def _timeline(actor, matter: Matter, kind: str, note: str, at: dt.datetime, data: dict) -> MatterEvent:
    """An internal entry on the matter's timeline (the citizen's page shows none of these)."""
    return MatterEvent.objects.create(
        matter=matter, actor=actor if actor and actor.pk else None, kind=kind, note=note, data=data, at=at
    )


def _audit_change(actor, code: str, obj, before: dict | None, fields, matter: Matter, note: str = "") -> None:
    """The audit event of the change of ``obj`` (``before`` None: it was created)."""
    after = audit.snapshot(obj, fields)
    old, new = (None, after) if before is None else audit.changed(before, after)
    audit.record(actor, code, obj, before=old or None, after=new or None, note=note, area=matter.area)


def _matter_link(matter: Matter) -> str:
    return reverse("matters:detail", args=[matter.pk])


def _open_matter(actor, matter: Matter, permission: str, version) -> Matter:
    """Role first, then the locked matter in scope and still open."""
    require(actor, permission)
    lock_checked(matter, version)
    require(actor, permission, matter)
    if matter.status not in OPEN_STATUSES:
        raise WorkflowError(_("事项已办结或已关闭，不能再安排协办或协调。"))
    return matter


def _require_addressed(actor, permission: str, obj, unit_id: int, unit_name: str) -> None:
    """The members of the addressed unit may (wherever the matter lies); an administrator in scope may."""
    require(actor, permission)
    if actor.unit_id is not None and actor.unit_id == unit_id:
        return
    require(actor, permission, area_of(obj))  # outside the area: refused for scope
    if actor.role != Role.ADMIN:
        raise NotAllowed(_("您不属于“%(unit)s”，无权办理交给该单位的事项。") % {"unit": unit_name})


def _check_task(matter: Matter, unit, task: str, deadline, today: dt.date) -> str:
    errors = {}
    if unit is None:
        errors["unit"] = _("请选择协办单位。")
    elif unit.pk == matter.responsible_unit_id:
        errors["unit"] = _("该单位是本事项的责任单位，无需再作为协办单位。")
    elif matter.cohandling_tasks.filter(unit=unit, state=TaskState.OPEN).exists():
        errors["unit"] = _("该单位已有未完成的协办任务。")
    if not (task or "").strip():
        errors["task"] = _("请填写协办事项。")
    if deadline is None:
        errors["deadline"] = _("请填写协办期限。")
    elif deadline < today:
        errors["deadline"] = _("协办期限不能早于今天。")
    if errors:
        raise ValidationError(errors)
    return task.strip()


def _create_task(actor, matter, unit, task, deadline, now, note) -> CoHandlingTask:
    created = CoHandlingTask.objects.create(
        matter=matter, unit=unit, task=task, deadline=deadline, created_by=actor, created_at=now
    )
    _timeline(actor, matter, "cohandling_added", note, now, {"task": created.pk, "unit": unit.pk})
    _audit_change(actor, "cohandling.add", created, None, TASK_FIELDS, matter, note)
    values = {"number": matter.number, "title": matter.title}
    notify(
        members_of(unit, excluding=actor),
        kind="matters.cohandling",
        title=_("协办：%(number)s %(title)s") % values,
        body=_("协办事项：%(task)s；期限 %(deadline)s。")
        % {"task": task, "deadline": f"{deadline:%Y-%m-%d}"},
        link=_matter_link(matter),
        now=now,
    )
    return created


@transaction.atomic
def add_cohandler(
    actor,
    matter: Matter,
    *,
    unit: Unit | None,
    task: str,
    deadline: dt.date | None,
    version: int | None = None,
    now: dt.datetime | None = None,
) -> CoHandlingTask:
    """Add a co-handling unit (协办单位) to an open matter with its own task and deadline. The unit must lie in
    the actor's area; a unit outside it is asked through a coordination request."""
    now = _now(now)
    _open_matter(actor, matter, "matter.cohandle", version)
    text = _check_task(matter, unit, task, deadline, timezone.localdate(now))
    if not in_scope(actor, unit.area):
        raise ValidationError({"unit": _("该单位不在您的管辖范围内，请发起协调请求。")})
    note = _("协办单位：%(unit)s；协办事项：%(task)s；期限 %(deadline)s") % {
        "unit": unit.name,
        "task": text,
        "deadline": f"{deadline:%Y-%m-%d}",
    }
    return _create_task(actor, matter, unit, text, deadline, now, note)


@transaction.atomic
def complete_cohandling(
    actor, task: CoHandlingTask, *, note: str, version: int | None = None, now: dt.datetime | None = None
) -> CoHandlingTask:
    """The co-handling unit reports its task done, with what it did; the responsible unit is told."""
    now = _now(now)
    require(actor, "cohandling.complete")
    lock_checked(task, version)
    _require_addressed(actor, "cohandling.complete", task, task.unit_id, task.unit.name)
    if task.state != TaskState.OPEN:
        raise WorkflowError(_("该协办任务已%(state)s，不能再办理。") % {"state": task.get_state_display()})
    text = required_text(note, "note", _("请填写完成情况。"))
    before = audit.snapshot(task, TASK_FIELDS)
    task.state, task.completion_note = TaskState.DONE, text
    task.completed_at, task.completed_by = now, actor
    task.save()
    matter = task.matter
    line = _("%(unit)s完成协办：%(note)s") % {"unit": task.unit.name, "note": text}
    _timeline(actor, matter, "cohandling_completed", line, now, {"task": task.pk})
    _audit_change(actor, "cohandling.complete", task, before, TASK_FIELDS, matter, line)
    notify(
        _responsible(matter, actor),
        kind="matters.cohandling_done",
        title=_("协办完成：%(number)s %(title)s") % {"number": matter.number, "title": matter.title},
        body=line,
        link=_matter_link(matter),
        now=now,
    )
    return task


@transaction.atomic
def withdraw_cohandling(
    actor, task: CoHandlingTask, *, reason: str, version: int | None = None, now: dt.datetime | None = None
) -> CoHandlingTask:
    """Withdraw an open co-handling task (the unit is no longer needed), with a reason; the unit is told."""
    now = _now(now)
    require(actor, "matter.cohandle")
    lock_checked(task, version)
    require(actor, "matter.cohandle", task)
    if task.state != TaskState.OPEN:
        raise WorkflowError(_("该协办任务已%(state)s，不能撤回。") % {"state": task.get_state_display()})
    text = required_text(reason, "reason", _("请填写撤回原因。"))
    before = audit.snapshot(task, TASK_FIELDS)
    task.state, task.withdrawn_reason, task.withdrawn_at = TaskState.WITHDRAWN, text, now
    task.save()
    matter = task.matter
    line = _("撤回%(unit)s的协办任务：%(reason)s") % {"unit": task.unit.name, "reason": text}
    _timeline(actor, matter, "cohandling_withdrawn", line, now, {"task": task.pk})
    _audit_change(actor, "cohandling.withdraw", task, before, TASK_FIELDS, matter, line)
    notify(
        members_of(task.unit, excluding=actor),
        kind="matters.cohandling_withdrawn",
        title=_("协办撤回：%(number)s %(title)s") % {"number": matter.number, "title": matter.title},
        body=text,
        link="",
        now=now,
    )
    return task


def askable_units(actor, matter: Matter):
    """The units a centre may ask about a matter: departments and centres of the same top-level area (a
    county's departments, another town's centre), except the actor's own and the responsible unit."""
    root = "/" + matter.area.path.strip("/").split("/")[0] + "/"
    units = Unit.objects.filter(kind__in=ASKABLE_KINDS, area__path__startswith=root)
    return units.exclude(pk__in=[pk for pk in (actor.unit_id, matter.responsible_unit_id) if pk])


@transaction.atomic
def request_coordination(
    actor,
    matter: Matter,
    *,
    to_unit: Unit | None,
    asked: str,
    due: dt.date | None,
    version: int | None = None,
    now: dt.datetime | None = None,
) -> CoordinationRequest:
    """A centre asks another unit (a county department, another town's centre) to act on an open matter:
    what is asked and by when. The addressed unit's members are told and answer with ``answer_request``."""
    now = _now(now)
    _open_matter(actor, matter, "coordination.request", version)
    errors = {}
    if actor.unit_id is None:
        errors["to_unit"] = _("您的账号未设所属单位，不能发起协调请求。")
    elif to_unit is None:
        errors["to_unit"] = _("请选择被请求单位。")
    elif not askable_units(actor, matter).filter(pk=to_unit.pk).exists():
        errors["to_unit"] = _("只能向本县的职能部门或其他综治中心发起协调请求（不含本单位和责任单位）。")
    elif matter.coordination_requests.filter(to_unit=to_unit, state=RequestState.PENDING).exists():
        errors["to_unit"] = _("已向该单位发出协调请求，正在等待答复。")
    elif matter.cohandling_tasks.filter(unit=to_unit, state=TaskState.OPEN).exists():
        errors["to_unit"] = _("该单位已有未完成的协办任务。")
    if not (asked or "").strip():
        errors["asked"] = _("请填写请求协调的事项。")
    if due is None:
        errors["due"] = _("请填写请求办结期限。")
    elif due < timezone.localdate(now):
        errors["due"] = _("请求办结期限不能早于今天。")
    if errors:
        raise ValidationError(errors)
    request = CoordinationRequest.objects.create(
        matter=matter,
        from_unit=actor.unit,
        to_unit=to_unit,
        asked=asked.strip(),
        due=due,
        created_by=actor,
        created_at=now,
    )
    line = _("向%(unit)s发起协调请求：%(asked)s；期限 %(due)s") % {
        "unit": to_unit.name,
        "asked": request.asked,
        "due": f"{due:%Y-%m-%d}",
    }
    _timeline(actor, matter, "coordination_requested", line, now, {"request": request.pk})
    _audit_change(actor, "coordination.request", request, None, REQUEST_FIELDS, matter, line)
    notify(
        members_of(to_unit, excluding=actor),
        kind="matters.coordination_request",
        title=_("协调请求：%(number)s %(title)s") % {"number": matter.number, "title": matter.title},
        body=_("%(unit)s请求协调：%(asked)s；期限 %(due)s。")
        % {"unit": actor.unit.name, "asked": request.asked, "due": f"{due:%Y-%m-%d}"},
        link=reverse("matters:coordination_detail", args=[request.pk]),
        now=now,
    )
    return request


@transaction.atomic
def answer_request(
    actor,
    request: CoordinationRequest,
    *,
    accept: bool,
    reply: str = "",
    version: int | None = None,
    now: dt.datetime | None = None,
) -> CoordinationRequest:
    """The addressed unit accepts (the request becomes its co-handling task, with the asked task and
    deadline) or declines (a reason is required). The requesting unit is told either way."""
    now = _now(now)
    require(actor, "coordination.answer")
    lock_checked(request, version)
    _require_addressed(actor, "coordination.answer", request, request.to_unit_id, request.to_unit.name)
    if request.state != RequestState.PENDING:
        raise WorkflowError(_("该协调请求已%(state)s。") % {"state": request.get_state_display()})
    reply = (reply or "").strip()
    if not accept and not reply:
        raise ValidationError({"reply": _("拒绝协调请求须说明理由。")})
    matter = request.matter
    before = audit.snapshot(request, REQUEST_FIELDS)
    unit = request.to_unit
    if accept:
        if matter.status not in OPEN_STATUSES:
            raise WorkflowError(_("事项已办结或已关闭，不能再接受协调请求。"))
        if matter.cohandling_tasks.filter(unit=unit, state=TaskState.OPEN).exists():
            raise ValidationError({"reply": _("本单位在该事项上已有未完成的协办任务。")})
        deadline = max(request.due, timezone.localdate(now))
        note = _("%(unit)s接受协调请求，承担协办：%(task)s；期限 %(deadline)s") % {
            "unit": unit.name,
            "task": request.asked,
            "deadline": f"{deadline:%Y-%m-%d}",
        }
        request.task = _create_task(actor, matter, unit, request.asked, deadline, now, note)
        request.state = RequestState.ACCEPTED
    else:
        request.state = RequestState.DECLINED
        note = _("%(unit)s拒绝协调请求：%(reply)s") % {"unit": unit.name, "reply": reply}
        _timeline(actor, matter, "coordination_declined", note, now, {"request": request.pk})
    request.reply, request.decided_at, request.decided_by = reply, now, actor
    request.save()
    code = "coordination.accept" if accept else "coordination.decline"
    _audit_change(actor, code, request, before, REQUEST_FIELDS, matter, note)
    told = members_of(request.from_unit, excluding=actor)
    notify(
        told,
        kind="matters.coordination_answer",
        title=(_("协调请求已接受：%(number)s") if accept else _("协调请求被拒绝：%(number)s"))
        % {"number": matter.number},
        body=note,
        link=reverse("matters:coordination_detail", args=[request.pk]),
        now=now,
    )
    return request


@transaction.atomic
def record_accountability(
    actor,
    matter: Matter,
    *,
    unit: Unit | None,
    role: str,
    failure: str,
    finding: str,
    decision: str,
    decided_on: dt.date | None,
    version: int | None = None,
    now: dt.datetime | None = None,
) -> AccountabilityRecord:
    """问责: record the failure of duty a matter showed (迟报、漏报、超期、处置不力), the unit and the role
    (a post, never a person's name) held accountable, the finding and the decision."""
    now = _now(now)
    require(actor, "accountability.record")
    lock_checked(matter, version)
    require(actor, "accountability.record", matter)
    errors = {}
    involved = {matter.responsible_unit_id, *matter.cohandling_tasks.values_list("unit_id", flat=True)}
    if unit is None:
        errors["unit"] = _("请选择被问责单位。")
    elif unit.pk not in involved and not in_scope(actor, unit.area):
        errors["unit"] = _("只能对本事项的责任单位、协办单位或您管辖范围内的单位问责。")
    if role not in AccountableRole.values:
        errors["role"] = _("请选择问责岗位。")
    if failure not in DutyFailure.values:
        errors["failure"] = _("请选择失职情形。")
    if not (finding or "").strip():
        errors["finding"] = _("请填写认定事实。")
    if not (decision or "").strip():
        errors["decision"] = _("请填写处理决定。")
    if decided_on is None:
        errors["decided_on"] = _("请填写决定日期。")
    elif decided_on > timezone.localdate(now):
        errors["decided_on"] = _("决定日期不能晚于今天。")
    if errors:
        raise ValidationError(errors)
    finding, finding_original = protect_text(finding.strip())
    decision, decision_original = protect_text(decision.strip())
    record = AccountabilityRecord.objects.create(
        matter=matter,
        area=matter.area,
        unit=unit,
        role=role,
        failure=failure,
        finding=finding,
        finding_original=finding_original,
        decision=decision,
        decision_original=decision_original,
        decided_on=decided_on,
        recorded_by=actor,
        recorded_at=now,
    )
    line = _("问责：%(unit)s %(role)s，%(failure)s；%(decision)s") % {
        "unit": unit.name,
        "role": record.get_role_display(),
        "failure": record.get_failure_display(),
        "decision": decision,
    }
    _timeline(actor, matter, "accountability", line, now, {"record": record.pk})
    _audit_change(
        actor, "accountability.record", record, None, ("unit", "role", "failure", "decided_on"), matter, line
    )
    return record


@transaction.atomic
def register_duty_failure(
    actor,
    *,
    source: str,
    area,
    unit: Unit,
    role: str,
    failure: str,
    finding: str,
    source_label: str = "",
    source_link: str = "",
    matter: Matter | None = None,
    now: dt.datetime | None = None,
) -> tuple[AccountabilityRecord, bool]:
    """问责 registered by the job that found a failure of duty elsewhere (an incident's report late or
    missing): a record of the unit and the role, its finding, pending the decision (待认定) of whoever
    holds ``accountability.record``. Once per ``source``: a second call returns the first record.

    The caller checked its own permission; ``actor`` is the person whose step found it, or None for a job.
    Returns the record and whether it was created now."""
    now = _now(now)
    if failure not in DutyFailure.values or role not in AccountableRole.values or not source:
        raise ValueError(f"bad duty failure {failure!r}/{role!r}/{source!r}")
    existing = AccountabilityRecord.objects.filter(source=source).first()
    if existing is not None:
        return existing, False
    finding, finding_original = protect_text(finding.strip())
    record = AccountabilityRecord.objects.create(
        matter=matter,
        area=area,
        unit=unit,
        role=role,
        failure=failure,
        finding=finding,
        finding_original=finding_original,
        source=source,
        source_label=source_label[:300],
        source_link=source_link[:300],
        recorded_by=actor if actor is not None and actor.pk else None,
        recorded_at=now,
    )
    line = _("待认定问责：%(unit)s %(role)s，%(failure)s（%(source)s）") % {
        "unit": unit.name,
        "role": record.get_role_display(),
        "failure": record.get_failure_display(),
        "source": source_label,
    }
    if matter is not None:
        _timeline(actor, matter, "accountability", line, now, {"record": record.pk})
    after = audit.snapshot(record, ("unit", "role", "failure", "source"))
    audit.record(actor, "accountability.register", record, after=after, note=line, area=area)
    return record, True


@transaction.atomic
def decide_accountability(
    actor,
    record: AccountabilityRecord,
    *,
    role: str,
    decision: str,
    decided_on: dt.date | None,
    now: dt.datetime | None = None,
) -> AccountabilityRecord:
    """The decision on a registered record (待认定, ``register_duty_failure``): the post held accountable,
    what was decided and when. Once: a decided record is not changed here."""
    now = _now(now)
    require(actor, "accountability.record")
    record = AccountabilityRecord.objects.select_for_update().get(pk=record.pk)
    require(actor, "accountability.record", record)
    if record.decided_on is not None:
        raise WorkflowError(_("该问责记录已作出处理决定。"))
    errors = {}
    if role not in AccountableRole.values:
        errors["role"] = _("请选择问责岗位。")
    if not (decision or "").strip():
        errors["decision"] = _("请填写处理决定。")
    if decided_on is None:
        errors["decided_on"] = _("请填写决定日期。")
    elif decided_on > timezone.localdate(now):
        errors["decided_on"] = _("决定日期不能晚于今天。")
    if errors:
        raise ValidationError(errors)
    before = audit.snapshot(record, ("role", "decided_on"))
    record.role = role
    record.decision, record.decision_original = protect_text(decision.strip())
    record.decided_on = decided_on
    record.save(update_fields=["role", "decision", "decision_original", "decided_on"])
    line = _("问责决定：%(unit)s %(role)s，%(failure)s；%(decision)s") % {
        "unit": record.unit.name,
        "role": record.get_role_display(),
        "failure": record.get_failure_display(),
        "decision": record.decision,
    }
    if record.matter_id is not None:
        _timeline(actor, record.matter, "accountability", line, now, {"record": record.pk})
    after = audit.snapshot(record, ("role", "decided_on"))
    old, new = audit.changed(before, after)
    audit.record(actor, "accountability.decide", record, before=old, after=new, note=line, area=record.area)
    return record
