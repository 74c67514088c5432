"""迟报/漏报 → 问责: a report sent after its deadline, or not sent by it, is registered once in the
accountability records of the coordination work (``matters.actions.register_duty_failure``), for the unit
answerable for the incident's reports (``reporting.reporting_unit``), pending the decision.

``submit_report`` calls it when a late report comes in; ``anju emergency-tick`` (cron) calls it for every
incident, which finds the reports that were never sent. One record per report slot (首报, the n-th 续报,
终报): a slot flagged 漏报 and filled later keeps its 漏报 record."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from anju.core import audit
from anju.core.permissions import require
from anju.emergency.models import Incident
from anju.emergency.reporting import LATE, MISSING, reporting_unit, schedule
from anju.emergency.rules import rule
from anju.matters.actions import register_duty_failure


def _finding(slot, now) -> str:
    due = timezone.localtime(slot.due_at)
    what = {"kind": slot.kind_label, "n": slot.number, "due": f"{due:%Y-%m-%d %H:%M}"}
    if slot.state == LATE:
        sent = timezone.localtime(slot.report.submitted_at)
        minutes = int((slot.report.submitted_at - slot.due_at).total_seconds() // 60)
        return _("%(kind)s（第%(n)s次）应于 %(due)s 前报送，实际 %(sent)s 报送，迟报 %(minutes)s 分钟。") % {
            **what,
            "sent": f"{sent:%Y-%m-%d %H:%M}",
            "minutes": minutes,
        }
    return _("%(kind)s（第%(n)s次）应于 %(due)s 前报送，截至 %(now)s 未报送（漏报）。") % {
        **what,
        "now": f"{timezone.localtime(now):%Y-%m-%d %H:%M}",
    }


@transaction.atomic
def flag_report_failures(actor, incident: Incident, *, now=None) -> list:
    """Register each late or missing report of ``incident`` as a pending 问责 record, once; returns the
    records created now. ``actor`` None: the cron job."""
    now = now or timezone.now()
    if actor is not None:
        require(actor, "emergency.incident", incident)
    unit = reporting_unit(incident)
    if unit is None:
        return []
    created = []
    for slot in schedule(incident, now):
        if slot.state not in (LATE, MISSING):
            continue
        label = _("突发事件“%(title)s”%(kind)s（第%(n)s次）") % {
            "title": incident.title[:80],
            "kind": slot.kind_label,
            "n": slot.number,
        }
        record, new = register_duty_failure(
            actor,
            source=f"emergency.report:{incident.pk}:{slot.kind}:{slot.number}",
            area=incident.area,
            unit=unit,
            role=rule("report_failure_role"),
            failure="late_report" if slot.state == LATE else "missed_report",
            finding=_finding(slot, now),
            source_label=label,
            source_link=reverse("emergency:incident", args=[incident.pk]),
            matter=incident.matter,
            now=now,
        )
        if new:
            created.append(record)
            audit.record(
                actor,
                "emergency.report_failure",
                incident,
                after={"record": record.pk, "slot": f"{slot.kind}:{slot.number}", "state": slot.state},
            )
    return created


def flag_all_report_failures(now=None) -> int:
    """The cron job's pass over every incident that has owed reports; how many records it registered."""
    now = now or timezone.now()
    count = 0
    for incident in Incident.objects.select_related("area", "matter").order_by("pk"):
        count += len(flag_report_failures(None, incident, now=now))
    return count
