"""The ledger for other systems (schema anju.matter/1): streamed CSV and JSON, expected rows written by hand, the
ledger's masking, filters and scope, and an audit entry per export."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.urls import reverse

from anju.core.models import AuditEvent
from anju.matters.export_data import FIELD_NAMES, SCHEMA

pytestmark = pytest.mark.django_db


def fetch(client, user, fmt, **params):
    client.force_login(user)
    response = client.get(reverse("matters:export_data", args=[fmt]), params)
    assert response.status_code == 200
    assert response.streaming
    assert response["X-Anju-Schema"] == "anju.matter/1"
    return response, b"".join(response.streaming_content)


def csv_rows(client, user, **params) -> list[dict]:
    response, body = fetch(client, user, "csv", **params)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert body.startswith(b"\xef\xbb\xbf")  # the byte-order mark Excel needs for Chinese
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


def json_doc(client, user, **params) -> dict:
    response, body = fetch(client, user, "json", **params)
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return json.loads(body)


def test_csv_row_written_by_hand(client, world, make_matter, advance):
    matter = advance(make_matter(), "resolving")
    [row] = csv_rows(client, world.centre_staff)
    assert list(row) == FIELD_NAMES
    expected = {
        "number": matter.number,
        "kind": "dispute",
        "kind_label": "矛盾纠纷",
        "domain_code": "social_security_wages",
        "domain_name": "社会保障和民工欠薪",
        "area_code": "330101001000",
        "area_name": "东一村",
        "village": "东一村",
        "town": "东镇",
        "title": "工地拖欠农民工工资",
        "description": "十余名工人反映工程款未结清，工资拖欠三个月。",
        "parties": "申请人/反映人 张**",
        "people_involved": "12",
        "amount_involved": "86000.00",
        "inherent_level": "high",
        "residual_level": "",
        "status": "resolving",
        "status_label": "化解中",
        "is_overdue": "false",
        "responsible_unit": "东镇派出所",
        "outcome": "",
        "satisfaction": "",
        "resolved_at": "",
    }
    assert {k: row[k] for k in expected} == expected
    assert row["registered_at"].startswith(matter.registered_at.astimezone().strftime("%Y-%m-%dT%H:%M"))
    assert row["deadline"] == matter.deadline.isoformat()


def test_json_is_one_document_with_the_schema_and_typed_values(client, world, make_matter):
    matter = make_matter()
    doc = json_doc(client, world.centre_staff)
    assert doc["schema"] == SCHEMA == "anju.matter/1"
    [item] = doc["matters"]
    assert item["number"] == matter.number
    assert item["people_involved"] == 12
    assert item["amount_involved"] == "86000.00"
    assert item["is_overdue"] is False
    assert item["deadline"] is None and item["resolved_at"] is None
    assert item["parties"] == "申请人/反映人 张**"


def test_an_empty_ledger_is_a_valid_document(client, world):
    assert json_doc(client, world.centre_staff)["matters"] == []
    assert csv_rows(client, world.centre_staff) == []


def test_personal_data_is_masked_as_in_the_ledger(client, world, make_matter):
    make_matter(
        parties=[
            {
                "role": "applicant",
                "name": "欧阳小五",
                "phone": "13600001111",
                "id_number": "330101199001011234",
            },
            {"role": "respondent", "name": "某某建筑有限公司", "is_organisation": True},
        ]
    )
    for fmt in ("csv", "json"):
        _response, body = fetch(client, world.centre_staff, fmt)
        text = body.decode("utf-8-sig")
        assert "欧***" in text and "某某建筑有限公司" in text  # an organisation is not a person
        for raw in ("欧阳小五", "13600001111", "330101199001011234"):
            assert raw not in text


def test_filters_and_scope_with_a_positive_control(client, world, make_matter):
    east = make_matter(title="东镇的事项")
    west = make_matter(area=world.village_b1, title="西镇的事项")
    land = make_matter(domain=world.land, title="东镇征地")
    numbers = {r["number"] for r in csv_rows(client, world.centre_staff)}
    assert numbers == {east.number, west.number, land.number}  # the county sees every town
    assert {r["number"] for r in csv_rows(client, world.centre_staff, area=world.town_b.pk)} == {west.number}
    by_domain = json_doc(client, world.centre_staff, domain=world.land.pk)["matters"]
    assert [m["number"] for m in by_domain] == [land.number]
    # the town's centre sees its own town only
    assert {r["number"] for r in csv_rows(client, world.town_staff)} == {east.number, land.number}


def test_a_role_without_export_is_refused_and_each_export_is_audited(client, world, make_matter):
    make_matter()
    client.force_login(world.grid_worker)
    assert client.get(reverse("matters:export_data", args=["csv"])).status_code == 403
    before = AuditEvent.objects.filter(action="ledger.export").count()
    fetch(client, world.centre_staff, "json")
    event = AuditEvent.objects.filter(action="ledger.export").latest("id")
    assert AuditEvent.objects.filter(action="ledger.export").count() == before + 1
    assert event.after["count"] == 1
    assert event.after["filters"]["format"] == "json"


def test_the_ledger_offers_the_csv_and_json_buttons(client, world):
    client.force_login(world.centre_staff)
    page = client.get(reverse("matters:ledger")).content.decode()
    assert reverse("matters:export_data", args=["csv"]) in page
    assert reverse("matters:export_data", args=["json"]) in page
