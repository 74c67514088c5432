"""The matter workflow as one table: which action moves a matter from which statuses to which.

Who may perform an action is in ``anju.core.roles.PERMISSIONS`` (``matter.<action>``).
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
# Statuses in which the deadline runs: overdue means past the deadline in one of these.
DEADLINE_STATUSES = frozenset({S.ASSIGNED, S.RESOLVING, S.RETURNED})


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    sources: frozenset[str]
    target: str


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in [
        Transition(
            "assess",
            _("研判定级"),
            frozenset({S.REGISTERED, S.ESCALATED, S.RETURNED, S.ASSESSED}),
            S.ASSESSED,
        ),
        Transition("assign", _("交办"), frozenset({S.ASSESSED, S.RETURNED}), S.ASSIGNED),
        Transition("start", _("开始化解"), frozenset({S.ASSIGNED}), S.RESOLVING),
        Transition("resolve", _("化解办结"), frozenset({S.ASSIGNED, S.RESOLVING}), S.RESOLVED),
        Transition("follow_up", _("回访"), frozenset({S.RESOLVED}), S.FOLLOWED_UP),
        Transition("archive", _("归档"), frozenset({S.RESOLVED, S.FOLLOWED_UP}), S.ARCHIVED),
        Transition(
            "escalate",
            "上报",
            frozenset({S.REGISTERED, S.ASSESSED, S.ASSIGNED, S.RESOLVING, S.RETURNED}),
            S.ESCALATED,
        ),
        Transition("return", _("退回"), frozenset({S.ASSIGNED, S.RESOLVING}), S.RETURNED),
        Transition("merge", _("合并"), frozenset(OPEN_STATUSES), S.MERGED),
        Transition("reject", _("不予受理"), frozenset({S.REGISTERED, S.ASSESSED, S.ESCALATED}), S.REJECTED),
    ]
}


def allowed_actions(status: str) -> list[str]:
    return [name for name, t in TRANSITIONS.items() if status in t.sources]
