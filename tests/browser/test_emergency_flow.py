"""Emergency work (issue 15) end to end in a real browser, through the pages each person really uses.

A red warning is issued for 东一村 → county centre staff open an incident from the warning page → the board
proposes the county's food-safety plan; they activate its 四级 response → send the 首报 → dispatch water from
the stock for the incident (the stock goes down) → draft a public release, which the leader approves and
publishes → the release is on the public page and in CAP → the response is ended → an aftermath
(善后整改) task is given to the town centre, which sees it on its 工作台.

ANJU_SCREENSHOTS=1 saves the incident board as docs/screenshots/emergency-incident-board.png.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from lxml import etree
from playwright.sync_api import expect
from test_screening_flow import log_in

pytestmark = pytest.mark.browser

CAP = {"cap": "urn:oasis:names:tc:emergency:cap:1.2"}


def _county_food_plan(world):
    """The county's food-safety special plan, published, with 四级 and a medical group led by 东镇综治中心."""
    from anju.core.models import Domain
    from anju.emergency import actions

    health = Domain.objects.get(code="health")
    plan = actions.create_plan(
        world.centre_staff,
        area=world.county,
        title="示范县食品安全事故专项应急预案",
        plan_type="special",
        classes=["public_health"],
        domains=[health],
        owner_unit=world.centre,
    )
    version = plan.versions.get()
    version.groups.all().delete()
    actions.save_level(
        world.centre_staff, version, level=4, trigger="一次食物中毒 30 人以上", measures="启动四级响应"
    )
    actions.save_group(
        world.centre_staff, version, name="医疗救治组", lead_unit=world.town_centre, tasks="转运病人"
    )
    actions.approve_version(world.leader, version)
    actions.publish_version(world.leader, version)
    return plan, health


def _form(page, name: str):
    """The board's form named ``name`` (its hidden ``form`` input)."""
    return page.locator(f'form:has(input[name="form"][value="{name}"])')


