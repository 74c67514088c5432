"""Every state change of 稳评 goes through one function here.

Each function checks the actor's permission (``permissions``), the item's scope and the assessment's stage,
validates its input with field-level Chinese messages, changes the records in one transaction and writes an
audit event. A refused call raises ``ValidationError`` (field → message) or ``WorkflowError`` and changes
nothing. A decided assessment is locked: further changes go into a new revision (``revise``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anju.assessment import permissions, verdict
from anju.assessment.models import (
    Assessment,
    AssessmentItem,
    Decision,
    DecisionOutcome,
    ExpertOpinion,
    Handling,
    MatterLink,
    Measure,
    Meeting,
    MeetingKind,
    Opinion,
    PublicNotice,
    RiskFactor,
    Stage,
    Survey,
    SurveyGroup,
    TrackingTask,
)
from anju.assessment.models.assessment import VerdictLevel
from anju.assessment.models.items import ItemCategory
from anju.core import audit
from anju.core.scoping import in_scope
from anju.matters.actions import WorkflowError
from anju.matters.risk import current_matrix

ITEM_FIELDS = (
    "year",
    "title",
    "category",
    "description",
    "sponsor_unit",
    "area",
    "people_affected",
    "planned_decision_date",
    "decided_on",
    "decided_note",
)
PLAN_FIELDS = (
    "body_unit",
    "team",
    "methods",
    "schedule_start",
    "schedule_end",
    "consult_whom",
    "decision_body",
)
METHODS = {
    "notice": "公示",
    "survey": "问卷调查",
    "visit": "实地走访",
    "forum": "座谈会",
    "hearing": "听证会",
    "expert": "专家论证",
}
RECORD_STAGES = (Stage.CONSULTATION, Stage.ANALYSIS)


# ---------------------------------------------------------------- guards and small validators


def _require(actor, permission: str, area) -> None:
    if not permissions.can(actor, permission):
        role = actor.get_role_display() if actor is not None and hasattr(actor, "get_role_display") else "—"
        raise WorkflowError(_("您的角色（%(role)s）无权执行此操作。") % {"role": role})
    if area is not None and not in_scope(actor, area):
        raise WorkflowError(_("该评估事项不在您的管辖范围内。"))


def _stage(assessment: Assessment, allowed, what: str) -> None:
    if assessment.locked:
        raise WorkflowError(_("该评估已决策并锁定，如需修改请创建新版本。"))
    if assessment.stage not in allowed:
        names = "、".join(str(Stage(s).label) for s in allowed)
        raise WorkflowError(
            _("当前环节为“%(now)s”，%(what)s只能在“%(allowed)s”环节进行。")
            % {"now": assessment.get_stage_display(), "what": what, "allowed": names}
        )


def _text(errors: dict, field: str, value, message: str) -> str:
    value = (value or "").strip() if isinstance(value, str) or value is None else str(value)
    if not value:
        errors[field] = message
    return value


def _count(errors: dict, field: str, value, label: str) -> int:
    try:
        number = int(value if value not in (None, "") else 0)
    except (TypeError, ValueError):
        errors[field] = _("%(label)s须为整数。") % {"label": label}
        return 0
    if number < 0:
        errors[field] = _("%(label)s不能为负数。") % {"label": label}
    return number


def _date(errors: dict, field: str, value, label: str, required: bool = True) -> dt.date | None:
    if value in (None, ""):
        if required:
            errors[field] = _("请填写%(label)s。") % {"label": label}
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        errors[field] = _("%(label)s格式应为 YYYY-MM-DD。") % {"label": label}
        return None


def _order(errors: dict, start: dt.date | None, end: dt.date | None, end_field: str, message: str) -> None:
    if start and end and end < start:
        errors[end_field] = message


def _raise(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


def _audit(actor, action: str, obj, assessment_or_item, *, before=None, after=None, note: str = "") -> None:
    item = assessment_or_item if isinstance(assessment_or_item, AssessmentItem) else assessment_or_item.item
    audit.record(actor, f"assessment.{action}", obj, before=before, after=after, note=note, area=item.area)


def _matrix_level(errors: dict, field: str, likelihood, impact) -> tuple[int, int, str]:
    matrix = current_matrix()
    try:
        lk, im = int(likelihood), int(impact)
        return lk, im, matrix.level(lk, im).code
    except (TypeError, ValueError):
        errors[field] = _("可能性与影响程度须为 1–%(n)s 的整数（风险矩阵刻度）。") % {
            "n": len(matrix.likelihood)
        }
        return 0, 0, ""


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
    _require(actor, "assessment.item", area)
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
    _require(actor, "assessment.item", item.area)
    if area is not None:
        _require(actor, "assessment.item", area)
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
def record_item_decided(actor, item: AssessmentItem, *, decided_on, note: str = "") -> AssessmentItem:
    """Record that the item was decided outside this workflow (so coverage can flag 未评先决)."""
    _require(actor, "assessment.item", item.area)
    errors: dict = {}
    day = _date(errors, "decided_on", decided_on, _("实际决策日期"))
    if day and day > timezone.localdate():
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
    unknown = [m for m in methods if m not in METHODS]
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
    _require(actor, "assessment.conduct", item.area)
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
def update_plan(actor, assessment: Assessment, **fields) -> Assessment:
    _require(actor, "assessment.conduct", assessment.item.area)
    _stage(assessment, (Stage.PLAN,), _("修改评估方案"))
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
def open_consultation(actor, assessment: Assessment) -> Assessment:
    """Plan → consultation, once the plan names team, methods, schedule and whom to consult."""
    _require(actor, "assessment.conduct", assessment.item.area)
    _stage(assessment, (Stage.PLAN,), _("开始征求意见"))
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
def start_analysis(actor, assessment: Assessment) -> Assessment:
    """Consultation → analysis, once at least one consultation record exists."""
    _require(actor, "assessment.conduct", assessment.item.area)
    _stage(assessment, (Stage.CONSULTATION,), _("进入分析论证"))
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
def reopen_analysis(actor, assessment: Assessment, *, reason: str) -> Assessment:
    """Back to analysis from a level or an undecided report: the level and report are withdrawn."""
    _require(actor, "assessment.conduct", assessment.item.area)
    _stage(assessment, (Stage.LEVELLED, Stage.REPORTED), _("退回分析论证"))
    errors: dict = {}
    reason = _text(errors, "reason", reason, _("请说明退回原因。"))
    _raise(errors)
    assessment.computed_initial_level = assessment.computed_final_level = assessment.final_level = ""
    assessment.verdict_reasons, assessment.recommendation, assessment.override_justification = {}, "", ""
    assessment.report_number, assessment.report_issued_on = "", None
    assessment.report_docx, assessment.report_pdf = "", ""
    assessment.save()
    return _move(actor, assessment, Stage.ANALYSIS, note=reason)


# ---------------------------------------------------------------- consultation records


@transaction.atomic
def add_public_notice(
    actor, assessment: Assessment, *, channel, start_on, end_on, content="", opinions_received=0
) -> PublicNotice:
    _require(actor, "assessment.conduct", assessment.item.area)
    _stage(assessment, RECORD_STAGES, _("登记公示"))
    errors: dict = {}
    channel = _text(errors, "channel", channel, _("请填写公示方式或地点。"))
    start = _date(errors, "start_on", start_on, _("公示开始日期"))
    end = _date(errors, "end_on", end_on, _("公示结束日期"))
    received = _count(errors, "opinions_received", opinions_received, _("收到意见数"))
    if start and end:
        minimum = verdict.load_rule()["consultation"]["public_notice_min_days"]
        days = (end - start).days + 1
        if end < start:
            errors["end_on"] = _("公示结束日期不能早于开始日期。")
        elif days < minimum:
            errors["end_on"] = _("公示期为 %(days)s 天，少于规定的最短 %(min)s 天。") % {
                "days": days,
                "min": minimum,
            }
    _raise(errors)
    notice = PublicNotice.objects.create(
        assessment=assessment,
        channel=channel,
        start_on=start,
        end_on=end,
        content=(content or "").strip(),
        opinions_received=received,
    )
    _audit(
        actor,
        "notice.add",
        notice,
        assessment,
        after=audit.snapshot(notice, ("channel", "start_on", "end_on", "opinions_received")),
    )
    return notice


@transaction.atomic
def add_survey(
    actor, assessment: Assessment, *, title, conducted_from, conducted_to, method="", groups: list[dict]
) -> Survey:
    """问卷: ``groups`` is a list of {group, support, neutral, opposed}."""
    _require(actor, "assessment.conduct", assessment.item.area)
    _stage(assessment, RECORD_STAGES, _("登记问卷调查"))
    errors: dict = {}
    title = _text(errors, "title", title, _("请填写问卷名称。"))
    start = _date(errors, "conducted_from", conducted_from, _("调查开始日期"))
    end = _date(errors, "conducted_to", conducted_to, _("调查结束日期"))
    _order(errors, start, end, "conducted_to", _("调查结束日期不能早于开始日期。"))
    rows = []
    for index, g in enumerate(groups or []):
        name = (g.get("group") or "").strip()
        counts = {
            k: _count(errors, f"groups-{index}-{k}", g.get(k), label)
            for k, label in (
                ("support", _("支持人数")),
                ("neutral", _("中立人数")),
                ("opposed", _("反对人数")),
            )
        }
        if not name and not any(counts.values()):
            continue  # an empty row of the form
        if not name:
            errors[f"groups-{index}-group"] = _("请填写利益相关群体名称。")
        rows.append((name, counts))
    if not rows and not any(k.startswith("groups-") for k in errors):
        errors["groups"] = _("请至少填写一个群体的支持/中立/反对人数。")
    elif rows and not any(sum(c.values()) for _n, c in rows):
        errors["groups"] = _("各群体人数合计为 0，请填写调查结果。")
    _raise(errors)
    survey = Survey.objects.create(
        assessment=assessment,
        title=title,
        conducted_from=start,
        conducted_to=end,
        method=(method or "").strip(),
    )
    for name, counts in rows:
        SurveyGroup.objects.create(survey=survey, group=name, **counts)
    _audit(
        actor,
        "survey.add",
        survey,
        assessment,
        after={"title": title, "groups": [{"group": n, **c} for n, c in rows]},
    )
    return survey


@transaction.atomic
def add_meeting(
    actor, assessment: Assessment, *, kind, held_on, place, attendance, participants="", summary
) -> Meeting:
    _require(actor, "assessment.conduct", assessment.item.area)
    _stage(assessment, RECORD_STAGES, _("登记座谈、走访或听证"))
    errors: dict = {}
    if kind not in MeetingKind.values:
        errors["kind"] = _("请选择形式（座谈会/走访/听证会）。")
    day = _date(errors, "held_on", held_on, _("日期"))
    place = _text(errors, "place", place, _("请填写地点或走访对象。"))
    attendance = _count(errors, "attendance", attendance, _("参加人数"))
    if "attendance" not in errors and attendance == 0:
        errors["attendance"] = _("参加人数应大于 0。")
    summary = _text(errors, "summary", summary, _("请填写主要意见摘要。"))
    _raise(errors)
    meeting = Meeting.objects.create(
        assessment=assessment,
        kind=kind,
        held_on=day,
        place=place,
        attendance=attendance,
        participants=(participants or "").strip(),
        summary=summary,
    )
    _audit(
        actor,
        "meeting.add",
        meeting,
        assessment,
        after=audit.snapshot(meeting, ("kind", "held_on", "place", "attendance")),
    )
    return meeting


@transaction.atomic
def add_expert_opinion(
    actor, assessment: Assessment, *, expert, field="", score, weight=1, opinion, given_on
) -> ExpertOpinion:
    _require(actor, "assessment.conduct", assessment.item.area)
    _stage(assessment, RECORD_STAGES, _("登记专家意见"))
    errors: dict = {}
    expert = _text(errors, "expert", expert, _("请填写专家姓名。"))
    score = _count(errors, "score", score, _("风险评分"))
    if "score" not in errors and score > 100:
        errors["score"] = _("风险评分应在 0–100 之间。")
    try:
        weight = Decimal(str(weight if weight not in (None, "") else 1))
        if weight <= 0 or weight > Decimal("99"):
            errors["weight"] = _("权重应大于 0 且小于 100。")
    except InvalidOperation:
        errors["weight"] = _("权重须为数字。")
    opinion = _text(errors, "opinion", opinion, _("请填写论证意见。"))
    day = _date(errors, "given_on", given_on, _("日期"))
    _raise(errors)
    record = ExpertOpinion.objects.create(
        assessment=assessment,
        expert=expert,
        field=(field or "").strip(),
        score=score,
        weight=weight,
        opinion=opinion,
        given_on=day,
    )
    _audit(
        actor, "expert.add", record, assessment, after=audit.snapshot(record, ("expert", "score", "weight"))
    )
    return record


def _handling(errors: dict, handling, reason) -> tuple[str, str]:
    handling = handling or ""
    reason = (reason or "").strip()
    if handling not in Handling.values:
        errors["handling"] = _("请选择处理情况。")
    elif handling in (Handling.PARTLY, Handling.NOT_ADOPTED) and not reason:
        errors["reason"] = _("部分采纳或不予采纳的，须写明理由。")
    return handling, reason


@transaction.atomic
def add_opinion(actor, assessment: Assessment, *, source, content, handling="", reason="") -> Opinion:
    _require(actor, "assessment.conduct", assessment.item.area)
    _stage(assessment, RECORD_STAGES, _("登记意见"))
    errors: dict = {}
    source = _text(errors, "source", source, _("请填写意见来源。"))
    content = _text(errors, "content", content, _("请填写意见内容。"))
    handling, reason = _handling(errors, handling, reason)
    _raise(errors)
    record = Opinion.objects.create(
        assessment=assessment, source=source, content=content, handling=handling, reason=reason
    )
    _audit(actor, "opinion.add", record, assessment, after=audit.snapshot(record, ("source", "handling")))
    return record


@transaction.atomic
def handle_opinion(actor, opinion: Opinion, *, handling, reason="") -> Opinion:
    assessment = opinion.assessment
    _require(actor, "assessment.conduct", assessment.item.area)
    _stage(assessment, RECORD_STAGES, _("处理意见"))
    errors: dict = {}
    if not handling:
        errors["handling"] = _("请选择处理情况。")
    handling, reason = _handling(errors, handling, reason)
    _raise(errors)
    before = audit.snapshot(opinion, ("handling", "reason"))
    opinion.handling, opinion.reason = handling, reason
    opinion.save(update_fields=["handling", "reason"])
    _audit(
        actor,
        "opinion.handle",
        opinion,
        assessment,
        before=before,
        after=audit.snapshot(opinion, ("handling", "reason")),
    )
    return opinion


@transaction.atomic
def remove_record(actor, record) -> None:
    """Delete a consultation record, factor or measure entered by mistake (only before the level is set)."""
    assessment = record.factor.assessment if isinstance(record, Measure) else record.assessment
    _require(actor, "assessment.conduct", assessment.item.area)
    _stage(assessment, RECORD_STAGES, _("删除记录"))
    label = record._meta.verbose_name
    _audit(actor, "record.remove", record, assessment, before={"type": str(label), "text": str(record)[:200]})
    record.delete()


# ---------------------------------------------------------------- analysis: dimensions, factors, measures


@transaction.atomic
def save_analysis(actor, assessment: Assessment, *, texts: dict) -> Assessment:
    """The written analysis per dimension (合法性/合理性/可行性/可控性[/安全性])."""
    _require(actor, "assessment.conduct", assessment.item.area)
    _stage(assessment, RECORD_STAGES, _("填写分析论证"))
    enabled = verdict.enabled_dimensions()
    unknown = [k for k in texts if k not in enabled]
    if unknown:
        raise ValidationError({k: _("该维度未启用。") for k in unknown})
    before = dict(assessment.analysis or {})
    analysis = dict(before)
    for key, value in texts.items():
        analysis[key] = (value or "").strip()
    assessment.analysis = analysis
    assessment.save(update_fields=["analysis"])
    old, new = audit.changed(before, analysis)
    _audit(actor, "analysis", assessment, assessment, before=old, after=new)
    return assessment


FACTOR_FIELDS = (
    "dimension",
    "title",
    "likelihood",
    "impact",
    "level_before",
    "people_involved",
    "likelihood_after",
    "impact_after",
    "level_after",
)


@transaction.atomic
def add_factor(
    actor,
    assessment: Assessment,
    *,
    dimension,
    title,
    description,
    likelihood,
    impact,
    people_involved=0,
    likelihood_after=None,
    impact_after=None,
) -> RiskFactor:
    _require(actor, "assessment.conduct", assessment.item.area)
    _stage(assessment, RECORD_STAGES, _("登记风险因素"))
    errors: dict = {}
    if dimension not in verdict.enabled_dimensions():
        errors["dimension"] = _("请选择已启用的评估维度。")
    title = _text(errors, "title", title, _("请填写风险因素名称。"))
    description = _text(errors, "description", description, _("请填写风险描述。"))
    people = _count(errors, "people_involved", people_involved, _("可能涉及人数"))
    lk, im, level = _matrix_level(errors, "likelihood", likelihood, impact)
    lk_after = im_after = None
    level_after = ""
    if likelihood_after not in (None, "") or impact_after not in (None, ""):
        lk_after, im_after, level_after = _matrix_level(
            errors, "likelihood_after", likelihood_after, impact_after
        )
    _raise(errors)
    factor = RiskFactor.objects.create(
        assessment=assessment,
        dimension=dimension,
        title=title,
        description=description,
        likelihood=lk,
        impact=im,
        level_before=level,
        people_involved=people,
        likelihood_after=lk_after,
        impact_after=im_after,
        level_after=level_after,
        matrix_version=current_matrix().key,
    )
    _audit(actor, "factor.add", factor, assessment, after=audit.snapshot(factor, FACTOR_FIELDS))
    return factor


@transaction.atomic
def score_factor_after(actor, factor: RiskFactor, *, likelihood_after, impact_after) -> RiskFactor:
    """The factor's expected level once its measures are in place."""
    assessment = factor.assessment
    _require(actor, "assessment.conduct", assessment.item.area)
    _stage(assessment, RECORD_STAGES, _("评估措施后风险"))
    errors: dict = {}
    lk, im, level = _matrix_level(errors, "likelihood_after", likelihood_after, impact_after)
    _raise(errors)
    before = audit.snapshot(factor, FACTOR_FIELDS)
    factor.likelihood_after, factor.impact_after, factor.level_after = lk, im, level
    factor.save(update_fields=["likelihood_after", "impact_after", "level_after"])
    _audit(
        actor, "factor.after", factor, assessment, before=before, after=audit.snapshot(factor, FACTOR_FIELDS)
    )
    return factor


