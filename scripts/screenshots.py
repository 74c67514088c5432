"""Refresh the screenshots in docs/screenshots/ from a running demo county.

    export ANJU_DATA_DIR=/tmp/anju-shots
    .venv/bin/anju load-demo                      # once; a few minutes
    .venv/bin/anju serve --port 8031 &
    .venv/bin/python scripts/screenshots.py [--base-url http://127.0.0.1:8031] [--out docs/screenshots]
    kill %1

Logs in with Debian's chromium (ANJU_CHROMIUM to use another) as the demo's leader and centre staff
(password anju-demo-county) and saves, at 1280 px wide and device scale 1:

    dashboard.png   态势总览 as the leader (full page, height capped)
    map.png         the dashboard's risk map card, coloured by highest open risk level
    map-count.png   the same map coloured by the number of open matters
    signals.png     预警信号 as centre staff
    ledger.png      the matter ledger (/matters/) as centre staff
    matter.png      the page of an open matter of 较高 risk, as centre staff
    transmission-demo.png  风险传导 of 白沙镇: the 征地拆迁 decomposition (the planted dispute that spread
                    from 上埠村), as centre staff

Each file is kept under 400 KB; the script exits non-zero when one is larger.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from anju.chromium import CHROMIUM, launch

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "anju-demo-county"
WIDTH = 1280
VIEWPORT_HEIGHT = 860
MAX_HEIGHT = 2400  # long pages are cut here: the top is what a reader of the docs needs
MAX_BYTES = 400 * 1024


def log_in(browser, base_url: str, username: str):
    context = browser.new_context(
        base_url=base_url,
        locale="zh-CN",
        viewport={"width": WIDTH, "height": VIEWPORT_HEIGHT},
        device_scale_factor=1,
    )
    context.set_default_timeout(60_000)
    page = context.new_page()
    page.goto("/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lambda url: "/login/" not in url)
    return page


def capture_page(page, path: Path) -> None:
    """The whole page when it is short, else its top MAX_HEIGHT pixels."""
    height = page.evaluate("document.documentElement.scrollHeight")
    if height <= MAX_HEIGHT:
        page.screenshot(path=str(path), type="png", full_page=True)
    else:
        clip = {"x": 0, "y": 0, "width": WIDTH, "height": MAX_HEIGHT}
        page.screenshot(path=str(path), type="png", full_page=True, clip=clip)


def open_and_settle(page, url: str) -> None:
    page.goto(url)
    page.wait_for_load_state("networkidle")


def take_all(browser, base_url: str, out: Path) -> list[Path]:
    taken = []

    leader = log_in(browser, base_url, "lingdao")
    open_and_settle(leader, "/dashboard/")
    capture_page(leader, out / "dashboard.png")
    leader.locator(".dash-map").screenshot(path=str(out / "map.png"), type="png")
    open_and_settle(leader, "/dashboard/?map=count")
    leader.locator(".dash-map").screenshot(path=str(out / "map-count.png"), type="png")
    taken += [out / "dashboard.png", out / "map.png", out / "map-count.png"]

    staff = log_in(browser, base_url, "zongzhi")
    open_and_settle(staff, "/warning/signals/")
    capture_page(staff, out / "signals.png")
    open_and_settle(staff, "/matters/")
    staff.screenshot(path=str(out / "ledger.png"), type="png")
    taken += [out / "signals.png", out / "ledger.png"]

    open_and_settle(staff, "/matters/?status=open&level=high")
    staff.locator("td.title a").first.click()
    staff.wait_for_url("**/matters/*/")
    staff.wait_for_load_state("networkidle")
    capture_page(staff, out / "matter.png")
    taken.append(out / "matter.png")

    open_and_settle(staff, "/warning/transmission/?area=339901003000")  # 白沙镇
    staff.locator("table.domain-shares").get_by_role("link", name="征地拆迁").click()
    staff.wait_for_load_state("networkidle")
    staff.locator("#decomposition").screenshot(path=str(out / "transmission-demo.png"), type="png")
    taken.append(out / "transmission-demo.png")
    return taken


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--base-url", default="http://127.0.0.1:8031", help="the running demo")
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"), help="folder for the PNGs")
    args = parser.parse_args()
    if not os.access(CHROMIUM, os.X_OK):
        sys.exit(f"{CHROMIUM} not found: install Debian's chromium or set ANJU_CHROMIUM")

    from playwright.sync_api import sync_playwright

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            taken = take_all(browser, args.base_url, out)
        finally:
            browser.close()
    too_large = False
    for path in taken:
        size = path.stat().st_size
        print(f"{path}: {size // 1024} KB")
        if size > MAX_BYTES:
            print(f"  larger than {MAX_BYTES // 1024} KB", file=sys.stderr)
            too_large = True
    return 1 if too_large else 0


if __name__ == "__main__":
    sys.exit(main())
