"""应急 writes: open an incident, activate / change / end its response, dispatch and return material, publish
an information release, complete a task — each through the same ``emergency.actions`` function as the pages.

Each action checks its own permission and scope (403), the version the client saw (``version`` or If-Match;
stale: 409), the workflow (409) and the input (422, a Chinese message per field); a refused call changes
nothing. Answers carry the object after the change, with its ETag.

The routes join ``api.emergency``'s router (one path may have a GET there and a POST here); ``api.main``
imports this module so that they are registered."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Schema

from anju.api import lookups
from anju.api.emergency import ERRORS, TaskOut, _incident_or_404, incident_detail_out, router
from anju.api.emergency import IncidentDetailOut as IncidentAnswer
from anju.api.schemas import unit_ref
from anju.api.strict import Amount, FilledText, Id, IsoDateTime, StrictIn, StrictInt, Text, masked
from anju.api.versions import VersionIn, seen_version, with_etag
from anju.core.models import EmergencyClass
from anju.core.scoping import get_scoped_or_404, scoped
from anju.emergency import actions
from anju.emergency.models import Dispatch, EmergencyTask, Grade, Incident, Material, Plan, Release

COUNT = Field(0, ge=0, le=2**31 - 1)
LEVEL = Field(..., ge=1, le=4, description="1 (一级, highest) … 4 (四级)")


# input -----------------------------------------------------------------------------------------------------
class IncidentIn(StrictIn):
    area: FilledText = Field(..., description="area code of where it happened, within the user's scope")
    title: FilledText
    emergency_class: EmergencyClass
    grade: Grade
    domain: str | None = Field(None, description="risk domain code")
    occurred_at: IsoDateTime
    learned_at: IsoDateTime
    description: FilledText
    affected: StrictInt = COUNT
    deaths: StrictInt = COUNT
    injuries: StrictInt = COUNT
    missing: StrictInt = COUNT


class ActivateIn(VersionIn):
    plan: Id = Field(..., description="id of a published plan in the user's scope")
    level: StrictInt = LEVEL
    note: Text = ""


class LevelIn(VersionIn):
    level: StrictInt = LEVEL
    note: FilledText = Field(..., description="why (required)")


class EndIn(VersionIn):
    note: Text = ""


class DispatchIn(VersionIn):
    quantity: Amount = Field(..., description="more than zero, at most the stock")
    destination: FilledText
    incident: Id | None = Field(None, description="id of the incident it goes to")


class ReturnIn(StrictIn):
    quantity: Amount = Field(..., description="more than zero, at most what is outstanding")


class CompleteIn(VersionIn):
    note: FilledText = Field(..., description="办结情况 (required)")


# output ----------------------------------------------------------------------------------------------------
class DispatchOut(Schema):
    id: int
    material: int
    item: str
    quantity: Decimal
    returned: Decimal
    outstanding: Decimal
    stock_after: Decimal = Field(description="the material's stock after the change")
    material_version: int = Field(description="the material's version after the change")
    incident: int | None = None


class ReleaseOut(Schema):
    id: int
    incident: int
    title: str = Field(description="written for the public (对外公开)")
    status: Literal["draft", "published"]
    published_at: dt.datetime | None = None
    version: int


class TaskDoneOut(TaskOut):
    version: int
    done_note: str = Field(description="personal data masked")


def dispatch_out(dispatch: Dispatch) -> dict:
    material = dispatch.material
    material.refresh_from_db()
    return {
        "id": dispatch.pk,
        "material": material.pk,
        "item": material.item,
        "quantity": dispatch.quantity,
        "returned": dispatch.returned,
        "outstanding": dispatch.outstanding,
        "stock_after": material.quantity,
        "material_version": material.version,
        "incident": dispatch.incident_id,
    }


def _incident_answer(request, response, incident_id: int) -> dict:
    user = request.auth
    return incident_detail_out(user, with_etag(response, _incident_or_404(user, incident_id)))


# routes ----------------------------------------------------------------------------------------------------
@router.post("/emergency/incidents", response={200: IncidentAnswer, **ERRORS}, summary="Open an incident")
def open_incident(request, payload: IncidentIn, response: HttpResponse):
    user = request.auth
    f = payload.dict()
    incident = actions.open_incident(
        user,
        area=lookups.scoped_area(user, f["area"]),
        domain=lookups.domain(f["domain"]) if f["domain"] else None,
        title=f["title"],
        emergency_class=str(payload.emergency_class.value),
        grade=str(payload.grade.value),
        occurred_at=f["occurred_at"],
        learned_at=f["learned_at"],
        description=f["description"],
        affected=f["affected"],
        deaths=f["deaths"],
        injuries=f["injuries"],
        missing=f["missing"],
    )
    return _incident_answer(request, response, incident.pk)


@router.post(
    "/emergency/incidents/{incident_id}/response",
    response={200: IncidentAnswer, **ERRORS},
    summary="Activate the response (启动响应) of a published plan at a level",
)
def activate_response(request, incident_id: int, payload: ActivateIn, response: HttpResponse):
    user = request.auth
    incident = _incident_or_404(user, incident_id)
    plan = scoped(user, Plan).filter(pk=payload.plan).first()
    if plan is None:
        raise ValidationError({"plan": _("预案不存在或不在您的管辖范围内。")})
    actions.activate_response(
        user,
        incident,
        plan=plan,
        level=payload.level,
        note=payload.note,
        seen_version=seen_version(request, payload),
    )
    return _incident_answer(request, response, incident_id)


@router.post(
    "/emergency/incidents/{incident_id}/level",
    response={200: IncidentAnswer, **ERRORS},
    summary="Raise or lower the response level (a reason is required)",
)
def change_level(request, incident_id: int, payload: LevelIn, response: HttpResponse):
    user = request.auth
    incident = _incident_or_404(user, incident_id)
    actions.change_level(
        user, incident, level=payload.level, note=payload.note, seen_version=seen_version(request, payload)
    )
    return _incident_answer(request, response, incident_id)


@router.post(
    "/emergency/incidents/{incident_id}/end",
    response={200: IncidentAnswer, **ERRORS},
    summary="End the response (终止响应)",
)
def end_response(request, incident_id: int, payload: EndIn, response: HttpResponse):
    user = request.auth
    incident = _incident_or_404(user, incident_id)
    actions.end_response(user, incident, note=payload.note, seen_version=seen_version(request, payload))
    return _incident_answer(request, response, incident_id)


@router.post(
    "/emergency/materials/{material_id}/dispatches",
    response={200: DispatchOut, **ERRORS},
    summary="Dispatch (调拨) material out of stock, optionally for an incident",
)
def dispatch_material(request, material_id: int, payload: DispatchIn):
    user = request.auth
    user.require("emergency.view")
    material = get_scoped_or_404(user, Material, pk=material_id)
    incident = None
    if payload.incident is not None:
        incident = scoped(user, Incident).filter(pk=payload.incident).first()
        if incident is None:
            raise ValidationError({"incident": _("事件不存在或不在您的管辖范围内。")})
    dispatch = actions.dispatch_material(
        user,
        material,
        quantity=payload.quantity,
        destination=payload.destination,
        incident=incident,
        seen_version=seen_version(request, payload),
    )
    return dispatch_out(dispatch)


@router.post(
    "/emergency/dispatches/{dispatch_id}/returns",
    response={200: DispatchOut, **ERRORS},
    summary="Return (归还) part or all of what a dispatch took out",
)
def return_material(request, dispatch_id: int, payload: ReturnIn):
    user = request.auth
    user.require("emergency.view")
    dispatch = get_scoped_or_404(user, Dispatch.objects.select_related("material"), pk=dispatch_id)
    return dispatch_out(actions.return_material(user, dispatch, quantity=payload.quantity))


@router.post(
    "/emergency/releases/{release_id}/publish",
    response={200: ReleaseOut, **ERRORS},
    summary="Approve and publish an information release (信息发布)",
)
def publish_release(request, release_id: int, payload: VersionIn, response: HttpResponse):
    user = request.auth
    user.require("emergency.view")
    release = get_scoped_or_404(user, Release, pk=release_id)
    actions.publish_release(user, release, seen_version=seen_version(request, payload))
    release.refresh_from_db()
    with_etag(response, release)
    return {
        "id": release.pk,
        "incident": release.incident_id,
        "title": release.title,
        "status": release.status,
        "published_at": release.published_at,
        "version": release.version,
    }


@router.post(
    "/emergency/tasks/{task_id}/complete",
    response={200: TaskDoneOut, **ERRORS},
    summary="Complete (办结) a task of one's unit",
)
def complete_task(request, task_id: int, payload: CompleteIn, response: HttpResponse):
    user = request.auth
    user.require("emergency.view")
    task = get_scoped_or_404(user, EmergencyTask.objects.select_related("owner_unit"), pk=task_id)
    actions.complete_task(user, task, note=payload.note, seen_version=seen_version(request, payload))
    task.refresh_from_db()
    with_etag(response, task)
    return {
        "id": task.pk,
        "group": task.group,
        "title": masked(task.title),
        "owner_unit": unit_ref(task.owner_unit),
        "deadline": task.deadline,
        "status": task.status,
        "version": task.version,
        "done_note": masked(task.done_note),
    }