@transaction.atomic
def add_measure(actor, factor: RiskFactor, *, description, owner_unit, owner_person="", due_on) -> Measure:
    assessment = factor.assessment
    _require(actor, "assessment.conduct", assessment.item.area)
    _stage(assessment, RECORD_STAGES, _("登记防范化解措施"))
    errors: dict = {}
    description = _text(errors, "description", description, _("请填写措施内容。"))
    if owner_unit is None:
        errors["owner_unit"] = _("请选择责任单位。")
    due = _date(errors, "due_on", due_on, _("完成时限"))
    _raise(errors)
    measure = Measure.objects.create(
        factor=factor,
        description=description,
        owner_unit=owner_unit,
        owner_person=(owner_person or "").strip(),
        due_on=due,
    )
    _audit(
        actor,
        "measure.add",
        measure,
        assessment,
        after=audit.snapshot(measure, ("description", "owner_unit", "owner_person", "due_on")),
    )
    return measure


# ---------------------------------------------------------------- level, report, decision


@transaction.atomic
def determine_level(
    actor, assessment: Assessment, *, final_level: str = "", justification: str = ""
) -> Assessment:
    """确定风险等级: compute with the county rule; the assessment body may override the after-measures
    level with a written justification. Incomplete records → ValidationError listing what is missing."""
    _require(actor, "assessment.level", assessment.item.area)
    _stage(assessment, (Stage.ANALYSIS, Stage.LEVELLED), _("确定风险等级"))
    rule = verdict.load_rule()
    result = verdict.evaluate(assessment, rule)
    if not result.complete:
        raise ValidationError({"__all__": [_("记录不完整，无法判定风险等级：")] + result.missing})
    errors: dict = {}
    final_level = final_level or result.final
    justification = (justification or "").strip()
    if final_level not in VerdictLevel.values:
        errors["final_level"] = _("请选择高、中或低风险。")
    elif final_level != result.final and not justification:
        errors["justification"] = _("调整计算得出的等级（%(level)s）须写明理由。") % {
            "level": VerdictLevel(result.final).label
        }
    _raise(errors)
    before = audit.snapshot(
        assessment,
        ("computed_initial_level", "computed_final_level", "final_level", "override_justification"),
    )
    assessment.rule_version = result.rule
    assessment.computed_initial_level, assessment.computed_final_level = result.initial, result.final
    assessment.verdict_reasons = result.as_json()
    assessment.final_level = final_level
    assessment.override_justification = justification if final_level != result.final else ""
    assessment.recommendation = verdict.recommendation(final_level, rule)
    assessment.levelled_at = timezone.now()
    assessment.stage = Stage.LEVELLED
    assessment.save()
    after = audit.snapshot(
        assessment,
        ("computed_initial_level", "computed_final_level", "final_level", "override_justification"),
    )
    note = _("评估主体调整等级：%(j)s") % {"j": justification} if assessment.is_overridden else ""
    _audit(actor, "level", assessment, assessment, before=before, after=after, note=note)
    return assessment


