"""The governance rhythm (issue 6) end to end in a real browser, through the pages each person really uses.

The village cadre files a zero report for the current screening round (phone) → a surge of wage matters in
东一村 raises a signal alarm → county centre staff draft a yellow warning from the signal, address it to the
village committee and publish it → the cadre acknowledges it → the leader's dashboard lists it under 当前预警
→ centre staff generate the county's monthly report and download the Word and Excel files, whose figures
match the ledger.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone
from playwright.sync_api import expect

# Reusable steps of the screening flow (pytest puts this folder on sys.path for its test modules).
from test_screening_flow import file_zero_report, log_in

pytestmark = pytest.mark.browser

SURGE = 8  # wage matters in 东一村 this week, against one every other week before


def build_wage_surge(world) -> dt.date:
    """80 weeks with a wage matter every other week in 东一村, then a surge this week (as the scan test does)."""
    from anju.matters.actions import create_matter
    from anju.warning.counting import monday_of

    this_monday = monday_of(timezone.localdate())

    def wage_matter(day: dt.date) -> None:
        create_matter(
            world.centre_staff,
            kind="demand",
            domain=world.wages,
            area=world.village_a1,
            title="讨薪",
            description="农民工反映工资被拖欠",
            occurred_at=timezone.make_aware(dt.datetime.combine(day, dt.time(10))),
        )

    for weeks_ago in range(1, 80, 2):
        wage_matter(this_monday - dt.timedelta(weeks=weeks_ago, days=-2))
    for _ in range(SURGE):
        wage_matter(this_monday)
    return this_monday


def test_zero_report_warning_acknowledged_on_dashboard_and_in_monthly_report(world, open_page, screenshot):
    import docx
    import openpyxl

    from anju.core.models import AreaLevel
    from anju.matters.models import Matter
    from anju.screening.actions import open_due_rounds
    from anju.screening.models import Return
    from anju.warning.actions import run_scan
    from anju.warning.models import Alert, AlertLevel, AlertStatus, Signal

    today = timezone.localdate()
    village_round = next(r for r in open_due_rounds(today) if r.level == AreaLevel.VILLAGE)

    # 1. The village cadre, on a phone, files a zero report for the current round.
    cadre = open_page(phone=True)
    log_in(cadre, world.cadre.username)
    file_zero_report(cadre, village_round.label)
    assert Return.objects.get(round=village_round, area=world.village_a1).is_filed

    # 2. A surge of wage matters in 东一村; the weekly scan raises an alarm for this week.
    this_monday = build_wage_surge(world)
    run_scan(world.centre_staff, weeks=4)
    signal = Signal.objects.get(area=world.village_a1, domain=world.wages, week=this_monday)
    assert signal.alarm and signal.observed == SURGE

    # 3. County centre staff open 预警信号, draft a yellow warning from the alarm for the village committee
    #    and publish it (after the confirmation dialog).
    staff = open_page()
    log_in(staff, world.centre_staff.username)
    staff.goto("/warning/signals/")
    alarm_card = staff.locator(".card.signal").filter(has_text=f"东一村 {world.wages.name} 类事项 {SURGE} 件")
    expect(alarm_card).to_have_count(1)
    screenshot(staff, "rhythm-01-signals")
    alarm_card.get_by_role("link", name="据此起草预警").click()
    staff.wait_for_url("**/warning/new/?signal=*")
    expect(staff.locator("body")).to_contain_text(f"来源信号：东一村 · {world.wages.name}")
    staff.get_by_label("预警级别").select_option(label="三级（黄色）")
    staff.get_by_label(world.committee_a1.name).check()
    headline = staff.get_by_label("标题").input_value()
    assert "东一村" in headline and world.wages.name in headline
    screenshot(staff, "rhythm-02-alert-draft")
    staff.get_by_role("button", name="保存草稿").click()
    staff.wait_for_url("**/warning/*/")
    expect(staff.get_by_role("heading", level=1)).to_contain_text("三级（黄色）")
    staff.once("dialog", lambda dialog: dialog.accept())  # 确认发布此预警？
    staff.get_by_role("button", name="发布", exact=True).click()
    expect(staff.locator(".messages")).to_contain_text("预警已发布")
    committee_row = staff.locator("tr").filter(has_text=world.committee_a1.name)
    expect(committee_row).to_contain_text("未签收")

    alert = Alert.objects.get(headline=headline)
    assert (alert.status, alert.level, alert.area) == (
        AlertStatus.ISSUED,
        AlertLevel.YELLOW,
        world.village_a1,
    )
    assert list(alert.recipients.values_list("unit", flat=True)) == [world.committee_a1.pk]
    # the alarm now says a warning was issued and links to it, instead of offering a second draft
    staff.goto("/warning/signals/")
    expect(alarm_card).to_contain_text("已发布预警：")
    expect(alarm_card.get_by_role("link", name="据此起草预警")).to_have_count(0)
    expect(alarm_card.get_by_role("link", name=headline)).to_have_attribute("href", f"/warning/{alert.pk}/")

    # 4. The cadre finds the warning among the current ones and acknowledges it.
    cadre.goto("/warning/")
    cadre.get_by_role("link", name=headline).click()
    cadre.get_by_role("button", name="签收").click()
    cadre_row = cadre.locator("tr").filter(has_text=world.committee_a1.name)
    expect(cadre_row).to_contain_text("✓")
    expect(cadre_row).not_to_contain_text("未签收")
    expect(cadre.get_by_role("button", name="签收")).to_have_count(0)
    screenshot(cadre, "rhythm-03-alert-acknowledged")
    recipient = alert.recipients.get()
    assert recipient.acknowledged_at is not None and recipient.acknowledged_by == world.cadre

    # 5. The leader's dashboard lists the warning under 当前预警, the alarm, and the filed zero report.
    leader = open_page()
    log_in(leader, world.leader.username)
    leader.goto("/dashboard/")
    current = leader.locator(".card").filter(has=leader.get_by_role("heading", name="当前预警"))
    expect(current.get_by_role("link", name=f"[三级（黄色）] {headline}")).to_be_visible()
    signals = leader.locator(".card").filter(has=leader.get_by_role("heading", name="本周及上周预警信号"))
    expect(signals).to_contain_text(f"东一村 · {world.wages.name}：{SURGE} 件")
    screening = leader.locator(".card").filter(has=leader.get_by_role("heading", name="排查完成情况"))
    expect(screening).to_contain_text("1 / 3")
    screenshot(leader, "rhythm-04-dashboard")

    # 6. Centre staff generate this month's report for the county and download it as Word and Excel.
    staff.goto("/reports/")
    staff.get_by_label("报送区域").select_option(label=world.county.name)
    staff.get_by_label("月份").fill(f"{today:%Y-%m}")
    staff.get_by_role("button", name="生成月报").click()
    staff.wait_for_url("**/reports/*/")
    title = f"{world.county.name}{today.year}年{today.month}月社会领域风险防范化解工作月报"
    expect(staff.get_by_role("heading", level=1)).to_have_text(title)
    screenshot(staff, "rhythm-05-monthly-report")

    new_this_month = Matter.objects.filter(registered_at__date__gte=today.replace(day=1)).count()
    assert new_this_month == 40 + SURGE  # every matter of the history was registered today

    with staff.expect_download() as word:
        staff.get_by_role("link", name="Word").click()
    assert word.value.suggested_filename == f"{title}.docx"  # the report's Chinese title names the file
    text = "\n".join(p.text for p in docx.Document(word.value.path()).paragraphs)
    assert title in text
    assert f"本月新增事项 {new_this_month} 件" in text
    assert "本月发布预警 1 次（三级（黄） 1 次）" in text

    with staff.expect_download() as excel:
        staff.get_by_role("link", name="Excel").click()
    assert excel.value.suggested_filename.endswith(".xlsx")
    with open(excel.value.path(), "rb") as downloaded:
        book = openpyxl.load_workbook(io.BytesIO(downloaded.read()))
    summary = {row[0]: row[1] for row in book["总体情况"].iter_rows(min_row=2, values_only=True)}
    assert summary["新增事项"] == new_this_month
    by_village = {row[0]: row[1] for row in book["分村（社区）"].iter_rows(min_row=2, values_only=True)}
    assert by_village["东一村"] == new_this_month and by_village["西一村"] == 0
