"""The 工作台's cards: for each role, what waits for the user, with a count that links to the list it counts.

One small function per card: ``card(user, today) -> Card | None`` (None when the card is not the user's:
their role lacks the permission, or they have no unit). ``ROLE_CARDS`` says which cards each role sees, in
order; another capability adds its card by writing one function and naming it there. Every count comes from
``core.scoping.scoped`` and, where the card is about the user's unit, from the same ledger filter its link
uses (``?mine=unit``), so the number is the length of the list it opens.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anju.core.permissions import may
from anju.core.roles import Role
from anju.core.scoping import scoped
from anju.intake.models import Report, ReportStatus
from anju.matters.filters import HIGH_AND_ABOVE, OWN_UNIT, current_level_q, due_soon_q
from anju.matters.models import Matter
from anju.matters.workflow import DEADLINE_STATUSES, Status


@dataclass(frozen=True)
class Card:
    key: str
    label: str
    count: int
    url: str
    tone: str = ""  # "bad" for what is late, "warn" for what is about to be


def _ledger(**params) -> str:
    return reverse("matters:ledger") + "?" + urlencode(params)


def _matters(user):
    return scoped(user, Matter)


def _unit_matters(user):
    return _matters(user).filter(responsible_unit_id=user.unit_id)


# --- the centre's queues -----------------------------------------------------------------------------------
def reports_to_register(user, today: dt.date) -> Card | None:
    if not may(user, "report.register"):
        return None
    count = scoped(user, Report).filter(status=ReportStatus.RECEIVED).count()
    url = reverse("intake:list") + "?" + urlencode({"status": ReportStatus.RECEIVED})
    return Card("to_register", _("待登记诉求"), count, url)


def ungraded_matters(user, today: dt.date) -> Card | None:
    """待研判: registered, not yet graded. Seam: when ``matters.queues.ungraded`` exists (the regrade work),
    its queue is counted instead; the link stays the ledger's 登记 status."""
    if not may(user, "matter.assess"):
        return None
    try:
        from anju.matters import queues  # type: ignore[attr-defined]

        ungraded = queues.ungraded
    except (ImportError, AttributeError):
        count = _matters(user).filter(status=Status.REGISTERED).count()
    else:
        count = len(ungraded(user, timezone.now()))
    return Card("to_grade", _("待研判"), count, _ledger(status=Status.REGISTERED))


def matters_to_assign(user, today: dt.date) -> Card | None:
    if not may(user, "matter.assign") or user.role == Role.LEADER:
        return None
    count = _matters(user).filter(status=Status.ASSESSED).count()
    return Card("to_assign", _("待交办"), count, _ledger(status=Status.ASSESSED))


def due_soon(user, today: dt.date) -> Card | None:
    count = _matters(user).filter(due_soon_q(today)).count()
    return Card("due_soon", _("即将超期"), count, _ledger(due_soon="on", sort="deadline"), "warn")


def overdue(user, today: dt.date) -> Card | None:
    count = _matters(user).overdue(today).count()
    return Card("overdue", _("已超期"), count, _ledger(overdue="on", sort="deadline"), "bad")


def to_supervise(user, today: dt.date) -> Card | None:
    """督办: what the 督办 page lists first (overdue) plus open matters at the two highest levels."""
    if not may(user, "matter.supervise"):
        return None
    matters = _matters(user)
    high = matters.open().filter(current_level_q("high") | current_level_q("critical"))
    count = (
        matters.overdue(today).count()
        + high.exclude(status__in=DEADLINE_STATUSES, deadline__lt=today).count()
    )
    return Card("to_supervise", _("待督办"), count, reverse("matters:supervision"))


def high_risk(user, today: dt.date) -> Card | None:
    count = _matters(user).open().filter(current_level_q("high") | current_level_q("critical")).count()
    return Card(
        "high_risk", _("较高及以上风险在办"), count, _ledger(status="open", level=HIGH_AND_ABOVE), "bad"
    )


# --- the unit's work -----------------------------------------------------------------------------------------
def unit_to_sign(user, today: dt.date) -> Card | None:
    """待签收: assigned to the user's unit and not yet started."""
    if user.unit_id is None:
        return None
    count = _unit_matters(user).filter(status=Status.ASSIGNED).count()
    return Card("unit_to_sign", _("待签收"), count, _ledger(status=Status.ASSIGNED, mine=OWN_UNIT))


def unit_in_hand(user, today: dt.date) -> Card | None:
    """待办: the unit's matters being resolved (化解中)."""
    if user.unit_id is None:
        return None
    count = _unit_matters(user).filter(status=Status.RESOLVING).count()
    return Card("unit_in_hand", _("待办事项"), count, _ledger(status=Status.RESOLVING, mine=OWN_UNIT))


def unit_due_soon(user, today: dt.date) -> Card | None:
    if user.unit_id is None:
        return None
    count = _unit_matters(user).filter(due_soon_q(today)).count()
    url = _ledger(due_soon="on", mine=OWN_UNIT, sort="deadline")
    return Card("unit_due_soon", _("本单位即将超期"), count, url, "warn")


