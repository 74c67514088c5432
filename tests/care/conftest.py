"""Fixtures of the care tests.

Care plans and reveals: matters in 东一村, one assigned to the village cadre (their matter), one to the town
centre (another matter of the same village), and a helper that archives a matter at a given time.
Referrals: a matter in 东一村 with two parties, one of 西镇, and a directory of service units — one linked to a
county unit of its own (县社会心理服务站, with one member), one not linked to any unit."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from care_helpers import at
from django.utils import timezone

from anju.care import actions as care
from anju.core import actions as core
from anju.core.models import UnitKind
from anju.core.roles import Role
from anju.matters import actions
from anju.matters import actions as m
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


@pytest.fixture
def matter(world):
    return m.create_matter(
        world.centre_staff,
        kind=MatterKind.DISPUTE,
        domain=world.wages,
        area=world.village_a1,
        title="工地拖欠农民工工资",
        description="十余名工人反映工程款未结清，工资拖欠三个月。",
        parties=[
            {"role": "applicant", "name": "张三丰", "phone": "13812345678"},
            {"role": "respondent", "name": "李四", "phone": "13900001111"},
        ],
        now=at(1),
    )


@pytest.fixture
def western_matter(world):
    """A matter of 西镇 (西一村): outside 东镇's handlers."""
    return m.create_matter(
        world.centre_staff,
        kind=MatterKind.DISPUTE,
        domain=world.land,
        area=world.village_b1,
        title="征地补偿争议",
        description="村民对补偿标准有异议。",
        parties=[{"role": "applicant", "name": "王五", "phone": "13700002222"}],
        now=at(1),
    )


@pytest.fixture
def directory(world):
    """县社会心理服务站 (counselling, county, linked to its own unit with member 心理), 县法律援助中心 (legal aid,
    county, not linked), 东镇就业服务站 (employment, 东镇), 西镇卫生院 (medical, 西镇)."""
    unit = core.create_unit(None, name="县社会心理服务站", kind=UnitKind.DEPARTMENT, area=world.county)
    member = core.create_user(
        None,
        username="xinli",
        password="test-pass-123",
        role=Role.DEPARTMENT_OFFICER,
        area=world.county,
        unit=unit,
        display_name="心理社工",
    )
    admin = world.admin
    d = SimpleNamespace(unit=unit, member=member)
    d.counselling = care.create_service(
        admin,
        name="县社会心理服务站",
        kind="counselling",
        area=world.county,
        unit=unit,
        contact_position="值班心理咨询师",
        contact_phone="0571-88880001",
    )
    d.legal = care.create_service(
        admin, name="县法律援助中心", kind="legal_aid", area=world.county, contact_position="援助律师值班岗"
    )
    d.employment = care.create_service(
        admin, name="东镇就业服务站", kind="employment", area=world.town_a, contact_position="就业指导员"
    )
    d.medical = care.create_service(
        admin, name="西镇卫生院", kind="medical", area=world.town_b, contact_position="公共卫生科"
    )
    return d
