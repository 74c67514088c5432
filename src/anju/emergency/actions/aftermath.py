"""善后: after the response has ended — the cause investigation (原因调查), problems found and their handling
(问题查处, by unit and duty), rectification tasks and their verification (整改验收), 举一反三 (similar matters
linked, plans marked for revision) and compensation and recovery (善后恢复).

Free text is masked for personal data as the matters app does (``core.crypto.protect_text``), the original
kept encrypted beside it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anju.core import audit
from anju.core.concurrency import lock_checked
from anju.core.crypto import mask_personal_text, protect_text
from anju.core.errors import NotAllowed, WorkflowError
from anju.core.permissions import require
from anju.emergency.actions.plans import start_revision
from anju.emergency.actions.revision import flag_plan_for_revision
from anju.emergency.models import (
    EmergencyTask,
    Incident,
    Investigation,
    LogEntry,
    PlanRevisionLink,
    PlanVersion,
    ProblemFinding,
    Recovery,
    RecoveryKind,
    RelatedMatter,
    ResponseStatus,
    TaskSource,
    TaskStatus,
    VersionStatus,
)
from anju.emergency.rules import rule

INVESTIGATION_FIELDS = ("cause_category", "findings", "concluded_at")
VERIFY_FIELDS = ("verified_at", "verified_by", "verify_note")


def _ended(incident: Incident) -> None:
    if incident.response_status != ResponseStatus.ENDED:
        raise WorkflowError(_("应急响应终止后才能开展善后工作。"))


def _log(actor, incident, text, now):
    LogEntry.objects.create(incident=incident, at=now, by=actor, text=text)


def _required(errors: dict, field: str, value, message: str) -> str:
    value = (value or "").strip()
    if not value:
        errors[field] = message
    return value


@transaction.atomic
def record_investigation(
    actor, incident: Incident, *, cause_category, findings, concluded_at: dt.date, seen_version=None, now=None
) -> Investigation:
    """原因调查: the category of cause (``rules.cause_categories``), the findings and the date concluded.
    Recorded again, it replaces the earlier conclusion (the audit log keeps both)."""
    now = now or timezone.now()
    require(actor, "emergency.incident", incident)
    lock_checked(incident)
    _ended(incident)
    errors = {}
    if cause_category not in rule("cause_categories"):
        errors["cause_category"] = _("请从列表中选择原因类别。")
    findings = _required(errors, "findings", findings, _("请填写调查结论。"))
    if concluded_at is None:
        errors["concluded_at"] = _("请填写调查完成日期。")
    elif concluded_at > timezone.localdate(now):
        errors["concluded_at"] = _("调查完成日期不能晚于今天。")
    elif incident.ended_at and concluded_at < timezone.localdate(incident.ended_at):
        errors["concluded_at"] = _("调查完成日期不能早于响应终止日期。")
    if errors:
        raise ValidationError(errors)
    investigation = Investigation.objects.filter(incident=incident).first()
    before = audit.snapshot(investigation, INVESTIGATION_FIELDS) if investigation else None
    if investigation is None:
        investigation = Investigation(incident=incident)
    else:
        lock_checked(investigation, seen_version)
    investigation.cause_category = cause_category
    investigation.findings, investigation.findings_original = protect_text(findings)
    investigation.concluded_at = concluded_at
    investigation.recorded_by = actor
    investigation.recorded_at = now
    investigation.save()
    # the board's one-line 原因调查结论 follows the investigation
    incident.cause = f"{cause_category}：{investigation.findings}"
    incident.save()
    _log(actor, incident, _("登记原因调查：%(c)s。") % {"c": cause_category}, now)
    audit.record(
        actor,
        "emergency.investigation",
        incident,
        before=before,
        after=audit.snapshot(investigation, INVESTIGATION_FIELDS),
    )
    return investigation


@transaction.atomic
def add_problem_finding(
    actor, incident: Incident, *, unit, duty, finding, decision, now=None
) -> ProblemFinding:
    """问题查处: a unit, the duty concerned, what was found and what was decided — never a person's profile."""
    now = now or timezone.now()
    require(actor, "emergency.incident", incident)
    lock_checked(incident)
    _ended(incident)
    errors = {}
    if unit is None:
        errors["unit"] = _("请选择责任单位。")
    duty = _required(errors, "duty", duty, _("请填写涉及的职责。"))
    finding = _required(errors, "finding", finding, _("请填写查明的问题。"))
    decision = _required(errors, "decision", decision, _("请填写处理决定。"))
    if errors:
        raise ValidationError(errors)
    finding_masked, finding_original = protect_text(finding)
    decision_masked, decision_original = protect_text(decision)
    problem = ProblemFinding.objects.create(
        incident=incident,
        unit=unit,
        duty=mask_personal_text(duty, name_titles=False)[:200],
        finding=finding_masked,
        finding_original=finding_original,
        decision=decision_masked,
        decision_original=decision_original,
        created_by=actor,
        created_at=now,
    )
    _log(actor, incident, _("登记问题查处：%(unit)s。") % {"unit": unit.name}, now)
    audit.record(actor, "emergency.problem", incident, after={"problem": problem.pk, "unit": unit.pk})
    return problem


