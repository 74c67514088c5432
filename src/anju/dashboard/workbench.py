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
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from anju.core.permissions import may
from anju.core.roles import Role
from anju.core.scoping import scoped
from anju.intake.models import Report, ReportStatus
from anju.matters.filters import (
    HIGH_AND_ABOVE,
    LEAD_ME,
    OWN_UNIT,
    current_level_q,
    due_soon_q,
    escalated_supervision_q,
)
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
    """待定级: open matters still without a level ``ANJU_UNGRADED_HOURS`` after registration
    (``matters.queues.ungraded``); the link opens that queue."""
    from anju.matters.queues import ungraded

    if not may(user, "matter.assess"):
        return None
    count = ungraded(user, timezone.now()).count()
    return Card("to_grade", _("待研判"), count, reverse("matters:ungraded"))


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
    """排查报表 the user (their area, or a department officer's unit) has still to file in open rounds; the
    screening page lists the same returns first."""
    from anju.screening.queries import returns_due_count

    if not may(user, "screening.file"):
        return None
    return Card("returns_due", _("待报排查报表"), returns_due_count(user), reverse("screening:index"))


# --- 包案 and progress reports (level rules) ------------------------------------------------------------------
def lead_matters(user, today: dt.date) -> Card | None:
    """包案: the open matters the user leads as 包案领导."""
    if user.role != Role.LEADER:
        return None
    count = _matters(user).open().filter(lead_leader=user).count()
    return Card("lead_matters", _("我包案的在办事项"), count, _ledger(lead=LEAD_ME, status="open"))


def lead_overdue(user, today: dt.date) -> Card | None:
    if user.role != Role.LEADER:
        return None
    count = _matters(user).overdue(today).filter(lead_leader=user).count()
    url = _ledger(lead=LEAD_ME, overdue="on", sort="deadline")
    return Card("lead_overdue", _("我包案的已超期"), count, url, "bad")


def supervision_unanswered(user, today: dt.date) -> Card | None:
    """督办 to answer: running matters whose 督办 went unanswered and was reported to the leaders."""
    if user.role != Role.LEADER:
        return None
    count = _matters(user).filter(escalated_supervision_q()).count()
    return Card("supervision_unanswered", _("督办未回应"), count, _ledger(escalated="on"), "bad")


def _progress_url(**params) -> str:
    url = reverse("matters:progress_reports")
    return url + "?" + urlencode(params) if params else url


def progress_reports_due(user, today: dt.date) -> Card | None:
    """进展报告 not yet filed for the running matters in the user's scope (the 进展报告 page)."""
    from anju.matters.queues import progress_reports_due as due

    if not may(user, "matter.view"):
        return None
    return Card("progress_due", _("应报进展报告"), due(user).count(), _progress_url())


def progress_reports_overdue(user, today: dt.date) -> Card | None:
    from anju.matters.queues import progress_reports_due as due

    if not may(user, "matter.view"):
        return None
    count = due(user, overdue_on=today).count()
    return Card("progress_overdue", _("逾期进展报告"), count, _progress_url(overdue="on"), "bad")


def unit_progress_reports_due(user, today: dt.date) -> Card | None:
    """进展报告 due for the matters the user's unit is responsible for."""
    from anju.matters.queues import progress_reports_due as due

    if user.unit_id is None or not may(user, "matter.view"):
        return None
    count = due(user, own_unit=True).count()
    return Card("unit_progress_due", _("本单位应报进展报告"), count, _progress_url(mine=OWN_UNIT))


# --- 黑天鹅 and 根因分析 --------------------------------------------------------------------------------------
def black_swans_to_review(user, today: dt.date) -> Card | None:
    from anju.matters.queues import black_swan_review

    if not may(user, "matter.flag"):
        return None
    count = black_swan_review(user).count()
    return Card("black_swans", _("黑天鹅待研判"), count, reverse("matters:black_swans"), "warn")


def root_cause_tasks_open(user, today: dt.date) -> Card | None:
    from anju.matters.queues import root_cause_tasks

    if not may(user, "matter.view"):
        return None
    count = root_cause_tasks(user).count()
    return Card("root_cause", _("根因分析任务"), count, reverse("matters:root_cause"))


# --- 协办 and 协调请求 addressed to the user's unit ------------------------------------------------------------
def _coordination_url(box: str) -> str:
    return reverse("matters:coordination") + "?" + urlencode({"box": box, "waiting": "on"})


def coordination_requests_to_answer(user, today: dt.date) -> Card | None:
    """协调请求 addressed to the user's unit and not answered yet."""
    from anju.matters.coordination import waiting_for

    if user.unit_id is None:
        return None
    count = waiting_for(user)["requests"]
    return Card("coordination_requests", _("待答复协调请求"), count, _coordination_url("received"), "warn")


def cohandling_tasks_open(user, today: dt.date) -> Card | None:
    """协办 tasks of the user's unit still open."""
    from anju.matters.coordination import waiting_for

    if user.unit_id is None:
        return None
    count = waiting_for(user)["tasks"]
    return Card("cohandling_tasks", _("本单位协办任务"), count, _coordination_url("tasks"))


# --- 工作进展报送 ----------------------------------------------------------------------------------------------
def progress_updates_unread(user, today: dt.date) -> Card | None:
    """工作进展报送 addressed to the user's own area and not read yet. The reports app is a sibling layer of
    this one (neither imports the other), so its query is named by string, as urls.py names apps."""
    unread_progress_count = import_string("anju.reports.queries.unread_progress_count")
    if not may(user, "progress.read") or user.area_id is None:
        return None
    url = reverse("reports:progress_index") + "?" + urlencode({"show": "to_me"})
    return Card("progress_updates", _("待阅工作进展"), unread_progress_count(user), url)


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
    progress_reports_due,
    progress_reports_overdue,
    black_swans_to_review,
    root_cause_tasks_open,
    coordination_requests_to_answer,
    cohandling_tasks_open,
    progress_updates_unread,
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
        cohandling_tasks_open,
        coordination_requests_to_answer,
        unit_progress_reports_due,
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
        cohandling_tasks_open,
        coordination_requests_to_answer,
        unit_progress_reports_due,
        returns_due,
        alerts_to_acknowledge,
        meeting_tasks,
    ],
    Role.LEADER: [
        lead_matters,
        lead_overdue,
        supervision_unanswered,
        to_supervise,
        high_risk,
        overdue,
        current_alerts,
        alerts_to_acknowledge,
    ],
    Role.AUDITOR: [],
}


# 应急任务: for the roles that close their unit's emergency tasks (CENTRE_CARDS serves centre and admin).
for _cards in (CENTRE_CARDS, ROLE_CARDS[Role.VILLAGE_CADRE], ROLE_CARDS[Role.DEPARTMENT_OFFICER]):
    _cards.append(emergency_tasks)


def cards_for(user, today: dt.date) -> list[Card]:
    cards = (card(user, today) for card in ROLE_CARDS.get(user.role, []))
    return [c for c in cards if c is not None]
