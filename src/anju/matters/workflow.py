"""The matter workflow as one table: every action on a matter, where it may run and what it does.

``WORKFLOW`` has one row per action of ``matters.actions`` (registration, the workflow's transitions, and
the actions that change no status). Each row says

- ``permission``: the row of the permission table (``matters/permissions.py``) the actor's role needs;
- ``sources``: the statuses in which the action may run (empty for registering a new matter);
- ``target``: the status it moves the matter to, or None when it changes no status;
- ``event``: the kind of timeline entry it writes (and ``matter.<event>`` in the audit log);
- ``audience``: whether that entry reaches the citizen: ``PUBLIC`` (always, as the neutral line of
  ``audience.PUBLIC_LINES``), ``INTERNAL`` (never) or ``ON_REQUEST`` (only text staff marked 群众可见).

The actions (``matters.actions``), the matter page's panels (``matters.panels``), the API
(``api/matter_actions.py``, ``allowed_actions``) and the historical import (``intake.history_import``) read
their rules here. Scope (which matters a user may act on) is ``anju.core.permissions.require``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    REGISTERED = "registered", _("登记")
    ASSESSED = "assessed", _("研判")
    ASSIGNED = "assigned", _("交办")
    RESOLVING = "resolving", _("化解中")
    RESOLVED = "resolved", _("已化解")
    FOLLOWED_UP = "followed_up", _("回访")
    ARCHIVED = "archived", _("归档")
    ESCALATED = "escalated", _("上报")
    RETURNED = "returned", _("退回")
    MERGED = "merged", _("合并")
    REJECTED = "rejected", _("不予受理")


S = Status
OPEN_STATUSES = frozenset({S.REGISTERED, S.ASSESSED, S.ASSIGNED, S.RESOLVING, S.ESCALATED, S.RETURNED})
CLOSED_STATUSES = frozenset(set(Status) - OPEN_STATUSES)
ALL_STATUSES = frozenset(Status)
# Statuses in which the deadline runs: overdue means past the deadline in one of these.
DEADLINE_STATUSES = frozenset({S.ASSIGNED, S.RESOLVING, S.RETURNED})

PUBLIC = "public"  # the citizen reads the event's neutral line (and text written for them, where allowed)
INTERNAL = "internal"  # staff only
ON_REQUEST = "on request"  # staff only, unless staff wrote text for the citizen (a note ticked 群众可见)

GENERIC_REFUSAL = _("事项当前状态为“%(status)s”，不能执行“%(action)s”。")


@dataclass(frozen=True)
class Action:
    key: str  # the action's name: the panel, the API path and the entry of ``allowed_actions``
    label: str
    permission: str
    event: str
    sources: frozenset[str]
    target: str | None = None
    # A workflow step: its timeline entry records from → to even when both are the same (re-assessing an
    # assessed matter). Otherwise only an actual move is recorded (a mediation of a resolving matter).
    transition: bool = False
    audience: str = INTERNAL
    refusal: str = ""  # said when the status does not allow the action ("" → ``GENERIC_REFUSAL``)

    def allows(self, status: str) -> bool:
        return status in self.sources

    def refusal_message(self, status: str) -> str:
        if self.refusal:
            return str(self.refusal)
        return str(GENERIC_REFUSAL) % {"status": Status(status).label, "action": self.label}

    def step(self, status: str) -> tuple[str, str]:
        """(from, to) as the timeline records the action taken in ``status``; ("", "") for no move."""
        if self.target is None or (not self.transition and status == self.target):
            return "", ""
        return status, self.target


def _transition(key, label, sources, target, event, audience=PUBLIC) -> Action:
    return Action(key, label, f"matter.{key}", event, frozenset(sources), target, True, audience)


WORKFLOW: dict[str, Action] = {
    a.key: a
    for a in [
        _transition("create", _("登记"), (), S.REGISTERED, "registered"),
        _transition(
            "assess",
            _("研判定级"),
            {S.REGISTERED, S.ESCALATED, S.RETURNED, S.ASSESSED},
            S.ASSESSED,
            "assessed",
        ),
        _transition("assign", _("交办"), {S.ASSESSED, S.RETURNED}, S.ASSIGNED, "assigned"),
        _transition("start", _("开始化解"), {S.ASSIGNED}, S.RESOLVING, "started"),
        _transition("resolve", _("化解办结"), {S.ASSIGNED, S.RESOLVING}, S.RESOLVED, "resolved"),
        _transition("follow_up", _("回访"), {S.RESOLVED}, S.FOLLOWED_UP, "followed_up"),
        _transition("archive", _("归档"), {S.RESOLVED, S.FOLLOWED_UP}, S.ARCHIVED, "archived"),
        _transition(
            "escalate",
            _("上报"),
            {S.REGISTERED, S.ASSESSED, S.ASSIGNED, S.RESOLVING, S.RETURNED},
            S.ESCALATED,
            "escalated",
        ),
        _transition("return", _("退回"), {S.ASSIGNED, S.RESOLVING}, S.RETURNED, "returned", INTERNAL),
        _transition("merge", _("合并"), OPEN_STATUSES, S.MERGED, "merged"),
        _transition("reject", _("不予受理"), {S.REGISTERED, S.ASSESSED, S.ESCALATED}, S.REJECTED, "rejected"),
        # Actions that change no status, except that a first mediation starts the resolution.
        Action(
            "mediation",
            _("调解记录"),
            "mediation.record",
            "mediation",
            frozenset({S.ASSIGNED, S.RESOLVING}),
            S.RESOLVING,
            audience=PUBLIC,
            refusal=_("只有已交办或化解中的事项可以记录调解。"),
        ),
        Action(
            "supervise",
            _("督办"),
            "matter.supervise",
            "supervised",
            OPEN_STATUSES,
            refusal=_("只能督办在办事项。"),
        ),
        Action("note", _("备注"), "matter.note", "note", ALL_STATUSES, audience=ON_REQUEST),
        Action("parties", _("添加当事人"), "matter.note", "party_added", OPEN_STATUSES),
        Action(
            "residual",
            _("措施后风险"),
            "matter.assess",
            "residual_assessed",
            OPEN_STATUSES | {S.RESOLVED},
            refusal=_("已办结的事项不能再调整风险等级。"),
        ),
        Action("black_swan", _("确认黑天鹅"), "matter.flag", "black_swan", ALL_STATUSES),
        Action("black_swan_dismiss", _("排除黑天鹅"), "matter.flag", "black_swan_dismissed", ALL_STATUSES),
        Action("grey_rhino", _("灰犀牛标记"), "matter.flag", "grey_rhino", ALL_STATUSES),
        Action("mitigation", _("缓释方案"), "matter.flag", "mitigation_plan", OPEN_STATUSES),
        # Re-grading and correcting the facts at any open stage; each keeps what it replaced.
        Action("regrade", _("重新定级"), "matter.assess", "regraded", OPEN_STATUSES),
        Action("correct", _("更正事项信息"), "matter.correct", "facts_corrected", OPEN_STATUSES),
        # The level rules (matters.level_rules): 包案领导 and periodic 进展报告.
        Action(
            "lead_leader",
            _("包案领导"),
            "matter.lead_leader",
            "lead_leader",
            OPEN_STATUSES,
            refusal=_("只能为在办事项明确包案领导。"),
        ),
        Action(
            "progress_report",
            _("进展报告"),
            "matter.progress_report",
            "progress_report",
            DEADLINE_STATUSES,
            refusal=_("只有已交办、化解中或退回的事项需要报告进展。"),
        ),
    ]
}
# The actions that are steps of the workflow (everything but registration moves a matter from a status).
TRANSITIONS: dict[str, Action] = {k: a for k, a in WORKFLOW.items() if a.transition and a.sources}
BY_EVENT: dict[str, Action] = {a.event: a for a in WORKFLOW.values()}


def allowed_actions(status: str) -> list[str]:
    """The actions the status allows (who may perform them is the actor's permission and scope)."""
    return [key for key, a in WORKFLOW.items() if a.allows(status)]
