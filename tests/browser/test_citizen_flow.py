"""One citizen's request, end to end in a real browser, through the pages each person really uses.

A villager reports unpaid wages on the public form (phone) and gets a receipt code → the county centre
registers it as a matter with a risk level and assigns it to the village committee's cadre → the cadre
(phone) records a mediation session and resolves the matter → the villager's status page shows 已化解.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PASSWORD = "test-pass-123"  # the `world` fixture's password for every user
RECEIPT_CODE = re.compile(r"^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$")
REQUEST_TEXT = "东一村道路硬化工程的包工头拖欠我们12名村民的工资共8万余元，多次讨要未果，大家很着急。"
REPORTER_NAME = "王小明"
REPORTER_PHONE = "13812345678"
TITLE = "东一村道路硬化工程拖欠12名村民工资"
PUBLIC_NOTE = "经村调委会调解，拖欠的工资已全部结清。"


def log_in(page, username: str) -> None:
    page.goto("/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lambda url: "/login/" not in url)


def assert_no_sideways_scroll(page) -> None:
    """The page fits its window's width: nothing to scroll sideways (a 390 px phone included)."""
    page.wait_for_load_state()  # not half-way through a navigation a click started
    widths = page.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{page.url}: page {widths[0]} px wide in a {widths[1]} px window"


def open_panel(page, key: str):
    """The matter page's action panels are <details>; open one and return its form."""
    panel = page.locator(f"#panel-{key}")
    if panel.get_attribute("open") is None:
        panel.locator("summary").click()
    return panel.locator("form")


