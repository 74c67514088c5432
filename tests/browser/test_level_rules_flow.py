"""The level rules end to end in a real browser: a 最高 grading in a town is refused at 交办 without 上报, is
escalated to the county, gets a 包案领导 there and is assigned; once its deadline has passed, the daily job
(``anju deadline-tick`` → ``apply_level_rules``) writes an automatic 督办 that shows on the matter page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from test_citizen_flow import log_in, open_panel

pytestmark = pytest.mark.browser


def test_critical_town_matter_is_escalated_gets_a_lead_leader_and_is_supervised_when_overdue(
    world, open_page, screenshot
):
    from anju.matters import actions
    from anju.matters.models import Matter, SupervisionNote

    matter = actions.create_matter(
        world.town_staff,
        kind="incident",
        domain=world.wages,
        area=world.town_a,
        title="东镇集市宴席疑似食物中毒",
        description="宴席后 30 人出现呕吐腹泻症状，已送医。",
        people_involved=30,
    )

    # 1. The town centre grades it 最高: the page proposes 上报 to the county.
    town = open_page()
    log_in(town, world.town_staff.username)
    town.goto(f"/matters/{matter.pk}/")
    assess = open_panel(town, "assess")
    assess.get_by_label("可能性").and_(assess.locator("select")).select_option("5")
    assess.get_by_label("后果严重程度").and_(assess.locator("select")).select_option("5")
    assess.get_by_role("button", name="研判定级").click()
    card = town.locator("#level-rule")
    expect(card).to_contain_text("须由示范县办理")
    expect(card).to_contain_text("建议启动应急预案")
    screenshot(town, "level-rules-01-proposed")
    # 5 × 5 is also a 灰犀牛, whose 缓释方案 comes before 交办 (its own panel, tested elsewhere)
    from anju.matters import actions as matter_actions

    matter_actions.set_mitigation_plan(world.town_staff, matter, plan="专班盯办，每日报告救治进展")
    town.reload()

    # 2. 交办 in the town without a reason is refused, next to the field; nothing changes.
    assign = open_panel(town, "assign")
    assign.get_by_label("责任单位").and_(assign.locator("select")).select_option(label=world.police.name)
    assign.get_by_label("包案领导").and_(assign.locator("select")).select_option(value=str(world.leader.pk))
    assign.get_by_role("button", name="交办").click()
    refused = town.locator("#panel-assign form")
    expect(refused).to_contain_text("请先上报，或填写不上报的理由")
    expect(town.locator(".matter-head .badge.status-assessed")).to_be_visible()
    screenshot(town, "level-rules-02-refused")

    # 3. 上报: straight to the county, as the rule asks.
    escalate = open_panel(town, "escalate")
    escalate.get_by_label("原因").fill("最高风险突发事件，报县级处置")
    escalate.get_by_role("button", name="上报").click()
    expect(town.locator(".matter-head .badge.status-escalated")).to_be_visible()
    expect(town.locator(".matter-head")).to_contain_text("示范县")

    # 4. The county centre grades it, names the 包案领导 and assigns it with tomorrow as deadline.
    county = open_page()
    log_in(county, world.centre_staff.username)
    county.goto(f"/matters/{matter.pk}/")
    assess = open_panel(county, "assess")
    assess.get_by_label("可能性").and_(assess.locator("select")).select_option("5")
    assess.get_by_label("后果严重程度").and_(assess.locator("select")).select_option("5")
    assess.get_by_role("button", name="研判定级").click()
    expect(county.locator(".matter-head .badge.status-assessed")).to_be_visible()
    expect(county.locator("#level-rule")).to_contain_text("该事项须明确包案领导。")
    lead = open_panel(county, "lead_leader")
    lead.get_by_label("包案领导").and_(lead.locator("select")).select_option(value=str(world.leader.pk))
    lead.get_by_role("button", name="包案领导").click()
    expect(county.locator("#level-rule .lead-leader")).to_have_text(str(world.leader))
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    assign = open_panel(county, "assign")
    assign.get_by_label("责任单位").and_(assign.locator("select")).select_option(label=world.police.name)
    assign.get_by_label("办理期限").fill(tomorrow.isoformat())
    assign.get_by_role("button", name="交办").click()
    expect(county.locator(".matter-head .badge.status-assigned")).to_be_visible()
    matter.refresh_from_db()
    assert matter.lead_leader == world.leader and matter.handling_area == world.county
    assert matter.deadline == tomorrow

    # 5. Two days after the deadline the daily job writes an automatic 督办 (once), shown on the page.
    later = timezone.now() + dt.timedelta(days=3)
    assert actions.apply_level_rules(later)["auto_supervised"] == 1
    assert actions.apply_level_rules(later)["auto_supervised"] == 0
    assert SupervisionNote.objects.filter(matter=matter, automatic=True).count() == 1
    county.reload()
    note = county.locator(".supervision-note")
    expect(note).to_have_count(1)
    expect(note).to_contain_text("自动督办")
    expect(note).to_contain_text(re.compile(r"已超期 \d+ 天"))
    screenshot(county, "level-rules-03-auto-supervised")
    assert Matter.objects.get(pk=matter.pk).status == "assigned"
