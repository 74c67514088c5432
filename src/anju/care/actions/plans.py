"""Care plans: open one for a party, plan and record visits (走访/回访), close it with a reason, and mark
the party's needs. Each is one transaction: guard (role, and being someone who may reach the party), lock,
check, change, audit."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anju.care import access
from anju.care.actions.retention import archived_on, care_days
from anju.care.models import CarePlan, CareVisit, Need, NeedMarker, PlanStatus, VisitKind
from anju.core import audit
from anju.core.concurrency import lock_checked
from anju.core.errors import NotAllowed, WorkflowError
from anju.core.notifications import notify
from anju.core.permissions import may, require
from anju.core.roles import Role
from anju.core.scoping import in_scope
from anju.matters.models import MatterParty
from anju.matters.workflow import Status

# who may be a care person: staff who go out to people (not the auditor, not an administrator's account)
CARE_ROLES = frozenset(
    {Role.GRID_WORKER, Role.VILLAGE_CADRE, Role.CENTRE_STAFF, Role.DEPARTMENT_OFFICER, Role.LEADER}
)
# a merged matter lives on in the one it joined; a rejected one was never taken up
NO_CARE_STATUSES = frozenset({Status.MERGED, Status.REJECTED})
TEXT_MAX = 2000
PLAN_FIELDS = ("care_person", "reason", "status", "closed_at", "close_reason")


def plan_link(plan: CarePlan) -> str:
    return f"/care/plans/{plan.pk}/"


def _require_reach(actor, party: MatterParty) -> None:
    """Role first (``care.plan``), then: only someone who may reveal the party plans its care."""
    require(actor, "care.plan")
    if not access.may_reveal_party(actor, party):
        if may(actor, "personal_data.reveal"):
            require(actor, "personal_data.reveal", party)  # the scope refusal (“…不在您的管辖范围内”)
        raise NotAllowed(_("您不是该事项的承办或关爱人员，不能为其当事人安排关爱。"))


def _require_plan_hand(actor, plan: CarePlan) -> None:
    """The care person, or anyone who may reach the party, works on the plan's visits."""
    require(actor, "care.plan")
    if actor.pk == plan.care_person_id:
        return
    _require_reach(actor, plan.party)


def _clean_text(value: str, field: str, *, required: bool, message: str) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: message})
    if len(value) > TEXT_MAX:
        raise ValidationError({field: _("内容不能超过 2000 字。")})
    return value


def check_care_person(person, party: MatterParty) -> None:
    """A care person is an active staff user who sees the matter's place, works inside it (a grid worker of
    the village's grid), or handles the matter."""
    if person is None:
        raise ValidationError({"care_person": _("请选择关爱责任人。")})
    if not person.is_active or person.role not in CARE_ROLES:
        raise ValidationError({"care_person": _("关爱责任人须为在岗的工作人员。")})
    area = party.matter.area
    local = person.area_id is not None and person.area.path.startswith(area.path)
    if not (in_scope(person, area) or local or access.handles(person, party.matter)):
        raise ValidationError({"care_person": _("关爱责任人须为该事项辖区内或承办该事项的工作人员。")})


@transaction.atomic
def open_plan(actor, party: MatterParty, *, care_person, reason: str, now=None) -> CarePlan:
    """A care plan for one party of a matter, with its care person and why it is needed."""
    now = now or timezone.now()
    _require_reach(actor, party)
    party = MatterParty.objects.select_for_update().select_related("matter", "matter__area").get(pk=party.pk)
    if party.matter.status in NO_CARE_STATUSES:
        raise WorkflowError(_("该事项已合并或不予受理，不能建立关爱计划。"))
    if party.matter.status == Status.ARCHIVED:
        archived = archived_on(party.matter)
        if archived is not None and archived + dt.timedelta(days=care_days()) <= now:
            raise WorkflowError(_("该事项归档已超过关爱期限，不能再建立关爱计划。"))
    reason = _clean_text(reason, "reason", required=True, message=_("请写明关爱原因。"))
    check_care_person(care_person, party)
    if party.care_plans.filter(status=PlanStatus.ACTIVE).exists():
        raise WorkflowError(_("该当事人已有进行中的关爱计划。"))
    plan = CarePlan.objects.create(
        party=party, care_person=care_person, reason=reason, created_by=actor, created_at=now
    )
    audit.record(
        actor, "care.plan_open", plan, after=audit.snapshot(plan, PLAN_FIELDS), area=party.matter.area
    )
    if care_person.pk != actor.pk:
        notify(
            care_person,
            kind="care.assigned",
            title=_("关爱计划：%(number)s %(title)s")
            % {"number": party.matter.number, "title": party.matter.title},
            body=_("您被指定为该事项一名当事人的关爱责任人，请安排走访。"),
            link=plan_link(plan),
            key=f"care:assigned:{plan.pk}",
            now=now,
        )
    return plan


