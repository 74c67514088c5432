"""Who may do what in 稳评: this app's row of the permission table (read across to see who may do one thing).

Contributed to the one table in ``anju.core.roles`` from this app's ``AppConfig.ready``; roles are the
platform's. The assessment body (评估主体) is normally the centre or the sponsoring department; the
decision-makers are leaders.
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
    "assessment.view": frozenset(EVERYONE - {G}),
    "assessment.item": frozenset({C, D, L, X}),  # register / edit items, record a decision taken outside
    "assessment.conduct": frozenset({C, D, X}),  # plan, consultation, analysis, factors, measures, report
    "assessment.level": frozenset({C, X}),  # determine the level, override with justification
    "assessment.review": frozenset(
        {D, L, X}
    ),  # review (审核/合法性审查) an issued report before the decision
    "assessment.decide": frozenset({L, X}),  # record the collective decision
    "assessment.revise": frozenset({C, D, X}),
    "assessment.track": frozenset({V, C, D, X}),  # complete tracking tasks, link matters
}
