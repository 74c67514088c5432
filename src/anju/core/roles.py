"""Roles and what each may do: the one table of permissions in anju.

Scope (which areas a user sees) is separate: every user sees their area subtree, see ``scoping``; the roles in
``UNIT_SCOPED_ROLES`` see only part of it.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    GRID_WORKER = "grid_worker", _("网格员")
    VILLAGE_CADRE = "village_cadre", _("村干部")
    CENTRE_STAFF = "centre_staff", _("综治中心")
    DEPARTMENT_OFFICER = "department_officer", _("职能部门")
    LEADER = "leader", _("领导")
    AUDITOR = "auditor", _("审计")
    ADMIN = "admin", _("管理员")


G, V, C, D, L, A, X = (
    Role.GRID_WORKER,
    Role.VILLAGE_CADRE,
    Role.CENTRE_STAFF,
    Role.DEPARTMENT_OFFICER,
    Role.LEADER,
    Role.AUDITOR,
    Role.ADMIN,
)
EVERYONE = frozenset(Role)

# permission -> roles that hold it. Read across a row to see who may do one thing.
PERMISSIONS: dict[str, frozenset[Role]] = {
    # reading
    "report.view": EVERYONE,
    "matter.view": EVERYONE,
    "ledger.export": frozenset({V, C, D, L, A, X}),
    "audit.view": frozenset({A, X}),
    "personal_data.reveal": frozenset({C, X}),
    # intake
    "report.create": frozenset({G, V, C, D, X}),
    "report.register": frozenset({V, C, X}),  # turn a report into a matter, or link it to one
    # ledger workflow (see matters.workflow for which status each action needs)
    "matter.create": frozenset({G, V, C, X}),
    "matter.assess": frozenset({C, X}),
    "matter.assign": frozenset({C, L, X}),
    "matter.start": frozenset({G, V, C, D, X}),
    "matter.resolve": frozenset({V, C, D, X}),
    "matter.follow_up": frozenset({G, V, C, X}),
    "matter.archive": frozenset({C, X}),
    "matter.escalate": frozenset({G, V, C, D, X}),
    "matter.return": frozenset({V, C, D, X}),
    "matter.merge": frozenset({C, X}),
    "matter.reject": frozenset({C, X}),
    "matter.flag": frozenset({C, X}),  # confirm 黑天鹅 / mark 灰犀牛
    "matter.supervise": frozenset({C, L, X}),  # 督办 notes
    "matter.note": frozenset({G, V, C, D, L, X}),
    "mediation.record": frozenset({V, C, D, X}),
    # early warning
    "signals.view": frozenset({C, L, A, X, D, V}),
    "signals.scan": frozenset({C, X}),
    "signals.configure": frozenset({C, X}),
    "alert.view": EVERYONE,
    "alert.manage": frozenset({C, X}),
    "analysis.view": frozenset({C, L, A, X, D}),
    "analysis.manage": frozenset({C, L, X}),
    "report.monthly": frozenset({V, C, L, X}),
    # triage
    "triage.train": frozenset({C, X}),
    # administration
    "admin.manage": frozenset({X}),
    "api.token": EVERYONE,
}


# Roles whose view inside their area is narrowed to their unit's matters (see ``scoping``): a department
# officer acts only on matters assigned to their unit and sees what ANJU_DEPARTMENT_VISIBILITY allows.
UNIT_SCOPED_ROLES: frozenset[Role] = frozenset({D})


def role_has(role: str, permission: str) -> bool:
    try:
        return role in PERMISSIONS[permission]
    except KeyError:
        raise KeyError(f"unknown permission {permission!r}") from None


def permissions_of(role: str) -> list[str]:
    return sorted(p for p, roles in PERMISSIONS.items() if role in roles)
