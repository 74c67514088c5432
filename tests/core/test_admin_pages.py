"""The administration pages (管理, /manage/): who sees them, scope (404 outside), and each form's round trip."""

from __future__ import annotations

import io
import json
import re

import pytest

from anju.core import actions
from anju.core.models import Area, AuditEvent, Domain, User
from anju.core.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(world, client):
    client.force_login(world.admin)
    return client


def _text(response) -> str:
    return response.content.decode()


def test_every_page_opens_for_an_administrator(world, admin_client):
    domain = Domain.objects.get(code="veterans")
    pages = {
        "/manage/": "批量导入区域和单位",
        "/manage/areas/": "东一村第一网格",
        f"/manage/areas/{world.village_a1.pk}/": "东一村村委会",
        "/manage/units/": "东镇派出所",
        "/manage/units/new/": "所在区域",
        f"/manage/units/{world.police.pk}/": "bumen",
        "/manage/users/": "wangge",
        "/manage/users/new/": "初始密码",
        f"/manage/users/{world.cadre.pk}/": "重置密码",
        "/manage/domains/": "军队退役人员",
        "/manage/domains/new/": "代码",
        f"/manage/domains/{domain.pk}/": "突发事件类别",
        "/manage/import/": "下载模板",
    }
    for url, expected in pages.items():
        response = admin_client.get(url)
        assert response.status_code == 200, url
        assert expected in _text(response), url


def test_the_menu_shows_administration_to_administrators_only(world, client):
    client.force_login(world.admin)
    assert 'href="/manage/"' in _text(client.get("/"))
    client.force_login(world.centre_staff)
    assert 'href="/manage/"' not in _text(client.get("/"))
    assert client.get("/manage/").status_code == 403
    assert client.get(f"/manage/areas/{world.village_a1.pk}/").status_code == 403


def test_the_index_links_the_other_apps_settings(world, admin_client):
    html = _text(admin_client.get("/manage/"))
    assert 'href="/screening/cadences/"' in html
    assert 'href="/warning/meetings/"' in html  # key dates are registered on the 研判 page


def test_a_town_administrator_gets_404_outside_the_town(world, client):
    town_admin = actions.create_user(
        None, username="zhen_admin", password="test-pass-123", role=Role.ADMIN, area=world.town_a
    )
    client.force_login(town_admin)
    assert client.get(f"/manage/areas/{world.village_a1.pk}/").status_code == 200  # positive control
    assert client.get(f"/manage/users/{world.cadre.pk}/").status_code == 200
    assert client.get(f"/manage/areas/{world.village_b1.pk}/").status_code == 404
    assert client.get(f"/manage/users/{world.cadre_b.pk}/").status_code == 404
    assert client.get(f"/manage/units/{world.committee_b1.pk}/").status_code == 404
    listing = _text(client.get("/manage/users/"))
    assert "cun_b" not in listing and "wangge" in listing
    # and a domain cannot be changed by a town's administrator: the action's refusal, beside the form
    domain = Domain.objects.get(code="veterans")
    refused = client.post(
        f"/manage/domains/{domain.pk}/",
        {"name": "改", "emergency_class": "social_security", "sort_order": 1, "active": "on"},
    )
    assert refused.status_code == 403 and "管辖全部区域" in _text(refused)


def test_search_and_empty_states(world, admin_client):
    assert "没有符合条件的区域" in _text(admin_client.get("/manage/areas/?q=不存在的地方"))
    found = _text(admin_client.get("/manage/areas/?q=东一"))
    assert "东一村第一网格" in found and "西一村" not in found
    assert "没有符合条件的用户" in _text(admin_client.get("/manage/users/?q=nobody-here"))
    only_cadres = _text(admin_client.get("/manage/users/?role=village_cadre"))
    assert "cun_b" in only_cadres and "wangge" not in only_cadres


def test_area_forms_rename_add_move_and_refuse_with_messages(world, admin_client):
    url = f"/manage/areas/{world.village_a1.pk}/"
    refused = admin_client.post(url, {"name": "", "latitude": "95"})
    assert refused.status_code == 422
    assert "这个字段是必填项" in _text(refused) or "请填写名称" in _text(refused)
    assert admin_client.post(url, {"name": "东一社区"}).status_code == 302
    assert Area.objects.get(pk=world.village_a1.pk).name == "东一社区"
    added = admin_client.post(url + "child/", {"code": "330101001009", "name": "第九网格"})
    assert added.status_code == 302
    child = Area.objects.get(code="330101001009")
    assert (child.level, child.path) == (4, "/330100000000/330101000000/330101001000/330101001009/")
    taken = admin_client.post(url + "child/", {"code": "330101001009", "name": "又一个"})
    assert taken.status_code == 422 and "已被其他区域使用" in _text(taken)
    assert 'data-confirm="移动后' in _text(admin_client.get(url))
    moved = admin_client.post(url + "move/", {"new_parent": world.town_b.pk})
    assert moved.status_code == 302
    assert Area.objects.get(pk=child.pk).path == "/330100000000/330102000000/330101001000/330101001009/"


