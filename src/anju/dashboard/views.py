"""The home page (工作台: the user's own open and overdue matters, reports waiting) and the leader's overview
(态势: key figures, trends, levels, overdue, warnings and signals, and the map)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from anju.core.scoping import scoped
from anju.dashboard import figures, geo, lead_leaders
from anju.intake.models import Report, ReportStatus
from anju.matters.models import Matter


@login_required
def home(request):
    user = request.user
    matters = scoped(user, Matter)
    context = {
        "open_count": matters.open().count(),
        "overdue_count": matters.overdue().count(),
        "mine": matters.open().filter(responsible_person=user).select_related("domain", "area")[:10],
        "overdue": matters.overdue().select_related("domain", "area").order_by("deadline")[:10],
        "pending_reports": scoped(user, Report)
        .filter(status=ReportStatus.RECEIVED)
        .select_related("area")[:10],
    }
    return render(request, "dashboard/home.html", context)


def _warning_context(user, today: dt.date) -> dict:
    from anju.warning.models import Alert, AlertStatus, MessageType, Signal

    return {
        "alerts": scoped(user, Alert)
        .filter(status=AlertStatus.ISSUED)
        .exclude(msg_type=MessageType.CANCEL)
        .select_related("area", "domain")[:10],
        "signals": scoped(user, Signal)
        .filter(alarm=True, week__gte=today - dt.timedelta(days=today.weekday() + 7))
        .select_related("area", "domain")[:10],
    }


def _screening_context(user) -> dict:
    from anju.screening.summary import completeness_for

    return {"screening": completeness_for(user)}


@login_required
def index(request):
    user = request.user
    today = timezone.localdate()
    mode = "count" if request.GET.get("map") == "count" else "level"
    areas, towns, values = figures.map_values(user, mode)
    context = {
        "figures": figures.key_figures(user, today),
        "levels": figures.level_distribution(user),
        "trends": figures.weekly_trends(user, today=today),
        "overdue": scoped(user, Matter)
        .overdue(today)
        .select_related("area", "domain", "responsible_unit")
        .order_by("deadline")[:10],
        "map": geo.project(areas, values),
        "town_map": geo.project(towns, {}) if towns else None,
        "map_mode": mode,
        "today": today,
        "month_start": today.replace(day=1),  # the 本月新增 card links to the ledger from this date
        **_warning_context(user, today),
        **_screening_context(user),
        "lead_leaders": lead_leaders.figure(user, today),
    }
    if context["town_map"] and not context["map"].get("empty"):
        # draw town outlines in the village map's frame: project them together
        both = geo.project(areas + towns, values)
        context["map"]["shapes"] = both["shapes"][: len(areas)]
        context["town_outlines"] = both["shapes"][len(areas) :]
        context["map"]["width"], context["map"]["height"] = both["width"], both["height"]
    return render(request, "dashboard/index.html", context)
