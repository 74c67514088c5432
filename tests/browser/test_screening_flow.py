"""排查 in a real browser: the village cadre files a zero report on a phone; the county board shows it filed.

``file_zero_report`` and ``board_state`` are reusable steps for longer end-to-end flows.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from test_citizen_flow import assert_no_sideways_scroll

pytestmark = pytest.mark.browser

PASSWORD = "test-pass-123"  # the `world` fixture's password for every user
ZERO_REPORT_BUTTON = "零报告（本期各领域均未发现）"


def log_in(page, username: str) -> None:
    page.goto("/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lambda url: "/login/" not in url)


def file_zero_report(page, round_label: str) -> None:
    """A logged-in filer: 排查 → the pending round → 零报告, confirmed; ends on the filed return."""
    page.goto("/screening/")
    page.locator("#my-pending").get_by_role("link", name=f"填报 {round_label}").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(round_label)
    page.once("dialog", lambda dialog: dialog.accept())  # "确认本期 15 个领域均未发现…？"
    page.get_by_role("button", name=ZERO_REPORT_BUTTON).click()
    page.wait_for_url("**/screening/returns/*/")
    expect(page.locator("#return-summary")).to_contain_text("零报告")


def board_state(page, round_pk: int, area_name: str):
    """The completeness board's state cell of one area (a locator)."""
    page.goto(f"/screening/rounds/{round_pk}/")
    return page.locator(f'#board tr[data-area="{area_name}"] td.state')


def test_village_files_a_zero_report_and_the_board_shows_it(world, open_page, screenshot):
    from django.utils import timezone

    from anju.core.models import AreaLevel
    from anju.screening.actions import open_due_rounds
    from anju.screening.models import Return

    village_round = next(r for r in open_due_rounds(timezone.localdate()) if r.level == AreaLevel.VILLAGE)

    # The round's opening notice waits in the cadre's notification centre.
    cadre = open_page(phone=True)
    log_in(cadre, world.cadre.username)
    cadre.goto("/notifications/")
    expect(cadre.locator(".notice.unread")).to_contain_text(f"{village_round.label}已开始")
    assert_no_sideways_scroll(cadre)

    # A declined confirmation files nothing.
    cadre.goto("/screening/")
    assert_no_sideways_scroll(cadre)
    cadre.locator("#my-pending").get_by_role("link", name=f"填报 {village_round.label}").click()
    cadre.once("dialog", lambda dialog: dialog.dismiss())
    cadre.get_by_role("button", name=ZERO_REPORT_BUTTON).click()
    expect(cadre.get_by_role("button", name=ZERO_REPORT_BUTTON)).to_be_visible()
    assert not Return.objects.get(round=village_round, area=world.village_a1).is_filed
    assert_no_sideways_scroll(cadre)  # the filing form, on a 390 px phone
    screenshot(cadre, "screening-01-file-form")

    file_zero_report(cadre, village_round.label)
    screenshot(cadre, "screening-02-zero-report-filed")
    expect(cadre.locator("#return-summary")).to_contain_text("按时报送")
    assert_no_sideways_scroll(cadre)  # the filed return

    # The county centre's board: 东一村 filed, the others not yet.
    staff = open_page()
    log_in(staff, world.centre_staff.username)
    expect(board_state(staff, village_round.pk, "东一村")).to_have_text("已报送")
    expect(staff.locator(f'#board tr[data-area="{world.village_b1.name}"] td.state')).to_contain_text(
        "未报送"
    )
    expect(staff.locator("#completeness")).to_contain_text("1 / 3")
    screenshot(staff, "screening-03-board")