def test_boundary_upload_checks_the_geojson(world, admin_client):
    url = f"/manage/areas/{world.village_a1.pk}/boundary/"
    bad = io.BytesIO(b'{"type": "Point", "coordinates": [120, 30]}')
    bad.name = "b.geojson"
    refused = admin_client.post(url, {"file": bad})
    assert refused.status_code == 422 and "应为 Polygon 或 MultiPolygon" in _text(refused)
    assert Area.objects.get(pk=world.village_a1.pk).boundary is None
    ring = [[120.0, 30.0], [120.1, 30.0], [120.1, 30.1], [120.0, 30.0]]
    good = io.BytesIO(
        json.dumps({"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [ring]}}).encode()
    )
    good.name = "b.geojson"
    assert admin_client.post(url, {"file": good}).status_code == 302
    assert Area.objects.get(pk=world.village_a1.pk).boundary == {"type": "Polygon", "coordinates": [ring]}
    assert admin_client.post(url, {"remove": "on"}).status_code == 302
    assert Area.objects.get(pk=world.village_a1.pk).boundary is None
    assert AuditEvent.objects.filter(action="area.boundary").count() == 2


def test_a_new_account_shows_its_password_once(world, admin_client):
    response = admin_client.post(
        "/manage/users/new/",
        {
            "username": "new_cadre",
            "display_name": "新村干",
            "role": "village_cadre",
            "area": world.village_a2.pk,
            "unit": "",
            "phone": "13900001111",
        },
    )
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    password = re.search(r"<code>([^<]+)</code>", _text(response)).group(1)
    user = User.objects.get(username="new_cadre")
    assert user.check_password(password) and user.must_change_password
    assert password not in _text(admin_client.get(f"/manage/users/{user.pk}/"))
    duplicate = admin_client.post(
        "/manage/users/new/",
        {"username": "NEW_CADRE", "display_name": "重", "role": "village_cadre", "area": world.village_a2.pk},
    )
    assert duplicate.status_code == 422 and "已存在" in _text(duplicate)


def test_user_buttons_deactivate_reset_and_refuse_oneself(world, admin_client):
    base = f"/manage/users/{world.cadre.pk}/"
    assert 'data-confirm="停用后' in _text(admin_client.get(base))
    assert admin_client.post(base + "deactivate/").status_code == 302
    assert not User.objects.get(pk=world.cadre.pk).is_active
    assert admin_client.post(base + "activate/").status_code == 302
    reset = admin_client.post(base + "reset-password/")
    assert reset.status_code == 200
    password = re.search(r"<code>([^<]+)</code>", _text(reset)).group(1)
    assert User.objects.get(pk=world.cadre.pk).check_password(password)
    assert admin_client.post(base + "require-2fa/").status_code == 302
    assert User.objects.get(pk=world.cadre.pk).two_factor_required
    assert admin_client.post(base + "nonsense/").status_code == 404
    own = f"/manage/users/{world.admin.pk}/"
    followed = admin_client.post(own + "deactivate/", follow=True)
    assert "不能停用自己的账号" in _text(followed)
    assert User.objects.get(pk=world.admin.pk).is_active


def test_unit_and_domain_forms_save(world, admin_client):
    response = admin_client.post(
        "/manage/units/new/",
        {"name": "东镇司法所", "kind": "department", "area": world.town_a.pk, "domains": [world.land.pk]},
    )
    assert response.status_code == 302
    created = admin_client.post(
        "/manage/domains/new/",
        {
            "code": "school_safety",
            "name": "校园安全",
            "emergency_class": "social_security",
            "keywords": "校园\n学生",
        },
    )
    assert created.status_code == 302
    assert Domain.objects.get(code="school_safety").keywords == ["校园", "学生"]


def test_the_pages_speak_english_when_chosen(world, admin_client):
    admin_client.cookies["django_language"] = "en"
    html = _text(admin_client.get("/manage/"))
    assert "Import areas and units" in html and "Administration" in html
    assert "批量导入区域和单位" not in html
    domains = _text(admin_client.get("/manage/domains/"))
    assert "Land requisition and demolition" in domains  # the default domains' English names


def test_a_change_made_meanwhile_is_refused_not_overwritten(world, admin_client):
    url = f"/manage/users/{world.cadre.pk}/"
    seen = re.search(r'name="seen" value="([0-9a-f]+)"', _text(admin_client.get(url))).group(1)
    from anju.core import admin_actions

    # another administrator changes the account after the page was loaded
    admin_actions.update_user(
        world.admin,
        world.cadre,
        display_name="另一位管理员改的",
        role=Role.VILLAGE_CADRE,
        area=world.village_a1,
    )
    stale = admin_client.post(
        url,
        {"display_name": "我改的", "role": "village_cadre", "area": world.village_a1.pk, "seen": seen},
    )
    assert stale.status_code == 409 and "已被他人修改" in _text(stale)
    assert User.objects.get(pk=world.cadre.pk).display_name == "另一位管理员改的"
    # positive control: the page loaded now saves
    fresh = re.search(r'name="seen" value="([0-9a-f]+)"', _text(admin_client.get(url))).group(1)
    saved = admin_client.post(
        url, {"display_name": "我改的", "role": "village_cadre", "area": world.village_a1.pk, "seen": fresh}
    )
    assert saved.status_code == 302
    assert User.objects.get(pk=world.cadre.pk).display_name == "我改的"
    # the area page carries its own
    area_url = f"/manage/areas/{world.village_a1.pk}/"
    area_seen = re.search(r'name="seen" value="([0-9a-f]+)"', _text(admin_client.get(area_url))).group(1)
    admin_actions.update_area(world.admin, world.village_a1, name="东一社区")
    assert admin_client.post(area_url, {"name": "东一新村", "seen": area_seen}).status_code == 409
    assert Area.objects.get(pk=world.village_a1.pk).name == "东一社区"
