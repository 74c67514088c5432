"""Monthly report pages: generate for an area (or a department unit) and month, read, write the free-text
sections, download (.docx/.xlsx/PDF), submit."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anju.core import jobs
from anju.core.documents import document_response
from anju.core.errors import NotAllowed, WorkflowError
from anju.core.forms import add_action_errors
from anju.core.models import Area, AreaLevel, JobKind, Unit, UnitKind
from anju.core.params import id_param
from anju.core.permissions import may
from anju.core.roles import UNIT_SCOPED_ROLES
from anju.core.scoping import get_scoped_or_404, scoped
from anju.reports import actions, care_section, document, export_data
from anju.reports.figures import previous_month
from anju.reports.forms import SectionsForm
from anju.reports.models import MonthlyReport
from anju.reports.queries import visible_reports
from anju.reports.tasks import generate_reports_below


def _month(raw: str | None) -> dt.date | None:
    try:
        return dt.datetime.strptime((raw or "").strip(), "%Y-%m").date()
    except ValueError:
        return None


def _reporting_units(user):
    """The department units whose own reports come to the user's area (its 镇直单位 or 县直单位)."""
    if not actions.units_report() or user.area_id is None:
        return Unit.objects.none()
    return scoped(user, Unit).filter(area=user.area, kind=UnitKind.DEPARTMENT).order_by("name")


