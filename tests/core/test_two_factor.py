"""The second factor (TOTP): enrolment with a locally drawn QR code, verification, recovery codes, reset."""

from __future__ import annotations

import time

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from anju.core import actions
from anju.core.errors import NotAllowed
from anju.core.models import AuditEvent
from anju.core.roles import Role

PASSWORD = "test-pass-123"


@pytest.fixture
def required(settings):
    settings.ANJU_2FA_REQUIRED_ROLES = [Role.ADMIN, Role.LEADER, Role.CENTRE_STAFF]


def _sign_in(username) -> Client:
    client = Client()
    assert client.post("/login/", {"username": username, "password": PASSWORD}).status_code == 302
    return client


def _code(device) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


@pytest.mark.django_db
def test_a_required_role_enrols_before_working_and_gets_recovery_codes(world, required):
    client = _sign_in("zongzhi")
    assert client.get("/matters/")["Location"] == "/account/2fa/setup/"
    page = client.get("/account/2fa/setup/").content.decode()
    assert "<svg" in page and "密钥" in page  # the QR code is drawn by the server itself
    device = TOTPDevice.objects.get(user=world.centre_staff, confirmed=False)

    wrong = client.post("/account/2fa/setup/", {"token": "000000" if _code(device) != "000000" else "111111"})
    assert wrong.status_code == 422 and "验证码不正确" in wrong.content.decode()
    assert not TOTPDevice.objects.filter(user=world.centre_staff, confirmed=True).exists()

    done = client.post("/account/2fa/setup/", {"token": _code(device)})
    assert done.status_code == 200
    codes = done.context["codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.get("/matters/").status_code == 200  # this session passed the second factor
    assert AuditEvent.objects.filter(action="auth.2fa_enrol", object_id=str(world.centre_staff.pk)).exists()


@pytest.mark.django_db
def test_a_user_with_an_authenticator_must_give_a_code_and_a_recovery_code_works_once(world, required):
    client = _sign_in("cun")
    assert client.get("/matters/").status_code == 200  # an optional role without a device: not asked
    actions.start_totp_enrolment(world.cadre)
    device, codes = actions.confirm_totp(
        world.cadre, token=_code(TOTPDevice.objects.get(user=world.cadre, confirmed=False))
    )

    client = _sign_in("cun")
    assert client.get("/matters/")["Location"].startswith("/account/2fa/verify/")
    refused = client.post("/account/2fa/verify/", {"token": "12345", "next": "/matters/"})
    assert refused.status_code == 422
    assert client.get("/matters/").status_code == 302
    time.sleep(1.1)  # django-otp throttles: after one failure the next try waits a second
    assert (
        client.post("/account/2fa/verify/", {"token": codes[0], "next": "/matters/"})["Location"]
        == "/matters/"
    )
    assert client.get("/matters/").status_code == 200

    again = _sign_in("cun")
    assert again.post("/account/2fa/verify/", {"token": codes[0]}).status_code == 422  # used up
    assert AuditEvent.objects.filter(action="auth.2fa_failure").count() == 2


@pytest.mark.django_db
def test_verify_refuses_an_outside_next_address(world):
    actions.start_totp_enrolment(world.cadre)
    _device, codes = actions.confirm_totp(
        world.cadre, token=_code(TOTPDevice.objects.get(user=world.cadre, confirmed=False))
    )
    client = _sign_in("cun")
    answer = client.post("/account/2fa/verify/", {"token": codes[1], "next": "https://evil.example/"})
    assert answer["Location"] == "/"


@pytest.mark.django_db
def test_only_administrators_reset_a_second_factor(world, required):
    actions.start_totp_enrolment(world.centre_staff)
    actions.confirm_totp(
        world.centre_staff, token=_code(TOTPDevice.objects.get(user=world.centre_staff, confirmed=False))
    )
    with pytest.raises(NotAllowed) as refused:
        actions.reset_second_factor(world.leader, world.centre_staff)
    assert "无权" in str(refused.value)
    assert TOTPDevice.objects.filter(user=world.centre_staff).exists()
    assert actions.reset_second_factor(world.admin, world.centre_staff) == 2  # authenticator + recovery codes
    assert _sign_in("zongzhi").get("/matters/")["Location"] == "/account/2fa/setup/"
