"""Real-browser fixtures on top of ``browser`` (tests/conftest.py) and pytest-django's live server.

ANJU_SCREENSHOTS=1 saves screenshots of each step to docs/screenshots/.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

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
