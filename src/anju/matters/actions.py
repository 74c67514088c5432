"""Every state change of a matter goes through one function here.

Each function checks the actor's permission and the workflow table, changes the matter inside one
transaction, and writes both the matter's timeline (``MatterEvent``) and the audit log. An illegal
transition raises ``WorkflowError`` and changes nothing. Each action first locks the matter's row and
re-reads it (``lock_checked``); given the ``version`` the user was shown, it refuses a matter changed since
with ``Conflict`` (409), so that two users never overwrite each other.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anju.core import audit
from anju.core.concurrency import lock_checked
from anju.core.crypto import protect_text
from anju.core.errors import NotAllowed, WorkflowError  # noqa: F401  (re-exported: older imports)
from anju.core.scoping import in_scope, may_act_on
from anju.core.textsafety import refuse_invisible_in
from anju.matters import audience
from anju.matters.models import (
    FollowUpVisit,
    Matter,
    MatterEvent,
    MatterParty,
    MediationResult,
    MediationSession,
    Satisfaction,
    SupervisionNote,
)
from anju.matters.risk import current_matrix
from anju.matters.workflow import OPEN_STATUSES, TRANSITIONS, Status

AUDITED_FIELDS = (
    "status",
    "kind",
    "domain",
    "area",
    "handling_area",
    "title",
    "people_involved",
    "amount_involved",
    "likelihood",
    "consequence",
    "inherent_level",
    "residual_likelihood",
    "residual_consequence",
    "residual_level",
    "matrix_version",
    "grey_rhino",
    "black_swan_suggested",
    "black_swan_confirmed",
    "responsible_unit",
    "responsible_person",
    "deadline",
    "outcome",
    "satisfaction",
    "merged_into",
)


def _require(actor, permission: str, matter: Matter | None = None, area=None) -> None:
    if not actor.can(permission):
        raise WorkflowError(_("您的角色（%(role)s）无权执行此操作。") % {"role": actor.get_role_display()})
    target_area = area if area is not None else (matter.area if matter is not None else None)
    if target_area is not None and not in_scope(actor, target_area):
        raise WorkflowError(_("该事项不在您的管辖范围内。"))
    if matter is not None and not may_act_on(actor, matter):
        raise NotAllowed(_("该事项未交办给您的单位，您只能办理本单位承办的事项。"))


def _transition(actor, matter: Matter, action: str) -> str:
    """Check that ``action`` is allowed now and return the target status."""
    _require(actor, f"matter.{action}", matter)
    transition = TRANSITIONS[action]
    if matter.status not in transition.sources:
        raise WorkflowError(
            _("事项当前状态为“%(status)s”，不能执行“%(action)s”。")
            % {"status": matter.get_status_display(), "action": transition.label}
        )
    return transition.target


def _log(
    actor,
    matter: Matter,
    kind: str,
    before: dict,
    *,
    from_status: str | None = None,
    note: str = "",
    public_text: str = "",
    data: dict | None = None,
    at: dt.datetime | None = None,
) -> MatterEvent:
    """Write one timeline entry and its audit event. ``note`` is internal; the citizen sees the neutral line
    of ``audience.PUBLIC_LINES`` for ``kind`` and ``public_text`` (text written for the citizen), if any."""
    after = audit.snapshot(matter, AUDITED_FIELDS)
    old, new = audit.changed(before, after)
    public_text = audience.checked_public_text(kind, public_text)
    event = MatterEvent.objects.create(
        matter=matter,
        actor=actor if actor and actor.pk else None,
        kind=kind,
        from_status=from_status or "",
        to_status=matter.status if from_status is not None else "",
        note=note,
        public=audience.is_public(kind, public_text),
        public_text=public_text,
        data=data or {},
        at=at or timezone.now(),
    )
    audit.record(actor, f"matter.{kind}", matter, before=old or None, after=new or None, note=note)
    return event


def _internal_note(actor, matter: Matter, note: str) -> None:
    """A staff member's remark on a transition stays on the staff timeline: the citizen's status page shows
    only the standard wording of public steps."""
    if (note or "").strip():
        _log(actor, matter, "note", audit.snapshot(matter, AUDITED_FIELDS), note=note.strip())


def _next_number(area, when: dt.datetime) -> str:
    prefix = f"{area.code[:6]}-{when:%Y}-"
    last = (
        Matter.objects.filter(number__startswith=prefix)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    seq = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{seq:06d}"


def _save_numbered(matter: Matter, area, when: dt.datetime, attempts: int = 5) -> None:
    """Insert a new matter under the next free number. Registrations at the same moment (PostgreSQL runs
    them side by side) may read the same last number; the loser takes the next one instead of failing."""
    for attempt in range(attempts):
        try:
            with transaction.atomic():  # a savepoint: only this insert is undone
                matter.save()
            return
        except IntegrityError:
            if attempt == attempts - 1 or not Matter.objects.filter(number=matter.number).exists():
                raise
            matter.number = _next_number(area, when)


def _score(likelihood: int, consequence: int):
    matrix = current_matrix()
    try:
        level = matrix.level(int(likelihood), int(consequence))
    except (TypeError, ValueError):
        raise ValidationError({"likelihood": _("可能性与后果须在风险矩阵的刻度范围内。")}) from None
    return matrix, level


@transaction.atomic
def create_matter(
    actor,
    *,
    kind: str,
    domain,
    area,
    title: str,
    description: str,
    people_involved: int = 0,
    amount_involved: Decimal | int | str = 0,
    occurred_at: dt.datetime | None = None,
    parties: list[dict] | None = None,
    likelihood: int | None = None,
    consequence: int | None = None,
    assessment_note: str = "",
    is_demo: bool = False,
    registered_at: dt.datetime | None = None,
) -> Matter:
    """Register (登记) a new matter; with likelihood and consequence given it is assessed at once.

    ``registered_at`` is for records registered from a filing made at a known earlier time (a screening
    return); it may not lie in the future. The audit event still carries the real time of the write."""
    _require(actor, "matter.create", area=area)
    now = timezone.now()
    if registered_at is not None and registered_at > now:
        raise ValidationError({"registered_at": _("登记时间不能晚于当前时间。")})
    registered_at = registered_at or now
    description, description_original = protect_text((description or "").strip())
    matter = Matter(
        number=_next_number(area, registered_at),
        kind=kind,
        domain=domain,
        area=area,
        handling_area=area,
        title=(title or "").strip(),
        description=description,
        description_original=description_original,
        people_involved=people_involved or 0,
        amount_involved=Decimal(str(amount_involved or 0)),
        occurred_at=occurred_at or registered_at,
        registered_at=registered_at,
        created_by=actor if actor and actor.pk else None,
        is_demo=is_demo,
    )
    errors = {}
    if not matter.title:
        errors["title"] = _("请填写标题。")
    if not matter.description:
        errors["description"] = _("请填写情况描述。")
    if matter.amount_involved < 0:
        errors["amount_involved"] = _("涉及金额不能为负数。")
    if errors:
        raise ValidationError(errors)
    matter.full_clean(exclude=["number", "handling_area"])
    # 黑天鹅 suggestion: nothing of this kind recorded before in this area and domain.
    matter.black_swan_suggested = not Matter.objects.filter(area=area, domain=domain, kind=kind).exists()
    _save_numbered(matter, area, registered_at)
    for party in parties or []:
        add_party(actor, matter, **party, _log_event=False)
    _log(
        actor,
        matter,
        "registered",
        {},
        from_status="",
        note=_("事项已登记"),
        data={"parties": len(parties or [])},
        at=registered_at,
    )
    if likelihood is not None and consequence is not None:
        assess(actor, matter, likelihood=likelihood, consequence=consequence, note=assessment_note)
    return matter


@transaction.atomic
def add_party(
    actor,
    matter: Matter,
    *,
    role: str = "applicant",
    name: str = "",
    phone: str = "",
    id_number: str = "",
    is_organisation: bool = False,
    version: int | None = None,
    _log_event: bool = True,
) -> MatterParty:
    if _log_event:
        matter = lock_checked(matter, version)
        _require(actor, "matter.note", matter)
    refuse_invisible_in(name=name)
    party = MatterParty(
        matter=matter,
        role=role,
        name=name.strip(),
        phone=phone.strip(),
        id_number=id_number.strip(),
        is_organisation=is_organisation,
    )
    party.full_clean(exclude=["matter"])
    party.save()
    if _log_event:
        before = audit.snapshot(matter, AUDITED_FIELDS)
        _log(
            actor,
            matter,
            "party_added",
            before,
            note=_("添加当事人（%(role)s）") % {"role": party.get_role_display()},
        )
    return party


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
) -> Matter:
    """研判: score the inherent (and optionally residual) risk on the current matrix."""
    matter = lock_checked(matter, version)
    from_status = matter.status
    target = _transition(actor, matter, "assess")
    before = audit.snapshot(matter, AUDITED_FIELDS)
    matrix, level = _score(likelihood, consequence)
    matter.likelihood, matter.consequence = int(likelihood), int(consequence)
    matter.inherent_level = level.code
    matter.matrix_version = matrix.key
    if residual_likelihood is not None and residual_consequence is not None:
        _matrix, residual = _score(residual_likelihood, residual_consequence)
        matter.residual_likelihood, matter.residual_consequence = (
            int(residual_likelihood),
            int(residual_consequence),
        )
        matter.residual_level = residual.code
    matter.grey_rhino = matter.grey_rhino or matrix.is_grey_rhino(matter.likelihood, matter.consequence)
    matter.status = target
    matter.save()
    _log(
        actor,
        matter,
        "assessed",
        before,
        from_status=from_status,
        note=note or _("研判定级：%(level)s") % {"level": level.label},
        data={"level": level.code, "matrix": matrix.key},
    )
    return matter


@transaction.atomic
def set_residual_risk(
    actor, matter: Matter, *, likelihood: int, consequence: int, note: str = "", version: int | None = None
) -> Matter:
    """Record the residual level after measures, without a status change."""
    matter = lock_checked(matter, version)
    _require(actor, "matter.assess", matter)
    if not matter.is_open and matter.status != Status.RESOLVED:
        raise WorkflowError(_("已办结的事项不能再调整风险等级。"))
    before = audit.snapshot(matter, AUDITED_FIELDS)
    matrix, level = _score(likelihood, consequence)
    matter.residual_likelihood, matter.residual_consequence = int(likelihood), int(consequence)
    matter.residual_level, matter.matrix_version = level.code, matrix.key
    matter.save()
    _log(
        actor,
        matter,
        "residual_assessed",
        before,
        note=note or _("措施后风险：%(level)s") % {"level": level.label},
    )
    return matter


@transaction.atomic
def assign(
    actor, matter: Matter, *, unit, person=None, deadline: dt.date, note: str = "", version: int | None = None
) -> Matter:
    """交办 to a responsible unit (and person) with a deadline."""
    matter = lock_checked(matter, version)
    from_status = matter.status
    target = _transition(actor, matter, "assign")
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
        errors["deadline"] = _("请填写办理期限。")
    elif deadline < timezone.localdate():
        errors["deadline"] = _("办理期限不能早于今天。")
    if errors:
        raise ValidationError(errors)
    before = audit.snapshot(matter, AUDITED_FIELDS)
    matter.responsible_unit, matter.responsible_person, matter.deadline = unit, person, deadline
    matter.status = target
    matter.save()
    _log(
        actor,
        matter,
        "assigned",
        before,
        from_status=from_status,
        note=_("交办%(unit)s办理，期限 %(deadline)s") % {"unit": unit.name, "deadline": deadline},
    )
    _internal_note(actor, matter, note)
    return matter


@transaction.atomic
def start(actor, matter: Matter, *, note: str = "", version: int | None = None) -> Matter:
    matter = lock_checked(matter, version)
    from_status = matter.status
    target = _transition(actor, matter, "start")
    before = audit.snapshot(matter, AUDITED_FIELDS)
    matter.status = target
    matter.save()
    _log(actor, matter, "started", before, from_status=from_status, note=_("开始化解"))
    _internal_note(actor, matter, note)
    return matter


@transaction.atomic
def resolve(
    actor, matter: Matter, *, outcome: str, public_note: str = "", version: int | None = None
) -> Matter:
    """已化解, with the outcome; the public note is what the citizen sees."""
    matter = lock_checked(matter, version)
    from_status = matter.status
    target = _transition(actor, matter, "resolve")
    if not (outcome or "").strip():
        raise ValidationError({"outcome": _("请填写化解结果。")})
    before = audit.snapshot(matter, AUDITED_FIELDS)
    matter.outcome = outcome.strip()
    matter.public_note = (public_note or "").strip()
    matter.resolved_at = timezone.now()
    matter.status = target
    matter.save()
    _log(
        actor,
        matter,
        "resolved",
        before,
        from_status=from_status,
        note=_("事项已化解"),
        public_text=matter.public_note,
    )
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
) -> FollowUpVisit:
    """回访 after resolution; records satisfaction."""
    matter = lock_checked(matter, version)
    from_status = matter.status
    target = _transition(actor, matter, "follow_up")
    if satisfaction not in Satisfaction.values:
        raise ValidationError({"satisfaction": _("请选择满意度。")})
    if visited_on is None or visited_on > timezone.localdate():
        raise ValidationError({"visited_on": _("回访日期不能晚于今天。")})
    before = audit.snapshot(matter, AUDITED_FIELDS)
    visit = FollowUpVisit.objects.create(
        matter=matter,
        visited_on=visited_on,
        method=method or "电话",
        satisfaction=satisfaction,
        note=note.strip(),
        visited_by=actor,
    )
    matter.satisfaction = satisfaction
    matter.status = target
    matter.save()
    _log(
        actor,
        matter,
        "followed_up",
        before,
        from_status=from_status,
        note=_("已回访：%(s)s") % {"s": visit.get_satisfaction_display()},
        data={"visit": visit.pk},
    )
    return visit


@transaction.atomic
def archive(actor, matter: Matter, *, note: str = "", version: int | None = None) -> Matter:
    matter = lock_checked(matter, version)
    from_status = matter.status
    target = _transition(actor, matter, "archive")
    before = audit.snapshot(matter, AUDITED_FIELDS)
    matter.status = target
    matter.save()
    _log(actor, matter, "archived", before, from_status=from_status, note=_("已归档"))
    _internal_note(actor, matter, note)
    return matter


@transaction.atomic
def escalate(actor, matter: Matter, *, reason: str, version: int | None = None) -> Matter:
    """上报 to the centre of the parent of the current handling area."""
    matter = lock_checked(matter, version)
    from_status = matter.status
    target = _transition(actor, matter, "escalate")
    if not (reason or "").strip():
        raise ValidationError({"reason": _("上报须填写原因。")})
    parent = matter.handling_area.parent
    if parent is None:
        raise WorkflowError(_("已是最高层级，无法继续上报。"))
    before = audit.snapshot(matter, AUDITED_FIELDS)
    matter.handling_area = parent
    matter.closing_reason = reason.strip()
    matter.status = target
    matter.save()
    _log(
        actor,
        matter,
        "escalated",
        before,
        from_status=from_status,
        note=_("上报至%(area)s：%(reason)s") % {"area": parent.name, "reason": reason.strip()},
    )
    return matter


@transaction.atomic
def return_matter(actor, matter: Matter, *, reason: str, version: int | None = None) -> Matter:
    """退回 to the centre for re-assessment or re-assignment (reason required)."""
    matter = lock_checked(matter, version)
    from_status = matter.status
    target = _transition(actor, matter, "return")
    if not (reason or "").strip():
        raise ValidationError({"reason": _("退回须填写原因。")})
    before = audit.snapshot(matter, AUDITED_FIELDS)
    matter.closing_reason = reason.strip()
    matter.status = target
    matter.save()
    _log(
        actor,
        matter,
        "returned",
        before,
        from_status=from_status,
        note=_("退回：%(r)s") % {"r": reason.strip()},
    )
    return matter


@transaction.atomic
def merge(actor, matter: Matter, *, into: Matter, note: str = "", version: int | None = None) -> Matter:
    """合并 a duplicate matter into another; its reports follow it."""
    matter = lock_checked(matter, version)
    from_status = matter.status
    target = _transition(actor, matter, "merge")
    if into is None or into.pk == matter.pk:
        raise ValidationError({"into": _("请选择另一个事项作为合并目标。")})
    if not in_scope(actor, into.area):
        raise ValidationError({"into": _("合并目标不在您的管辖范围内。")})
    if into.status not in OPEN_STATUSES:
        raise ValidationError({"into": _("合并目标须为在办事项。")})
    before = audit.snapshot(matter, AUDITED_FIELDS)
    matter.merged_into = into
    matter.status = target
    matter.save()
    moved = matter.reports.update(matter=into)
    _log(
        actor,
        matter,
        "merged",
        before,
        from_status=from_status,
        note=_("已并入事项 %(n)s") % {"n": into.number},
        data={"into": into.pk, "reports_moved": moved},
    )
    _internal_note(actor, matter, note)
    into_before = audit.snapshot(into, AUDITED_FIELDS)
    _log(
        actor,
        into,
        "merge_received",
        into_before,
        note=_("并入事项 %(n)s") % {"n": matter.number},
        data={"from": matter.pk},
    )
    return matter


@transaction.atomic
def reject(actor, matter: Matter, *, reason: str, version: int | None = None) -> Matter:
    """不予受理 (reason required, shown to the citizen)."""
    matter = lock_checked(matter, version)
    from_status = matter.status
    target = _transition(actor, matter, "reject")
    if not (reason or "").strip():
        raise ValidationError({"reason": _("不予受理须填写原因。")})
    before = audit.snapshot(matter, AUDITED_FIELDS)
    matter.closing_reason = reason.strip()
    matter.public_note = reason.strip()
    matter.status = target
    matter.save()
    _log(
        actor,
        matter,
        "rejected",
        before,
        from_status=from_status,
        note=_("不予受理：%(r)s") % {"r": reason.strip()},
        public_text=matter.public_note,
    )
    return matter


@transaction.atomic
def record_mediation(
    actor,
    matter: Matter,
    *,
    held_on: dt.date,
    mediators: str,
    summary: str,
    result: str,
    parties_present: str = "",
    agreement_text: str = "",
    agreement_file=None,
    version: int | None = None,
) -> MediationSession:
    """调解 session on an open matter. A first session on an assigned matter starts its resolution."""
    matter = lock_checked(matter, version)
    _require(actor, "mediation.record", matter)
    if matter.status not in (Status.ASSIGNED, Status.RESOLVING):
        raise WorkflowError(_("只有已交办或化解中的事项可以记录调解。"))
    errors = {}
    if held_on is None:
        errors["held_on"] = _("请填写调解日期。")
    elif held_on > timezone.localdate():
        errors["held_on"] = _("调解日期不能晚于今天。")
    if not (mediators or "").strip():
        errors["mediators"] = _("请填写调解员。")
    if not (summary or "").strip():
        errors["summary"] = _("请填写调解经过。")
    if result not in MediationResult.values:
        errors["result"] = _("请选择调解结果。")
    if errors:
        raise ValidationError(errors)
    before = audit.snapshot(matter, AUDITED_FIELDS)
    from_status = matter.status
    summary, summary_original = protect_text(summary.strip())
    agreement_text, agreement_text_original = protect_text((agreement_text or "").strip())
    session = MediationSession(
        matter=matter,
        held_on=held_on,
        mediators=mediators.strip(),
        summary=summary,
        summary_original=summary_original,
        result=result,
        parties_present=(parties_present or "").strip(),
        agreement_text=agreement_text,
        agreement_text_original=agreement_text_original,
        recorded_by=actor,
    )
    if agreement_file is not None:
        session.agreement_file = agreement_file
    session.save()
    if matter.status == Status.ASSIGNED:
        matter.status = Status.RESOLVING
        matter.save()
    _log(
        actor,
        matter,
        "mediation",
        before,
        from_status=from_status if matter.status != from_status else None,
        note=_("调解（%(d)s）：%(r)s") % {"d": held_on, "r": session.get_result_display()},
        data={"session": session.pk},
    )
    return session


@transaction.atomic
def supervise(
    actor, matter: Matter, *, note: str, new_deadline: dt.date | None = None, version: int | None = None
) -> SupervisionNote:
    """督办 note; may set a new deadline."""
    matter = lock_checked(matter, version)
    _require(actor, "matter.supervise", matter)
    if not matter.is_open:
        raise WorkflowError(_("只能督办在办事项。"))
    if not (note or "").strip():
        raise ValidationError({"note": _("请填写督办意见。")})
    if new_deadline is not None and new_deadline < timezone.localdate():
        raise ValidationError({"new_deadline": _("新期限不能早于今天。")})
    before = audit.snapshot(matter, AUDITED_FIELDS)
    entry = SupervisionNote.objects.create(
        matter=matter, by=actor, note=note.strip(), new_deadline=new_deadline
    )
    if new_deadline is not None:
        matter.deadline = new_deadline
        matter.save()
    _log(
        actor,
        matter,
        "supervised",
        before,
        note=_("督办：%(n)s") % {"n": note.strip()},
        data={"note": entry.pk},
    )
    return entry


@transaction.atomic
def add_note(
    actor, matter: Matter, *, note: str, public: bool = False, version: int | None = None
) -> MatterEvent:
    """A note on the timeline: internal, unless ``public`` (the form's 群众可见, labelled as public) makes
    its text a line the citizen reads as written."""
    matter = lock_checked(matter, version)
    _require(actor, "matter.note", matter)
    if not (note or "").strip():
        raise ValidationError({"note": _("请填写内容。")})
    before = audit.snapshot(matter, AUDITED_FIELDS)
    masked, original = protect_text(note.strip())
    event = _log(actor, matter, "note", before, note=masked, public_text=masked if public else "")
    if original:
        event.note_original = original
        event.save(update_fields=["note_original"])
    return event


@transaction.atomic
def confirm_black_swan(actor, matter: Matter, *, confirmed: bool, version: int | None = None) -> Matter:
    matter = lock_checked(matter, version)
    _require(actor, "matter.flag", matter)
    before = audit.snapshot(matter, AUDITED_FIELDS)
    matter.black_swan_confirmed = bool(confirmed)
    matter.save()
    _log(actor, matter, "black_swan", before, note=_("确认为黑天鹅事件") if confirmed else _("排除黑天鹅"))
    return matter


@transaction.atomic
def set_grey_rhino(actor, matter: Matter, *, marked: bool, version: int | None = None) -> Matter:
    matter = lock_checked(matter, version)
    _require(actor, "matter.flag", matter)
    before = audit.snapshot(matter, AUDITED_FIELDS)
    matter.grey_rhino = bool(marked)
    matter.save()
    _log(actor, matter, "grey_rhino", before, note=_("标记为灰犀牛") if marked else _("取消灰犀牛标记"))
    return matter


def record_export(actor, filters: dict, count: int, *, area=None):
    """Log a ledger export (who exported which filtered rows): exports carry personal data, masked or not."""
    if not actor.can("ledger.export"):
        raise WorkflowError(_("您的角色（%(role)s）无权导出台账。") % {"role": actor.get_role_display()})
    area = area or actor.area
    return audit.record(
        actor,
        "ledger.export",
        area if area is not None else actor,
        after={"filters": filters, "count": count},
        area=area,
        note=_("导出台账 %(n)s 条") % {"n": count},
    )
