"""Triage pages: live suggestions for a form (htmx partial), hotspots, the classifier's state."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anju import text as textlib
from anju.core.errors import NotAllowed
from anju.core.params import id_param
from anju.core.scoping import scoped
from anju.intake.models import Report
from anju.text.cluster import cluster_texts
from anju.triage import actions, service
from anju.triage.models import ClassifierModel, Correction

HOTSPOT_DAYS = (7, 30, 90, 365)


@login_required
@require_POST
def suggest(request):
    """The suggestion panel for the text being typed (intake and matter forms)."""
    text = (request.POST.get("text") or "")[:20000]
    exclude = request.POST.get("exclude_matter")
    suggestions = service.suggest(request.user, text, exclude_matter=id_param(exclude))
    return render(request, "triage/_suggestions.html", {"s": suggestions, "text_present": bool(text.strip())})


@login_required
def hotspots(request):
    """热点: reports of the last N days in scope clustered by text similarity, largest and newest first."""
    request.user.require("report.view")
    try:
        days = int(request.GET.get("days", 30))
    except ValueError:
        days = 30
    days = days if days in HOTSPOT_DAYS else 30
    since = timezone.now() - dt.timedelta(days=days)
    reports = list(
        scoped(request.user, Report)
        .filter(received_at__gte=since)
        .select_related("area", "matter")
        .order_by("received_at")[:3000]
    )
    result = cluster_texts(
        [f"{r.title}。{r.text}" for r in reports],
        times=[r.received_at for r in reports],
        window_days=days,
    )
    clusters = []
    for hotspot in result.hotspots[:30]:
        members = [reports[i] for i in hotspot.members]
        clusters.append(
            {
                "hotspot": hotspot,
                "items": [(r, textlib.mask(r.text[:120])) for r in members[:8]],
                "more": max(0, len(members) - 8),
                "areas": sorted({r.area.name for r in members}),
            }
        )
    return render(
        request,
        "triage/hotspots.html",
        {"clusters": clusters, "days": days, "day_choices": HOTSPOT_DAYS, "n_reports": len(reports)},
    )


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
