"""Pages of co-handling (协办), coordination requests (协调请求) and 问责. Thin: find the object in scope (404
outside), validate the form, call one action of ``matters.actions.coordination``, show its errors."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from anju.core.errors import Conflict, NotAllowed, WorkflowError, http_status
from anju.core.forms import add_action_errors
from anju.core.permissions import may
from anju.core.scoping import get_scoped_or_404, scoped
from anju.matters import actions
from anju.matters.coordination import received_requests, sent_requests, unit_tasks, waiting_for
from anju.matters.forms_coordination import (
    AccountabilityDecisionForm,
    AccountabilityForm,
    AnswerForm,
    CoHandlerForm,
    CompleteTaskForm,
    CoordinationRequestForm,
    WithdrawTaskForm,
)
from anju.matters.models import Matter
from anju.matters.models_coordination import (
    AccountabilityRecord,
    CoHandlingTask,
    CoordinationRequest,
    DutyFailure,
    RequestState,
    TaskState,
)
from anju.matters.panels_coordination import may_answer_for
from anju.matters.views import _attach_errors, _detail_context, _matter_or_404, _safe_next

BOXES = ("received", "sent", "tasks")


def _submit(request, form, call, success: str):
    """Run the action when the form is valid. Returns None when done (success said), else the HTTP status
    to show the form again with (400: fix the input, 409: the page was stale); a refusal or a step the state
    no longer allows is said as a message and answers "done" (the caller redirects)."""
    if not form.is_valid():
        return 400
    try:
        call(form.cleaned_data)
    except Conflict as exc:
        form.add_error(None, exc.messages)
        messages.error(request, " ".join(exc.messages))
        return http_status(exc)
    except (NotAllowed, WorkflowError) as exc:
        messages.error(request, " ".join(exc.messages))
        return None
    except ValidationError as exc:
        _attach_errors(form, exc, {})
        return 400
    messages.success(request, success)
    return None


def _matter_form(request, pk, key, permission, make_form, call, success):
    matter = _matter_or_404(request.user, pk)
    request.user.require(permission)  # a role without it: 403 (the action checks scope and unit again)
    back = reverse("matters:detail", args=[matter.pk])
    form = make_form(matter)
    status = _submit(request, form, lambda c: call(matter, c), success)
    if status is None:
        return redirect(back)
    matter = _matter_or_404(request.user, pk)
    if status == 400:
        messages.error(request, _("提交未成功，请按提示修改。"))
    return render(
        request, "matters/detail.html", _detail_context(request, matter, (key, form)), status=status
    )


@login_required
@require_POST
def add_cohandler(request, pk: int):
    return _matter_form(
        request,
        pk,
        "cohandle",
        "matter.cohandle",
        lambda m: CoHandlerForm(request.POST, user=request.user, matter=m, prefix="cohandle"),
        lambda m, c: actions.add_cohandler(
            request.user, m, unit=c["unit"], task=c["task"], deadline=c["deadline"], version=c["version"]
        ),
        _("已添加协办单位，并已通知该单位。"),
    )


@login_required
@require_POST
def request_coordination(request, pk: int):
    return _matter_form(
        request,
        pk,
        "coordinate",
        "coordination.request",
        lambda m: CoordinationRequestForm(request.POST, user=request.user, matter=m, prefix="coordinate"),
        lambda m, c: actions.request_coordination(
            request.user, m, to_unit=c["to_unit"], asked=c["asked"], due=c["due"], version=c["version"]
        ),
        _("协调请求已发出，并已通知被请求单位。"),
    )


@login_required
@require_POST
def record_accountability(request, pk: int):
    return _matter_form(
        request,
        pk,
        "accountability",
        "accountability.record",
        lambda m: AccountabilityForm(request.POST, user=request.user, matter=m, prefix="accountability"),
        lambda m, c: actions.record_accountability(
            request.user,
            m,
            unit=c["unit"],
            role=c["role"],
            failure=c["failure"],
            finding=c["finding"],
            decision=c["decision"],
            decided_on=c["decided_on"],
            version=c["version"],
        ),
        _("问责记录已保存。"),
    )


def _task_step(request, pk, permission, form_class, call, success):
    task = get_scoped_or_404(request.user, CoHandlingTask.objects.select_related("matter", "unit"), pk=pk)
    request.user.require(permission)
    fallback = reverse("matters:coordination") + "?box=tasks"
    if scoped(request.user, Matter).filter(pk=task.matter_id).exists():
        fallback = reverse("matters:detail", args=[task.matter_id])
    back = _safe_next(request, fallback)
    form = form_class(request.POST, prefix=f"task{task.pk}")
    status = _submit(request, form, lambda c: call(task, c), success)
    if status is None:
        return redirect(back)
    if status == 400:
        messages.error(request, _inline_errors(form))
    return redirect(back)


def _inline_errors(form) -> str:
    parts = []
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        label = f"{field.label}：" if field is not None else ""
        parts.append(label + "；".join(str(e) for e in errors))
    return _("提交未成功：%(errors)s") % {"errors": "；".join(parts)}


@login_required
@require_POST
def complete_task(request, pk: int):
    return _task_step(
        request,
        pk,
        "cohandling.complete",
        CompleteTaskForm,
        lambda t, c: actions.complete_cohandling(request.user, t, note=c["note"], version=c["version"]),
        _("协办任务已完成，并已通知责任单位。"),
    )


@login_required
@require_POST
def withdraw_task(request, pk: int):
    return _task_step(
        request,
        pk,
        "matter.cohandle",
        WithdrawTaskForm,
        lambda t, c: actions.withdraw_cohandling(request.user, t, reason=c["reason"], version=c["version"]),
        _("协办任务已撤回。"),
    )


@login_required
@require_GET
def coordination(request):
    """协调请求 received and sent by the user's unit, and its co-handling tasks, with counts."""
    request.user.require("matter.view")
    user = request.user
    box = request.GET.get("box") if request.GET.get("box") in BOXES else "received"
    lists = {
        "received": received_requests(user).select_related("matter", "from_unit", "to_unit"),
        "sent": sent_requests(user).select_related("matter", "from_unit", "to_unit"),
        "tasks": unit_tasks(user).select_related("matter", "unit").order_by("state", "deadline", "id"),
    }
    waiting = waiting_for(user)
    counts = {
        "received": lists["received"].count(),
        "received_pending": waiting["requests"],
        "sent": lists["sent"].count(),
        "sent_pending": lists["sent"].filter(state=RequestState.PENDING).count(),
        "tasks": lists["tasks"].count(),
        "open_tasks": waiting["tasks"],
        "overdue_tasks": waiting["overdue_tasks"],
    }
    shown = lists[box]
    # ?waiting=on (the 工作台's cards): only what still waits — pending requests, open tasks
    waiting_only = request.GET.get("waiting") == "on"
    if waiting_only:
        shown = shown.filter(state=TaskState.OPEN if box == "tasks" else RequestState.PENDING)
    page = Paginator(shown, settings.ANJU_PAGE_SIZE).get_page(request.GET.get("page"))
    if box == "tasks":
        for task in page:
            task.complete_form = (
                CompleteTaskForm(prefix=f"task{task.pk}", initial={"version": task.version})
                if task.state == "open"
                and may_answer_for(user, task.unit_id)
                and user.can("cohandling.complete")
                else None
            )
    return render(
        request,
        "matters/coordination.html",
        {
            "box": box,
            "page": page,
            "counts": counts,
            "has_unit": user.unit_id is not None,
            "waiting_only": waiting_only,
        },
    )


