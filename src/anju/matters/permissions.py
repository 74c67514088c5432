"""Who may do what in the ledger: this app's rows of the one permission table (``anju.core.roles``).

Which status each action needs is ``matters.workflow``; which matters a user may act on is scope
(``anju.core.scoping``).
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

PERMISSIONS: dict[str, frozenset[Role]] = {
    "matter.view": EVERYONE,
    "ledger.export": frozenset({V, C, D, L, A, X}),
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
    "matter.flag": frozenset({C, X}),  # review 黑天鹅 / mark 灰犀牛 / its 缓释方案
    "matter.correct": frozenset({C, X}),  # correct people, amount, domain, place, type after registration
    "rootcause.complete": frozenset({V, C, D, X}),  # 根因分析 of a confirmed 黑天鹅 (own unit's, or centre)
    "matter.supervise": frozenset({C, L, X}),  # 督办 notes
    "matter.note": frozenset({G, V, C, D, L, X}),
    "mediation.record": frozenset({V, C, D, X}),
    # 协办, 协调请求 and 问责 (matters.actions.coordination): completing a task or answering a request also needs
    # the actor to belong to the unit it is addressed to (administrators act for any unit in their area)
    "matter.cohandle": frozenset({C, L, X}),  # add a co-handling unit, withdraw its task
    "cohandling.complete": frozenset({V, C, D, X}),
    "coordination.request": frozenset({C, X}),
    "coordination.answer": frozenset({C, D, X}),
    "accountability.record": frozenset({C, L, X}),
    "accountability.view": frozenset({C, L, A, X}),
    "matter.lead_leader": frozenset({C, L, X}),  # 包案领导 (level rules)
    "matter.progress_report": frozenset({V, C, D, X}),  # 进展报告 of the responsible side
    # typed links between matters (关联/引发/同源/复发): both matters must be in the actor's scope
    "matter.link": frozenset({V, C, D, X}),
    "matter.reopen": frozenset({C, X}),  # reopen an archived matter as a recurrence (复发)
    "level_rules.edit": frozenset({C, X}),  # a new version of the county's level rules
}
