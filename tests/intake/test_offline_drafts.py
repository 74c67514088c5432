"""Drafts a grid worker's phone sends again after a lost connection are received exactly once.

The key is the phone's (a UUID per draft); ``submit_report`` returns the first report for a key it has
already received from the same user, also when two copies race (the unique constraint decides).
"""

from __future__ import annotations

import uuid

import pytest
from django.core.exceptions import ValidationError

from anju.core.models import AuditEvent
from anju.intake import actions
from anju.intake.models import Report
from racing import run_pair

from .helpers import JPEG_BYTES, jpeg

KEY = "0f8e2a34-6c1d-4b7e-9a55-3d2c1b0a9e87"
TEXT = "河道护栏缺失一段，约五米。"


def grid_report(world, user=None, key=KEY, **extra):
    return actions.submit_report(
        user or world.grid_worker,
        channel="grid",
        text=TEXT,
        area=world.grid_a1,
        idempotency_key=key,
        **extra,
    )


@pytest.mark.django_db
def test_the_same_key_twice_is_one_report(world):
    first = grid_report(world, attachments=[jpeg()])
    again = grid_report(world, attachments=[jpeg()])
    assert again.pk == first.pk
    assert Report.objects.count() == 1
    assert first.attachments.count() == 1  # the second copy's photo was not stored either
    assert AuditEvent.objects.filter(action="report.submit").count() == 1


@pytest.mark.django_db
def test_a_key_is_per_user(world):
    by_grid_worker = grid_report(world)
    by_cadre = grid_report(world, user=world.cadre)
    assert by_cadre.pk != by_grid_worker.pk
    assert Report.objects.count() == 2


@pytest.mark.django_db
def test_reports_without_a_key_are_each_received(world):
    grid_report(world, key=None)
    grid_report(world, key=None)
    assert Report.objects.count() == 2


@pytest.mark.django_db
def test_a_malformed_key_or_a_key_on_the_public_form_is_refused(world):
    with pytest.raises(ValidationError) as raised:
        grid_report(world, key="not-a-uuid")
    assert "idempotency_key" in raised.value.message_dict
    with pytest.raises(ValidationError):
        actions.submit_report(
            None, channel="online", text=TEXT, area=world.village_a1, idempotency_key=str(uuid.uuid4())
        )
    assert Report.objects.count() == 0


@pytest.mark.django_db
def test_the_same_key_does_not_bypass_the_scope_check(world):
    grid_report(world)
    with pytest.raises(ValidationError):  # the grid worker's key, another village: refused as always
        actions.submit_report(
            world.grid_worker, channel="grid", text=TEXT, area=world.village_b1, idempotency_key=KEY
        )


@pytest.mark.django_db(transaction=True)
def test_two_racing_copies_of_a_draft_make_one_report(world):
    results = run_pair(lambda: grid_report(world), lambda: grid_report(world))
    assert [kind for kind, _ in results] == ["ok", "ok"]
    assert results[0][1].pk == results[1][1].pk
    assert Report.objects.count() == 1


# The page's endpoint for queued drafts (intake.views_offline.grid_send).


def post_draft(client, world, key=KEY, **fields):
    data = {"area": world.grid_a1.pk, "text": TEXT, "idempotency_key": key}
    data.update(fields)
    return client.post("/intake/grid/send/", data, headers={"accept": "application/json"})


@pytest.mark.django_db
def test_a_draft_sent_twice_answers_the_same_report(client, world):
    client.force_login(world.grid_worker)
    photo = jpeg("IMG_0001.jpg")
    first = post_draft(client, world, attachments=photo, latitude="30.2741", longitude="120.1551")
    assert first.status_code == 200
    again = post_draft(client, world)
    assert again.status_code == 200
    report = Report.objects.get()
    assert first.json()["url"] == again.json()["url"] == f"/intake/{report.pk}/"
    assert first.json()["receipt"] == again.json()["receipt"]
    assert report.channel == "grid" and report.created_by == world.grid_worker
    assert (report.latitude, report.longitude) == (30.2741, 120.1551)
    assert report.attachments.get().file.read() == JPEG_BYTES


@pytest.mark.django_db
def test_a_refused_draft_gets_its_reasons_as_json(client, world):
    client.force_login(world.grid_worker)
    response = post_draft(client, world, text="")
    assert response.status_code == 400
    assert response.json()["ok"] is False and response.json()["errors"]
    response = post_draft(client, world, area=world.village_b1.pk)  # not in the grid worker's areas
    assert response.status_code == 400
    assert Report.objects.count() == 0


@pytest.mark.django_db
def test_a_signed_out_phone_is_sent_to_sign_in_and_nothing_is_received(client, world):
    response = post_draft(client, world)
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert Report.objects.count() == 0


@pytest.mark.django_db
def test_a_draft_needs_a_csrf_token(world):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(world.grid_worker)
    assert post_draft(client, world).status_code == 403
    client.get("/intake/grid/")  # the page sets the CSRF cookie, which the script sends as a header
    token = client.cookies["csrftoken"].value
    response = client.post(
        "/intake/grid/send/",
        {"area": world.grid_a1.pk, "text": TEXT, "idempotency_key": KEY},
        headers={"x-csrftoken": token},
    )
    assert response.status_code == 200
    assert Report.objects.count() == 1


@pytest.mark.django_db
def test_the_manifest_and_the_worker_are_served_with_the_scope_of_the_form(client):
    manifest = client.get("/intake/grid/manifest.webmanifest")
    assert manifest["Content-Type"] == "application/manifest+json"
    data = manifest.json()
    assert data["name"] == "安居·网格上报"
    assert data["start_url"] == data["scope"] == "/intake/grid/"
    assert [icon["sizes"] for icon in data["icons"]] == ["192x192", "512x512"]
    worker = client.get("/intake/grid/sw.js")
    assert worker.status_code == 200
    assert worker["Content-Type"].startswith("text/javascript")
    assert "no-cache" in worker["Cache-Control"]
    assert 'var PAGE = "/intake/grid/";' in worker.content.decode()
    for icon in data["icons"]:  # the icons are committed static files
        assert client.get(icon["src"]).status_code == 200
