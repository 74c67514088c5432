"""The home page (工作台: for each role what waits for the user, with counts that link to their lists —
``workbench.py`` — then the user's own matters, overdue ones and reports waiting) and the leader's overview
(态势: key figures, trends, levels, overdue, warnings and signals, and the map)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from anju.core.replica import replica_reads
from anju.core.scoping import scoped
from anju.dashboard import (
    care_panel,
    counted,
    emergency_panel,
    figures,
    forecast_panel,
    geo,
    lead_leaders,
    rollup,
    workbench,
)
from anju.intake.models import Report, ReportStatus
from anju.matters import queues
from anju.matters.models import Matter
from anju.matters.unit_figures import leader_figures, unit_figures


@login_required
def home(request):
    user = request.user
    matters = scoped(user, Matter)
    context = {
        "cards": workbench.cards_for(user, timezone.localdate()),
        "open_count": matters.open().count(),
        "overdue_count": matters.overdue().count(),
        "ungraded_count": queues.ungraded(user).count(),  # 待定级
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


UNIT_FIGURE_ROWS = 20


def _unit_figures_context(user, today: dt.date, counts: bool) -> dict:
    """The units with the most overdue, then open matters first; the monthly report has them all."""
    if counts:
        rows = counted.unit_rows(user, as_of=today)
        leaders = counted.unit_rows(user, as_of=today, by="leader")
    else:
        rows = unit_figures(scoped(user, Matter), as_of=today)
        leaders = leader_figures(scoped(user, Matter), as_of=today)
    rows.sort(key=lambda r: (-r["overdue"], -r["open"], r["unit"]))
    leaders.sort(key=lambda r: (-r["overdue"], -r["open"], r["unit"]))
    return {
        "unit_figures": rows[:UNIT_FIGURE_ROWS],
        "unit_figures_total": len(rows),
        "leader_figures": leaders[:UNIT_FIGURE_ROWS],
    }


def _screening_context(user) -> dict:
    from anju.screening.summary import completeness_for

    return {"screening": completeness_for(user)}


@login_required
@replica_reads  # figures over the whole area: a replica's second of lag does not matter here
def index(request):
    user = request.user
    today = timezone.localdate()
    # the aggregates behind the history figures: caught up here when the worker has not run for a while
    counted_as_of = rollup.refresh_if_stale() if figures.may_use_counts(user) else None
    counts = counted_as_of is not None
    mode = "count" if request.GET.get("map") == "count" else "level"
    areas, towns, values = figures.map_values(user, mode)
    context = {
        "figures": figures.key_figures(user, today, counts=counts),
        "levels": figures.level_distribution(user),
        "trends": figures.weekly_trends(user, today=today, counts=counts),
        "overdue": scoped(user, Matter)
        .overdue(today)
        .select_related("area", "domain", "responsible_unit")
        .order_by("deadline")[:10],
        "map": geo.project(areas, values),
        "town_map": geo.project(towns, {}) if towns else None,
        "map_mode": mode,
        **_unit_figures_context(user, today, counts),
        "today": today,
        "counted_as_of": counted_as_of,
        "month_start": today.replace(day=1),  # the 本月新增 card links to the ledger from this date
        **_warning_context(user, today),
        **_screening_context(user),
        "lead_leaders": lead_leaders.figure(user, today),
        **emergency_panel.panel(user, today),
        **care_panel.panel(user, today),
        **forecast_panel.panel(user, today),
    }
    if context["town_map"] and not context["map"].get("empty"):
        # draw town outlines in the village map's frame: project them together
        both = geo.project(areas + towns, values)
        context["map"]["shapes"] = both["shapes"][: len(areas)]
        context["town_outlines"] = both["shapes"][len(areas) :]
        context["map"]["width"], context["map"]["height"] = both["width"], both["height"]
    if not context["map"].get("empty"):
        context["resource_markers"] = emergency_panel.resource_layer(
            user, context["map"]["shapes"] + context.get("town_outlines", [])
        )
    return render(request, "dashboard/index.html", context)
