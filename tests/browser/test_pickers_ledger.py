"""Pickers and the ledger in a real browser: pinyin initials find a unit; two ledger rows are batch-assigned;
Back returns to the ledger page the URL named."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PASSWORD = "test-pass-123"  # the `world` fixture's password for every user


def _sign_in(page, user):
    page.goto("/login/")
    page.get_by_label("用户名").fill(user.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lambda url: "/login/" not in url)


@pytest.fixture
def assessed(world):
    """Three matters in 东一村, assessed (ready for 交办), numbered in this order."""
    from anju.matters import actions
    from anju.matters.models import MatterKind

    matters = []
    for i in range(1, 4):
        matter = actions.create_matter(
            world.centre_staff,
            kind=MatterKind.DISPUTE,
            domain=world.wages,
            area=world.village_a1,
            title=f"欠薪事项{i}",
            description="工人反映工资拖欠。",
            people_involved=3,
        )
        actions.assess(world.centre_staff, matter, likelihood=2, consequence=2)
        matter.refresh_from_db()
        matters.append(matter)
    return matters


def test_pinyin_initials_choose_a_unit_in_the_assign_form(world, assessed, open_page):
    page = open_page()
    _sign_in(page, world.centre_staff)
    page.goto(f"/matters/{assessed[0].pk}/")
    page.locator("#panel-assign summary").click()
    search = page.locator("#panel-assign .picker-search").first
    search.fill("dzpcs")  # 东镇派出所
    option = page.locator("#panel-assign .picker-option", has_text="东镇派出所")
    expect(option).to_have_count(1)
    option.click()
    expect(page.locator("#id_assign-unit")).to_have_value(str(world.police.pk))
    # the person list follows the unit (htmx), and its picker searches the new options
    person_search = page.locator("#panel-assign .picker-search").nth(1)
    person_search.fill("bumen")
    expect(page.locator("#panel-assign .picker-option").first).to_contain_text("东镇派出所")


def test_select_two_rows_and_batch_assign_them(world, assessed, open_page):
    from anju.matters.models import Matter

    page = open_page()
    _sign_in(page, world.centre_staff)
    page.goto("/matters/?sort=number")
    page.get_by_label(f"选择 {assessed[0].number}").check()
    page.get_by_label(f"选择 {assessed[2].number}").check()
    page.locator("#batch-form select[name=action]").select_option("assign")
    page.locator("#batch-form .picker-search").first.fill("dzpcs")
    page.locator("#batch-form .picker-option", has_text="东镇派出所").click()
    page.get_by_role("button", name="下一步").click()
    expect(page.locator("h1")).to_contain_text("确认批量交办")
    page.get_by_role("button", name="确认执行").click()
    expect(page.locator(".batch-totals")).to_have_text("已完成 2 件，未执行 0 件。")
    statuses = dict(Matter.objects.values_list("pk", "status"))
    assert [statuses[m.pk] for m in assessed] == ["assigned", "assessed", "assigned"]
    page.get_by_role("link", name="返回台账").first.click()
    page.wait_for_url("**/matters/?sort=number")


def test_back_returns_to_the_previous_ledger_page(world, assessed, open_page, settings):
    settings.ANJU_PAGE_SIZE = 2
    page = open_page()
    _sign_in(page, world.centre_staff)
    page.goto("/matters/?sort=number")
    expect(page.locator("table.ledger tbody tr")).to_have_count(2)
    page.locator(".page-numbers").get_by_role("link", name="下一页", exact=True).click()
    page.wait_for_url("**/matters/?sort=number&cursor=*")
    expect(page.locator("table.ledger tbody")).to_contain_text(assessed[2].number)
    page.go_back()
    page.wait_for_url("**/matters/?sort=number")
    expect(page.locator("table.ledger tbody")).to_contain_text(assessed[0].number)
    expect(page.locator("table.ledger tbody")).not_to_contain_text(assessed[2].number)


def test_meeting_decision_form_shows_the_chosen_types_fields(world, open_page):
    from django.utils import timezone

    from anju.warning import actions

    meeting = actions.plan_meeting(
        world.centre_staff, kind="regular", area=world.county, title="周研判", held_at=timezone.now()
    )
    page = open_page()
    _sign_in(page, world.centre_staff)
    page.goto(f"/warning/meetings/{meeting.pk}/")
    page.locator("#id_kind").select_option("task")
    expect(page.locator("#id_deadline")).to_be_visible()
    expect(page.locator("#id_alert_level")).to_be_hidden()
    page.locator("#id_kind").select_option("warning")
    expect(page.locator("#id_deadline")).to_be_hidden()
    expect(page.locator("#id_alert_level")).to_be_visible()
