"""The API documentation page in a real browser: Swagger UI renders from our own server, nothing fetched
from elsewhere, and "Try it out" works with the browser's session."""

from __future__ import annotations

import pytest


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_docs_page_works_offline_with_the_session(live_server, world, browser):
    from django.test import Client

    login = Client()
    login.force_login(world.cadre)
    context = browser.new_context(base_url=live_server.url)
    context.set_default_timeout(30_000)
    context.add_cookies(
        [{"name": "sessionid", "value": login.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto("/api/docs")
    page.get_by_text("/api/matters/{matter_id}/assess", exact=True).wait_for()
    # Try the areas list with the session: the answer is the cadre's own subtree.
    page.get_by_text("/api/areas", exact=True).click()
    page.get_by_role("button", name="Try it out").click()
    page.get_by_role("button", name="Execute").click()
    page.locator(".live-responses-table tbody .response-col_status").first.wait_for()
    status = page.locator(".live-responses-table tbody .response-col_status").first.inner_text()
    body = page.locator(".live-responses-table .microlight").first.inner_text()
    assert not [url for url in requested if not url.startswith(live_server.url)]
    assert status.strip() == "200"
    assert "东一村" in body and "西一村" not in body
