"""The preparedness pages: the yearly drill plan with its figures, stocktaking on the material page, the
requisitions of an incident; their forms call the actions and bad input comes back next to the field."""

from decimal import Decimal

from django.utils import timezone

from anju.emergency import actions
from anju.emergency.models import DrillProgramme, Material, Requisition, ReturnState, Stocktake


def test_yearly_plan_page_builds_a_plan_and_shows_its_figures(client, world):
    year = timezone.localdate().year
    url = f"/emergency/drills/programmes/?year={year}"
    client.force_login(world.town_staff)
    page = client.get("/emergency/drills/programmes/")
    assert page.status_code == 200 and "本年度暂无演练计划" in page.content.decode()
    answer = client.post(url, {"form": "programme", "area": world.town_a.pk, "year": year})
    assert answer.status_code == 302
    programme = DrillProgramme.objects.get(area=world.town_a, year=year)
    item = {"form": "item", "programme": programme.pk, "title": "防汛桌面推演", "drill_form": "tabletop"}
    refused = client.post(url, item | {"target_date": f"{year + 1}-01-10"})
    assert refused.status_code == 422 and f"须在 {year} 年内" in refused.content.decode()
    assert programme.items.count() == 0
    assert client.post(url, item | {"target_date": f"{year}-12-31"}).status_code == 302
    figures = client.get(url).content.decode()
    assert "防汛桌面推演" in figures and "计划中" in figures
    drills = client.get("/emergency/drills/").content.decode()
    assert f"{year} 年度演练计划完成情况" in drills and "防汛桌面推演" in drills


def test_drill_new_page_plans_a_drill(client, world):
    client.force_login(world.town_staff)
    answer = client.post(
        "/emergency/drills/new/",
        {
            "form": "drill",
            "title": "消防疏散演练",
            "area": world.town_a.pk,
            "drill_form": "live",
            "scope": "single",
            "date": "2026-05-01",
        },
    )
    assert answer.status_code == 302


def test_stocktake_on_the_material_page(client, world):
    water = actions.add_material(
        world.town_staff,
        area=world.town_a,
        category="食品",
        item="矿泉水",
        quantity="50",
        measure="箱",
        site="仓库",
    )
    client.force_login(world.officer)
    url = f"/emergency/resources/materials/{water.pk}/"
    refused = client.post(url, {"form": "stocktake", "counted": "48", "note": "", "version": water.version})
    assert refused.status_code == 422 and "差异说明" in refused.content.decode()
    assert Stocktake.objects.count() == 0
    answer = client.post(
        url, {"form": "stocktake", "counted": "48", "note": "2 箱过期", "version": water.version}
    )
    assert answer.status_code == 302
    assert Material.objects.get(pk=water.pk).quantity == Decimal("48.00")
    page = client.get(url).content.decode()
    assert "2 箱过期" in page and "-2" in page


def test_requisitions_of_an_incident(client, world, incident):
    url = f"/emergency/incidents/{incident.pk}/requisitions/"
    client.force_login(world.town_staff)
    assert "暂无征用" in client.get(url).content.decode()
    answer = client.post(
        url,
        {
            "form": "requisition",
            "what": "大客车 2 辆",
            "owner": "东镇公交公司",
            "owner_category": "company",
            "started_on": "2026-03-10",
        },
    )
    assert answer.status_code == 302
    item = Requisition.objects.get()
    answer = client.post(
        url,
        {
            "form": "return",
            "requisition_id": item.pk,
            "version": item.version,
            "ended_on": "2026-03-11",
            "return_state": "intact",
        },
    )
    assert answer.status_code == 302
    item.refresh_from_db()
    assert item.return_state == ReturnState.INTACT
    answer = client.post(
        url,
        {
            "form": "compensation",
            "requisition_id": item.pk,
            "version": item.version,
            "amount": "-1",
            "paid_on": "2026-03-12",
        },
    )
    assert answer.status_code == 400
    answer = client.post(
        url,
        {
            "form": "compensation",
            "requisition_id": item.pk,
            "version": item.version,
            "amount": "600",
            "paid_on": "2026-03-12",
        },
    )
    assert answer.status_code == 302
    page = client.get(url).content.decode()
    assert "东镇公交公司" in page and "600.00" in page and "2026-03-12" in page
    assert "应急征用（1）" in client.get(f"/emergency/incidents/{incident.pk}/").content.decode()
    client.force_login(world.cadre_b)
    assert client.get(url).status_code == 404
