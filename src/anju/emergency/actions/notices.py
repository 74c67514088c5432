"""Telling a unit it has an emergency task (``core.notifications``), inside the action's transaction."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from anju.core.notifications import members_of, notify


def tell_owner(actor, task, now) -> None:
    """One notice to the members of the task's unit (not the actor), at most once per task."""
    if task.owner_unit_id is None:
        return
    if task.incident_id:
        link = reverse("emergency:incident", args=[task.incident_id])
    elif task.drill_finding_id:
        link = reverse("emergency:drill", args=[task.drill_finding.drill_id])
    elif task.plan_id:
        link = reverse("emergency:plan", args=[task.plan_id])
    else:
        link = reverse("emergency:index")
    notify(
        members_of(task.owner_unit, excluding=actor),
        kind="emergency.task",
        title=_("应急任务：%(title)s") % {"title": task.title[:80]},
        body=_("%(source)s · 完成期限 %(deadline)s")
        % {
            "source": task.get_source_display(),
            "deadline": f"{task.deadline:%Y-%m-%d}" if task.deadline else "—",
        },
        link=link,
        key=f"emergency:task:{task.pk}",
        now=now,
    )
