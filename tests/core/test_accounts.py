"""Sign-in and sessions: lockout after repeated failures, password rules, one-time passwords, timeouts."""

from __future__ import annotations

import time

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from anju.cli import main as anju_main
from anju.core import accounts, actions
from anju.core.errors import NotAllowed
from anju.core.models import AuditEvent, User
from anju.core.roles import Role

PASSWORD = "test-pass-123"  # the world fixture's password


def _login(client, username, password, address="10.1.2.3"):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def _signed_in(client) -> bool:
    return client.get("/").status_code == 200


@pytest.mark.django_db
def test_five_failures_lock_the_account_and_the_right_password_is_refused_until_unlocked(world, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    client = Client()
    for _ in range(5):
        assert _login(client, "cun", "wrong-password").status_code in (200, 429)
    locked = _login(client, "cun", PASSWORD)
    assert locked.status_code == 429
    assert "登录已暂时锁定" in locked.content.decode()
    assert not _signed_in(client)
    assert AuditEvent.objects.filter(action="auth.lockout", object_id=str(world.cadre.pk)).exists()
    # from another address the account is still locked: the lock is on the account
    assert _login(Client(), "cun", PASSWORD, address="10.9.9.9").status_code == 429

    actions.unlock_login(world.admin, "cun")
    assert AuditEvent.objects.filter(action="auth.unlock").exists()
    client = Client()
    assert _login(client, "cun", PASSWORD).status_code == 302
    assert _signed_in(client)


@pytest.mark.django_db
def test_failures_on_many_accounts_lock_the_address(world):
    client = Client()
    for name in ["zhen", "cun", "wangge", "bumen", "lingdao"]:
        _login(client, name, "wrong-password", address="10.7.7.7")
    # a sixth account with its right password, from the same address: refused
    assert _login(Client(), "zongzhi", PASSWORD, address="10.7.7.7").status_code == 429
    # positive control: the same account from another address signs in
    assert _login(Client(), "zongzhi", PASSWORD, address="10.8.8.8").status_code == 302


@pytest.mark.django_db
def test_a_success_before_the_limit_resets_the_count(world):
    client = Client()
    for _ in range(4):
        _login(client, "cun", "wrong-password")
    assert _login(client, "cun", PASSWORD).status_code == 302
    client = Client()
    for _ in range(4):
        _login(client, "cun", "wrong-password")
    assert _login(client, "cun", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_only_administrators_unlock(world):
    with pytest.raises(NotAllowed) as refused:
        actions.unlock_login(world.centre_staff, "cun")
    assert "无权" in str(refused.value)
    client = Client()
    client.force_login(world.centre_staff)
    assert client.get("/account/lockouts/").status_code == 403
    client.force_login(world.admin)
    assert client.get("/account/lockouts/").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    "password, message",
    [
        ("1", "至少要包含 12 个字符"),
        ("short-pass", "至少要包含 12 个字符"),
        ("password1234", "太常见"),
        ("123456789012345", "只包含数字"),
        ("newcomer-user", "相似"),
    ],
)
def test_passwords_that_break_the_rules_are_refused_and_nothing_is_saved(world, password, message):
    with pytest.raises(ValidationError) as refused:
        actions.create_user(
            world.admin,
            username="newcomer",
            password=password,
            role=Role.GRID_WORKER,
            area=world.grid_a1,
            display_name="newcomer-user",
        )
    assert any(message in m for m in refused.value.message_dict["password"])
    assert not User.objects.filter(username="newcomer").exists()


@pytest.mark.django_db
def test_createadmin_refuses_a_weak_password(capsys):
    assert anju_main(["createadmin", "boss", "--password", "1"]) == 1
    assert "至少要包含 12 个字符" in capsys.readouterr().err
    assert not User.objects.filter(username="boss").exists()
    assert anju_main(["createadmin", "boss", "--password", "Qingshan-centre-2026"]) == 0
    assert User.objects.get(username="boss").check_password("Qingshan-centre-2026")


@pytest.mark.django_db
def test_change_password_checks_the_old_one_the_rules_and_the_confirmation(world):
    def change(old, new, confirm=None):
        return actions.change_password(
            world.cadre,
            old_password=old,
            new_password=new,
            confirm_password=new if confirm is None else confirm,
        )

    with pytest.raises(ValidationError) as e:
        change("not-my-password", "Jinqiao-village-2026")
    assert "old_password" in e.value.message_dict
    with pytest.raises(ValidationError) as e:
        change(PASSWORD, "Jinqiao-village-2026", "Jinqiao-village-2027")
    assert "confirm_password" in e.value.message_dict
    with pytest.raises(ValidationError) as e:
        change(PASSWORD, "short")
    assert "new_password" in e.value.message_dict
    world.cadre.refresh_from_db()
    assert world.cadre.check_password(PASSWORD)  # refused: unchanged

    change(PASSWORD, "Jinqiao-village-2026")
    world.cadre.refresh_from_db()
    assert world.cadre.check_password("Jinqiao-village-2026")
    assert AuditEvent.objects.filter(action="user.password_change", object_id=str(world.cadre.pk)).exists()


@pytest.mark.django_db
def test_a_one_time_password_must_be_changed_before_anything_else(world):
    actions.create_user(
        world.admin,
        username="xinren",
        password="Initial-pass-0001",
        role=Role.VILLAGE_CADRE,
        area=world.village_a1,
        one_time_password=True,
    )
    client = Client()
    assert _login(client, "xinren", "Initial-pass-0001").status_code == 302
    response = client.get("/matters/")
    assert response.status_code == 302 and response["Location"] == "/account/password/"
    page = client.post(
        "/account/password/",
        {
            "old_password": "Initial-pass-0001",
            "new_password": "Xinren-own-choice-9",
            "confirm_password": "Xinren-own-choice-9",
        },
    )
    assert page.status_code == 302
    assert client.get("/matters/").status_code == 200  # still signed in, free to work


@pytest.mark.django_db
def test_an_administrator_forces_a_change_at_the_next_request(world):
    client = Client()
    client.force_login(world.cadre)
    assert client.get("/matters/").status_code == 200
    with pytest.raises(NotAllowed) as refused:
        actions.force_password_change(world.centre_staff, world.cadre)
    assert "无权" in str(refused.value)
    actions.force_password_change(world.admin, world.cadre)
    assert client.get("/matters/")["Location"] == "/account/password/"


@pytest.mark.django_db
def test_idle_and_absolute_session_limits(world, settings):
    assert (settings.ANJU_SESSION_IDLE_MINUTES, settings.ANJU_SESSION_ABSOLUTE_HOURS) == (30, 12)
    client = Client()
    assert _login(client, "cun", PASSWORD).status_code == 302
    assert _signed_in(client)

    def age(key, seconds):
        session = client.session
        session[key] = int(time.time()) - seconds
        session.save()

    age(accounts.LAST_SEEN, 29 * 60)
    assert _signed_in(client)  # 29 idle minutes: still in
    age(accounts.LAST_SEEN, 31 * 60)
    assert not _signed_in(client)

    client = Client()
    _login(client, "cun", PASSWORD)
    age(accounts.AUTH_AT, 11 * 3600)
    assert _signed_in(client)
    age(accounts.AUTH_AT, 12 * 3600 + 60)
    assert not _signed_in(client)


@pytest.mark.django_db
def test_log_out_everywhere_ends_every_session_of_the_user_only(world):
    phone, desk, colleague = Client(), Client(), Client()
    _login(phone, "cun", PASSWORD)
    _login(desk, "cun", PASSWORD)
    _login(colleague, "wangge", PASSWORD)
    assert all(_signed_in(c) for c in (phone, desk, colleague))
    assert desk.post("/account/logout-everywhere/").status_code == 302
    assert not _signed_in(phone)
    assert not _signed_in(desk)
    assert _signed_in(colleague)
    assert AuditEvent.objects.filter(action="user.logout_everywhere").count() == 1


@pytest.mark.django_db
def test_an_overlong_user_name_is_a_form_error_not_a_sign_in_attempt(world):
    """Django leaves the name's length unchecked; a 20,000-character name reached the lockout records (500 on
    PostgreSQL, whose column holds 255)."""
    from axes.models import AccessAttempt

    answer = _login(Client(), "x" * 20_000, "wrong-password")
    assert answer.status_code == 200 and "errorlist" in answer.content.decode()
    assert not AccessAttempt.objects.exists()
    assert _login(Client(), "x" * 150, "wrong-password").status_code == 200  # control: counted as a failure
    assert AccessAttempt.objects.count() == 1
