"""Other systems read the CAP message and the Atom feed of warnings with an API token, scoped to its user."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone
from lxml import etree

from anju.core import actions as core_actions
from anju.core.models import ApiToken
from anju.warning import actions, cap

pytestmark = pytest.mark.django_db

SCHEMA = etree.XMLSchema(etree.parse(str(Path(__file__).with_name("schema") / "CAP-v1.2.xsd")))
ATOM_ENTRY = "{http://www.w3.org/2005/Atom}entry"


@pytest.fixture
def issued(world):
    """An issued yellow warning for 东一村 (town A)."""
    alert = actions.draft_alert(
        world.centre_staff,
        domain=world.wages,
        level="yellow",
        headline="东一村欠薪诉求异常增多预警",
        area=world.village_a1,
        onset=timezone.now(),
        expected="本周欠薪类事项 8 件，明显高于往年同期。",
        measures="立即排查在建工地，逐件登记化解。",
        recipients=[world.committee_a1],
    )
    actions.issue_alert(world.centre_staff, alert)
    return alert


def _get(path: str, secret: str | None):
    headers = {"Authorization": f"Bearer {secret}"} if secret else {}
    return Client().get(path, headers=headers)


def _entries(response) -> list:
    assert response.status_code == 200 and response["Content-Type"].startswith("application/atom+xml")
    return etree.fromstring(response.content).findall(ATOM_ENTRY)


def test_a_read_only_token_reads_the_cap_message_and_the_feed(world, issued):
    secret = core_actions.issue_api_token(world.centre_staff, "syndication", scope="read")
    response = _get(f"/warning/{issued.pk}/cap.xml", secret)
    assert response.status_code == 200 and response["Content-Type"].startswith("application/cap+xml")
    doc = etree.fromstring(response.content)
    SCHEMA.assertValid(doc)
    assert doc.findtext("cap:identifier", namespaces={"cap": cap.CAP_NS}) == issued.identifier
    assert len(_entries(_get("/warning/feed.atom", secret))) == 1
    assert ApiToken.objects.get(name="syndication").last_used_at is not None
    assert response["Cache-Control"] == "no-store"


def test_the_token_sees_what_its_user_sees(world, issued):
    east = core_actions.issue_api_token(world.cadre, "east", scope="read")
    west = core_actions.issue_api_token(world.cadre_b, "west", scope="read")
    assert len(_entries(_get("/warning/feed.atom", east))) == 1  # positive control: 东一村's own warning
    assert len(_entries(_get("/warning/feed.atom", west))) == 0
    assert _get(f"/warning/{issued.pk}/cap.xml", east).status_code == 200
    assert _get(f"/warning/{issued.pk}/cap.xml", west).status_code == 404


@pytest.mark.parametrize("path", ["/warning/feed.atom", "/warning/{pk}/cap.xml"])
def test_a_bad_expired_or_revoked_token_is_401(world, issued, path):
    path = path.format(pk=issued.pk)
    secret = core_actions.issue_api_token(world.centre_staff, "feed", scope="read")
    assert _get(path, secret).status_code == 200  # positive control
    unknown = _get(path, "anju_not-a-token")
    assert unknown.status_code == 401 and unknown["WWW-Authenticate"].startswith("Bearer")
    assert "令牌" in unknown.content.decode()
    stored = ApiToken.objects.get(name="feed")
    ApiToken.objects.filter(pk=stored.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    expired = _get(path, secret)
    assert expired.status_code == 401 and "过期" in expired.content.decode()
    core_actions.revoke_api_token(world.centre_staff, stored)
    assert _get(path, secret).status_code == 401


def test_a_deactivated_users_token_is_401(world, issued):
    secret = core_actions.issue_api_token(world.cadre, "feed", scope="read")
    world.cadre.is_active = False
    world.cadre.save()
    assert _get("/warning/feed.atom", secret).status_code == 401


def test_without_a_token_the_browser_still_signs_in(world, issued):
    response = _get("/warning/feed.atom", None)
    assert response.status_code == 302 and "/login/" in response["Location"]
    browser = Client()
    browser.force_login(world.cadre)
    assert len(_entries(browser.get("/warning/feed.atom"))) == 1


def test_a_token_only_reads_there(world, issued):
    secret = core_actions.issue_api_token(world.centre_staff, "feed", scope="actions")
    response = Client().post("/warning/feed.atom", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 405
