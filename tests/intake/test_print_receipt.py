"""The printed 受理回执: what the citizen may see only, personal data masked, the public track address."""

from __future__ import annotations

import pytest
from django.urls import reverse

from anju.intake import actions

from .helpers import report_kwargs

pytestmark = pytest.mark.django_db

TEXT = "东一村三组两户因宅基地边界争执，张大山称要动手"


@pytest.fixture
def report(world):
    return actions.submit_report(
        world.cadre,
        **report_kwargs(world, text=TEXT),
        reporter_name="张大山",
        reporter_phone="13912345678",
    )


def receipt(client, user, report):
    client.force_login(user)
    response = client.get(reverse("intake:print_receipt", args=[report.pk]))
    return response, response.content.decode()


def test_receipt_shows_code_time_and_track_address(client, world, report, settings):
    settings.ANJU_PUBLIC_URL = "https://anju.example.gov.cn"
    response, html = receipt(client, world.cadre, report)
    assert response.status_code == 200
    code = report.receipt_code
    assert f"{code[:4]}-{code[4:8]}-{code[8:]}" in html
    assert "https://anju.example.gov.cn/public/track" in html
    assert "受理回执" in html and "查询办理进度" in html
    assert "东镇综治中心" in html and "东一村" in html  # the nearest centre above the village


def test_receipt_has_no_internal_text_and_masks_personal_data(client, world, report):
    _, html = receipt(client, world.cadre, report)
    assert TEXT not in html and "宅基地" not in html  # the complaint text stays on the staff pages
    assert "张大山" not in html and "13912345678" not in html
    assert "张**" in html and "139****5678" in html


def test_receipt_falls_back_to_this_host_without_a_public_url(client, world, report, settings):
    settings.ANJU_PUBLIC_URL = ""
    _, html = receipt(client, world.cadre, report)
    assert "http://testserver/public/track" in html


def test_receipt_is_scoped(client, world, report):
    assert receipt(client, world.cadre, report)[0].status_code == 200  # positive control
    assert receipt(client, world.cadre_b, report)[0].status_code == 404


def test_report_page_links_the_receipt(client, world, report):
    client.force_login(world.cadre)
    html = client.get(reverse("intake:detail", args=[report.pk])).content.decode()
    assert reverse("intake:print_receipt", args=[report.pk]) in html