@transaction.atomic
def verify_task(actor, task: EmergencyTask, *, note, seen_version=None, now=None) -> EmergencyTask:
    """整改验收: someone other than who closed a rectification task confirms it was done."""
    now = now or timezone.now()
    require(actor, "emergency.incident", task)
    lock_checked(task, seen_version)
    if task.source != TaskSource.AFTERMATH:
        raise WorkflowError(_("只有善后整改任务需要验收。"))
    if task.status != TaskStatus.DONE:
        raise WorkflowError(_("整改任务办结后才能验收。"))
    if task.verified_at is not None:
        raise WorkflowError(_("该整改任务已验收。"))
    if task.done_by_id == actor.pk:
        raise NotAllowed(_("验收须由办结人以外的人员进行。"))
    errors = {}
    note = _required(errors, "note", note, _("请填写验收意见。"))
    if errors:
        raise ValidationError(errors)
    before = audit.snapshot(task, VERIFY_FIELDS)
    task.verified_at = now
    task.verified_by = actor
    task.verify_note = mask_personal_text(note, name_titles=False)
    task.save()
    if task.incident_id:
        _log(actor, task.incident, _("整改任务已验收：%(t)s") % {"t": task.title}, now)
    audit.record(
        actor, "emergency.task_verified", task, before=before, after=audit.snapshot(task, VERIFY_FIELDS)
    )
    return task


@transaction.atomic
def link_matter(actor, incident: Incident, matter, *, note="", now=None) -> RelatedMatter:
    """举一反三: link a matter of the ledger (one the user may see) to the incident."""
    from anju.core.scoping import scoped
    from anju.matters.models import Matter

    now = now or timezone.now()
    require(actor, "emergency.incident", incident)
    lock_checked(incident)
    _ended(incident)
    if matter is None or not scoped(actor, Matter).filter(pk=matter.pk).exists():
        raise ValidationError({"matter": _("请选择您管辖范围内的事项。")})
    if incident.related_matters.filter(matter=matter).exists():
        raise ValidationError({"matter": _("该事项已关联。")})
    link = RelatedMatter.objects.create(
        incident=incident,
        matter=matter,
        note=mask_personal_text((note or "").strip(), name_titles=False)[:300],
        linked_by=actor,
        linked_at=now,
    )
    _log(actor, incident, _("举一反三：关联事项 %(n)s。") % {"n": matter.number}, now)
    audit.record(actor, "emergency.related_matter", incident, after={"matter": matter.pk})
    return link


