"""The 风险传导 page in a real browser: a town user reads where each domain's matters come from, opens a domain's
week-by-week decomposition, runs a scenario and sees its result, and gets a Chinese error next to a bad factor."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from django.utils import timezone
from playwright.sync_api import expect
from test_citizen_flow import assert_no_sideways_scroll, log_in

pytestmark = pytest.mark.browser

WEEKS = 104


@pytest.fixture
def stored_fit(world):
    """Demo-like data on the test world's villages: two years of wage and land matters arising on their own,
    and a land dispute that starts in 东一村 and spreads to 东二村 and on, fitted and stored as the nightly
    job stores it."""
    from anju.warning.counting import monday_of
    from anju.warning.models import TransmissionFit
    from anju.warning.transmission import CountySeries, fit_county, village_adjacency
    from anju.warning.transmission_summary import summarise

    rng = np.random.default_rng(5)
    villages = [world.village_a1, world.village_a2, world.village_b1]
    domains = [world.wages, world.land]
    y = rng.poisson(0.5, size=(WEEKS, 6)).astype(float)
    for k, week in enumerate(range(WEEKS - 14, WEEKS - 6)):  # the dispute: 东一村 first, then its neighbour
        y[week, 1] += max(0, 4 - abs(k - 2))
        y[week + 1, 3] += rng.poisson(0.8 * y[week, 1])
    last = monday_of(timezone.localdate()) - dt.timedelta(weeks=1)
    mondays = np.datetime64(last - dt.timedelta(weeks=WEEKS - 1)) + 7 * np.arange(WEEKS)
    series = CountySeries(
        world.county, villages, domains, mondays, y, np.arange(6), village_adjacency(villages)
    )
    cfit = fit_county(series)
    for area in (world.county, world.town_a, world.town_b):
        TransmissionFit.objects.create(
            area=area,
            county=world.county,
            fitted_at=timezone.now(),
            first_week=mondays[0].astype(dt.date),
            last_week=last,
            weeks=WEEKS,
            series_count=6,
            result=summarise(cfit, area),
        )


@pytest.mark.parametrize("phone", [False, True], ids=["desktop-1280", "phone-390"])
def test_town_user_reads_the_decomposition_and_runs_a_scenario(
    world, stored_fit, open_page, screenshot, phone
):
    page = open_page(phone=phone)
    log_in(page, world.town_staff.username)
    page.goto("/warning/transmission/")
    expect(page.get_by_role("heading", name="风险传导：东镇")).to_be_visible()
    expect(page.locator("table.domain-shares tbody tr")).to_have_count(2)
    expect(page.get_by_text("西镇")).to_have_count(0)
    page.get_by_role("link", name="征地拆迁").first.click()
    expect(page.get_by_role("heading", name="征地拆迁：每周事项的来源")).to_be_visible()
    expect(page.locator("svg.transmission-chart rect")).not_to_have_count(0)
    assert_no_sideways_scroll(page)
    if not phone:
        screenshot(page, "transmission")

    form = page.locator("form.scenario-form")
    form.get_by_label("村（社区）").select_option(label="东一村")
    form.get_by_label("风险领域").select_option(label="征地拆迁")
    form.get_by_label("倍数").fill("0.5")
    form.get_by_role("button", name="模拟").click()
    expect(page.locator(".scenario-form .has-error").get_by_text("倍数须大于 1")).to_be_visible()

    form = page.locator("form.scenario-form")
    form.get_by_label("倍数").fill("2")
    form.get_by_label("持续周数").fill("3")
    form.get_by_role("button", name="模拟").click()
    result = page.locator(".scenario-result")
    expect(result).to_contain_text("若东一村的征地拆迁类事项在 3 周内增加到平常的 2 倍")
    expect(result.locator("table.scenario-villages tbody tr").first).to_contain_text("东一村")
    assert_no_sideways_scroll(page)
    if not phone:
        result.scroll_into_view_if_needed()
        screenshot(page, "transmission-scenario")
    page.get_by_text("统计细节").click()
    expect(page.locator("table.coefficients")).to_contain_text("ne.1.land_requisition")
