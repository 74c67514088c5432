"""The emergency pages: each answers, shows what it should, and its forms call the actions."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone
from docx import Document

from anju.emergency import actions
from anju.emergency.models import Incident, Material, ResponseStatus
from anju.matters.actions import create_matter


def test_the_pages_answer_and_the_board_shows_the_response(client, world, published_plan, incident):
    actions.add_duty_post(world.town_staff, published_plan, position="带班领导", phone="13800138000")
    material = actions.add_material(
        world.town_staff,
        area=world.town_a,
        category="防护",
        item="医用口罩",
        quantity=10,
        measure="只",
        site="仓库",
        minimum=50,
    )
    client.force_login(world.town_staff)
    for url, text in (
        ("/emergency/", "医用口罩"),  # low stock on the overview
        ("/emergency/plans/", published_plan.title),
        (f"/emergency/plans/{published_plan.pk}/", "138****8000"),
        ("/emergency/drills/", "暂无演练"),
        ("/emergency/resources/", "低于最低储备"),
        (f"/emergency/resources/materials/{material.pk}/", "医用口罩"),
        ("/emergency/incidents/", incident.title),
        (f"/emergency/incidents/{incident.pk}/", published_plan.title),  # proposed for activation
        ("/emergency/plans/new/", "预案名称"),
        ("/emergency/drills/new/", "演练名称"),
        ("/emergency/incidents/new/", "事件名称"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert text in response.content.decode(), url
    assert "13800138000" not in client.get(f"/emergency/plans/{published_plan.pk}/").content.decode()
    response = client.post(
        f"/emergency/incidents/{incident.pk}/",
        {"form": "activate", "plan": published_plan.pk, "level": 4, "version": incident.version},
    )
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.response_status == ResponseStatus.ACTIVE
    board = client.get(f"/emergency/incidents/{incident.pk}/").content.decode()
    assert "转运病人" in board and "维护现场秩序" in board and "漏报" in board  # 首报 never sent


def test_a_dispatch_beyond_stock_is_refused_next_to_the_field(client, world):
    material = actions.add_material(
        world.town_staff,
        area=world.town_a,
        category="食品",
        item="矿泉水",
        quantity=5,
        measure="箱",
        site="仓库",
    )
    client.force_login(world.town_staff)
    url = f"/emergency/resources/materials/{material.pk}/"
    response = client.post(
        url, {"form": "dispatch", "quantity": "6", "destination": "东一村", "version": material.version}
    )
    assert response.status_code == 422
    assert "库存不足" in response.content.decode()
    response = client.post(
        url, {"form": "dispatch", "quantity": "2", "destination": "东一村", "version": material.version}
    )
    assert response.status_code == 302
    assert Material.objects.get(pk=material.pk).quantity == Decimal("3.00")


def test_an_incident_opened_from_a_matter_is_prefilled_and_linked(client, world, health):
    matter = create_matter(
        world.centre_staff,
        kind="dispute",
        domain=health,
        area=world.village_a1,
        title="村民聚餐后集体腹泻",
        description="30 人",
    )
    client.force_login(world.town_staff)
    page = client.get(f"/emergency/incidents/new/?matter={matter.pk}").content.decode()
    assert "村民聚餐后集体腹泻" in page
    now = timezone.localtime().replace(second=0, microsecond=0) - dt.timedelta(minutes=5)
    response = client.post(
        f"/emergency/incidents/new/?matter={matter.pk}",
        {
            "form": "incident",
            "title": "村民聚餐后集体腹泻",
            "area": world.village_a1.pk,
            "emergency_class": "public_health",
            "domain": health.pk,
            "grade": "general",
            "occurred_at": now.strftime("%Y-%m-%dT%H:%M"),
            "learned_at": now.strftime("%Y-%m-%dT%H:%M"),
            "description": "30 人腹泻",
            "affected": 30,
            "deaths": 0,
            "injuries": 30,
            "missing": 0,
        },
    )
    assert response.status_code == 302
    assert Incident.objects.get().matter == matter
    assert client.get("/emergency/incidents/new/?matter=999999").status_code == 404
    client.force_login(world.cadre_b)  # 西一村 does not see the matter of 东一村
    assert client.get(f"/emergency/incidents/new/?matter={matter.pk}").status_code in (403, 404)


def test_the_plan_exports_as_a_word_document(client, world, published_plan):
    import io

    client.force_login(world.officer)
    response = client.get(f"/emergency/plans/{published_plan.pk}/plan.docx")
    assert response.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert published_plan.title in text
    assert "一次食物中毒 30 人以上" in text
    section = Document(io.BytesIO(response.content)).sections[0]
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297


def test_a_role_without_the_permission_gets_403_and_nothing_changes(client, world, published_plan, incident):
    client.force_login(world.officer)  # 东镇派出所: sees the incident and the plan, may not command
    response = client.post(
        f"/emergency/incidents/{incident.pk}/",
        {"form": "activate", "plan": published_plan.pk, "level": 4, "version": incident.version},
    )
    assert response.status_code == 403
    incident.refresh_from_db()
    assert incident.response_status == ResponseStatus.NONE
    assert client.get("/emergency/plans/new/").status_code == 403
    client.force_login(world.cadre)
    assert client.get("/emergency/incidents/new/").status_code == 403
    client.force_login(world.cadre_b)
    assert client.get(f"/emergency/incidents/{incident.pk}/").status_code == 404