@transaction.atomic
def mark_plan_for_revision(actor, incident: Incident, plan, *, reason, now=None) -> PlanRevisionLink:
    """举一反三: a plan to revise because of what the incident showed. Opens its revision draft (修编) when it
    has none; an unpublished revision already open is linked instead."""
    now = now or timezone.now()
    require(actor, "emergency.incident", incident)
    if plan is None:
        raise ValidationError({"plan": _("请选择需修订的预案。")})
    require(actor, "emergency.plan", plan)
    lock_checked(incident)
    _ended(incident)
    errors = {}
    reason = _required(errors, "reason", reason, _("请填写修订理由。"))
    if incident.plan_revisions.filter(plan=plan).exists():
        errors["plan"] = _("该预案已标记修订。")
    if errors:
        raise ValidationError(errors)
    open_draft = (
        plan.versions.filter(status__in=[VersionStatus.DRAFT, VersionStatus.APPROVED])
        .order_by("-number")
        .first()
    )
    if open_draft is None and not plan.versions.exists():
        raise ValidationError({"plan": _("该预案还没有版本。")})
    note = _("因“%(incident)s”举一反三修订：%(reason)s") % {"incident": incident.title, "reason": reason}
    version: PlanVersion = open_draft or start_revision(actor, plan, note=note[:1000], now=now)
    link = PlanRevisionLink.objects.create(
        incident=incident, plan=plan, version=version, reason=reason[:300], linked_by=actor, linked_at=now
    )
    # the gap found makes the plan's review due now, with a revision task for its owner unit
    flag_plan_for_revision(
        actor,
        plan,
        reason=_("突发事件“%(incident)s”暴露问题：%(reason)s")
        % {"incident": incident.title, "reason": reason},
        today=timezone.localdate(now),
        now=now,
        why={"incident": incident.pk},
    )
    _log(actor, incident, _("举一反三：预案“%(p)s”列入修订。") % {"p": plan.title}, now)
    audit.record(actor, "emergency.plan_revision", incident, after={"plan": plan.pk, "version": version.pk})
    return link


def _amount(errors: dict, value) -> Decimal:
    try:
        amount = Decimal(str(value if value not in (None, "") else 0))
    except (InvalidOperation, ValueError):
        errors["amount"] = _("请填写有效的金额。")
        return Decimal(0)
    if amount < 0:
        errors["amount"] = _("金额不能为负数。")
    return amount


@transaction.atomic
def add_recovery(
    actor,
    incident: Incident,
    *,
    kind,
    item,
    recipients,
    recipient_count=0,
    amount=0,
    date: dt.date | None = None,
    now=None,
) -> Recovery:
    """善后恢复: compensation, relief or reconstruction — to whom as a category and a count, never names."""
    now = now or timezone.now()
    require(actor, "emergency.incident", incident)
    lock_checked(incident)
    _ended(incident)
    errors = {}
    if kind not in RecoveryKind.values:
        errors["kind"] = _("请选择类型。")
    item = _required(errors, "item", item, _("请填写内容。"))
    recipients = _required(errors, "recipients", recipients, _("请填写对象类别（如受影响农户），不填姓名。"))
    try:
        recipient_count = int(recipient_count or 0)
    except (TypeError, ValueError):
        recipient_count = -1
    if recipient_count < 0:
        errors["recipient_count"] = _("对象数量不能为负数。")
    amount = _amount(errors, amount)
    date = date or timezone.localdate(now)
    if date > timezone.localdate(now):
        errors["date"] = _("日期不能晚于今天。")
    if errors:
        raise ValidationError(errors)
    recovery = Recovery.objects.create(
        incident=incident,
        kind=kind,
        item=mask_personal_text(item, name_titles=False)[:300],
        recipients=mask_personal_text(recipients, name_titles=False)[:100],
        recipient_count=recipient_count,
        amount=amount,
        date=date,
        created_by=actor,
        created_at=now,
    )
    _log(actor, incident, _("登记善后恢复：%(item)s。") % {"item": recovery.item}, now)
    audit.record(
        actor, "emergency.recovery", incident, after={"recovery": recovery.pk, "amount": str(amount)}
    )
    return recovery
