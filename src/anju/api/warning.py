"""预警 (early warning): warnings with their recipients and 签收, early-warning signals, and analysis meetings
(研判会: plan, minutes, decisions) through ``warning.actions``.

Acknowledging a warning and the meeting writes take the ``version`` you read (body or If-Match); a stale one
is 409. Free texts (the expected situation, measures, minutes, decisions) are masked like stored texts.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from anju.api import lookups
from anju.api.errors import ErrorOut
from anju.api.pagination import PageParams, paginate
from anju.api.schemas import (
    AreaRef,
    DomainRef,
    MatterRef,
    Page,
    PersonRef,
    UnitRef,
    area_ref,
    domain_ref,
    matter_ref,
    person_ref,
    unit_ref,
)
from anju.api.strict import IsoDate, IsoDateTime, StrictIn, StrictInt, StrictStr, Text, masked
from anju.api.versions import seen_version, with_etag
from anju.core.concurrency import lock_checked
from anju.core.models import Unit
from anju.core.scoping import get_scoped_or_404, scoped
from anju.matters.models import Matter
from anju.warning import actions
from anju.warning.actions import STALE_ALERT
from anju.warning.describe import describe
from anju.warning.models import Alert, AlertLevel, AlertStatus, MessageType, Signal
from anju.warning.models_analysis import AnalysisMeeting, DecisionKind, MeetingKind, MeetingStatus

router = Router(tags=["warning (预警)"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
ALERT_RELATED = ("domain", "area", "issuing_unit")


# output ----------------------------------------------------------------------------------------------------
class AlertOut(Schema):
    id: int
    identifier: str | None = None
    msg_type: str
    status: str
    status_label: str
    level: str
    level_label: str
    headline: str
    domain: DomainRef
    area: AreaRef
    onset: dt.datetime
    expires: dt.datetime | None = None
    urgency: str
    certainty: str
    issuing_unit: UnitRef
    issued_at: dt.datetime | None = None
    current: bool = Field(description="issued and not lifted")


class RecipientOut(Schema):
    unit: UnitRef
    acknowledged_at: dt.datetime | None = None
    acknowledged_by: PersonRef | None = None


class AlertDetailOut(AlertOut):
    version: int = Field(description="send it back as `version` or If-Match; stale: 409")
    expected: str = Field(description="personal data masked")
    measures: str = Field(description="personal data masked")
    note: str = Field(description="reason of an update or a lift; personal data masked")
    references: int | None = Field(None, description="id of the warning this message updates or lifts")
    signal: int | None = Field(None, description="id of the signal it was drafted from")
    recipients: list[RecipientOut]


class AlertPage(Page):
    items: list[AlertOut]


class SignalOut(Schema):
    id: int
    area: AreaRef
    domain: DomainRef
    week: dt.date = Field(description="Monday of the ISO week")
    iso_week: str
    method: str
    observed: int
    expected: float | None = None
    upperbound: float | None = None
    score: float | None = None
    alarm: bool
    status: str
    sentence: str


class SignalPage(Page):
    items: list[SignalOut]


class MeetingOut(Schema):
    id: int
    kind: str
    kind_label: str
    title: str
    area: AreaRef
    held_at: dt.datetime
    status: str
    status_label: str


class AgendaOut(Schema):
    kind: str
    kind_label: str
    summary: str = Field(description="personal data masked")
    signal: int | None = None
    matter: MatterRef | None = Field(None, description="only a matter in your scope")
    alert: int | None = None


class MeetingDecisionOut(Schema):
    id: int
    kind: str
    kind_label: str
    text: str = Field(description="personal data masked")
    unit: UnitRef
    deadline: dt.date | None = None
    done_at: dt.datetime | None = None
    done_note: str = Field(description="personal data masked")
    alert: int | None = Field(None, description="the draft warning it became")


class MeetingDetailOut(MeetingOut):
    version: int = Field(description="send it back as `version` or If-Match; stale: 409")
    attendees: str = Field(description="personal data masked")
    minutes: str = Field(description="personal data masked")
    created_by: PersonRef | None = None
    agenda: list[AgendaOut]
    decisions: list[MeetingDecisionOut]


class MeetingPage(Page):
    items: list[MeetingOut]


def alert_out(alert: Alert) -> dict:
    return {
        "id": alert.pk,
        "identifier": alert.identifier,
        "msg_type": alert.msg_type,
        "status": alert.status,
        "status_label": str(alert.get_status_display()),
        "level": alert.level,
        "level_label": str(alert.get_level_display()),
        "headline": masked(alert.headline),
        "domain": domain_ref(alert.domain),
        "area": area_ref(alert.area),
        "onset": alert.onset,
        "expires": alert.expires,
        "urgency": alert.urgency,
        "certainty": alert.certainty,
        "issuing_unit": unit_ref(alert.issuing_unit),
        "issued_at": alert.issued_at,
        "current": alert.is_current,
    }


def alert_detail_out(alert: Alert) -> dict:
    return {
        **alert_out(alert),
        "version": alert.version,
        "expected": masked(alert.expected),
        "measures": masked(alert.measures),
        "note": masked(alert.note),
        "references": alert.references_id,
        "signal": alert.signal_id,
        "recipients": [
            {
                "unit": unit_ref(r.unit),
                "acknowledged_at": r.acknowledged_at,
                "acknowledged_by": person_ref(r.acknowledged_by),
            }
            for r in alert.recipients.select_related("unit", "acknowledged_by").order_by("id")
        ],
    }


def signal_out(signal: Signal, today: dt.date) -> dict:
    return {
        "id": signal.pk,
        "area": area_ref(signal.area),
        "domain": domain_ref(signal.domain),
        "week": signal.week,
        "iso_week": signal.iso_label,
        "method": signal.method,
        "observed": signal.observed,
        "expected": signal.expected,
        "upperbound": signal.upperbound,
        "score": signal.score,
        "alarm": signal.alarm,
        "status": signal.status,
        "sentence": describe(signal, today),
    }


def meeting_out(meeting: AnalysisMeeting) -> dict:
    return {
        "id": meeting.pk,
        "kind": meeting.kind,
        "kind_label": str(meeting.get_kind_display()),
        "title": masked(meeting.title),
        "area": area_ref(meeting.area),
        "held_at": meeting.held_at,
        "status": meeting.status,
        "status_label": str(meeting.get_status_display()),
    }


def meeting_detail_out(user, meeting: AnalysisMeeting) -> dict:
    agenda = list(meeting.agenda.all())
    # an agenda item may name a matter the reader does not see (a department officer): no reference then
    ids = [i.matter_id for i in agenda if i.matter_id]
    matters = {m.pk: m for m in scoped(user, Matter).filter(pk__in=ids)}
    return {
        **meeting_out(meeting),
        "version": meeting.version,
        "attendees": masked(meeting.attendees),
        "minutes": masked(meeting.minutes),
        "created_by": person_ref(meeting.created_by),
        "agenda": [
            {
                "kind": i.kind,
                "kind_label": str(i.get_kind_display()),
                "summary": masked(i.summary),
                "signal": i.signal_id,
                "matter": matter_ref(matters.get(i.matter_id)),
                "alert": i.alert_id,
            }
            for i in agenda
        ],
        "decisions": [
            {
                "id": d.pk,
                "kind": d.kind,
                "kind_label": str(d.get_kind_display()),
                "text": masked(d.text),
                "unit": unit_ref(d.unit),
                "deadline": d.deadline,
                "done_at": d.done_at,
                "done_note": masked(d.done_note),
                "alert": d.alert_id,
            }
            for d in meeting.decisions.select_related("unit")
        ],
    }


# input -----------------------------------------------------------------------------------------------------
class AlertFilters(Schema):
    state: Literal["current", "draft", "all"] = Field(
        "current", description="current (issued, not lifted; the default), draft, or all"
    )
    level: AlertLevel | None = None
    domain: str | None = Field(None, description="domain code")
    area: str | None = Field(None, description="area code: that area and everything below it")


class SignalFilters(Schema):
    alarm: bool | None = Field(True, description="true (default): alarms only; false: the others; empty: all")
    week_from: IsoDate | None = Field(None, description="weeks starting on or after (YYYY-MM-DD)")
    week_to: IsoDate | None = Field(None, description="weeks starting on or before (YYYY-MM-DD)")
    domain: str | None = Field(None, description="domain code")
    area: str | None = Field(None, description="area code: that area and everything below it")


class MeetingFilters(Schema):
    kind: MeetingKind | None = None
    status: MeetingStatus | None = None
    area: str | None = Field(None, description="area code: that area and everything below it")


class AcknowledgeIn(StrictIn):
    version: StrictInt | None = Field(None, description="the warning's version you read; stale: 409")


class MeetingIn(StrictIn):
    kind: MeetingKind
    title: StrictStr = Field(..., max_length=200)
    area: StrictStr = Field(..., description="area code, within your scope")
    held_at: IsoDateTime


class MinutesIn(StrictIn):
    version: StrictInt | None = Field(None, description="the meeting's version you read; stale: 409")
    attendees: Text
    minutes: Text


class MeetingDecisionIn(StrictIn):
    version: StrictInt | None = Field(None, description="the meeting's version you read; stale: 409")
    kind: DecisionKind
    text: Text
    unit: StrictInt = Field(..., description="responsible unit id, within your scope")
    deadline: IsoDate | None = Field(None, description="required for a task (交办任务)")
    alert_level: AlertLevel = Field(
        AlertLevel.YELLOW, description="level of the draft warning (kind warning)"
    )


# routes: warnings ------------------------------------------------------------------------------------------
@router.get("/warning/alerts", response={200: AlertPage, **ERRORS}, summary="Warnings (预警)")
def list_alerts(request, filters: Query[AlertFilters], page: Query[PageParams]):
    user = request.auth
    user.require("alert.view")
    alerts = scoped(user, Alert).select_related(*ALERT_RELATED)
    if filters.state == "current":
        alerts = alerts.filter(status=AlertStatus.ISSUED).exclude(msg_type=MessageType.CANCEL)
    elif filters.state == "draft":
        alerts = alerts.filter(status=AlertStatus.DRAFT)
    if filters.level:
        alerts = alerts.filter(level=filters.level)
    if filters.domain:
        alerts = alerts.filter(domain=lookups.domain(filters.domain))
    if filters.area:
        alerts = alerts.filter(area__path__startswith=lookups.scoped_area(user, filters.area).path)
    return paginate(alerts.order_by("-created_at", "-id"), page, alert_out)


def _alert_or_404(user, alert_id: int) -> Alert:
    user.require("alert.view")
    return get_scoped_or_404(user, Alert.objects.select_related(*ALERT_RELATED), pk=alert_id)


@router.get(
    "/warning/alerts/{alert_id}",
    response={200: AlertDetailOut, **ERRORS},
    summary="One warning with its recipients and their 签收",
)
def get_alert(request, alert_id: int, response: HttpResponse):
    return alert_detail_out(with_etag(response, _alert_or_404(request.auth, alert_id)))


@router.post(
    "/warning/alerts/{alert_id}/acknowledge",
    response={200: AlertDetailOut, **ERRORS},
    summary="签收 a warning for your unit (a recipient unit, once)",
)
def acknowledge_alert(request, alert_id: int, payload: AcknowledgeIn, response: HttpResponse):
    user = request.auth
    alert = _alert_or_404(user, alert_id)
    with transaction.atomic():
        # the version the client saw, checked under the row lock the action then keeps
        lock_checked(alert, seen_version(request, payload), message=STALE_ALERT)
        actions.acknowledge_alert(user, alert)
    return alert_detail_out(with_etag(response, _alert_or_404(user, alert_id)))


# routes: signals -------------------------------------------------------------------------------------------
@router.get(
    "/warning/signals", response={200: SignalPage, **ERRORS}, summary="Early-warning signals (预警信号)"
)
def list_signals(request, filters: Query[SignalFilters], page: Query[PageParams]):
    user = request.auth
    user.require("signals.view")
    signals = scoped(user, Signal).select_related("area", "domain")
    if filters.alarm is not None:
        signals = signals.filter(alarm=filters.alarm)
    if filters.week_from:
        signals = signals.filter(week__gte=filters.week_from)
    if filters.week_to:
        signals = signals.filter(week__lte=filters.week_to)
    if filters.domain:
        signals = signals.filter(domain=lookups.domain(filters.domain))
    if filters.area:
        signals = signals.filter(area__path__startswith=lookups.scoped_area(user, filters.area).path)
    today = timezone.localdate()
    ordered = signals.order_by("-week", "-score", "area__path", "id")
    return paginate(ordered, page, lambda s: signal_out(s, today))


# routes: analysis meetings ---------------------------------------------------------------------------------
@router.get("/warning/meetings", response={200: MeetingPage, **ERRORS}, summary="Analysis meetings (研判会)")
def list_meetings(request, filters: Query[MeetingFilters], page: Query[PageParams]):
    user = request.auth
    user.require("analysis.view")
    meetings = scoped(user, AnalysisMeeting).select_related("area")
    if filters.kind:
        meetings = meetings.filter(kind=filters.kind)
    if filters.status:
        meetings = meetings.filter(status=filters.status)
    if filters.area:
        meetings = meetings.filter(area__path__startswith=lookups.scoped_area(user, filters.area).path)
    return paginate(meetings.order_by("-held_at", "-id"), page, meeting_out)


def _meeting_or_404(user, meeting_id: int) -> AnalysisMeeting:
    user.require("analysis.view")
    return get_scoped_or_404(
        user, AnalysisMeeting.objects.select_related("area", "created_by"), pk=meeting_id
    )


@router.get(
    "/warning/meetings/{meeting_id}",
    response={200: MeetingDetailOut, **ERRORS},
    summary="One meeting: agenda, minutes and decisions",
)
def get_meeting(request, meeting_id: int, response: HttpResponse):
    user = request.auth
    return meeting_detail_out(user, with_etag(response, _meeting_or_404(user, meeting_id)))


@router.post(
    "/warning/meetings",
    response={201: MeetingDetailOut, **ERRORS},
    summary="Plan a meeting; its agenda is pre-filled (signals, high-level and overdue matters, warnings)",
)
def plan_meeting(request, payload: MeetingIn, response: HttpResponse):
    user = request.auth
    meeting = actions.plan_meeting(
        user,
        kind=str(payload.kind.value),
        area=lookups.scoped_area(user, payload.area),
        title=payload.title,
        held_at=payload.held_at,
    )
    return Status(201, meeting_detail_out(user, with_etag(response, _meeting_or_404(user, meeting.pk))))


@router.post(
    "/warning/meetings/{meeting_id}/minutes",
    response={200: MeetingDetailOut, **ERRORS},
    summary="Record the attendees and minutes (the meeting is then held)",
)
def record_minutes(request, meeting_id: int, payload: MinutesIn, response: HttpResponse):
    user = request.auth
    meeting = _meeting_or_404(user, meeting_id)
    actions.record_minutes(
        user,
        meeting,
        attendees=payload.attendees,
        minutes=payload.minutes,
        version=seen_version(request, payload),
    )
    return meeting_detail_out(user, with_etag(response, _meeting_or_404(user, meeting_id)))


@router.post(
    "/warning/meetings/{meeting_id}/decisions",
    response={200: MeetingDetailOut, **ERRORS},
    summary="A decision: a task for a unit (with a deadline) or a draft warning to it",
)
def add_decision(request, meeting_id: int, payload: MeetingDecisionIn, response: HttpResponse):
    user = request.auth
    meeting = _meeting_or_404(user, meeting_id)
    unit = scoped(user, Unit).filter(pk=payload.unit).first()
    if unit is None:
        raise ValidationError({"unit": _("单位不存在或不在您的管辖范围内。")})
    actions.add_decision(
        user,
        meeting,
        kind=str(payload.kind.value),
        text=payload.text,
        unit=unit,
        deadline=payload.deadline,
        alert_level=str(payload.alert_level.value),
        version=seen_version(request, payload),
    )
    return meeting_detail_out(user, with_etag(response, _meeting_or_404(user, meeting_id)))
