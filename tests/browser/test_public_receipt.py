"""Post/Redirect/Get on the public form, in a real browser: reloading the receipt creates no second request."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_reloading_the_public_receipt_does_not_submit_again(world, open_page):
    from anju.intake.models import Report

    citizen = open_page(phone=True)
    citizen.goto("/public/submit")
    citizen.get_by_label("所在村（社区）").select_option(label=world.village_a1.name)
    citizen.get_by_label("反映内容").fill("东一村三组路灯坏了一个月，晚上出行不便。")
    citizen.get_by_role("button", name="提交").click()
    receipt = citizen.locator("#receipt-code")
    expect(receipt).to_be_visible()
    code = receipt.inner_text().strip()
    assert citizen.url.endswith("/public/receipt")
    assert Report.objects.count() == 1

    for _ in range(2):
        response = citizen.reload()  # no "resend the form?" question: the page was fetched with GET
        assert response is not None and response.request.method == "GET" and response.status == 200
        expect(citizen.locator("#receipt-code")).to_have_text(code)
    citizen.go_back()  # back to the form, fetched again, nothing resent
    expect(citizen.get_by_role("button", name="提交")).to_be_visible()
    assert Report.objects.count() == 1
    assert Report.objects.get().receipt_code.replace("-", "") == code.replace("-", "")
