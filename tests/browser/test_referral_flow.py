"""转介 and the citizen's rating in a real browser (issue 16).

东镇's centre staff (zhen) open a matter, refer its applicant to 社会心理服务 with the applicant's oral consent
→ the county's counselling centre (xinli, who cannot open the matter) finds the referral in the unit's inbox,
reveals the phone it was given and accepts it → the matter's staff timeline shows both steps. Then a citizen
whose request was resolved opens the status page with the receipt code and rates the handling, once.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from test_screening_flow import log_in

pytestmark = pytest.mark.browser

PURPOSE = "当事人因欠薪长期失眠，情绪低落，需要心理疏导"


def _setup(world):
    from anju.care import actions as care
    from anju.core import actions as core
    from anju.core.models import UnitKind
    from anju.core.roles import Role
    from anju.matters import actions as m

    unit = core.create_unit(None, name="县社会心理服务站", kind=UnitKind.DEPARTMENT, area=world.county)
    member = core.create_user(
        None,
        username="xinli",
        password="test-pass-123",
        role=Role.DEPARTMENT_OFFICER,
        area=world.county,
        unit=unit,
        display_name="心理社工",
    )
    service = care.create_service(
        world.admin,
        name="县社会心理服务站",
        kind="counselling",
        area=world.county,
        unit=unit,
        contact_position="值班心理咨询师",
    )
    care.create_service(
        world.admin, name="县法律援助中心", kind="legal_aid", area=world.county, contact_position="值班律师"
    )
    matter = m.create_matter(
        world.centre_staff,
        kind="dispute",
        domain=world.wages,
        area=world.village_a1,
        title="工地拖欠农民工工资",
        description="十余名工人反映工程款未结清。",
        parties=[
            {"role": "applicant", "name": "张三丰", "phone": "13812345678"},
            {"role": "respondent", "name": "某建筑公司", "is_organisation": True},
        ],
    )
    return member, service, matter


def _resolved_request(world):
    from anju.intake import actions as intake
    from anju.matters import actions as m

    report = intake.submit_report(
        None, channel="online", text="东一村路灯不亮，夜间出行不便。", area=world.village_a1
    )
    matter = intake.register_report(
        world.centre_staff,
        report,
        kind="demand",
        domain=world.land,
        title="路灯维修",
        likelihood=2,
        consequence=2,
    )
    m.assign(
        world.centre_staff,
        matter,
        unit=world.committee_a1,
        deadline=timezone.localdate() + dt.timedelta(days=5),
    )
    m.start(world.centre_staff, matter)
    m.resolve(world.centre_staff, matter, outcome="已修复", public_note="路灯已修复")
    return report


def test_referral_to_counselling_is_sent_and_accepted(world, open_page, screenshot):
    from anju.care.models import Referral

    member, service, matter = _setup(world)
    applicant = matter.parties.order_by("pk").first()

    # 1. 东镇's centre staff refer the applicant from the matter's page, with consent.
    staff = open_page()
    log_in(staff, world.town_staff.username)
    staff.goto(f"/matters/{matter.pk}/")
    staff.locator("#refer-party").click()
    staff.wait_for_url(f"**/care/referrals/matter/{matter.pk}/")
    party_select = staff.locator("select[name=party]")
    expect(party_select.locator("option")).to_have_count(3)  # the empty choice and the matter's two parties
    party_select.select_option(value=str(applicant.pk))
    staff.locator("select[name=service_unit]").select_option(value=str(service.pk))
    staff.get_by_label("转介事由").fill(PURPOSE)
    # no consent recorded: nothing is sent
    staff.locator("input[name=consent][value=no]").check()
    staff.get_by_role("button", name="发送转介").click()
    expect(staff.locator(".errorlist")).to_contain_text("当事人未同意转介，不能发送")
    assert Referral.objects.count() == 0
    staff.locator("input[name=consent][value=yes]").check()
    staff.locator("select[name=consent_method]").select_option(value="oral")
    staff.get_by_role("button", name="发送转介").click()
    staff.wait_for_url("**/care/referrals/*/")
    expect(staff.locator(".messages")).to_contain_text("转介已发送")
    referral = Referral.objects.get()
    assert (referral.party, referral.service_unit, referral.status) == (applicant, service, "sent")
    screenshot(staff, "referral-01-sent")

    # 2. The counselling centre's member finds it in the unit's inbox, reveals the phone and accepts.
    centre = open_page()
    log_in(centre, member.username)
    assert centre.goto(f"/matters/{matter.pk}/").status == 404  # the matter is not theirs
    centre.goto("/care/referrals/")
    centre.get_by_role("link", name=matter.number).click()
    centre.wait_for_url(f"**/care/referrals/{referral.pk}/")
    expect(centre.locator(".referral-head")).to_contain_text(PURPOSE)
    centre.locator(".pd").get_by_role("button", name="查看").click()
    expect(centre.locator(".revealed")).to_have_text("13812345678")
    centre.locator("#accept-referral").click()
    expect(centre.locator("#referral-status")).to_have_text("已接收")
    screenshot(centre, "referral-02-accepted")
    referral.refresh_from_db()
    assert referral.status == "accepted" and referral.answered_by == member

    # 3. The matter's staff timeline shows the referral and its acceptance.
    staff.goto(f"/matters/{matter.pk}/")
    expect(staff.locator("body")).to_contain_text("转介已接收")


def test_the_citizen_rates_a_resolved_request_once(world, open_page, screenshot):
    from anju.intake import receipts
    from anju.intake.models import SatisfactionRating

    report = _resolved_request(world)
    code = receipts.display(report.receipt_code)
    citizen = open_page(phone=True)
    citizen.goto(f"/public/track?code={code}")
    expect(citizen.locator(".rating-form")).to_be_visible()
    citizen.locator("input[name=rating][value=satisfied]").check()
    citizen.get_by_label("留言（选填）").fill("修得很快，谢谢")
    citizen.get_by_role("button", name="提交评价").click()
    expect(citizen.locator(".rating-given")).to_contain_text("感谢您的评价")
    expect(citizen.locator(".rating-label")).to_have_text("满意")
    screenshot(citizen, "referral-03-citizen-rated")
    citizen.reload()
    expect(citizen.locator(".rating-form")).to_have_count(0)
    expect(citizen.locator(".rating-given")).to_contain_text("修得很快，谢谢")
    rating = SatisfactionRating.objects.get()
    assert (rating.report, rating.rating) == (report, "satisfied")
