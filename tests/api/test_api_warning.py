"""Warnings, signals and 研判会 in the API: scoped like the pages, 签收 and the meeting writes through the
actions, masking, the role and version guards, 422 in Chinese."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from anju.warning import actions
from anju.warning.models import AlertRecipient
from anju.warning.models_analysis import AnalysisMeeting

pytestmark = pytest.mark.django_db

STALE_ALERT = "该预警已被他人修改，请刷新后重试。"
STALE_MEETING = "该研判会已被他人修改，请刷新后重试。"


def issued(world, area, unit, headline):
    alert = actions.draft_alert(
        world.centre_staff,
        domain=world.wages,
        level="yellow",
        headline=headline,
        area=area,
        onset=timezone.now(),
        expected="预计近期集中讨薪，联系人：张三丰，电话13812345678",
        measures="属地排查",
        recipients=[unit],
    )
    return actions.issue_alert(world.centre_staff, alert)


@pytest.fixture
def alerts(world):
    world.alert_a = issued(world, world.village_a1, world.committee_a1, "东一村欠薪预警")
    world.alert_b = issued(world, world.village_b1, world.committee_b1, "西一村欠薪预警")
    return world


def test_a_village_sees_its_warnings_a_centre_every_warning(api, alerts):
    cadre = api(alerts.cadre)
    assert [a["headline"] for a in cadre.get("/warning/alerts").json()["items"]] == ["东一村欠薪预警"]
    centre = {a["headline"] for a in api(alerts.centre_staff).get("/warning/alerts").json()["items"]}
    assert centre == {"东一村欠薪预警", "西一村欠薪预警"}
    assert cadre.get(f"/warning/alerts/{alerts.alert_a.pk}").status_code == 200  # positive control
    assert cadre.get(f"/warning/alerts/{alerts.alert_b.pk}").status_code == 404
    assert cadre.post(f"/warning/alerts/{alerts.alert_b.pk}/acknowledge", {}).status_code == 404


def test_warning_text_comes_back_masked(api, alerts):
    response = api(alerts.centre_staff).get(f"/warning/alerts/{alerts.alert_a.pk}")
    assert response.json()["expected"] == "预计近期集中讨薪，联系人：张**，电话138****5678"
    assert "13812345678" not in response.content.decode()


def test_a_recipient_unit_acknowledges_once_with_the_current_version(api, alerts):
    cadre = api(alerts.cadre)
    path = f"/warning/alerts/{alerts.alert_a.pk}"
    version = cadre.get(path).json()["version"]
    stale = cadre.post(path + "/acknowledge", {"version": version - 1})
    assert stale.status_code == 409 and stale.json()["detail"] == STALE_ALERT
    assert AlertRecipient.objects.get(alert=alerts.alert_a).acknowledged_at is None

    response = cadre.post(path + "/acknowledge", {"version": version})
    assert response.status_code == 200, response.content
    [recipient] = response.json()["recipients"]
    assert (
        recipient["unit"]["name"] == "东一村村委会" and recipient["acknowledged_by"]["id"] == alerts.cadre.pk
    )
    again = cadre.post(path + "/acknowledge", {})
    assert again.status_code == 409 and again.json()["detail"] == "您的单位已签收。"
    not_a_recipient = api(alerts.town_staff).post(path + "/acknowledge", {})
    assert not_a_recipient.status_code == 403  # a refusal by who the user is, not by the warning's state
    assert not_a_recipient.json()["detail"] == "您的单位不是该预警的接收单位。"


def test_signals_are_scoped(api, matters):
    actions.run_scan(matters.centre_staff, weeks=1)
    cadre = api(matters.cadre).get("/warning/signals", alarm="false", page_size=200).json()
    assert {s["area"]["name"] for s in cadre["items"]} == {"东一村"}
    centre = api(matters.centre_staff).get("/warning/signals", alarm="false", page_size=200).json()
    assert {s["area"]["name"] for s in centre["items"]} == {"东一村", "东二村", "西一村"}
    assert centre["count"] == 3 * cadre["count"] > 0  # one series per village and domain
    assert all(s["sentence"] for s in centre["items"])


def meeting_payload(world, **overrides) -> dict:
    payload = {
        "kind": "topic",
        "title": "欠薪问题专题研判",
        "area": world.town_a.code,
        "held_at": "2026-01-15T09:30:00+08:00",
    }
    payload.update(overrides)
    return payload


def test_plan_a_meeting_and_record_its_minutes(api, alerts):
    centre = api(alerts.centre_staff)
    response = centre.post("/warning/meetings", meeting_payload(alerts))
    assert response.status_code == 201, response.content
    meeting = response.json()
    assert meeting["status"] == "planned" and meeting["area"]["name"] == "东镇"
    assert [a["summary"] for a in meeting["agenda"] if a["kind"] == "alert"] == [
        "[三级（黄色）] 东一村欠薪预警"
    ]
    path = f"/warning/meetings/{meeting['id']}"
    minutes = {"attendees": "镇综治中心、派出所", "minutes": "反映人李四光，电话13987654321，诉求已交办"}
    stale = centre.post(path + "/minutes", {**minutes, "version": meeting["version"] + 1})
    assert stale.status_code == 409 and stale.json()["detail"] == STALE_MEETING
    held = centre.post(path + "/minutes", {**minutes, "version": meeting["version"]})
    assert held.status_code == 200, held.content
    assert held.json()["status"] == "held"
    assert held.json()["minutes"] == "反映人李**，电话139****4321，诉求已交办"
    assert AnalysisMeeting.objects.get(pk=meeting["id"]).minutes.startswith("反映人李四光")  # stored as typed


def test_meetings_are_scoped_and_need_the_role(api, world):
    meeting = actions.plan_meeting(
        world.centre_staff, kind="topic", area=world.town_b, title="西镇研判", held_at=timezone.now()
    )
    assert api(world.centre_staff).get(f"/warning/meetings/{meeting.pk}").status_code == 200
    assert api(world.town_staff).get(f"/warning/meetings/{meeting.pk}").status_code == 404
    assert api(world.town_staff).get("/warning/meetings").json()["count"] == 0
    assert api(world.cadre).get("/warning/meetings").status_code == 403  # 研判会 are not the village's
    assert api(world.officer).post("/warning/meetings", meeting_payload(world)).status_code == 403
    assert AnalysisMeeting.objects.count() == 1


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"held_at": 1768440600}, "held_at", "请输入有效的时间（ISO 8601，如 2025-01-31T09:30:00+08:00）。"),
        ({"held_at": "明天上午"}, "held_at", "请输入有效的时间（ISO 8601，如 2025-01-31T09:30:00+08:00）。"),
        ({"title": "  "}, "title", "请填写主题。"),
        ({"area": "330102000000"}, "area", "区域不存在或不在您的管辖范围内。"),
        ({"kind": "weekly"}, "kind", None),
    ],
)
def test_bad_meeting_input_is_422_in_chinese(api, world, overrides, field, message):
    response = api(world.town_staff).post("/warning/meetings", meeting_payload(world, **overrides))
    assert response.status_code == 422
    messages = response.json()["errors"][field]
    if message is None:
        assert messages[0].startswith("请选择有效的选项")
    else:
        assert messages == [message]
    assert not AnalysisMeeting.objects.exists()


def test_a_meeting_decision_becomes_a_task_or_a_draft_warning(api, world):
    meeting = actions.plan_meeting(
        world.centre_staff, kind="topic", area=world.town_a, title="东镇研判", held_at=timezone.now()
    )
    centre = api(world.centre_staff)
    path = f"/warning/meetings/{meeting.pk}/decisions"
    task = {"kind": "task", "text": "排查欠薪工地", "unit": world.police.pk, "version": meeting.version}
    no_deadline = centre.post(path, task)
    assert no_deadline.status_code == 422
    assert no_deadline.json()["errors"]["deadline"] == ["交办任务须有完成期限。"]
    deadline = (timezone.localdate() + dt.timedelta(days=7)).isoformat()
    response = centre.post(path, {**task, "deadline": deadline})
    assert response.status_code == 200, response.content
    [decision] = response.json()["decisions"]
    assert (decision["kind"], decision["unit"]["name"], decision["deadline"]) == (
        "task",
        "东镇派出所",
        deadline,
    )
    warning = centre.post(path, {"kind": "warning", "text": "发布欠薪预警", "unit": world.committee_a1.pk})
    assert warning.status_code == 200
    drafted = warning.json()["decisions"][1]["alert"]
    assert centre.get(f"/warning/alerts/{drafted}").json()["status"] == "draft"
