"""Every list holds only the user's subtree; anything outside it is 404, exactly like an unknown id."""

from __future__ import annotations

import pytest

from anju.intake import actions as intake_actions

pytestmark = pytest.mark.django_db


@pytest.fixture
def reports(matters):
    w = matters
    w.report_a = intake_actions.submit_report(
        w.grid_worker,
        channel="grid",
        text="东一村路灯损坏",
        area=w.grid_a1,
        reporter_name="王五",
        reporter_phone="13600001111",
    )
    w.report_b = intake_actions.submit_report(
        w.cadre_b, channel="visit", text="西一村邻里纠纷", area=w.village_b1
    )
    return w


def test_area_list_is_the_users_subtree(api, world):
    names = {a["name"] for a in api(world.town_staff).get("/areas").json()["items"]}
    assert names == {"东镇", "东一村", "东二村", "东一村第一网格"}
    assert api(world.centre_staff).get("/areas").json()["count"] == 8


def test_area_filters(api, world):
    client = api(world.centre_staff)
    villages = client.get("/areas", level=3).json()["items"]
    assert {a["name"] for a in villages} == {"东一村", "东二村", "西一村"}
    children = client.get("/areas", parent=world.town_b.code).json()["items"]
    assert [a["name"] for a in children] == ["西一村"]


def test_foreign_area_detail_is_404(api, world):
    client = api(world.cadre)
    assert client.get(f"/areas/{world.village_a1.code}").status_code == 200
    assert client.get(f"/areas/{world.village_b1.code}").status_code == 404
    assert client.get(f"/areas/{world.town_a.code}").status_code == 404  # a parent is outside too


def test_area_detail_lists_only_children_in_scope(api, world):
    detail = api(world.centre_staff).get(f"/areas/{world.town_a.code}").json()
    assert {c["name"] for c in detail["children"]} == {"东一村", "东二村"}
    assert detail["full_name"] == "示范县 / 东镇"


def test_domains_are_the_whole_taxonomy(api, world):
    domains = api(world.grid_worker).get("/domains").json()
    assert len(domains) == 15
    assert {"code", "name", "emergency_class", "keywords"} <= set(domains[0])


def test_matter_list_contains_only_the_own_subtree(api, matters):
    numbers = {m["number"] for m in api(matters.cadre).get("/matters").json()["items"]}
    assert numbers == {matters.matter_a.number}
    both = {m["number"] for m in api(matters.centre_staff).get("/matters").json()["items"]}
    assert both == {matters.matter_a.number, matters.matter_b.number}


def test_foreign_matter_is_404_for_read_and_every_action(api, matters):
    client = api(matters.cadre)
    foreign = matters.matter_b.pk
    assert client.get(f"/matters/{foreign}").status_code == 404
    assert client.get("/matters/999999").status_code == 404
    assert client.post(f"/matters/{foreign}/note", {"note": "看看"}).status_code == 404
    assert client.post(f"/matters/{foreign}/escalate", {"reason": "x"}).status_code == 404
    party = matters.matter_b.parties.first()
    assert client.post(f"/matters/{foreign}/parties/{party.pk}/reveal", {"field": "name"}).status_code == 404
    assert matters.matter_b.events.count() == 1  # only its registration


def test_a_foreign_area_cannot_be_used_to_create(api, world):
    response = api(world.cadre).post(
        "/matters",
        {
            "kind": "dispute",
            "domain": world.wages.code,
            "area": world.village_b1.code,
            "title": "越界登记",
            "description": "不应成功",
        },
    )
    assert response.status_code == 422
    assert "管辖范围" in response.json()["errors"]["area"][0]


def test_merge_target_outside_scope_is_a_field_error(api, matters):
    response = api(matters.town_staff).post(
        f"/matters/{matters.matter_a.pk}/merge", {"into": matters.matter_b.pk}
    )
    assert response.status_code == 422
    assert "into" in response.json()["errors"]


def test_report_list_and_detail_are_scoped(api, reports):
    client = api(reports.cadre)
    ids = {r["id"] for r in client.get("/reports").json()["items"]}
    assert ids == {reports.report_a.pk}
    assert client.get(f"/reports/{reports.report_a.pk}").status_code == 200
    assert client.get(f"/reports/{reports.report_b.pk}").status_code == 404
    assert (
        client.post(
            f"/reports/{reports.report_b.pk}/register",
            {"kind": "dispute", "domain": reports.wages.code, "title": "x"},
        ).status_code
        == 404
    )


def test_ledger_filters_of_the_api_match_the_ledger(api, matters):
    client = api(matters.centre_staff)
    in_town_b = client.get("/matters", area=matters.town_b.code).json()
    assert [m["number"] for m in in_town_b["items"]] == [matters.matter_b.number]
    assert client.get("/matters", q="东一村").json()["count"] == 1
    assert client.get("/matters", status="open").json()["count"] == 2
    assert client.get("/matters", domain=matters.land.code).json()["count"] == 0
    assert client.get("/matters", kind="hazard").json()["count"] == 0


def test_ledger_filter_on_a_foreign_area_is_refused_not_widened(api, matters):
    response = api(matters.cadre).get("/matters", area=matters.village_b1.code)
    assert response.status_code == 422
    assert "area" in response.json()["errors"]


def test_pagination(api, matters):
    page = api(matters.centre_staff).get("/matters", page_size=1, page=2).json()
    assert (page["count"], page["pages"], page["page"], len(page["items"])) == (2, 2, 2, 1)
    past_end = api(matters.centre_staff).get("/matters", page=9).json()
    assert past_end["items"] == []
