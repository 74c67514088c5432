"""Who may do what with cases (专案): this app's rows of the one permission table."""

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
    "cases.view": EVERYONE,
    "cases.manage": frozenset({C, L, X}),  # open a case, add and remove its matters, close it
    # 舆情应对 (cases.actions.opinion): verify, respond, track and close; approving the wording (口径) is its
    # own row, so that it can be narrowed to leaders without touching the rest
    "cases.opinion": frozenset({C, L, X}),
    "cases.opinion_approve": frozenset({C, L, X}),
    "cases.task": frozenset({G, V, C, D, L, X}),  # complete a case task given to one's unit or oneself
    "cases.buffer": frozenset({C, L, X}),  # add and end buffer measures (隔离缓冲) on a case or a crossing
}
