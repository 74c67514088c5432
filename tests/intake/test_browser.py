"""The intake pages' own scripts in a real browser: geolocation, the anonymous toggle, camera upload, reveal."""

from __future__ import annotations

import re

import pytest

from anju.core.models import AuditEvent
from anju.intake import actions
from anju.intake.models import Report

from .helpers import JPEG_BYTES, NAME, PHONE, report_kwargs

pytestmark = pytest.mark.browser

PHONE_CONTEXT = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def logged_in_page(browser, live_server, username: str, **context):
    page = browser.new_context(base_url=live_server.url, locale="zh-CN", **context).new_page()
    page.set_default_timeout(20_000)
    page.goto("/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("test-pass-123")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lambda url: "/login/" not in url)
    return page


def test_grid_worker_reports_with_position_and_photo_from_the_phone(browser, live_server, world, tmp_path):
    page = logged_in_page(
        browser,
        live_server,
        world.grid_worker.username,
        **PHONE_CONTEXT,
        geolocation={"latitude": 30.2741, "longitude": 120.1551},
        permissions=["geolocation"],
    )
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto("/intake/new/")  # the menu entry takes a grid worker to the phone form
    page.wait_for_url("**/intake/grid/")
    page.get_by_label("发现的情况").fill("河道护栏缺失一段，约五米")
    page.get_by_role("button", name="获取当前位置").click()
    page.wait_for_function("document.querySelector('input[name=latitude]').value !== ''")
    assert "30.27410" in page.locator("[data-geo-status]").inner_text()
    photo = tmp_path / "IMG_0001.jpg"
    photo.write_bytes(JPEG_BYTES)
    page.get_by_label("现场照片").set_input_files(str(photo))
    page.get_by_text("有反映人").click()
    page.get_by_label("匿名反映").check()
    assert not page.get_by_label("姓名").is_visible()  # anonymous hides the contact fields
    page.get_by_role("button", name="提交").click()
    page.wait_for_url(re.compile(r"/intake/\d+/$"))  # the form's script posts it, then opens the report
    assert "已受理，回执码" in page.locator(".messages").inner_text()
    report = Report.objects.get()
    assert (round(report.latitude, 4), round(report.longitude, 4)) == (30.2741, 120.1551)
    assert report.channel == "grid" and report.anonymous and report.attachments.count() == 1
    assert errors == []


def test_centre_staff_reveal_a_phone_number_in_place(browser, live_server, world):
    report = actions.submit_report(
        None, **report_kwargs(world, channel="online"), reporter_name=NAME, reporter_phone=PHONE
    )
    page = logged_in_page(browser, live_server, world.centre_staff.username)
    page.goto(f"/intake/{report.pk}/")
    body = page.locator("body")
    assert PHONE not in body.inner_text() and "138****5678" in body.inner_text()
    page.locator(".pd", has_text="138****5678").get_by_role("button", name="查看").click()
    page.locator(".revealed", has_text=PHONE).wait_for()
    assert NAME not in body.inner_text()  # only the field asked for is revealed
    assert AuditEvent.objects.filter(action="personal_data.reveal", note="reporter_phone").count() == 1
