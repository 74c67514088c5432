"""anju behind a TLS-terminating reverse proxy, as a county installs it: nginx (Debian's) on loopback with a
self-signed certificate in front of `anju serve`, configured only through the documented ANJU_* settings.

A real browser signs in, changes its password (a form post with the CSRF check) and a citizen submits a
request, all over https; plain http is redirected to https.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from playwright.sync_api import expect
from servers import free_port, nginx_temp_folders, self_signed, wait_for

pytestmark = pytest.mark.browser

PASSWORD = "Proxy-test-pass-2026"
NEW_PASSWORD = "Proxy-test-pass-2027"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"

SETUP = """
from anju.core import actions
from anju.core.bootstrap import ensure_reference_data
from anju.core.models import AreaLevel
ensure_reference_data()
county = actions.create_area(None, code="330100000000", name="示范县", level=AreaLevel.COUNTY)
town = actions.create_area(None, code="330101000000", name="东镇", level=AreaLevel.TOWN, parent=county)
village = actions.create_area(None, code="330101001000", name="东一村", level=AreaLevel.VILLAGE, parent=town)
actions.create_user(None, username="cun", password=%r, role="village_cadre", area=village)
"""


def _nginx_conf(folder: Path, https_port: int, http_port: int, app_port: int) -> Path:
    cert, key = self_signed(folder)
    temp_folders = textwrap.indent(nginx_temp_folders(folder), "              ").lstrip()
    conf = folder / "nginx.conf"
    conf.write_text(
        textwrap.dedent(
            f"""
            daemon off;
            worker_processes 1;
            pid {folder}/nginx.pid;
            error_log {folder}/error.log;
            events {{ worker_connections 64; }}
            http {{
              access_log off;
              {temp_folders}
              server {{
                listen 127.0.0.1:{https_port} ssl;
                server_name localhost;
                ssl_certificate {cert};
                ssl_certificate_key {key};
                location / {{
                  proxy_pass http://127.0.0.1:{app_port};
                  proxy_set_header Host $host:$server_port;
                  proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                  proxy_set_header X-Forwarded-Proto https;
                }}
              }}
              server {{
                listen 127.0.0.1:{http_port};
                return 301 https://localhost:{https_port}$request_uri;
              }}
            }}
            """
        )
    )
    return conf


@pytest.fixture
def proxied_anju(tmp_path):
    if not os.access(NGINX, os.X_OK):
        pytest.fail("nginx not found: install Debian's nginx (apt-get install nginx), as .ci/run does")
    https_port, http_port, app_port = free_port(), free_port(), free_port()
    public_url = f"https://localhost:{https_port}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANJU_")}
    env |= {
        "ANJU_DATA_DIR": str(tmp_path / "data"),
        "ANJU_HTTPS": "1",
        "ANJU_ALLOWED_HOSTS": "localhost",
        "ANJU_PUBLIC_URL": public_url,
        "ANJU_TRUSTED_PROXIES": "127.0.0.1",
        "DJANGO_SETTINGS_MODULE": "anju.settings",
    }
    subprocess.run([sys.executable, "-m", "anju.cli", "migrate"], env=env, check=True, timeout=300)
    subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + SETUP % PASSWORD], env=env, check=True
    )
    app = subprocess.Popen(
        [sys.executable, "-m", "anju.cli", "serve", "--port", str(app_port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    conf = _nginx_conf(tmp_path, https_port, http_port, app_port)
    proxy = subprocess.Popen(
        [NGINX, "-c", str(conf), "-p", str(tmp_path)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        wait_for(app_port, app, "anju serve")
        wait_for(https_port, proxy, "nginx")
        yield public_url, http_port
    finally:
        for process in (proxy, app):
            process.terminate()
            process.wait(timeout=20)


def test_sign_in_a_form_and_a_public_request_over_https(browser, proxied_anju):
    public_url, http_port = proxied_anju
    context = browser.new_context(base_url=public_url, ignore_https_errors=True, locale="zh-CN")
    context.set_default_timeout(30_000)
    page = context.new_page()
    try:
        # plain http is sent to https
        page.goto(f"http://localhost:{http_port}/login/")
        assert page.url.startswith(public_url)

        login = page.goto("/login/")
        assert "max-age=" in login.headers.get("strict-transport-security", "")
        page.get_by_label("用户名").fill("cun")
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(lambda url: "/login/" not in url)
        cookies = {c["name"]: c for c in context.cookies()}
        assert cookies["sessionid"]["secure"] and cookies["csrftoken"]["secure"]

        # a form post (CSRF-checked) through the proxy
        page.goto("/account/password/")
        page.get_by_label("原密码").fill(PASSWORD)
        page.get_by_label("新密码", exact=True).fill(NEW_PASSWORD)
        page.get_by_label("再次输入新密码").fill(NEW_PASSWORD)
        page.get_by_role("button", name="保存新密码").click()
        expect(page.get_by_text("密码已修改。")).to_be_visible()

        # a citizen's request over https, without an account
        citizen = context.new_page()
        citizen.context.clear_cookies()
        citizen.goto("/public/submit")
        citizen.get_by_label("所在村（社区）").select_option(label="东一村")
        citizen.get_by_label("反映内容").fill("东一村村口路灯坏了一个多月，晚上出行很不方便。")
        citizen.get_by_role("button", name="提交").click()
        code = citizen.locator("#receipt-code")
        expect(code).to_be_visible()
        assert re.fullmatch(
            r"[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}", code.inner_text().strip()
        )
        assert citizen.url.startswith(public_url)
    finally:
        context.close()
