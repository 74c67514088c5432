"""API tokens carry a scope and an expiry; owners and administrators list and revoke them (audited)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from anju.core import actions
from anju.core.errors import NotAllowed
from anju.core.models import ApiToken, AuditEvent

pytestmark = pytest.mark.django_db


def _token(user, name="t", **kwargs) -> tuple[str, ApiToken]:
    secret = actions.issue_api_token(user, name, **kwargs)
    return secret, ApiToken.objects.get(digest=ApiToken.hash(secret))


def test_a_read_only_token_reads_but_every_write_is_403(api_token, matters):
    secret, _stored = _token(matters.centre_staff, scope="read")
    client = api_token(secret)
    mid = matters.matter_a.pk
    assert client.get("/matters").json()["count"] == 2
    assert client.get(f"/matters/{mid}").status_code == 200
    for path, body in [
        (f"/matters/{mid}/note", {"note": "只读令牌试图写入"}),
        (f"/matters/{mid}/assess", {"likelihood": 3, "consequence": 3}),
        (f"/matters/{mid}/parties/{matters.matter_a.parties.get().pk}/reveal", {"field": "phone"}),
        ("/reports", {"channel": "call", "text": "t", "area": matters.grid_a1.code}),
    ]:
        response = client.post(path, body)
        assert response.status_code == 403, path
        assert "只读" in response.json()["detail"]
    assert matters.matter_a.events.filter(kind="note").count() == 0
    assert not AuditEvent.objects.filter(action="personal_data.reveal").exists()
    # positive control: the same user's actions token may write
    actions_secret, _ = _token(matters.centre_staff, "w", scope="actions")
    assert api_token(actions_secret).post(f"/matters/{mid}/note", {"note": "可以写"}).status_code == 200


def test_an_expired_token_is_401_and_says_so(api_token, world):
    secret, stored = _token(world.cadre, days=1)
    client = api_token(secret)
    assert client.get("/areas").status_code == 200
    ApiToken.objects.filter(pk=stored.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    response = client.get("/areas")
    assert response.status_code == 401
    assert "过期" in response.json()["detail"]
    assert client.post("/matters", {}).status_code == 401
    assert "过期" not in api_token("anju_unknown").get("/areas").json()["detail"]


def test_a_token_lasts_the_days_asked_for(world):
    now = timezone.now()
    _secret, stored = _token(world.cadre, days=7, now=now)
    assert stored.expires_at == now + dt.timedelta(days=7)
    _secret, default = _token(world.cadre, "default", now=now)
    assert default.expires_at == now + dt.timedelta(days=90)  # ANJU_API_TOKEN_DAYS


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"days": 0}, "days"),
        ({"days": 366}, "days"),  # past ANJU_API_TOKEN_MAX_DAYS
        ({"scope": "admin"}, "scope"),
        ({"name": "  "}, "name"),
    ],
)
def test_issuing_checks_its_values(world, kwargs, field):
    with pytest.raises(ValidationError) as caught:
        actions.issue_api_token(world.cadre, **{"name": "t", **kwargs})
    assert field in caught.value.message_dict
    assert not ApiToken.objects.exists()


def test_issue_and_revoke_are_audited_with_scope_and_expiry(world):
    _secret, stored = _token(world.cadre, "etl", scope="read", days=30)
    issued = AuditEvent.objects.get(action="api_token.issue")
    assert issued.actor == world.cadre
    assert issued.after["scope"] == "read" and issued.after["expires_at"] == stored.expires_at.isoformat()
    actions.revoke_api_token(world.cadre, stored)
    revoked = AuditEvent.objects.get(action="api_token.revoke")
    assert revoked.before["name"] == "etl" and revoked.before["scope"] == "read"
    assert not ApiToken.objects.filter(pk=stored.pk).exists()
    with pytest.raises(ValidationError):
        actions.revoke_api_token(world.cadre, stored)  # already gone: 409, nothing more audited
    assert AuditEvent.objects.filter(action="api_token.revoke").count() == 1


def test_revoke_guard_owner_or_administrator_of_the_area(world):
    _s, cadre_token = _token(world.cadre)
    with pytest.raises(NotAllowed):
        actions.revoke_api_token(world.cadre_b, cadre_token)  # another village's cadre
    with pytest.raises(NotAllowed):
        actions.revoke_api_token(world.centre_staff, cadre_token)  # centre staff are not administrators
    assert ApiToken.objects.filter(pk=cadre_token.pk).exists()
    actions.revoke_api_token(world.admin, cadre_token)  # the county's administrator
    assert not ApiToken.objects.filter(pk=cadre_token.pk).exists()


def test_the_api_lists_own_tokens_and_administrators_all_in_their_area(api, world):
    _token(world.cadre, "cadre-etl")
    _token(world.cadre_b, "cadre-b-etl")
    mine = api(world.cadre).get("/tokens").json()
    names = {item["name"] for item in mine["items"]}
    assert "cadre-etl" in names and "cadre-b-etl" not in names
    item = next(i for i in mine["items"] if i["name"] == "cadre-etl")
    assert item["prefix"].startswith("anju_") and item["scope"] == "actions" and item["expired"] is False
    assert item["user"]["username"] == "cun"
    assert api(world.cadre).get("/tokens", all="true").status_code == 403
    everyone = api(world.admin).get("/tokens", all="true").json()
    assert {"cadre-etl", "cadre-b-etl"} <= {item["name"] for item in everyone["items"]}


def test_the_api_revokes_own_tokens_and_hides_others(api, api_token, world):
    cadre = api(world.cadre)
    secret, stored = _token(world.cadre, "old")
    _s, other = _token(world.cadre_b, "b")
    assert cadre.post(f"/tokens/{other.pk}/revoke").status_code == 404  # not theirs: not found
    assert ApiToken.objects.filter(pk=other.pk).exists()
    assert cadre.post(f"/tokens/{stored.pk}/revoke").status_code == 204
    assert api_token(secret).get("/areas").status_code == 401
    assert api(world.admin).post(f"/tokens/{other.pk}/revoke").status_code == 204
    assert not ApiToken.objects.filter(pk=other.pk).exists()
    event = AuditEvent.objects.filter(action="api_token.revoke").first()
    assert event.actor == world.admin


def test_the_account_page_issues_shows_once_lists_and_revokes(world):
    browser = Client()
    browser.force_login(world.cadre)
    page = browser.get("/account/tokens/")
    assert page.status_code == 200 and "签发令牌" in page.content.decode()
    response = browser.post("/account/tokens/", {"name": "预警订阅", "scope": "read", "days": "30"})
    assert response.status_code == 200
    token = ApiToken.objects.get(user=world.cadre, name="预警订阅")
    assert token.scope == "read"
    html = response.content.decode()
    secret = html.split('<code class="secret">')[1].split("<")[0]
    assert token.digest == ApiToken.hash(secret)
    assert secret not in browser.get("/account/tokens/").content.decode()  # shown once
    invalid = browser.post("/account/tokens/", {"name": "x", "scope": "read", "days": "0"})
    assert invalid.status_code == 422
    response = browser.post(f"/account/tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    assert not ApiToken.objects.filter(pk=token.pk).exists()


def test_the_account_page_shows_administrators_their_users_tokens(world):
    _token(world.cadre_b, "西一村接口")
    admin = Client()
    admin.force_login(world.admin)
    assert "西一村接口" in admin.get("/account/tokens/").content.decode()
    cadre = Client()
    cadre.force_login(world.cadre)
    assert "西一村接口" not in cadre.get("/account/tokens/").content.decode()
    other = ApiToken.objects.get(name="西一村接口")
    assert cadre.post(f"/account/tokens/{other.pk}/revoke/").status_code == 404
    assert admin.post(f"/account/tokens/{other.pk}/revoke/").status_code == 302
    assert not ApiToken.objects.filter(pk=other.pk).exists()


def test_the_cli_issues_a_read_only_token_for_some_days(api_token, world, capsys):
    from anju.cli import main

    assert main(["token", "create", "cun", "--name", "feed", "--scope", "read", "--days", "10"]) == 0
    secret = capsys.readouterr().out.strip()
    stored = ApiToken.objects.get(digest=ApiToken.hash(secret))
    assert stored.scope == "read"
    assert dt.timedelta(days=9) < stored.expires_at - timezone.now() <= dt.timedelta(days=10)
    assert api_token(secret).post("/matters", {}).status_code == 403
    assert main(["token", "create", "cun", "--days", "0"]) == 1
    assert "有效天数" in capsys.readouterr().err
