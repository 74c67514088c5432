"""Errors: 422 with Chinese messages next to each field, 409 for illegal transitions, 403 for roles."""

from __future__ import annotations

import pytest

from anju.core.models import AuditEvent
from anju.matters.models import Matter, MatterEvent

pytestmark = pytest.mark.django_db


def test_missing_and_wrongly_typed_fields_are_422_in_chinese(api, world):
    response = api(world.cadre).post("/matters", {"kind": "nonsense", "people_involved": "many"})
    assert response.status_code == 422
    body = response.json()
    errors = body["errors"]
    assert errors["title"] == ["此项为必填项。"]
    assert errors["description"] == ["此项为必填项。"]
    assert errors["area"] == ["此项为必填项。"]
    assert errors["people_involved"] == ["请输入整数。"]
    assert errors["kind"][0].startswith("请选择有效的选项")
    assert "检查" in body["detail"]


def test_action_validation_errors_are_422_per_field(api, world):
    response = api(world.cadre).post(
        "/matters",
        {
            "kind": "dispute",
            "domain": world.wages.code,
            "area": world.village_a1.code,
            "title": "  ",
            "description": "",
            "amount_involved": "-5",
        },
    )
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors["title"] == ["请填写标题。"]
    assert errors["description"] == ["请填写情况描述。"]
    assert errors["amount_involved"] == ["涉及金额不能为负数。"]
    assert not Matter.objects.exists()


def test_unknown_domain_is_a_field_error(api, world):
    response = api(world.cadre).post(
        "/matters",
        {
            "kind": "dispute",
            "domain": "no-such-domain",
            "area": world.village_a1.code,
            "title": "t",
            "description": "d",
        },
    )
    assert response.status_code == 422
    assert response.json()["errors"]["domain"] == ["风险领域不存在或已停用。"]


def test_nested_party_errors_name_the_party(api, world):
    response = api(world.cadre).post(
        "/matters",
        {
            "kind": "dispute",
            "domain": world.wages.code,
            "area": world.village_a1.code,
            "title": "t",
            "description": "d",
            "parties": [{"role": "judge"}],
        },
    )
    assert response.status_code == 422
    assert "parties.0.role" in response.json()["errors"]


def test_invalid_date_is_a_chinese_field_error(api, matters):
    response = api(matters.centre_staff).post(
        f"/matters/{matters.matter_a.pk}/supervise", {"note": "尽快", "new_deadline": "下周"}
    )
    assert response.status_code == 422
    assert response.json()["errors"]["new_deadline"] == ["请输入有效的日期（YYYY-MM-DD）。"]


def test_out_of_range_risk_score_is_422_and_changes_nothing(api, matters):
    response = api(matters.centre_staff).post(
        f"/matters/{matters.matter_a.pk}/assess", {"likelihood": 9, "consequence": 2}
    )
    assert response.status_code == 422
    assert "likelihood" in response.json()["errors"]
    matters.matter_a.refresh_from_db()
    assert matters.matter_a.status == "registered" and matters.matter_a.inherent_level == ""


def test_illegal_transition_is_409_and_changes_nothing(api, matters):
    matter, client = matters.matter_a, api(matters.centre_staff)  # the client's token is an audit event
    events_before = MatterEvent.objects.filter(matter=matter).count()
    audit_before = AuditEvent.objects.count()
    response = client.post(f"/matters/{matter.pk}/resolve", {"outcome": "已支付"})
    assert response.status_code == 409
    assert response.json()["detail"] == "事项当前状态为“登记”，不能执行“化解办结”。"
    matter.refresh_from_db()
    assert matter.status == "registered" and matter.outcome == ""
    assert MatterEvent.objects.filter(matter=matter).count() == events_before
    assert AuditEvent.objects.count() == audit_before


def test_a_role_without_the_permission_gets_403_and_nothing_changes(api, matters):
    matter = matters.matter_a
    response = api(matters.grid_worker).post(
        f"/matters/{matter.pk}/assess", {"likelihood": 3, "consequence": 3}
    )
    assert response.status_code == 403
    assert "无权" in response.json()["detail"]
    matter.refresh_from_db()
    assert matter.status == "registered"


def test_auditor_cannot_create(api, world):
    response = api(world.auditor).post(
        "/matters",
        {
            "kind": "dispute",
            "domain": world.wages.code,
            "area": world.village_a1.code,
            "title": "t",
            "description": "d",
        },
    )
    assert response.status_code == 403


def test_assign_with_a_past_deadline_and_a_person_outside_the_unit(api, matters):
    client = api(matters.centre_staff)
    client.post(f"/matters/{matters.matter_a.pk}/assess", {"likelihood": 3, "consequence": 3})
    response = client.post(
        f"/matters/{matters.matter_a.pk}/assign",
        {
            "unit": matters.police.pk,
            "person": matters.cadre.pk,
            "deadline": "2000-01-01",
        },
    )
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors["deadline"] == ["办理期限不能早于今天。"]
    assert errors["person"] == ["责任人须属于责任单位。"]
    matters.matter_a.refresh_from_db()
    assert matters.matter_a.status == "assessed" and matters.matter_a.responsible_unit is None


def test_unknown_unit_is_a_field_error(tomorrow, api, matters):
    client = api(matters.centre_staff)
    client.post(f"/matters/{matters.matter_a.pk}/assess", {"likelihood": 3, "consequence": 3})
    response = client.post(f"/matters/{matters.matter_a.pk}/assign", {"unit": 999999, "deadline": tomorrow})
    assert response.status_code == 422 and response.json()["errors"]["unit"] == ["责任单位不存在。"]


def test_malformed_json_body_is_400_in_chinese(api, world):
    client = api(world.cadre)
    response = client.client.post(
        "/api/matters", data="{not json", content_type="application/json", headers=client._headers()
    )
    assert response.status_code == 400
    assert response.json()["detail"] == "请求内容无法解析，请发送有效的 JSON。"