def unit_overdue(user, today: dt.date) -> Card | None:
    if user.unit_id is None:
        return None
    count = _unit_matters(user).overdue(today).count()
    url = _ledger(overdue="on", mine=OWN_UNIT, sort="deadline")
    return Card("unit_overdue", _("本单位已超期"), count, url, "bad")


def unit_open(user, today: dt.date) -> Card | None:
    """The unit's open matters (a department officer's list; what they see beyond it is read-only)."""
    if user.unit_id is None:
        return None
    count = _unit_matters(user).open().count()
    return Card("unit_open", _("本单位在办事项"), count, _ledger(status="open", mine=OWN_UNIT))


# --- other capabilities --------------------------------------------------------------------------------------
def alerts_to_acknowledge(user, today: dt.date) -> Card | None:
    """Warnings addressed to the user's unit and not yet acknowledged (签收)."""
    from anju.warning.models import AlertRecipient, AlertStatus

    if user.unit_id is None or not may(user, "alert.view"):
        return None
    count = (
        AlertRecipient.objects.filter(
            unit_id=user.unit_id, acknowledged_at__isnull=True, alert__status=AlertStatus.ISSUED
        )
        .values("alert")
        .distinct()
        .count()
    )
    return Card("alerts_to_acknowledge", _("待签收预警"), count, reverse("warning:index"), "warn")


def current_alerts(user, today: dt.date) -> Card | None:
    from anju.warning.models import Alert, AlertStatus, MessageType

    if not may(user, "alert.view"):
        return None
    count = scoped(user, Alert).filter(status=AlertStatus.ISSUED).exclude(msg_type=MessageType.CANCEL).count()
    return Card("current_alerts", _("生效中的预警"), count, reverse("warning:index"))


def meeting_tasks(user, today: dt.date) -> Card | None:
    """研判会交办任务 addressed to the user's unit and not done."""
    from anju.warning.models import DecisionKind, MeetingDecision

    if user.unit_id is None or not may(user, "analysis.view"):
        return None
    count = MeetingDecision.objects.filter(
        kind=DecisionKind.TASK, unit_id=user.unit_id, done_at__isnull=True
    ).count()
    return Card("meeting_tasks", _("研判会任务"), count, reverse("warning:meetings"))


def returns_due(user, today: dt.date) -> Card | None:
    """排查报表 the user's area has still to file in open rounds."""
    from anju.screening.queries import pending_for

    if not may(user, "screening.file"):
        return None
    count = pending_for(user).count()
    return Card("returns_due", _("待报排查报表"), count, reverse("screening:index"))


def emergency_tasks(user, today: dt.date) -> Card | None:
    """应急任务 (response, drill improvement, aftermath) owned by the user's unit and not done."""
    from anju.emergency.models import EmergencyTask
    from anju.emergency.queries import open_tasks

    if user.unit_id is None or not may(user, "emergency.task"):
        return None
    tasks = open_tasks(EmergencyTask.objects.filter(owner_unit_id=user.unit_id))
    url = reverse("emergency:index") + "?" + urlencode({"mine": "unit"}) + "#tasks"
    late = tasks.filter(deadline__lt=today).exists()
    return Card("emergency_tasks", _("应急任务"), tasks.count(), url, "bad" if late else "")


CardFunction = Callable[..., Card | None]

CENTRE_CARDS: list[CardFunction] = [
    reports_to_register,
    ungraded_matters,
    matters_to_assign,
    due_soon,
    overdue,
    to_supervise,
    alerts_to_acknowledge,
    meeting_tasks,
]
ROLE_CARDS: dict[str, list[CardFunction]] = {
    Role.CENTRE_STAFF: CENTRE_CARDS,
    Role.ADMIN: CENTRE_CARDS,
    Role.VILLAGE_CADRE: [
        unit_to_sign,
        unit_in_hand,
        unit_due_soon,
        unit_overdue,
        reports_to_register,
        returns_due,
        alerts_to_acknowledge,
    ],
    Role.GRID_WORKER: [unit_to_sign, unit_in_hand, unit_due_soon, unit_overdue, alerts_to_acknowledge],
    Role.DEPARTMENT_OFFICER: [
        unit_open,
        unit_to_sign,
        unit_due_soon,
        unit_overdue,
        alerts_to_acknowledge,
        meeting_tasks,
    ],
    # Seam: the leader's 包案 matters join here once matters carry a 包案 leader.
    Role.LEADER: [to_supervise, high_risk, overdue, current_alerts, alerts_to_acknowledge],
    Role.AUDITOR: [],
}


# 应急任务: for the roles that close their unit's emergency tasks (CENTRE_CARDS serves centre and admin).
for _cards in (CENTRE_CARDS, ROLE_CARDS[Role.VILLAGE_CADRE], ROLE_CARDS[Role.DEPARTMENT_OFFICER]):
    _cards.append(emergency_tasks)


def cards_for(user, today: dt.date) -> list[Card]:
    cards = (card(user, today) for card in ROLE_CARDS.get(user.role, []))
    return [c for c in cards if c is not None]
