"""The 预警信号 page and the ledger in a real browser, on a 390 px phone and a 1280 px desktop: the chart's
threshold line is drawn, the buttons stand clear of the chart, the menu and the ledger's filters fold on a
phone so the first matter shows without scrolling far."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from test_citizen_flow import assert_no_sideways_scroll, log_in

pytestmark = pytest.mark.browser

WEEKS = 30


@pytest.fixture
def signals(world):
    """30 weeks of 东一村's wage series (hand-built), the last one an alarm with no warning yet."""
    from anju.warning.counting import monday_of
    from anju.warning.models import Signal

    this_monday = monday_of(timezone.localdate())
    for k in range(WEEKS):
        week = this_monday - dt.timedelta(weeks=WEEKS - 1 - k)
        last = k == WEEKS - 1
        Signal.objects.create(
            area=world.village_a1,
            domain=world.wages,
            week=week,
            method="farrington_flexible",
            observed=9 if last else k % 3,
            expected=1.0 + (k % 4) / 4,
            upperbound=4.0 + (k % 4) / 2,
            alarm=last,
        )


def overlaps(a: dict, b: dict) -> bool:
    return not (
        a["x"] + a["width"] <= b["x"]
        or b["x"] + b["width"] <= a["x"]
        or a["y"] + a["height"] <= b["y"]
        or b["y"] + b["height"] <= a["y"]
    )


@pytest.mark.parametrize("phone", [True, False], ids=["phone-390", "desktop-1280"])
def test_signal_chart_shows_its_threshold_and_the_buttons_stand_clear(
    world, signals, open_page, screenshot, phone
):
    page = open_page(phone=phone)
    log_in(page, world.centre_staff.username)
    page.goto("/warning/signals/")
    assert_no_sideways_scroll(page)
    chart = page.locator("svg.signal-chart")
    expect(chart).to_have_count(1)
    threshold = chart.locator("polyline.threshold-line")
    assert threshold.count() >= 1
    line_box = threshold.first.bounding_box()
    assert line_box and line_box["width"] > 100  # drawn across the weeks, not a speck
    chart_box = chart.bounding_box()
    assert chart_box["height"] > 60 and chart_box["x"] + chart_box["width"] <= page.viewport_size["width"]
    buttons = page.locator(".card.signal .btn, form[action$='/signals/scan/'] .btn")
    assert buttons.count() == 2  # 据此起草预警 and the scan button
    for i in range(buttons.count()):
        box = buttons.nth(i).bounding_box()
        assert not overlaps(box, chart_box), (buttons.nth(i).inner_text(), box, chart_box)
    # the plain words show; the method's name waits in the tooltip
    expect(page.locator(".card.signal strong.term")).to_have_text("比往年同期明显偏多")
    assert "Noufaily" in page.locator(".card.signal strong.term").get_attribute("title")
    expect(page.locator("details.for-analysts").first).not_to_have_attribute("open", "")
    screenshot(page, f"{'phone' if phone else 'desktop'}-signals", full_page=False)


def test_on_a_phone_the_menu_and_the_ledger_filters_fold_so_the_first_matter_shows(
    world, open_page, screenshot
):
    from anju.matters import actions

    for n in range(3):
        actions.create_matter(
            world.centre_staff,
            kind="dispute",
            domain=world.wages,
            area=world.village_a1,
            title=f"东一村工地拖欠工资 {n + 1}",
            description="工人反映工资拖欠。",
            parties=[],
        )
    phone = open_page(phone=True)
    log_in(phone, world.centre_staff.username)
    phone.goto("/matters/")
    assert_no_sideways_scroll(phone)
    menu = phone.locator("details.menu")
    expect(menu).not_to_have_attribute("open", "")
    expect(phone.locator(".nav a").first).to_be_hidden()
    expect(phone.locator("details.filter-panel")).not_to_have_attribute("open", "")
    first_card = phone.locator(".ledger-card").first
    expect(first_card).to_be_visible()
    screenshot(phone, "phone-ledger-folded", full_page=False)
    assert first_card.bounding_box()["y"] < 900, first_card.bounding_box()
    menu.locator("summary").click()  # the menu opens on a tap
    expect(phone.locator(".nav a").first).to_be_visible()
    phone.locator("details.filter-panel summary").click()
    expect(phone.locator(".ledger-filters button[type=submit]")).to_be_visible()
    assert_no_sideways_scroll(phone)

    desk = open_page()
    log_in(desk, world.centre_staff.username)
    desk.goto("/matters/")
    expect(desk.locator(".nav a").first).to_be_visible()
    expect(desk.locator("details.menu > summary")).to_be_hidden()
    expect(desk.locator(".ledger-filters button[type=submit]")).to_be_visible()
    screenshot(desk, "desktop-ledger-menu", full_page=False)
