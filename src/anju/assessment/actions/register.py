"""Register items (评估事项) and plan assessments (评估方案); stage moves."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anju.assessment.actions._common import (
    ITEM_FIELDS,
    PLAN_FIELDS,
    _audit,
    _count,
    _date,
    _order,
    _raise,
    _stage,
    _text,
)
from anju.assessment.models import (
    Assessment,
    AssessmentItem,
    AssessmentMethod,
    Stage,
)
from anju.assessment.models.items import ItemCategory
from anju.core import audit
from anju.core.errors import WorkflowError
from anju.core.permissions import require

# ---------------------------------------------------------------- register of items


def _item_values(
    errors: dict,
    *,
    year,
    title,
    category,
    description,
    sponsor_unit,
    area,
    affected_areas,
    people_affected,
    planned_decision_date,
) -> dict:
    values = {
        "year": _count(errors, "year", year, _("年度")),
        "title": _text(errors, "title", title, _("请填写事项名称。")),
        "category": category,
        "description": _text(errors, "description", description, _("请填写事项概况。")),
        "sponsor_unit": sponsor_unit,
        "area": area,
        "people_affected": _count(errors, "people_affected", people_affected, _("预计涉及人数")),
        "planned_decision_date": _date(
            errors, "planned_decision_date", planned_decision_date, _("计划决策日期")
        ),
    }
    if category not in ItemCategory.values:
        errors["category"] = _("请选择事项类别。")
    if sponsor_unit is None:
        errors["sponsor_unit"] = _("请选择决策提出（承办）单位。")
    if area is None:
        errors["area"] = _("请选择所属区域。")
    if not affected_areas:
        errors["affected_areas"] = _("请至少选择一个涉及区域。")
    elif area is not None and any(not area.contains(a) for a in affected_areas):
        errors["affected_areas"] = _("涉及区域须在所属区域“%(area)s”之内。") % {"area": area.name}
    if values["year"] and not 2000 <= values["year"] <= 2100:
        errors["year"] = _("年度应为四位年份。")
    return values


@transaction.atomic
def create_item(
    actor,
    *,
    year,
    title,
    category,
    description,
    sponsor_unit,
    area,
    affected_areas,
    domains=(),
    people_affected=0,
    planned_decision_date,
    is_demo: bool = False,
) -> AssessmentItem:
    """Register an item that must be assessed (列入评估事项目录)."""
    require(actor, "assessment.item", area)
    errors: dict = {}
    values = _item_values(
        errors,
        year=year,
        title=title,
        category=category,
        description=description,
        sponsor_unit=sponsor_unit,
        area=area,
        affected_areas=affected_areas,
        people_affected=people_affected,
        planned_decision_date=planned_decision_date,
    )
    _raise(errors)
    item = AssessmentItem.objects.create(
        **values, created_by=actor if actor and actor.pk else None, is_demo=is_demo
    )
    item.affected_areas.set(affected_areas)
    item.domains.set(domains)
    _audit(actor, "item.create", item, item, after=audit.snapshot(item, ITEM_FIELDS))
    return item


@transaction.atomic
def update_item(
    actor,
    item: AssessmentItem,
    *,
    year,
    title,
    category,
    description,
    sponsor_unit,
    area,
    affected_areas,
    domains=(),
    people_affected=0,
    planned_decision_date,
) -> AssessmentItem:
    require(actor, "assessment.item", item)
    if area is not None:
        require(actor, "assessment.item", area)
    errors: dict = {}
    values = _item_values(
        errors,
        year=year,
        title=title,
        category=category,
        description=description,
        sponsor_unit=sponsor_unit,
        area=area,
        affected_areas=affected_areas,
        people_affected=people_affected,
        planned_decision_date=planned_decision_date,
    )
    _raise(errors)
    before = audit.snapshot(item, ITEM_FIELDS)
    for key, value in values.items():
        setattr(item, key, value)
    item.save()
    item.affected_areas.set(affected_areas)
    item.domains.set(domains)
    old, new = audit.changed(before, audit.snapshot(item, ITEM_FIELDS))
    _audit(actor, "item.update", item, item, before=old, after=new)
    return item


@transaction.atomic
def record_item_decided(
    actor, item: AssessmentItem, *, decided_on, note: str = "", now: dt.datetime | None = None
) -> AssessmentItem:
    """Record that the item was decided outside this workflow (so coverage can flag 未评先决)."""
    require(actor, "assessment.item", item)
    errors: dict = {}
    day = _date(errors, "decided_on", decided_on, _("实际决策日期"))
    if day and day > timezone.localdate(now):
        errors["decided_on"] = _("实际决策日期不能晚于今天。")
    note = _text(errors, "decided_note", note, _("请说明决策情况（会议、文件）。"))
    if item.decided_assessment is not None:
        errors["decided_on"] = _("该事项已在本系统记录集体决策。")
    _raise(errors)
    before = audit.snapshot(item, ITEM_FIELDS)
    item.decided_on, item.decided_note = day, note
    item.save(update_fields=["decided_on", "decided_note"])
    _audit(actor, "item.decided", item, item, before=before, after=audit.snapshot(item, ITEM_FIELDS))
    return item


# ---------------------------------------------------------------- plan (评估方案)


def _plan_values(
    errors: dict, *, body_unit, team, methods, schedule_start, schedule_end, consult_whom, decision_body
) -> dict:
    methods = list(methods or [])
    unknown = [m for m in methods if m not in AssessmentMethod.values]
    if unknown:
        errors["methods"] = _("未知的评估方法：%(m)s") % {"m": "、".join(unknown)}
    start = _date(errors, "schedule_start", schedule_start, _("计划开始日期"), required=False)
    end = _date(errors, "schedule_end", schedule_end, _("计划完成日期"), required=False)
    _order(errors, start, end, "schedule_end", _("计划完成日期不能早于开始日期。"))
    if body_unit is None:
        errors["body_unit"] = _("请选择评估主体。")
    return {
        "body_unit": body_unit,
        "team": (team or "").strip(),
        "methods": methods,
        "schedule_start": start,
        "schedule_end": end,
        "consult_whom": (consult_whom or "").strip(),
        "decision_body": (decision_body or "").strip(),
    }


@transaction.atomic
def start_assessment(
    actor,
    item: AssessmentItem,
    *,
    body_unit,
    team="",
    methods=(),
    schedule_start=None,
    schedule_end=None,
    consult_whom="",
    decision_body="",
) -> Assessment:
    """Open the first assessment of an item with its plan (评估方案)."""
    require(actor, "assessment.conduct", item)
    if item.assessments.exists():
        raise WorkflowError(_("该事项已有评估；已决策的评估请使用“创建新版本”。"))
    errors: dict = {}
    values = _plan_values(
        errors,
        body_unit=body_unit,
        team=team,
        methods=methods,
        schedule_start=schedule_start,
        schedule_end=schedule_end,
        consult_whom=consult_whom,
        decision_body=decision_body,
    )
    _raise(errors)
    assessment = Assessment.objects.create(
        item=item, created_by=actor if actor and actor.pk else None, **values
    )
    _audit(actor, "start", assessment, assessment, after=audit.snapshot(assessment, PLAN_FIELDS))
    return assessment


@transaction.atomic
def update_plan(actor, assessment: Assessment, *, version=None, **fields) -> Assessment:
    require(actor, "assessment.conduct", assessment)
    _stage(assessment, (Stage.PLAN,), _("修改评估方案"), version)
    errors: dict = {}
    current = {name: getattr(assessment, name) for name in PLAN_FIELDS}
    current.update(fields)
    values = _plan_values(errors, **current)
    _raise(errors)
    before = audit.snapshot(assessment, PLAN_FIELDS)
    for key, value in values.items():
        setattr(assessment, key, value)
    assessment.save()
    old, new = audit.changed(before, audit.snapshot(assessment, PLAN_FIELDS))
    _audit(actor, "plan", assessment, assessment, before=old, after=new)
    return assessment


def _move(actor, assessment: Assessment, target: str, note: str = "") -> Assessment:
    before = {"stage": assessment.stage}
    assessment.stage = target
    assessment.save(update_fields=["stage"])
    _audit(actor, "stage", assessment, assessment, before=before, after={"stage": target}, note=note)
    return assessment


@transaction.atomic
def open_consultation(actor, assessment: Assessment, *, version=None) -> Assessment:
    """Plan → consultation, once the plan names team, methods, schedule and whom to consult."""
    require(actor, "assessment.conduct", assessment)
    _stage(assessment, (Stage.PLAN,), _("开始征求意见"), version)
    errors = {}
    if not assessment.team:
        errors["team"] = _("评估方案须写明评估小组成员。")
    if not assessment.methods:
        errors["methods"] = _("评估方案须选择至少一种评估方法。")
    if not assessment.schedule_start or not assessment.schedule_end:
        errors["schedule_end"] = _("评估方案须写明计划开始和完成日期。")
    if not assessment.consult_whom:
        errors["consult_whom"] = _("评估方案须写明征求意见对象。")
    _raise(errors)
    return _move(actor, assessment, Stage.CONSULTATION)


@transaction.atomic
def start_analysis(actor, assessment: Assessment, *, version=None) -> Assessment:
    """Consultation → analysis, once at least one consultation record exists."""
    require(actor, "assessment.conduct", assessment)
    _stage(assessment, (Stage.CONSULTATION,), _("进入分析论证"), version)
    has_records = (
        assessment.notices.exists()
        or assessment.surveys.exists()
        or assessment.meetings.exists()
        or assessment.experts.exists()
    )
    if not has_records:
        raise ValidationError(
            {"__all__": _("尚无任何征求意见记录（公示、问卷、座谈走访听证或专家意见），不能进入分析论证。")}
        )
    return _move(actor, assessment, Stage.ANALYSIS)


@transaction.atomic
def reopen_analysis(actor, assessment: Assessment, *, reason: str, version=None) -> Assessment:
    """Back to analysis from a level or an undecided report: the level and report are withdrawn."""
    require(actor, "assessment.conduct", assessment)
    _stage(assessment, (Stage.LEVELLED, Stage.REPORTED), _("退回分析论证"), version)
    errors: dict = {}
    reason = _text(errors, "reason", reason, _("请说明退回原因。"))
    _raise(errors)
    withdraw_level_and_report(assessment)
    return _move(actor, assessment, Stage.ANALYSIS, note=reason)


def withdraw_level_and_report(assessment: Assessment) -> None:
    """Back to analysis: the level and report no longer reflect the records (the audit log keeps them)."""
    assessment.computed_initial_level = assessment.computed_final_level = assessment.final_level = ""
    assessment.verdict_reasons, assessment.recommendation, assessment.override_justification = {}, "", ""
    assessment.report_number, assessment.report_issued_on = "", None
    assessment.report_issued_by, assessment.report_generated_at = None, None
    assessment.report_docx, assessment.report_pdf = "", ""
    assessment.save()
