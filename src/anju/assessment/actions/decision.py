"""Level, report, collective decision, revisions, tracking."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from anju.assessment import verdict
from anju.assessment.actions._common import (
    _audit,
    _date,
    _locked,
    _raise,
    _stage,
    _text,
)
from anju.assessment.actions.register import _move, withdraw_level_and_report
from anju.assessment.models import (
    Assessment,
    Decision,
    DecisionOutcome,
    MatterLink,
    Measure,
    Review,
    ReviewConclusion,
    Stage,
    TrackingTask,
)
from anju.assessment.models.assessment import VerdictLevel
from anju.core import audit
from anju.core.errors import WorkflowError
from anju.core.notifications import members_of, notify
from anju.core.permissions import may, require

# ---------------------------------------------------------------- level, report, decision


@transaction.atomic
def determine_level(
    actor,
    assessment: Assessment,
    *,
    final_level: str = "",
    justification: str = "",
    version=None,
    now: dt.datetime | None = None,
) -> Assessment:
    """确定风险等级: compute with the county rule; the assessment body may override the after-measures
    level with a written justification. Incomplete records → ValidationError listing what is missing."""
    require(actor, "assessment.level", assessment)
    _stage(assessment, (Stage.ANALYSIS, Stage.LEVELLED), _("确定风险等级"), version)
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
    assessment.verdict_reasons = verdict.stored_reasons(assessment, rule)
    assessment.final_level = final_level
    assessment.override_justification = justification if final_level != result.final else ""
    assessment.recommendation = verdict.recommendation(final_level, rule)
    assessment.levelled_at = now or timezone.now()
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
def issue_report(
    actor,
    assessment: Assessment,
    *,
    emergency_plan,
    conclusion,
    issued_on=None,
    version=None,
    now: dt.datetime | None = None,
) -> Assessment:
    """形成评估报告: write the .docx and PDF from the records and keep them with the assessment."""
    from anju.assessment import report

    require(actor, "assessment.conduct", assessment)
    _stage(assessment, (Stage.LEVELLED, Stage.REPORTED), _("形成评估报告"), version)
    errors: dict = {}
    emergency_plan = _text(errors, "emergency_plan", emergency_plan, _("请填写应急处置预案。"))
    conclusion = _text(errors, "conclusion", conclusion, _("请填写评估结论。"))
    now = now or timezone.now()
    today = timezone.localdate(now)
    day = _date(errors, "issued_on", issued_on or today, _("报告日期"))
    if day and day > today:
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
    assessment.report_issued_by = actor if actor and actor.pk else None
    assessment.report_generated_at = now  # a review clears only the report it has read
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
def record_review(
    actor,
    assessment: Assessment,
    *,
    conclusion,
    opinion,
    reviewed_on=None,
    version=None,
    now: dt.datetime | None = None,
) -> Review:
    """审核 (e.g. 合法性审查) of the issued report by someone other than its author. "退回" sends the
    assessment back to analysis and withdraws the level and report."""
    require(actor, "assessment.review", assessment)
    _stage(assessment, (Stage.REPORTED,), _("审核评估报告"), version)
    if assessment.report_issued_by_id and actor.pk == assessment.report_issued_by_id:
        raise WorkflowError(_("评估报告的出具人不能审核自己出具的报告。"))
    errors: dict = {}
    if conclusion not in ReviewConclusion.values:
        errors["conclusion"] = _("请选择审核结论。")
    opinion = _text(errors, "opinion", opinion, _("请填写审核意见。"))
    day = _date(errors, "reviewed_on", reviewed_on or timezone.localdate(now), _("审核日期"))
    if day and day < assessment.report_issued_on:
        errors["reviewed_on"] = _("审核日期不能早于评估报告日期。")
    elif day and day > timezone.localdate(now):
        errors["reviewed_on"] = _("审核日期不能晚于今天。")
    _raise(errors)
    review = Review.objects.create(
        assessment=assessment,
        report_number=assessment.report_number,
        conclusion=conclusion,
        opinion=opinion,
        reviewed_on=day,
        reviewer=actor,
    )
    _audit(
        actor,
        "review",
        review,
        assessment,
        after={"conclusion": conclusion, "report": review.report_number},
        note=opinion,
    )
    if conclusion == ReviewConclusion.REVISE:
        withdraw_level_and_report(assessment)
        _move(actor, assessment, Stage.ANALYSIS, note=opinion)
    return review


@transaction.atomic
def record_decision(
    actor,
    assessment: Assessment,
    *,
    outcome,
    decided_on,
    meeting,
    summary,
    version=None,
    now: dt.datetime | None = None,
) -> Decision:
    """集体研究决策: implement / postpone / adjust and implement / do not implement. Locks the assessment;
    for an implementing decision every mitigation measure becomes a tracked task."""
    require(actor, "assessment.decide", assessment)
    _locked(assessment, version)
    if assessment.locked:
        raise WorkflowError(_("该评估已决策并锁定，如需修改请创建新版本。"))
    if assessment.stage != Stage.REPORTED or not assessment.report_issued_on:
        raise WorkflowError(_("评估报告尚未形成，不能记录决策。请先完成评估并形成报告。"))
    if verdict.load_rule().get("decision", {}).get("require_review") and assessment.passed_review is None:
        raise WorkflowError(_("评估报告尚未经审核通过，不能记录决策。"))
    errors: dict = {}
    if outcome not in DecisionOutcome.values:
        errors["outcome"] = _("请选择决策结果。")
    day = _date(errors, "decided_on", decided_on, _("决策日期"))
    if day and day < assessment.report_issued_on:
        errors["decided_on"] = _("决策日期（%(d)s）不能早于评估报告日期（%(r)s）。") % {
            "d": day,
            "r": assessment.report_issued_on,
        }
    elif day and day > timezone.localdate(now):
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
            task = TrackingTask.objects.create(
                assessment=assessment,
                measure=measure,
                title=measure.description,
                owner_unit=measure.owner_unit,
                deadline=measure.due_on,
            )
            tasks += 1
            # the responsible unit may be outside the item's area: its list of tasks is the page it can open
            notify(
                [u for u in members_of(task.owner_unit, excluding=actor) if may(u, "assessment.track")],
                kind="assessment.tracking_task",
                title=_("稳评措施落实任务：%(item)s") % {"item": assessment.item.title},
                body=_("%(task)s（期限 %(deadline)s）")
                % {"task": task.title[:200], "deadline": f"{task.deadline:%Y-%m-%d}"},
                link=reverse("assessment:unit_tasks"),
                key=f"assessment:task:{task.pk}",
                now=now,
            )
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
def revise(
    actor, assessment: Assessment, *, reason: str, version=None, now: dt.datetime | None = None
) -> Assessment:
    """A decided (locked) assessment is never edited: a new revision copies its records and reopens the
    analysis; the old revision stays readable with its report and decision."""
    require(actor, "assessment.revise", assessment)
    _locked(assessment, version)
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
        report_issued_by=None,
        report_generated_at=None,
        report_docx="",
        report_pdf="",
        created_by=actor if actor and actor.pk else None,
        created_at=now or timezone.now(),
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
def complete_task(
    actor, task: TrackingTask, *, done_on, note, now: dt.datetime | None = None
) -> TrackingTask:
    require(actor, "assessment.track", task)
    errors: dict = {}
    day = _date(errors, "done_on", done_on, _("完成日期"))
    if day and day > timezone.localdate(now):
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
    """Link the matters that happened after the decision, so the forecast can be compared with reality.
    ``actor`` None is the scheduled job (``anju assessment-track``)."""
    if actor is not None:
        require(actor, "assessment.track", assessment)
    if not hasattr(assessment, "decision"):
        raise WorkflowError(_("尚未决策，无需关联后续事项。"))
    linked = set(assessment.matter_links.values_list("matter_id", flat=True))
    new = [m for m in matters_after_decision(assessment).only("pk") if m.pk not in linked]
    MatterLink.objects.bulk_create([MatterLink(assessment=assessment, matter=m) for m in new])
    if new:
        _audit(actor, "matters.link", assessment, assessment, after={"matters": [m.pk for m in new]})
    return len(new)


def link_all_matters() -> dict[int, int]:
    """The scheduled job: link new matters to every decided assessment; {assessment id: new links}."""
    found = {}
    for assessment in Assessment.objects.filter(decision__isnull=False).select_related("item", "decision"):
        found[assessment.pk] = link_matters(None, assessment)
    return found
