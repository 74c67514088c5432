"""The overview's forecast panel in a real browser: fan charts drawn (bands and median inside the chart),
the plain sentence and the honest skill lines, no sideways scroll on a phone, and a town's user sees only its
town. The stored run is written here by hand (the computation is tested in tests/warning/test_forecast.py).

ANJU_SCREENSHOTS=1 saves docs/screenshots/forecast.png (the panel on a desktop)."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from test_citizen_flow import assert_no_sideways_scroll, log_in

from conftest import SCREENSHOT_DIR

pytestmark = pytest.mark.browser

QUANTILES = [[1, 2, 3, 4, 6], [1, 2, 3, 5, 6], [0, 2, 3, 5, 7], [0, 2, 3, 5, 7]]


@pytest.fixture
def forecast(world):
    from anju.warning.counting import monday_of
    from anju.warning.models import ForecastRun, ForecastSeries

    origin = monday_of(timezone.localdate()) - dt.timedelta(days=7)
    run = ForecastRun.objects.create(
        area=world.county,
        origin_week=origin,
        fitted_at=timezone.now(),
        refitted=True,
        skill={
            "origins": 26,
            "series": 3,
            "first_origin": "2026-05-04",
            "last_origin": "2026-10-26",
            "crps": {"model": 0.82, "recent_mean": 1.0, "last_year": 0.75},
            "logs": {"model": 1.61, "recent_mean": 1.72, "last_year": 1.9},
            "skill": {"recent_mean": 0.18, "last_year": -0.0933},
        },
    )
    weeks = [(origin + dt.timedelta(weeks=h)).isoformat() for h in range(1, 5)]
    rows = [
        (world.county, world.land, [4, 6, 3, 5, 7, 4, 6, 5], [[2, 4, 5, 7, 10]] * 4),
        (world.town_a, world.land, [2, 4, 1, 3, 4, 2, 3, 3], QUANTILES),
        (world.town_a, world.wages, [0, 1, 0, 2, 1, 0, 1, 1], [[0, 0, 1, 1, 3]] * 4),
        (world.town_b, world.land, [2, 2, 2, 2, 3, 2, 3, 2], [[0, 1, 2, 3, 4]] * 4),
    ]
    for area, domain, recent, quantiles in rows:
        ForecastSeries.objects.create(
            run=run,
            area=area,
            domain=domain,
            weeks=weeks,
            quantiles=quantiles,
            mean=[float(q[2]) for q in quantiles],
            recent=recent,
            expected_total=float(sum(q[2] for q in quantiles)),
        )
    return run


def test_county_staff_read_fan_charts_sentences_and_skill(world, forecast, open_page):
    page = open_page()
    log_in(page, world.centre_staff.username)
    page.goto("/dashboard/")
    panel = page.locator("#dash-forecast")
    expect(panel.locator("svg.fan-chart")).to_have_count(4)
    chart = panel.locator("[data-area='330101000000'] [data-domain='land_requisition'] svg.fan-chart")
    chart_box = chart.bounding_box()
    for part in ("polygon.band90", "polygon.band50", "polyline.median", "polyline.observed"):
        box = chart.locator(part).bounding_box()
        assert box and box["width"] > 10, part
        assert (
            chart_box["x"] - 1 <= box["x"]
            and box["x"] + box["width"] <= chart_box["x"] + chart_box["width"] + 1
        )
    expect(panel).to_contain_text("预计未来四周东镇征地拆迁类事项每周约 3 件（90% 可能在 0–7 件之间）")
    expect(panel.locator(".skill-line[data-baseline='recent_mean']")).to_have_text(
        "与“近 8 周平均”相比，预测误差（CRPS）低 18%"
    )
    expect(panel.locator(".skill-line[data-baseline='last_year']")).to_contain_text(
        "高 9%：模型不如这一简单方法"
    )
    if os.environ.get("ANJU_SCREENSHOTS") == "1":
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        panel.screenshot(path=str(SCREENSHOT_DIR / "forecast.png"))


def test_a_town_user_on_a_phone_sees_its_own_town(world, forecast, open_page):
    page = open_page(phone=True)
    log_in(page, world.town_staff.username)
    page.goto("/dashboard/")
    assert_no_sideways_scroll(page)
    panel = page.locator("#dash-forecast")
    expect(panel.locator("svg.fan-chart")).to_have_count(2)
    expect(panel).to_contain_text("东镇")
    expect(panel).not_to_contain_text("西镇")
    expect(panel).not_to_contain_text("全县合计")
