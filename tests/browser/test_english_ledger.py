"""The ledger in English fits a 1280 px screen: longer English labels do not make the page scroll sideways."""

from __future__ import annotations

import pytest
from test_citizen_flow import log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def ledger_rows(world):
    from anju.core.models import Domain
    from anju.matters import actions
    from anju.matters.models import MatterKind

    # the domains with the longest English names, on matters of every level
    domains = sorted(Domain.objects.all(), key=lambda d: len(d.name_en), reverse=True)[:4]
    for n, (domain, (likelihood, consequence)) in enumerate(
        zip(domains, [(1, 1), (3, 2), (3, 4), (5, 5)], strict=True)
    ):
        matter = actions.create_matter(
            world.centre_staff,
            kind=MatterKind.values[n % len(MatterKind.values)],
            domain=domain,
            area=world.grid_a1,
            title=f"东一村第一网格反映事项 {n}",
            description="工人反映工资拖欠",
        )
        actions.assess(world.centre_staff, matter, likelihood=likelihood, consequence=consequence)


def test_the_english_ledger_has_no_horizontal_scroll_at_1280_px(world, open_page, ledger_rows):
    page = open_page()
    assert page.viewport_size["width"] == 1280
    log_in(page, world.centre_staff.username)
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": page.url}])
    page.goto("/matters/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Critical" in page.locator("table .badge.level-critical").first.inner_text()
    overflow = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert overflow[0] <= overflow[1], f"the page is {overflow[0]} px wide in a {overflow[1]} px window"
