"""Who may do what in early warning: this app's rows of the one permission table (``anju.core.roles``)."""

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
    "signals.view": frozenset({C, L, A, X, D, V}),
    "signals.scan": frozenset({C, X}),
    "signals.configure": frozenset({C, X}),
    "alert.view": EVERYONE,
    "alert.manage": frozenset({C, X}),
    # 风险传导: read the model's summaries and run scenarios; refit a county's model
    "transmission.view": frozenset({C, L, A, X, D}),
    "transmission.fit": frozenset({C, X}),
    "analysis.view": frozenset({C, L, A, X, D}),
    "analysis.manage": frozenset({C, L, X}),
    # a meeting's task addressed to one's unit: open it and complete it, wherever the meeting was held
    "analysis.task": frozenset({G, V, C, D, L, X}),
}
