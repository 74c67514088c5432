"""Pages of the aftermath (善后): the incident's aftermath page, the open rectification tasks, the closing
report (.docx and PDF)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy

from anju.core.documents import document_response
from anju.core.permissions import may
from anju.core.scoping import get_scoped_or_404, scoped
from anju.emergency import actions
from anju.emergency.closing_report import closing_document, title
from anju.emergency.forms_aftermath import (
    InvestigationForm,
    LinkMatterForm,
    PlanRevisionForm,
    ProblemForm,
    RecoveryForm,
    RectificationForm,
    VerifyForm,
)
from anju.emergency.models import (
    EmergencyTask,
    Incident,
    Investigation,
    ResponseStatus,
    TaskSource,
    TaskStatus,
)
from anju.emergency.related import similar_matters
from anju.emergency.views_common import PageForm, handle
from anju.matters.models import Matter


def _page_forms(request, incident, investigation) -> dict[str, PageForm]:
    user = request.user
    initial = (
        {
            "cause_category": investigation.cause_category,
            "findings": investigation.findings,
            "concluded_at": investigation.concluded_at,
        }
        if investigation
        else {"concluded_at": timezone.localdate()}
    )
    forms = {
        "investigation": PageForm(
            lambda data: InvestigationForm(data, initial=initial),
            lambda d, v: actions.record_investigation(user, incident, seen_version=v, **d),
            gettext_lazy("原因调查已登记。"),
        ),
        "problem": PageForm(
            lambda data: ProblemForm(user, data),
            lambda d, v: actions.add_problem_finding(user, incident, **d),
            gettext_lazy("问题查处已登记。"),
        ),
        "task": PageForm(
            lambda data: RectificationForm(user, data),
            lambda d, v: actions.add_aftermath_task(user, incident, **d),
            gettext_lazy("整改任务已下达。"),
        ),
        "link_matter": PageForm(
            lambda data: LinkMatterForm(data),
            lambda d, v: actions.link_matter(
                user, incident, scoped(user, Matter).filter(pk=d["matter"]).first(), note=d["note"]
            ),
            gettext_lazy("已关联该事项。"),
        ),
        "plan_revision": PageForm(
            lambda data: PlanRevisionForm(user, data),
            lambda d, v: actions.mark_plan_for_revision(user, incident, d["plan"], reason=d["reason"]),
            gettext_lazy("预案已列入修订，修订稿已建立。"),
        ),
        "recovery": PageForm(
            lambda data: RecoveryForm(data, initial={"date": timezone.localdate()}),
            lambda d, v: actions.add_recovery(user, incident, **d),
            gettext_lazy("善后恢复记录已登记。"),
        ),
    }
    verifying = request.POST.get("task_id") if request.method == "POST" else None
    if verifying:
        task = get_scoped_or_404(user, EmergencyTask.objects.filter(incident=incident), pk=verifying)
        forms["verify"] = PageForm(
            lambda data: VerifyForm(data),
            lambda d, v: actions.verify_task(user, task, seen_version=v, **d),
            gettext_lazy("整改任务已验收。"),
        )
    return forms


@login_required
def aftermath(request, pk: int):
    """善后 of one incident: investigation, problems, rectification, 举一反三, recovery, the closing report."""
    request.user.require("emergency.view")
    user = request.user
    incident = get_scoped_or_404(user, Incident.objects.select_related("area", "domain", "plan"), pk=pk)
    ended = incident.response_status == ResponseStatus.ENDED
    investigation = Investigation.objects.filter(incident=incident).first()
    can_incident = may(user, "emergency.incident")
    forms, status = {}, 200
    if ended and can_incident:
        response, forms, status = handle(request, _page_forms(request, incident, investigation), request.path)
        if response is not None:
            return response
    elif request.method == "POST":
        status = 409 if can_incident else 403
    tasks = [t for t in incident.tasks.select_related("owner_unit") if t.source == TaskSource.AFTERMATH]
    return render(
        request,
        "emergency/aftermath.html",
        {
            "incident": incident,
            "ended": ended,
            "investigation": investigation,
            "problems": incident.problems.select_related("unit"),
            "tasks": tasks,
            "related": incident.related_matters.select_related("matter__area"),
            "similar": similar_matters(user, incident) if ended and can_incident else [],
            "plan_revisions": incident.plan_revisions.select_related("plan", "version"),
            "recoveries": incident.recoveries.all(),
            "forms": forms,
            "today": timezone.localdate(),
            "can_incident": can_incident,
        },
        status=status,
    )


@login_required
def rectifications(request):
    """Open rectification tasks (整改) in scope: not yet done or not yet verified; overdue ones flagged."""
    request.user.require("emergency.view")
    tasks = (
        scoped(request.user, EmergencyTask)
        .filter(source=TaskSource.AFTERMATH, verified_at__isnull=True)
        .select_related("owner_unit", "incident")
        .order_by("status", "deadline", "pk")
    )
    today = timezone.localdate()
    overdue = request.GET.get("overdue") == "1"
    if overdue:
        tasks = tasks.filter(status=TaskStatus.OPEN, deadline__lt=today)
    page = Paginator(tasks, 30).get_page(request.GET.get("page"))
    return render(
        request, "emergency/rectifications.html", {"page": page, "today": today, "overdue": overdue}
    )


@login_required
def closing_report(request, pk: int, fmt: str):
    request.user.require("emergency.view")
    if fmt not in ("docx", "pdf"):
        raise Http404
    incident = get_scoped_or_404(request.user, Incident.objects.select_related("area", "plan"), pk=pk)
    return document_response(closing_document(incident, fmt), title(incident), fmt, fallback="closing-report")
