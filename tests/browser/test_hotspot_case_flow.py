"""Issue 16 in a real browser: a hotspot cluster becomes a case with its matters linked, and the case opens
a 专题研判 with those matters as its agenda.

Three complaints about one chemical plant, each registered as its own matter in 东一村 and 东二村 → 东镇's
centre staff (zhen) open 热点, press 「建立专案」 on the cluster → the case page lists the three matters,
held at 东镇 → one matter's page names the case → 「专题研判」 on the case page → the meeting's agenda
lists the three matters, and the case's record notes the meeting.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from test_screening_flow import log_in

pytestmark = pytest.mark.browser

TEXTS = [
    "东一村化工厂夜间排放刺鼻气味，村民晚上无法开窗睡觉，已经反映多次",
    "东二村化工厂夜间排放刺鼻气味，孩子咳嗽，村民晚上不敢开窗，要求停产整改",
    "东一村化工厂夜间排放刺鼻气味熏人，晚上无法开窗睡觉，要求环保部门查处",
]


def test_hotspot_cluster_becomes_a_case_and_a_topic_meeting(world, open_page, screenshot):
    from anju.cases.models import Case
    from anju.intake import actions as intake_actions
    from anju.warning.models_analysis import AnalysisMeeting

    now = timezone.now()
    matters = []
    for i, text in enumerate(TEXTS):
        report = intake_actions.submit_report(
            world.centre_staff,
            channel="call",
            area=world.village_a2 if i == 1 else world.village_a1,
            received_at=now - dt.timedelta(days=i),
            text=text,
        )
        matters.append(
            intake_actions.register_report(
                world.centre_staff, report, kind="dispute", domain=world.land, title=f"化工厂异味投诉{i + 1}"
            )
        )

    # 1. The town's centre staff open the hotspots and make the cluster a case.
    page = open_page()
    log_in(page, world.town_staff.username)
    page.goto("/intake/hotspots/?days=30")
    card = page.locator(".hotspot").filter(has_text="化工厂")
    expect(card).to_have_count(1)
    expect(card).to_contain_text("涉及 3 件事项")
    screenshot(page, "cases-01-hotspot")
    card.get_by_role("button", name="建立专案").click()
    page.wait_for_url("**/cases/*/")
    expect(page.locator(".messages")).to_contain_text("已建立专案，纳入 3 件事项")
    case = Case.objects.get()
    assert case.area == world.town_a and case.memberships.count() == 3
    for matter in matters:
        expect(page.locator("table")).to_contain_text(matter.number)
    screenshot(page, "cases-02-case")

    # 2. A matter's page names the case it belongs to.
    page.get_by_role("link", name=matters[1].number).click()
    page.wait_for_url(f"**/matters/{matters[1].pk}/")
    expect(page.locator("dl.facts")).to_contain_text(case.code)
    page.get_by_role("link", name=f"{case.code} {case.title}").click()
    page.wait_for_url(f"**/cases/{case.pk}/")

    # 3. 专题研判 from the case: the meeting's agenda is the case's matters.
    page.get_by_role("button", name="专题研判").click()
    page.wait_for_url("**/warning/meetings/*/")
    meeting = AnalysisMeeting.objects.get()
    assert meeting.kind == "topic" and meeting.area == world.town_a
    for matter in matters:
        expect(page.locator("main")).to_contain_text(matter.number)
    screenshot(page, "cases-03-meeting")
    page.goto(f"/cases/{case.pk}/")
    expect(page.locator(".timeline")).to_contain_text(meeting.title)
