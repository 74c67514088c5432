"""Intake pages built on triage: the suggestion panel beside the report form (htmx partial) and hotspots.

Both read intake's own data (reports, the ledger's matters for duplicates); triage only reads texts.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_POST

from anju import text as textlib
from anju.core.models import Area
from anju.core.params import id_param
from anju.core.permissions import may
from anju.core.scoping import scoped
from anju.intake import duplicates, triaging
from anju.intake.actions import MAX_TEXT_CHARS, MAX_TITLE_CHARS
from anju.intake.models import Report
from anju.text.cluster import cluster_texts

HOTSPOT_DAYS = (7, 30, 90, 365)


@login_required
@require_POST
def suggest(request):
    """The suggestion panel for the report being typed. The text is masked and composed as the saved
    report will be, so submitting it reuses this pass instead of running triage again."""
    title = (request.POST.get("title") or "")[:MAX_TITLE_CHARS]
    text = (request.POST.get("text") or "")[:MAX_TEXT_CHARS]
    typed = triaging.typed_text(title, text)
    suggestions = None
    offered_domains = []
    if text.strip() and triaging.installed():
        from anju.triage import service

        suggestions = service.suggest(request.user, typed)
        # a domain whose probability shows as 0.00 is no suggestion: offer only the others
        offered_domains = [(domain, p) for domain, p in suggestions.domains if round(p, 2) > 0]
    similar = duplicates.similar_matters(
        request.user, typed, exclude=id_param(request.POST.get("exclude_matter"))
    )
    return render(
        request,
        "intake/_suggestions.html",
        {
            "s": suggestions,
            "offered_domains": offered_domains,
            "duplicates": [(c.matter, c.score) for c in similar],
            "text_present": bool(text.strip()),
        },
    )


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
        # area names say where, not what: keep them out of the keyword chips
        place_names=Area.objects.values_list("name", flat=True),
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
                # the cluster's matters, for the buttons that act on them (专案, 专题研判, 预警)
                "matter_ids": sorted({r.matter_id for r in members if r.matter_id}),
            }
        )
    return render(
        request,
        "intake/hotspots.html",
        {
            "clusters": clusters,
            "days": days,
            "day_choices": HOTSPOT_DAYS,
            "n_reports": len(reports),
            # the buttons post to the cases app's page, named by string in the template (intake never
            # imports cases); each is shown to the roles whose action it calls
            "can_open_case": may(request.user, "cases.manage"),
            "can_meet": may(request.user, "analysis.manage"),
            "can_warn": may(request.user, "alert.manage"),
        },
    )
