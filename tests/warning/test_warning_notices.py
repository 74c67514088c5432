"""Notices of early warning: an issued message asks each recipient unit's active users to acknowledge it
(once per message and unit), an analysis-meeting task tells its unit; and only the issuing level or a level
above updates or lifts a warning."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from anju.core import actions as core_actions
from anju.core.errors import NotAllowed
from anju.core.models import Notification, User
from anju.core.roles import Role
from anju.warning import actions
from anju.warning.models import Alert, AlertStatus, MeetingKind


@pytest.fixture
def left_cadre(world):
    """An inactive account at the 东一村 committee: it is told nothing."""
    user = core_actions.create_user(
        None,
        username="cun_left",
        password="test-pass-123",
        role=Role.VILLAGE_CADRE,
        area=world.village_a1,
        unit=world.committee_a1,
    )
    User.objects.filter(pk=user.pk).update(is_active=False)
    return user


def _draft(world, actor, **overrides):
    fields = {
        "domain": world.wages,
        "level": "yellow",
        "headline": "东一村欠薪诉求异常增多预警",
        "area": world.village_a1,
        "onset": timezone.now(),
        "expected": "本周欠薪类事项 8 件。",
        "measures": "立即排查在建工地。",
        "recipients": [world.committee_a1, world.police],
    }
    fields.update(overrides)
    return actions.draft_alert(actor, **fields)


def _told(kind="warning.to_acknowledge"):
    return sorted(Notification.objects.filter(kind=kind).values_list("user__username", flat=True))


def test_issuing_asks_each_recipient_units_users_to_acknowledge(world, left_cadre):
    alert = actions.issue_alert(world.centre_staff, _draft(world, world.centre_staff))
    # 东一村村委会: cun, wangge; 东镇派出所: bumen. Not the county centre (the actor's unit), not 西一村.
    assert _told() == ["bumen", "cun", "wangge"]
    notice = Notification.objects.get(user=world.cadre)
    assert notice.link == f"/warning/{alert.pk}/"
    assert notice.title == "请签收预警：东一村欠薪诉求异常增多预警"
    assert notice.key == f"warning:acknowledge:{alert.pk}:{world.committee_a1.pk}"
    assert (
        Notification.objects.get(user=world.officer).key
        == f"warning:acknowledge:{alert.pk}:{world.police.pk}"
    )


def test_an_update_or_a_lift_is_a_new_message_and_asks_again(world):
    alert = actions.issue_alert(world.centre_staff, _draft(world, world.centre_staff))
    updated = actions.update_alert(world.centre_staff, alert, note="数量继续上升", level="orange")
    assert Notification.objects.filter(user=world.cadre).count() == 2
    second = Notification.objects.get(user=world.cadre, link=f"/warning/{updated.pk}/")
    assert second.title == "请签收预警更新：东一村欠薪诉求异常增多预警"
    cancel = actions.lift_alert(world.centre_staff, updated, note="已化解")
    third = Notification.objects.get(user=world.cadre, link=f"/warning/{cancel.pk}/")
    assert third.title == "请签收预警解除：东一村欠薪诉求异常增多预警"
    # one notice per user and message: three messages, three recipients
    assert Notification.objects.filter(kind="warning.to_acknowledge").count() == 9
    assert (
        Notification.objects.filter(kind="warning.to_acknowledge").values("key", "user").distinct().count()
        == 9
    )


def test_the_actor_is_not_told_of_their_own_warning(world):
    # the county centre warns its own unit and the police: the other county-centre users are told, not the actor
    alert = actions.issue_alert(
        world.centre_staff, _draft(world, world.centre_staff, recipients=[world.centre, world.police])
    )
    assert _told() == ["admin", "bumen", "lingdao", "shenji"]
    assert not Notification.objects.filter(user=world.centre_staff).exists()
    assert alert.status == AlertStatus.ISSUED


def test_a_draft_and_a_refused_issue_send_nothing(world):
    draft = _draft(world, world.centre_staff)
    assert Notification.objects.count() == 0
    with pytest.raises(NotAllowed):
        actions.issue_alert(world.cadre, draft)
    draft.refresh_from_db()
    assert draft.status == AlertStatus.DRAFT and Notification.objects.count() == 0


def test_a_town_centre_may_not_update_or_lift_a_county_warning(world):
    alert = actions.issue_alert(world.centre_staff, _draft(world, world.centre_staff))
    Notification.objects.all().delete()
    # 东一村 lies in the town's scope, but the county issued the warning
    with pytest.raises(NotAllowed) as exc:
        actions.update_alert(world.town_staff, alert, note="升级", level="orange")
    assert "示范县综治中心" in str(exc.value)
    with pytest.raises(NotAllowed):
        actions.lift_alert(world.town_staff, alert, note="已化解")
    alert.refresh_from_db()
    assert alert.status == AlertStatus.ISSUED and alert.level == "yellow"
    assert Alert.objects.count() == 1 and Notification.objects.count() == 0
    # positive control: the county, which issued it, may
    updated = actions.update_alert(world.centre_staff, alert, note="升级", level="orange")
    assert updated.level == "orange" and updated.status == AlertStatus.ISSUED


def test_the_county_may_lift_a_town_warning_and_the_town_its_own(world):
    town_alert = actions.issue_alert(world.town_staff, _draft(world, world.town_staff))
    assert town_alert.issuing_unit == world.town_centre
    updated = actions.update_alert(world.town_staff, town_alert, note="范围扩大", level="orange")
    cancel = actions.lift_alert(world.centre_staff, updated, note="已化解")
    assert cancel.status == AlertStatus.ISSUED
    updated.refresh_from_db()
    assert updated.status == AlertStatus.LIFTED


def _meeting(world):
    return actions.plan_meeting(
        world.centre_staff,
        kind=MeetingKind.EMERGENCY,
        area=world.town_a,
        title="东一村欠薪紧急研判",
        held_at=timezone.now(),
    )


def test_a_meeting_task_tells_its_unit(world, left_cadre):
    meeting = _meeting(world)
    Notification.objects.all().delete()
    task = actions.add_decision(
        world.centre_staff,
        meeting,
        kind="task",
        text="排查在建工地",
        unit=world.committee_a1,
        deadline=dt.date(2099, 1, 31),
    )
    assert _told("warning.meeting_task") == ["cun", "wangge"]
    notice = Notification.objects.get(user=world.cadre)
    # the task's own page, which the unit's cadre can open (the meeting's page is not for their role)
    assert notice.link == f"/warning/tasks/{task.pk}/"
    assert notice.title == "研判会交办任务：东一村欠薪紧急研判"
    assert "排查在建工地" in notice.body and "2099-01-31" in notice.body
    assert notice.key == f"warning:task:{task.pk}"
    # a warning decision is a draft: nobody is asked to do anything yet
    actions.add_decision(
        world.centre_staff, meeting, kind="warning", text="发布欠薪风险预警", unit=world.police
    )
    assert not Notification.objects.filter(user=world.officer).exists()


def test_a_refused_meeting_task_sends_nothing(world):
    meeting = _meeting(world)
    Notification.objects.all().delete()
    with pytest.raises(ValidationError):
        actions.add_decision(
            world.centre_staff, meeting, kind="task", text="排查工地", unit=world.committee_a1
        )
    with pytest.raises(NotAllowed):
        actions.add_decision(
            world.cadre,
            meeting,
            kind="task",
            text="排查",
            unit=world.committee_a1,
            deadline=dt.date(2099, 1, 1),
        )
    assert Notification.objects.count() == 0 and not meeting.decisions.exists()


def test_the_page_offers_update_and_lift_only_at_the_issuing_level(client, world):
    alert = actions.issue_alert(world.centre_staff, _draft(world, world.centre_staff))
    client.force_login(world.town_staff)
    page = client.get(f"/warning/{alert.pk}/").content.decode()
    assert "解除预警" not in page and "发布更新" not in page
    refused = client.post(f"/warning/{alert.pk}/lift/", {"note": "已化解", "version": alert.version})
    assert refused.status_code == 403
    client.force_login(world.centre_staff)
    page = client.get(f"/warning/{alert.pk}/").content.decode()
    assert "解除预警" in page and "发布更新" in page
