"""Personal data leaves the API only masked; revealing is a permission and every reveal is logged."""

from __future__ import annotations

import json

import pytest

from anju.core.models import AuditEvent
from anju.intake import actions as intake_actions

pytestmark = pytest.mark.django_db


def test_matter_detail_masks_parties(api, matters):
    response = api(matters.cadre).get(f"/matters/{matters.matter_a.pk}")
    body = response.content.decode()
    assert "张三丰" not in body and "13812345678" not in body and "110101199003074514" not in body
    party = response.json()["parties"][0]
    assert (party["name"], party["phone"], party["id_number"]) == (
        "张**",
        "138****5678",
        "1101**********4514",
    )


def test_report_output_masks_the_reporter(api, world):
    report = intake_actions.submit_report(
        world.grid_worker,
        channel="grid",
        text="路灯坏了",
        area=world.grid_a1,
        reporter_name="王小五",
        reporter_phone="13600001111",
    )
    for path in ("/reports", f"/reports/{report.pk}"):
        body = api(world.cadre).get(path).content.decode()
        assert "王小五" not in body and "13600001111" not in body
    reporter = api(world.cadre).get(f"/reports/{report.pk}").json()["reporter"]
    assert reporter["name"] == "王**" and reporter["phone"] == "136****1111"


def test_reveal_needs_the_permission(api, matters):
    party = matters.matter_a.parties.first()
    path = f"/matters/{matters.matter_a.pk}/parties/{party.pk}/reveal"
    assert api(matters.leader).post(path, {"field": "phone"}).status_code == 403
    assert not AuditEvent.objects.filter(action="personal_data.reveal").exists()


def test_reveal_is_logged(api, matters):
    party = matters.matter_a.parties.first()
    response = api(matters.centre_staff).post(
        f"/matters/{matters.matter_a.pk}/parties/{party.pk}/reveal",
        {"field": "phone", "purpose": "follow_up"},
    )
    assert response.status_code == 200
    assert response.json() == {"field": "phone", "value": "13812345678"}
    event = AuditEvent.objects.get(action="personal_data.reveal")
    assert event.actor == matters.centre_staff and event.note == "phone"
    assert event.after == {"field": "phone", "purpose": "follow_up", "purpose_text": ""}
    assert "13812345678" not in json.dumps([event.before, event.after, event.note])


def test_reveal_of_a_non_personal_field_is_a_field_error(api, matters):
    party = matters.matter_a.parties.first()
    response = api(matters.centre_staff).post(
        f"/matters/{matters.matter_a.pk}/parties/{party.pk}/reveal",
        {"field": "matter_id", "purpose": "follow_up"},
    )
    assert response.status_code == 422
    assert "field" in response.json()["errors"]


def test_party_of_another_matter_is_404(api, matters):
    other_party = matters.matter_b.parties.first()
    response = api(matters.centre_staff).post(
        f"/matters/{matters.matter_a.pk}/parties/{other_party.pk}/reveal", {"field": "name"}
    )
    assert response.status_code == 404


def test_reporter_reveal(api, world):
    report = intake_actions.submit_report(
        world.grid_worker,
        channel="grid",
        text="路灯坏了",
        area=world.grid_a1,
        reporter_name="王小五",
        reporter_phone="13600001111",
    )
    response = api(world.centre_staff).post(f"/reports/{report.pk}/reveal", {"field": "reporter_name"})
    assert response.status_code == 200 and response.json()["value"] == "王小五"
    assert (
        api(world.cadre).post(f"/reports/{report.pk}/reveal", {"field": "reporter_name"}).status_code == 403
    )


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def test_attachments_download_within_scope_only(api, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    report = intake_actions.submit_report(
        world.grid_worker,
        channel="grid",
        text="现场照片",
        area=world.grid_a1,
        attachments=[SimpleUploadedFile("现场.png", PNG, content_type="image/png")],
    )
    detail = api(world.cadre).get(f"/reports/{report.pk}").json()
    (attachment,) = detail["attachments"]
    assert attachment["content_type"] == "image/png" and attachment["size"] == len(PNG)
    path = attachment["url"].removeprefix("/api")
    response = api(world.cadre).get(path)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PNG
    assert response["X-Content-Type-Options"] == "nosniff"
    assert api(world.cadre_b).get(path).status_code == 404
