"""Fixtures for the matters tests: a factory for matters and a helper that walks one through the workflow."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from anju.matters import actions
from anju.matters.models import MatterKind


@pytest.fixture
def make_matter(world):
    """Register a matter as the county centre staff (keyword arguments override the defaults)."""

    def make(**overrides):
        fields = {
            "kind": MatterKind.DISPUTE,
            "domain": world.wages,
            "area": world.village_a1,
            "title": "工地拖欠农民工工资",
            "description": "十余名工人反映工程款未结清，工资拖欠三个月。",
            "people_involved": 12,
            "amount_involved": "86000",
            "parties": [
                {
                    "role": "applicant",
                    "name": "张三丰",
                    "phone": "13812345678",
                    "id_number": "330101199001011234",
                }
            ],
        }
        fields.update(overrides)
        actor = fields.pop("actor", world.centre_staff)
        return actions.create_matter(actor, **fields)

    return make


@pytest.fixture
def advance(world):
    """Move a matter along the main path up to (and including) ``until``; every step at the time ``now``
    (default: the present), the deadline ``deadline`` (default: ten days after ``now``)."""

    def go(matter, until: str, *, now=None, deadline=None):
        staff = world.centre_staff
        today = timezone.localdate(now) if now else timezone.localdate()
        steps = [
            ("assessed", lambda m: actions.assess(staff, m, likelihood=3, consequence=3, now=now)),
            (
                "assigned",
                lambda m: actions.assign(
                    staff,
                    m,
                    unit=world.police,
                    person=world.officer,
                    deadline=deadline or today + dt.timedelta(days=10),
                    lead_leader=world.leader,  # 3 × 3 is 较高: the level rules ask for a 包案领导
                    now=now,
                ),
            ),
            ("resolving", lambda m: actions.start(staff, m, now=now)),
            (
                "resolved",
                lambda m: actions.resolve(
                    staff, m, outcome="已协调支付全部工资", public_note="已办结", now=now
                ),
            ),
            (
                "followed_up",
                lambda m: actions.follow_up(staff, m, visited_on=today, satisfaction="satisfied", now=now),
            ),
            ("archived", lambda m: actions.archive(staff, m, now=now)),
        ]
        for status, step in steps:
            step(matter)
            if status == until:
                break
        matter.refresh_from_db()
        return matter

    return go


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    # The world fixture creates nine users; a cheap hasher keeps these many small tests quick.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def db_state():
    return _db_state


def _db_state(matter):
    """Everything an action may change about a matter: the row, its timeline and the audit log size."""
    from anju.core.models import AuditEvent
    from anju.matters.models import Matter, MatterEvent

    row = Matter.objects.filter(pk=matter.pk).values().get()
    row.pop("updated_at")
    # The test client signing in is no change made by the action.
    changes = AuditEvent.objects.exclude(action__startswith="auth.")
    return row, MatterEvent.objects.filter(matter=matter).count(), changes.count()


@pytest.fixture
def county_dept(world):
    """A county department (县人社局) with one officer (area: the county), for co-handling and coordination."""
    from anju.core import actions as core_actions
    from anju.core.models import UnitKind
    from anju.core.roles import Role

    unit = core_actions.create_unit(None, name="县人社局", kind=UnitKind.DEPARTMENT, area=world.county)
    unit.officer = core_actions.create_user(
        None,
        username="renshe",
        password="test-pass-123",
        role=Role.DEPARTMENT_OFFICER,
        area=world.county,
        unit=unit,
        display_name="renshe",
    )
    return unit


@pytest.fixture
def assigned_matter(world, make_matter):
    """A wage-arrears matter in 东一村, assigned by the town centre to the village committee (东一村村委会)."""
    matter = make_matter(actor=world.town_staff)
    actions.assess(world.town_staff, matter, likelihood=3, consequence=3)
    actions.assign(
        world.town_staff,
        matter,
        unit=world.committee_a1,
        deadline=timezone.localdate() + dt.timedelta(days=10),
        lead_leader=world.leader,  # 3 × 3 is 较高: the level rules ask for a 包案领导
    )
    return matter
