"""稳评 in the API: items and assessments scoped like the pages, registering an item and recording the
collective decision through the actions, masking, the role and version guards, 422 in Chinese."""

from __future__ import annotations

import pytest
from django.utils import timezone

from anju.assessment import actions
from anju.assessment.models import AssessmentItem, Decision
from assessment.conftest import analyse, consult, days, make_item, plan, to_reported

pytestmark = pytest.mark.django_db

STALE_ASSESSMENT = "该评估已被他人修改，请刷新后重试。"


@pytest.fixture
def items(world):
    """One item owned by 东镇, one by 西镇, one by 东一村."""
    world.item_a = make_item(world)
    world.item_b = make_item(
        world,
        title="西镇垃圾中转站选址",
        sponsor_unit=world.centre,
        area=world.town_b,
        affected_areas=[world.village_b1],
    )
    world.item_village = make_item(
        world, title="东一村道路拓宽", area=world.village_a1, affected_areas=[world.village_a1]
    )
    return world


@pytest.fixture
def reported(world):
    """An assessment of 东镇's item with its report issued and reviewed; one opinion names a person."""
    assessment = consult(world, plan(world, make_item(world)))
    actions.add_opinion(
        world.centre_staff,
        assessment,
        source="来电",
        content="联系人：王小明，电话13700001111，希望增加停车位",
        handling="adopted",
        reason="",
    )
    return to_reported(world, analyse(world, assessment))


def titles(response) -> set[str]:
    return {i["title"] for i in response.json()["items"]}


def test_a_village_user_sees_the_villages_items_a_centre_every_item(api, items):
    assert titles(api(items.cadre).get("/assessment/items")) == {"东一村道路拓宽"}
    assert titles(api(items.town_staff).get("/assessment/items")) == {
        "东镇农贸市场搬迁改造",
        "东一村道路拓宽",
    }
    assert titles(api(items.centre_staff).get("/assessment/items")) == {
        "东镇农贸市场搬迁改造",
        "西镇垃圾中转站选址",
        "东一村道路拓宽",
    }
    flagged = api(items.centre_staff).get("/assessment/items", coverage="not_started").json()
    assert flagged["count"] == 3 and {i["coverage_label"] for i in flagged["items"]} == {"未启动"}


def test_an_item_outside_the_scope_is_404(api, items):
    town = api(items.town_staff)
    assert town.get(f"/assessment/items/{items.item_a.pk}").status_code == 200  # positive control
    assert town.get(f"/assessment/items/{items.item_b.pk}").status_code == 404
    decided = town.post(
        f"/assessment/items/{items.item_b.pk}/decided", {"decided_on": days(-1).isoformat(), "note": "x"}
    )
    assert decided.status_code == 404
    assert AssessmentItem.objects.get(pk=items.item_b.pk).decided_on is None


def item_payload(world, **overrides) -> dict:
    payload = {
        "year": timezone.localdate().year,
        "title": "东二村集体土地流转",
        "category": "policy",
        "description": "东二村拟将 300 亩集体土地流转给合作社。",
        "sponsor_unit": world.town_centre.pk,
        "area": world.town_a.code,
        "affected_areas": [world.village_a2.code],
        "domains": [world.land.code],
        "people_affected": 420,
        "planned_decision_date": days(30).isoformat(),
    }
    payload.update(overrides)
    return payload


def test_register_an_item(api, world):
    response = api(world.town_staff).post("/assessment/items", item_payload(world))
    assert response.status_code == 201, response.content
    body = response.json()
    item = AssessmentItem.objects.get(pk=body["id"])
    assert (item.title, item.area, item.created_by) == ("东二村集体土地流转", world.town_a, world.town_staff)
    assert [a["name"] for a in body["affected_areas"]] == ["东二村"]
    assert body["coverage"] == "not_started" and body["assessments"] == []


def test_a_village_cadre_may_not_register_an_item(api, world):
    payload = item_payload(world, area=world.village_a1.code, affected_areas=[world.village_a1.code])
    assert api(world.cadre).post("/assessment/items", payload).status_code == 403
    assert not AssessmentItem.objects.exists()


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        (
            {"planned_decision_date": "2030/01/01"},
            "planned_decision_date",
            "请输入有效的日期（YYYY-MM-DD）。",
        ),
        ({"planned_decision_date": 1893456000}, "planned_decision_date", "请输入有效的日期（YYYY-MM-DD）。"),
        ({"people_affected": "420"}, "people_affected", "请输入整数。"),
        ({"area": "330102000000"}, "area", "区域不存在或不在您的管辖范围内。"),
        ({"title": "  "}, "title", "请填写事项名称。"),
    ],
)
def test_bad_item_input_is_422_in_chinese(api, world, overrides, field, message):
    response = api(world.town_staff).post("/assessment/items", item_payload(world, **overrides))
    assert response.status_code == 422
    assert response.json()["errors"][field] == [message]
    assert not AssessmentItem.objects.exists()


def decision(version, **overrides) -> dict:
    payload = {
        "outcome": "implement",
        "decided_on": timezone.localdate().isoformat(),
        "meeting": "东镇党委会",
        "summary": "同意实施。联系人：张三丰，电话13812345678",
        "version": version,
    }
    payload.update(overrides)
    return payload


