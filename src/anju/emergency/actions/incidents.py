"""Incidents (突发事件): open (directly, from a matter or from a warning), activate / raise / lower / end the
response, reports (首报/续报/终报), the response log (处置日志), and the aftermath (原因调查, 整改)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anju.core import audit
from anju.core.concurrency import lock_checked
from anju.core.errors import WorkflowError
from anju.core.models import EmergencyClass
from anju.core.permissions import require
from anju.emergency.actions.notices import tell_owner
from anju.emergency.actions.reporting_failures import flag_report_failures
from anju.emergency.models import (
    ChangeKind,
    EmergencyTask,
    Grade,
    Incident,
    IncidentReport,
    LogEntry,
    ReportKind,
    ResponseChange,
    ResponseLevel,
    ResponseStatus,
    TaskSource,
    VersionStatus,
)
from anju.emergency.rules import rule

INCIDENT_FIELDS = (
    "title",
    "emergency_class",
    "domain",
    "grade",
    "occurred_at",
    "learned_at",
    "affected",
    "deaths",
    "injuries",
    "missing",
    "matter",
    "alert",
    "plan",
    "response_status",
    "response_level",
    "activated_at",
    "ended_at",
)


def _log(actor, incident, text, now):
    LogEntry.objects.create(incident=incident, at=now, by=actor, text=text)


@transaction.atomic
def open_incident(
    actor,
    *,
    area,
    title,
    emergency_class,
    grade,
    occurred_at,
    learned_at,
    description,
    domain=None,
    affected=0,
    deaths=0,
    injuries=0,
    missing=0,
    matter=None,
    alert=None,
    now=None,
) -> Incident:
    now = now or timezone.now()
    require(actor, "emergency.incident", area)
    if matter is not None:
        require(actor, "emergency.incident", matter)  # the matter must be theirs to act on too
    if alert is not None:
        require(actor, "emergency.incident", alert)
    errors = {}
    if not (title or "").strip():
        errors["title"] = _("请填写事件名称。")
    if emergency_class not in EmergencyClass.values:
        errors["emergency_class"] = _("请选择事件类别。")
    if grade not in Grade.values:
        errors["grade"] = _("请选择事件分级。")
    if occurred_at is None:
        errors["occurred_at"] = _("请填写发生时间。")
    if learned_at is None:
        errors["learned_at"] = _("请填写获知时间。")
    elif learned_at > now:
        errors["learned_at"] = _("获知时间不能晚于现在。")
    elif occurred_at is not None and learned_at < occurred_at:
        errors["learned_at"] = _("获知时间不能早于发生时间。")
    if not (description or "").strip():
        errors["description"] = _("请填写事件经过。")
    for field, value in (
        ("affected", affected),
        ("deaths", deaths),
        ("injuries", injuries),
        ("missing", missing),
    ):
        if value is None or int(value) < 0:
            errors[field] = _("人数不能为负数。")
    if errors:
        raise ValidationError(errors)
    incident = Incident.objects.create(
        area=area,
        title=title.strip(),
        emergency_class=emergency_class,
        domain=domain,
        grade=grade,
        occurred_at=occurred_at,
        learned_at=learned_at,
        description=description.strip(),
        affected=affected or 0,
        deaths=deaths or 0,
        injuries=injuries or 0,
        missing=missing or 0,
        matter=matter,
        alert=alert,
        created_by=actor,
        created_at=now,
    )
    _log(actor, incident, _("登记突发事件。"), now)
    audit.record(actor, "emergency.incident_open", incident, after=audit.snapshot(incident, INCIDENT_FIELDS))
    return incident


@transaction.atomic
def activate_response(
    actor, incident: Incident, *, plan, level, note="", seen_version=None, now=None
) -> Incident:
    """启动响应: the plan's published version at ``level``; each of its working groups gets its tasks."""
    now = now or timezone.now()
    require(actor, "emergency.command", incident)
    require(actor, "emergency.command", plan)  # the plan must be one the actor sees
    lock_checked(incident, seen_version)
    if incident.response_status != ResponseStatus.NONE:
        raise WorkflowError(_("该事件已启动过响应。"))
    if level not in ResponseLevel.values:
        raise ValidationError({"level": _("请选择响应级别。")})
    version = plan.versions.filter(status=VersionStatus.PUBLISHED).first()
    if version is None:
        raise ValidationError({"plan": _("该预案没有已发布的版本，不能启动。")})
    if not incident.area.path.startswith(plan.area.path):
        raise ValidationError({"plan": _("该预案不适用于事件发生地。")})
    before = audit.snapshot(incident, INCIDENT_FIELDS)
    incident.plan = plan
    incident.response_status = ResponseStatus.ACTIVE
    incident.response_level = level
    incident.activated_at = now
    incident.save()
    ResponseChange.objects.create(
        incident=incident, kind=ChangeKind.ACTIVATE, level_to=level, at=now, by=actor, note=note
    )
    tasks = []
    for group in version.groups.select_related("lead_unit"):
        for line in group.task_lines() or [group.duties.strip() or group.name]:
            tasks.append(
                EmergencyTask(
                    area=incident.area,
                    source=TaskSource.RESPONSE,
                    incident=incident,
                    group=group.name,
                    title=line[:300],
                    owner_unit=group.lead_unit,
                    deadline=timezone.localdate(now),
                    created_at=now,
                )
            )
    for task in tasks:  # one by one: each notice names its task
        task.save()
        tell_owner(actor, task, now)
    level_label = ResponseLevel(level).label
    _log(
        actor,
        incident,
        _("启动《%(plan)s》%(level)s响应，下达 %(n)s 项任务。")
        % {"plan": plan.title, "level": level_label, "n": len(tasks)},
        now,
    )
    audit.record(
        actor,
        "emergency.response_activate",
        incident,
        before=before,
        after=audit.snapshot(incident, INCIDENT_FIELDS) | {"tasks": len(tasks)},
    )
    return incident


