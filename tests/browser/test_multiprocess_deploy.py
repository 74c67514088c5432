"""The multi-host installation of docs/deployment.md, started from the files in ``deploy/`` on loopback.

Two "hosts" (each its own data folder, sharing only what ``deploy/anju.env`` says hosts share: the database,
the secret key and the field key) each run the web unit (gunicorn, two processes) and the worker unit; nginx
runs ``deploy/nginx/anju.conf`` in front of both. A real browser signs in and works through the proxy while
its requests are spread over both hosts (read back from nginx's access log); a scheduled tick that falls due
while both workers run is run exactly once.

The database is PostgreSQL when ANJU_DATABASE_URL names one (CI runs this file once more while its
PostgreSQL is up; a fresh database is created and dropped here), else a SQLite file shared by the hosts.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from cryptography.fernet import Fernet
from playwright.sync_api import expect
from servers import free_port, nginx_temp_folders, self_signed, wait_for

pytestmark = pytest.mark.browser

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
INSTALLED_ANJU = "/opt/anju/.venv/bin/anju"
PASSWORD = "Smoke-test-pass-2026"
TICK = "smoke-deadline-tick"

SETUP = """
import datetime as dt
from django.utils import timezone
from anju.core import actions
from anju.core.models import AreaLevel, ScheduledRun
county = actions.create_area(None, code="330100000000", name="示范县", level=AreaLevel.COUNTY)
town = actions.create_area(None, code="330101000000", name="东镇", level=AreaLevel.TOWN, parent=county)
actions.create_user(None, username="zhen", password=%r, role="centre_staff", area=town)
# the installation has run this tick before (so it is not a first start, which waits for the next due time)
ScheduledRun.objects.create(name=%r, slot=timezone.now() - dt.timedelta(days=1), status="done")
"""

COUNT_RUNS = """
import datetime as dt, json
from django.utils import timezone
from anju.core.models import ScheduledRun
recent = ScheduledRun.objects.filter(name=%r, slot__gte=timezone.now() - dt.timedelta(hours=12))
print(json.dumps([[run.status, run.attempts] for run in recent]))
"""


def env_file(path: Path) -> dict[str, str]:
    values = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            values[key] = value
    return values


def exec_start(unit: str, instance: str = "") -> list[str]:
    """A systemd unit's command line, run from this checkout instead of /opt/anju."""
    for line in (DEPLOY / "systemd" / unit).read_text().splitlines():
        if line.startswith("ExecStart="):
            argv = line.removeprefix("ExecStart=").replace("%i", instance).split()
            assert argv[0] == INSTALLED_ANJU
            return [sys.executable, "-m", "anju.cli", *argv[1:]]
    raise AssertionError(f"{unit} has no ExecStart")


def nginx_conf(folder: Path, https_port: int, http_port: int, web_ports: list[int]) -> Path:
    """deploy/nginx/anju.conf with loopback addresses, this test's ports, certificate and log paths."""
    site = (DEPLOY / "nginx" / "anju.conf").read_text()
    cert, key = self_signed(folder)
    replacements = {
        "server 127.0.0.1:8001 ": f"server 127.0.0.1:{web_ports[0]} ",
        "server 127.0.0.1:8002 ": f"server 127.0.0.1:{web_ports[1]} ",
        "listen 80;": f"listen 127.0.0.1:{http_port};",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{https_port} ssl http2;",
        "server_name anju.example.gov.cn;": "server_name localhost;",
        "/etc/anju/tls/fullchain.pem": str(cert),
        "/etc/anju/tls/privkey.pem": str(key),
        "/var/log/nginx/anju.access.log": str(folder / "access.log"),
        "/var/log/nginx/anju.error.log": str(folder / "error.log"),
    }
    for old, new in replacements.items():
        assert old in site, f"deploy/nginx/anju.conf no longer has {old!r}: update this test with it"
        site = site.replace(old, new)
    (folder / "anju.conf").write_text(site)
    conf = folder / "nginx.conf"
    conf.write_text(
        textwrap.dedent(
            f"""
            daemon off;
            worker_processes 1;
            pid {folder}/nginx.pid;
            error_log {folder}/nginx-error.log;
            events {{ worker_connections 128; }}
            http {{
            {textwrap.indent(nginx_temp_folders(folder), "            ").lstrip()}
            include {folder}/anju.conf;
            }}
            """
        )
    )
    return conf


@pytest.fixture
def database(tmp_path):
    url = os.environ.get("ANJU_DATABASE_URL", "")
    if not url.startswith("postgres"):
        yield f"sqlite:///{tmp_path / 'shared.sqlite3'}"
        return
    import psycopg

    name = f"anju_smoke_{secrets.token_hex(4)}"
    admin = psycopg.connect(_libpq(url), autocommit=True)
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.rsplit("/", 1)[0] + "/" + name
    finally:
        admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        admin.close()


def _libpq(url: str) -> str:
    import dj_database_url

    config = dj_database_url.parse(url)
    return (
        f"dbname={config['NAME']} user={config['USER']} password={config['PASSWORD']} "
        f"host={config['HOST']} port={config['PORT'] or 5432}"
    )