def _request_page(request, item, form=None, status=200):
    user = request.user
    can_answer = (
        item.state == RequestState.PENDING
        and user.can("coordination.answer")
        and may_answer_for(user, item.to_unit_id)
    )
    if can_answer and form is None:
        form = AnswerForm(initial={"version": item.version})
    return render(
        request,
        "matters/coordination_detail.html",
        {
            "item": item,
            "matter": item.matter,
            "form": form if can_answer else None,
            "matter_visible": scoped(user, Matter).filter(pk=item.matter_id).exists(),
        },
        status=status,
    )


def _request_or_404(user, pk):
    qs = CoordinationRequest.objects.select_related(
        "matter__area", "matter__domain", "from_unit", "to_unit", "task", "decided_by", "created_by"
    )
    return get_scoped_or_404(user, qs, pk=pk)


@login_required
@require_GET
def coordination_detail(request, pk: int):
    request.user.require("matter.view")
    return _request_page(request, _request_or_404(request.user, pk))


@login_required
@require_POST
def answer(request, pk: int):
    item = _request_or_404(request.user, pk)
    request.user.require("coordination.answer")
    form = AnswerForm(request.POST)
    status = _submit(
        request,
        form,
        lambda c: actions.answer_request(
            request.user, item, accept=c["decision"] == "accept", reply=c["reply"], version=c["version"]
        ),
        _("已答复协调请求。"),
    )
    if status is None:
        return redirect("matters:coordination_detail", pk=item.pk)
    item = _request_or_404(request.user, pk)
    return _request_page(request, item, form, status)


@login_required
@require_GET
def accountability(request):
    """问责 records of the user's scope, pending ones (待认定) first, then newest decision; by failure kind."""
    request.user.require("accountability.view")
    return _accountability_page(request)


def _accountability_page(request, bound=None, status=200):
    records = scoped(request.user, AccountabilityRecord).select_related("matter", "unit", "area")
    failure = request.GET.get("failure", "")
    if failure:
        records = records.filter(failure=failure)
    page = Paginator(records, settings.ANJU_PAGE_SIZE).get_page(request.GET.get("page"))
    if may(request.user, "accountability.record"):
        for record in page:
            if record.pending:
                record.decide_form = (
                    bound
                    if bound is not None and bound.record_pk == record.pk
                    else AccountabilityDecisionForm(record=record)
                )
    return render(
        request,
        "matters/accountability.html",
        {"page": page, "failure": failure, "failures": DutyFailure.choices},
        status=status,
    )


@login_required
@require_POST
def decide_accountability(request, pk: int):
    """The decision on a pending record registered by a job (迟报/漏报 of an incident's reports)."""
    request.user.require("accountability.view")
    record = get_scoped_or_404(request.user, AccountabilityRecord, pk=pk)
    form = AccountabilityDecisionForm(request.POST, record=record)
    form.record_pk = record.pk
    if form.is_valid():
        try:
            actions.decide_accountability(request.user, record, **form.cleaned_data)
        except ValidationError as exc:
            add_action_errors(form, exc)
            status = http_status(exc)
            return _accountability_page(request, form, 400 if status == 422 else status)
        messages.success(request, _("问责决定已保存。"))
        return redirect("matters:accountability")
    return _accountability_page(request, form, 400)
