"""The emergency API's writes: open an incident, activate and change its response, dispatch and return
material, publish a release, complete a task — guarded, scoped, versioned, and refusing bad input whole."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from anju.core import actions as core_actions
from anju.core.models import Domain
from anju.emergency import actions
from anju.emergency.models import EmergencyTask, Incident, Material, ReleaseStatus, TaskStatus

JSON = "application/json"


def _client(user):
    token = core_actions.issue_api_token(user, "emergency-writes")
    return Client(headers={"Authorization": f"Bearer {token}"})


@pytest.fixture
def plan(world):
    health = Domain.objects.get(code="health")
    plan = actions.create_plan(
        world.town_staff,
        area=world.town_a,
        title="东镇食品安全事故专项应急预案",
        plan_type="special",
        classes=["public_health"],
        domains=[health],
        owner_unit=world.town_centre,
    )
    version = plan.versions.get()
    version.groups.all().delete()
    actions.save_level(world.town_staff, version, level=4, trigger="30 人以上", measures="四级响应")
    actions.save_level(world.town_staff, version, level=3, trigger="100 人以上", measures="三级响应")
    actions.save_group(
        world.town_staff, version, name="医疗救治组", lead_unit=world.town_centre, tasks="转运病人"
    )
    actions.approve_version(world.leader, version)
    actions.publish_version(world.leader, version)
    return plan


def _open(api, **extra):
    now = timezone.localtime()
    body = {
        "area": "330101001000",
        "title": "东一村聚餐食物中毒",
        "emergency_class": "public_health",
        "grade": "general",
        "domain": "health",
        "occurred_at": (now - dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "learned_at": (now - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "description": "村民聚餐后 30 人出现呕吐腹泻。",
        "affected": 30,
    } | extra
    return api.post("/api/emergency/incidents", body, content_type=JSON)


def test_open_activate_raise_and_complete_through_the_api(world, plan):
    api = _client(world.town_staff)
    opened = _open(api)
    assert opened.status_code == 200, opened.json()
    incident = opened.json()
    assert (incident["response_status"], incident["affected"], incident["area"]["name"]) == (
        "none",
        30,
        "东一村",
    )
    path = f"/api/emergency/incidents/{incident['id']}"
    activated = api.post(
        f"{path}/response", {"plan": plan.pk, "level": 4, "version": incident["version"]}, content_type=JSON
    )
    assert activated.status_code == 200, activated.json()
    body = activated.json()
    assert (body["response_status"], body["response_level"]) == ("active", 4)
    assert [t["title"] for t in body["tasks"]] == ["转运病人"]
    stale = api.post(
        f"{path}/level", {"level": 3, "note": "人数增加", "version": incident["version"]}, content_type=JSON
    )
    assert stale.status_code == 409  # the version seen before the activation
    no_reason = api.post(f"{path}/level", {"level": 3, "note": ""}, content_type=JSON)
    assert no_reason.status_code == 422 and "note" in no_reason.json()["errors"]
    raised = api.post(f"{path}/level", {"level": 3, "note": "送医人数超过 100"}, content_type=JSON)
    assert raised.status_code == 200
    assert [(c["kind"], c["level_to"]) for c in raised.json()["changes"]] == [("activate", 4), ("raise", 3)]
    task_id = body["tasks"][0]["id"]
    done = api.post(f"/api/emergency/tasks/{task_id}/complete", {"note": "已全部转运"}, content_type=JSON)
    assert done.status_code == 200
    assert (done.json()["status"], done.json()["done_note"]) == ("done", "已全部转运")
    assert EmergencyTask.objects.get(pk=task_id).status == TaskStatus.DONE
    ended = api.post(f"{path}/end", {"note": "病人全部出院"}, content_type=JSON)
    assert ended.json()["response_status"] == "ended"


def test_bad_input_opens_nothing(world):
    api = _client(world.town_staff)
    answer = _open(api, title="  ", area="330102001000", affected=-1)
    assert answer.status_code == 422
    answer = _open(api, area="330102001000")  # 西镇: outside 东镇's scope
    assert answer.status_code == 422 and "area" in answer.json()["errors"]
    answer = _open(api, occurred_at=1700000000)  # a number is not a time
    assert answer.status_code == 422
    assert Incident.objects.count() == 0
    cadre = _client(world.cadre)  # may see, may not open
    assert _open(cadre).status_code == 403
    assert Incident.objects.count() == 0


def test_dispatch_and_return_through_the_api(world):
    water = actions.add_material(
        world.town_staff,
        area=world.town_a,
        category="食品",
        item="矿泉水",
        quantity="100",
        measure="箱",
        site="仓库",
    )
    api = _client(world.officer)
    too_much = api.post(
        f"/api/emergency/materials/{water.pk}/dispatches",
        {"quantity": "100.5", "destination": "东一村"},
        content_type=JSON,
    )
    assert too_much.status_code == 422 and "库存不足" in too_much.json()["errors"]["quantity"][0]
    sent = api.post(
        f"/api/emergency/materials/{water.pk}/dispatches",
        {"quantity": "30", "destination": "东一村", "version": water.version},
        content_type=JSON,
    )
    assert sent.status_code == 200, sent.json()
    assert Decimal(sent.json()["stock_after"]) == Decimal("70")
    back = api.post(
        f"/api/emergency/dispatches/{sent.json()['id']}/returns", {"quantity": "12"}, content_type=JSON
    )
    assert back.status_code == 200
    assert (Decimal(back.json()["outstanding"]), Decimal(back.json()["stock_after"])) == (
        Decimal("18"),
        Decimal("82"),
    )
    assert Material.objects.get(pk=water.pk).quantity == Decimal("82.00")
    outsider = _client(world.cadre_b)
    assert (
        outsider.post(
            f"/api/emergency/materials/{water.pk}/dispatches",
            {"quantity": "1", "destination": "西一村"},
            content_type=JSON,
        ).status_code
        == 404
    )
    assert Material.objects.get(pk=water.pk).quantity == Decimal("82.00")


def test_publish_a_release_needs_a_leader(world):
    now = timezone.now()
    incident = actions.open_incident(
        world.town_staff,
        area=world.village_a1,
        title="东一村聚餐食物中毒",
        emergency_class="public_health",
        grade="general",
        occurred_at=now - dt.timedelta(hours=3),
        learned_at=now - dt.timedelta(hours=2),
        description="30 人腹泻",
        now=now,
    )
    release = actions.draft_release(world.town_staff, incident, title="情况通报", body="已妥善处置。")
    path = f"/api/emergency/releases/{release.pk}/publish"
    assert _client(world.town_staff).post(path, {}, content_type=JSON).status_code == 403
    answer = _client(world.leader).post(path, {"version": release.version}, content_type=JSON)
    assert answer.status_code == 200, answer.json()
    assert answer.json()["status"] == ReleaseStatus.PUBLISHED
    assert _client(world.leader).post(path, {}, content_type=JSON).status_code == 409
