"""Who may do what in care (关心关爱): this app's rows of the one permission table."""

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
    # reveal the name and phone of a party of a matter one handles or cares for, for a purpose
    # (care.access: the matter's units and responsible person; never another matter's parties)
    "care.reveal_contact": frozenset({G, V, C, D, X}),
    # open care plans for the parties one may reach, plan and record visits, mark needs
    "care.plan": frozenset({G, V, C, D, X}),
    # the list of one's own care plans and the plans one may reach
    "care.view": frozenset({G, V, C, D, L, X}),
    # the centre's morning roll-up: the parties of open 较高/最高 matters, masked, and who looks after them
    "care.rollup": frozenset({C, L, X}),
    # 转介: see referrals and the service directory (in scope, or addressed to one's unit)
    "care.referral_view": frozenset({G, V, C, D, L, X}),
    "care.refer": frozenset({G, V, C, D}),  # refer a party of a matter one handles, close the referral
    "care.receive": frozenset({G, V, C, D}),  # the receiving unit's members: accept, decline, record outcome
    "care.services": frozenset({C, X}),  # keep the directory of service units
}
