"""Plans (应急预案): create, revise (a new draft version), edit the draft, approve, publish; the duty roster."""

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
from anju.core.phones import is_valid_phone, normalise_phone
from anju.emergency.models import DutyPost, Plan, PlanGroup, PlanLevel, PlanType, PlanVersion, VersionStatus
from anju.emergency.models.common import ResponseLevel
from anju.emergency.rules import rule

PLAN_FIELDS = ("title", "plan_type", "classes", "owner_unit", "review_years", "published_on", "review_due")
VERSION_FIELDS = ("number", "status", "summary", "command", "revision_note")


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@transaction.atomic
def create_plan(
    actor,
    *,
    area,
    title,
    plan_type,
    classes=(),
    domains=(),
    owner_unit=None,
    review_years=None,
    summary="",
    now=None,
) -> Plan:
    """A new plan with its first draft version, which starts with the default command positions and working
    groups (``rules``), to be edited before approval."""
    now = now or timezone.now()
    require(actor, "emergency.plan", area)
    errors = {}
    if not (title or "").strip():
        errors["title"] = _("请填写预案名称。")
    if plan_type not in PlanType.values:
        errors["plan_type"] = _("请选择预案类型。")
    if any(c not in EmergencyClass.values for c in classes):
        errors["classes"] = _("事件类别无效。")
    review_years = review_years or rule("plan_review_years")
    if not 1 <= int(review_years) <= 10:
        errors["review_years"] = _("修订周期应为 1–10 年。")
    if errors:
        raise ValidationError(errors)
    plan = Plan.objects.create(
        area=area,
        title=title.strip(),
        plan_type=plan_type,
        classes=list(classes),
        owner_unit=owner_unit,
        review_years=review_years,
        created_by=actor,
        created_at=now,
    )
    plan.domains.set(domains)
    version = PlanVersion.objects.create(
        plan=plan,
        number=1,
        summary=summary,
        command="\n".join(rule("command_positions")),
        created_by=actor,
        created_at=now,
    )
    PlanGroup.objects.bulk_create(
        [PlanGroup(version=version, name=name, sort_order=i) for i, name in enumerate(rule("working_groups"))]
    )
    audit.record(actor, "emergency.plan_create", plan, after=audit.snapshot(plan, PLAN_FIELDS))
    return plan


@transaction.atomic
def start_revision(actor, plan: Plan, *, note="", now=None) -> PlanVersion:
    """修编: a new draft copied from the newest version (levels and groups included). One draft at a time."""
    now = now or timezone.now()
    require(actor, "emergency.plan", plan)
    lock_checked(plan)
    if plan.versions.filter(status__in=[VersionStatus.DRAFT, VersionStatus.APPROVED]).exists():
        raise WorkflowError(_("该预案已有未发布的修订稿，请先完成或发布它。"))
    latest = plan.versions.order_by("-number").first()
    version = PlanVersion.objects.create(
        plan=plan,
        number=latest.number + 1,
        summary=latest.summary,
        command=latest.command,
        revision_note=note,
        created_by=actor,
        created_at=now,
    )
    PlanLevel.objects.bulk_create(
        [
            PlanLevel(version=version, level=lv.level, trigger=lv.trigger, measures=lv.measures)
            for lv in latest.levels.all()
        ]
    )
    PlanGroup.objects.bulk_create(
        [
            PlanGroup(
                version=version,
                name=g.name,
                lead_unit=g.lead_unit,
                duties=g.duties,
                tasks=g.tasks,
                sort_order=g.sort_order,
            )
            for g in latest.groups.all()
        ]
    )
    plan.save()  # the plan's version moves on: a page showing the old state is stale
    audit.record(
        actor, "emergency.plan_revise", version, after=audit.snapshot(version, VERSION_FIELDS), area=plan.area
    )
    return version


def _draft(actor, version: PlanVersion, seen_version):
    require(actor, "emergency.plan", version)
    lock_checked(version, seen_version)
    if version.status != VersionStatus.DRAFT:
        raise WorkflowError(_("只有草稿可以修改。"))


@transaction.atomic
def edit_draft(
    actor, version: PlanVersion, *, summary, command, revision_note="", seen_version=None
) -> PlanVersion:
    _draft(actor, version, seen_version)
    before = audit.snapshot(version, VERSION_FIELDS)
    version.summary = (summary or "").strip()
    version.command = (command or "").strip()
    version.revision_note = (revision_note or "").strip()
    version.save()
    audit.record(
        actor,
        "emergency.plan_edit",
        version,
        before=before,
        after=audit.snapshot(version, VERSION_FIELDS),
        area=version.plan.area,
    )
    return version


@transaction.atomic
def save_level(actor, version: PlanVersion, *, level, trigger, measures="", seen_version=None) -> PlanLevel:
    """Add or replace one response level of a draft: its trigger conditions and measures."""
    _draft(actor, version, seen_version)
    errors = {}
    if level not in ResponseLevel.values:
        errors["level"] = _("请选择响应级别。")
    if not (trigger or "").strip():
        errors["trigger"] = _("请填写启动条件。")
    if errors:
        raise ValidationError(errors)
    row, _created = PlanLevel.objects.update_or_create(
        version=version,
        level=level,
        defaults={"trigger": trigger.strip(), "measures": (measures or "").strip()},
    )
    version.save()
    audit.record(
        actor,
        "emergency.plan_level",
        version,
        after={"level": level, "trigger": row.trigger},
        area=version.plan.area,
    )
    return row