@transaction.atomic
def change_level(actor, incident: Incident, *, level, note="", seen_version=None, now=None) -> Incident:
    """Raise (一级 is highest: a smaller number) or lower the response level."""
    now = now or timezone.now()
    require(actor, "emergency.command", incident)
    lock_checked(incident, seen_version)
    if incident.response_status != ResponseStatus.ACTIVE:
        raise WorkflowError(_("响应未启动或已终止，不能调整级别。"))
    if level not in ResponseLevel.values:
        raise ValidationError({"level": _("请选择响应级别。")})
    if level == incident.response_level:
        raise ValidationError({"level": _("与当前响应级别相同。")})
    if not (note or "").strip():
        raise ValidationError({"note": _("请说明调整理由。")})
    before = audit.snapshot(incident, INCIDENT_FIELDS)
    kind = ChangeKind.RAISE if level < incident.response_level else ChangeKind.LOWER
    ResponseChange.objects.create(
        incident=incident,
        kind=kind,
        level_from=incident.response_level,
        level_to=level,
        at=now,
        by=actor,
        note=note.strip(),
    )
    incident.response_level = level
    incident.save()
    _log(
        actor,
        incident,
        _("%(kind)s至%(level)s：%(note)s")
        % {"kind": ChangeKind(kind).label, "level": ResponseLevel(level).label, "note": note.strip()},
        now,
    )
    audit.record(
        actor,
        f"emergency.response_{kind}",
        incident,
        before=before,
        after=audit.snapshot(incident, INCIDENT_FIELDS),
    )
    return incident


@transaction.atomic
def end_response(actor, incident: Incident, *, note="", seen_version=None, now=None) -> Incident:
    now = now or timezone.now()
    require(actor, "emergency.command", incident)
    lock_checked(incident, seen_version)
    if incident.response_status != ResponseStatus.ACTIVE:
        raise WorkflowError(_("响应未启动或已终止。"))
    before = audit.snapshot(incident, INCIDENT_FIELDS)
    ResponseChange.objects.create(
        incident=incident,
        kind=ChangeKind.END,
        level_from=incident.response_level,
        at=now,
        by=actor,
        note=(note or "").strip(),
    )
    incident.response_status = ResponseStatus.ENDED
    incident.ended_at = now
    incident.save()
    _log(actor, incident, _("终止应急响应。") + ((note or "").strip()), now)
    audit.record(
        actor,
        "emergency.response_end",
        incident,
        before=before,
        after=audit.snapshot(incident, INCIDENT_FIELDS),
    )
    return incident


