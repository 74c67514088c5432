"""Internal stays internal, in a real browser: centre staff grade a citizen's request with an opinion and
escalate it with a reason on the matter page; the citizen's status page shows neutral lines only."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from test_citizen_flow import log_in, open_panel  # the same steps as the citizen's whole flow

pytestmark = pytest.mark.browser

OPINION = "申请人有多次越级上访记录，情绪激烈，需重点关注"
REASON = "镇级难以协调，申请县级包案"


def test_grading_opinion_and_escalation_reason_never_reach_the_citizen(world, open_page, screenshot):
    from anju.intake import actions as intake
    from anju.matters.risk import current_matrix

    report = intake.submit_report(
        None, channel="online", text="工地拖欠我们工资三个月，多次讨要未果。", area=world.village_a1
    )
    matter = intake.register_report(
        world.centre_staff, report, kind="dispute", domain=world.wages, title="工地拖欠工资"
    )
    top_level = current_matrix().level(5, 5).label

    staff = open_page()
    log_in(staff, world.centre_staff.username)
    staff.goto(f"/matters/{matter.pk}/")
    assess = open_panel(staff, "assess")
    assess.get_by_label("可能性").select_option("5")
    assess.get_by_label("后果严重程度").select_option("5")
    assess.get_by_label("研判意见").fill(OPINION)
    expect(assess).to_contain_text("仅内部可见，不向群众公开。")  # the field says who reads it
    assess.get_by_role("button", name="研判定级").click()
    expect(staff.locator(".matter-head .badge.status-assessed")).to_be_visible()

    escalate = open_panel(staff, "escalate")
    escalate.get_by_label("原因").fill(REASON)
    escalate.get_by_role("button", name="上报").click()
    expect(staff.locator(".matter-head .badge.status-escalated")).to_be_visible()
    # Positive control: staff do see both texts on their timeline.
    timeline = staff.locator(".timeline")
    expect(timeline).to_contain_text(OPINION)
    expect(timeline).to_contain_text(REASON)
    screenshot(staff, "08-staff-timeline-internal")

    citizen = open_page(phone=True)
    citizen.goto("/public/track")
    citizen.get_by_label("回执码").fill(report.receipt_code)
    citizen.get_by_role("button", name="查询").click()
    result = citizen.locator(".track-result")
    expect(result.locator(".timeline li")).to_have_count(3)
    expect(result).to_contain_text("已登记受理")
    expect(result).to_contain_text("已研判，正在交办")
    expect(result).to_contain_text("已报上级综治中心办理")
    expect(result).to_contain_text("上级办理中")
    for internal in (OPINION, REASON, "越级上访", "县级包案", top_level, world.centre_staff.username):
        expect(citizen.locator("body")).not_to_contain_text(internal)
    screenshot(citizen, "09-public-track-neutral")
