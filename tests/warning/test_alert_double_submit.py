"""Double submits and stale tabs on the warning and analysis-meeting pages answer with their message
(409 for a refusal, 422 for bad input), never a 500, and change nothing a second time."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from anju.core.models import AuditEvent
from anju.warning import actions
from anju.warning.models import Alert, AlertRecipient, AlertStatus
from anju.warning.models_analysis import AnalysisMeeting, MeetingDecision


@pytest.fixture
def draft(world):
    return actions.draft_alert(
        world.centre_staff,
        domain=world.wages,
        level="yellow",
        headline="东一村欠薪诉求异常增多预警",
        area=world.village_a1,
        onset=timezone.now(),
        expected="本周欠薪类事项 8 件，明显高于往年同期。",
        measures="立即排查在建工地，逐件登记化解。",
        recipients=[world.committee_a1, world.police],
    )


def _shown_version(html: str, action: str) -> str:
    """The hidden version inside the form that posts to ``…/<action>/``."""
    form = re.search(rf'action="[^"]*/{action}/"[^>]*>(.*?)</form>', html, re.S).group(1)
    return re.search(r'name="version" value="(\d+)"', form).group(1)


def _issues(alert) -> int:
    return AuditEvent.objects.filter(object_id=str(alert.pk), action="alert.issue").count()


def test_stale_tab_issuing_again_is_told_and_nothing_is_issued_twice(client, world, draft):
    client.force_login(world.centre_staff)
    tab_one = client.get(f"/warning/{draft.pk}/").content.decode()
    tab_two = client.get(f"/warning/{draft.pk}/").content.decode()
    assert _shown_version(tab_one, "issue") == _shown_version(tab_two, "issue") == "1"
    first = client.post(f"/warning/{draft.pk}/issue/", {"version": _shown_version(tab_one, "issue")})
    assert first.status_code == 302
    second = client.post(f"/warning/{draft.pk}/issue/", {"version": _shown_version(tab_two, "issue")})
    assert second.status_code == 409
    assert "该预警已被他人修改，请刷新后重试。" in second.content.decode()
    draft.refresh_from_db()
    assert draft.status == AlertStatus.ISSUED and _issues(draft) == 1


def test_issuing_twice_without_a_version_is_refused_with_its_message(client, world, draft):
    client.force_login(world.centre_staff)
    assert client.post(f"/warning/{draft.pk}/issue/").status_code == 302
    again = client.post(f"/warning/{draft.pk}/issue/")
    assert again.status_code == 409 and "只有草稿状态的预警可以发布。" in again.content.decode()
    assert _issues(draft) == 1


def test_acknowledging_twice_is_told_once_signed(client, world, draft):
    actions.issue_alert(world.centre_staff, draft)
    client.force_login(world.cadre)
    assert client.post(f"/warning/{draft.pk}/acknowledge/").status_code == 302
    again = client.post(f"/warning/{draft.pk}/acknowledge/")
    assert again.status_code == 409 and "您的单位已签收。" in again.content.decode()
    signed = AlertRecipient.objects.get(alert=draft, unit=world.committee_a1)
    assert signed.acknowledged_by_id == world.cadre.pk
    assert AuditEvent.objects.filter(object_id=str(draft.pk), action="alert.acknowledge").count() == 1


def test_stale_lift_after_an_update_is_refused_and_a_missing_reason_is_bad_input(client, world, draft):
    issued = actions.issue_alert(world.centre_staff, draft)
    client.force_login(world.centre_staff)
    page = client.get(f"/warning/{issued.pk}/").content.decode()
    seen = _shown_version(page, "lift")
    no_reason = client.post(f"/warning/{issued.pk}/lift/", {"version": seen, "note": " "})
    assert no_reason.status_code == 422 and "请说明解除原因。" in no_reason.content.decode()
    actions.update_alert(world.centre_staff, issued, note="人数增加", level="orange")
    stale = client.post(f"/warning/{issued.pk}/lift/", {"version": seen, "note": "已化解"})
    assert stale.status_code == 409 and "该预警已被他人修改，请刷新后重试。" in stale.content.decode()
    issued.refresh_from_db()
    assert issued.status == AlertStatus.SUPERSEDED
    assert not Alert.objects.filter(references=issued, msg_type="Cancel").exists()


@pytest.fixture
def meeting(world):
    return actions.plan_meeting(
        world.centre_staff, kind="regular", area=world.town_a, title="周研判", held_at=timezone.now()
    )


def test_minutes_from_a_stale_page_do_not_overwrite(client, world, meeting):
    client.force_login(world.centre_staff)
    page = client.get(f"/warning/meetings/{meeting.pk}/").content.decode()
    seen = re.search(r'name="form" value="minutes"><input type="hidden" name="version" value="(\d+)"', page)
    seen = seen.group(1)
    first = {"form": "minutes", "version": seen, "attendees": "张主任、李科长", "minutes": "第一份纪要"}
    assert client.post(f"/warning/meetings/{meeting.pk}/", first).status_code == 302
    second = {"form": "minutes", "version": seen, "attendees": "王书记", "minutes": "第二份纪要"}
    answer = client.post(f"/warning/meetings/{meeting.pk}/", second)
    assert answer.status_code == 409
    html = answer.content.decode()
    assert "该研判会已被他人修改，请刷新后重试。" in html
    # The refused form keeps the version it was shown, so pressing save again is refused again.
    assert re.search(rf'name="version" value="{seen}"', html)
    meeting.refresh_from_db()
    assert meeting.minutes == "第一份纪要" and meeting.version == int(seen) + 1
    assert AuditEvent.objects.filter(object_id=str(meeting.pk), action="analysis.minutes").count() == 1


def test_completing_a_task_twice_is_told_it_is_done(client, world, meeting):
    decision = actions.add_decision(
        world.centre_staff,
        meeting,
        kind="task",
        text="排查欠薪工地",
        unit=world.police,
        deadline=timezone.localdate() + dt.timedelta(days=7),
    )
    client.force_login(world.officer)
    url = f"/warning/meetings/tasks/{decision.pk}/done/"
    assert client.post(url, {"note": "已排查 3 处"}).status_code == 302
    again = client.post(url, {"note": "又排查一遍"}, follow=True)
    assert again.status_code == 200 and "该任务已办结。" in again.content.decode()
    decision.refresh_from_db()
    assert decision.done_note == "已排查 3 处"
    assert MeetingDecision.objects.filter(pk=decision.pk, done_at__isnull=False).count() == 1
    assert AnalysisMeeting.objects.get(pk=meeting.pk).decisions.count() == 1
