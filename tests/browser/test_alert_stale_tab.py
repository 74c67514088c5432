"""预警 in a real browser: two tabs open on the same draft; issued in one, then "issued" again in the other.
The second tab is told that the warning changed (409, never a 500) and the warning is issued once."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PASSWORD = "test-pass-123"  # the `world` fixture's password for every user


def test_stale_tab_double_issue_shows_a_message_and_issues_once(world, browser, live_server):
    from django.utils import timezone

    from anju.core.models import AuditEvent
    from anju.warning import actions
    from anju.warning.models import Alert, AlertStatus

    draft = actions.draft_alert(
        world.centre_staff,
        domain=world.wages,
        level="yellow",
        headline="东一村欠薪诉求异常增多预警",
        area=world.village_a1,
        onset=timezone.now(),
        expected="本周欠薪类事项 8 件，明显高于往年同期。",
        measures="立即排查在建工地，逐件登记化解。",
        recipients=[world.committee_a1],
    )
    context = browser.new_context(base_url=live_server.url, locale="zh-CN")
    context.set_default_timeout(20_000)
    try:
        first = context.new_page()
        first.goto("/login/")
        first.get_by_label("用户名").fill(world.centre_staff.username)
        first.get_by_label("密码").fill(PASSWORD)
        first.get_by_role("button", name="登录").click()
        first.wait_for_url(lambda url: "/login/" not in url)

        first.goto(f"/warning/{draft.pk}/")
        second = context.new_page()  # the same person, a second tab on the same draft
        second.goto(f"/warning/{draft.pk}/")
        for page in (first, second):
            page.on("dialog", lambda dialog: dialog.accept())  # "确认发布此预警？…"

        first.get_by_role("button", name="发布", exact=True).click()
        expect(first.locator(".messages")).to_contain_text("预警已发布")

        with second.expect_response(lambda r: r.url.endswith(f"/warning/{draft.pk}/issue/")) as answer:
            second.get_by_role("button", name="发布", exact=True).click()
        assert answer.value.status == 409
        expect(second.locator(".messages")).to_contain_text("该预警已被他人修改，请刷新后重试。")
        # The refused page shows the warning as it now is: issued, with no 发布 button left.
        expect(second.get_by_role("button", name="发布", exact=True)).to_have_count(0)
    finally:
        context.close()

    assert Alert.objects.get(pk=draft.pk).status == AlertStatus.ISSUED
    assert AuditEvent.objects.filter(object_id=str(draft.pk), action="alert.issue").count() == 1