@pytest.mark.parametrize("staff_on_phone", [False, True], ids=["staff-desktop", "staff-phone"])
def test_citizen_request_is_registered_assigned_mediated_resolved_and_tracked(
    world, open_page, screenshot, staff_on_phone
):
    if staff_on_phone:  # the desktop variant takes the pictures; this one checks the pages fit a phone

        def screenshot(*args, **kwargs):
            pass

    from anju.matters.models import Matter
    from anju.matters.risk import current_matrix
    from anju.matters.workflow import Status

    # 1. The villager submits the request on a phone, without an account, and gets a receipt code.
    citizen = open_page(phone=True)
    citizen.goto("/public/submit")
    citizen.get_by_label("所在村（社区）").and_(citizen.locator("select")).select_option(
        label=world.village_a1.name
    )
    citizen.get_by_label("反映内容").fill(REQUEST_TEXT)
    citizen.get_by_label("具体地点").fill("东一村村委会东侧道路工地")
    citizen.get_by_label("姓名").fill(REPORTER_NAME)
    citizen.get_by_label("联系电话").fill(REPORTER_PHONE)
    assert_no_sideways_scroll(citizen)
    screenshot(citizen, "01-public-submit")
    citizen.get_by_role("button", name="提交").click()
    receipt = citizen.locator("#receipt-code")
    expect(receipt).to_be_visible()
    code = receipt.inner_text().strip()
    assert RECEIPT_CODE.match(code), code
    assert_no_sideways_scroll(citizen)
    screenshot(citizen, "02-public-receipt")

    # 2. County centre staff open the new report: the reporter's name and phone are masked.
    staff = open_page(phone=staff_on_phone)
    log_in(staff, world.centre_staff.username)
    staff.goto("/intake/")
    staff.get_by_role("link", name=REQUEST_TEXT[:12]).click()
    expect(staff.locator("body")).to_contain_text(code)
    expect(staff.locator("body")).to_contain_text("王**")
    expect(staff.locator("body")).not_to_contain_text(REPORTER_NAME)
    expect(staff.locator("body")).not_to_contain_text(REPORTER_PHONE)
    assert_no_sideways_scroll(staff)

    # ... and register it as a matter, graded on the risk matrix (likelihood 3 × consequence 3).
    register = staff.locator("#register")
    register.get_by_label("事项类型").and_(register.locator("select")).select_option(label="矛盾纠纷")
    register.get_by_label("风险领域").and_(register.locator("select")).select_option(label=world.wages.name)
    register.get_by_label("标题").fill(TITLE)
    register.get_by_label("涉及人数").fill("12")
    register.get_by_label("涉及金额").fill("86000")
    register.get_by_label("可能性").and_(register.locator("select")).select_option("3")
    register.get_by_label("后果").and_(register.locator("select")).select_option("3")
    screenshot(staff, "03-report-register")
    register.get_by_role("button", name="登记", exact=True).click()
    staff.wait_for_url(re.compile(r"/matters/\d+/$"))
    level = current_matrix().level(3, 3)
    head = staff.locator(".matter-head")
    expect(head).to_contain_text(TITLE)
    expect(head.locator(f".badge.level-{level.code}").first).to_have_text(level.label)
    expect(head.locator(".badge.status-assessed")).to_be_visible()

    # 3. ... and assign it to the village committee, with its cadre as the person responsible.
    deadline = timezone.localdate() + dt.timedelta(days=10)
    assign = open_panel(staff, "assign")
    with staff.expect_response(lambda response: "/matters/unit-members/" in response.url):
        assign.get_by_label("责任单位").and_(assign.locator("select")).select_option(
            label=world.committee_a1.name
        )
    person = assign.get_by_label("责任人").and_(assign.locator("select"))
    # htmx replaced the list with the committee's members only.
    expect(person.locator("option")).to_have_count(1 + 2)
    person.select_option(value=str(world.cadre.pk))
    assign.get_by_label("办理期限").fill(deadline.isoformat())
    # 3 × 3 is 较高: the level rules ask for a 包案领导 (a leader over the village)
    assign.get_by_label("包案领导").and_(assign.locator("select")).select_option(value=str(world.leader.pk))
    assign.get_by_label("交办意见").fill("请村调委会三日内组织调解。")
    assign.get_by_role("button", name="交办").click()
    expect(head.locator(".badge.status-assigned")).to_be_visible()
    expect(head).to_contain_text(world.committee_a1.name)
    expect(head).to_contain_text(deadline.isoformat())
    assert_no_sideways_scroll(staff)
    screenshot(staff, "04-matter-assigned")

    # 4. The village cadre, on a phone, finds the matter in the ledger, records a mediation and resolves it.
    cadre = open_page(phone=True)
    log_in(cadre, world.cadre.username)
    cadre.goto("/matters/")
    assert_no_sideways_scroll(cadre)
    cadre.get_by_role("link", name=TITLE).click()
    cadre.wait_for_url(re.compile(r"/matters/\d+/$"))
    assert_no_sideways_scroll(cadre)
    mediation = open_panel(cadre, "mediation")
    mediation.get_by_label("调解日期").fill(timezone.localdate().isoformat())
    mediation.get_by_label("调解员").fill("东一村人民调解委员会 李主任")
    mediation.get_by_label("到场当事人").fill("申请人代表、包工头")
    mediation.get_by_label("调解经过").fill("召集双方核对用工记录，包工头承认欠薪，同意月底前一次付清。")
    mediation.get_by_label("调解结果").and_(mediation.locator("select")).select_option(label="调解成功")
    mediation.get_by_label("协议内容").fill("包工头于本月底前一次性支付拖欠工资86000元。")
    mediation.get_by_role("button", name="调解记录").click()
    expect(cadre.locator(".record")).to_contain_text("调解成功")

    resolve = open_panel(cadre, "resolve")
    resolve.get_by_label("化解结果").fill("包工头已按协议付清全部工资，村民确认收到。")
    resolve.get_by_label("对外公开说明").fill(PUBLIC_NOTE)
    screenshot(cadre, "05-cadre-resolve")
    resolve.get_by_role("button", name="化解办结").click()
    expect(cadre.locator(".matter-head .badge.status-resolved")).to_be_visible()
    assert_no_sideways_scroll(cadre)
    screenshot(cadre, "06-matter-resolved")

    # 5. The villager checks the status with the receipt code: resolved, with the public note only.
    citizen.goto("/public/track")
    citizen.get_by_label("回执码").fill(code)
    citizen.get_by_role("button", name="查询").click()
    result = citizen.locator(".track-result")
    expect(result).to_contain_text("已化解")
    expect(result).to_contain_text(PUBLIC_NOTE)
    expect(result).not_to_contain_text("包工头已按协议")  # the internal outcome stays internal
    expect(result).not_to_contain_text("三日内组织调解")  # so does the assignment remark
    assert_no_sideways_scroll(citizen)
    screenshot(citizen, "07-public-track-resolved")

    # What the pages did is what the ledger holds: one matter, resolved by the cadre, after one mediation.
    matter = Matter.objects.get(reports__receipt_code=code.replace("-", ""))
    assert matter.status == Status.RESOLVED
    assert (matter.likelihood, matter.consequence, matter.inherent_level) == (3, 3, level.code)
    assert matter.responsible_unit == world.committee_a1
    assert matter.responsible_person == world.cadre
    assert matter.deadline == deadline
    assert matter.mediation_sessions.get().result == "agreed"
    assert list(matter.events.order_by("at", "id").values_list("kind", flat=True)) == [
        "registered",
        "assessed",
        "assigned",
        "note",  # the assignment remark, kept on the staff timeline only
        "mediation",
        "resolved",
    ]
    assert not matter.events.get(kind="note").public
