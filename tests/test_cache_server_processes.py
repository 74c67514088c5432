"""Two real `anju serve` processes sharing a Redis cache server (ANJU_CACHE_URL, Debian's redis-server on a
unix socket) and keeping sessions in it (ANJU_SESSION_STORE=cache, written through to the database).

Attempts at either process count towards one public-form limit, and the counts are in Redis; a sign-in
lockout reached through one process holds at the other; a session signed in at one is valid at the other
and is read from Redis.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import subprocess
import sys
import urllib.parse
import urllib.request

import pytest
from redis import Redis

from redis_server import redis_server
from test_ratelimit_processes import _free_port, _status, _wait

LIMIT = 4
PASSWORD = "Shared-Cache-Pa55!"
SETUP = f"""
import django
django.setup()
from anju.core import actions
from anju.core.models import AreaLevel
county = actions.create_area(None, code="330100000000", name="示范县", level=AreaLevel.COUNTY)
town = actions.create_area(None, code="330101000000", name="东镇", level=AreaLevel.TOWN, parent=county)
for name in ("zhen", "xi"):
    actions.create_user(None, username=name, password={PASSWORD!r}, role="centre_staff", area=town)
"""


@pytest.fixture(scope="module")
def cache_server(tmp_path_factory):
    with redis_server(tmp_path_factory.mktemp("redis")) as url:
        yield url


@pytest.fixture(scope="module")
def two_servers(tmp_path_factory, cache_server):
    data_dir = tmp_path_factory.mktemp("shared-data")
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANJU_")} | {
        "ANJU_DATA_DIR": str(data_dir),
        "ANJU_CACHE_URL": cache_server,
        "ANJU_SESSION_STORE": "cache",
        "ANJU_PUBLIC_SUBMIT_PER_HOUR": str(LIMIT),
        "ANJU_2FA_REQUIRED_ROLES": "",
        "ANJU_TRUSTED_PROXIES": "127.0.0.1",
        "DJANGO_SETTINGS_MODULE": "anju.settings",
    }
    subprocess.run([sys.executable, "-m", "anju.cli", "migrate"], env=env, check=True, timeout=900)
    subprocess.run([sys.executable, "-c", SETUP], env=env, check=True, timeout=120)
    ports = [_free_port(), _free_port()]
    servers = [
        subprocess.Popen(
            [sys.executable, "-m", "anju.cli", "serve", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for port in ports
    ]
    try:
        for port, server in zip(ports, servers, strict=True):
            _wait(port, server)
        yield ports
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=20)


def _browser(address: str = "203.0.113.1"):
    """A client with its own cookies, at its own address (forwarded by the trusted proxy 127.0.0.1)."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    opener.addheaders = [("X-Forwarded-For", address)]
    return opener


def _token(page: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def _submit(port: int) -> int:
    opener = _browser()
    status, page = _status(opener, f"http://127.0.0.1:{port}/public/submit")
    if status == 429:
        return status
    form = {"csrfmiddlewaretoken": _token(page), "text": ""}  # refused as empty, but counted
    return _status(opener, f"http://127.0.0.1:{port}/public/submit", form)[0]


def _sign_in(opener, port: int, username: str, password: str) -> tuple[int, str]:
    status, page = _status(opener, f"http://127.0.0.1:{port}/login/")
    if status != 200:
        return status, page
    form = {"csrfmiddlewaretoken": _token(page), "username": username, "password": password}
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/login/", data=urllib.parse.urlencode(form).encode()
    )
    request.add_header("Referer", f"http://127.0.0.1:{port}/login/")
    try:
        with opener.open(request, timeout=20) as response:
            return response.status, response.geturl()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.mark.slow
def test_the_public_form_limit_is_one_count_in_the_cache_server(two_servers, cache_server):
    port_a, port_b = two_servers
    assert [_submit(port_a) for _ in range(LIMIT // 2)] == [200] * (LIMIT // 2)
    assert [_submit(port_b) for _ in range(LIMIT // 2)] == [200] * (LIMIT // 2)
    assert (_submit(port_a), _submit(port_b)) == (429, 429)
    counts = Redis.from_url(cache_server).keys("*anju:ratelimit:*")
    assert counts, "the counts are not in the cache server"


@pytest.mark.slow
def test_a_lockout_reached_at_one_process_holds_at_the_other(two_servers):
    port_a, port_b = two_servers
    status, page = _sign_in(_browser("203.0.113.5"), port_b, "xi", "wrong-password")
    assert status == 200 and "登录已暂时锁定" not in page  # one failure: not locked (positive control)
    for _ in range(4):
        _sign_in(_browser("203.0.113.5"), port_a, "xi", "wrong-password")
    # the right password, from another address, at the other process: the account is locked
    status, page = _sign_in(_browser("203.0.113.6"), port_b, "xi", PASSWORD)
    assert status == 429 and "登录已暂时锁定" in page


@pytest.mark.slow
def test_a_session_signed_in_at_one_process_is_valid_at_the_other_and_lives_in_the_cache(
    two_servers, cache_server
):
    port_a, port_b = two_servers
    opener = _browser("203.0.113.9")
    status, landed = _sign_in(opener, port_a, "zhen", PASSWORD)
    assert status == 200 and "/login/" not in landed  # signed in: sent on to the start page
    status, page = _status(opener, f"http://127.0.0.1:{port_b}/account/password/")
    assert status == 200 and "· 东镇</a>" in page  # the header names the signed-in user's area
    anonymous = _status(_browser("203.0.113.9"), f"http://127.0.0.1:{port_b}/account/password/")[1]
    assert "· 东镇</a>" not in anonymous  # (control: without the session, the sign-in page)
    assert Redis.from_url(cache_server).keys("*django.contrib.sessions.cached_db*")
