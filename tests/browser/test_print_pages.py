"""Printing in a real browser: the 交办单 fits one A4 page; Ctrl+P on a matter page leaves out the navigation,
the buttons and the action panels."""

from __future__ import annotations

import datetime as dt
import subprocess

import pytest
from django.utils import timezone
from test_citizen_flow import log_in

pytestmark = pytest.mark.browser

NOTE = "请于三日内约谈施工方与劳务班组，核实欠薪人数与金额，督促签订还款计划并书面报告办理情况。" * 3


def pdf_facts(path) -> tuple[int, str]:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return pages, text


@pytest.fixture
def assigned_matter(world):
    from anju.matters import actions

    matter = actions.create_matter(
        world.centre_staff,
        kind="dispute",
        domain=world.wages,
        area=world.village_a1,
        title="东一村工地拖欠农民工工资",
        description="十余名工人反映工程款未结清，工资拖欠三个月。",
        people_involved=12,
        amount_involved="86000",
        parties=[],
    )
    actions.assess(world.centre_staff, matter, likelihood=3, consequence=3)
    actions.assign(
        world.centre_staff,
        matter,
        unit=world.police,
        person=world.officer,
        lead_leader=world.leader,
        deadline=timezone.localdate() + dt.timedelta(days=7),
        note=NOTE,
    )
    return matter


def test_assignment_slip_prints_on_exactly_one_a4_page(world, open_page, assigned_matter, tmp_path):
    page = open_page()
    log_in(page, world.centre_staff.username)
    page.goto(f"/matters/{assigned_matter.pk}/")
    page.get_by_role("link", name="打印交办单").click()
    page.wait_for_url(f"**/matters/{assigned_matter.pk}/print/assignment/")
    target = tmp_path / "assignment.pdf"
    page.pdf(path=str(target), format="A4")
    pages, text = pdf_facts(target)
    assert pages == 1
    flat = "".join(text.split())
    assert "交办单" in flat and assigned_matter.number in flat and "东镇派出所" in flat
    assert "接收人（签字）" in flat
    assert "打印" not in flat.replace("打印日期", "")  # the print button stays on screen


def test_matter_page_prints_without_navigation_and_panels(world, open_page, assigned_matter, tmp_path):
    page = open_page()
    log_in(page, world.centre_staff.username)
    page.goto(f"/matters/{assigned_matter.pk}/")
    assert page.get_by_text("办理操作").is_visible()  # on screen the panels are there (positive control)
    target = tmp_path / "matter.pdf"
    page.pdf(path=str(target), format="A4")
    pages, text = pdf_facts(target)
    flat = "".join(text.split())
    assert "东一村工地拖欠农民工工资" in flat and assigned_matter.number in flat
    for absent in ["办理操作", "退出", "打印交办单", "打印本页", "事项台账", "通知"]:
        assert absent not in flat, absent
    print(f"matter page printed on {pages} page(s)")