def _lock_active(plan: CarePlan, version) -> CarePlan:
    lock_checked(plan, version, message=_("该关爱计划已被他人修改，请刷新后重试。"))
    if plan.status != PlanStatus.ACTIVE:
        raise WorkflowError(_("该关爱计划已结束。"))
    return plan


@transaction.atomic
def plan_visit(actor, plan: CarePlan, *, kind: str, planned_on: dt.date, version=None, now=None) -> CareVisit:
    """A visit to make (走访 or 回访) on a date not yet past; a plan has as many as the care needs."""
    now = now or timezone.now()
    _require_plan_hand(actor, plan)
    _lock_active(plan, version)
    if kind not in VisitKind.values:
        raise ValidationError({"kind": _("请选择走访方式。")})
    if planned_on is None:
        raise ValidationError({"planned_on": _("请填写计划日期。")})
    if planned_on < timezone.localdate(now):
        raise ValidationError({"planned_on": _("计划日期不能早于今天。")})
    visit = CareVisit.objects.create(
        plan=plan, kind=kind, planned_on=planned_on, created_by=actor, created_at=now
    )
    plan.save(update_fields=["version"])  # the plan's page shows a new visit: its version moves on
    audit.record(
        actor,
        "care.visit_plan",
        plan,
        after={"visit": visit.pk, "kind": kind, "planned_on": planned_on.isoformat()},
        area=plan.party.matter.area,
    )
    return visit


@transaction.atomic
def record_visit(
    actor,
    plan: CarePlan,
    *,
    done_on: dt.date,
    note: str,
    kind: str = VisitKind.VISIT,
    visit: CareVisit | None = None,
    version=None,
    now=None,
) -> CareVisit:
    """A visit made: a planned one marked done, or one made without a plan (``visit`` None)."""
    now = now or timezone.now()
    _require_plan_hand(actor, plan)
    _lock_active(plan, version)
    if done_on is None:
        raise ValidationError({"done_on": _("请填写走访日期。")})
    if done_on > timezone.localdate(now):
        raise ValidationError({"done_on": _("走访日期不能晚于今天。")})
    note = _clean_text(note, "note", required=True, message=_("请记录走访情况。"))
    if visit is None:
        if kind not in VisitKind.values:
            raise ValidationError({"kind": _("请选择走访方式。")})
        visit = CareVisit(plan=plan, kind=kind, planned_on=done_on, created_by=actor, created_at=now)
    else:
        visit = CareVisit.objects.select_for_update().get(pk=visit.pk, plan=plan)
        if visit.done_on is not None:
            raise WorkflowError(_("该次走访已记录。"))
    visit.done_on, visit.note, visit.done_by = done_on, note, actor
    visit.save()
    plan.save(update_fields=["version"])
    audit.record(
        actor,
        "care.visit_done",
        plan,
        after={"visit": visit.pk, "kind": visit.kind, "done_on": done_on.isoformat()},
        area=plan.party.matter.area,
    )
    return visit


@transaction.atomic
def close_plan(actor, plan: CarePlan, *, reason: str, version=None, now=None) -> CarePlan:
    """The care person ends the care, saying why (the centre may too, for a care person who has left)."""
    now = now or timezone.now()
    require(actor, "care.plan")
    if actor.pk != plan.care_person_id:
        if not may(actor, "personal_data.reveal"):
            raise NotAllowed(_("只有关爱责任人可以结束关爱计划。"))
        require(actor, "personal_data.reveal", plan)  # the centre, in its scope
    before = audit.snapshot(_lock_active(plan, version), PLAN_FIELDS)
    plan.close_reason = _clean_text(reason, "reason", required=True, message=_("请写明结束原因。"))
    plan.status, plan.closed_at, plan.closed_by = PlanStatus.CLOSED, now, actor
    plan.save()
    audit.record(
        actor,
        "care.plan_close",
        plan,
        before=before,
        after=audit.snapshot(plan, PLAN_FIELDS),
        area=plan.party.matter.area,
    )
    return plan


@transaction.atomic
def set_needs(actor, party: MatterParty, needs, *, now=None) -> list[str]:
    """The party's need markers become ``needs`` (codes of ``Need``): added and removed ones are audited."""
    now = now or timezone.now()
    _require_reach(actor, party)
    wanted = set(needs or ())
    unknown = wanted - set(Need.values)
    if unknown:
        raise ValidationError({"needs": _("未知的需求标记。")})
    party = MatterParty.objects.select_for_update().select_related("matter__area").get(pk=party.pk)
    have = set(party.needs.values_list("need", flat=True))
    added, removed = sorted(wanted - have), sorted(have - wanted)
    if not added and not removed:
        return sorted(wanted)
    NeedMarker.objects.filter(party=party, need__in=removed).delete()
    NeedMarker.objects.bulk_create(
        NeedMarker(party=party, need=n, added_by=actor, added_at=now) for n in added
    )
    audit.record(
        actor,
        "care.needs",
        party,
        before={"needs": sorted(have)},
        after={"needs": sorted(wanted), "added": added, "removed": removed},
        area=party.matter.area,
    )
    return sorted(wanted)
