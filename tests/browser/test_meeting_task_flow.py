"""Coordination across levels (issue 14) in a real browser: a county analysis meeting gives a town's centre a
task; the town's staff, who cannot open the county meeting, are told, open the task from the notice and
complete it; the county sees it completed on the meeting's page.

County centre staff (zongzhi) hold a meeting for the whole county and assign a task to 东镇综治中心 → the
town centre's staff (zhen) find the notice under 通知, open it, read the task and complete it → zongzhi
reloads the meeting: the task is done, with the town's note.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from test_screening_flow import log_in

pytestmark = pytest.mark.browser

TASK_TEXT = "对东镇在建工地逐一排查欠薪情况，周五前报告"
DONE_NOTE = "已排查 6 个在建工地，2 起欠薪已调处"


def test_county_meeting_task_is_completed_by_the_town(world, open_page, screenshot):
    from anju.warning.models import AnalysisMeeting, MeetingDecision

    deadline = timezone.localdate() + dt.timedelta(days=5)

    # 1. County centre staff hold a county-wide meeting and assign a task to 东镇综治中心.
    county = open_page()
    log_in(county, world.centre_staff.username)
    county.goto("/warning/meetings/new/")
    county.get_by_label("类型").and_(county.locator("select")).select_option(label="定期研判")
    county.get_by_label("主题").fill("全县本周稳定形势研判")
    county.get_by_label("研判范围").and_(county.locator("select")).select_option(label=world.county.name)
    county.get_by_role("button", name="创建并生成议程").click()
    county.wait_for_url("**/warning/meetings/*/")
    meeting = AnalysisMeeting.objects.get(title="全县本周稳定形势研判")
    assert meeting.area == world.county
    county.get_by_label("类型").and_(county.locator("select")).select_option(label="交办任务")
    county.get_by_label("决定事项").fill(TASK_TEXT)
    county.get_by_label("责任单位").and_(county.locator("select")).select_option(label=world.town_centre.name)
    county.get_by_label("完成期限").fill(deadline.isoformat())
    county.get_by_role("button", name="记录决定").click()
    expect(county.locator(".messages")).to_contain_text("决定已记录")
    task = MeetingDecision.objects.get(meeting=meeting, text=TASK_TEXT)
    assert task.unit == world.town_centre and task.done_at is None
    screenshot(county, "unitscope-01-county-assigns")

    # 2. The town centre's staff cannot open the county meeting, but are told of the task and open it.
    town = open_page()
    log_in(town, world.town_staff.username)
    assert town.goto(f"/warning/meetings/{meeting.pk}/").status == 404
    town.goto("/notifications/")
    notice = town.locator(".notice").filter(has_text="研判会交办任务：全县本周稳定形势研判")
    expect(notice).to_have_count(1)
    notice.locator("a, button").filter(has_text="查看").first.click()
    town.wait_for_url(f"**/warning/tasks/{task.pk}/")
    expect(town.get_by_role("heading", level=1)).to_contain_text("研判会交办任务")
    expect(town.locator("body")).to_contain_text(TASK_TEXT)
    expect(town.locator("body")).to_contain_text("全县本周稳定形势研判")
    screenshot(town, "unitscope-02-town-opens-task")

    # 3. They complete it with a note.
    town.get_by_label("完成情况").fill(DONE_NOTE)
    town.get_by_role("button", name="办结").click()
    expect(town.locator(".messages")).to_contain_text("任务已办结")
    expect(town.get_by_role("heading", level=1)).to_contain_text("已办结")
    expect(town.locator(".task-done-note")).to_contain_text(DONE_NOTE)
    task.refresh_from_db()
    assert task.done_at is not None and task.done_note == DONE_NOTE
    # their list of tasks shows it done
    town.goto("/warning/tasks/")
    expect(town.locator("tr").filter(has_text=TASK_TEXT[:20])).to_contain_text("已办结")
    screenshot(town, "unitscope-03-town-task-list")

    # 4. The county sees the task completed on the meeting's page, with the town's note.
    county.goto(f"/warning/meetings/{meeting.pk}/")
    card = county.locator(".card").filter(has_text=TASK_TEXT).last
    expect(card).to_contain_text("✓")
    expect(card).to_contain_text(DONE_NOTE)
    expect(card.get_by_role("button", name="办结")).to_have_count(0)
    screenshot(county, "unitscope-04-county-sees-done")
