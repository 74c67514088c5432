"""Monthly report pages: generate for an area and month, read, download (.docx/.xlsx/PDF), submit."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anju.core.documents import document_response
from anju.core.errors import NotAllowed
from anju.core.models import Area, AreaLevel
from anju.core.params import id_param
from anju.core.scoping import get_scoped_or_404, scoped
from anju.reports import actions, document
from anju.reports.figures import previous_month
from anju.reports.models import MonthlyReport


def _month(raw: str | None) -> dt.date | None:
    try:
        return dt.datetime.strptime((raw or "").strip(), "%Y-%m").date()
    except ValueError:
        return None


def submission_board(user, month: dt.date) -> list[dict]:
    """The areas one level below the user's area and whether each has submitted ``month``'s report."""
    base = user.area
    if base is None or base.level >= AreaLevel.VILLAGE:
        return []
    children = scoped(user, Area).filter(parent=base).order_by("path")
    reports = {r.area_id: r for r in MonthlyReport.objects.filter(area__in=children, month=month)}
    due = actions.due_date(month)
    today = timezone.localdate()
    rows = []
    for area in children:
        report = reports.get(area.pk)
        submitted = report is not None and report.submitted_at is not None
        rows.append(
            {
                "area": area,
                "report": report,
                "submitted": submitted,
                "late": submitted and report.submitted_late,
                "missing_after_due": not submitted and today > due,
            }
        )
    return rows


@login_required
def index(request):
    request.user.require("report.monthly")
    month = _month(request.GET.get("month")) or previous_month(timezone.localdate())
    return render(
        request,
        "reports/index.html",
        {
            "month": month,
            "due": actions.due_date(month),
            "areas": scoped(request.user, Area).filter(level__lte=AreaLevel.VILLAGE),
            "reports": scoped(request.user, MonthlyReport).select_related("area")[:50],
            "board": submission_board(request.user, month),
        },
    )


@login_required
@require_POST
def generate(request):
    month = _month(request.POST.get("month"))
    area = scoped(request.user, Area).filter(pk=id_param(request.POST.get("area")) or 0).first()
    try:
        if month is None:
            raise ValidationError({"month": _("请选择月份。")})
        report = actions.generate_report(request.user, area=area, month=month)
    except NotAllowed as exc:  # the action's guard: the 403 page
        raise PermissionDenied(" ".join(exc.messages)) from None
    except ValidationError as exc:  # WorkflowError included: regenerating a submitted report is refused
        for error in exc.messages:
            messages.error(request, error)
        return redirect("reports:index")
    return redirect("reports:detail", report.pk)


@login_required
def detail(request, pk: int):
    request.user.require("report.monthly")
    report = get_scoped_or_404(
        request.user, MonthlyReport.objects.select_related("area", "submitted_by"), pk=pk
    )
    return render(
        request,
        "reports/detail.html",
        {"report": report, "f": report.figures, "title": document.title(report)},
    )


@login_required
def download(request, pk: int, fmt: str):
    request.user.require("report.monthly")
    report = get_scoped_or_404(request.user, MonthlyReport.objects.select_related("area"), pk=pk)
    if fmt not in document.CONTENT_TYPES:
        raise Http404
    body, _content_type = document.download(report, fmt)
    return document_response(body, document.title(report), fmt, fallback=document.ascii_name(report))


@login_required
@require_POST
def submit(request, pk: int):
    report = get_scoped_or_404(request.user, MonthlyReport, pk=pk)
    try:
        actions.submit_report(request.user, report, version=request.POST.get("version"))
        messages.success(request, _("已报送上级。"))
    except NotAllowed as exc:  # the action's guard: the 403 page
        raise PermissionDenied(" ".join(exc.messages)) from None
    except ValidationError as exc:  # WorkflowError and Conflict included
        messages.error(request, " ".join(exc.messages))
    return redirect("reports:detail", report.pk)
