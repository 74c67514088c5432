"""Who the API lets in: bearer tokens, the browser session, and nobody else."""

from __future__ import annotations

import pytest
from django.test import Client

from anju.core import actions
from anju.core.errors import NotAllowed
from anju.core.models import ApiToken, AuditEvent

pytestmark = pytest.mark.django_db


def test_without_credentials_is_401_with_a_chinese_message(api_token, world):
    response = api_token().get("/matters")
    assert response.status_code == 401
    assert "令牌" in response.json()["detail"]
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_wrong_token_is_401_even_for_a_post(api_token, world):
    client = api_token("anju_not-a-real-token")
    assert client.get("/areas").status_code == 401
    # not 403 from the session's CSRF check: a bad token means "not authenticated"
    assert client.post("/matters", {"title": "x"}).status_code == 401


def test_a_good_token_is_accepted_and_its_use_recorded(api, world):
    client = api(world.cadre)
    token = ApiToken.objects.get(user=world.cadre)
    assert token.last_used_at is None
    response = client.get("/areas")
    assert response.status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert AuditEvent.objects.filter(action="api_token.issue", actor=world.cadre).exists()


def test_only_the_hash_of_a_token_is_stored(world):
    secret = actions.issue_api_token(world.cadre, "script")
    stored = ApiToken.objects.get(user=world.cadre, name="script")
    assert secret not in (stored.digest, stored.prefix)
    assert stored.digest == ApiToken.hash(secret)


def test_a_deactivated_users_token_is_refused(api, world):
    client = api(world.cadre)
    assert client.get("/areas").status_code == 200
    world.cadre.is_active = False
    world.cadre.save()
    assert client.get("/areas").status_code == 401


def test_the_logged_in_browser_may_use_the_api(world):
    browser = Client()
    browser.force_login(world.cadre)
    response = browser.get("/api/areas")
    assert response.status_code == 200
    assert {a["name"] for a in response.json()["items"]} == {"东一村", "东一村第一网格"}


def test_a_browser_post_without_csrf_token_is_refused(matters):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(matters.centre_staff)
    response = browser.post(
        f"/api/matters/{matters.matter_a.pk}/note", data='{"note": "x"}', content_type="application/json"
    )
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert matters.matter_a.events.filter(kind="note").count() == 0


def test_token_cli_prints_a_working_token(api_token, world, capsys):
    from anju.api.cli import cmd_token_create

    class Args:
        username = "cun"
        name = "cli"

    assert cmd_token_create(Args()) == 0
    secret = capsys.readouterr().out.strip()
    assert ApiToken.objects.filter(user=world.cadre, name="cli", digest=ApiToken.hash(secret)).exists()
    assert api_token(secret).get("/areas").status_code == 200


def test_token_cli_refuses_unknown_users(world, capsys):
    from anju.api.cli import cmd_token_create

    class Args:
        username = "nobody"
        name = "cli"

    assert cmd_token_create(Args()) == 1
    assert "不存在" in capsys.readouterr().err


def test_token_cli_lists_tokens_without_revealing_them(world, capsys):
    from anju.api.cli import cmd_token_list

    secret = actions.issue_api_token(world.cadre, "nightly")

    class Args:
        username = "cun"

    assert cmd_token_list(Args()) == 0
    out = capsys.readouterr().out
    assert "nightly" in out and secret[5:13] in out and secret not in out and "从未使用" in out


def test_anju_token_create_through_the_anju_command(world, capsys):
    from anju.cli import main

    assert main(["token", "create", "cun", "--name", "etl"]) == 0
    secret = capsys.readouterr().out.strip()
    assert ApiToken.objects.filter(user=world.cadre, name="etl", digest=ApiToken.hash(secret)).exists()


def test_a_revoked_token_no_longer_authenticates(api_token, world, capsys):
    from anju.cli import main

    secret = actions.issue_api_token(world.cadre, "old")
    assert api_token(secret).get("/areas").status_code == 200
    assert main(["token", "revoke", "cun", "nomatch"]) == 1
    assert main(["token", "revoke", "cun", secret[:13]]) == 0
    assert api_token(secret).get("/areas").status_code == 401
    assert AuditEvent.objects.filter(action="api_token.revoke").count() == 1
    other = ApiToken.objects.get(digest=ApiToken.hash(actions.issue_api_token(world.cadre_b, "b")))
    with pytest.raises(NotAllowed):
        actions.revoke_api_token(world.cadre, other)  # someone else's token
    assert ApiToken.objects.filter(pk=other.pk).exists()
