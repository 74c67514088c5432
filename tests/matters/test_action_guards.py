"""Each matters action's own guard, called directly: role, scope and unit, with a positive control each.

The pages show only what a user may do; the action itself refuses (``NotAllowed``, 403), so that weakening
any one action's guard fails here. The expected table is written by hand from the role table in the README
("What each role may do"), not read from ``anju.core.roles``.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from anju.core.errors import NotAllowed
from anju.core.models import UnitKind
from anju.core.roles import Role
from anju.matters import actions

# action -> the users (fixture names) who may perform it on a matter in their area, written by hand.
# Roles: admin 管理员, centre_staff / town_staff 综治中心, leader 领导, officer 职能部门, cadre 村干部, grid_worker
# 网格员, auditor 审计. A department officer acts only on matters assigned to their own unit: where the action
# needs an assignment the matter is assigned to the officer's unit (the police station), so the officer may;
# on a matter not yet assigned (escalate, notes, parties on a registered matter) the officer may not.
MAY = {
    "create_matter": {"admin", "centre_staff", "town_staff", "cadre", "grid_worker"},
    "assess": {"admin", "centre_staff", "town_staff"},
    "set_residual_risk": {"admin", "centre_staff", "town_staff"},
    "assign": {"admin", "centre_staff", "town_staff", "leader"},
    "start": {"admin", "centre_staff", "town_staff", "officer", "cadre", "grid_worker"},
    "resolve": {"admin", "centre_staff", "town_staff", "officer", "cadre"},
    "follow_up": {"admin", "centre_staff", "town_staff", "cadre", "grid_worker"},
    "archive": {"admin", "centre_staff", "town_staff"},
    "escalate": {"admin", "centre_staff", "town_staff", "cadre", "grid_worker"},
    "return_matter": {"admin", "centre_staff", "town_staff", "officer", "cadre"},
    "merge": {"admin", "centre_staff", "town_staff"},
    "reject": {"admin", "centre_staff", "town_staff"},
    "confirm_black_swan": {"admin", "centre_staff", "town_staff"},
    "set_grey_rhino": {"admin", "centre_staff", "town_staff"},
    "supervise": {"admin", "centre_staff", "town_staff", "leader"},
    "add_note": {"admin", "centre_staff", "town_staff", "leader", "cadre", "grid_worker"},
    "add_party": {"admin", "centre_staff", "town_staff", "leader", "cadre", "grid_worker"},
    "record_mediation": {"admin", "centre_staff", "town_staff", "officer", "cadre"},
}
USERS = [
    "admin",
    "centre_staff",
    "town_staff",
    "leader",
    "officer",
    "cadre",
    "grid_worker",
    "auditor",
]

# action -> the status the matter must be in first (a step of the `advance` fixture)
NEEDS = {
    "create_matter": "registered",  # the new matter is registered in the area of this one
    "assess": "registered",
    "set_residual_risk": "assessed",
    "assign": "assessed",
    "start": "assigned",
    "resolve": "assigned",
    "follow_up": "resolved",
    "archive": "resolved",
    "escalate": "registered",
    "return_matter": "assigned",
    "merge": "registered",
    "reject": "registered",
    "confirm_black_swan": "registered",
    "set_grey_rhino": "registered",
    "supervise": "assigned",
    "add_note": "registered",
    "add_party": "registered",
    "record_mediation": "assigned",
}


def _call(world, make_matter, action: str, actor, matter):
    today = timezone.localdate()
    match action:
        case "create_matter":
            return actions.create_matter(
                actor,
                kind="dispute",
                domain=world.wages,
                area=matter.area,
                title="同一工地又有工人反映欠薪",
                description="又有三名工人反映工资未付。",
            )
        case "assess":
            return actions.assess(actor, matter, likelihood=2, consequence=2)
        case "set_residual_risk":
            return actions.set_residual_risk(actor, matter, likelihood=1, consequence=1)
        case "assign":
            return actions.assign(
                actor,
                matter,
                unit=world.police,
                lead_leader=world.leader,
                deadline=today + dt.timedelta(days=7),
            )
        case "start":
            return actions.start(actor, matter)
        case "resolve":
            return actions.resolve(actor, matter, outcome="双方达成协议")
        case "follow_up":
            return actions.follow_up(actor, matter, visited_on=today, satisfaction="satisfied")
        case "archive":
            return actions.archive(actor, matter)
        case "escalate":
            return actions.escalate(actor, matter, reason="需上级协调")
        case "return_matter":
            return actions.return_matter(actor, matter, reason="不属本单位职责")
        case "merge":
            into = make_matter(area=matter.area, title="同一工地欠薪")
            return actions.merge(actor, matter, into=into)
        case "reject":
            return actions.reject(actor, matter, reason="不属于受理范围")
        case "confirm_black_swan":
            return actions.confirm_black_swan(
                actor,
                matter,
                reason="首次出现且后果严重",
                unit=world.police,
                deadline=today + dt.timedelta(days=30),
            )
        case "set_grey_rhino":
            return actions.set_grey_rhino(actor, matter, marked=True)
        case "supervise":
            return actions.supervise(actor, matter, note="请加快办理")
        case "add_note":
            return actions.add_note(actor, matter, note="已电话联系")
        case "add_party":
            return actions.add_party(
                actor, matter, role="respondent", name="某建筑公司", is_organisation=True
            )
        case "record_mediation":
            return actions.record_mediation(
                actor, matter, held_on=today, mediators="李调解", summary="双方到场协商", result="agreed"
            )
    raise AssertionError(action)


def _matter_at(make_matter, advance, area, status: str):
    matter = make_matter(area=area)
    return matter if status == "registered" else advance(matter, status)


@pytest.mark.django_db
@pytest.mark.parametrize("action", sorted(MAY))
def test_action_refuses_roles_without_the_permission(world, make_matter, advance, action):
    """Every user of the world on a matter in everyone's area (a grid of 东一村): allowed exactly as MAY says."""
    outcomes = {}
    for name in USERS:
        matter = _matter_at(make_matter, advance, world.grid_a1, NEEDS[action])
        actor = getattr(world, name)
        try:
            _call(world, make_matter, action, actor, matter)
        except NotAllowed:
            outcomes[name] = False
        else:
            outcomes[name] = True
    assert {name for name, ok in outcomes.items() if ok} == MAY[action]


