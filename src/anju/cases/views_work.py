"""The forms of the case page (matters, lead, tasks, 涉众型 records), the confirmation pages for removing a
matter and closing, a case task's own page, and the one-click buttons of a hotspot cluster."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anju.cases import actions
from anju.cases.actions.clusters import alert_prefill
from anju.cases.forms import (
    AddMattersForm,
    CloseForm,
    FiguresForm,
    LeadForm,
    ProgressForm,
    ReasonForm,
    SessionForm,
    TaskDoneForm,
    TaskForm,
)
from anju.cases.models import CaseTask
from anju.cases.views import case_in_scope, detail_page
from anju.core.errors import WorkflowError, http_status
from anju.core.forms import add_action_errors
from anju.core.params import id_param
from anju.core.permissions import may, require
from anju.core.scoping import get_scoped_or_404, scoped
from anju.matters.models import Matter


def _status(exc: ValidationError) -> int:
    return http_status(exc) if isinstance(exc, WorkflowError) else 400


def _case_form(request, pk, name, form, call, success):
    """Validate ``form``, call the action; on errors the case page again with this form bound."""
    case = case_in_scope(request, pk)
    status = 400
    if form.is_valid():
        try:
            call(case, form.cleaned_data, request.POST.get("version"))
        except ValidationError as exc:
            add_action_errors(form, exc)
            status = _status(exc)
        else:
            messages.success(request, success)
            return redirect("cases:detail", case.pk)
    return detail_page(request, case, bound={name: form}, status=status)


@login_required
@require_POST
def case_lead(request, pk: int):
    return _case_form(
        request,
        pk,
        "lead_form",
        LeadForm(request.POST),
        lambda case, data, version: actions.set_lead(request.user, case, version=version, **data),
        _("牵头单位和包案领导已保存。"),
    )


@login_required
@require_POST
def case_add_matters(request, pk: int):
    return _case_form(
        request,
        pk,
        "add_form",
        AddMattersForm(request.user, request.POST),
        lambda case, data, version: actions.add_matters_to_case(
            request.user, case, data["matters"], reason=data["reason"], version=version
        ),
        _("事项已纳入专案。"),
    )


@login_required
@require_POST
def case_add_task(request, pk: int):
    return _case_form(
        request,
        pk,
        "task_form",
        TaskForm(request.POST),
        lambda case, data, version: actions.add_task(request.user, case, version=version, **data),
        _("任务已下达。"),
    )


@login_required
@require_POST
def case_figures(request, pk: int):
    return _case_form(
        request,
        pk,
        "figures_form",
        FiguresForm(request.POST),
        lambda case, data, version: actions.record_fraud_figures(request.user, case, version=version, **data),
        _("涉案数据已登记。"),
    )


@login_required
@require_POST
def case_progress(request, pk: int):
    return _case_form(
        request,
        pk,
        "progress_form",
        ProgressForm(request.POST),
        lambda case, data, version: actions.record_fraud_progress(
            request.user, case, version=version, **data
        ),
        _("工作进展已登记。"),
    )


@login_required
@require_POST
def case_session(request, pk: int):
    return _case_form(
        request,
        pk,
        "session_form",
        SessionForm(request.POST),
        lambda case, data, version: actions.record_education_session(
            request.user, case, version=version, **data
        ),
        _("教育疏导已登记。"),
    )


def _confirm(request, case, *, form, title, question, button, call, success, matter=None):
    """A destructive step: GET asks (with the reason field), POST does it."""
    if not may(request.user, "cases.manage"):
        raise PermissionDenied
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                call(form.cleaned_data, request.POST.get("version"))
            except ValidationError as exc:
                add_action_errors(form, exc, field_for=lambda key: key)
                status = _status(exc)
            else:
                messages.success(request, success)
                return redirect("cases:detail", case.pk)
        else:
            status = 400
    return render(
        request,
        "cases/confirm.html",
        {
            "case": case,
            "form": form,
            "title": title,
            "question": question,
            "button": button,
            "matter": matter,
        },
        status=status,
    )


@login_required
def case_remove_matter(request, pk: int, matter_pk: int):
    case = case_in_scope(request, pk)
    membership = case.memberships.select_related("matter").filter(matter_id=matter_pk).first()
    if membership is None:
        raise Http404
    matter = membership.matter
    return _confirm(
        request,
        case,
        form=ReasonForm(request.POST or None),
        title=_("移出事项"),
        question=_("确定把事项 %(n)s 移出专案 %(c)s？事项本身不受影响，双方的记录里都会写明理由。")
        % {"n": matter.number, "c": case.code},
        button=_("确认移出"),
        call=lambda data, version: actions.remove_matter_from_case(
            request.user, case, matter, reason=data["reason"], version=version
        ),
        success=_("事项已移出专案。"),
        matter=matter,
    )


@login_required
def case_close(request, pk: int):
    case = case_in_scope(request, pk)
    open_tasks = case.tasks.filter(status="open").count()
    question = _("确定结案？结案后不能再纳入事项、下达任务或登记数据，除非重新办理。")
    if open_tasks:
        question += " " + _("还有 %(n)s 项任务未完成。") % {"n": open_tasks}
    return _confirm(
        request,
        case,
        form=CloseForm(request.POST or None),
        title=_("结案"),
        question=question,
        button=_("确认结案"),
        call=lambda data, version: actions.close_case(request.user, case, note=data["note"], version=version),
        success=_("专案已结案。"),
    )


@login_required
def case_reopen(request, pk: int):
    case = case_in_scope(request, pk)
    return _confirm(
        request,
        case,
        form=ReasonForm(request.POST or None),
        title=_("重新办理"),
        question=_("专案 %(c)s 已结案。重新办理的理由会写入专案记录。") % {"c": case.code},
        button=_("重新办理"),
        call=lambda data, version: actions.reopen_case(
            request.user, case, reason=data["reason"], version=version
        ),
        success=_("专案已重新办理。"),
    )


@login_required
@require_POST
def case_meeting(request, pk: int):
    """专题研判 of a case: its matters (those the user sees) as the agenda."""
    case = case_in_scope(request, pk)
    matters = list(
        scoped(request.user, Matter).filter(case_memberships__case=case).select_related("area").order_by("pk")
    )
    try:
        meeting = actions.open_cluster_meeting(request.user, matters, title=case.title, case=case)
    except ValidationError as exc:
        for error in exc.messages:
            messages.error(request, error)
        return redirect("cases:detail", case.pk)
    messages.success(request, _("已发起专题研判，议题为本专案的事项。"))
    return redirect("warning:meeting", meeting.pk)


def _task_for(user, pk: int) -> CaseTask:
    """A task is seen by its owner person, its owner unit (addressed to it) and the case's area."""
    require(user, "cases.view")
    task = CaseTask.objects.select_related("case", "owner_unit", "owner_user").filter(pk=pk).first()
    if task is None:
        raise Http404
    if task.owner_user_id != user.pk:
        task = get_scoped_or_404(
            user, CaseTask.objects.select_related("case", "owner_unit", "owner_user"), pk=pk
        )
    return task


