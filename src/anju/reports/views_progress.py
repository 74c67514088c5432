"""工作进展报送 pages: the list (addressed to me, read/unread), a new report, one report with its 阅知 button
(for the level it was addressed to), and its attachment. Thin: ``actions`` changes state."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anju.core.errors import NotAllowed, http_status
from anju.core.forms import add_action_errors
from anju.core.permissions import may
from anju.core.scoping import get_scoped_or_404, in_scope
from anju.core.uploads import open_stored, upload_response
from anju.reports import actions
from anju.reports.forms import ProgressForm
from anju.reports.models import ProgressReport
from anju.reports.queries import addressed_to, unread_progress, visible_progress

RELATED = ("area", "unit", "to_area", "submitted_by", "read_by")


def _gate(user, permission: str) -> None:
    if not may(user, permission):
        raise PermissionDenied(_("您的角色无权执行此操作。"))


@login_required
def progress_index(request):
    user = request.user
    _gate(user, "progress.view")
    show = request.GET.get("show", "")
    reports = visible_progress(user).select_related(*RELATED)
    if show == "unread":
        reports = addressed_to(user, reports).filter(read_at__isnull=True)
    elif show == "to_me":
        reports = unread_progress(user, reports)
    elif show == "mine":
        reports = reports.filter(submitted_by=user)
    page = Paginator(reports, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "reports/progress_index.html",
        {
            "page": page,
            "show": show,
            "unread": addressed_to(user).filter(read_at__isnull=True).count(),
            "can_submit": may(user, "progress.submit"),
            "can_read": may(user, "progress.read"),
        },
    )


@login_required
def progress_new(request):
    user = request.user
    _gate(user, "progress.submit")
    area, unit, to_area = actions.addressee(user)
    status = 200
    if request.method == "POST":
        form = ProgressForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                report = actions.submit_progress(user, **form.cleaned_data)
            except ValidationError as exc:
                if isinstance(exc, NotAllowed):
                    raise PermissionDenied(" ".join(exc.messages)) from None
                add_action_errors(form, exc)
                status = http_status(exc) if http_status(exc) == 409 else 400
            else:
                messages.success(request, _("工作进展已报送。"))
                return redirect("reports:progress", report.pk)
        else:
            status = 400
    else:
        form = ProgressForm()
    return render(
        request,
        "reports/progress_new.html",
        {"form": form, "reporter": unit or area, "to_area": to_area},
        status=status,
    )


def _progress_or_404(user, pk) -> ProgressReport:
    return get_scoped_or_404(
        user, visible_progress(user, ProgressReport.objects.select_related(*RELATED)), pk=pk
    )


@login_required
def progress_detail(request, pk: int):
    user = request.user
    _gate(user, "progress.view")
    report = _progress_or_404(user, pk)
    can_mark = report.read_at is None and may(user, "progress.read") and in_scope(user, report.to_area)
    return render(request, "reports/progress_detail.html", {"report": report, "can_mark_read": can_mark})


@login_required
@require_POST
def progress_read(request, pk: int):
    """阅知: the level the report was addressed to records that it has read it."""
    report = _progress_or_404(request.user, pk)
    try:
        actions.mark_progress_read(request.user, report)
    except NotAllowed as exc:
        raise PermissionDenied(" ".join(exc.messages)) from None
    messages.success(request, _("已阅知。"))
    return redirect("reports:progress_index")


@login_required
def progress_attachment(request, pk: int):
    user = request.user
    _gate(user, "progress.view")
    report = get_scoped_or_404(user, visible_progress(user), pk=pk)
    if not report.attachment:
        raise Http404
    return upload_response(open_stored(report.attachment), filename=report.attachment.name.rsplit("/", 1)[-1])
