"""The emergency API beyond incidents: materials with stock alerts, teams, shelters, an incident's releases,
tasks, the aftermath (善后) with its rectification tasks and their verification — scoped, guarded, and
refusing bad input whole; county plans in force listed for a town."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from anju.core import actions as core_actions
from anju.core.models import Domain
from anju.core.roles import Role
from anju.emergency import actions
from anju.emergency.models import EmergencyTask, Release
from guards import outsider

JSON = "application/json"
pytestmark = pytest.mark.django_db


def _client(user):
    token = core_actions.issue_api_token(user, "emergency-resources")
    return Client(headers={"Authorization": f"Bearer {token}"})


@pytest.fixture
def stock(world):
    today = timezone.localdate()
    low = actions.add_material(
        world.town_staff,
        area=world.town_a,
        category="药品",
        item="口服补液盐",
        quantity=Decimal(10),
        measure="盒",
        site="东镇卫生院",
        minimum=Decimal(50),
    )
    expiring = actions.add_material(
        world.town_staff,
        area=world.town_a,
        category="食品",
        item="瓶装水",
        quantity=Decimal(500),
        measure="箱",
        site="东镇仓库",
        minimum=Decimal(100),
        expires_on=today + dt.timedelta(days=10),
    )
    fine = actions.add_material(
        world.town_staff,
        area=world.town_a,
        category="器材",
        item="帐篷",
        quantity=Decimal(40),
        measure="顶",
        site="东镇仓库",
        minimum=Decimal(20),
    )
    west = actions.add_material(
        world.admin,
        area=world.town_b,
        category="器材",
        item="西镇冲锋舟",
        quantity=Decimal(2),
        measure="艘",
        site="西镇",
        minimum=Decimal(1),
    )
    return low, expiring, fine, west


@pytest.fixture
def ended_incident(world):
    health = Domain.objects.get(code="health")
    now = timezone.now()
    incident = actions.open_incident(
        world.town_staff,
        area=world.village_a1,
        title="东一村聚餐食物中毒",
        emergency_class="public_health",
        domain=health,
        grade="general",
        occurred_at=now - dt.timedelta(hours=5),
        learned_at=now - dt.timedelta(hours=4),
        description="30 人呕吐。",
        affected=30,
    )
    plan = actions.create_plan(world.town_staff, area=world.town_a, title="东镇总体预案", plan_type="overall")
    version = plan.versions.get()
    actions.save_level(world.town_staff, version, level=4, trigger="一般")
    actions.approve_version(world.leader, version)
    actions.publish_version(world.leader, version)
    actions.activate_response(world.leader, incident, plan=plan, level=4, now=now - dt.timedelta(hours=3))
    actions.end_response(world.leader, incident, note="结束", now=now - dt.timedelta(hours=1))
    incident.refresh_from_db()
    return incident


def test_materials_carry_their_stock_alerts_and_stay_in_scope(world, stock):
    low, expiring, fine, west = stock
    api = _client(world.town_staff)
    body = api.get("/api/emergency/materials").json()
    assert {m["item"] for m in body["items"]} == {
        "口服补液盐",
        "瓶装水",
        "帐篷",
    }  # positive control; 西镇 not
    by_item = {m["item"]: m for m in body["items"]}
    assert (by_item["口服补液盐"]["low_stock"], by_item["口服补液盐"]["expiring"]) == (True, False)
    assert (by_item["瓶装水"]["low_stock"], by_item["瓶装水"]["expiring"]) == (False, True)
    assert (by_item["帐篷"]["low_stock"], by_item["帐篷"]["expiring"]) == (False, False)
    assert [m["item"] for m in api.get("/api/emergency/materials?alert=low").json()["items"]] == [
        "口服补液盐"
    ]
    assert [m["item"] for m in api.get("/api/emergency/materials?alert=expiring").json()["items"]] == [
        "瓶装水"
    ]
    one = api.get(f"/api/emergency/materials/{low.pk}")
    assert one.status_code == 200 and one.json()["minimum"] == "50.00" and one.headers["ETag"]
    assert api.get(f"/api/emergency/materials/{west.pk}").status_code == 404
    assert api.get("/api/emergency/materials?alert=nonsense").status_code == 422


def test_teams_and_shelters_are_listed_in_scope(world):
    actions.add_team(
        world.town_staff, area=world.town_a, name="东镇应急救援队", speciality="综合救援", size=20
    )
    actions.add_team(world.admin, area=world.town_b, name="西镇救援队", speciality="水域救援", size=8)
    actions.add_shelter(
        world.town_staff, area=world.town_a, name="东镇中学操场", capacity=800, location="镇中"
    )
    api = _client(world.town_staff)
    assert [t["name"] for t in api.get("/api/emergency/teams").json()["items"]] == ["东镇应急救援队"]
    shelters = api.get("/api/emergency/shelters").json()["items"]
    assert [(s["name"], s["capacity"]) for s in shelters] == [("东镇中学操场", 800)]


def test_a_release_is_drafted_and_listed_and_refused_when_empty(world, ended_incident):
    api = _client(world.town_staff)
    url = f"/api/emergency/incidents/{ended_incident.pk}/releases"
    bad = api.post(url, {"title": "", "body": "x"}, content_type=JSON)
    assert bad.status_code == 422 and Release.objects.count() == 0
    made = api.post(
        url, {"title": "关于东一村食物中毒的情况通报", "body": "30 人均已出院。"}, content_type=JSON
    )
    assert made.status_code == 200, made.json()
    assert made.json()["status"] == "draft"
    listed = api.get(url).json()["items"]
    assert [(r["title"], r["body"]) for r in listed] == [("关于东一村食物中毒的情况通报", "30 人均已出院。")]
    assert _client(outsider(world, Role.CENTRE_STAFF)).get(url).status_code == 404


def test_aftermath_task_given_completed_and_verified_through_the_api(world, ended_incident):
    api = _client(world.town_staff)
    url = f"/api/emergency/incidents/{ended_incident.pk}/aftermath"
    assert api.get(url).json() == {
        "incident": ended_incident.pk,
        "response_status": "ended",
        "cause_category": None,
        "findings": None,
        "concluded_at": None,
        "problems": [],
        "tasks": [],
        "plans_to_revise": [],
    }
    deadline = (timezone.localdate() + dt.timedelta(days=20)).isoformat()
    given = api.post(
        f"{url}/tasks",
        {"title": "村集体聚餐报备制度", "owner_unit": world.committee_a1.pk, "deadline": deadline},
        content_type=JSON,
    )
    assert given.status_code == 200, given.json()
    task = given.json()
    assert (task["source"], task["status"], task["deadline"], task["owner_unit"]["name"]) == (
        "aftermath",
        "open",
        deadline,
        "东一村村委会",
    )
    assert [t["title"] for t in api.get(url).json()["tasks"]] == ["村集体聚餐报备制度"]
    assert [t["id"] for t in api.get("/api/emergency/tasks?source=aftermath").json()["items"]] == [task["id"]]
    assert api.get("/api/emergency/tasks?source=drill").json()["items"] == []
    verify = f"/api/emergency/tasks/{task['id']}/verify"
    early = api.post(verify, {"note": "已验收"}, content_type=JSON)
    assert early.status_code == 409  # not completed yet
    row = EmergencyTask.objects.get(pk=task["id"])
    actions.complete_task(world.cadre, row, note="制度已印发")
    stale = api.post(verify, {"note": "已验收", "version": 1}, content_type=JSON)
    assert stale.status_code == 409
    west = _client(outsider(world, Role.CENTRE_STAFF))
    outside = west.post(verify, {"note": "已验收"}, content_type=JSON)
    assert outside.status_code == 404
    done = api.post(verify, {"note": "已验收"}, content_type=JSON)
    assert done.status_code == 200, done.json()
    assert done.json()["verified_at"] is not None
    refused = west.post(
        f"{url}/tasks", {"title": "x", "owner_unit": world.committee_a1.pk}, content_type=JSON
    )
    assert refused.status_code == 404


def test_a_town_lists_the_county_plan_in_force_but_not_another_towns(world):
    county = actions.create_plan(
        world.centre_staff, area=world.county, title="示范县总体预案", plan_type="overall"
    )
    actions.save_level(world.centre_staff, county.versions.get(), level=4, trigger="一般")
    actions.approve_version(world.leader, county.versions.get())
    actions.publish_version(world.leader, county.versions.get())
    actions.create_plan(world.town_staff, area=world.town_a, title="东镇防汛预案", plan_type="special")
    east = [p["title"] for p in _client(world.town_staff).get("/api/emergency/plans").json()["items"]]
    west = [
        p["title"]
        for p in _client(outsider(world, Role.CENTRE_STAFF)).get("/api/emergency/plans").json()["items"]
    ]
    assert east == ["示范县总体预案", "东镇防汛预案"]  # positive control: its own plan
    assert west == ["示范县总体预案"]
