"""The administration actions (管理): their guards, the scope of a town's administrator, moving an area with
its subtree, boundaries, units, users and risk domains. Expected values are written by hand."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError

from anju.core import actions, admin_actions
from anju.core.errors import NotAllowed, WorkflowError
from anju.core.geojson import parse_boundary
from anju.core.models import Area, AreaLevel, AuditEvent, Domain, Unit, UnitKind, User
from anju.core.roles import Role
from guards import check_guard, outsider

pytestmark = pytest.mark.django_db
ADMINS = {"admin"}


def _town_admin(world):
    return actions.create_user(
        None, username="zhen_admin", password="test-pass-123", role=Role.ADMIN, area=world.town_a
    )


def _events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


# --- guards: role (every other role refused), scope (an administrator of 西镇), the positive control ------------
def test_guard_add_area(world):
    area = check_guard(
        world,
        ADMINS,
        lambda u: admin_actions.add_area(u, world.village_a1, code="330101001002", name="东一村第二网格"),
        insider=world.admin,
        outside=outsider(world, Role.ADMIN),
    )
    assert (area.path, area.level) == (
        "/330100000000/330101000000/330101001000/330101001002/",
        AreaLevel.GRID,
    )


def test_guard_update_area(world):
    check_guard(
        world,
        ADMINS,
        lambda u: admin_actions.update_area(u, world.village_a1, name="东一社区"),
        insider=world.admin,
        outside=outsider(world, Role.ADMIN),
    )
    assert Area.objects.get(pk=world.village_a1.pk).name == "东一社区"


def test_guard_move_area(world):
    moved = check_guard(
        world,
        ADMINS,
        lambda u: admin_actions.move_area(u, world.village_a2, new_parent=world.town_b),
        insider=world.admin,
        outside=outsider(world, Role.ADMIN),
    )
    assert moved == 1


def test_guard_set_area_boundary(world):
    square = {"type": "Polygon", "coordinates": [[[120, 30], [120.1, 30], [120.1, 30.1], [120, 30]]]}
    check_guard(
        world,
        ADMINS,
        lambda u: admin_actions.set_area_boundary(u, world.village_a1, square),
        insider=world.admin,
        outside=outsider(world, Role.ADMIN),
    )
    assert Area.objects.get(pk=world.village_a1.pk).boundary == square


def test_guard_add_and_update_unit(world):
    unit = check_guard(
        world,
        ADMINS,
        lambda u: admin_actions.add_unit(u, name="东镇司法所", kind=UnitKind.DEPARTMENT, area=world.town_a),
        insider=world.admin,
        outside=outsider(world, Role.ADMIN),
    )
    check_guard(
        world,
        ADMINS,
        lambda u: admin_actions.update_unit(
            u, unit, name="东镇司法所", kind=UnitKind.DEPARTMENT, area=world.town_a, domains=[world.land]
        ),
        insider=world.admin,
        outside=outsider(world, Role.ADMIN, area=world.village_b1),
    )
    assert list(unit.domains.values_list("code", flat=True)) == ["land_requisition"]


def test_guard_add_user(world):
    user, password = check_guard(
        world,
        ADMINS,
        lambda u: admin_actions.add_user(
            u, username="new_grid", display_name="新网格员", role=Role.GRID_WORKER, area=world.grid_a1
        ),
        insider=world.admin,
        outside=outsider(world, Role.ADMIN),
    )
    assert user.check_password(password) and user.must_change_password
    assert len(password) == 19  # four groups of four and three dashes


def test_guard_update_user(world):
    check_guard(
        world,
        ADMINS,
        lambda u: admin_actions.update_user(
            u, world.grid_worker, display_name="王网格", role=Role.GRID_WORKER, area=world.grid_a1
        ),
        insider=world.admin,
        outside=outsider(world, Role.ADMIN),
    )
    assert User.objects.get(pk=world.grid_worker.pk).display_name == "王网格"


def test_guard_set_user_active(world):
    check_guard(
        world,
        ADMINS,
        lambda u: admin_actions.set_user_active(u, world.grid_worker, False),
        insider=world.admin,
        outside=outsider(world, Role.ADMIN),
    )
    assert User.objects.get(pk=world.grid_worker.pk).is_active is False


def test_guard_reset_password(world):
    password = check_guard(
        world,
        ADMINS,
        lambda u: admin_actions.reset_password(u, world.cadre),
        insider=world.admin,
        outside=outsider(world, Role.ADMIN),
    )
    cadre = User.objects.get(pk=world.cadre.pk)
    assert cadre.check_password(password) and not cadre.check_password("test-pass-123")
    assert cadre.must_change_password and cadre.session_epoch == 1


def test_guard_set_two_factor_required(world):
    check_guard(
        world,
        ADMINS,
        lambda u: admin_actions.set_two_factor_required(u, world.cadre, True),
        insider=world.admin,
        outside=outsider(world, Role.ADMIN),
    )
    assert User.objects.get(pk=world.cadre.pk).two_factor_required is True


def test_guard_reset_second_factor_is_scoped(world):
    check_guard(
        world,
        ADMINS,
        lambda u: actions.reset_second_factor(u, world.cadre),
        insider=world.admin,
        outside=outsider(world, Role.ADMIN),
    )


def test_guard_update_domain(world):
    domain = Domain.objects.get(code="veterans")
    values = {
        "name": "退役军人",
        "emergency_class": "social_security",
        "keywords": "退役\n老兵",
        "sort_order": 2,
    }
    check_guard(
        world,
        ADMINS,
        lambda u: admin_actions.update_domain(u, domain, **values),
        insider=world.admin,
        # a town's administrator: domains are shared by the whole county
        outside=outsider(world, Role.ADMIN),
    )
    domain.refresh_from_db()
    assert (domain.name, domain.keywords) == ("退役军人", ["退役", "老兵"])


# --- scope of a town's administrator ---------------------------------------------------------------------------
def test_a_town_administrator_manages_only_the_town(world):
    town_admin = _town_admin(world)
    # positive control: inside 东镇
    admin_actions.update_area(town_admin, world.village_a1, name="东一社区")
    admin_actions.add_unit(town_admin, name="东镇人社所", kind=UnitKind.DEPARTMENT, area=world.town_a)
    # not in 西镇, nor for the county
    with pytest.raises(NotAllowed, match="管辖"):
        admin_actions.update_area(town_admin, world.village_b1, name="西一社区")
    with pytest.raises(NotAllowed, match="管辖"):
        admin_actions.update_area(town_admin, world.county, name="某县")
    with pytest.raises(NotAllowed, match="管辖"):
        admin_actions.set_user_active(town_admin, world.cadre_b, False)
    assert Area.objects.get(pk=world.village_b1.pk).name == "西一村"
    assert User.objects.get(pk=world.cadre_b.pk).is_active


def test_an_administrator_cannot_grant_a_scope_outside_their_own(world):
    town_admin = _town_admin(world)
    with pytest.raises(NotAllowed, match="管辖"):
        admin_actions.add_user(
            town_admin, username="x1", display_name="甲", role=Role.VILLAGE_CADRE, area=world.village_b1
        )
    with pytest.raises(NotAllowed, match="管辖"):  # widening a 东镇 cadre's scope to the county
        admin_actions.update_user(
            town_admin, world.cadre, display_name="cun", role=Role.VILLAGE_CADRE, area=world.county
        )
    with pytest.raises(NotAllowed, match="管辖"):  # moving 东二村 under 西镇
        admin_actions.move_area(town_admin, world.village_a2, new_parent=world.town_b)
    assert User.objects.get(pk=world.cadre.pk).area_id == world.village_a1.pk
    assert not User.objects.filter(username="x1").exists()
    # positive control: the same cadre moved inside the town
    admin_actions.update_user(
        town_admin, world.cadre, display_name="cun", role=Role.VILLAGE_CADRE, area=world.village_a2
    )
    assert User.objects.get(pk=world.cadre.pk).area_id == world.village_a2.pk


def test_an_administrator_cannot_deactivate_or_demote_themselves(world):
    with pytest.raises(WorkflowError, match="不能停用自己"):
        admin_actions.set_user_active(world.admin, world.admin, False)
    with pytest.raises(WorkflowError, match="不能修改自己的角色"):
        admin_actions.update_user(
            world.admin, world.admin, display_name="admin", role=Role.GRID_WORKER, area=world.county
        )
    assert User.objects.get(pk=world.admin.pk).is_active
    # another administrator may
    other = actions.create_user(
        None, username="admin2", password="test-pass-123", role=Role.ADMIN, area=world.county
    )
    admin_actions.set_user_active(other, world.admin, False)
    assert not User.objects.get(pk=world.admin.pk).is_active


def test_a_town_administrator_cannot_change_the_risk_domains(world):
    domain = Domain.objects.get(code="veterans")
    with pytest.raises(NotAllowed, match="管辖全部区域"):
        admin_actions.update_domain(
            _town_admin(world), domain, name="改名", emergency_class="social_security", active=False
        )
    assert Domain.objects.get(code="veterans").active


# --- moving an area rewrites the paths of its subtree ----------------------------------------------------------
def test_moving_an_area_rewrites_every_path_below_it_in_one_go(world):
    grid_2 = actions.create_area(
        None, code="330101001002", name="东一村第二网格", level=AreaLevel.GRID, parent=world.village_a1
    )
    moved = admin_actions.move_area(world.admin, world.village_a1, new_parent=world.town_b)
    assert moved == 3
    paths = dict(Area.objects.values_list("code", "path"))
    assert paths == {
        "330100000000": "/330100000000/",
        "330101000000": "/330100000000/330101000000/",
        "330102000000": "/330100000000/330102000000/",
        "330101001000": "/330100000000/330102000000/330101001000/",
        "330101002000": "/330100000000/330101000000/330101002000/",
        "330102001000": "/330100000000/330102000000/330102001000/",
        "330101001001": "/330100000000/330102000000/330101001000/330101001001/",
        "330101001002": "/330100000000/330102000000/330101001000/330101001002/",
        "330102001001": "/330100000000/330102000000/330102001000/330102001001/",
    }
    assert Area.objects.get(pk=world.village_a1.pk).parent_id == world.town_b.pk
    grid_2.refresh_from_db()
    assert grid_2.parent_id == world.village_a1.pk
    # the subtree now belongs to 西镇's scope: its cadre and grid worker follow
    assert set(Area.objects.subtree(world.town_b).values_list("name", flat=True)) == {
        "西镇",
        "西一村",
        "西一村第一网格",
        "东一村",
        "东一村第一网格",
        "东一村第二网格",
    }
    [event] = _events("area.move")
    assert event.before == {"parent": world.town_a.pk, "path": "/330100000000/330101000000/330101001000/"}
    assert event.after == {
        "parent": world.town_b.pk,
        "path": "/330100000000/330102000000/330101001000/",
        "areas": 3,
    }


@pytest.mark.parametrize(
    "target, message",
    [
        ("village_a1", "不能把区域移到它自己"),  # itself
        ("grid_a1", "不能把区域移到它自己或它的下级"),  # its own descendant: a cycle
        ("village_b1", "层级须高于"),  # a village under a village
        ("town_a", "已在"),  # where it is
    ],
)
def test_moves_that_would_break_the_tree_are_refused(world, target, message):
    before = dict(Area.objects.values_list("code", "path"))
    with pytest.raises(ValidationError, match=message):
        admin_actions.move_area(world.admin, world.village_a1, new_parent=getattr(world, target))
    assert dict(Area.objects.values_list("code", "path")) == before
    assert not _events("area.move")


def test_an_administrator_cannot_move_their_own_area(world):
    town_admin = _town_admin(world)
    other_county = actions.create_area(None, code="330200000000", name="邻县", level=AreaLevel.COUNTY)
    root = actions.create_user(
        None, username="root", password="test-pass-123", role="admin", is_superuser=True
    )
    with pytest.raises(NotAllowed, match="管辖"):
        admin_actions.move_area(town_admin, world.town_a, new_parent=other_county)
    admin_actions.move_area(root, world.town_a, new_parent=other_county)  # positive control
    assert Area.objects.get(pk=world.village_a1.pk).path == "/330200000000/330101000000/330101001000/"


# --- boundaries -------------------------------------------------------------------------------------------------
def test_a_feature_collection_of_one_polygon_gives_its_geometry():
    ring = [[120.0, 30.0], [120.1, 30.0], [120.1, 30.1], [120.0, 30.0]]
    text = json.dumps(
        {
            "type": "FeatureCollection",
            "features": [
                {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [ring]}}
            ],
        }
    )
    assert parse_boundary(text.encode()) == {"type": "Polygon", "coordinates": [ring]}


@pytest.mark.parametrize(
    "text, message",
    [
        ("{not json", "JSON 格式错误"),
        ('{"type": "Point", "coordinates": [120, 30]}', "Point"),
        ('{"type": "Polygon", "coordinates": [[[120, 30], [121, 30], [121, 31]]]}', "至少需要 4 个"),
        ('{"type": "Polygon", "coordinates": [[[120, 30], [121, 30], [121, 31], [120, 31]]]}', "没有闭合"),
        ('{"type": "Polygon", "coordinates": [[[200, 30], [121, 30], [121, 31], [200, 30]]]}', "超出范围"),
        ('{"type": "Polygon", "coordinates": [[["a", 30], [121, 30], [121, 31], ["a", 30]]]}', "经度, 纬度"),
        ('{"type": "FeatureCollection", "features": []}', "正好有一个要素"),
        ("", "空的"),
    ],
)
def test_bad_boundaries_get_a_chinese_message(text, message):
    with pytest.raises(ValidationError, match=message):
        parse_boundary(text.encode())


# --- units, users, domains ------------------------------------------------------------------------------------
def test_a_unit_keeps_its_name_unique_in_its_area_and_is_audited(world):
    with pytest.raises(ValidationError, match="已有名为"):
        admin_actions.add_unit(world.admin, name="东镇派出所", kind=UnitKind.DEPARTMENT, area=world.town_a)
    admin_actions.update_unit(
        world.admin,
        world.police,
        name="东镇派出所",
        kind=UnitKind.DEPARTMENT,
        area=world.town_a,
        domains=[world.land],
    )
    [event] = _events("unit.update")
    assert (event.before, event.after) == ({"domains": []}, {"domains": ["land_requisition"]})


def test_a_unit_cannot_move_away_from_its_members(world):
    with pytest.raises(ValidationError, match="请先调整这些账号"):
        admin_actions.update_unit(
            world.admin,
            world.committee_a1,
            name="东一村村委会",
            kind=UnitKind.VILLAGE_COMMITTEE,
            area=world.village_a2,
        )
    assert Unit.objects.get(pk=world.committee_a1.pk).area_id == world.village_a1.pk


def test_a_department_officer_needs_a_unit_and_the_unit_must_cover_the_area(world):
    with pytest.raises(ValidationError) as caught:
        admin_actions.add_user(
            world.admin, username="b2", display_name="乙", role=Role.DEPARTMENT_OFFICER, area=world.town_a
        )
    assert "须选择所属单位" in caught.value.message_dict["unit"][0]
    with pytest.raises(ValidationError) as caught:
        admin_actions.add_user(
            world.admin,
            username="b3",
            display_name="丙",
            role=Role.VILLAGE_CADRE,
            area=world.village_b1,
            unit=world.committee_a1,
        )
    assert "须在管辖范围" in caught.value.message_dict["unit"][0]


def test_user_changes_are_audited_with_before_and_after(world):
    admin_actions.update_user(
        world.admin,
        world.cadre,
        display_name="cun",
        role=Role.VILLAGE_CADRE,
        area=world.village_a2,
        unit=None,
    )
    [event] = _events("user.update")
    assert event.before == {"area": world.village_a1.pk, "unit": world.committee_a1.pk}
    assert event.after == {"area": world.village_a2.pk, "unit": None}
    admin_actions.set_user_active(world.admin, world.cadre, False)
    admin_actions.set_user_active(world.admin, world.cadre, True)
    assert [(e.before, e.after) for e in _events("user.deactivate") + _events("user.activate")] == [
        ({"is_active": True}, {"is_active": False}),
        ({"is_active": False}, {"is_active": True}),
    ]


def test_deactivating_ends_the_sessions_and_refuses_sign_in(world, client):
    client.force_login(world.cadre)
    assert client.get("/").status_code == 200
    admin_actions.set_user_active(world.admin, world.cadre, False)
    assert client.get("/").status_code == 302  # the old session no longer counts
    signing_in = client.post("/login/", {"username": "cun", "password": "test-pass-123"})
    assert signing_in.status_code == 200  # the form again, not a redirect into the site
    assert client.get("/").status_code == 302


def test_a_required_second_factor_sends_the_user_to_enrol(world, client):
    admin_actions.set_two_factor_required(world.admin, world.cadre, True)
    client.force_login(world.cadre)
    response = client.get("/matters/")
    assert response.status_code == 302 and response["Location"] == "/account/2fa/setup/"


def test_domains_are_never_deleted_only_switched_off(world):
    domain = Domain.objects.get(code="land_requisition")
    admin_actions.update_domain(
        world.admin,
        domain,
        name="征地拆迁",
        name_en="Land requisition",
        emergency_class="social_security",
        keywords=domain.keywords,
        sort_order=domain.sort_order,
        active=False,
    )
    domain.refresh_from_db()
    assert (domain.active, domain.name_en) == (False, "Land requisition")
    assert Domain.objects.count() == 15
    [event] = _events("domain.update")
    assert (event.before, event.after) == (
        {"name_en": "Land requisition and demolition", "active": True},
        {"name_en": "Land requisition", "active": False},
    )
    new = admin_actions.add_domain(
        world.admin,
        code="school_safety",
        name="校园安全",
        emergency_class="social_security",
        keywords="校园，学生",
    )
    assert (new.keywords, new.sort_order, Domain.objects.count()) == (["校园", "学生"], 16, 16)
    with pytest.raises(ValidationError, match="已被使用"):
        admin_actions.add_domain(
            world.admin, code="school_safety", name="又一个", emergency_class="social_security"
        )


def test_a_town_administrator_may_keep_a_unit_above_the_town_but_not_assign_one(world):
    town_admin = _town_admin(world)
    officer = actions.create_user(
        None,
        username="county_unit_officer",
        password="test-pass-123",
        role=Role.DEPARTMENT_OFFICER,
        area=world.town_a,
        unit=world.centre,  # the county's centre, outside 东镇
    )
    admin_actions.update_user(
        town_admin,
        officer,
        display_name="改名",
        role=Role.DEPARTMENT_OFFICER,
        area=world.town_a,
        unit=world.centre,
    )
    assert User.objects.get(pk=officer.pk).display_name == "改名"
    with pytest.raises(NotAllowed, match="管辖"):
        admin_actions.update_user(
            town_admin,
            world.officer,
            display_name="bumen",
            role=Role.DEPARTMENT_OFFICER,
            area=world.town_a,
            unit=world.centre,
        )
    assert User.objects.get(pk=world.officer.pk).unit_id == world.police.pk
