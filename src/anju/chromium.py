"""Where Debian's chromium is and how to start it headless: shared by the real-browser tests and the
screenshot scripts (Playwright drives it; Playwright's own browser download is never used)."""

from __future__ import annotations

import os

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


def launch(playwright):
    """A headless chromium browser from a started Playwright (sync API)."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
