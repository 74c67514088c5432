"""应急, the rest of the main objects: resources (materials with their stock alerts, teams, shelters), the
information releases of an incident, emergency tasks (working groups', drill and aftermath 整改, 预案修订), and
the aftermath (善后) of an incident — read, and the main steps: draft a release, give a rectification task,
verify (验收) one — through the same ``emergency.actions`` functions as the pages.

Reading needs ``emergency.view`` and the object in the user's scope (404 outside); writes are guarded by the
actions (403, 409, 422). The routes join ``api.emergency``'s router; ``api.main`` imports this module."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from django.http import HttpResponse
from django.utils import timezone
from ninja import Field, Query, Schema

from anju.api import lookups
from anju.api.emergency import ERRORS, _incident_or_404, router
from anju.api.emergency_actions import ReleaseOut
from anju.api.pagination import PageParams, paginate
from anju.api.schemas import AreaRef, Page, UnitRef, area_ref, unit_ref
from anju.api.strict import FilledText, Id, IsoDate, StrictIn, masked
from anju.api.versions import VersionIn, seen_version, with_etag
from anju.core.scoping import get_scoped_or_404, scoped
from anju.emergency import actions, queries
from anju.emergency.models import EmergencyTask, Material, Release, Shelter, TaskSource, Team


# output ----------------------------------------------------------------------------------------------------
class MaterialOut(Schema):
    id: int
    area: AreaRef
    category: str
    item: str
    quantity: Decimal
    measure: str = Field(description="unit of measure (计量单位)")
    minimum: Decimal = Field(description="minimum stock (最低储备)")
    site: str
    owner_unit: UnitRef | None = None
    expires_on: dt.date | None = None
    low_stock: bool = Field(description="below its minimum stock")
    expiring: bool = Field(description="expired, or expiring within the configured warning days")
    version: int


class MaterialPage(Page):
    items: list[MaterialOut]


class TeamOut(Schema):
    id: int
    area: AreaRef
    name: str
    unit: UnitRef | None = None
    speciality: str
    size: int
    readiness: str


class TeamPage(Page):
    items: list[TeamOut]


class ShelterOut(Schema):
    id: int
    area: AreaRef
    name: str
    capacity: int
    location: str


class ShelterPage(Page):
    items: list[ShelterOut]


class ReleaseFullOut(ReleaseOut):
    body: str = Field(description="written for the public (对外公开)")


class ReleaseList(Schema):
    items: list[ReleaseFullOut]


class EmergencyTaskOut(Schema):
    id: int
    source: str = Field(description="response, drill (演练整改), aftermath (善后整改) or revision (预案修订)")
    area: AreaRef
    incident: int | None = None
    plan: int | None = Field(None, description="the plan to revise, for a revision task")
    group: str
    title: str = Field(description="personal data masked")
    owner_unit: UnitRef | None = None
    deadline: dt.date | None = None
    status: str
    overdue: bool
    done_at: dt.datetime | None = None
    verified_at: dt.datetime | None = Field(None, description="整改验收, aftermath tasks only")
    version: int


class EmergencyTaskPage(Page):
    items: list[EmergencyTaskOut]


class ProblemOut(Schema):
    unit: UnitRef
    duty: str
    finding: str = Field(description="personal data masked")
    decision: str = Field(description="personal data masked")


class AftermathOut(Schema):
    incident: int
    response_status: str
    cause_category: str | None = Field(None, description="原因类别 of the investigation, once recorded")
    findings: str | None = Field(None, description="调查结论, personal data masked")
    concluded_at: dt.date | None = None
    problems: list[ProblemOut] = Field(description="问题查处: units and duties, never persons")
    tasks: list[EmergencyTaskOut] = Field(description="rectification tasks (整改)")
    plans_to_revise: list[int] = Field(description="ids of the plans marked for revision (举一反三)")


# input -----------------------------------------------------------------------------------------------------
class MaterialFilters(Schema):
    alert: Literal["low", "expiring"] | None = Field(None, description="only low stock or expiring items")


class TaskFilters(Schema):
    source: Literal["response", "drill", "aftermath", "revision"] | None = None
    status: Literal["open", "done"] | None = None


class ReleaseIn(StrictIn):
    title: FilledText = Field(..., description="for the public (对外公开)")
    body: FilledText = Field(..., description="for the public (对外公开)")


class AftermathTaskIn(StrictIn):
    title: FilledText
    owner_unit: Id = Field(..., description="id of the unit responsible")
    deadline: IsoDate | None = Field(None, description="default: the configured task days from today")


class VerifyIn(VersionIn):
    note: FilledText = Field(..., description="验收意见 (required)")


def material_out(material: Material, low: set[int], expiring: set[int]) -> dict:
    return {
        "id": material.pk,
        "area": area_ref(material.area),
        "category": material.category,
        "item": material.item,
        "quantity": material.quantity,
        "measure": material.measure,
        "minimum": material.minimum,
        "site": material.site,
        "owner_unit": unit_ref(material.owner_unit),
        "expires_on": material.expires_on,
        "low_stock": material.pk in low,
        "expiring": material.pk in expiring,
        "version": material.version,
    }


def task_out(task: EmergencyTask, today: dt.date) -> dict:
    return {
        "id": task.pk,
        "source": task.source,
        "area": area_ref(task.area),
        "incident": task.incident_id,
        "plan": task.plan_id,
        "group": task.group,
        "title": masked(task.title),
        "owner_unit": unit_ref(task.owner_unit),
        "deadline": task.deadline,
        "status": task.status,
        "overdue": task.is_overdue(today),
        "done_at": task.done_at,
        "verified_at": task.verified_at,
        "version": task.version,
    }


def release_out(release: Release) -> dict:
    return {
        "id": release.pk,
        "incident": release.incident_id,
        "title": release.title,
        "body": release.body,
        "status": release.status,
        "published_at": release.published_at,
        "version": release.version,
    }


# routes: resources ------------------------------------------------------------------------------------------
@router.get(
    "/emergency/materials",
    response={200: MaterialPage, **ERRORS},
    summary="Emergency materials (应急物资) with stock alerts",
)
def list_materials(request, filters: Query[MaterialFilters], page: Query[PageParams]):
    user = request.auth
    user.require("emergency.view")
    materials = scoped(user, Material).select_related("area", "owner_unit")
    today = timezone.localdate()
    low = set(queries.low_stock(materials).values_list("pk", flat=True))
    expiring = set(queries.expiring(today, materials).values_list("pk", flat=True))
    if filters.alert == "low":
        materials = materials.filter(pk__in=low)
    elif filters.alert == "expiring":
        materials = materials.filter(pk__in=expiring)
    return paginate(
        materials.order_by("area__path", "category", "item", "id"),
        page,
        lambda m: material_out(m, low, expiring),
    )


@router.get(
    "/emergency/materials/{material_id}", response={200: MaterialOut, **ERRORS}, summary="One material"
)
def get_material(request, material_id: int, response: HttpResponse):
    user = request.auth
    user.require("emergency.view")
    material = get_scoped_or_404(user, Material.objects.select_related("area", "owner_unit"), pk=material_id)
    today = timezone.localdate()
    one = Material.objects.filter(pk=material.pk)
    low = set(queries.low_stock(one).values_list("pk", flat=True))
    expiring = set(queries.expiring(today, one).values_list("pk", flat=True))
    return material_out(with_etag(response, material), low, expiring)


@router.get("/emergency/teams", response={200: TeamPage, **ERRORS}, summary="Rescue teams (救援队伍)")
def list_teams(request, page: Query[PageParams]):
    user = request.auth
    user.require("emergency.view")
    teams = scoped(user, Team).select_related("area", "unit").order_by("area__path", "name", "id")
    return paginate(
        teams,
        page,
        lambda t: {
            "id": t.pk,
            "area": area_ref(t.area),
            "name": t.name,
            "unit": unit_ref(t.unit),
            "speciality": t.speciality,
            "size": t.size,
            "readiness": t.readiness,
        },
    )


@router.get("/emergency/shelters", response={200: ShelterPage, **ERRORS}, summary="Shelters (避难场所)")
def list_shelters(request, page: Query[PageParams]):
    user = request.auth
    user.require("emergency.view")
    shelters = scoped(user, Shelter).select_related("area").order_by("area__path", "name", "id")
    return paginate(
        shelters,
        page,
        lambda s: {
            "id": s.pk,
            "area": area_ref(s.area),
            "name": s.name,
            "capacity": s.capacity,
            "location": s.location,
        },
    )


# routes: releases -------------------------------------------------------------------------------------------
@router.get(
    "/emergency/incidents/{incident_id}/releases",
    response={200: ReleaseList, **ERRORS},
    summary="An incident's information releases (信息发布), drafts included",
)
def list_releases(request, incident_id: int):
    incident = _incident_or_404(request.auth, incident_id)
    return {"items": [release_out(r) for r in incident.releases.order_by("drafted_at", "pk")]}


@router.post(
    "/emergency/incidents/{incident_id}/releases",
    response={200: ReleaseFullOut, **ERRORS},
    summary="Draft an information release, to be approved and published",
)
def draft_release(request, incident_id: int, payload: ReleaseIn, response: HttpResponse):
    user = request.auth
    incident = _incident_or_404(user, incident_id)
    release = actions.draft_release(user, incident, title=payload.title, body=payload.body)
    return release_out(with_etag(response, release))


# routes: tasks and aftermath -------------------------------------------------------------------------------
@router.get(
    "/emergency/tasks",
    response={200: EmergencyTaskPage, **ERRORS},
    summary="Emergency tasks: working groups', 整改 of drills and aftermath, 预案修订",
)
def list_tasks(request, filters: Query[TaskFilters], page: Query[PageParams]):
    user = request.auth
    user.require("emergency.view")
    tasks = scoped(user, EmergencyTask).select_related("area", "owner_unit")
    if filters.source:
        tasks = tasks.filter(source=filters.source)
    if filters.status:
        tasks = tasks.filter(status=filters.status)
    today = timezone.localdate()
    return paginate(tasks.order_by("status", "deadline", "id"), page, lambda t: task_out(t, today))


def _aftermath_out(incident) -> dict:
    investigation = getattr(incident, "investigation", None)
    today = timezone.localdate()
    tasks = incident.tasks.filter(source=TaskSource.AFTERMATH).select_related("area", "owner_unit")
    return {
        "incident": incident.pk,
        "response_status": incident.response_status,
        "cause_category": investigation.cause_category if investigation else None,
        "findings": masked(investigation.findings) if investigation else None,
        "concluded_at": investigation.concluded_at if investigation else None,
        "problems": [
            {
                "unit": unit_ref(p.unit),
                "duty": p.duty,
                "finding": masked(p.finding),
                "decision": masked(p.decision),
            }
            for p in incident.problems.select_related("unit")
        ],
        "tasks": [task_out(t, today) for t in tasks.order_by("deadline", "pk")],
        "plans_to_revise": list(incident.plan_revisions.values_list("plan_id", flat=True)),
    }


@router.get(
    "/emergency/incidents/{incident_id}/aftermath",
    response={200: AftermathOut, **ERRORS},
    summary="An incident's aftermath (善后): investigation, 问题查处, rectification tasks, plans to revise",
)
def get_aftermath(request, incident_id: int):
    return _aftermath_out(_incident_or_404(request.auth, incident_id))


@router.post(
    "/emergency/incidents/{incident_id}/aftermath/tasks",
    response={200: EmergencyTaskOut, **ERRORS},
    summary="Give a rectification task (整改) to a unit",
)
def add_aftermath_task(request, incident_id: int, payload: AftermathTaskIn, response: HttpResponse):
    user = request.auth
    incident = _incident_or_404(user, incident_id)
    task = actions.add_aftermath_task(
        user,
        incident,
        title=payload.title,
        owner_unit=lookups.unit(payload.owner_unit, "owner_unit"),
        deadline=payload.deadline,
    )
    return task_out(with_etag(response, task), timezone.localdate())


@router.post(
    "/emergency/tasks/{task_id}/verify",
    response={200: EmergencyTaskOut, **ERRORS},
    summary="Verify (验收) a completed rectification task; not by who completed it",
)
def verify_task(request, task_id: int, payload: VerifyIn, response: HttpResponse):
    user = request.auth
    user.require("emergency.view")
    task = get_scoped_or_404(user, EmergencyTask.objects.select_related("area", "owner_unit"), pk=task_id)
    actions.verify_task(user, task, note=payload.note, seen_version=seen_version(request, payload))
    task.refresh_from_db()
    return task_out(with_etag(response, task), timezone.localdate())
