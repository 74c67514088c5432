"""Fixtures of the care tests: matters in 东一村, one assigned to the village cadre (their matter), one to
the town centre (another matter of the same village), and a helper that archives a matter at a given time."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from anju.matters import actions
from anju.matters.models import MatterKind

PHONE = "13812345678"
OTHER_PHONE = "13987654321"


def _register(
    world, *, title, party_name, phone, area=None, likelihood=3, consequence=3, now=None, actor=None
):
    actor = actor or world.town_staff
    matter = actions.create_matter(
        actor,
        kind=MatterKind.DISPUTE,
        domain=world.wages,
        area=area or world.village_a1,
        title=title,
        description="工人反映工程款未结清，工资拖欠三个月。",
        people_involved=12,
        amount_involved="86000",
        parties=[
            {"role": "applicant", "name": party_name, "phone": phone, "id_number": "330101199001011234"}
        ],
        now=now,
    )
    actions.assess(actor, matter, likelihood=likelihood, consequence=consequence, now=now)
    return matter


@pytest.fixture
def cadres_matter(world):
    """A 较高 (3 × 3) wage matter in 东一村 assigned to 东一村村委会, the cadre its responsible person."""
    matter = _register(world, title="工地拖欠农民工工资", party_name="张三丰", phone=PHONE)
    actions.assign(
        world.town_staff,
        matter,
        unit=world.committee_a1,
        person=world.cadre,
        deadline=timezone.localdate() + dt.timedelta(days=10),
        lead_leader=world.leader,
    )
    return matter


@pytest.fixture
def other_matter(world):
    """Another 较高 matter of the same village, assigned to the town centre: not the cadre's."""
    matter = _register(world, title="养殖场异味纠纷", party_name="李四海", phone=OTHER_PHONE)
    actions.assign(
        world.town_staff,
        matter,
        unit=world.town_centre,
        person=world.town_staff,
        deadline=timezone.localdate() + dt.timedelta(days=10),
        lead_leader=world.leader,
    )
    return matter


@pytest.fixture
def register(world):
    def make(**kw):
        return _register(world, **kw)

    return make


def archive(world, matter, *, now):
    """Walk an assigned matter to 归档, every step at ``now``."""
    staff = world.town_staff
    actions.start(staff, matter, now=now)
    actions.resolve(staff, matter, outcome="已协调支付全部工资", public_note="已办结", now=now)
    actions.follow_up(staff, matter, visited_on=timezone.localdate(now), satisfaction="satisfied", now=now)
    actions.archive(staff, matter, now=now)
    matter.refresh_from_db()
    return matter
