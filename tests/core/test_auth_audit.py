"""Sign-in events in the audit log: login, failed login (the username tried, never the password), logout,
lockout; each with the client address."""

from __future__ import annotations

from django.urls import reverse

from anju.core.auth_audit import record_lockout
from anju.core.models import AuditEvent

PASSWORD = "test-pass-123"  # the world fixture's


def _last(action: str) -> AuditEvent:
    return AuditEvent.objects.filter(action=action).order_by("-id").first()


def test_login_on_the_login_page_is_recorded_with_the_client_address(client, world):
    response = client.post(
        reverse("core:login"), {"username": "cun", "password": PASSWORD}, REMOTE_ADDR="10.20.30.40"
    )
    assert response.status_code == 302
    event = _last("auth.login")
    assert event is not None
    assert (event.actor, event.object_type, event.object_id) == (
        world.cadre,
        "core.user",
        str(world.cadre.pk),
    )
    assert event.area == world.village_a1
    assert event.after == {"username": "cun", "client_address": "10.20.30.40"}


def test_failed_login_records_the_username_tried_and_never_the_password(client, world):
    wrong = "wrong-secret-987"
    response = client.post(
        reverse("core:login"), {"username": "cun", "password": wrong}, REMOTE_ADDR="10.9.9.9"
    )
    assert response.status_code == 200  # the form again, with its message
    assert not AuditEvent.objects.filter(action="auth.login").exists()
    event = _last("auth.login_failed")
    assert event.actor is None
    assert (event.object_id, event.area) == (str(world.cadre.pk), world.village_a1)
    assert event.after == {"username": "cun", "client_address": "10.9.9.9"}
    stored = " ".join(
        str(v) for v in AuditEvent.objects.values_list("before", "after", "note", "object_repr")
    )
    assert wrong not in stored


def test_failed_login_under_an_unknown_name_is_recorded_without_an_account(client, world):
    client.post(
        reverse("core:login"), {"username": "nobody-here", "password": "x" * 10}, REMOTE_ADDR="10.1.1.1"
    )
    event = _last("auth.login_failed")
    assert (event.object_id, event.object_repr, event.area) == ("", "nobody-here", None)
    assert event.after == {"username": "nobody-here", "client_address": "10.1.1.1"}


def test_logout_is_recorded(client, world):
    client.force_login(world.town_staff)
    client.post(reverse("core:logout"), REMOTE_ADDR="10.5.5.5")
    event = _last("auth.logout")
    assert (event.actor, event.area) == (world.town_staff, world.town_a)
    assert event.after["client_address"] == "10.5.5.5"


def test_the_lockout_hook_records_the_account(rf, world):
    request = rf.post("/login/", REMOTE_ADDR="10.7.7.7")
    record_lockout(request, "zhen")
    event = _last("auth.lockout")
    assert (event.actor, event.object_id, event.area) == (None, str(world.town_staff.pk), world.town_a)
    assert event.after == {"username": "zhen", "client_address": "10.7.7.7"}
