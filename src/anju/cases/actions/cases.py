"""Cases (专案): open, edit, add and remove matters, lead unit and 包案领导, close and reopen.

Each action checks its permission and scope, locks the case and checks the version the page showed, and
writes the case's timeline (``CaseEvent``) and the audit log in one transaction, at the time ``now``.
Adding or removing a matter is also written on the matter's own timeline."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from anju.cases.models import Case, CaseEvent, CaseEventKind, CaseKind, CaseMatter, CaseStatus
from anju.core import audit
from anju.core.concurrency import lock_checked
from anju.core.errors import WorkflowError
from anju.core.models import Area
from anju.core.notifications import members_of, notify
from anju.core.permissions import require
from anju.core.roles import Role
from anju.matters.actions.base import log_event, snapshot
from anju.matters.workflow import Status

CASE_FIELDS = (
    "code",
    "title",
    "kind",
    "area",
    "lead_unit",
    "lead_leader",
    "summary",
    "status",
    "closed_at",
    "closing_note",
)
STALE_CASE = _("专案已被他人修改，请刷新页面后重试。")


def case_event(actor, case: Case, kind: str, text: str, now: dt.datetime) -> CaseEvent:
    """One line of the case's timeline, at the action's time."""
    return CaseEvent.objects.create(
        case=case, kind=kind, text=text, actor=actor if actor and actor.pk else None, at=now
    )


def guarded(actor, case: Case, version, permission: str = "cases.manage") -> Case:
    """The role first; then the case locked, its version checked, and its area checked for scope."""
    require(actor, permission)
    lock_checked(case, version, message=STALE_CASE)
    require(actor, permission, case)
    return case


def require_open(case: Case) -> None:
    if case.status != CaseStatus.OPEN:
        raise WorkflowError(_("专案已结案，不能再办理；如需继续，请先重新办理。"))


def lowest_common_area(areas) -> Area | None:
    """The lowest area whose subtree holds every one of ``areas`` (None for none)."""
    paths = [a.path.strip("/").split("/") for a in areas]
    if not paths:
        return None
    common = paths[0]
    for codes in paths[1:]:
        n = 0
        while n < min(len(common), len(codes)) and common[n] == codes[n]:
            n += 1
        common = common[:n]
    return Area.objects.get(code=common[-1]) if common else None


def _next_code(area: Area, when: dt.datetime) -> str:
    prefix = f"ZA{area.code[:6]}-{when:%Y}-"
    last = (
        Case.objects.filter(code__startswith=prefix).order_by("-code").values_list("code", flat=True).first()
    )
    seq = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{seq:03d}"


def _save_numbered(case: Case, when: dt.datetime, attempts: int = 5) -> None:
    """Insert under the next free code; two cases opened at the same moment take consecutive codes."""
    for attempt in range(attempts):
        try:
            with transaction.atomic():
                case.save()
            return
        except IntegrityError:
            if attempt == attempts - 1 or not Case.objects.filter(code=case.code).exists():
                raise
            case.code = _next_code(case.area, when)


def _lead_errors(lead_unit, lead_leader) -> dict:
    errors = {}
    if lead_unit is None:
        errors["lead_unit"] = _("请选择牵头单位。")
    if lead_leader is not None and (lead_leader.role != Role.LEADER or not lead_leader.is_active):
        errors["lead_leader"] = _("包案领导须为在职的领导账号。")
    return errors


def _matter_errors(actor, area: Area | None, matters) -> list[str]:
    """Each matter must be the actor's to act on, not merged away, and inside the case's area."""
    problems = []
    for matter in matters:
        require(actor, "cases.manage", matter)
        if matter.status == Status.MERGED:
            problems.append(_("事项 %(n)s 已并入其他事项，请纳入合并后的事项。") % {"n": matter.number})
        elif area is not None and not matter.area.path.startswith(area.path):
            problems.append(
                _("事项 %(n)s 不在专案所属区域（%(a)s）内。") % {"n": matter.number, "a": area.name}
            )
    return problems


def _link_matter(actor, case: Case, matter, reason: str, now: dt.datetime) -> None:
    CaseMatter.objects.create(case=case, matter=matter, reason=reason, added_by=actor, added_at=now)
    log_event(
        actor,
        matter,
        "case_added",
        snapshot(matter),
        note=_("纳入专案 %(code)s《%(title)s》。%(reason)s")
        % {"code": case.code, "title": case.title, "reason": reason},
        data={"case": case.pk},
        at=now,
    )


def _distinct(matters) -> list:
    seen, result = set(), []
    for m in matters:
        if m.pk not in seen:
            seen.add(m.pk)
            result.append(m)
    return result


@transaction.atomic
def open_case(
    actor,
    *,
    title: str,
    kind: str,
    lead_unit,
    area: Area | None = None,
    matters=(),
    summary: str = "",
    lead_leader=None,
    reason: str = "",
    now: dt.datetime | None = None,
) -> Case:
    """立案. Without ``area`` the case is held at the lowest area covering all its matters."""
    now = now or timezone.now()
    require(actor, "cases.manage")
    matters = _distinct(matters)
    if area is None:
        area = lowest_common_area([m.area for m in matters])
    errors = _lead_errors(lead_unit, lead_leader)
    if not (title or "").strip():
        errors["title"] = _("请填写专案名称。")
    if kind not in CaseKind.values:
        errors["kind"] = _("请选择专案类型。")
    if area is None:
        errors["area"] = _("请选择所属区域，或纳入至少一件事项。")
    else:
        require(actor, "cases.manage", area)
        if problems := _matter_errors(actor, area, matters):
            errors["matters"] = problems
    if errors:
        raise ValidationError(errors)
    case = Case(
        code=_next_code(area, now),
        title=title.strip(),
        kind=kind,
        area=area,
        lead_unit=lead_unit,
        lead_leader=lead_leader,
        summary=(summary or "").strip(),
        created_by=actor,
        created_at=now,
    )
    _save_numbered(case, now)
    case_event(actor, case, CaseEventKind.OPENED, _("立案：%(title)s。") % {"title": case.title}, now)
    reason = (reason or "").strip() or _("立案时纳入")
    for matter in matters:
        _link_matter(actor, case, matter, reason, now)
    if matters:
        case_event(
            actor,
            case,
            CaseEventKind.MATTER_ADDED,
            _("纳入事项：%(list)s。") % {"list": "、".join(m.number for m in matters)},
            now,
        )
    audit.record(
        actor,
        "case.open",
        case,
        after=audit.snapshot(case, CASE_FIELDS) | {"matters": [m.pk for m in matters]},
    )
    notify(
        members_of(lead_unit, excluding=actor)
        + ([lead_leader] if lead_leader and lead_leader != actor else []),
        kind="cases.opened",
        title=_("专案 %(code)s 由贵单位牵头") % {"code": case.code},
        body=case.title,
        link=reverse("cases:detail", args=[case.pk]),
        key=f"case-opened-{case.pk}",
        now=now,
    )
    return case


@transaction.atomic
def update_case(
    actor, case: Case, *, title: str, kind: str, summary: str = "", version=None, now=None
) -> Case:
    now = now or timezone.now()
    guarded(actor, case, version)
    require_open(case)
    errors = {}
    if not (title or "").strip():
        errors["title"] = _("请填写专案名称。")
    if kind not in CaseKind.values:
        errors["kind"] = _("请选择专案类型。")
    elif kind != CaseKind.FRAUD and case.kind == CaseKind.FRAUD and case.fraud_figures.exists():
        errors["kind"] = _("该专案已登记涉案数据，不能改为其他类型。")
    if errors:
        raise ValidationError(errors)
    before = audit.snapshot(case, CASE_FIELDS)
    case.title, case.kind, case.summary = title.strip(), kind, (summary or "").strip()
    case.save()
    old, new = audit.changed(before, audit.snapshot(case, CASE_FIELDS))
    if new:
        names = "、".join(str(Case._meta.get_field(f).verbose_name) for f in new)
        case_event(actor, case, CaseEventKind.UPDATED, _("修改：%(f)s。") % {"f": names}, now)
        audit.record(actor, "case.update", case, before=old, after=new)
    return case


@transaction.atomic
def set_lead(actor, case: Case, *, lead_unit, lead_leader=None, version=None, now=None) -> Case:
    """牵头单位 and 包案领导."""
    now = now or timezone.now()
    guarded(actor, case, version)
    require_open(case)
    if errors := _lead_errors(lead_unit, lead_leader):
        raise ValidationError(errors)
    before = audit.snapshot(case, CASE_FIELDS)
    case.lead_unit, case.lead_leader = lead_unit, lead_leader
    case.save()
    leader = (lead_leader.display_name or lead_leader.username) if lead_leader else _("未确定")
    case_event(
        actor,
        case,
        CaseEventKind.LEAD,
        _("牵头单位：%(unit)s；包案领导：%(leader)s。") % {"unit": lead_unit.name, "leader": leader},
        now,
    )
    audit.record(actor, "case.lead", case, before=before, after=audit.snapshot(case, CASE_FIELDS))
    return case


@transaction.atomic
def add_matters_to_case(actor, case: Case, matters, *, reason: str, version=None, now=None) -> list:
    """纳入事项: each must be in the actor's scope and the case's area; already linked ones are refused."""
    now = now or timezone.now()
    guarded(actor, case, version)
    require_open(case)
    matters = _distinct(matters)
    errors = {}
    if not matters:
        errors["matters"] = [_("请至少选择一件事项。")]
    elif problems := _matter_errors(actor, case.area, matters):
        errors["matters"] = problems
    else:
        linked = set(case.memberships.filter(matter__in=matters).values_list("matter__number", flat=True))
        if linked:
            errors["matters"] = [_("已在本专案中：%(list)s。") % {"list": "、".join(sorted(linked))}]
    if not (reason or "").strip():
        errors["reason"] = _("请填写纳入理由。")
    if errors:
        raise ValidationError(errors)
    reason = reason.strip()
    for matter in matters:
        _link_matter(actor, case, matter, reason, now)
    numbers = "、".join(m.number for m in matters)
    case_event(
        actor,
        case,
        CaseEventKind.MATTER_ADDED,
        _("纳入事项：%(list)s。理由：%(reason)s") % {"list": numbers, "reason": reason},
        now,
    )
    audit.record(
        actor, "case.add_matters", case, after={"matters": [m.pk for m in matters], "reason": reason}
    )
    return matters


@transaction.atomic
def remove_matter_from_case(actor, case: Case, matter, *, reason: str, version=None, now=None) -> None:
    now = now or timezone.now()
    guarded(actor, case, version)
    require_open(case)
    require(actor, "cases.manage", matter)
    membership = case.memberships.filter(matter=matter).first()
    if membership is None:
        raise WorkflowError(_("该事项不在本专案中。"))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("请填写移出理由。")})
    reason = reason.strip()
    membership.delete()
    log_event(
        actor,
        matter,
        "case_removed",
        snapshot(matter),
        note=_("移出专案 %(code)s。理由：%(reason)s") % {"code": case.code, "reason": reason},
        data={"case": case.pk},
        at=now,
    )
    case_event(
        actor,
        case,
        CaseEventKind.MATTER_REMOVED,
        _("移出事项 %(n)s。理由：%(reason)s") % {"n": matter.number, "reason": reason},
        now,
    )
    audit.record(actor, "case.remove_matter", case, before={"matter": matter.pk}, after={"reason": reason})


@transaction.atomic
def close_case(actor, case: Case, *, note: str, version=None, now=None) -> Case:
    """结案, with a closing note; open tasks stay as they are, listed on the page."""
    now = now or timezone.now()
    guarded(actor, case, version)
    require_open(case)
    if not (note or "").strip():
        raise ValidationError({"note": _("请填写结案说明。")})
    before = audit.snapshot(case, CASE_FIELDS)
    case.status, case.closed_at, case.closing_note = CaseStatus.CLOSED, now, note.strip()
    case.save()
    case_event(actor, case, CaseEventKind.CLOSED, case.closing_note, now)
    audit.record(actor, "case.close", case, before=before, after=audit.snapshot(case, CASE_FIELDS))
    return case


@transaction.atomic
def reopen_case(actor, case: Case, *, reason: str, version=None, now=None) -> Case:
    now = now or timezone.now()
    guarded(actor, case, version)
    if case.status != CaseStatus.CLOSED:
        raise WorkflowError(_("专案仍在办理中。"))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("请填写重新办理的理由。")})
    before = audit.snapshot(case, CASE_FIELDS)
    case.status, case.closed_at = CaseStatus.OPEN, None
    case.save()
    case_event(actor, case, CaseEventKind.REOPENED, reason.strip(), now)
    audit.record(actor, "case.reopen", case, before=before, after=audit.snapshot(case, CASE_FIELDS))
    return case
