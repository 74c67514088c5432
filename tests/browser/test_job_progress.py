"""A background job in a real browser: the scan button answers at once with a progress bar, which the page
polls (htmx, under the strict CSP) until the worker has run the job; then it shows the outcome."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PASSWORD = "test-pass-123"  # the `world` fixture's password for every user


def test_the_scan_shows_a_progress_bar_that_follows_the_worker(world, open_page):
    from anju.core.jobs import run_due_jobs

    page = open_page()
    blocked = []
    page.on("console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto("/login/")
    page.get_by_label("用户名").fill(world.centre_staff.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lambda url: "/login/" not in url)

    page.goto("/warning/signals/")
    page.get_by_role("button", name="立即扫描最近 4 周").click()
    bar = page.locator(".job-progress")
    expect(bar).to_contain_text("排队中")  # answered at once: the scan waits for the worker

    assert run_due_jobs("browser-test") == {"done": 1, "failed": 0}
    expect(bar).to_contain_text("已完成")  # the poll picked it up, without reloading the page
    expect(bar).to_contain_text("扫描完成")
    assert page.locator(".job-progress progress").get_attribute("value") == "100"
    assert not blocked
