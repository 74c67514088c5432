"""管理 → 定时任务: the schedule of the daily and weekly ticks, when each runs next, and the recent runs."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from anju.core.admin_views import gate, paged
from anju.core.models import ScheduledRun
from anju.core.scheduler import next_slot, schedule


@login_required
def schedule_page(request):
    gate(request)
    now = timezone.now()
    entries = []
    for entry in schedule():
        last = ScheduledRun.objects.filter(name=entry.name).order_by("-slot").first()
        entries.append({"entry": entry, "next": next_slot(entry, now), "last": last})
    runs = ScheduledRun.objects.all()
    name = request.GET.get("name", "")
    if name:
        runs = runs.filter(name=name)
    status = request.GET.get("status", "")
    if status:
        runs = runs.filter(status=status)
    return render(
        request,
        "core/admin/schedule.html",
        {
            "entries": entries,
            "page": paged(request, runs),
            "name": name,
            "status": status,
            "statuses": ScheduledRun._meta.get_field("status").choices,
        },
    )