@transaction.atomic
def submit_report(actor, incident: Incident, *, kind, text, now=None) -> IncidentReport:
    """A report sent up, stamped ``now``; whether it was on time is the schedule's to say (``reporting``)."""
    now = now or timezone.now()
    require(actor, "emergency.incident", incident)
    lock_checked(incident)
    errors = {}
    if kind not in ReportKind.values:
        errors["kind"] = _("请选择报告类型。")
    if not (text or "").strip():
        errors["text"] = _("请填写报告内容。")
    if errors:
        raise ValidationError(errors)
    if kind == ReportKind.FINAL and incident.response_status != ResponseStatus.ENDED:
        raise WorkflowError(_("响应终止后才能报送终报。"))
    if kind != ReportKind.FIRST and not incident.reports.filter(kind=ReportKind.FIRST).exists():
        raise WorkflowError(_("请先报送首报。"))
    report = IncidentReport.objects.create(
        incident=incident, kind=kind, text=text.strip(), submitted_at=now, submitted_by=actor
    )
    _log(actor, incident, _("报送%(kind)s。") % {"kind": ReportKind(kind).label}, now)
    audit.record(actor, "emergency.report_submit", incident, after={"report": report.pk, "kind": kind})
    # a report past its deadline is 迟报 the moment it comes in: registered for 问责 at once
    flag_report_failures(actor, incident, now=now)
    return report


@transaction.atomic
def add_log_entry(actor, incident: Incident, *, text, now=None) -> LogEntry:
    now = now or timezone.now()
    require(actor, "emergency.incident", incident)
    if not (text or "").strip():
        raise ValidationError({"text": _("请填写处置情况。")})
    entry = LogEntry.objects.create(incident=incident, at=now, by=actor, text=text.strip())
    audit.record(actor, "emergency.log", incident, after={"log": entry.pk})
    return entry


@transaction.atomic
def update_casualties(
    actor, incident: Incident, *, affected, deaths, injuries, missing, seen_version=None, now=None
) -> Incident:
    """Counts only: how many were affected, died, were injured, are missing (never who)."""
    now = now or timezone.now()
    require(actor, "emergency.incident", incident)
    lock_checked(incident, seen_version)
    values = {"affected": affected, "deaths": deaths, "injuries": injuries, "missing": missing}
    errors = {f: _("人数不能为负数。") for f, v in values.items() if v is None or int(v) < 0}
    if errors:
        raise ValidationError(errors)
    before = audit.snapshot(incident, INCIDENT_FIELDS)
    for field, value in values.items():
        setattr(incident, field, int(value))
    incident.save()
    _log(
        actor,
        incident,
        _("更新人数：涉及 %(affected)s，死亡 %(deaths)s，受伤 %(injuries)s，失踪 %(missing)s。") % values,
        now,
    )
    audit.record(
        actor,
        "emergency.casualties",
        incident,
        before=before,
        after=audit.snapshot(incident, INCIDENT_FIELDS),
    )
    return incident


@transaction.atomic
def record_cause(actor, incident: Incident, *, cause, seen_version=None, now=None) -> Incident:
    """善后: the cause investigation's finding (原因调查), once the response has ended."""
    now = now or timezone.now()
    require(actor, "emergency.incident", incident)
    lock_checked(incident, seen_version)
    if incident.response_status != ResponseStatus.ENDED:
        raise WorkflowError(_("响应终止后才能登记原因调查结论。"))
    if not (cause or "").strip():
        raise ValidationError({"cause": _("请填写原因调查结论。")})
    incident.cause = cause.strip()
    incident.save()
    _log(actor, incident, _("登记原因调查结论。"), now)
    audit.record(actor, "emergency.cause", incident, after={"cause": incident.cause})
    return incident


@transaction.atomic
def add_aftermath_task(
    actor, incident: Incident, *, title, owner_unit, deadline: dt.date | None = None, now=None
) -> EmergencyTask:
    """善后: a rectification task (整改, 问题查处, 举一反三) for a unit, by a deadline."""
    now = now or timezone.now()
    require(actor, "emergency.incident", incident)
    errors = {}
    if not (title or "").strip():
        errors["title"] = _("请填写整改任务。")
    if owner_unit is None:
        errors["owner_unit"] = _("请选择责任单位。")
    today = timezone.localdate(now)
    deadline = deadline or today + dt.timedelta(days=rule("task_days"))
    if deadline < today:
        errors["deadline"] = _("完成期限不能早于今天。")
    if errors:
        raise ValidationError(errors)
    task = EmergencyTask.objects.create(
        area=incident.area,
        source=TaskSource.AFTERMATH,
        incident=incident,
        group=_("善后处置组"),
        title=title.strip()[:300],
        owner_unit=owner_unit,
        deadline=deadline,
        created_at=now,
    )
    _log(actor, incident, _("下达善后整改任务：%(title)s") % {"title": task.title}, now)
    tell_owner(actor, task, now)
    audit.record(
        actor, "emergency.aftermath_task", incident, after={"task": task.pk, "owner_unit": owner_unit.pk}
    )
    return task
