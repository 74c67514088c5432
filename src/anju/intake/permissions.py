"""Who may do what in intake: this app's rows of the one permission table (``anju.core.roles``)."""

from __future__ import annotations

from anju.core.roles import EVERYONE, Role

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
    "report.view": EVERYONE,
    "report.create": frozenset({G, V, C, D, X}),
    "report.register": frozenset({V, C, X}),  # turn a report into a matter, or link it to one
    "intake.legacy_import": frozenset({C, X}),  # import an old 台账 spreadsheet as historical matters
}
