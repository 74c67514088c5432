"""Pages of cases (专案): the list with its filters, a new case, the case page and its edit form.

Views stay thin: find the case in scope (404 outside), validate the form, call one action, show its
errors next to the fields (the form again, with the refusal's status)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from anju.cases import actions, fraud
from anju.cases.forms import (
    AddMattersForm,
    CaseEditForm,
    CaseFilterForm,
    CaseForm,
    FiguresForm,
    LeadForm,
    ProgressForm,
    SessionForm,
    TaskForm,
)
from anju.cases.models import Case, CaseKind, CaseStatus
from anju.core.errors import WorkflowError, http_status
from anju.core.forms import add_action_errors
from anju.core.permissions import may, require
from anju.core.scoping import get_scoped_or_404, scoped
from anju.matters.models import Matter

PAGE_SIZE = 20


@login_required
def case_list(request):
    require(request.user, "cases.view")
    cases = scoped(request.user, Case).select_related("area", "lead_unit", "lead_leader")
    filters = CaseFilterForm(request.user, request.GET or None)
    cases = filters.apply(cases) if request.GET else cases
    page = Paginator(cases.order_by("-created_at", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "cases/case_list.html",
        {"page": page, "filters": filters, "can_manage": may(request.user, "cases.manage")},
    )


@login_required
def case_new(request):
    if not may(request.user, "cases.manage"):
        raise PermissionDenied
    status = 200
    if request.method == "POST":
        form = CaseForm(request.user, request.POST)
        if form.is_valid():
            try:
                case = actions.open_case(request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_action_errors(form, exc)
                status = http_status(exc) if isinstance(exc, WorkflowError) else 400
            else:
                messages.success(request, _("专案已建立。"))
                return redirect("cases:detail", case.pk)
        else:
            status = 400
    else:
        form = CaseForm(request.user)
    return render(request, "cases/case_form.html", {"form": form, "title": _("新建专案")}, status=status)


def case_in_scope(request, pk: int) -> Case:
    require(request.user, "cases.view")
    return get_scoped_or_404(
        request.user, Case.objects.select_related("area", "lead_unit", "lead_leader", "created_by"), pk=pk
    )


def detail_page(request, case: Case, *, bound: dict | None = None, status: int = 200):
    """The case page; ``bound`` replaces the empty forms with the ones that came back with errors."""
    user = request.user
    manage = may(user, "cases.manage")
    memberships = case.memberships.select_related(
        "matter__area", "matter__domain", "matter__responsible_unit", "added_by"
    )
    # a matter of the case that the user may not open is listed without its link
    visible = set(
        scoped(user, Matter).filter(pk__in=[m.matter_id for m in memberships]).values_list("pk", flat=True)
    )
    forms = {
        "lead_form": LeadForm(initial={"lead_unit": case.lead_unit_id, "lead_leader": case.lead_leader_id}),
        "add_form": AddMattersForm(user),
        "task_form": TaskForm(),
        "figures_form": FiguresForm(),
        "progress_form": ProgressForm(),
        "session_form": SessionForm(),
    } | (bound or {})
    context = {
        "case": case,
        "memberships": memberships,
        "visible_matters": visible,
        "events": case.events.select_related("actor"),
        "tasks": case.tasks.select_related("owner_unit", "owner_user", "done_by"),
        "can_manage": manage and case.status == CaseStatus.OPEN,
        "can_reopen": manage and case.status == CaseStatus.CLOSED,
        "can_meet": may(user, "analysis.manage") and bool(memberships),
        "can_warn": may(user, "alert.manage"),
        "is_fraud": case.kind == CaseKind.FRAUD,
        **forms,
    }
    if case.kind == CaseKind.FRAUD:
        figures = list(case.fraud_figures.all())
        context |= {
            "figures": figures,
            "latest": fraud.latest(figures),
            "chart": fraud.chart(figures),
            "control_notes": case.fraud_progress.filter(track="control"),
            "restitution_notes": case.fraud_progress.filter(track="restitution"),
            "sessions": case.education_sessions.all(),
        }
    return render(request, "cases/case_detail.html", context, status=status)


@login_required
def case_detail(request, pk: int):
    return detail_page(request, case_in_scope(request, pk))


@login_required
def case_edit(request, pk: int):
    case = case_in_scope(request, pk)
    if not may(request.user, "cases.manage"):
        raise PermissionDenied
    status = 200
    if request.method == "POST":
        form = CaseEditForm(request.POST)
        if form.is_valid():
            try:
                actions.update_case(
                    request.user, case, version=request.POST.get("version"), **form.cleaned_data
                )
            except ValidationError as exc:
                add_action_errors(form, exc)
                status = http_status(exc) if isinstance(exc, WorkflowError) else 400
            else:
                messages.success(request, _("专案信息已保存。"))
                return redirect("cases:detail", case.pk)
        else:
            status = 400
    else:
        form = CaseEditForm(initial={"title": case.title, "kind": case.kind, "summary": case.summary})
    return render(
        request,
        "cases/case_form.html",
        {"form": form, "title": _("修改专案信息"), "case": case, "version": case.version},
        status=status,
    )