def submission_board(user, month: dt.date) -> list[dict]:
    """The areas one level below the user's area, and the department units of the user's area, and whether
    each has submitted ``month``'s report."""
    base = user.area
    if base is None or base.level >= AreaLevel.VILLAGE or user.role in UNIT_SCOPED_ROLES:
        return []
    children = scoped(user, Area).filter(parent=base).order_by("path")
    units = list(_reporting_units(user))
    reports = {
        r.area_id: r for r in MonthlyReport.objects.filter(area__in=children, month=month, unit__isnull=True)
    }
    by_unit = {r.unit_id: r for r in MonthlyReport.objects.filter(unit__in=units, month=month)}
    due = actions.due_date(month)
    today = timezone.localdate()
    rows = []
    for name, report in [(a.name, reports.get(a.pk)) for a in children] + [
        (u.name, by_unit.get(u.pk)) for u in units
    ]:
        submitted = report is not None and report.submitted_at is not None
        rows.append(
            {
                "name": name,
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
    user = request.user
    month = _month(request.GET.get("month")) or previous_month(timezone.localdate())
    unit_scoped = user.role in UNIT_SCOPED_ROLES
    return render(
        request,
        "reports/index.html",
        {
            "month": month,
            "due": actions.due_date(month),
            "areas": [] if unit_scoped else scoped(user, Area).filter(level__lte=AreaLevel.VILLAGE),
            "units": (
                []
                if unit_scoped or not actions.units_report()
                else scoped(user, Unit).filter(kind=UnitKind.DEPARTMENT).select_related("area")
            ),
            "own_unit": user.unit if unit_scoped and actions.units_report() else None,
            "reports": visible_reports(user).select_related("area", "unit")[:50],
            "board": submission_board(user, month),
            "can_generate_below": not unit_scoped and user.area is not None and user.area.children.exists(),
            "reports_job": jobs.latest_job(user, JobKind.MONTHLY_REPORTS),
        },
    )


@login_required
@require_POST
def generate(request):
    month = _month(request.POST.get("month"))
    unit = None
    if request.POST.get("unit"):
        unit = get_scoped_or_404(request.user, Unit, pk=id_param(request.POST.get("unit")) or 0)
    area = scoped(request.user, Area).filter(pk=id_param(request.POST.get("area")) or 0).first()
    try:
        if month is None:
            raise ValidationError({"month": _("请选择月份。")})
        report = actions.generate_report(request.user, area=area, unit=unit, month=month)
    except NotAllowed as exc:  # the action's guard: the 403 page
        raise PermissionDenied(" ".join(exc.messages)) from None
    except ValidationError as exc:  # WorkflowError included: regenerating a submitted report is refused
        for error in exc.messages:
            messages.error(request, error)
        return redirect("reports:index")
    return redirect("reports:detail", report.pk)


@login_required
@require_POST
def generate_all(request):
    """Queue this month's reports of every area directly below the user's own for ``anju worker``
    (core/jobs.py); the page answers at once with the progress bar."""
    request.user.require("report.monthly")
    month = _month(request.POST.get("month"))
    if month is None:
        messages.error(request, _("请选择月份。"))
        return redirect("reports:index")
    if month > timezone.localdate().replace(day=1):
        messages.error(request, _("不能生成未来月份的报表。"))
        return redirect("reports:index")
    jobs.start(
        generate_reports_below, user=request.user, kind=JobKind.MONTHLY_REPORTS, month=month.isoformat()
    )
    messages.info(request, _("下级月报正在后台生成，进度见下方。"))
    return redirect(reverse("reports:index") + f"?month={month:%Y-%m}")


@login_required
def detail(request, pk: int):
    request.user.require("report.monthly")
    report = _report_or_404(request.user, pk)
    return _detail(request, report, SectionsForm(initial=_sections_of(report)))


def _report_or_404(user, pk) -> MonthlyReport:
    return get_scoped_or_404(
        user,
        visible_reports(user, MonthlyReport.objects.select_related("area", "unit", "submitted_by")),
        pk=pk,
    )


def _sections_of(report) -> dict:
    return {"special_actions": report.special_actions, "survey_work": report.survey_work}


def _detail(request, report, form, status=200):
    return render(
        request,
        "reports/detail.html",
        {
            "report": report,
            "f": report.figures,
            "title": document.title(report),
            "form": form,
            "can_write": not report.submitted_at and may(request.user, "report.monthly"),
            "referral_rows": care_section.referral_rows(report.figures),
            "follow_up_line": care_section.follow_up_line(report.figures),
        },
        status=status,
    )


@login_required
@require_POST
def sections(request, pk: int):
    """Save the free-text sections (专项行动开展情况, 摸排调研工作情况) of an unsubmitted report."""
    report = _report_or_404(request.user, pk)
    form = SectionsForm(request.POST)
    if form.is_valid():
        try:
            actions.write_sections(
                request.user, report, **form.cleaned_data, version=request.POST.get("version")
            )
        except NotAllowed as exc:
            raise PermissionDenied(" ".join(exc.messages)) from None
        except ValidationError as exc:  # WorkflowError and Conflict included
            add_action_errors(form, exc)
            return _detail(request, report, form, status=409 if isinstance(exc, WorkflowError) else 400)
        messages.success(request, _("已保存。"))
        return redirect("reports:detail", report.pk)
    return _detail(request, report, form, status=400)


@login_required
def download(request, pk: int, fmt: str):
    request.user.require("report.monthly")
    report = _report_or_404(request.user, pk)
    if fmt not in document.CONTENT_TYPES:
        raise Http404
    body, _content_type = document.download(report, fmt)
    return document_response(body, document.title(report), fmt, fallback=document.ascii_name(report))


@login_required
def export_json(request, pk: int):
    """The report's figures for other systems (schema ``anju.report/1``, docs/exports.md)."""
    request.user.require("report.monthly")
    report = _report_or_404(request.user, pk)
    response = JsonResponse(export_data.report_data(report), json_dumps_params={"ensure_ascii": False})
    response["Content-Disposition"] = f'attachment; filename="{document.ascii_name(report)}.json"'
    response["X-Anju-Schema"] = export_data.SCHEMA
    return response


@login_required
@require_POST
def submit(request, pk: int):
    report = _report_or_404(request.user, pk)
    try:
        actions.submit_report(request.user, report, version=request.POST.get("version"))
        messages.success(request, _("已报送上级。"))
    except NotAllowed as exc:  # the action's guard: the 403 page
        raise PermissionDenied(" ".join(exc.messages)) from None
    except ValidationError as exc:  # WorkflowError and Conflict included
        messages.error(request, " ".join(exc.messages))
    return redirect("reports:detail", report.pk)
