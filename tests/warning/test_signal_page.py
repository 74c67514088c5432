"""The 预警信号 page for township users: plain words first (the method in a tooltip, the scan's figures
under 详情), and a signal already answered by a warning links to it instead of offering another draft."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from anju.warning import actions
from anju.warning.counting import monday_of
from anju.warning.models import Signal, SignalScan


def _signal(world, area, domain, week, **values) -> Signal:
    defaults = {
        "method": "farrington_flexible",
        "observed": 8,
        "expected": 1.2,
        "upperbound": 4.1,
        "alarm": True,
    }
    return Signal.objects.create(area=area, domain=domain, week=week, **(defaults | values))


def _warning(world, area, domain, *, signal=None, headline: str):
    return actions.draft_alert(
        world.centre_staff,
        domain=domain,
        level="yellow",
        headline=headline,
        area=area,
        onset=timezone.now(),
        expected="本周事项明显增多。",
        measures="立即排查。",
        recipients=[world.committee_a1],
        signal=signal,
    )


@pytest.fixture
def this_monday():
    return monday_of(timezone.localdate())


def _cards(html: str) -> dict[str, str]:
    """Each signal card's HTML by the village named in its sentence."""
    cards = re.findall(r'<div class="card signal">(.*?)</details>\s*</div>', html, re.S)
    return {re.search(r"(东一村|东二村|西一村)", card).group(1): card for card in cards}


def test_a_signal_already_answered_by_an_issued_warning_links_to_it(client, world, this_monday):
    # last week's signal in 东一村 was answered with a warning; this week's new signal is still in force
    last_week = _signal(world, world.village_a1, world.wages, this_monday - dt.timedelta(weeks=1))
    warning = _warning(world, world.village_a1, world.wages, signal=last_week, headline="东一村欠薪预警")
    actions.issue_alert(world.centre_staff, warning)
    new = _signal(world, world.village_a1, world.wages, this_monday, observed=9)
    # 东二村: a warning drafted from this very signal, not yet issued
    drafted = _signal(world, world.village_a2, world.wages, this_monday)
    draft = _warning(world, world.village_a2, world.wages, signal=drafted, headline="东二村欠薪预警")
    # 西一村: its warning was lifted, so a new draft is offered again (the control)
    lifted = _warning(world, world.village_b1, world.wages, headline="西一村欠薪预警")
    actions.issue_alert(world.centre_staff, lifted)
    actions.lift_alert(world.centre_staff, lifted, note="已化解")
    open_signal = _signal(world, world.village_b1, world.wages, this_monday)

    client.force_login(world.centre_staff)
    html = client.get("/warning/signals/?period=current").content.decode()
    cards = _cards(html)

    answered = [
        c for c in re.findall(r'<div class="card signal">.*?</details>\s*</div>', html, re.S) if "9 件" in c
    ]
    assert len(answered) == 1
    assert "已发布预警：" in answered[0]
    assert f'href="/warning/{warning.pk}/"' in answered[0] and "东一村欠薪预警" in answered[0]
    assert f"?signal={new.pk}" not in html  # no second draft for the series
    assert "已据此起草预警（草稿）：" in cards["东二村"] and f'href="/warning/{draft.pk}/"' in cards["东二村"]
    assert f"?signal={drafted.pk}" not in html
    assert f'href="/warning/new/?signal={open_signal.pk}"' in cards["西一村"]
    assert "据此起草预警" in cards["西一村"] and "已发布预警" not in cards["西一村"]


def test_a_village_cadre_sees_the_warning_issued_for_their_village(client, world, this_monday):
    signal = _signal(world, world.village_a1, world.wages, this_monday)
    mine = _warning(world, world.village_a1, world.wages, signal=signal, headline="东一村欠薪预警")
    actions.issue_alert(world.centre_staff, mine)
    client.force_login(world.cadre)
    html = client.get("/warning/signals/").content.decode()
    assert "已发布预警：" in html and f'href="/warning/{mine.pk}/"' in html


def test_the_page_speaks_plainly_and_keeps_the_method_and_figures_for_analysts(client, world, this_monday):
    _signal(world, world.village_a1, world.wages, this_monday)
    now = timezone.now()
    SignalScan.objects.create(
        started_at=now,
        finished_at=now,
        first_week=this_monday - dt.timedelta(weeks=3),
        last_week=this_monday,
        series_count=510,
        duration_ms=21233,
    )
    client.force_login(world.centre_staff)
    html = client.get("/warning/signals/").content.decode()

    outside_details = re.sub(r"<details.*?</details>", "", html, flags=re.S)
    visible_text = re.sub(r"<[^>]*>", "", outside_details)  # attributes (title) go with their tags
    assert "比往年同期明显偏多" in visible_text
    for technical in ("Farrington", "Noufaily", "510 个序列", "21233"):
        assert technical not in visible_text, technical
    titles = re.findall(r'title="([^"]*)"', outside_details)
    assert any("改进 Farrington（Noufaily 2013）" in title for title in titles), titles
    details = "".join(re.findall(r"<details.*?</details>", html, flags=re.S))
    assert "详情（供分析人员）" in details and "510 个序列，用时 21233 毫秒" in details


def test_a_lone_alarm_weeks_threshold_is_still_drawn(client, world, this_monday):
    """Only the alarm week has a bound (the weeks before had too few matters): a short level stroke."""
    week_before = this_monday - dt.timedelta(weeks=1)
    _signal(
        world,
        world.village_a1,
        world.wages,
        week_before,
        alarm=False,
        observed=0,
        expected=None,
        upperbound=None,
    )
    _signal(world, world.village_a1, world.wages, this_monday, upperbound=4.0)
    client.force_login(world.centre_staff)
    html = client.get("/warning/signals/").content.decode()
    lines = re.findall(r'<polyline class="threshold-line" points="([^"]+)"', html)
    assert len(lines) == 1
    points = [tuple(map(float, p.split(","))) for p in lines[0].split()]
    # two weeks across 488 units of plot (520 − 28 − 4): the second bar spans x 272..516; its bound 4 of
    # a top of 8 lies half-way down the 114 units of plot height below the 8-unit top pad: y = 8 + 57
    assert points == [(272.0, 65.0), (516.0, 65.0)]