# action -> a user who may do it in their own area but for whom 西一村 (town B) is out of scope, and the user
# of town B with the same role as the positive control.
SCOPE_PAIRS = {
    "create_matter": ("cadre", "cadre_b"),
    "assess": ("town_staff", None),
    "assign": ("town_staff", None),
    "start": ("cadre", "cadre_b"),
    "resolve": ("cadre", "cadre_b"),
    "follow_up": ("cadre", "cadre_b"),
    "escalate": ("cadre", "cadre_b"),
    "return_matter": ("cadre", "cadre_b"),
    "merge": ("town_staff", None),
    "reject": ("town_staff", None),
    "confirm_black_swan": ("town_staff", None),
    "set_grey_rhino": ("town_staff", None),
    "supervise": ("town_staff", None),
    "add_note": ("cadre", "cadre_b"),
    "add_party": ("cadre", "cadre_b"),
    "record_mediation": ("cadre", "cadre_b"),
    "set_residual_risk": ("town_staff", None),
    "archive": ("town_staff", None),
}


@pytest.mark.django_db
@pytest.mark.parametrize("action", sorted(SCOPE_PAIRS))
def test_action_refuses_a_matter_outside_the_actors_area(world, make_matter, advance, action):
    outsider, control = SCOPE_PAIRS[action]
    assert set(SCOPE_PAIRS) == set(MAY)
    matter = _matter_at(make_matter, advance, world.village_b1, NEEDS[action])
    with pytest.raises(NotAllowed):
        _call(world, make_matter, action, getattr(world, outsider), matter)
    # positive control: the same action on the same kind of matter, by a user whose area contains it
    allowed = getattr(world, control) if control else world.centre_staff
    matter = _matter_at(make_matter, advance, world.village_b1, NEEDS[action])
    _call(world, make_matter, action, allowed, matter)


# action -> how a matter of 东一村's grid, assigned to the police station, reaches a status the action is
# legal in: a step of `advance`, or the assigned matter then returned (退回) or escalated (上报).
ASSIGNED_STATUS = {
    "create_matter": "assigned",
    "assess": "returned",
    "assign": "returned",
    "reject": "escalated",
    "follow_up": "resolved",
    "archive": "resolved",
}


@pytest.fixture
def labour_officer(world):
    """A department officer of another unit of the same town (the labour office, serving the wages domain, so
    that its officers see the matters of that domain without being responsible for them)."""
    from anju.core import actions as core_actions

    labour = core_actions.create_unit(
        None, name="东镇人社所", kind=UnitKind.DEPARTMENT, area=world.town_a, domains=[world.wages]
    )
    return core_actions.create_user(
        None,
        username="laobao",
        password="test-pass-123",
        role=Role.DEPARTMENT_OFFICER,
        area=world.town_a,
        unit=labour,
        display_name="laobao",
    )


def _assigned_to_police(world, make_matter, advance, action: str):
    status = ASSIGNED_STATUS.get(action, "assigned")
    matter = advance(make_matter(area=world.grid_a1), "resolved" if status == "resolved" else "assigned")
    if status == "returned":
        actions.return_matter(world.centre_staff, matter, reason="需重新研判")
    elif status == "escalated":
        actions.escalate(world.centre_staff, matter, reason="需镇里协调")
    matter.refresh_from_db()
    assert matter.status == status and matter.responsible_unit == world.police
    return matter


@pytest.mark.django_db
@pytest.mark.parametrize("action", sorted(MAY))
def test_action_refuses_an_officer_of_another_unit(world, make_matter, advance, labour_officer, action):
    """A department officer acts only on the matters assigned to their own unit, whatever they may see."""
    matter = _assigned_to_police(world, make_matter, advance, action)
    with pytest.raises(NotAllowed) as refused:
        _call(world, make_matter, action, labour_officer, matter)
    if "officer" in MAY[action] and action != "create_matter":
        assert "本单位" in refused.value.messages[0]  # the unit rule, not the role
    # positive control: the officer of the responsible unit where the role may, else the centre staff
    allowed = world.officer if "officer" in MAY[action] else world.centre_staff
    matter = _assigned_to_police(world, make_matter, advance, action)
    _call(world, make_matter, action, allowed, matter)


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["add_note", "add_party", "escalate"])
def test_a_department_officer_acts_on_the_matters_of_their_own_unit(world, make_matter, advance, action):
    """The refusals above for a registered matter; once assigned to the officer's unit, the same action works."""
    matter = advance(make_matter(area=world.grid_a1), "assigned")  # assigned to the police station
    assert matter.responsible_unit == world.police == world.officer.unit
    _call(world, make_matter, action, world.officer, matter)
