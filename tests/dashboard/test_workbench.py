"""The 工作台 per role: each card's count against a ledger built by hand, and each count's link opens a
list of exactly that many (the ledger's own count)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from anju.dashboard.workbench import cards_for
from anju.intake import actions as intake_actions
from anju.matters import actions
from anju.matters.models import Matter


@pytest.fixture
def ledger(world):
    """Six matters and two reports, written by hand:

    m1 registered (东一村) · m2 assessed (东二村) · m3 critical, assigned to 东一村村委会, due in 2 days ·
    m4 assigned to 东一村村委会 ten days ago, 3 days overdue, being resolved (in 东一村第一网格) ·
    m5 assigned to 东镇派出所, due in 20 days · m6 assigned to 西一村村委会, due tomorrow (西镇).
    Reports: one received in 东一村, one in 西一村."""
    staff = world.centre_staff
    today = timezone.localdate()
    long_ago = timezone.now() - dt.timedelta(days=10)

    def matter(area, title, likelihood=None, consequence=None, **kw):
        return actions.create_matter(
            staff,
            kind="dispute",
            domain=world.wages,
            area=area,
            title=title,
            description="拖欠工资",
            likelihood=likelihood,
            consequence=consequence,
            **kw,
        )

    matter(world.village_a1, "m1", now=long_ago)  # still ungraded after ANJU_UNGRADED_HOURS
    matter(world.village_a2, "m2", 2, 2)
    m3 = matter(world.village_a1, "m3", 5, 5)
    # 5 × 5 is a 灰犀牛: assigned only with a mitigation plan
    Matter.objects.filter(pk=m3.pk).update(mitigation_plan="先行垫付，分期追偿")
    m3 = Matter.objects.get(pk=m3.pk)
    actions.assign(
        staff,
        m3,
        unit=world.committee_a1,
        deadline=today + dt.timedelta(days=2),
        lead_leader=world.leader,
        exemption_reason="村委会熟悉情况，县级包案领导督导",
    )
    m4 = matter(world.grid_a1, "m4", 1, 1, now=long_ago)
    actions.assign(staff, m4, unit=world.committee_a1, deadline=today - dt.timedelta(days=3), now=long_ago)
    actions.start(world.cadre, m4)
    m5 = matter(world.village_a2, "m5", 1, 1)
    actions.assign(staff, m5, unit=world.police, deadline=today + dt.timedelta(days=20))
    m6 = matter(world.village_b1, "m6", 1, 1)
    actions.assign(staff, m6, unit=world.committee_b1, deadline=today + dt.timedelta(days=1))
    intake_actions.submit_report(world.cadre, channel="visit", text="东一村道路积水。", area=world.village_a1)
    intake_actions.submit_report(
        world.cadre_b, channel="visit", text="西一村路灯不亮。", area=world.village_b1
    )
    return world


def counts(user) -> dict[str, int]:
    return {c.key: c.count for c in cards_for(user, timezone.localdate())}


def test_centre_staff_see_the_county_queues(ledger):
    assert counts(ledger.centre_staff) == {
        "to_register": 2,
        "to_grade": 1,
        "to_assign": 1,
        "due_soon": 2,  # m3, m6
        "overdue": 1,  # m4
        "to_supervise": 2,  # m4 overdue, m3 critical
        "progress_due": 1,  # m3 (最高: a report a day)
        "progress_overdue": 0,
        "black_swans": 0,
        "root_cause": 0,
        "coordination_requests": 0,
        "cohandling_tasks": 0,
        "progress_updates": 0,
        "alerts_to_acknowledge": 0,
        "meeting_tasks": 0,
        "emergency_tasks": 0,
    }


def test_town_staff_see_their_town_only(ledger):
    got = counts(ledger.town_staff)
    assert (got["to_register"], got["to_grade"], got["to_assign"], got["due_soon"], got["overdue"]) == (
        1,
        1,
        1,
        1,
        1,
    )


def test_village_cadre_see_their_units_work(ledger):
    assert counts(ledger.cadre) == {
        "unit_to_sign": 1,  # m3
        "unit_in_hand": 1,  # m4
        "unit_due_soon": 1,
        "unit_overdue": 1,
        "cohandling_tasks": 0,
        "coordination_requests": 0,
        "unit_progress_due": 1,  # m3 (最高: a report a day from its assignment)
        "to_register": 1,
        "returns_due": 0,
        "alerts_to_acknowledge": 0,
        "emergency_tasks": 0,
    }
    assert counts(ledger.cadre_b)["unit_to_sign"] == 1  # m6, the other village's


def test_grid_worker_sees_their_grid_of_their_units_work(ledger):
    assert counts(ledger.grid_worker) == {
        "unit_to_sign": 0,  # m3 is in the village, outside the grid
        "unit_in_hand": 1,  # m4 is in the grid
        "unit_due_soon": 0,
        "unit_overdue": 1,
        "alerts_to_acknowledge": 0,
    }


def test_department_officer_sees_their_units_matters(ledger):
    assert counts(ledger.officer) == {
        "unit_open": 1,  # m5
        "unit_to_sign": 1,
        "unit_due_soon": 0,
        "unit_overdue": 0,
        "cohandling_tasks": 0,
        "coordination_requests": 0,
        "unit_progress_due": 0,
        "returns_due": 0,
        "alerts_to_acknowledge": 0,
        "meeting_tasks": 0,
        "emergency_tasks": 0,
    }


def test_leader_sees_supervision_and_risk(ledger):
    assert counts(ledger.leader) == {
        "lead_matters": 1,  # m3
        "lead_overdue": 0,
        "supervision_unanswered": 0,
        "to_supervise": 2,
        "high_risk": 1,
        "overdue": 1,
        "current_alerts": 0,
        "alerts_to_acknowledge": 0,
    }


def test_the_auditor_has_no_queue(ledger):
    assert counts(ledger.auditor) == {}


LEDGER_COUNT = re.compile(r"共 (\d+) 件事项")


@pytest.mark.parametrize("who", ["centre_staff", "town_staff", "cadre", "grid_worker", "officer", "leader"])
def test_each_ledger_count_links_to_a_list_of_that_many(client, ledger, who):
    user = getattr(ledger, who)
    client.force_login(user)
    home = client.get("/").content.decode()
    checked = 0
    for card in cards_for(user, timezone.localdate()):
        assert f'href="{card.url.replace("&", "&amp;")}"' in home
        if card.url.startswith("/matters/?"):
            page = client.get(card.url)
            assert page.status_code == 200
            assert LEDGER_COUNT.search(page.content.decode()).group(1) == str(card.count), card.key
            checked += 1
        else:
            assert client.get(card.url).status_code == 200, card.key
    assert checked >= 1
