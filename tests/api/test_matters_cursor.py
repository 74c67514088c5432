"""``/api/matters`` by cursor: the next/previous links walk the whole ledger once in either direction,
keep the filters and the scope; a bad cursor is a 400 in Chinese; numbered pages keep working."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest

from anju.matters import actions
from anju.matters.models import Matter

pytestmark = pytest.mark.django_db

T = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def ledger(world):
    """Seven matters of 东镇 and two of 西镇; registered at three moments only (ties in the sort key)."""
    made = []
    for i in range(9):
        area = world.village_b1 if i in (2, 6) else world.village_a1
        matter = actions.create_matter(
            world.centre_staff,
            kind="dispute",
            domain=world.wages,
            area=area,
            title=f"游标事项{i}",
            description="拖欠工资",
        )
        Matter.objects.filter(pk=matter.pk).update(registered_at=T + dt.timedelta(hours=i % 3))
        made.append(matter)
    return made


def _params(link: str) -> dict:
    assert link.startswith("/api/matters?")
    return {k: v[0] for k, v in parse_qs(urlsplit(link).query).items()}


def _walk(client, first: dict, towards: str):
    answer = client.get("/matters", **first).json()
    ids, pages = [m["id"] for m in answer["items"]], 1
    while answer[towards]:
        answer = client.get("/matters", **_params(answer[towards])).json()
        assert answer["count"] is None and answer["page"] is None and answer["pages"] is None
        got = [m["id"] for m in answer["items"]]
        ids = ids + got if towards == "next" else got + ids
        pages += 1
        assert pages < 30
    return ids, pages


def test_cursor_round_trip_both_ways(api, world, ledger):
    client = api(world.centre_staff)
    # newest first, ties by descending id: the hour-2 matters 8, 5, 2, then hour 1: 7, 4, 1, then 6, 3, 0
    expected = [ledger[i].pk for i in (8, 5, 2, 7, 4, 1, 6, 3, 0)]
    first = client.get("/matters", page_size=2).json()
    assert first["count"] == 9 and first["pages"] == 5 and first["previous"] is None
    forward, pages = _walk(client, {"page_size": 2}, "next")
    assert forward == expected and pages == 5
    # backwards from the last numbered page, by its previous links
    last = client.get("/matters", page_size=2, page=5).json()
    assert [m["id"] for m in last["items"]] == [ledger[0].pk] and last["next"] is None
    backward, _pages = _walk(client, {"page_size": 2, "page": 5}, "previous")
    assert backward == expected


def test_cursor_links_keep_filters_sort_and_scope(api, world, ledger):
    town = api(world.town_staff)
    ids, _pages = _walk(town, {"page_size": 3, "sort": "number", "q": "游标"}, "next")
    eastern = sorted((m for m in ledger if m.area_id == world.village_a1.pk), key=lambda m: m.number)
    assert ids == [m.pk for m in eastern]  # positive control: all seven, in number order
    assert not {ledger[2].pk, ledger[6].pk} & set(ids)
    link = town.get("/matters", page_size=3, sort="number", q="游标").json()["next"]
    assert _params(link)["sort"] == "number" and _params(link)["q"] == "游标" and "page" not in _params(link)
    western = api(world.cadre_b)
    assert _walk(western, {"page_size": 1}, "next")[0] == [ledger[2].pk, ledger[6].pk]


def test_bad_cursor_is_400_in_chinese(api, world, ledger):
    client = api(world.centre_staff)
    good = client.get("/matters", page_size=2).json()["next"]
    for cursor in ("garbage", "eyJzIjoiLXJlZ2lzdGVyZWQifQ", _params(good)["cursor"][:-4]):
        response = client.get("/matters", cursor=cursor)
        assert response.status_code == 400, cursor
        body = response.json()
        assert body["detail"] == "分页游标无效或已过期（它须来自同一排序的 next/previous 链接）。"
        assert body["errors"]["cursor"] == [body["detail"]]
    other_sort = client.get("/matters", cursor=_params(good)["cursor"], sort="number")
    assert other_sort.status_code == 400
    assert client.get("/matters", **_params(good)).status_code == 200  # positive control


def test_numbered_pages_still_count(api, world, ledger):
    client = api(world.centre_staff)
    page = client.get("/matters", page_size=4, page=2).json()
    assert (page["count"], page["page"], page["pages"], len(page["items"])) == (9, 2, 3, 4)
    assert client.get("/matters", page=10**12).json()["items"] == []


def test_the_schema_documents_cursor_and_400(client):
    import json

    schema = json.loads(client.get("/api/openapi.json").content)
    operation = schema["paths"]["/api/matters"]["get"]
    assert "cursor" in {p["name"] for p in operation["parameters"]}
    assert "400" in operation["responses"]
    page = schema["components"]["schemas"]["MatterPage"]["properties"]
    assert {"next", "previous"} <= set(page)
