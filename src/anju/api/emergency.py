"""应急 (emergency management): plans in force, incidents with their response, tasks and report schedule
(首报/续报/终报, 迟报/漏报), and sending a report, through ``emergency.actions``.

Free texts are masked like stored texts; casualties are counts. Reading needs ``emergency.view``; sending a
report ``emergency.incident`` (the action's guard)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.http import HttpResponse
from ninja import Field, Query, Router, Schema

from anju.api.errors import ErrorOut
from anju.api.pagination import PageParams, paginate
from anju.api.schemas import (
    AreaRef,
    DomainRef,
    MatterRef,
    Page,
    UnitRef,
    area_ref,
    domain_ref,
    matter_ref,
    unit_ref,
)
from anju.api.strict import StrictIn, Text, masked
from anju.api.versions import with_etag
from anju.core.scoping import get_scoped_or_404, scoped
from anju.emergency import actions, reporting
from anju.emergency.models import Incident, Plan, ReportKind, ResponseStatus, VersionStatus
from anju.matters.models import Matter

router = Router(tags=["emergency (应急)"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
INCIDENT_RELATED = ("area", "domain", "plan")


# output ----------------------------------------------------------------------------------------------------
class PlanOut(Schema):
    id: int
    title: str
    plan_type: str
    plan_type_label: str
    area: AreaRef
    classes: list[str]
    domains: list[DomainRef]
    version: int | None = Field(None, description="number of the published version; none before publication")
    published_on: dt.date | None = None
    review_due: dt.date | None = None
    review_overdue: bool


class PlanPage(Page):
    items: list[PlanOut]


class IncidentOut(Schema):
    id: int
    title: str
    emergency_class: str
    grade: str
    grade_label: str
    area: AreaRef
    domain: DomainRef | None = None
    occurred_at: dt.datetime
    learned_at: dt.datetime
    response_status: str
    response_level: int | None = Field(None, description="1 (一级, highest) … 4 (四级)")
    affected: int
    deaths: int
    injuries: int
    missing: int


class IncidentPage(Page):
    items: list[IncidentOut]


class SlotOut(Schema):
    kind: str
    number: int
    due_at: dt.datetime
    submitted_at: dt.datetime | None = None
    state: str = Field(description="on_time, late (迟报), missing (漏报) or due (待报)")


class TaskOut(Schema):
    id: int
    group: str
    title: str = Field(description="personal data masked")
    owner_unit: UnitRef | None = None
    deadline: dt.date | None = None
    status: str


class ChangeOut(Schema):
    kind: str
    level_from: int | None = None
    level_to: int | None = None
    at: dt.datetime


class IncidentDetailOut(IncidentOut):
    version: int = Field(description="the incident's version")
    description: str = Field(description="personal data masked")
    matter: MatterRef | None = Field(None, description="the matter it was opened from, when in your scope")
    alert: int | None = Field(None, description="id of the warning it was opened from")
    plan: int | None = Field(None, description="id of the plan activated")
    activated_at: dt.datetime | None = None
    ended_at: dt.datetime | None = None
    changes: list[ChangeOut]
    reports: list[SlotOut]
    tasks: list[TaskOut]


def plan_out(plan: Plan, today: dt.date) -> dict:
    current = next((v for v in plan.versions.all() if v.status == VersionStatus.PUBLISHED), None)
    return {
        "id": plan.pk,
        "title": plan.title,
        "plan_type": plan.plan_type,
        "plan_type_label": str(plan.get_plan_type_display()),
        "area": area_ref(plan.area),
        "classes": list(plan.classes),
        "domains": [domain_ref(d) for d in plan.domains.all()],
        "version": current.number if current else None,
        "published_on": plan.published_on,
        "review_due": plan.review_due,
        "review_overdue": plan.is_review_overdue(today),
    }


def incident_out(incident: Incident) -> dict:
    return {
        "id": incident.pk,
        "title": masked(incident.title),
        "emergency_class": incident.emergency_class,
        "grade": incident.grade,
        "grade_label": str(incident.get_grade_display()),
        "area": area_ref(incident.area),
        "domain": domain_ref(incident.domain),
        "occurred_at": incident.occurred_at,
        "learned_at": incident.learned_at,
        "response_status": incident.response_status,
        "response_level": incident.response_level,
        "affected": incident.affected,
        "deaths": incident.deaths,
        "injuries": incident.injuries,
        "missing": incident.missing,
    }


def incident_detail_out(user, incident: Incident) -> dict:
    matter = scoped(user, Matter).filter(pk=incident.matter_id).first() if incident.matter_id else None
    return {
        **incident_out(incident),
        "version": incident.version,
        "description": masked(incident.description),
        "matter": matter_ref(matter),
        "alert": incident.alert_id,
        "plan": incident.plan_id,
        "activated_at": incident.activated_at,
        "ended_at": incident.ended_at,
        "changes": [
            {"kind": c.kind, "level_from": c.level_from, "level_to": c.level_to, "at": c.at}
            for c in incident.changes.all()
        ],
        "reports": [
            {
                "kind": s.kind,
                "number": s.number,
                "due_at": s.due_at,
                "submitted_at": s.report.submitted_at if s.report else None,
                "state": s.state,
            }
            for s in reporting.schedule(incident)
        ],
        "tasks": [
            {
                "id": t.pk,
                "group": t.group,
                "title": masked(t.title),
                "owner_unit": unit_ref(t.owner_unit),
                "deadline": t.deadline,
                "status": t.status,
            }
            for t in incident.tasks.select_related("owner_unit")
        ],
    }


# input -----------------------------------------------------------------------------------------------------
class IncidentFilters(Schema):
    status: Literal["none", "active", "ended"] | None = Field(
        None, description="response status: none (not activated), active, ended"
    )


class ReportIn(StrictIn):
    kind: ReportKind = Field(..., description="first (首报), follow_up (续报) or final (终报)")
    text: Text


# routes ----------------------------------------------------------------------------------------------------
@router.get("/emergency/plans", response={200: PlanPage, **ERRORS}, summary="Emergency plans (应急预案)")
def list_plans(request, page: Query[PageParams]):
    from django.utils import timezone

    user = request.auth
    user.require("emergency.view")
    plans = scoped(user, Plan).select_related("area").prefetch_related("domains", "versions")
    today = timezone.localdate()
    return paginate(
        plans.order_by("area__path", "plan_type", "title", "id"), page, lambda p: plan_out(p, today)
    )


@router.get("/emergency/incidents", response={200: IncidentPage, **ERRORS}, summary="Incidents (突发事件)")
def list_incidents(request, filters: Query[IncidentFilters], page: Query[PageParams]):
    user = request.auth
    user.require("emergency.view")
    incidents = scoped(user, Incident).select_related(*INCIDENT_RELATED)
    if filters.status in ResponseStatus.values:
        incidents = incidents.filter(response_status=filters.status)
    return paginate(incidents.order_by("-occurred_at", "-id"), page, incident_out)


def _incident_or_404(user, incident_id: int) -> Incident:
    user.require("emergency.view")
    return get_scoped_or_404(user, Incident.objects.select_related(*INCIDENT_RELATED), pk=incident_id)


@router.get(
    "/emergency/incidents/{incident_id}",
    response={200: IncidentDetailOut, **ERRORS},
    summary="One incident: its response, report schedule (迟报/漏报) and tasks",
)
def get_incident(request, incident_id: int, response: HttpResponse):
    user = request.auth
    return incident_detail_out(user, with_etag(response, _incident_or_404(user, incident_id)))


@router.post(
    "/emergency/incidents/{incident_id}/reports",
    response={200: IncidentDetailOut, **ERRORS},
    summary="Send a report (首报, 续报 or 终报), stamped now",
)
def submit_report(request, incident_id: int, payload: ReportIn, response: HttpResponse):
    user = request.auth
    incident = _incident_or_404(user, incident_id)
    actions.submit_report(user, incident, kind=str(payload.kind.value), text=payload.text)
    return incident_detail_out(user, with_etag(response, _incident_or_404(user, incident_id)))
