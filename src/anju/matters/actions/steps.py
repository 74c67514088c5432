"""The workflow's steps: each moves a matter from one status to another (``workflow.TRANSITIONS``)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from anju.core.errors import WorkflowError
from anju.core.scoping import in_scope
from anju.intake import actions as intake_actions
from anju.matters import swans
from anju.matters.actions.base import begin, finish, internal_note, log_event, required_text, score, snapshot
from anju.matters.actions.levels import (
    lead_leader_errors,
    lead_leader_missing_message,
    schedule_progress_report,
    tell_lead_leader,
)
from anju.matters.actions.notices import tell_assigned
from anju.matters.actions.swans import require_mitigation_plan
from anju.matters.level_rules import (
    FALLBACK_DEADLINE_DAYS,
    escalation_message,
    lead_leader_required,
    required_area,
    rule_for,
)
from anju.matters.models import FollowUpVisit, Matter, Satisfaction
from anju.matters.workflow import OPEN_STATUSES


@transaction.atomic
def assess(
    actor,
    matter: Matter,
    *,
    likelihood: int,
    consequence: int,
    residual_likelihood: int | None = None,
    residual_consequence: int | None = None,
    note: str = "",
    version: int | None = None,
    now: dt.datetime | None = None,
) -> Matter:
    """研判: score the inherent (and optionally residual) risk on the current matrix."""
    step = begin(actor, matter, "assess", version, now)
    matrix, level = score(likelihood, consequence)
    matter.likelihood, matter.consequence = int(likelihood), int(consequence)
    matter.inherent_level = level.code
    matter.matrix_version = matrix.key
    if residual_likelihood is not None and residual_consequence is not None:
        _matrix, residual = score(residual_likelihood, residual_consequence)
        matter.residual_likelihood = int(residual_likelihood)
        matter.residual_consequence = int(residual_consequence)
        matter.residual_level = residual.code
    matter.grey_rhino = matter.grey_rhino or matrix.is_grey_rhino(matter.likelihood, matter.consequence)
    swans.refresh_suggestion(matter)  # first of its kind *and* severe
    text = note or _("研判定级：%(level)s") % {"level": level.label}
    # The level rules: a level to be handled higher up proposes 上报 (交办 here is refused without it).
    target = required_area(matter)
    if target is not None:
        text += _("（按等级处置规则须由%(area)s办理，建议上报）") % {"area": target.name}
    finish(
        step,
        note=text,
        data={
            "level": level.code,
            "matrix": matrix.key,
            **({"propose_escalation": target.pk} if target else {}),
        },
    )
    return matter


@transaction.atomic
def assign(
    actor,
    matter: Matter,
    *,
    unit,
    person=None,
    deadline: dt.date | None = None,
    lead_leader=None,
    exemption_reason: str = "",
    note: str = "",
    version: int | None = None,
    now: dt.datetime | None = None,
) -> Matter:
    """交办 to a responsible unit (and person) with a deadline (default: the level rule's days).

    The level rules (``matters.level_rules``): a level to be handled higher up than the handling area is
    refused unless escalated or ``exemption_reason`` says why not; a level (or a 灰犀牛) that needs a 包案领导
    is refused without one (``lead_leader`` here, or set before)."""
    step = begin(actor, matter, "assign", version, now)
    require_mitigation_plan(matter)  # 灰犀牛: a plan first
    rule = rule_for(matter)
    errors = {}
    if unit is None:
        errors["unit"] = _("请选择责任单位。")
    elif (
        not in_scope(actor, unit.area)
        and not unit.area.contains(matter.area)
        and not matter.area.contains(unit.area)
    ):
        errors["unit"] = _("责任单位不在您的管辖范围内。")
    if person is not None and unit is not None and person.unit_id != unit.pk:
        errors["person"] = _("责任人须属于责任单位。")
    if deadline is None:
        deadline = step.today + dt.timedelta(days=rule.deadline_days if rule else FALLBACK_DEADLINE_DAYS)
    elif deadline < step.today:
        errors["deadline"] = _("办理期限不能早于今天。")
    exemption_reason = (exemption_reason or "").strip()
    if rule is not None and required_area(matter, rule) is not None and not exemption_reason:
        errors["exemption_reason"] = escalation_message(matter, rule)
    if lead_leader is not None:
        errors.update(lead_leader_errors(matter, lead_leader))
    elif lead_leader_required(matter, rule) and matter.lead_leader_id is None:
        errors["lead_leader"] = lead_leader_missing_message(matter, rule)
    if errors:
        raise ValidationError(errors)
    new_leader = lead_leader is not None and lead_leader.pk != matter.lead_leader_id
    if lead_leader is not None:
        matter.lead_leader = lead_leader
    exempted = bool(exemption_reason and rule is not None and required_area(matter, rule) is not None)
    if exempted:
        matter.handling_exemption = exemption_reason
    matter.responsible_unit, matter.responsible_person, matter.deadline = unit, person, deadline
    text = _("交办%(unit)s办理，期限 %(deadline)s") % {"unit": unit.name, "deadline": deadline}
    if new_leader:
        text += _("；包案领导：%(name)s") % {"name": matter.lead_leader}
    if exempted:
        text += _("；不上报理由：%(r)s") % {"r": exemption_reason}
    data = {"rules": rule.version} if rule else {}
    if new_leader:
        data["lead_leader"] = matter.lead_leader.pk
    finish(step, note=text, data=data)
    if new_leader:
        tell_lead_leader(actor, matter, now=step.now)
    internal_note(step, note)
    tell_assigned(actor, matter, now=step.now)
    schedule_progress_report(matter, step.today, rule)
    return matter


@transaction.atomic
def start(
    actor, matter: Matter, *, note: str = "", version: int | None = None, now: dt.datetime | None = None
) -> Matter:
    step = begin(actor, matter, "start", version, now)
    finish(step, note=_("开始化解"))
    internal_note(step, note)
    return matter


@transaction.atomic
def resolve(
    actor,
    matter: Matter,
    *,
    outcome: str,
    public_note: str = "",
    version: int | None = None,
    now: dt.datetime | None = None,
) -> Matter:
    """已化解, with the outcome; the public note is what the citizen sees."""
    step = begin(actor, matter, "resolve", version, now)
    matter.outcome = required_text(outcome, "outcome", _("请填写化解结果。"))
    matter.public_note = (public_note or "").strip()
    matter.resolved_at = step.now
    finish(step, note=_("事项已化解"), public_text=matter.public_note)
    return matter


@transaction.atomic
def follow_up(
    actor,
    matter: Matter,
    *,
    visited_on: dt.date,
    satisfaction: str,
    method: str = "电话",
    note: str = "",
    version: int | None = None,
    now: dt.datetime | None = None,
) -> FollowUpVisit:
    """回访 after resolution; records satisfaction."""
    step = begin(actor, matter, "follow_up", version, now)
    if satisfaction not in Satisfaction.values:
        raise ValidationError({"satisfaction": _("请选择满意度。")})
    if visited_on is None or visited_on > step.today:
        raise ValidationError({"visited_on": _("回访日期不能晚于今天。")})
    visit = FollowUpVisit.objects.create(
        matter=matter,
        visited_on=visited_on,
        method=method or "电话",
        satisfaction=satisfaction,
        note=note.strip(),
        visited_by=actor,
    )
    matter.satisfaction = satisfaction
    finish(step, note=_("已回访：%(s)s") % {"s": visit.get_satisfaction_display()}, data={"visit": visit.pk})
    return visit


@transaction.atomic
def archive(
    actor, matter: Matter, *, note: str = "", version: int | None = None, now: dt.datetime | None = None
) -> Matter:
    step = begin(actor, matter, "archive", version, now)
    finish(step, note=_("已归档"))
    internal_note(step, note)
    return matter


@transaction.atomic
def escalate(
    actor, matter: Matter, *, reason: str, version: int | None = None, now: dt.datetime | None = None
) -> Matter:
    """上报 to the centre of the parent of the current handling area, or straight to the level the matter's
    level rule asks for when that is higher (最高 → 县级)."""
    step = begin(actor, matter, "escalate", version, now)
    reason = required_text(reason, "reason", _("上报须填写原因。"))
    parent = matter.handling_area.parent
    if parent is None:
        raise WorkflowError(_("已是最高层级，无法继续上报。"))
    required = required_area(matter)
    if required is not None and required.level < parent.level:
        parent = required
    matter.handling_area = parent
    matter.closing_reason = reason
    finish(step, note=_("上报至%(area)s：%(reason)s") % {"area": parent.name, "reason": reason})
    return matter


@transaction.atomic
def return_matter(
    actor, matter: Matter, *, reason: str, version: int | None = None, now: dt.datetime | None = None
) -> Matter:
    """退回 to the centre for re-assessment or re-assignment (reason required)."""
    step = begin(actor, matter, "return", version, now)
    matter.closing_reason = required_text(reason, "reason", _("退回须填写原因。"))
    finish(step, note=_("退回：%(r)s") % {"r": matter.closing_reason})
    return matter


@transaction.atomic
def merge(
    actor,
    matter: Matter,
    *,
    into: Matter,
    note: str = "",
    version: int | None = None,
    now: dt.datetime | None = None,
) -> Matter:
    """合并 a duplicate matter into another; its reports follow it (``intake.actions.relink_reports``)."""
    step = begin(actor, matter, "merge", version, now)
    if into is None or into.pk == matter.pk:
        raise ValidationError({"into": _("请选择另一个事项作为合并目标。")})
    if not in_scope(actor, into.area):
        raise ValidationError({"into": _("合并目标不在您的管辖范围内。")})
    if into.status not in OPEN_STATUSES:
        raise ValidationError({"into": _("合并目标须为在办事项。")})
    matter.merged_into = into
    moved = intake_actions.relink_reports(actor, matter, into)
    finish(
        step,
        note=_("已并入事项 %(n)s") % {"n": into.number},
        data={"into": into.pk, "reports_moved": moved},
    )
    internal_note(step, note)
    log_event(
        actor,
        into,
        "merge_received",
        snapshot(into),
        note=_("并入事项 %(n)s") % {"n": matter.number},
        data={"from": matter.pk},
        at=step.now,
    )
    return matter


@transaction.atomic
def reject(
    actor, matter: Matter, *, reason: str, version: int | None = None, now: dt.datetime | None = None
) -> Matter:
    """不予受理 (reason required, shown to the citizen)."""
    step = begin(actor, matter, "reject", version, now)
    reason = required_text(reason, "reason", _("不予受理须填写原因。"))
    matter.closing_reason = reason
    matter.public_note = reason
    finish(step, note=_("不予受理：%(r)s") % {"r": reason}, public_text=matter.public_note)
    return matter