@transaction.atomic
def issue_report(actor, assessment: Assessment, *, emergency_plan, conclusion, issued_on=None) -> Assessment:
    """形成评估报告: write the .docx and PDF from the records and keep them with the assessment."""
    from anju.assessment import report

    _require(actor, "assessment.conduct", assessment.item.area)
    _stage(assessment, (Stage.LEVELLED, Stage.REPORTED), _("形成评估报告"))
    errors: dict = {}
    emergency_plan = _text(errors, "emergency_plan", emergency_plan, _("请填写应急处置预案。"))
    conclusion = _text(errors, "conclusion", conclusion, _("请填写评估结论。"))
    day = _date(errors, "issued_on", issued_on or timezone.localdate(), _("报告日期"))
    if day and day > timezone.localdate():
        errors["issued_on"] = _("报告日期不能晚于今天。")
    _raise(errors)
    item = assessment.item
    assessment.emergency_plan, assessment.conclusion, assessment.report_issued_on = (
        emergency_plan,
        conclusion,
        day,
    )
    assessment.report_number = f"稳评〔{item.year}〕{item.pk:03d}号" + (
        f"-{assessment.revision}" if assessment.revision > 1 else ""
    )
    assessment.stage = Stage.REPORTED
    assessment.save()
    stem = f"assessment-{item.pk}-r{assessment.revision}"
    assessment.report_docx.save(f"{stem}.docx", ContentFile(report.render_docx(assessment)), save=False)
    assessment.report_pdf.save(f"{stem}.pdf", ContentFile(report.render_pdf(assessment)), save=False)
    assessment.save(update_fields=["report_docx", "report_pdf"])
    _audit(
        actor,
        "report",
        assessment,
        assessment,
        after={"report_number": assessment.report_number, "report_issued_on": day},
    )
    return assessment


