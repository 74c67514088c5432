"""Real-browser fixtures: Playwright (sync API) driving Debian's chromium against pytest-django's live server.

Playwright's own browser download is not used (CI has no network for it): set ANJU_CHROMIUM to use another
chromium binary. ANJU_SCREENSHOTS=1 saves screenshots of each step to docs/screenshots/.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("ANJU_CHROMIUM", "/usr/bin/chromium")
# Without the networking flags chromium keeps calling home on a closed network and slows every page.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOT_DIR = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
}
DESKTOP = {"viewport": {"width": 1280, "height": 860}}
STEP_TIMEOUT_MS = 20_000


@pytest.fixture
def browser(monkeypatch):
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium) or set ANJU_CHROMIUM"
        )
    # Playwright's sync API keeps an event loop in this thread, so Django would take the test's own ORM calls
    # (fixtures, assertions) for async code. They are ordinary blocking calls; allow them for this test only.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield instance
        instance.close()


@pytest.fixture
def open_page(browser, live_server):
    """open_page(phone=False) -> a page in a fresh browser context (its own cookies: one person each)."""
    contexts = []

    def open_(*, phone: bool = False):
        context = browser.new_context(
            base_url=live_server.url, locale="zh-CN", **(PHONE if phone else DESKTOP)
        )
        context.set_default_timeout(STEP_TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield open_
    for context in contexts:
        context.close()


@pytest.fixture
def screenshot():
    """screenshot(page, name): saves docs/screenshots/<name>.png when ANJU_SCREENSHOTS=1, else does nothing."""
    enabled = os.environ.get("ANJU_SCREENSHOTS") == "1"
    if enabled:
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)

    def take(page, name: str, *, full_page: bool = True) -> None:
        if enabled:
            page.screenshot(path=str(SCREENSHOT_DIR / f"{name}.png"), full_page=full_page)

    return take