@login_required
def task_detail(request, pk: int):
    task = _task_for(request.user, pk)
    status = 200
    form = TaskDoneForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                actions.complete_task(
                    request.user, task, note=form.cleaned_data["note"], version=request.POST.get("version")
                )
            except ValidationError as exc:
                add_action_errors(form, exc)
                status = _status(exc)
            else:
                messages.success(request, _("任务已完成。"))
                return redirect("cases:task", task.pk)
        else:
            status = 400
    case_visible = scoped(request.user, type(task.case)).filter(pk=task.case_id).exists()
    return render(
        request,
        "cases/task_detail.html",
        {
            "task": task,
            "form": form,
            "case_visible": case_visible,
            "can_complete": may(request.user, "cases.task") and task.status == "open",
        },
        status=status,
    )


def _back(request) -> str:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False):
        return target
    return reverse("intake:hotspots")


@login_required
@require_POST
def from_cluster(request):
    """The buttons of a hotspot cluster and of duplicate suggestions: 建立专案, 专题研判, 起草预警."""
    ids = [i for i in (id_param(v) for v in request.POST.getlist("matter")) if i is not None]
    matters = list(
        scoped(request.user, Matter).filter(pk__in=ids).select_related("area", "domain").order_by("pk")
    )
    title = request.POST.get("title", "")
    what = request.POST.get("do", "")
    if not matters:
        messages.error(request, _("该热点没有您可办理的事项（诉求尚未登记为事项）。"))
        return redirect(_back(request))
    try:
        if what == "case":
            case = actions.open_case_from_cluster(request.user, matters, title=title)
            messages.success(request, _("已建立专案，纳入 %(n)s 件事项。") % {"n": len(matters)})
            return redirect("cases:detail", case.pk)
        if what == "meeting":
            meeting = actions.open_cluster_meeting(request.user, matters, title=title)
            messages.success(request, _("已发起专题研判，议题为该热点的事项。"))
            return redirect("warning:meeting", meeting.pk)
        if what == "alert":
            require(request.user, "alert.manage")
            prefill = alert_prefill(matters, title=title, today=timezone.localdate())
            return redirect(reverse("warning:alert_new") + "?" + urlencode(prefill))
    except ValidationError as exc:
        for error in exc.messages:
            messages.error(request, error)
        return redirect(_back(request))
    raise Http404
