"""The whole life of a matter driven through the API, and the side paths (escalate, return, merge, reject)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from anju.core.models import AuditEvent
from anju.intake.models import Report
from anju.matters.models import Matter

pytestmark = pytest.mark.django_db


def ok(response, status=200):
    assert response.status_code == status, response.content.decode()
    return response.json()


def test_from_report_to_archive(tomorrow, api, world):
    grid, cadre, centre = api(world.grid_worker), api(world.cadre), api(world.centre_staff)
    today = timezone.localdate().isoformat()

    report = ok(
        grid.post(
            "/reports",
            {
                "channel": "grid",
                "text": "东一村工地拖欠 12 名工人工资",
                "area": world.grid_a1.code,
                "reporter_name": "赵六",
                "reporter_phone": "13700002222",
            },
        ),
        201,
    )
    assert report["status"] == "received" and report["reporter"]["name"] == "赵*"
    assert len(report["receipt_code"]) == 12

    matter = ok(
        cadre.post(
            f"/reports/{report['id']}/register",
            {
                "kind": "dispute",
                "domain": world.wages.code,
                "title": "工地欠薪",
                "people_involved": 12,
                "amount_involved": "36000.50",
            },
        ),
        201,
    )
    mid = matter["id"]
    assert matter["status"] == "registered" and matter["amount_involved"] == "36000.50"
    assert matter["parties"][0]["name"] == "赵*"  # the reporter became the masked applicant
    assert ok(cadre.get(f"/reports/{report['id']}"))["matter"]["id"] == mid

    steps = [
        (centre, "assess", {"likelihood": 4, "consequence": 4}, "assessed"),
        # 4 × 4 is a grey rhino: assigned only with a mitigation plan
        (centre, "mitigation", {"plan": "分批兑付，每周核查"}, "assessed"),
        (
            centre,
            "assign",
            {
                "unit": world.police.pk,
                "person": world.officer.pk,
                "deadline": tomorrow,
                # 4 × 4 is 最高: a 包案领导, and why the county does not take it over (level rules)
                "lead_leader": world.leader.pk,
                "exemption_reason": "由镇派出所就近办理",
            },
            "assigned",
        ),
        (api(world.officer), "start", {}, "resolving"),
        (
            api(world.officer),
            "mediation",
            {
                "held_on": today,
                "mediators": "派出所调解员",
                "summary": "双方协商",
                "result": "agreed",
                "agreement_text": "分两期支付",
            },
            "resolving",
        ),
        (api(world.officer), "resolve", {"outcome": "工资已全部支付", "public_note": "已解决"}, "resolved"),
        (cadre, "follow_up", {"visited_on": today, "satisfaction": "satisfied"}, "followed_up"),
        (centre, "archive", {}, "archived"),
    ]
    for client, action, payload, status in steps:
        body = ok(client.post(f"/matters/{mid}/{action}", payload))
        assert body["status"] == status, action

    detail = ok(cadre.get(f"/matters/{mid}"))
    assert detail["level"] == "critical" and detail["grey_rhino"] is True
    assert detail["mitigation_plan"] == "分批兑付，每周核查"
    assert detail["responsible_unit"]["name"] == "东镇派出所"
    assert detail["satisfaction"] == "satisfied" and detail["outcome"] == "工资已全部支付"
    assert [e["kind"] for e in detail["timeline"]] == [
        "registered",
        "assessed",
        "mitigation_plan",
        "assigned",
        "started",
        "mediation",
        "resolved",
        "followed_up",
        "archived",
    ]
    assert detail["mediation_sessions"][0]["result_label"] == "调解成功"
    assert detail["follow_ups"][0]["satisfaction_label"] == "满意"
    # archived: only notes remain for a cadre (parties are added to open matters, as on the matter page)
    assert detail["allowed_actions"] == ["note"]
    assert AuditEvent.objects.filter(object_type="matters.matter", object_id=str(mid)).count() == 9


def test_allowed_actions_follow_status_and_role(api, matters):
    mid = matters.matter_a.pk
    centre = ok(api(matters.centre_staff).get(f"/matters/{mid}"))["allowed_actions"]
    assert {"assess", "escalate", "merge", "reject", "supervise"} <= set(centre)
    assert "resolve" not in centre
    grid = ok(api(matters.grid_worker).get(f"/matters/{mid}"))["allowed_actions"]
    assert "assess" not in grid and "escalate" in grid
    assert ok(api(matters.auditor).get(f"/matters/{mid}"))["allowed_actions"] == []


def test_escalate_then_return_and_reassign(tomorrow, api, matters):
    mid = matters.matter_a.pk
    town, county = api(matters.town_staff), api(matters.centre_staff)
    ok(town.post(f"/matters/{mid}/assess", {"likelihood": 2, "consequence": 2}))
    body = ok(api(matters.cadre).post(f"/matters/{mid}/escalate", {"reason": "村级无法协调"}))
    assert body["status"] == "escalated" and body["handling_area"]["name"] == "东一村"
    ok(county.post(f"/matters/{mid}/assess", {"likelihood": 3, "consequence": 3}))
    ok(
        county.post(
            f"/matters/{mid}/assign",
            {"unit": matters.police.pk, "deadline": tomorrow, "lead_leader": matters.leader.pk},
        )
    )
    body = ok(api(matters.officer).post(f"/matters/{mid}/return", {"reason": "不属本单位职责"}))
    assert body["status"] == "returned" and body["closing_reason"] == "不属本单位职责"
    body = ok(
        county.post(
            f"/matters/{mid}/assign",
            {"unit": matters.committee_a1.pk, "deadline": tomorrow, "lead_leader": matters.leader.pk},
        )
    )
    assert body["status"] == "assigned" and body["responsible_unit"]["name"] == "东一村村委会"


def test_return_without_reason_is_422(tomorrow, api, matters):
    mid = matters.matter_a.pk
    county = api(matters.centre_staff)
    ok(county.post(f"/matters/{mid}/assess", {"likelihood": 3, "consequence": 3}))
    ok(
        county.post(
            f"/matters/{mid}/assign",
            {"unit": matters.police.pk, "deadline": tomorrow, "lead_leader": matters.leader.pk},
        )
    )
    response = api(matters.officer).post(f"/matters/{mid}/return", {"reason": " "})
    assert response.status_code == 422 and response.json()["errors"]["reason"] == ["退回须填写原因。"]


def test_merge_a_duplicate_moves_its_reports(api, matters):
    county = api(matters.centre_staff)
    report = ok(
        api(matters.grid_worker).post(
            "/reports", {"channel": "grid", "text": "同一工地欠薪", "area": matters.grid_a1.code}
        ),
        201,
    )
    dup = ok(
        api(matters.cadre).post(
            f"/reports/{report['id']}/register",
            {"kind": "dispute", "domain": matters.wages.code, "title": "重复"},
        ),
        201,
    )
    body = ok(county.post(f"/matters/{dup['id']}/merge", {"into": matters.matter_a.pk}))
    assert body["status"] == "merged" and body["merged_into"]["id"] == matters.matter_a.pk
    assert Report.objects.get(pk=report["id"]).matter_id == matters.matter_a.pk


def test_reject_supervise_note_and_flags(tomorrow, api, matters):
    mid, county = matters.matter_a.pk, api(matters.centre_staff)
    body = ok(
        api(matters.leader).post(f"/matters/{mid}/supervise", {"note": "请加快", "new_deadline": tomorrow})
    )
    assert body["supervision_notes"][0]["note"] == "请加快" and body["deadline"] == tomorrow
    body = ok(api(matters.grid_worker).post(f"/matters/{mid}/note", {"note": "现场已稳定", "public": False}))
    assert body["timeline"][-1]["note"] == "现场已稳定"
    assert ok(county.post(f"/matters/{mid}/grey_rhino", {"marked": True}))["grey_rhino"] is True
    assert (
        ok(county.post(f"/matters/{mid}/black_swan", {"confirmed": False, "reason": "同类事项常见"}))[
            "black_swan_confirmed"
        ]
        is False
    )
    body = ok(county.post(f"/matters/{mid}/reject", {"reason": "不属于受理范围"}))
    assert body["status"] == "rejected" and body["public_note"] == "不属于受理范围"
    assert county.post(f"/matters/{mid}/supervise", {"note": "x"}).status_code == 409


def test_add_party_and_residual_risk(api, matters):
    mid, county = matters.matter_a.pk, api(matters.centre_staff)
    body = ok(
        api(matters.cadre).post(
            f"/matters/{mid}/parties", {"role": "respondent", "name": "某建筑公司", "is_organisation": True}
        )
    )
    assert {p["name"] for p in body["parties"]} == {"张**", "某建筑公司"}
    ok(county.post(f"/matters/{mid}/assess", {"likelihood": 4, "consequence": 4}))
    body = ok(county.post(f"/matters/{mid}/residual", {"likelihood": 1, "consequence": 2}))
    assert (body["inherent_level"], body["residual_level"], body["level"]) == ("critical", "low", "low")


def test_create_matter_with_immediate_assessment(api, world):
    body = ok(
        api(world.centre_staff).post(
            "/matters",
            {
                "kind": "hazard",
                "domain": world.land.code,
                "area": world.village_b1.code,
                "title": "征地补偿争议",
                "description": "补偿标准有分歧",
                "likelihood": 3,
                "consequence": 2,
                "parties": [{"name": "钱七", "phone": "13500003333"}],
            },
        ),
        201,
    )
    assert body["status"] == "assessed" and body["level"] == "medium"
    assert body["parties"][0]["phone"] == "135****3333"
    assert Matter.objects.get(pk=body["id"]).parties.get().phone == "13500003333"


def test_link_and_reject_reports(api, matters):
    grid, cadre = api(matters.grid_worker), api(matters.cadre)
    first = ok(
        grid.post("/reports", {"channel": "grid", "text": "又来反映欠薪", "area": matters.grid_a1.code}), 201
    )
    linked = ok(cadre.post(f"/reports/{first['id']}/link", {"matter": matters.matter_a.pk}))
    assert linked["status"] == "linked" and linked["matter"]["id"] == matters.matter_a.pk
    second = ok(
        grid.post("/reports", {"channel": "grid", "text": "无关内容", "area": matters.grid_a1.code}), 201
    )
    rejected = ok(cadre.post(f"/reports/{second['id']}/reject", {"reason": "不属于受理范围"}))
    assert rejected["status"] == "rejected" and rejected["reject_reason"] == "不属于受理范围"
    # a handled report cannot be handled again
    again = cadre.post(
        f"/reports/{second['id']}/register", {"kind": "dispute", "domain": matters.wages.code, "title": "x"}
    )
    assert again.status_code == 409


def test_report_submission_errors(api, world):
    response = api(world.grid_worker).post(
        "/reports",
        {
            "channel": "grid",
            "text": " ",
            "area": world.grid_a1.code,
            "reporter_phone": "123",
        },
    )
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors["text"] == ["请填写反映的内容。"]
    assert "联系电话" in errors["reporter_phone"][0]
    assert not Report.objects.exists()


def test_report_list_filters(api, world):
    grid = api(world.grid_worker)
    ok(grid.post("/reports", {"channel": "grid", "text": "路灯坏了", "area": world.grid_a1.code}), 201)
    ok(grid.post("/reports", {"channel": "call", "text": "噪音扰民", "area": world.grid_a1.code}), 201)
    assert ok(grid.get("/reports", channel="call"))["count"] == 1
    assert ok(grid.get("/reports", q="路灯"))["count"] == 1
    code = ok(grid.get("/reports", q="路灯"))["items"][0]["receipt_code"]
    dashed = "-".join(code[i : i + 4] for i in range(0, 12, 4)).lower()
    assert [r["receipt_code"] for r in ok(grid.get("/reports", q=dashed))["items"]] == [code]
    assert ok(grid.get("/reports", status="received"))["count"] == 2
    assert grid.get("/reports", channel="fax").status_code == 422
