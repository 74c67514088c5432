"""Typed input is cleaned once on the way in: control characters are dropped everywhere, bidirectional and
zero-width characters are removed from free text and refused (with a message beside the field) in names
and codes — on the pages, in the JSON API and in the actions that the command line and imports call."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError

from anju.core.textsafety import INVISIBLE_MESSAGE
from anju.intake.models import Report
from anju.matters.models import Matter

RLO = "\u202e"  # RIGHT-TO-LEFT OVERRIDE: "张三\u202e四李" shows as "张三李四"
ZWSP = "\u200b"
LRI = "\u2066"


@pytest.fixture(autouse=True)
def _uploads(settings, tmp_path, db):  # the rate-limit counts live in the database cache
    settings.MEDIA_ROOT = tmp_path / "uploads"
    from django.core.cache import cache

    cache.clear()


def _public(world, **overrides):
    data = {"area": world.village_a1.pk, "text": "小区门口路灯坏了", "reporter_name": "张小明"}
    data.update(overrides)
    return data


def test_public_submission_loses_control_and_invisible_characters_in_free_text(client, world):
    response = client.post(
        "/public/submit", _public(world, text=f"路灯\x0b坏了{RLO}一个月{ZWSP}了\x00", location=f"三组{LRI}")
    )
    assert response.status_code == 303 and response["Location"] == "/public/receipt"  # received
    report = Report.objects.get()
    assert report.text == "路灯坏了一个月了" and report.location == "三组"


def test_public_submission_refuses_an_invisible_character_in_the_name(client, world):
    response = client.post("/public/submit", _public(world, reporter_name=f"张{RLO}小明"))
    html = response.content.decode()
    assert str(INVISIBLE_MESSAGE) in html  # beside the field, in Chinese
    assert not Report.objects.exists()  # nothing half-saved


def test_new_matter_page_refuses_invisible_names_and_cleans_the_title(client, world):
    client.force_login(world.centre_staff)
    data = {
        "kind": "dispute",
        "domain": world.land.pk,
        "area": world.village_a1.pk,
        "title": "征地补偿\x0b款分配",
        "description": f"村民对{RLO}补偿款有异议",
        "people_involved": "3",
        "amount_involved": "0",
        "applicant_name": f"李{ZWSP}四",
    }
    refused = client.post("/matters/new/", data)
    assert refused.status_code == 400 and str(INVISIBLE_MESSAGE) in refused.content.decode()
    assert not Matter.objects.exists()
    data["applicant_name"] = "李四"  # positive control: the same form with a plain name is accepted
    assert client.post("/matters/new/", data).status_code == 302
    matter = Matter.objects.get()
    assert matter.title == "征地补偿款分配" and matter.description == "村民对补偿款有异议"


def test_api_cleans_free_text_and_refuses_an_invisible_party_name(client, world):
    client.force_login(world.centre_staff)
    payload = {
        "kind": "dispute",
        "domain": world.wages.code,
        "area": world.village_a1.code,
        "title": "欠薪\x0b",
        "description": f"工资{RLO}拖欠",
        "parties": [{"role": "applicant", "name": f"王{RLO}五"}],
    }
    post = lambda body: client.post("/api/matters", json.dumps(body), content_type="application/json")  # noqa: E731
    refused = post(payload)
    assert refused.status_code == 422 and not Matter.objects.exists()
    assert str(INVISIBLE_MESSAGE) in json.dumps(refused.json(), ensure_ascii=False)
    payload["parties"][0]["name"] = "王五"
    assert post(payload).status_code in (200, 201)
    matter = Matter.objects.get()
    assert matter.title == "欠薪" and matter.description == "工资拖欠"


def test_actions_refuse_invisible_characters_in_area_unit_and_user_names(world):
    from anju.core import actions
    from anju.core.models import AreaLevel, UnitKind
    from anju.core.roles import Role

    with pytest.raises(ValidationError) as area:
        actions.create_area(
            None, code="330101003000", name=f"东三村{RLO}", level=AreaLevel.VILLAGE, parent=world.town_a
        )
    assert "name" in area.value.message_dict
    with pytest.raises(ValidationError) as unit:
        actions.create_unit(None, name=f"东镇{ZWSP}司法所", kind=UnitKind.DEPARTMENT, area=world.town_a)
    assert "name" in unit.value.message_dict
    with pytest.raises(ValidationError) as user:
        actions.create_user(
            None,
            username=f"admin{LRI}",
            password="test-pass-123",
            role=Role.VILLAGE_CADRE,
            area=world.village_a1,
        )
    assert "username" in user.value.message_dict
    # positive control: the same calls with plain names succeed
    actions.create_unit(None, name="东镇司法所", kind=UnitKind.DEPARTMENT, area=world.town_a)