@pytest.fixture
def installation(tmp_path, database):
    if not os.access(NGINX, os.X_OK):
        pytest.fail("nginx not found: install Debian's nginx (apt-get install nginx), as .ci/run does")
    https_port, http_port = free_port(), free_port()
    web_ports = [free_port(), free_port()]
    now = dt.datetime.now(ZoneInfo("Asia/Shanghai"))
    shared = env_file(DEPLOY / "anju.env") | {
        "ANJU_DATABASE_URL": database,
        "ANJU_SECRET_KEY": secrets.token_urlsafe(50),
        "ANJU_FIELD_KEY": Fernet.generate_key().decode(),
        "ANJU_CACHE_URL": "",  # no cache server here: the database cache, shared all the same
        "ANJU_ALLOWED_HOSTS": "localhost",
        "ANJU_PUBLIC_URL": f"https://localhost:{https_port}",
        # a tick due this very minute, for both workers to find
        "ANJU_SCHEDULE": json.dumps([{"name": TICK, "argv": ["deadline-tick"], "at": now.strftime("%H:%M")}]),
        "ANJU_2FA_REQUIRED_ROLES": "",
    }
    base = {k: v for k, v in os.environ.items() if not k.startswith("ANJU_")}
    hosts = [base | shared | {"ANJU_DATA_DIR": str(tmp_path / f"host{n}")} for n in (1, 2)]
    processes = []

    def start(argv, env, name):
        process = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=False)
        processes.append((name, process))
        return process

    try:
        subprocess.run(exec_start("anju-migrate.service"), env=hosts[0], check=True, timeout=600)
        subprocess.run(
            [sys.executable, "-c", "import django; django.setup()\n" + SETUP % (PASSWORD, TICK)],
            env=hosts[0] | {"DJANGO_SETTINGS_MODULE": "anju.settings"},
            check=True,
            timeout=120,
        )
        webs = [
            start(exec_start("anju-web@.service", str(port)), host, f"web@{port}")
            for port, host in zip(web_ports, hosts, strict=True)
        ]
        workers = [
            start(exec_start("anju-worker.service"), host, f"worker{n}") for n, host in enumerate(hosts)
        ]
        proxy = start(
            [NGINX, "-c", str(nginx_conf(tmp_path, https_port, http_port, web_ports)), "-p", str(tmp_path)],
            base,
            "nginx",
        )
        for port, web in zip(web_ports, webs, strict=True):
            wait_for(port, web, f"anju web on {port}", seconds=180)
        wait_for(https_port, proxy, "nginx")
        yield {
            "url": f"https://localhost:{https_port}",
            "access_log": tmp_path / "access.log",
            "web_ports": web_ports,
            "workers": workers,
            "hosts": hosts,
        }
    finally:
        for _name, process in reversed(processes):
            process.terminate()
        for _name, process in processes:
            try:
                process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                process.kill()


def _upstreams(access_log: Path) -> set[str]:
    return {
        part.removeprefix("upstream=").rsplit(":", 1)[-1]
        for line in access_log.read_text().splitlines()
        for part in line.split()
        if part.startswith("upstream=127.0.0.1:")
    }


def test_two_hosts_behind_nginx_share_sessions_and_run_a_tick_once(browser, installation):
    context = browser.new_context(base_url=installation["url"], ignore_https_errors=True, locale="zh-CN")
    context.set_default_timeout(30_000)
    page = context.new_page()
    try:
        page.goto("/login/")
        page.get_by_label("用户名").fill("zhen")
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(lambda url: "/login/" not in url)
        # a signed-in session carried from page to page, whichever host answers each one
        for _ in range(3):
            for path in ("/matters/", "/intake/", "/dashboard/"):
                response = page.goto(path)
                assert response.status == 200, path
                assert "/login/" not in page.url
        # a form rendered by one host and posted to the next (CSRF token and session shared)
        page.goto("/account/password/")
        page.get_by_label("原密码").fill(PASSWORD)
        page.get_by_label("新密码", exact=True).fill(PASSWORD + "x")
        page.get_by_label("再次输入新密码").fill(PASSWORD + "x")
        page.get_by_role("button", name="保存新密码").click()
        expect(page.get_by_text("密码已修改。")).to_be_visible()
    finally:
        context.close()

    served_by = _upstreams(installation["access_log"])
    assert served_by == {str(port) for port in installation["web_ports"]}, served_by

    # the tick due this minute: both workers look, one runs it
    deadline = time.monotonic() + 120
    while True:
        result = subprocess.run(
            [sys.executable, "-c", "import django; django.setup()\n" + COUNT_RUNS % TICK],
            env=installation["hosts"][0] | {"DJANGO_SETTINGS_MODULE": "anju.settings"},
            capture_output=True,
            text=True,
            check=True,
        )
        runs = json.loads(result.stdout)
        if runs and all(status != "running" for status, _attempts in runs):
            break
        assert time.monotonic() < deadline, runs
        time.sleep(2)
    assert runs == [["done", 1]]  # one run, first attempt, although both hosts' workers found it due
