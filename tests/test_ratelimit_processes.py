"""The public pages' rate limits are shared by every server process of an installation (the database cache).

Two real `anju serve` processes on one data folder: attempts at either count towards one limit — the public
form's per address, and the status lookup's per receipt code.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from anju.intake import receipts

LIMIT = 4


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(data_dir: Path, port: int) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANJU_")}
    env |= {
        "ANJU_DATA_DIR": str(data_dir),
        "ANJU_PUBLIC_SUBMIT_PER_HOUR": str(LIMIT),
        "ANJU_PUBLIC_TRACK_PER_HOUR": "100",
        "ANJU_PUBLIC_TRACK_PER_CODE_PER_HOUR": str(LIMIT),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "anju.cli", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _status(opener, url: str, data: dict | None = None) -> tuple[int, str]:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    try:
        with opener.open(url, data=body, timeout=20) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def _wait(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(process.stderr.read().decode()[-2000:])
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=2)
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.5)
    raise AssertionError(f"server on {port} did not answer")


def _attempt(port: int) -> int:
    """One submission attempt with the form's own CSRF token (an empty text: refused, but counted)."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    status, page = _status(opener, f"http://127.0.0.1:{port}/public/submit")
    if status == 429:
        return status
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    status, _ = _status(
        opener, f"http://127.0.0.1:{port}/public/submit", {"csrfmiddlewaretoken": token, "text": ""}
    )
    return status


@pytest.fixture(scope="module")
def two_servers(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("shared-data")
    subprocess.run(
        [sys.executable, "-m", "anju.cli", "migrate"],
        env={k: v for k, v in os.environ.items() if not k.startswith("ANJU_")}
        | {"ANJU_DATA_DIR": str(data_dir)},
        check=True,
        timeout=300,
    )
    port_a, port_b = _free_port(), _free_port()
    servers = [_start(data_dir, port_a), _start(data_dir, port_b)]
    try:
        _wait(port_a, servers[0])
        _wait(port_b, servers[1])
        yield port_a, port_b
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=20)


@pytest.mark.slow
def test_two_server_processes_share_one_limit(two_servers):
    port_a, port_b = two_servers
    assert [_attempt(port_a) for _ in range(LIMIT // 2)] == [200] * (LIMIT // 2)
    # half the limit used on A: B alone is not limited (positive control)…
    assert [_attempt(port_b) for _ in range(LIMIT // 2)] == [200] * (LIMIT // 2)
    # …but together they reached it, and both processes now refuse the same client
    assert _attempt(port_a) == 429
    assert _attempt(port_b) == 429


def _lookup(port: int, code: str) -> int:
    query = urllib.parse.urlencode({"code": code})
    return _status(urllib.request.build_opener(), f"http://127.0.0.1:{port}/public/track?{query}")[0]


@pytest.mark.slow
def test_two_server_processes_share_one_limit_per_receipt_code(two_servers):
    port_a, port_b = two_servers
    code, other = receipts.new_code(), receipts.new_code()  # well-formed codes nobody holds
    assert [_lookup(port_a, code) for _ in range(LIMIT // 2)] == [200] * (LIMIT // 2)
    assert [_lookup(port_b, code) for _ in range(LIMIT // 2)] == [200] * (LIMIT // 2)
    assert _lookup(port_a, code) == 429
    assert _lookup(port_b, code) == 429
    assert _lookup(port_b, other) == 200  # another code is not limited (positive control)
