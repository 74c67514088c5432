"""Monthly reports (信息报送): list, one report with its figures, the .docx/.xlsx/PDF files of the page,
generating (or regenerating, while unsubmitted) and submitting one, through ``reports.actions``.

Submitting takes the ``version`` you read (body or If-Match): figures regenerated meanwhile are not
submitted unseen (409). The figures are counts only; no personal data is in them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpResponse
from django.urls import reverse
from ninja import Field, Query, Router, Schema, Status

from anju.api import lookups
from anju.api.errors import ErrorOut
from anju.api.pagination import PageParams, paginate
from anju.api.schemas import AreaRef, Page, PersonRef, UnitRef, area_ref, person_ref, unit_ref
from anju.api.strict import Month, StrictIn, StrictInt, StrictStr
from anju.api.versions import seen_version, with_etag
from anju.core.documents import document_response
from anju.core.scoping import get_scoped_or_404
from anju.reports import actions, document
from anju.reports.models import MonthlyReport
from anju.reports.queries import visible_reports

router = Router(tags=["monthly reports (信息报送)"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
RELATED = ("area", "unit", "generated_by", "submitted_by")


class MonthlyReportOut(Schema):
    id: int
    title: str
    area: AreaRef
    unit: UnitRef | None = Field(
        None, description="a department unit's own report (镇直单位); else the area's"
    )
    month: str = Field(description="YYYY-MM")
    due_date: dt.date
    generated_at: dt.datetime
    generated_by: PersonRef | None = None
    submitted: bool
    submitted_at: dt.datetime | None = None
    submitted_late: bool
    submitted_by: PersonRef | None = None


class MonthlyReportDetailOut(MonthlyReportOut):
    version: int = Field(description="send it back as `version` or If-Match when submitting; stale: 409")
    figures: dict[str, Any] = Field(
        description="totals, by_domain, by_area, rates, screening, warnings, 稳评"
    )
    downloads: dict[str, str] = Field(description="format → path of the file (same authentication)")


class MonthlyReportPage(Page):
    items: list[MonthlyReportOut]


def report_out(report: MonthlyReport) -> dict:
    return {
        "id": report.pk,
        "title": document.title(report),
        "area": area_ref(report.area),
        "unit": unit_ref(report.unit),
        "month": f"{report.month:%Y-%m}",
        "due_date": report.due_date,
        "generated_at": report.generated_at,
        "generated_by": person_ref(report.generated_by),
        "submitted": report.submitted_at is not None,
        "submitted_at": report.submitted_at,
        "submitted_late": report.submitted_late,
        "submitted_by": person_ref(report.submitted_by),
    }


def report_detail_out(report: MonthlyReport) -> dict:
    return {
        **report_out(report),
        "version": report.version,
        "figures": report.figures,
        "downloads": {
            fmt: reverse("api:download_monthly_report", kwargs={"report_id": report.pk, "fmt": fmt})
            for fmt in document.CONTENT_TYPES
        },
    }


class MonthlyReportFilters(Schema):
    area: str | None = Field(None, description="area code: that area and everything below it")
    month: Month | None = None
    submitted: bool | None = None


class GenerateIn(StrictIn):
    area: StrictStr = Field(..., description="area code, within your scope")
    month: Month


class SubmitIn(StrictIn):
    version: StrictInt | None = Field(None, description="the report's version you read; stale: 409")


@router.get("/monthly-reports", response={200: MonthlyReportPage, **ERRORS}, summary="Monthly reports (月报)")
def list_monthly_reports(request, filters: Query[MonthlyReportFilters], page: Query[PageParams]):
    user = request.auth
    user.require("report.monthly")
    reports = visible_reports(user).select_related(*RELATED)
    if filters.area:
        reports = reports.filter(area__path__startswith=lookups.scoped_area(user, filters.area).path)
    if filters.month:
        reports = reports.filter(month=filters.month)
    if filters.submitted is not None:
        reports = reports.filter(submitted_at__isnull=not filters.submitted)
    return paginate(reports.order_by("-month", "area__path", "id"), page, report_out)


def _report_or_404(user, report_id: int) -> MonthlyReport:
    user.require("report.monthly")
    return get_scoped_or_404(
        user, visible_reports(user, MonthlyReport.objects.select_related(*RELATED)), pk=report_id
    )


@router.get(
    "/monthly-reports/{report_id}",
    response={200: MonthlyReportDetailOut, **ERRORS},
    summary="One monthly report with its figures",
)
def get_monthly_report(request, report_id: int, response: HttpResponse):
    return report_detail_out(with_etag(response, _report_or_404(request.auth, report_id)))


@router.get(
    "/monthly-reports/{report_id}/download/{fmt}",
    response={200: None, **ERRORS},
    summary="Download the report as on the page: docx, xlsx or pdf",
)
def download_monthly_report(request, report_id: int, fmt: Literal["docx", "xlsx", "pdf"]):
    report = _report_or_404(request.auth, report_id)
    body, _content_type = document.download(report, fmt)
    return document_response(body, document.title(report), fmt, fallback=document.ascii_name(report))


@router.post(
    "/monthly-reports",
    response={201: MonthlyReportDetailOut, **ERRORS},
    summary="Generate (or regenerate, while unsubmitted) the report of an area for a month",
)
def generate_monthly_report(request, payload: GenerateIn, response: HttpResponse):
    user = request.auth
    user.require("report.monthly")
    report = actions.generate_report(user, area=lookups.scoped_area(user, payload.area), month=payload.month)
    return Status(201, report_detail_out(with_etag(response, _report_or_404(user, report.pk))))


@router.post(
    "/monthly-reports/{report_id}/submit",
    response={200: MonthlyReportDetailOut, **ERRORS},
    summary="报送 to the level above (late when after the due date)",
)
def submit_monthly_report(request, report_id: int, payload: SubmitIn, response: HttpResponse):
    user = request.auth
    report = _report_or_404(user, report_id)
    actions.submit_report(user, report, version=seen_version(request, payload))
    return report_detail_out(with_etag(response, _report_or_404(user, report_id)))
