"""Triage pages: the classifier's state and its retraining.

The pages built on intake's reports (the typing panel's suggestions, hotspots) belong to intake; their old
addresses here redirect there."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anju import text as textlib
from anju.core import jobs
from anju.core.models import JobKind
from anju.triage.models import ClassifierModel, Correction
from anju.triage.tasks import retrain_classifier


@login_required
def model_status(request):
    request.user.require("triage.train")
    return render(
        request,
        "triage/model.html",
        {
            "models": ClassifierModel.objects.all()[:20],
            "corrections": Correction.objects.select_related("by")[:50],
            "min_labelled": textlib.MIN_LABELLED,
            "train_job": jobs.latest_job(request.user, JobKind.TRIAGE_RETRAIN),
        },
    )


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
