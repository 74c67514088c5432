"""稳评 (social-stability risk assessment of major decisions): the register of items with their 应评尽评
coverage, assessments, and the key steps through ``assessment.actions``.

Writes: register an item, record an item decided outside the workflow, start an assessment with its plan,
and move an assessment on (open consultation, start analysis, determine the level, review, record the
collective decision). The records in between (notices, surveys, meetings, factors, measures, the report)
are entered on the pages. An assessment's steps take the ``version`` you read; a stale one is 409.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from anju.api import lookups
from anju.api.errors import ErrorOut
from anju.api.pagination import PageParams, paginate
from anju.api.schemas import AreaRef, DomainRef, Page, PersonRef, UnitRef, area_ref, person_ref, unit_ref
from anju.api.strict import IsoDate, StrictIn, StrictInt, StrictStr, Text, masked
from anju.api.versions import seen_version, with_etag
from anju.assessment import actions
from anju.assessment.models import (
    Assessment,
    AssessmentItem,
    AssessmentMethod,
    DecisionOutcome,
    ItemCategory,
    ReviewConclusion,
    Stage,
    VerdictLevel,
)
from anju.assessment.models.items import FLAGGED, Coverage
from anju.core.models import Area, Domain, Unit
from anju.core.scoping import get_scoped_or_404, scoped

router = Router(tags=["assessment (稳评)"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
ITEM_RELATED = ("sponsor_unit", "area")


# output ----------------------------------------------------------------------------------------------------
class AssessmentRef(Schema):
    id: int
    revision: int
    stage: str
    stage_label: str
    locked: bool
    final_level: str


class ItemOut(Schema):
    id: int
    year: int
    title: str
    category: str
    category_label: str
    sponsor_unit: UnitRef
    area: AreaRef
    people_affected: int
    planned_decision_date: dt.date
    decided_on: dt.date | None = None
    coverage: str = Field(description="应评尽评: " + " / ".join(Coverage.values))
    coverage_label: str
    flagged: bool = Field(description="overdue, or decided without an assessment")


class ItemDetailOut(ItemOut):
    description: str = Field(description="personal data masked")
    decided_note: str = Field(description="personal data masked")
    affected_areas: list[AreaRef]
    domains: list[DomainRef]
    assessments: list[AssessmentRef] = Field(description="newest revision first")


class ItemPage(Page):
    items: list[ItemOut]


class ItemRef(Schema):
    id: int
    title: str
    year: int


class AssessmentOut(AssessmentRef):
    item: ItemRef
    area: AreaRef
    body_unit: UnitRef
    report_number: str
    report_issued_on: dt.date | None = None
    decided_on: dt.date | None = None


class ReviewOut(Schema):
    conclusion: str
    conclusion_label: str
    opinion: str = Field(description="personal data masked")
    reviewed_on: dt.date
    reviewer: PersonRef | None = None


class DecisionOut(Schema):
    outcome: str
    outcome_label: str
    decided_on: dt.date
    meeting: str
    summary: str = Field(description="personal data masked")
    recorded_by: PersonRef | None = None


class OpinionOut(Schema):
    source: str
    content: str = Field(description="personal data masked")
    handling: str
    handling_label: str
    reason: str = Field(description="personal data masked")


class AssessmentDetailOut(AssessmentOut):
    version: int = Field(description="send it back as `version` or If-Match with a step; stale: 409")
    previous: int | None = Field(None, description="id of the revision this one revises")
    revision_reason: str
    team: str = Field(description="personal data masked")
    methods: list[str]
    schedule_start: dt.date | None = None
    schedule_end: dt.date | None = None
    consult_whom: str
    decision_body: str
    analysis: dict[str, str] = Field(description="one text per dimension, personal data masked")
    computed_initial_level: str
    computed_final_level: str
    override_justification: str
    recommendation: str
    conclusion: str = Field(description="评估结论, personal data masked")
    opinions: list[OpinionOut]
    reviews: list[ReviewOut]
    decision: DecisionOut | None = None


class AssessmentPage(Page):
    items: list[AssessmentOut]


def item_out(item: AssessmentItem) -> dict:
    coverage = item.coverage()
    return {
        "id": item.pk,
        "year": item.year,
        "title": item.title,
        "category": item.category,
        "category_label": str(item.get_category_display()),
        "sponsor_unit": unit_ref(item.sponsor_unit),
        "area": area_ref(item.area),
        "people_affected": item.people_affected,
        "planned_decision_date": item.planned_decision_date,
        "decided_on": item.decided_on,
        "coverage": coverage,
        "coverage_label": str(Coverage(coverage).label),
        "flagged": coverage in FLAGGED,
    }


def assessment_ref(assessment: Assessment) -> dict:
    return {
        "id": assessment.pk,
        "revision": assessment.revision,
        "stage": assessment.stage,
        "stage_label": str(assessment.get_stage_display()),
        "locked": assessment.locked,
        "final_level": assessment.final_level,
    }


def item_detail_out(item: AssessmentItem) -> dict:
    out = item_out(item)
    out.update(
        description=masked(item.description),
        decided_note=masked(item.decided_note),
        affected_areas=[area_ref(a) for a in item.affected_areas.all()],
        domains=[{"code": d.code, "name": d.name} for d in item.domains.all()],
        assessments=[assessment_ref(a) for a in item._revisions()],
    )
    return out


def assessment_out(assessment: Assessment) -> dict:
    decision = getattr(assessment, "decision", None)
    return {
        **assessment_ref(assessment),
        "item": {"id": assessment.item_id, "title": assessment.item.title, "year": assessment.item.year},
        "area": area_ref(assessment.item.area),
        "body_unit": unit_ref(assessment.body_unit),
        "report_number": assessment.report_number,
        "report_issued_on": assessment.report_issued_on,
        "decided_on": decision.decided_on if decision else None,
    }


def assessment_detail_out(assessment: Assessment) -> dict:
    decision = getattr(assessment, "decision", None)
    return {
        **assessment_out(assessment),
        "version": assessment.version,
        "previous": assessment.previous_id,
        "revision_reason": masked(assessment.revision_reason),
        "team": masked(assessment.team),
        "methods": list(assessment.methods or []),
        "schedule_start": assessment.schedule_start,
        "schedule_end": assessment.schedule_end,
        "consult_whom": masked(assessment.consult_whom),
        "decision_body": assessment.decision_body,
        "analysis": {k: masked(v) for k, v in (assessment.analysis or {}).items()},
        "computed_initial_level": assessment.computed_initial_level,
        "computed_final_level": assessment.computed_final_level,
        "override_justification": masked(assessment.override_justification),
        "recommendation": assessment.recommendation,
        "conclusion": masked(assessment.conclusion),
        "opinions": [
            {
                "source": masked(o.source),
                "content": masked(o.content),
                "handling": o.handling,
                "handling_label": str(o.get_handling_display()),
                "reason": masked(o.reason),
            }
            for o in assessment.opinions.all()
        ],
        "reviews": [
            {
                "conclusion": r.conclusion,
                "conclusion_label": str(r.get_conclusion_display()),
                "opinion": masked(r.opinion),
                "reviewed_on": r.reviewed_on,
                "reviewer": person_ref(r.reviewer),
            }
            for r in assessment.reviews.select_related("reviewer")
        ],
        "decision": None
        if decision is None
        else {
            "outcome": decision.outcome,
            "outcome_label": str(decision.get_outcome_display()),
            "decided_on": decision.decided_on,
            "meeting": decision.meeting,
            "summary": masked(decision.summary),
            "recorded_by": person_ref(decision.recorded_by),
        },
    }


# input -----------------------------------------------------------------------------------------------------
class ItemFilters(Schema):
    q: str | None = Field(None, description="title, description or sponsoring unit contains")
    year: int | None = None
    category: ItemCategory | None = None
    coverage: Literal[*Coverage.values, "flagged"] | None = Field(
        None, description="a coverage status, or flagged (overdue or decided unassessed)"
    )
    area: str | None = Field(None, description="area code: that area and everything below it")


class AssessmentFilters(Schema):
    stage: Stage | None = None
    item: int | None = Field(None, description="item id")
    locked: bool | None = None
    final_level: VerdictLevel | None = None


class ItemIn(StrictIn):
    year: StrictInt = Field(..., ge=2000, le=2100)
    title: StrictStr = Field(..., max_length=200)
    category: ItemCategory
    description: Text
    sponsor_unit: StrictInt = Field(..., description="unit id (决策提出/承办单位), within your scope")
    area: StrictStr = Field(..., description="area code of the owning town or county, within your scope")
    affected_areas: list[StrictStr] = Field(..., description="area codes inside `area`")
    domains: list[StrictStr] = Field([], description="domain codes")
    people_affected: StrictInt = Field(0, ge=0)
    planned_decision_date: IsoDate


class ItemDecidedIn(StrictIn):
    decided_on: IsoDate
    note: Text = Field(..., description="决策情况: the meeting or document")


class PlanIn(StrictIn):
    body_unit: StrictInt = Field(
        ..., description="unit id of the assessment body (评估主体), within your scope"
    )
    team: Text = ""
    methods: list[Literal[*AssessmentMethod.values]] = Field(
        [], description=", ".join(AssessmentMethod.values)
    )
    schedule_start: IsoDate | None = None
    schedule_end: IsoDate | None = None
    consult_whom: Text = ""
    decision_body: StrictStr = Field("", max_length=200)


class StepIn(StrictIn):
    version: StrictInt | None = Field(None, description="the assessment's version you read; stale: 409")


class LevelIn(StepIn):
    final_level: VerdictLevel | None = Field(None, description="empty: the computed level")
    justification: Text = Field("", description="required when the level differs from the computed one")


class ReviewIn(StepIn):
    conclusion: ReviewConclusion
    opinion: Text
    reviewed_on: IsoDate | None = Field(None, description="default today")


class DecisionIn(StepIn):
    outcome: DecisionOutcome
    decided_on: IsoDate
    meeting: StrictStr = Field(..., max_length=200, description="e.g. 县政府常务会议")
    summary: Text


# lookups ---------------------------------------------------------------------------------------------------
def _scoped_unit(user, pk: int, field: str) -> Unit:
    unit = scoped(user, Unit).filter(pk=pk).first()
    if unit is None:
        raise ValidationError({field: _("单位不存在或不在您的管辖范围内。")})
    return unit


def _areas(user, codes: list[str], field: str) -> list:
    found = {a.code: a for a in scoped(user, Area).filter(code__in=[c.strip() for c in codes])}
    errors = [c for c in codes if c.strip() not in found]
    areas = [found[c.strip()] for c in codes if c.strip() in found]
    if errors:
        raise ValidationError(
            {field: _("区域不存在或不在您的管辖范围内：%(codes)s") % {"codes": "、".join(errors)}}
        )
    return areas


def _domains(codes: list[str], field: str) -> list:
    found = {d.code: d for d in Domain.objects.filter(code__in=[c.strip() for c in codes], active=True)}
    unknown = [c for c in codes if c.strip() not in found]
    if unknown:
        raise ValidationError({field: _("风险领域不存在或已停用：%(codes)s") % {"codes": "、".join(unknown)}})
    return [found[c.strip()] for c in codes]


# routes: items ---------------------------------------------------------------------------------------------
def _items(user):
    return (
        scoped(user, AssessmentItem)
        .select_related(*ITEM_RELATED)
        .prefetch_related("assessments__decision", "affected_areas", "domains")
    )


@router.get(
    "/assessment/items", response={200: ItemPage, **ERRORS}, summary="The register of items (评估事项)"
)
def list_items(request, filters: Query[ItemFilters], page: Query[PageParams]):
    user = request.auth
    user.require("assessment.view")
    items = _items(user)
    if filters.q:
        q = filters.q.strip()
        items = items.filter(
            Q(title__icontains=q) | Q(description__icontains=q) | Q(sponsor_unit__name__icontains=q)
        )
    if filters.year is not None:
        items = items.filter(year=filters.year)
    if filters.category:
        items = items.filter(category=filters.category)
    if filters.area:
        items = items.filter(area__path__startswith=lookups.scoped_area(user, filters.area).path)
    rows = list(items)  # coverage is computed, not stored: filtered here like the register page does
    if filters.coverage == "flagged":
        rows = [i for i in rows if i.coverage() in FLAGGED]
    elif filters.coverage:
        rows = [i for i in rows if i.coverage() == filters.coverage]
    return paginate(rows, page, item_out)


def _item_or_404(user, item_id: int) -> AssessmentItem:
    user.require("assessment.view")
    return get_scoped_or_404(user, _items(user), pk=item_id)


@router.get("/assessment/items/{item_id}", response={200: ItemDetailOut, **ERRORS}, summary="One item")
def get_item(request, item_id: int):
    return item_detail_out(_item_or_404(request.auth, item_id))


@router.post(
    "/assessment/items",
    response={201: ItemDetailOut, **ERRORS},
    summary="Register an item that must be assessed (列入评估事项目录)",
)
def create_item(request, payload: ItemIn):
    user = request.auth
    user.require("assessment.item")  # before the lookups of the body, so a refused role reads nothing
    item = actions.create_item(
        user,
        year=payload.year,
        title=payload.title,
        category=str(payload.category.value),
        description=payload.description,
        sponsor_unit=_scoped_unit(user, payload.sponsor_unit, "sponsor_unit"),
        area=lookups.scoped_area(user, payload.area),
        affected_areas=_areas(user, payload.affected_areas, "affected_areas"),
        domains=_domains(payload.domains, "domains"),
        people_affected=payload.people_affected,
        planned_decision_date=payload.planned_decision_date,
    )
    return Status(201, item_detail_out(_item_or_404(user, item.pk)))


@router.post(
    "/assessment/items/{item_id}/decided",
    response={200: ItemDetailOut, **ERRORS},
    summary="Record that the item was decided outside this workflow (so coverage can flag 未评先决)",
)
def record_item_decided(request, item_id: int, payload: ItemDecidedIn):
    user = request.auth
    item = _item_or_404(user, item_id)
    actions.record_item_decided(user, item, decided_on=payload.decided_on, note=payload.note)
    return item_detail_out(_item_or_404(user, item_id))


# routes: assessments ---------------------------------------------------------------------------------------
ASSESSMENT_RELATED = ("item", "item__area", "body_unit", "decision", "decision__recorded_by")


@router.get("/assessment/assessments", response={200: AssessmentPage, **ERRORS}, summary="Assessments (稳评)")
def list_assessments(request, filters: Query[AssessmentFilters], page: Query[PageParams]):
    user = request.auth
    user.require("assessment.view")
    assessments = scoped(user, Assessment).select_related(*ASSESSMENT_RELATED)
    if filters.stage:
        assessments = assessments.filter(stage=filters.stage)
    if filters.item is not None:
        assessments = assessments.filter(item_id=filters.item)
    if filters.locked is not None:
        assessments = assessments.filter(locked=filters.locked)
    if filters.final_level:
        assessments = assessments.filter(final_level=filters.final_level)
    ordered = assessments.order_by("-item__year", "item_id", "-revision")
    return paginate(ordered, page, assessment_out)


def _assessment_or_404(user, assessment_id: int) -> Assessment:
    user.require("assessment.view")
    return get_scoped_or_404(
        user,
        Assessment.objects.select_related(*ASSESSMENT_RELATED).prefetch_related("opinions"),
        pk=assessment_id,
    )


@router.get(
    "/assessment/assessments/{assessment_id}",
    response={200: AssessmentDetailOut, **ERRORS},
    summary="One assessment: plan, analysis, level, opinions, reviews and decision",
)
def get_assessment(request, assessment_id: int, response: HttpResponse):
    return assessment_detail_out(with_etag(response, _assessment_or_404(request.auth, assessment_id)))


@router.post(
    "/assessment/items/{item_id}/assessments",
    response={201: AssessmentDetailOut, **ERRORS},
    summary="Start the item's first assessment with its plan (评估方案)",
)
def start_assessment(request, item_id: int, payload: PlanIn, response: HttpResponse):
    user = request.auth
    item = _item_or_404(user, item_id)
    data = payload.dict(exclude={"body_unit"})
    assessment = actions.start_assessment(
        user, item, body_unit=_scoped_unit(user, payload.body_unit, "body_unit"), **data
    )
    return Status(201, assessment_detail_out(with_etag(response, _assessment_or_404(user, assessment.pk))))


def _step(request, response, assessment_id: int, payload: StepIn, run) -> dict:
    """One step of an assessment: scope (404), then the action (its own guard: 403) with the version the
    client saw."""
    user = request.auth
    assessment = _assessment_or_404(user, assessment_id)
    run(user, assessment, seen_version(request, payload))
    return assessment_detail_out(with_etag(response, _assessment_or_404(user, assessment_id)))


def _step_endpoint(path: str, summary: str):
    return router.post(
        f"/assessment/assessments/{{assessment_id}}/{path}",
        response={200: AssessmentDetailOut, **ERRORS},
        summary=summary,
    )


@_step_endpoint("consultation", "Open the consultation (评估方案 → 征求意见) once the plan is complete")
def open_consultation(request, assessment_id: int, payload: StepIn, response: HttpResponse):
    return _step(
        request,
        response,
        assessment_id,
        payload,
        lambda u, a, v: actions.open_consultation(u, a, version=v),
    )


@_step_endpoint("analysis", "Start the analysis (征求意见 → 分析论证) once a consultation record exists")
def start_analysis(request, assessment_id: int, payload: StepIn, response: HttpResponse):
    return _step(
        request,
        response,
        assessment_id,
        payload,
        lambda u, a, v: actions.start_analysis(u, a, version=v),
    )


@_step_endpoint("level", "确定风险等级 with the county rule; override with a justification")
def determine_level(request, assessment_id: int, payload: LevelIn, response: HttpResponse):
    level = str(payload.final_level.value) if payload.final_level else ""
    return _step(
        request,
        response,
        assessment_id,
        payload,
        lambda u, a, v: actions.determine_level(
            u, a, final_level=level, justification=payload.justification, version=v
        ),
    )


@_step_endpoint("review", "审核 the issued report (pass, or back to the analysis)")
def record_review(request, assessment_id: int, payload: ReviewIn, response: HttpResponse):
    return _step(
        request,
        response,
        assessment_id,
        payload,
        lambda u, a, v: actions.record_review(
            u,
            a,
            conclusion=str(payload.conclusion.value),
            opinion=payload.opinion,
            reviewed_on=payload.reviewed_on,
            version=v,
        ),
    )


@_step_endpoint("decision", "集体决策: record the collective decision; the assessment is locked")
def record_decision(request, assessment_id: int, payload: DecisionIn, response: HttpResponse):
    return _step(
        request,
        response,
        assessment_id,
        payload,
        lambda u, a, v: actions.record_decision(
            u,
            a,
            outcome=str(payload.outcome.value),
            decided_on=payload.decided_on,
            meeting=payload.meeting,
            summary=payload.summary,
            version=v,
        ),
    )
