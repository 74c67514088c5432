"""Anything addressed to a unit is that unit's to see and act on, whatever the area of what created it:
a county meeting's task given to a town's centre, a warning about another town sent to it to acknowledge.
The rule is ``core.scoping`` (``scope_unit_field``); the negative control is always a user of another unit
in the same town, who sees none of it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from anju.core import actions as core_actions
from anju.core.errors import NotAllowed
from anju.core.permissions import require
from anju.core.roles import Role
from anju.core.scoping import addressed_to, get_scoped_or_404, scoped
from anju.warning import actions
from anju.warning.models import Alert, AlertRecipient, AnalysisMeeting, MeetingDecision

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def county_task(world):
    """A county meeting (outside 东镇's scope) gives 东镇综治中心 a task."""
    meeting = actions.plan_meeting(
        world.centre_staff, kind="regular", area=world.county, title="全县周研判", held_at=timezone.now()
    )
    return actions.add_decision(
        world.centre_staff,
        meeting,
        kind="task",
        text="排查东镇在建工地欠薪",
        unit=world.town_centre,
        deadline=timezone.localdate() + dt.timedelta(days=5),
    )


@pytest.fixture
def west_alert(world):
    """An issued warning about 西一村 (outside 东镇) sent to 东镇综治中心 and 西一村村委会."""
    alert = actions.draft_alert(
        world.centre_staff,
        domain=world.wages,
        level="yellow",
        headline="西一村欠薪预警",
        area=world.village_b1,
        onset=timezone.now(),
        expected="欠薪事项增多",
        measures="开展排查",
        recipients=[world.town_centre, world.committee_b1],
    )
    return actions.issue_alert(world.centre_staff, alert)


def test_a_task_addressed_to_a_unit_is_seen_by_it_and_not_by_another_unit_of_the_town(world, county_task):
    # positive control: the town centre's staff see the task, though not the county meeting it came from
    assert list(scoped(world.town_staff, MeetingDecision)) == [county_task]
    assert not scoped(world.town_staff, AnalysisMeeting).filter(pk=county_task.meeting_id).exists()
    assert addressed_to(world.town_staff, county_task)
    # negative control: the police station of the same town sees nothing of it
    assert not scoped(world.officer, MeetingDecision).exists()
    assert not addressed_to(world.officer, county_task)
    # the county sees it by its area, once
    assert list(scoped(world.centre_staff, MeetingDecision)) == [county_task]


def test_addressed_passes_the_area_check_but_not_the_role(world, county_task):
    require(world.town_staff, "analysis.task", county_task)  # outside the area, but addressed to the unit
    with pytest.raises(NotAllowed, match="管辖"):
        require(world.town_staff, "analysis.manage", county_task.meeting)  # the meeting is not addressed
    with pytest.raises(NotAllowed, match="管辖"):
        require(world.officer, "analysis.task", county_task)  # another unit of the town
    auditor = core_actions.create_user(
        None,
        username="shenji_dong",
        password="test-pass-123",
        role=Role.AUDITOR,
        area=world.town_a,
        unit=world.town_centre,
    )
    with pytest.raises(NotAllowed, match="无权"):  # a member of the unit whose role may not
        require(auditor, "analysis.task", county_task)
    with pytest.raises(NotAllowed, match="无权"):
        actions.complete_task(auditor, county_task, note="已排查")


def test_the_addressed_unit_completes_the_task_and_another_unit_may_not(world, county_task):
    with pytest.raises(NotAllowed, match="责任单位"):
        actions.complete_task(world.officer, county_task, note="已排查")
    done = actions.complete_task(world.town_staff, county_task, note="已排查 3 个工地")
    assert done.done_at is not None and done.done_note == "已排查 3 个工地"


def test_the_task_pages(client, world, county_task):
    client.force_login(world.town_staff)
    listing = client.get("/warning/tasks/").content.decode()
    assert "排查东镇在建工地欠薪" in listing and "全县周研判" in listing
    page = client.get(f"/warning/tasks/{county_task.pk}/")
    assert page.status_code == 200 and "排查东镇在建工地欠薪" in page.content.decode()
    assert (
        client.get(f"/warning/meetings/{county_task.meeting_id}/").status_code == 404
    )  # agenda stays county's
    response = client.post(
        f"/warning/meetings/tasks/{county_task.pk}/done/", {"note": "已办结", "back": "task"}
    )
    assert response.status_code == 302 and response["Location"] == f"/warning/tasks/{county_task.pk}/"
    county_task.refresh_from_db()
    assert county_task.done_note == "已办结"
    # negative control: the police station of the same town
    client.force_login(world.officer)
    assert client.get(f"/warning/tasks/{county_task.pk}/").status_code == 404
    assert "排查东镇在建工地欠薪" not in client.get("/warning/tasks/").content.decode()
    # the county sees it completed on the meeting's page
    client.force_login(world.centre_staff)
    html = client.get(f"/warning/meetings/{county_task.meeting_id}/").content.decode()
    assert "已办结" in html


def test_the_task_notice_opens_for_the_unit(client, world, county_task):
    from anju.core.models import Notification

    notice = Notification.objects.get(user=world.town_staff, kind="warning.meeting_task")
    client.force_login(world.town_staff)
    assert client.get(notice.link).status_code == 200


def test_a_warning_sent_to_a_unit_outside_its_area_is_seen_and_acknowledged(client, world, west_alert):
    # positive control: 东镇综治中心 is a recipient, 西一村 is not in its area
    assert list(scoped(world.town_staff, Alert)) == [west_alert]
    assert scoped(world.town_staff, AlertRecipient).filter(unit=world.town_centre).count() == 1
    # negative control: another unit of 东镇
    assert not scoped(world.officer, Alert).exists()
    client.force_login(world.officer)
    assert client.get(f"/warning/{west_alert.pk}/").status_code == 404
    client.force_login(world.town_staff)
    page = client.get(f"/warning/{west_alert.pk}/")
    assert page.status_code == 200 and "西一村欠薪预警" in page.content.decode()
    assert "西一村欠薪预警" in client.get("/warning/").content.decode()
    assert client.post(f"/warning/{west_alert.pk}/acknowledge/").status_code == 302
    recipient = AlertRecipient.objects.get(alert=west_alert, unit=world.town_centre)
    assert recipient.acknowledged_by == world.town_staff
    # a recipient may not lift what it was sent: the issuing level only
    with pytest.raises(NotAllowed, match="发布单位"):
        actions.lift_alert(world.town_staff, west_alert, note="解除")


def test_a_draft_is_not_addressed_yet(world):
    draft = actions.draft_alert(
        world.centre_staff,
        domain=world.wages,
        level="yellow",
        headline="西镇草稿预警",
        area=world.town_b,
        onset=timezone.now(),
        expected="x",
        measures="y",
        recipients=[world.town_centre],
    )
    assert not scoped(world.town_staff, Alert).filter(pk=draft.pk).exists()
    assert not addressed_to(world.town_staff, draft)
    with pytest.raises(NotAllowed, match="管辖"):  # so it cannot be issued by the recipient either
        actions.issue_alert(world.town_staff, draft)


def test_no_duplicates_when_addressed_and_in_area(world):
    """A warning in 东一村 sent to two units of the user: found by area and by address, listed once."""
    alert = actions.draft_alert(
        world.centre_staff,
        domain=world.wages,
        level="yellow",
        headline="东一村预警",
        area=world.village_a1,
        onset=timezone.now(),
        expected="x",
        measures="y",
        recipients=[world.town_centre, world.police, world.committee_a1],
    )
    actions.issue_alert(world.centre_staff, alert)
    assert scoped(world.town_staff, Alert).filter(pk=alert.pk).count() == 1
    assert get_scoped_or_404(world.town_staff, Alert, pk=alert.pk) == alert


def test_several_paths_to_a_unit(world, county_task, monkeypatch):
    """``scope_unit_field`` may name several paths: a row addressed along any of them is the unit's."""
    other = actions.plan_meeting(
        world.centre_staff, kind="regular", area=world.town_b, title="西镇研判会", held_at=timezone.now()
    )
    to_police = actions.add_decision(
        world.centre_staff,
        other,
        kind="task",
        text="西镇会交东镇派出所",
        unit=world.police,
        deadline=timezone.localdate() + dt.timedelta(days=5),
    )
    assert list(scoped(world.officer, MeetingDecision)) == [to_police]
    # the tasks of meetings the user's unit created, as a second path (the county centre made both)
    monkeypatch.setattr(MeetingDecision, "scope_unit_field", ("unit", "meeting__created_by__unit"))
    assert list(scoped(world.officer, MeetingDecision)) == [to_police]  # police created no meeting
    # a member of the county centre placed in 西一村: neither task is in its area, both are its unit's
    roaming = core_actions.create_user(
        None,
        username="centre_in_town_b",
        password="test-pass-123",
        role=Role.CENTRE_STAFF,
        area=world.village_b1,
        unit=world.centre,
    )
    assert set(scoped(roaming, MeetingDecision)) == {county_task, to_police}