def test_warning_to_incident_response_release_and_aftermath(world, open_page, screenshot, live_server):
    from anju.emergency import actions
    from anju.emergency.models import EmergencyTask, Incident, Material, ResponseStatus, TaskSource
    from anju.warning import actions as warning_actions

    plan, health = _county_food_plan(world)
    water = actions.add_material(
        world.centre_staff,
        area=world.village_a1,
        category="生活物资",
        item="瓶装饮用水",
        quantity=Decimal(100),
        measure="箱",
        site="东镇物资仓库",
        minimum=Decimal(20),
    )
    alert = warning_actions.draft_alert(
        world.centre_staff,
        domain=health,
        level="red",
        headline="东一村聚餐食物中毒风险红色预警",
        area=world.village_a1,
        onset=timezone.now() - dt.timedelta(hours=1),
        expected="村民聚餐后多人出现呕吐腹泻",
        measures="立即排查，做好救治准备",
        recipients=[world.town_centre],
    )
    warning_actions.issue_alert(world.centre_staff, alert)

    # 1. County centre staff open the incident from the red warning (the form comes pre-filled from it).
    staff = open_page()
    log_in(staff, world.centre_staff.username)
    staff.goto(f"/warning/{alert.pk}/")
    staff.get_by_role("link", name="启动应急响应（登记突发事件）").click()
    expect(staff.get_by_role("heading", name="登记突发事件")).to_be_visible()
    expect(staff.get_by_label("事件名称")).to_have_value("东一村聚餐食物中毒风险红色预警")
    staff.get_by_label("事件名称").fill("东一村聚餐食物中毒")
    staff.get_by_label("涉及人数").fill("32")
    staff.get_by_role("button", name="登记").click()
    staff.wait_for_url("**/emergency/incidents/*/")
    incident = Incident.objects.get(title="东一村聚餐食物中毒")
    assert incident.alert_id == alert.pk and incident.affected == 32

    # 2. The board proposes the county's food-safety plan at 四级; they activate it (after the confirmation).
    activate = _form(staff, "activate")
    expect(activate.get_by_label("启动的预案")).to_contain_text("示范县食品安全事故专项应急预案")
    activate.get_by_label("启动的预案").select_option(label="示范县食品安全事故专项应急预案")
    activate.get_by_label("响应级别").select_option(value="4")
    staff.once("dialog", lambda dialog: dialog.accept())
    activate.get_by_role("button", name="启动响应").click()
    expect(staff.locator("h1 + p")).to_contain_text("响应中")
    expect(staff.get_by_text("转运病人")).to_be_visible()
    incident.refresh_from_db()
    assert incident.response_status == ResponseStatus.ACTIVE and incident.plan_id == plan.pk

    # 3. 首报.
    staff.locator("summary", has_text="报送报告").click()
    report = _form(staff, "report")
    report.get_by_label("报告类型").select_option(label="首报")
    report.get_by_label("报告内容").fill("东一村村民聚餐后 32 人呕吐腹泻，已送镇卫生院。")
    report.get_by_role("button", name="报送").click()
    expect(staff.get_by_text("首报 · 时限")).to_contain_text("按时")  # sent within the hour
    assert incident.reports.filter(kind="first").count() == 1

    # 4. Water is dispatched for the incident: the stock goes down from 100 to 90.
    staff.goto(f"/emergency/resources/materials/{water.pk}/")
    dispatch = _form(staff, "dispatch")
    dispatch.get_by_label("调拨数量").fill("10")
    dispatch.get_by_label("调往").fill("东一村安置点")
    dispatch.get_by_label("用于突发事件").select_option(label="东一村聚餐食物中毒")
    dispatch.get_by_role("button", name="调拨").click()
    expect(staff.get_by_text("已调拨，库存已减少。")).to_be_visible()
    assert Material.objects.get(pk=water.pk).quantity == Decimal(90)

    # 5. A public release is drafted; the leader approves and publishes it.
    staff.goto(f"/emergency/incidents/{incident.pk}/")
    expect(staff.get_by_text("瓶装饮用水 10 箱 → 东一村安置点")).to_be_visible()
    staff.locator("summary", has_text="起草对外发布的信息").click()
    release = _form(staff, "release")
    release.get_by_label("标题（对外公开）").fill("关于东一村疑似食物中毒的情况通报")
    release.get_by_label("发布内容（对外公开，发布后任何人可见）").fill("32 名村民已送医，病情稳定。")
    release.get_by_role("button", name="起草").click()
    expect(staff.get_by_text("关于东一村疑似食物中毒的情况通报")).to_be_visible()

    leader = open_page()
    log_in(leader, world.leader.username)
    leader.goto(f"/emergency/incidents/{incident.pk}/")
    leader.once("dialog", lambda dialog: dialog.accept())
    leader.get_by_role("button", name="审核发布").click()
    expect(leader.get_by_role("link", name="公众页面")).to_be_visible()

    citizen = open_page()
    citizen.goto("/public/emergency/")
    expect(citizen.get_by_role("link", name="关于东一村疑似食物中毒的情况通报")).to_be_visible()
    expect(citizen.locator("body")).not_to_contain_text("已送镇卫生院")  # the internal report stays internal
    published = incident.releases.get()
    cap = citizen.request.get(f"/public/emergency/{published.pk}/cap.xml")
    assert cap.ok
    document = etree.fromstring(cap.body())
    assert document.findtext("cap:info/cap:headline", namespaces=CAP) == "关于东一村疑似食物中毒的情况通报"
    assert document.findtext("cap:info/cap:severity", namespaces=CAP) == "Minor"  # 一般

    staff.reload()
    screenshot(staff, "emergency-incident-board", full_page=False)
    # every id on the live board is unique (several forms share field names: their ids carry the form's)
    ids = staff.evaluate("() => [...document.querySelectorAll('[id]')].map(e => e.id)")
    assert len(ids) > 10 and sorted({i for i in ids if ids.count(i) > 1}) == []
    # on a phone the board fits the screen: nothing runs off to the side
    staff.set_viewport_size({"width": 375, "height": 812})
    staff.reload()
    overflow = staff.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the board is {overflow}px wider than a phone screen"
    expect(staff.get_by_role("heading", name="信息报送")).to_be_visible()
    staff.set_viewport_size({"width": 1280, "height": 900})
    staff.reload()

    # 6. The response is ended (after the confirmation).
    staff.locator("summary", has_text="终止响应").click()
    end = _form(staff, "end")
    end.get_by_label("说明").fill("病人全部出院，事态平息")
    staff.once("dialog", lambda dialog: dialog.accept())
    end.get_by_role("button", name="终止响应").click()
    expect(staff.locator("h1 + p")).to_contain_text("响应已终止")

    # 7. Aftermath: a rectification task for the town centre, which sees it on its 工作台.
    aftermath = _form(staff, "aftermath")
    aftermath.get_by_label("整改任务").fill("排查全镇农村集体聚餐备案制度落实情况")
    aftermath.locator('select[name="owner_unit"]').select_option(label="东镇综治中心")
    aftermath.get_by_role("button", name="下达").click()
    expect(staff.get_by_text("整改任务已下达。")).to_be_visible()
    task = EmergencyTask.objects.get(incident=incident, source=TaskSource.AFTERMATH)
    assert task.owner_unit_id == world.town_centre.pk and task.status == "open"

    town = open_page()
    log_in(town, world.town_staff.username)
    town.goto("/")
    expect(town.locator("#card-emergency_tasks .kpi")).to_have_text("2")  # 转运病人 and the aftermath task
    town.goto("/emergency/?mine=unit")
    expect(town.locator("#tasks")).to_contain_text("排查全镇农村集体聚餐备案制度落实情况")
