"""/me, the units in scope and their members (what an API client needs to assign a matter)."""

from __future__ import annotations

import pytest

from anju.core.roles import permissions_of

pytestmark = pytest.mark.django_db


def test_me_tells_role_scope_and_permissions(api, world):
    me = api(world.cadre).get("/me").json()
    assert (me["username"], me["role"], me["role_label"]) == ("cun", "village_cadre", "村干部")
    assert me["area"] == {"code": world.village_a1.code, "name": "东一村"}
    assert me["unit"] == "东一村村委会"
    assert me["permissions"] == permissions_of("village_cadre")
    assert "matter.assess" not in me["permissions"]
    assert "matter.assess" in api(world.centre_staff).get("/me").json()["permissions"]  # positive control


def test_units_are_scoped_and_filterable(api, world):
    town = api(world.town_staff)
    names = {u["name"] for u in town.get("/units").json()["items"]}
    assert names == {"东镇综治中心", "东镇派出所", "东一村村委会"}
    departments = town.get("/units", kind="department").json()["items"]
    assert [u["name"] for u in departments] == ["东镇派出所"]
    assert town.get("/units", area=world.town_b.code).status_code == 422


def test_unit_members_for_assigning(api, world):
    members = api(world.town_staff).get(f"/units/{world.police.pk}/members").json()
    assert [(m["id"], m["name"]) for m in members] == [(world.officer.pk, "bumen")]
    assert api(world.cadre).get(f"/units/{world.police.pk}/members").status_code == 404
    assert api(world.cadre).get("/units/999999/members").status_code == 404
