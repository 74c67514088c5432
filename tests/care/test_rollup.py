"""The centre's morning roll-up: each open 较高/最高 matter in scope with its parties masked, care person,
last and next visit, per matter — never merged across matters, never searchable by person."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.utils import timezone

from anju.care import actions
from anju.care.rollup import high_open_matters, open_referral_counts, rollup
from conftest import archive


def test_rollup_lists_open_high_matters_with_their_parties_and_care(
    world, cadres_matter, other_matter, register
):
    today = timezone.localdate()
    plan = actions.open_plan(
        world.cadre, cadres_matter.parties.get(), care_person=world.grid_worker, reason="家庭困难"
    )
    actions.record_visit(
        world.grid_worker, plan, kind="visit", done_on=today - dt.timedelta(days=3), note="走访"
    )
    actions.record_visit(
        world.grid_worker, plan, kind="visit", done_on=today - dt.timedelta(days=1), note="再访"
    )
    actions.plan_visit(world.grid_worker, plan, kind="follow_up", planned_on=today + dt.timedelta(days=14))
    actions.plan_visit(world.grid_worker, plan, kind="follow_up", planned_on=today + dt.timedelta(days=7))
    low = register(title="邻里噪音纠纷", party_name="王五", phone="13700000000", likelihood=1, consequence=1)
    # the same person in a second high matter: listed under each matter, never merged
    same_person = register(title="工资纠纷二", party_name="张三丰", phone="13812345678")
    west = register(
        title="西镇工地欠薪",
        party_name="赵六",
        phone="13600000000",
        area=world.village_b1,
        actor=world.centre_staff,
    )

    matters = list(high_open_matters(world.town_staff))
    assert set(matters) == {cadres_matter, other_matter, same_person}
    assert low not in matters and west not in matters
    rows = {r.matter.pk: r for r in rollup(matters)}
    cared = rows[cadres_matter.pk].parties[0]
    assert cared.plan == plan
    assert cared.last_visit == today - dt.timedelta(days=1)
    assert cared.next_visit == today + dt.timedelta(days=7)
    assert cared.open_referrals == 0
    assert rows[other_matter.pk].parties[0].plan is None
    assert rows[other_matter.pk].without_care == 1
    assert len(rows[same_person.pk].parties) == 1  # its own party, not the other matter's

    centre = Client()
    centre.force_login(world.town_staff)
    page = centre.get("/care/roll-up/")
    text = page.content.decode()
    assert page.status_code == 200
    assert text.count("张**") == 2  # masked, once under each matter
    assert "张三丰" not in text and "13812345678" not in text
    assert world.grid_worker.display_name in text
    assert (today + dt.timedelta(days=7)).isoformat() in text
    assert low.number not in text and west.number not in text
    assert 'name="q"' not in text  # no search by person


def test_rollup_leaves_out_closed_matters_and_other_towns(world, cadres_matter):
    archive(world, cadres_matter, now=timezone.now())
    assert list(high_open_matters(world.town_staff)) == []
    west_centre = Client()
    from guards import outsider

    west_centre.force_login(outsider(world, "centre_staff"))
    assert cadres_matter.number not in west_centre.get("/care/roll-up/").content.decode()


def test_rollup_is_the_centres_and_leaders(world, cadres_matter):
    for user, status in (
        (world.centre_staff, 200),
        (world.leader, 200),
        (world.cadre, 403),
        (world.auditor, 403),
    ):
        client = Client()
        client.force_login(user)
        assert client.get("/care/roll-up/").status_code == status, user.username


def test_the_rollup_counts_a_partys_open_referrals(world, cadres_matter, directory):
    party = cadres_matter.parties.get()
    referral = actions.send_referral(
        world.cadre,
        cadres_matter,
        party=party,
        service_unit=directory.counselling,
        purpose="长期拖欠工资，情绪低落，建议心理疏导",
        consent=True,
        consent_method="oral",
    )
    assert open_referral_counts([party.pk]) == {party.pk: 1}
    rows = {r.matter.pk: r for r in rollup(list(high_open_matters(world.centre_staff)))}
    assert rows[cadres_matter.pk].parties[0].open_referrals == 1
    actions.decline_referral(directory.member, referral, reason="本月名额已满，请转县医院心理科")
    assert open_referral_counts([party.pk]) == {}
