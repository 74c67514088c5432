"""The emergency API: incidents with their report schedule, plans, sending a report; scoped and guarded."""

import datetime as dt

from django.test import Client
from django.utils import timezone

from anju.core import actions as core_actions
from anju.emergency import actions


def _client(user):
    token = core_actions.issue_api_token(user, "emergency-test")
    return Client(headers={"Authorization": f"Bearer {token}"})


def _incident(world):
    now = timezone.now()
    return actions.open_incident(
        world.town_staff,
        area=world.village_a1,
        title="东一村聚餐食物中毒",
        emergency_class="public_health",
        grade="general",
        occurred_at=now - dt.timedelta(hours=3),
        learned_at=now - dt.timedelta(hours=2),
        description="30 人腹泻",
        affected=30,
        now=now,
    )


def test_incidents_with_the_report_schedule_and_sending_a_report(world):
    incident = _incident(world)
    api = _client(world.town_staff)
    listing = api.get("/api/emergency/incidents").json()
    assert [i["title"] for i in listing["items"]] == ["东一村聚餐食物中毒"]
    detail = api.get(f"/api/emergency/incidents/{incident.pk}").json()
    assert [(s["kind"], s["state"]) for s in detail["reports"]] == [("first", "missing")]  # due an hour ago
    answer = api.post(
        f"/api/emergency/incidents/{incident.pk}/reports",
        {"kind": "first", "text": "首报：30 人送医"},
        content_type="application/json",
    )
    assert answer.status_code == 200
    assert [(s["kind"], s["state"]) for s in answer.json()["reports"]] == [("first", "late")]
    refused = api.post(
        f"/api/emergency/incidents/{incident.pk}/reports",
        {"kind": "final", "text": "终报"},
        content_type="application/json",
    )
    assert refused.status_code == 409  # no final report while no response has ended


def test_scope_and_role_of_the_api(world):
    incident = _incident(world)
    assert _client(world.cadre_b).get(f"/api/emergency/incidents/{incident.pk}").status_code == 404
    assert _client(world.cadre_b).get("/api/emergency/incidents").json()["items"] == []
    cadre = _client(world.cadre)  # 东一村 sees it (positive control) but may not send a report
    assert cadre.get(f"/api/emergency/incidents/{incident.pk}").status_code == 200
    answer = cadre.post(
        f"/api/emergency/incidents/{incident.pk}/reports",
        {"kind": "first", "text": "首报"},
        content_type="application/json",
    )
    assert answer.status_code == 403
    assert incident.reports.count() == 0