@transaction.atomic
def record_decision(actor, assessment: Assessment, *, outcome, decided_on, meeting, summary) -> Decision:
    """集体研究决策: implement / postpone / adjust and implement / do not implement. Locks the assessment;
    for an implementing decision every mitigation measure becomes a tracked task."""
    _require(actor, "assessment.decide", assessment.item.area)
    if assessment.locked:
        raise WorkflowError(_("该评估已决策并锁定，如需修改请创建新版本。"))
    if assessment.stage != Stage.REPORTED or not assessment.report_issued_on:
        raise WorkflowError(_("评估报告尚未形成，不能记录决策。请先完成评估并形成报告。"))
    errors: dict = {}
    if outcome not in DecisionOutcome.values:
        errors["outcome"] = _("请选择决策结果。")
    day = _date(errors, "decided_on", decided_on, _("决策日期"))
    if day and day < assessment.report_issued_on:
        errors["decided_on"] = _("决策日期（%(d)s）不能早于评估报告日期（%(r)s）。") % {
            "d": day,
            "r": assessment.report_issued_on,
        }
    elif day and day > timezone.localdate():
        errors["decided_on"] = _("决策日期不能晚于今天。")
    meeting = _text(errors, "meeting", meeting, _("请填写决策会议（如：县政府常务会议）。"))
    summary = _text(errors, "summary", summary, _("请填写会议纪要要点。"))
    _raise(errors)
    decision = Decision.objects.create(
        assessment=assessment,
        outcome=outcome,
        decided_on=day,
        meeting=meeting,
        summary=summary,
        recorded_by=actor if actor and actor.pk else None,
    )
    assessment.stage, assessment.locked = Stage.DECIDED, True
    assessment.save(update_fields=["stage", "locked"])
    item = assessment.item
    item.decided_on = day
    item.save(update_fields=["decided_on"])
    tasks = 0
    if decision.implements:
        for measure in Measure.objects.filter(factor__assessment=assessment).select_related("factor"):
            TrackingTask.objects.create(
                assessment=assessment,
                measure=measure,
                title=measure.description,
                owner_unit=measure.owner_unit,
                deadline=measure.due_on,
            )
            tasks += 1
    _audit(
        actor,
        "decide",
        decision,
        assessment,
        after={"outcome": outcome, "decided_on": day, "meeting": meeting, "tasks": tasks},
    )
    return decision


