"""Who may do what in monthly reporting: this app's rows of the one permission table (``anju.core.roles``)."""

from __future__ import annotations

from anju.core.roles import Role

G, V, C, D, L, A, X = (
    Role.GRID_WORKER,
    Role.VILLAGE_CADRE,
    Role.CENTRE_STAFF,
    Role.DEPARTMENT_OFFICER,
    Role.LEADER,
    Role.AUDITOR,
    Role.ADMIN,
)

PERMISSIONS: dict[str, frozenset[Role]] = {
    # a department officer: only their unit's own report (actions._unit_rule; ANJU_UNIT_MONTHLY_REPORTS)
    "report.monthly": frozenset({V, C, D, L, X}),
    # 工作进展报送: a town's centre or a department unit reports to the level above, which reads it
    "progress.view": frozenset({C, D, L, A, X}),
    "progress.submit": frozenset({C, D, X}),
    "progress.read": frozenset({C, L, X}),
}
