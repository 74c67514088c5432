"""Care in a real browser: the village cadre handling a matter reveals a party's phone for the purpose 回访
(the purpose form opens in the party's cell), opens a care plan for the party with themself as care person,
and records a care visit; the audit log keeps the purpose."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from test_citizen_flow import log_in

pytestmark = pytest.mark.browser

PHONE = "13812345678"


def test_cadre_reveals_a_phone_for_a_follow_up_and_records_a_care_visit(world, open_page, screenshot):
    from anju.care.models import CareVisit
    from anju.core.models import AuditEvent
    from anju.matters import actions

    matter = actions.create_matter(
        world.town_staff,
        kind="dispute",
        domain=world.wages,
        area=world.village_a1,
        title="工地拖欠农民工工资",
        description="工人反映工程款未结清，工资拖欠三个月。",
        people_involved=12,
        parties=[{"role": "applicant", "name": "张三丰", "phone": PHONE}],
        likelihood=3,
        consequence=3,
    )
    actions.assign(
        world.town_staff,
        matter,
        unit=world.committee_a1,
        person=world.cadre,
        deadline=timezone.localdate() + dt.timedelta(days=10),
        lead_leader=world.leader,
    )
    party = matter.parties.get()

    page = open_page()
    log_in(page, world.cadre.username)
    page.goto(f"/matters/{matter.pk}/")
    phone_cell = page.locator(".pii", has_text="138****5678")
    expect(phone_cell).to_be_visible()
    phone_cell.get_by_role("link", name="显示").click()

    # the purpose form replaces the masked value; without a purpose nothing is shown
    purpose = page.locator("form.reveal-purpose")
    expect(purpose).to_contain_text("须说明用途")
    purpose.get_by_role("button", name="查看").click()
    expect(page.locator("form.reveal-purpose")).to_contain_text("请选择查看联系方式的用途")
    page.locator("form.reveal-purpose").get_by_label("回访").check()
    page.locator("form.reveal-purpose").get_by_role("button", name="查看").click()
    expect(page.locator(".revealed")).to_have_text(PHONE)
    screenshot(page, "care-reveal-purpose")

    # the party's care page: a plan with the cadre as care person
    page.get_by_role("link", name="关爱与需求").click()
    page.wait_for_url(f"**/care/parties/{party.pk}/")
    plan_form = page.locator("form", has=page.locator("input[name=form][value=plan]"))
    plan_form.locator("select[name=care_person]").select_option(str(world.cadre.pk))
    plan_form.get_by_label("关爱原因").fill("工资拖欠三个月，家中老人需照顾，定期回访")
    plan_form.get_by_role("button", name="建立").click()
    expect(page.locator(".messages")).to_contain_text("关爱计划已建立")
    page.locator('a[href^="/care/plans/"]').click()

    # the plan's page: record the follow-up visit made today
    record = page.locator("form", has=page.locator("input[name=form][value=record]"))
    record.get_by_label("方式").select_option(label="回访")
    record.get_by_label("走访日期").fill(timezone.localdate().isoformat())
    record.get_by_label("情况记录").fill("电话回访，工资已部分到账，情绪平稳")
    record.get_by_role("button", name="记录").click()
    expect(page.locator(".messages")).to_contain_text("走访已记录")
    expect(page.locator("table")).to_contain_text("电话回访，工资已部分到账，情绪平稳")
    screenshot(page, "care-plan-visit")

    visit = CareVisit.objects.get(plan__party=party)
    assert (visit.kind, visit.done_on, visit.done_by) == ("follow_up", timezone.localdate(), world.cadre)
    reveal = AuditEvent.objects.get(action="personal_data.reveal", object_id=str(party.pk))
    assert reveal.actor == world.cadre
    assert reveal.after == {"field": "phone", "purpose": "follow_up", "purpose_text": ""}
