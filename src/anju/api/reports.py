"""Reports (诉求/网格上报): list, detail, submit, register as a matter, reveal the reporter's data."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.http import HttpResponse
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from anju.api import lookups
from anju.api.errors import ErrorOut
from anju.api.matter_schemas import MatterDetailOut, matter_detail_out
from anju.api.pagination import PageParams, paginate
from anju.api.schemas import (
    ReportDetailOut,
    ReportPage,
    RevealIn,
    RevealOut,
    check_revealable,
    report_detail_out,
    report_out,
)
from anju.api.strict import (
    Amount,
    FilledText,
    Id,
    IsoDate,
    IsoDateTime,
    RequiredText,
    StrictBool,
    StrictIn,
    StrictInt,
)
from anju.api.versions import VersionIn, seen_version, with_etag
from anju.core import actions as core_actions
from anju.core.scoping import get_scoped_or_404, scoped
from anju.core.uploads import open_stored, upload_response
from anju.intake import actions as intake_actions
from anju.intake import receipts
from anju.intake.models import Attachment, Channel, Report, ReportStatus
from anju.matters.models import MatterKind

router = Router(tags=["reports"])
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
REPORT_RELATED = ("area", "matter", "suggested_domain")


class ReportFilters(Schema):
    q: str | None = Field(None, description="title, text or receipt code contains")
    status: ReportStatus | None = None
    channel: Channel | None = None
    area: str | None = Field(None, description="area code: that area and everything below it")
    date_from: IsoDate | None = Field(None, description="received on or after")
    date_to: IsoDate | None = Field(None, description="received on or before")


class ReportIn(StrictIn):
    channel: Channel
    text: FilledText
    area: RequiredText = Field(..., description="area code, within the user's scope")
    title: str = ""
    received_at: IsoDateTime | None = None
    location: str = ""
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)
    anonymous: StrictBool = False
    reporter_name: str = ""
    reporter_phone: str = ""
    reporter_id_number: str = ""
    suggested_domain: str | None = Field(None, description="domain code")


class RegisterIn(VersionIn):
    kind: MatterKind
    domain: RequiredText = Field(..., description="domain code")
    title: FilledText
    description: str | None = Field(None, description="default: the report's text")
    people_involved: StrictInt = Field(0, ge=0, le=2**31 - 1)
    amount_involved: Amount = Decimal(0)
    likelihood: StrictInt | None = Field(None, ge=1, le=100)
    consequence: StrictInt | None = Field(None, ge=1, le=100)
    assessment_note: str = Field("", description="研判意见: internal, never shown to the citizen")


class LinkIn(VersionIn):
    matter: Id = Field(..., description="id of the open matter this report repeats")
    note: str = Field("", description="internal, never shown to the citizen")


class ReportRejectIn(VersionIn):
    reason: FilledText = Field(..., description="shown to the citizen on the status page")


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


@router.get("/reports", response={200: ReportPage, **ERRORS}, summary="Reports in the user's scope")
def list_reports(request, filters: Query[ReportFilters], page: Query[PageParams]):
    user = request.auth
    user.require("report.view")
    reports = scoped(user, Report).select_related(*REPORT_RELATED)
    if filters.q:
        q = filters.q.strip()
        query = Q(title__icontains=q) | Q(text__icontains=q)
        code = receipts.normalise(q)  # a receipt code as the citizen reads it out, dashes and all
        reports = reports.filter(query | Q(receipt_code=code) if code else query)
    if filters.status:
        reports = reports.filter(status=filters.status)
    if filters.channel:
        reports = reports.filter(channel=filters.channel)
    if filters.area:
        area = lookups.scoped_area(user, filters.area)
        reports = reports.filter(area__path__startswith=area.path)
    if filters.date_from:
        reports = reports.filter(received_at__gte=_day_start(filters.date_from))
    if filters.date_to:
        reports = reports.filter(received_at__lt=_day_start(filters.date_to + dt.timedelta(days=1)))
    return paginate(reports.order_by("-received_at", "-id"), page, report_out)


@router.get("/reports/{report_id}", response={200: ReportDetailOut, **ERRORS}, summary="One report")
def get_report(request, report_id: int, response: HttpResponse):
    request.auth.require("report.view")
    report = get_scoped_or_404(
        request.auth, Report.objects.select_related(*REPORT_RELATED, "created_by"), pk=report_id
    )
    return report_detail_out(with_etag(response, report))


@router.post("/reports", response={201: ReportDetailOut, **ERRORS}, summary="Submit a report (诉求登记)")
def create_report(request, payload: ReportIn):
    user = request.auth
    user.require("report.create")
    area = lookups.scoped_area(user, payload.area)
    data = payload.dict(exclude={"area", "suggested_domain"})
    data["channel"] = str(payload.channel.value)
    if payload.suggested_domain:
        data["suggested_domain"] = lookups.domain(payload.suggested_domain, "suggested_domain")
    # A program's submission: triage's suggestions are made by the worker, not while the caller waits.
    report = intake_actions.submit_report(user, area=area, triage_later=True, **data)
    return Status(201, report_detail_out(report, attachments=()))  # the API takes none with a report


@router.post(
    "/reports/{report_id}/register",
    response={201: MatterDetailOut, **ERRORS},
    summary="Register a report as a new matter (登记为事项)",
)
def register_report(request, report_id: int, payload: RegisterIn, response: HttpResponse):
    user = request.auth
    report = get_scoped_or_404(user, Report, pk=report_id)
    user.require("report.register")
    data = payload.dict(exclude={"domain"})
    data["kind"] = str(payload.kind.value)
    data["version"] = seen_version(request, payload)
    matter = intake_actions.register_report(user, report, domain=lookups.domain(payload.domain), **data)
    return Status(201, matter_detail_out(user, with_etag(response, matter)))


@router.post(
    "/reports/{report_id}/link",
    response={200: ReportDetailOut, **ERRORS},
    summary="Link a repeated report to an open matter (并入已有事项)",
)
def link_report(request, report_id: int, payload: LinkIn, response: HttpResponse):
    user = request.auth
    report = get_scoped_or_404(user, Report, pk=report_id)
    user.require("report.register")
    with transaction.atomic():
        matter = lookups.scoped_matter(user, payload.matter, "matter")
        intake_actions.link_report(
            user, report, matter, note=payload.note, version=seen_version(request, payload)
        )
    return report_detail_out(with_etag(response, get_scoped_or_404(user, Report, pk=report_id)))


@router.post(
    "/reports/{report_id}/reject",
    response={200: ReportDetailOut, **ERRORS},
    summary="不予受理 a report, with the reason the citizen sees",
)
def reject_report(request, report_id: int, payload: ReportRejectIn, response: HttpResponse):
    user = request.auth
    report = get_scoped_or_404(user, Report, pk=report_id)
    intake_actions.reject_report(user, report, payload.reason, version=seen_version(request, payload))
    return report_detail_out(with_etag(response, get_scoped_or_404(user, Report, pk=report_id)))


@router.get(
    "/reports/{report_id}/attachments/{attachment_id}",
    response={200: None, **ERRORS},
    summary="Download an attachment (JPG, PNG or PDF)",
)
def download_attachment(request, report_id: int, attachment_id: int):
    user = request.auth
    user.require("report.view")
    report = get_scoped_or_404(user, Report, pk=report_id)
    item = get_scoped_or_404(user, Attachment.objects.filter(report=report), pk=attachment_id)
    return upload_response(
        open_stored(item.file), content_type=item.content_type, filename=item.original_name
    )


@router.post(
    "/reports/{report_id}/reveal",
    response={200: RevealOut, **ERRORS},
    summary="Reveal one personal-data field of the reporter (logged)",
)
def reveal_reporter(request, report_id: int, payload: RevealIn):
    user = request.auth
    report = get_scoped_or_404(user, Report, pk=report_id)
    check_revealable(user, report, payload.field)
    value = core_actions.reveal_personal_data(user, report, payload.field)
    return {"field": payload.field, "value": value}
