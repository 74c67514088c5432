"""排查 by a 镇直单位 in a real browser: the department officer (bumen, 人社所) files their unit's return; a
zero report over the wage matters registered this month is refused, naming them; listed, it is filed, and the
town centre's completeness board shows the unit as filed."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from test_screening_flow import ZERO_REPORT_BUTTON, board_state, log_in

pytestmark = pytest.mark.browser


def test_department_officer_files_the_units_return_checked_against_the_ledger(world, open_page, screenshot):
    from django.utils import timezone

    from anju.core import actions as core_actions
    from anju.core.models import AreaLevel, UnitKind, User
    from anju.matters.actions import create_matter
    from anju.screening.actions import open_due_rounds
    from anju.screening.models import Return

    # bumen works for 东镇人社所, which serves 社会保障和民工欠薪 (as the demo's bumen for 青山镇人社所)
    labour = core_actions.create_unit(
        None, name="东镇人社所", kind=UnitKind.DEPARTMENT, area=world.town_a, domains=[world.wages]
    )
    User.objects.filter(pk=world.officer.pk).update(unit=labour)
    wages = create_matter(
        world.centre_staff,
        kind="dispute",
        domain=world.wages,
        area=world.village_a1,
        title="工地拖欠务工人员工资",
        description="包工头拖欠本村务工人员工资，工人多次讨要未果。",
    )
    town_round = next(r for r in open_due_rounds(timezone.localdate()) if r.level == AreaLevel.TOWN)

    officer = open_page()
    log_in(officer, world.officer.username)
    officer.goto("/screening/")
    officer.locator("#my-pending").get_by_role("link", name=f"填报 {town_round.label}").click()
    expect(officer.get_by_role("heading", level=1)).to_contain_text("东镇人社所")
    expect(officer.locator(".domain-row")).to_have_count(1)  # the unit's own domain only

    # 零报告 while the ledger holds this month's wage matter: refused beside the button, naming it
    officer.once("dialog", lambda dialog: dialog.accept())
    officer.get_by_role("button", name=ZERO_REPORT_BUTTON).click()
    errors = officer.locator("#zero-report-errors")
    expect(errors).to_contain_text("不能报零报告")
    expect(errors).to_contain_text(f"{wages.number} 工地拖欠务工人员工资")
    assert not Return.objects.get(round=town_round, department=labour).is_filed
    screenshot(officer, "department-01-zero-report-refused")

    # listed from the ledger: filed
    officer.get_by_label(f"{wages.number} 工地拖欠务工人员工资").check()
    officer.get_by_role("button", name="提交报表").click()
    officer.wait_for_url("**/screening/returns/*/")
    expect(officer.locator("#return-summary")).to_contain_text("发现 1 件")
    expect(officer.locator("table")).to_contain_text(wages.number)
    screenshot(officer, "department-02-filed")

    # the town centre's board: 东镇人社所 filed, 东镇派出所 not yet
    centre = open_page()
    log_in(centre, world.town_staff.username)
    expect(board_state(centre, town_round.pk, "东镇人社所")).to_have_text("已报送")
    expect(centre.locator('#board tr[data-area="东镇派出所"] td.state')).to_contain_text("未报送")
    expect(centre.locator("#completeness")).to_contain_text("1 / 3")
    screenshot(centre, "department-03-board")
