"""Pages of 舆情应对 (under /cases/opinion/): the list, registering an item, and a response's page with the
form of its current step. Thin: find the response in scope (404 outside), validate, call one action."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from anju.cases import actions
from anju.cases import forms_opinion as f
from anju.cases.actions.opinion import APPROVE_PERMISSION, PERMISSION
from anju.cases.models import OpinionResponse, OpinionStage
from anju.core.errors import Conflict, NotAllowed, WorkflowError, http_status
from anju.core.permissions import may
from anju.core.scoping import get_scoped_or_404, scoped


@dataclass(frozen=True)
class Step:
    key: str
    label: str
    stage: str  # the stage the response must be in
    permission: str
    form_class: type
    run: Callable  # (actor, response, cleaned_data) -> object
    success: str


STEPS = [
    Step(
        "verify",
        gettext_lazy("核实"),
        OpinionStage.VERIFY,
        PERMISSION,
        f.VerifyForm,
        lambda u, r, c: actions.record_verification(
            u, r, result=c["result"], note=c["note"], version=c["version"]
        ),
        gettext_lazy("已记录核实结论。"),
    ),
    Step(
        "wording",
        gettext_lazy("拟定口径"),
        OpinionStage.WORDING,
        PERMISSION,
        f.WordingForm,
        lambda u, r, c: actions.draft_wording(u, r, wording=c["wording"], version=c["version"]),
        gettext_lazy("已保存口径草稿。"),
    ),
    Step(
        "approve",
        gettext_lazy("审定口径"),
        OpinionStage.WORDING,
        APPROVE_PERMISSION,
        f.ApproveWordingForm,
        lambda u, r, c: actions.approve_wording(u, r, wording=c["wording"], version=c["version"]),
        gettext_lazy("口径已审定。"),
    ),
    Step(
        "respond",
        gettext_lazy("发布回应"),
        OpinionStage.RESPOND,
        PERMISSION,
        f.RespondForm,
        lambda u, r, c: actions.record_response(
            u, r, channel=c["channel"], published_at=c["published_at"], text=c["text"], version=c["version"]
        ),
        gettext_lazy("已记录回应发布情况。"),
    ),
    Step(
        "track",
        gettext_lazy("记录跟踪"),
        OpinionStage.TRACK,
        PERMISSION,
        f.TrackingForm,
        lambda u, r, c: actions.add_tracking(
            u,
            r,
            on_date=c["on_date"],
            posts=c["posts"],
            views=c["views"],
            note=c["note"],
            version=c["version"],
        ),
        gettext_lazy("已记录跟踪情况。"),
    ),
    Step(
        "close",
        gettext_lazy("结束"),
        OpinionStage.TRACK,
        PERMISSION,
        f.CloseForm,
        lambda u, r, c: actions.close_opinion(u, r, summary=c["summary"], version=c["version"]),
        gettext_lazy("舆情应对已结束。"),
    ),
]
STEP_BY_KEY = {s.key: s for s in STEPS}


def _response_or_404(user, pk) -> OpinionResponse:
    qs = OpinionResponse.objects.select_related(
        "matter", "matter__area", "case", "created_by", "verified_by", "wording_approved_by", "responded_by"
    )
    return get_scoped_or_404(user, qs, pk=pk)


@login_required
@require_GET
def opinion_list(request):
    request.user.require("cases.view")
    responses = scoped(request.user, OpinionResponse).select_related("matter", "case")
    stage = request.GET.get("stage", "")
    if stage in OpinionStage.values:
        responses = responses.filter(stage=stage)
    number = (request.GET.get("matter") or "").strip()
    if number:
        responses = responses.filter(matter__number=number)
    page = Paginator(responses, settings.ANJU_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "cases/opinion_list.html",
        {
            "page": page,
            "stages": OpinionStage.choices,
            "stage": stage if stage in OpinionStage.values else "",
            "matter_number": number,
            "can_open": may(request.user, PERMISSION),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def opinion_new(request):
    request.user.require(PERMISSION)
    initial = {"matter_number": request.GET.get("matter", "")}
    form = f.OpenOpinionForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        try:
            response = actions.open_opinion(
                request.user,
                c["matter"],
                case=c["case"],
                title=c["title"],
                platform=c["platform"],
                reported_by=c["reported_by"],
                seen_at=c["seen_at"],
                source_text=c["source_text"],
            )
        except NotAllowed as exc:
            form.add_error(None, exc.messages)
        except ValidationError as exc:
            _attach(form, exc)
        else:
            messages.success(request, _("已登记舆情应对，请先核实。"))
            return redirect("cases:opinion_detail", pk=response.pk)
    return render(request, "cases/opinion_new.html", {"form": form}, status=400 if form.errors else 200)


def _attach(form, exc: ValidationError) -> None:
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for key, errors in exc.message_dict.items():
        form.add_error(key if key in form.fields else None, errors)


def _forms_for(user, response, bound=None) -> list[dict]:
    """The forms of the steps the response's stage allows and the user's role holds."""
    items = []
    for step in STEPS:
        if step.stage != response.stage or not may(user, step.permission):
            continue
        if bound and bound[0] == step.key:
            form = bound[1]
        else:
            initial = {"version": response.version}
            if step.key in ("wording", "approve"):
                initial["wording"] = response.wording
            if step.key == "respond":
                initial["text"] = response.wording
            form = step.form_class(prefix=step.key, initial=initial)
        items.append({"step": step, "form": form, "open": bool(bound and bound[0] == step.key)})
    return items


def _detail(request, response, bound=None, status=200):
    stages = [
        {
            "value": value,
            "label": label,
            "reached": response.stage_reached(value),
            "current": value == response.stage,
        }
        for value, label in OpinionStage.choices
    ]
    return render(
        request,
        "cases/opinion_detail.html",
        {
            "response": response,
            "stages": stages,
            "tracking": response.tracking.select_related("recorded_by"),
            "step_forms": _forms_for(request.user, response, bound),
        },
        status=status,
    )


@login_required
@require_GET
def opinion_detail(request, pk: int):
    request.user.require("cases.view")
    return _detail(request, _response_or_404(request.user, pk))


@login_required
@require_POST
def opinion_step(request, pk: int, step: str):
    spec = STEP_BY_KEY.get(step)
    if spec is None:
        raise Http404
    response = _response_or_404(request.user, pk)
    request.user.require(spec.permission)
    form = spec.form_class(request.POST, prefix=spec.key)
    status = 400
    if form.is_valid():
        try:
            spec.run(request.user, response, form.cleaned_data)
        except Conflict as exc:
            form.add_error(None, exc.messages)
            status = http_status(exc)
        except (WorkflowError, NotAllowed) as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("cases:opinion_detail", pk=pk)
        except ValidationError as exc:
            _attach(form, exc)
        else:
            messages.success(request, spec.success)
            return redirect("cases:opinion_detail", pk=pk)
    messages.error(request, _("“%(action)s”未提交成功，请按提示修改。") % {"action": spec.label})
    return _detail(request, _response_or_404(request.user, pk), (spec.key, form), status)
