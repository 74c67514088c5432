"""The tasks of 研判会 addressed to the user's unit (本单位任务): the list and one task's page, where the
responsible unit completes it. A unit sees its tasks wherever the meeting was held (``core.scoping``,
``MeetingDecision.scope_unit_field``); the meeting's own page (agenda, minutes) stays its area's."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from anju.core.permissions import may
from anju.core.scoping import get_scoped_or_404, scoped
from anju.warning.models_analysis import AnalysisMeeting, DecisionKind, MeetingDecision


@login_required
def task_list(request):
    request.user.require("analysis.task")
    user = request.user
    tasks = (
        scoped(user, MeetingDecision)
        .filter(kind=DecisionKind.TASK, unit_id=user.unit_id)
        .select_related("meeting__area", "unit")
        .order_by("done_at", "deadline", "id")  # open tasks first (a NULL sorts first), nearest deadline
        if user.unit_id
        else MeetingDecision.objects.none()
    )
    page = Paginator(tasks, 20).get_page(request.GET.get("page"))
    return render(request, "warning/task_list.html", {"page": page, "unit": user.unit})


@login_required
def task_detail(request, pk: int):
    request.user.require("analysis.task")
    user = request.user
    task = get_scoped_or_404(
        user,
        MeetingDecision.objects.filter(kind=DecisionKind.TASK).select_related("meeting__area", "unit"),
        pk=pk,
    )
    responsible = user.unit_id is not None and user.unit_id == task.unit_id
    meeting_visible = (
        may(user, "analysis.view") and scoped(user, AnalysisMeeting).filter(pk=task.meeting_id).exists()
    )
    return render(
        request,
        "warning/task_detail.html",
        {
            "task": task,
            "meeting": task.meeting,
            "meeting_visible": meeting_visible,
            "can_complete": not task.done_at
            and (responsible or (meeting_visible and may(user, "analysis.manage"))),
        },
    )
