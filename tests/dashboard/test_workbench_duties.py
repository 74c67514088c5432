"""The 工作台's cards for 包案, progress reports, 协办/协调, 黑天鹅, 根因分析, returns and 工作进展报送: each count
against a ledger built by hand, and each link opens a list of exactly that many."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from anju.dashboard.workbench import cards_for
from anju.matters import actions
from anju.matters.models import Matter, ProgressReport, RootCauseTask, SupervisionNote
from anju.matters.models_coordination import CoHandlingTask, CoordinationRequest
from anju.reports.models import ProgressReport as ProgressUpdate

WORK_CARDS = {
    "lead_matters",
    "lead_overdue",
    "supervision_unanswered",
    "progress_due",
    "progress_overdue",
    "unit_progress_due",
    "black_swans",
    "root_cause",
    "coordination_requests",
    "cohandling_tasks",
    "returns_due",
    "progress_updates",
}


@pytest.fixture
def duties(world):
    """Three matters, written by hand:

    ma (东一村), assigned to 东一村村委会, due in 2 days, led by lingdao · mb (东二村) assigned to 东镇派出所,
    3 days overdue, led by lingdao, its 督办 unanswered and reported to the leaders · mc (西一村) assigned to 西一村村委会, a suggested 黑天鹅 with a 根因分析 task.
    Progress reports: ma due yesterday and in 5 days, mb due in 3 days, mc filed. 协办: 派出所 open on ma,
    东一村村委会 open on mb, 派出所 done on mc. 协调: 派出所→县中心 pending on mb, 派出所→东一村村委会 pending
    on mb, 东一村村委会→派出所 accepted on ma. 工作进展报送: to the county unread, to the county read, to 东镇
    unread."""
    w = world
    staff = w.centre_staff
    today = timezone.localdate()
    long_ago = timezone.now() - dt.timedelta(days=10)

    def matter(area, title, likelihood, consequence, unit, deadline, now=None):
        m = actions.create_matter(
            staff,
            kind="dispute",
            domain=w.wages,
            area=area,
            title=title,
            description="拖欠工资",
            likelihood=likelihood,
            consequence=consequence,
            now=now,
        )
        actions.assign(staff, m, unit=unit, deadline=deadline, now=now)
        return Matter.objects.get(pk=m.pk)

    ma = matter(w.village_a1, "ma", 2, 2, w.committee_a1, today + dt.timedelta(days=2))
    mb = matter(w.village_a2, "mb", 1, 1, w.police, today - dt.timedelta(days=3), now=long_ago)
    mc = matter(w.village_b1, "mc", 1, 1, w.committee_b1, today + dt.timedelta(days=9))
    Matter.objects.filter(pk__in=[ma.pk, mb.pk]).update(lead_leader=w.leader)
    Matter.objects.filter(pk=mc.pk).update(black_swan_suggested=True)

    ProgressReport.objects.all().delete()  # only the hand-written ones below
    ProgressReport.objects.create(matter=ma, due_on=today - dt.timedelta(days=1))
    ProgressReport.objects.create(matter=ma, due_on=today + dt.timedelta(days=5))
    ProgressReport.objects.create(matter=mb, due_on=today + dt.timedelta(days=3))
    ProgressReport.objects.create(
        matter=mc, due_on=today - dt.timedelta(days=2), filed_at=timezone.now(), filed_by=staff, text="已走访"
    )

    deadline = today + dt.timedelta(days=5)
    CoHandlingTask.objects.create(matter=ma, unit=w.police, task="核实用工", deadline=deadline)
    CoHandlingTask.objects.create(matter=mb, unit=w.committee_a1, task="走访", deadline=deadline)
    CoHandlingTask.objects.create(matter=mc, unit=w.police, task="调解", deadline=deadline, state="done")
    CoordinationRequest.objects.create(
        matter=mb, from_unit=w.police, to_unit=w.centre, asked="协调", due=deadline
    )
    CoordinationRequest.objects.create(
        matter=mb, from_unit=w.police, to_unit=w.committee_a1, asked="协调", due=deadline
    )
    CoordinationRequest.objects.create(
        matter=ma, from_unit=w.committee_a1, to_unit=w.police, asked="协调", due=deadline, state="accepted"
    )
    RootCauseTask.objects.create(matter=mc, unit=w.committee_b1, deadline=deadline, created_by=staff)
    # 督办: on mb unanswered and reported to the leaders; on ma not (yet) reported
    SupervisionNote.objects.create(matter=mb, by=w.leader, note="三日内报告", escalated_at=timezone.now())
    SupervisionNote.objects.create(matter=ma, by=w.leader, note="加快办理")

    def update(to_area, read):
        ProgressUpdate.objects.create(
            area=w.town_a,
            to_area=to_area,
            title="月度进展",
            period_start=today - dt.timedelta(days=30),
            period_end=today,
            text="进展顺利",
            submitted_by=w.town_staff,
            read_at=timezone.now() if read else None,
            read_by=w.centre_staff if read else None,
        )

    update(w.county, read=False)
    update(w.county, read=True)
    update(w.town_a, read=False)
    return w


def work_counts(user) -> dict[str, int]:
    return {c.key: c.count for c in cards_for(user, timezone.localdate()) if c.key in WORK_CARDS}


def test_the_leader_sees_the_matters_they_lead(duties):
    assert work_counts(duties.leader) == {"lead_matters": 2, "lead_overdue": 1, "supervision_unanswered": 1}
    assert work_counts(duties.centre_staff).get("lead_matters") is None  # a leader's card only


def test_county_centre_staff_see_reports_reviews_and_requests(duties):
    assert work_counts(duties.centre_staff) == {
        "progress_due": 3,  # ma ×2, mb (mc's is filed)
        "progress_overdue": 1,  # ma's of yesterday
        "black_swans": 1,
        "root_cause": 1,
        "coordination_requests": 1,  # 派出所 → 县中心
        "cohandling_tasks": 0,
        "progress_updates": 1,  # addressed to the county, unread
    }


def test_town_centre_staff_see_their_town_only(duties):
    got = work_counts(duties.town_staff)
    assert (got["progress_due"], got["black_swans"], got["root_cause"], got["progress_updates"]) == (
        3,
        0,
        0,
        1,
    )


def test_village_cadre_see_their_units_duties(duties):
    assert work_counts(duties.cadre) == {
        "cohandling_tasks": 1,  # on mb
        "coordination_requests": 1,  # from 派出所
        "unit_progress_due": 2,  # ma's two
        "returns_due": 0,
    }
    assert work_counts(duties.cadre_b)["unit_progress_due"] == 0  # mc's report is filed


def test_department_officer_see_their_units_duties(duties):
    assert work_counts(duties.officer) == {
        "cohandling_tasks": 1,  # on ma (the one on mc is done)
        "coordination_requests": 0,  # the one to 派出所 is answered
        "unit_progress_due": 1,  # mb's
        "returns_due": 0,
    }


def listed(response) -> int:
    """How many items the list page shows (its paginator's count, or its list of open tasks/returns)."""
    context = response.context
    if "page" in context and hasattr(context["page"], "paginator"):
        return context["page"].paginator.count
    if "page" in context and hasattr(context["page"], "count_capped"):  # the ledger's keyset page
        assert not context["page"].count_capped
        return context["page"].count
    for key in ("tasks", "pending"):
        if key in context:
            return len(context[key])
    raise AssertionError("no list on the page")


@pytest.mark.parametrize("who", ["centre_staff", "town_staff", "cadre", "officer", "leader"])
def test_each_duty_count_links_to_a_list_of_that_many(client, duties, who):
    user = getattr(duties, who)
    client.force_login(user)
    home = client.get("/").content.decode()
    checked = 0
    for card in cards_for(user, timezone.localdate()):
        if card.key not in WORK_CARDS:
            continue
        assert f'href="{card.url.replace("&", "&amp;")}"' in home
        page = client.get(card.url)
        assert page.status_code == 200, card.key
        if card.url.startswith("/matters/?"):
            assert not page.context["page"].count_capped
            assert page.context["page"].count == card.count, card.key
        else:
            assert listed(page) == card.count, card.key
        checked += 1
    assert checked >= 2
