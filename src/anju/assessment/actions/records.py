"""Consultation records, analysis, risk factors and measures."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from anju.assessment import verdict
from anju.assessment.actions._common import (
    RECORD_STAGES,
    _audit,
    _count,
    _date,
    _matrix_level,
    _order,
    _raise,
    _stage,
    _text,
)
from anju.assessment.models import (
    Assessment,
    ExpertOpinion,
    Handling,
    Measure,
    Meeting,
    MeetingKind,
    Opinion,
    PublicNotice,
    RiskFactor,
    Survey,
    SurveyGroup,
)
from anju.core import audit
from anju.core.permissions import require
from anju.matters.risk import current_matrix

# ---------------------------------------------------------------- consultation records


@transaction.atomic
def add_public_notice(
    actor, assessment: Assessment, *, channel, start_on, end_on, content="", opinions_received=0
) -> PublicNotice:
    require(actor, "assessment.conduct", assessment)
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
    require(actor, "assessment.conduct", assessment)
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
    require(actor, "assessment.conduct", assessment)
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
    require(actor, "assessment.conduct", assessment)
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
    require(actor, "assessment.conduct", assessment)
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
    require(actor, "assessment.conduct", assessment)
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
    require(actor, "assessment.conduct", assessment)
    _stage(assessment, RECORD_STAGES, _("删除记录"))
    label = record._meta.verbose_name
    _audit(actor, "record.remove", record, assessment, before={"type": str(label), "text": str(record)[:200]})
    record.delete()


# ---------------------------------------------------------------- analysis: dimensions, factors, measures


@transaction.atomic
def save_analysis(actor, assessment: Assessment, *, texts: dict, version=None) -> Assessment:
    """The written analysis per dimension (合法性/合理性/可行性/可控性[/安全性])."""
    require(actor, "assessment.conduct", assessment)
    _stage(assessment, RECORD_STAGES, _("填写分析论证"), version)
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
    require(actor, "assessment.conduct", assessment)
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
    require(actor, "assessment.conduct", assessment)
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
    require(actor, "assessment.conduct", assessment)
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
