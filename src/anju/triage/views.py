"""Triage pages: the classifier's state and its retraining.

The pages built on intake's reports (the typing panel's suggestions, hotspots) belong to intake; their old
addresses here redirect there."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anju import text as textlib
from anju.core import jobs
from anju.core.errors import WorkflowError, http_status
from anju.core.forms import add_action_errors
from anju.core.models import JobKind
from anju.triage import actions
from anju.triage.forms import TargetPrecisionForm
from anju.triage.models import ClassifierModel, Correction, RoutingSetting
from anju.triage.tasks import retrain_classifier


def _model_page(request, *, target_form=None, status=200):
    setting = RoutingSetting.current()
    active = ClassifierModel.objects.filter(active=True).first()
    return render(
        request,
        "triage/model.html",
        {
            "models": ClassifierModel.objects.all()[:20],
            "corrections": Correction.objects.select_related("by")[:50],
            "min_labelled": textlib.MIN_LABELLED,
            "train_job": jobs.latest_job(request.user, JobKind.TRIAGE_RETRAIN),
            "active": active,
            "routing": (active.routing or None) if active else None,
            "setting": setting,
            "target_form": target_form
            or TargetPrecisionForm(
                initial={"target_precision": setting.target_precision, "version": setting.version}
            ),
        },
        status=status,
    )


@login_required
def model_status(request):
    request.user.require("triage.train")
    return _model_page(request)


@login_required
@require_POST
def target_precision(request):
    """The county's target precision: the active model's threshold is found again at once."""
    request.user.require("triage.train")
    form = TargetPrecisionForm(request.POST)
    if not form.is_valid():
        return _model_page(request, target_form=form, status=400)
    try:
        actions.set_target_precision(
            request.user, form.cleaned_data["target_precision"], version=form.cleaned_data["version"]
        )
    except ValidationError as exc:  # a refusal or a stale page (WorkflowError) included
        add_action_errors(form, exc)
        return _model_page(
            request, target_form=form, status=http_status(exc) if isinstance(exc, WorkflowError) else 400
        )
    messages.success(request, _("目标准确率已保存，分流阈值已按当前模型重新计算。"))
    return redirect("triage:model")


@login_required
@require_POST
def train(request):
    """Queue the retraining for ``anju worker`` (core/jobs.py) and answer at once; the job calls
    ``train_classifier`` with this user as actor, so its guard applies there too."""
    request.user.require("triage.train")  # refused at once, before anything is queued
    jobs.start(retrain_classifier, user=request.user, kind=JobKind.TRIAGE_RETRAIN)
    messages.info(request, _("重新训练已在后台开始，进度见下方。"))
    return redirect("triage:model")


@login_required
def moved_suggest(request):
    """The typing panel moved to intake; 307 keeps the POST and its text (a page open since the move)."""
    response = HttpResponseRedirect(reverse("intake:suggest"))
    response.status_code = 307
    return response