def test_record_the_decision(api, world, reported):
    leader = api(world.leader)
    path = f"/assessment/assessments/{reported.pk}"
    seen = leader.get(path)
    assert seen.status_code == 200 and seen["ETag"] == f'"{seen.json()["version"]}"'
    response = leader.post(path + "/decision", decision(seen.json()["version"]))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["stage"] == "decided" and body["locked"] is True
    assert (
        body["decision"]["outcome_label"] == "实施" and body["decided_on"] == timezone.localdate().isoformat()
    )
    assert body["decision"]["summary"] == "同意实施。联系人：张**，电话138****5678"
    assert Decision.objects.get(assessment=reported).summary.endswith("13812345678")  # stored as typed
    item = api(world.centre_staff).get(f"/assessment/items/{reported.item_id}").json()
    assert item["coverage"] == "assessed"


def test_opinions_come_back_masked(api, world, reported):
    body = api(world.town_staff).get(f"/assessment/assessments/{reported.pk}")
    opinion = next(o for o in body.json()["opinions"] if o["source"] == "来电")
    assert opinion["content"] == "联系人：王**，电话137****1111，希望增加停车位"
    assert "13700001111" not in body.content.decode()


def test_the_decision_needs_the_role_and_the_current_version(api, world, reported):
    path = f"/assessment/assessments/{reported.pk}/decision"
    version = reported.version
    assert api(world.centre_staff).post(path, decision(version)).status_code == 403  # may not decide
    stale = api(world.leader).post(path, decision(version - 1))
    assert stale.status_code == 409 and stale.json()["detail"] == STALE_ASSESSMENT
    assert api(world.cadre_b).post(path, decision(version)).status_code == 404  # 西一村: not in scope
    reported.refresh_from_db()
    assert not reported.locked and not Decision.objects.exists()


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"decided_on": "today"}, "decided_on", "请输入有效的日期（YYYY-MM-DD）。"),
        ({"outcome": "maybe"}, "outcome", None),
        ({"summary": None}, "summary", "请输入文本。"),
        ({"decided_on": days(3).isoformat()}, "decided_on", "决策日期不能晚于今天。"),
        ({"meeting": "  "}, "meeting", "请填写决策会议（如：县政府常务会议）。"),
    ],
)
def test_bad_decision_input_is_422_in_chinese(api, world, reported, overrides, field, message):
    response = api(world.leader).post(
        f"/assessment/assessments/{reported.pk}/decision", decision(reported.version, **overrides)
    )
    assert response.status_code == 422
    messages = response.json()["errors"][field]
    if message is None:
        assert messages[0].startswith("请选择有效的选项")
    else:
        assert messages == [message]
    assert not Decision.objects.exists()


def test_start_an_assessment_and_move_it_on(api, world):
    item = make_item(world)
    town = api(world.town_staff)
    plan_payload = {
        "body_unit": world.town_centre.pk,
        "team": "张组长、李干事",
        "methods": ["notice", "forum"],
        "schedule_start": days(-10).isoformat(),
        "schedule_end": days(20).isoformat(),
        "consult_whom": "市场经营户",
        "decision_body": "东镇党委会",
    }
    assert api(world.cadre).post(f"/assessment/items/{item.pk}/assessments", plan_payload).status_code == 404
    started = town.post(f"/assessment/items/{item.pk}/assessments", plan_payload)
    assert started.status_code == 201, started.content
    body = started.json()
    assert body["stage"] == "plan" and body["methods"] == ["notice", "forum"] and body["revision"] == 1
    path = f"/assessment/assessments/{body['id']}"
    opened = town.post(path + "/consultation", {"version": body["version"]})
    assert opened.status_code == 200 and opened.json()["stage"] == "consultation"
    # no consultation record yet: the action's own message, nothing moves
    early = town.post(path + "/analysis", {"version": opened.json()["version"]})
    assert early.status_code == 422
    assert early.json()["errors"]["__all__"][0].startswith("尚无任何征求意见记录")
    assert town.get(path).json()["stage"] == "consultation"


def test_determine_the_level_then_review(api, world):
    assessment = analyse(world, consult(world, plan(world, make_item(world))))
    path = f"/assessment/assessments/{assessment.pk}"
    assert api(world.leader).post(path + "/level", {}).status_code == 403  # the assessment body levels
    levelled = api(world.centre_staff).post(path + "/level", {"version": assessment.version})
    assert levelled.status_code == 200, levelled.content
    body = levelled.json()
    assert body["stage"] == "levelled" and body["final_level"] == body["computed_final_level"] != ""
    assessment.refresh_from_db()
    assessment = actions.issue_report(
        world.centre_staff, assessment, emergency_plan="成立应急处置小组。", conclusion="风险总体可控。"
    )
    review = {"conclusion": "pass", "opinion": "程序完备。", "version": assessment.version}
    reviewed = api(world.leader).post(path + "/review", review)
    assert reviewed.status_code == 200, reviewed.content
    assert [r["conclusion_label"] for r in reviewed.json()["reviews"]] == ["审核通过，提交决策"]


def test_record_an_item_decided_outside_the_workflow(api, items):
    path = f"/assessment/items/{items.item_a.pk}/decided"
    payload = {"decided_on": days(-1).isoformat(), "note": "镇党委会研究决定"}
    assert api(items.cadre).post(path, payload).status_code == 404  # 东镇's item: not the village's
    assert api(items.auditor).post(path, payload).status_code == 403
    response = api(items.town_staff).post(path, payload)
    assert response.status_code == 200, response.content
    assert response.json()["coverage"] == "decided_unassessed" and response.json()["flagged"] is True