# ---------------------------------------------------------------- revisions


def _copy(instance, **overrides):
    instance.pk = None
    instance.id = None
    instance._state.adding = True
    for key, value in overrides.items():
        setattr(instance, key, value)
    instance.save()
    return instance


@transaction.atomic
def revise(actor, assessment: Assessment, *, reason: str) -> Assessment:
    """A decided (locked) assessment is never edited: a new revision copies its records and reopens the
    analysis; the old revision stays readable with its report and decision."""
    _require(actor, "assessment.revise", assessment.item.area)
    if not assessment.locked:
        raise WorkflowError(_("只有已决策锁定的评估才需要创建新版本；当前版本可直接修改。"))
    if Assessment.objects.filter(previous=assessment).exists():
        raise WorkflowError(_("该版本已有后续版本。"))
    errors: dict = {}
    reason = _text(errors, "reason", reason, _("请说明修订原因。"))
    _raise(errors)
    old_pk = assessment.pk
    old = Assessment.objects.get(pk=old_pk)
    new = Assessment.objects.get(pk=old_pk)
    new = _copy(
        new,
        revision=old.revision + 1,
        previous=old,
        revision_reason=reason,
        stage=Stage.ANALYSIS,
        locked=False,
        rule_version="",
        computed_initial_level="",
        computed_final_level="",
        verdict_reasons={},
        final_level="",
        override_justification="",
        recommendation="",
        levelled_at=None,
        report_number="",
        report_issued_on=None,
        report_docx="",
        report_pdf="",
        created_by=actor if actor and actor.pk else None,
        created_at=timezone.now(),
    )
    for notice in old.notices.all():
        _copy(notice, assessment=new)
    for survey in old.surveys.all():
        groups = list(survey.groups.all())
        survey = _copy(survey, assessment=new)
        for group in groups:
            _copy(group, survey=survey)
    for related in (old.meetings, old.experts, old.opinions):
        for record in related.all():
            _copy(record, assessment=new)
    for factor in old.factors.all():
        measures = list(factor.measures.all())
        factor = _copy(factor, assessment=new)
        for measure in measures:
            _copy(measure, factor=factor)
    _audit(actor, "revise", new, new, after={"revision": new.revision, "previous": old.pk}, note=reason)
    return new


