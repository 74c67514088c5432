"""Production settings from the environment: HTTPS behind a proxy, trusted proxy addresses."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.test import Client, RequestFactory, override_settings

from anju.core.proxies import client_address

PRODUCTION = {
    "ANJU_HTTPS": "1",
    "ANJU_ALLOWED_HOSTS": "anju.example.gov.cn",
    "ANJU_PUBLIC_URL": "https://anju.example.gov.cn",
    "ANJU_TRUSTED_PROXIES": "127.0.0.1",
}


def _deploy_check(tmp_path, **env) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("ANJU_")}
    environment |= {"ANJU_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "anju.settings", **env}
    return subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_documented_production_settings_pass_the_deployment_check(tmp_path):
    result = _deploy_check(tmp_path, **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout + result.stderr


def test_without_https_the_deployment_check_warns(tmp_path):
    # positive control: the same check does see what is missing
    result = _deploy_check(tmp_path, ANJU_ALLOWED_HOSTS="anju.example.gov.cn")
    assert result.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in result.stdout + result.stderr


@override_settings(ANJU_TRUSTED_PROXIES=["127.0.0.1", "10.0.0.0/8"])
@pytest.mark.parametrize(
    "remote, forwarded, expected",
    [
        ("127.0.0.1", "203.0.113.7", "203.0.113.7"),  # our proxy names the client
        ("127.0.0.1", "198.51.100.1, 203.0.113.7", "203.0.113.7"),  # the right-most hop is what we trust
        ("127.0.0.1", "203.0.113.7, 10.1.1.1", "203.0.113.7"),  # a second trusted proxy in between
        ("198.51.100.9", "203.0.113.7", "198.51.100.9"),  # not our proxy: its header is ignored
        ("127.0.0.1", "", "127.0.0.1"),
        ("127.0.0.1", "not-an-address", "127.0.0.1"),
    ],
)
def test_only_trusted_proxies_may_name_the_client(remote, forwarded, expected):
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected


@override_settings(ANJU_TRUSTED_PROXIES=[])
def test_without_trusted_proxies_the_header_is_never_believed():
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert client_address(request) == "127.0.0.1"


def _csrf_post(headers: dict) -> int:
    client = Client(enforce_csrf_checks=True, **headers)
    client.get("/login/", secure=False)
    token = client.cookies["csrftoken"].value
    response = client.post(
        "/login/",
        {"username": "nobody", "password": "wrong-password", "csrfmiddlewaretoken": token},
        HTTP_ORIGIN="https://anju.example.gov.cn",
    )
    return response.status_code


@pytest.mark.django_db
@override_settings(ALLOWED_HOSTS=["anju.example.gov.cn"], CSRF_TRUSTED_ORIGINS=[])
def test_a_form_post_through_a_tls_proxy_passes_the_csrf_check(settings):
    proxied = {"HTTP_HOST": "anju.example.gov.cn", "HTTP_X_FORWARDED_PROTO": "https"}
    # control first: a proxy that is not trusted with the scheme: the browser's https Origin does not match
    # the plain-http request Django sees, so the form POST is refused (what users behind TLS saw before)
    assert _csrf_post(proxied) == 403
    # what ANJU_TRUSTED_PROXIES=127.0.0.1 sets (the test client's requests come from 127.0.0.1)
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.ANJU_TRUSTED_PROXIES = ["127.0.0.1"]
    assert _csrf_post(proxied) == 200  # the login form answers (wrong password), not 403
    # the same headers from a client that is not a trusted proxy are dropped: refused again
    settings.ANJU_TRUSTED_PROXIES = ["10.0.0.1"]
    assert _csrf_post(proxied) == 403