@transaction.atomic
def save_group(
    actor, version: PlanVersion, *, name, lead_unit=None, duties="", tasks="", seen_version=None
) -> PlanGroup:
    """Add a working group to a draft, or replace the one of that name."""
    _draft(actor, version, seen_version)
    if not (name or "").strip():
        raise ValidationError({"name": _("请填写工作组名称。")})
    if (
        lead_unit is not None
        and not version.plan.area.path.startswith(lead_unit.area.path)
        and not lead_unit.area.path.startswith(version.plan.area.path)
    ):
        raise ValidationError({"lead_unit": _("牵头单位须在预案适用区域内或其上级。")})
    group = version.groups.filter(name=name.strip()).first() or PlanGroup(
        version=version, name=name.strip(), sort_order=version.groups.count()
    )
    group.lead_unit = lead_unit
    group.duties = (duties or "").strip()
    group.tasks = (tasks or "").strip()
    group.save()
    version.save()
    audit.record(
        actor,
        "emergency.plan_group",
        version,
        after={
            "group": group.name,
            "lead_unit": lead_unit.pk if lead_unit else None,
            "tasks": group.task_lines(),
        },
        area=version.plan.area,
    )
    return group


@transaction.atomic
def approve_version(actor, version: PlanVersion, *, seen_version=None, now=None) -> PlanVersion:
    now = now or timezone.now()
    require(actor, "emergency.approve", version)
    lock_checked(version, seen_version)
    if version.status != VersionStatus.DRAFT:
        raise WorkflowError(_("只有草稿可以审批。"))
    if not version.levels.exists():
        raise WorkflowError(_("预案至少要有一个响应级别及其启动条件，才能审批。"))
    before = audit.snapshot(version, VERSION_FIELDS)
    version.status = VersionStatus.APPROVED
    version.approved_by = actor
    version.approved_at = now
    version.save()
    audit.record(
        actor,
        "emergency.plan_approve",
        version,
        before=before,
        after=audit.snapshot(version, VERSION_FIELDS),
        area=version.plan.area,
    )
    return version


@transaction.atomic
def publish_version(actor, version: PlanVersion, *, seen_version=None, now=None) -> PlanVersion:
    """The approved version comes into force; the one before it is superseded and the review clock restarts."""
    now = now or timezone.now()
    require(actor, "emergency.approve", version)
    lock_checked(version, seen_version)
    if version.status != VersionStatus.APPROVED:
        raise WorkflowError(_("只有已审批的版本可以发布。"))
    plan = lock_checked(version.plan)
    before = audit.snapshot(plan, PLAN_FIELDS)
    PlanVersion.objects.filter(plan=plan, status=VersionStatus.PUBLISHED).update(
        status=VersionStatus.SUPERSEDED
    )
    version.status = VersionStatus.PUBLISHED
    version.published_by = actor
    version.published_at = now
    version.save()
    today = timezone.localdate(now)
    plan.published_on = today
    plan.review_due = _add_years(today, plan.review_years)
    plan.save()
    audit.record(
        actor,
        "emergency.plan_publish",
        plan,
        before=before,
        after=audit.snapshot(plan, PLAN_FIELDS) | {"version": version.number},
    )
    return version


@transaction.atomic
def add_duty_post(actor, plan: Plan, *, position, unit=None, shift="", phone="") -> DutyPost:
    """A duty position of the roster; its phone is stored encrypted and shown masked."""
    require(actor, "emergency.plan", plan)
    errors = {}
    if not (position or "").strip():
        errors["position"] = _("请填写值班岗位。")
    phone = normalise_phone(phone)
    if phone and not is_valid_phone(phone):
        errors["phone"] = _("请填写正确的手机号码或带区号的固定电话。")
    if errors:
        raise ValidationError(errors)
    post = DutyPost.objects.create(
        plan=plan, position=position.strip(), unit=unit, shift=(shift or "").strip(), phone=phone
    )
    audit.record(
        actor,
        "emergency.duty_post",
        post,
        after={"position": post.position, "unit": unit.pk if unit else None},
        area=plan.area,
    )
    return post


@transaction.atomic
def import_plan_text(
    actor, version: PlanVersion, *, name: str, data: bytes, seen_version=None
) -> PlanVersion:
    """The text of an existing plan from a .docx becomes the draft's body (预案原文); the levels, groups and
    command are entered beside it. The file is read whole before anything is stored."""
    from anju.emergency.plan_import import docx_text

    _draft(actor, version, seen_version)
    body = docx_text(name, data)
    before = {"body_source": version.body_source, "body_chars": len(version.body)}
    version.body = body
    version.body_source = (name or "")[:200]
    version.save()
    audit.record(
        actor,
        "emergency.plan_import",
        version,
        before=before,
        after={"body_source": version.body_source, "body_chars": len(body)},
        area=version.plan.area,
    )
    return version