# ---------------------------------------------------------------- tracking after the decision


@transaction.atomic
def complete_task(actor, task: TrackingTask, *, done_on, note) -> TrackingTask:
    _require(actor, "assessment.track", task.assessment.item.area)
    errors: dict = {}
    day = _date(errors, "done_on", done_on, _("完成日期"))
    if day and day > timezone.localdate():
        errors["done_on"] = _("完成日期不能晚于今天。")
    if day and day < task.assessment.decision.decided_on:
        errors["done_on"] = _("完成日期不能早于决策日期。")
    note = _text(errors, "note", note, _("请填写落实情况。"))
    if task.done_on is not None:
        errors["done_on"] = _("该任务已完成。")
    _raise(errors)
    task.done_on, task.note = day, note
    task.save(update_fields=["done_on", "note"])
    _audit(actor, "task.done", task, task.assessment, after={"done_on": day, "note": note})
    return task


def matters_after_decision(assessment: Assessment):
    """Matters registered since the decision in the item's affected areas (subtrees) and domains."""
    from django.db.models import Q

    from anju.matters.models import Matter

    decision = getattr(assessment, "decision", None)
    if decision is None:
        return Matter.objects.none()
    item = assessment.item
    where = Q()
    for area in item.affected_areas.all():
        where |= Q(area__path__startswith=area.path)
    qs = Matter.objects.filter(where, registered_at__date__gte=decision.decided_on)
    domain_ids = list(item.domains.values_list("pk", flat=True))
    if domain_ids:
        qs = qs.filter(domain_id__in=domain_ids)
    return qs


@transaction.atomic
def link_matters(actor, assessment: Assessment) -> int:
    """Link the matters that happened after the decision, so the forecast can be compared with reality."""
    _require(actor, "assessment.track", assessment.item.area)
    if not hasattr(assessment, "decision"):
        raise WorkflowError(_("尚未决策，无需关联后续事项。"))
    linked = set(assessment.matter_links.values_list("matter_id", flat=True))
    new = [m for m in matters_after_decision(assessment).only("pk") if m.pk not in linked]
    MatterLink.objects.bulk_create([MatterLink(assessment=assessment, matter=m) for m in new])
    if new:
        _audit(actor, "matters.link", assessment, assessment, after={"matters": [m.pk for m in new]})
    return len(new)
