"""Take the README screenshot (docs/screenshot.png): the demo county's matter ledger as centre staff see it.

    .venv/bin/python scripts/screenshot.py [--data-dir DIR] [--page /matters/] [--out docs/screenshot.png]

Starts `anju demo` on a free port against DIR (default: a new temporary folder, so the demo is loaded
first, which takes a few minutes), logs in as `zongzhi` with Debian's chromium and saves one viewport.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from anju.chromium import launch

ROOT = Path(__file__).resolve().parents[1]
MAX_BYTES = 300 * 1024


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, server: subprocess.Popen, seconds: int) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"anju demo exited with {server.returncode}")
        try:
            if urllib.request.urlopen(url, timeout=5).status == 200:
                return
        except OSError:
            pass
        time.sleep(1)
    sys.exit(f"anju demo did not answer on {url} within {seconds}s")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data-dir", help="anju data folder (default: a new temporary one)")
    parser.add_argument("--page", default="/matters/", help="page to capture")
    parser.add_argument("--user", default="zongzhi")
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshot.png"))
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    data_dir = args.data_dir or tempfile.mkdtemp(prefix="anju-screenshot-")
    port = free_port()
    env = {**os.environ, "ANJU_DATA_DIR": data_dir}
    server = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "anju"), "demo", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(f"{base}/login/", server, seconds=900)
        with sync_playwright() as playwright:
            browser = launch(playwright)
            page = browser.new_page(base_url=base, locale="zh-CN", viewport={"width": 1280, "height": 800})
            page.goto("/login/")
            page.get_by_label("用户名").fill(args.user)
            page.get_by_label("密码").fill("anju-demo-county")
            page.get_by_role("button", name="登录").click()
            page.wait_for_url(lambda url: "/login/" not in url)
            page.goto(args.page)
            page.wait_for_load_state("networkidle")
            page.screenshot(path=args.out)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    size = Path(args.out).stat().st_size
    print(f"{args.out}: {size // 1024} KB")
    if size > MAX_BYTES:
        print(f"warning: larger than {MAX_BYTES // 1024} KB", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
