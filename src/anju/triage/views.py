"""Triage pages: the classifier's state and its retraining.

The pages built on intake's reports (the typing panel's suggestions, hotspots) belong to intake; their old
addresses here redirect there."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anju import text as textlib
from anju.core.errors import NotAllowed
from anju.triage import actions
from anju.triage.models import ClassifierModel, Correction


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
        },
    )


@login_required
@require_POST
def train(request):
    try:
        record = actions.train_classifier(request.user)
    except NotAllowed as exc:  # the action's own guard; the page has nothing to show to this role
        raise PermissionDenied(" ".join(exc.messages)) from None
    if record.kind == "trained":
        messages.success(
            request,
            _("已用 %(n)s 条已分类事项训练新模型（%(k)s 个领域）。")
            % {"n": record.n_labelled, "k": len(record.labels)},
        )
    else:
        messages.info(
            request, _("已分类事项不足 %(m)s 条，继续使用各领域关键词。") % {"m": textlib.MIN_LABELLED}
        )
    return redirect("triage:model")


@login_required
def moved_suggest(request):
    """The typing panel moved to intake; 307 keeps the POST and its text (a page open since the move)."""
    response = HttpResponseRedirect(reverse("intake:suggest"))
    response.status_code = 307
    return response
