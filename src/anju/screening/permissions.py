"""Who may do what in 排查: this app's rows of the permission table (read across to see who may do one thing).

Contributed to the one table in ``anju.core.roles`` from this app's ``AppConfig.ready``; the roles are the
platform's. Which areas a user may act for is scope, see ``anju.core.scoping``.
"""

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

PERMISSIONS: dict[str, frozenset] = {
    "screening.view": frozenset(EVERYONE),
    # file (and correct) a return: the village committee for its village, a department officer for their unit
    # (镇直单位), a centre for its own area or on behalf of one below (``actions._may_file`` keeps each to its own)
    "screening.file": frozenset({V, C, D, X}),
    # close rounds, send reminders by hand, configure the cadence
    "screening.manage": frozenset({C, X}),
}
