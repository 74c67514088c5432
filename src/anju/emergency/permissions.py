"""Who may do what in emergency management (应急): this app's rows of the one permission table."""

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
    "emergency.view": EVERYONE,
    "emergency.plan": frozenset({C, X}),  # draft and revise plans (预案修编), the duty roster
    "emergency.approve": frozenset({L, X}),  # approve and publish a plan version
    "emergency.drill": frozenset({C, D, X}),  # plan and record drills, their findings
    "emergency.resource": frozenset({C, D, X}),  # teams, materials, shelters, dispatch and return
    "emergency.incident": frozenset({C, L, X}),  # open an incident, its reports and response log
    "emergency.command": frozenset({C, L, X}),  # activate, raise, lower and end a response
    "emergency.task": frozenset({C, D, V, X}),  # mark a task of one's unit done
}
