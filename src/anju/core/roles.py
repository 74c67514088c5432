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

# permission -> roles that hold it: the one table. ``core`` holds the platform's rows here; every capability
# contributes its own rows from its ``AppConfig.ready`` (``contribute``), kept beside its actions in its
# ``permissions.py``. Read across a row to see who may do one thing; ``anju permissions`` prints the whole table.
PERMISSIONS: dict[str, frozenset[Role]] = {
    "audit.view": frozenset({A, X}),
    "personal_data.reveal": frozenset({C, X}),
    "admin.manage": frozenset({X}),
    "api.token": EVERYONE,
}
CONTRIBUTED_BY: dict[str, str] = dict.fromkeys(PERMISSIONS, "core")


def contribute(app_label: str, rows: dict[str, frozenset[Role]]) -> None:
    """Add an app's rows to the table (called from its ``AppConfig.ready``). A permission has one owner: a
    second app naming it is a programming error, not an override."""
    for permission, roles in rows.items():
        owner = CONTRIBUTED_BY.get(permission)
        if owner is not None and owner != app_label:
            raise ValueError(
                f"permission {permission!r} of {app_label!r} is already contributed by {owner!r}"
            )
        unknown = set(roles) - set(Role)
        if unknown:
            raise ValueError(f"permission {permission!r} names unknown roles {sorted(unknown)}")
        PERMISSIONS[permission] = frozenset(Role(r) for r in roles)
        CONTRIBUTED_BY[permission] = app_label


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


def roles_with(permission: str) -> frozenset[Role]:
    """The roles that hold ``permission`` (e.g. to find the people who file a village's return)."""
    try:
        return PERMISSIONS[permission]
    except KeyError:
        raise KeyError(f"unknown permission {permission!r}") from None
