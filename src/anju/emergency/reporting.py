"""The report schedule of an incident (首报, 续报, 终报) and which reports were late (迟报) or missing (漏报).

Computation only: it reads an incident and its reports and writes nothing. The deadlines come from
``rules``: the first report is due ``first_report_hours`` after the event was learned of; while a response is
active, a follow-up is due every ``follow_up_hours`` from its activation (up to ``now`` or the ending); the
final report ``final_report_hours`` after the response ended. The n-th report of a kind fills the n-th slot of
that kind; a slot filled after its deadline is late (迟报), an unfilled one past its deadline missing (漏报).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anju.core.models import Unit, UnitKind
from anju.emergency.models import IncidentReport, ReportKind, ResponseStatus
from anju.emergency.rules import rule

ON_TIME, LATE, MISSING, DUE = "on_time", "late", "missing", "due"
STATE_LABELS = {ON_TIME: _("按时"), LATE: _("迟报"), MISSING: _("漏报"), DUE: _("待报")}


@dataclass
class Slot:
    kind: str
    number: int  # 1 for the first of its kind
    due_at: dt.datetime
    report: IncidentReport | None
    state: str

    @property
    def kind_label(self) -> str:
        return str(ReportKind(self.kind).label)

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS[self.state])


def due_times(incident, now: dt.datetime) -> list[tuple[str, dt.datetime]]:
    """(kind, deadline) of every report the incident owes up to ``now`` and the next one to come."""
    out = [(ReportKind.FIRST, incident.learned_at + dt.timedelta(hours=rule("first_report_hours")))]
    if incident.activated_at is not None:
        step = dt.timedelta(hours=rule("follow_up_hours"))
        until = incident.ended_at if incident.response_status == ResponseStatus.ENDED else now
        due = incident.activated_at + step
        while due <= until:
            out.append((ReportKind.FOLLOW_UP, due))
            due += step
        if incident.response_status == ResponseStatus.ACTIVE:
            out.append((ReportKind.FOLLOW_UP, due))  # the next one, not yet due
    if incident.response_status == ResponseStatus.ENDED and incident.ended_at is not None:
        out.append((ReportKind.FINAL, incident.ended_at + dt.timedelta(hours=rule("final_report_hours"))))
    return out


def schedule(incident, now: dt.datetime | None = None) -> list[Slot]:
    now = now or timezone.now()
    reports: dict[str, list[IncidentReport]] = {k: [] for k in ReportKind.values}
    for report in incident.reports.order_by("submitted_at", "pk"):
        reports[report.kind].append(report)
    counts = dict.fromkeys(ReportKind.values, 0)
    slots = []
    for kind, due_at in due_times(incident, now):
        index = counts[kind]
        counts[kind] += 1
        report = reports[kind][index] if index < len(reports[kind]) else None
        if report is not None:
            state = LATE if report.submitted_at > due_at else ON_TIME
        else:
            state = MISSING if now > due_at else DUE
        slots.append(Slot(kind=kind, number=index + 1, due_at=due_at, report=report, state=state))
    return slots


def reporting_unit(incident):
    """The unit answerable for the incident's reports (属地负责): the 综治中心 of its area or of the nearest
    area above it; failing one, the unit responsible for the matter it came from."""
    area = incident.area
    while area is not None:
        centre = Unit.objects.filter(area=area, kind=UnitKind.CENTRE).order_by("pk").first()
        if centre is not None:
            return centre
        area = area.parent
    if incident.matter_id is not None:
        return incident.matter.responsible_unit
    return None


def flags(incident, now: dt.datetime | None = None) -> dict[str, int]:
    """How many reports were late and how many are missing."""
    states = [s.state for s in schedule(incident, now)]
    return {LATE: states.count(LATE), MISSING: states.count(MISSING)}
