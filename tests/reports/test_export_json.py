"""A monthly report as JSON for other systems (schema anju.report/1): the stored figures and sections, its
scope with a positive control, and the permission."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from anju.matters import actions as matter_actions
from anju.reports import actions

pytestmark = pytest.mark.django_db


@pytest.fixture
def month():
    return timezone.localdate().replace(day=1)


def _matter(world, area, title, domain=None):
    return matter_actions.create_matter(
        world.centre_staff,
        kind="dispute",
        domain=domain or world.wages,
        area=area,
        title=title,
        description="拖欠工资",
        parties=[{"role": "applicant", "name": "张三丰", "phone": "13812345678"}],
    )


def test_the_json_carries_the_stored_figures_and_sections(client, world, month):
    _matter(world, world.village_a1, "东一村欠薪")
    _matter(world, world.village_a2, "东二村征地", domain=world.land)
    _matter(world, world.village_b1, "西一村欠薪")  # another town: not in 东镇's report
    report = actions.generate_report(world.town_staff, area=world.town_a, month=month)
    actions.write_sections(
        world.town_staff, report, special_actions="开展欠薪专项整治", survey_work="走访 12 户"
    )
    client.force_login(world.town_staff)
    response = client.get(reverse("reports:export_json", args=[report.pk]))
    assert response.status_code == 200
    assert response["X-Anju-Schema"] == "anju.report/1"
    data = json.loads(response.content)
    assert data["schema"] == "anju.report/1"
    assert data["area_code"] == "330101000000" and data["area_name"] == "东镇"
    assert data["unit"] is None
    assert data["month"] == month.strftime("%Y-%m")
    assert data["submitted_at"] is None
    assert data["special_actions"] == "开展欠薪专项整治"
    assert data["survey_work"] == "走访 12 户"
    figures = data["figures"]
    assert figures["totals"]["new"] == 2
    assert {d["name"]: d["new"] for d in figures["by_domain"]} == {"社会保障和民工欠薪": 1, "征地拆迁": 1}
    assert [(a["name"], a["new"]) for a in figures["by_area"]] == [("东一村", 1), ("东二村", 1)]
    assert "张三丰" not in response.content.decode()


def test_the_figures_are_those_stored_not_recomputed(client, world, month):
    report = actions.generate_report(world.centre_staff, area=world.county, month=month)
    _matter(world, world.village_a1, "生成之后登记的事项")
    client.force_login(world.centre_staff)
    data = client.get(reverse("reports:export_json", args=[report.pk])).json()
    assert data["figures"]["totals"]["new"] == 0


def test_scope_and_permission(client, world, month):
    east = actions.generate_report(world.centre_staff, area=world.village_a1, month=month)
    west = actions.generate_report(world.centre_staff, area=world.village_b1, month=month)
    client.force_login(world.cadre)  # 东一村's cadre
    assert client.get(reverse("reports:export_json", args=[east.pk])).status_code == 200  # positive control
    assert client.get(reverse("reports:export_json", args=[west.pk])).status_code == 404
    client.force_login(world.grid_worker)
    assert client.get(reverse("reports:export_json", args=[east.pk])).status_code == 403


def test_the_report_page_links_the_json(client, world, month):
    report = actions.generate_report(
        world.centre_staff, area=world.county, month=month - dt.timedelta(days=1)
    )
    client.force_login(world.centre_staff)
    page = client.get(reverse("reports:detail", args=[report.pk])).content.decode()
    assert reverse("reports:export_json", args=[report.pk]) in page
