"""Strict input types: a value is read as the type the schema says or refused with 422, in Chinese, on its field.

Each refusal has its positive control (the same request with a well-typed value succeeds), so a test cannot
pass merely because the route refuses everything.
"""

from __future__ import annotations

import pytest

from anju.matters.models import Matter, MatterParty

pytestmark = pytest.mark.django_db

DATE_MESSAGE = "请输入有效的日期（YYYY-MM-DD）。"
BOOL_MESSAGE = "请输入 true 或 false。"


@pytest.mark.parametrize("path", ["/matters", "/reports"])
@pytest.mark.parametrize("value", ["0", "1700000000", "2025-1-5", "05/01/2025", "yesterday"])
def test_a_date_filter_takes_only_an_iso_date(api, matters, path, value):
    client = api(matters.centre_staff)
    report = {"channel": "call", "text": "工地欠薪", "area": matters.grid_a1.code}
    assert client.post("/reports", report).status_code == 201  # something for /reports to find
    response = client.get(path, date_to=value)
    assert response.status_code == 422, value
    assert response.json()["errors"] == {"date_to": [DATE_MESSAGE]}
    ok = client.get(path, date_to="2099-12-31")
    assert ok.status_code == 200 and ok.json()["count"] >= 1  # positive control: both matters, or reports


def test_date_to_zero_is_not_1970(api, matters):
    # Before: "0" was read as a Unix time, 1970-01-01, and the ledger answered an empty page with 200.
    response = api(matters.centre_staff).get("/matters", date_from="0")
    assert response.status_code == 422
    assert response.json()["errors"] == {"date_from": [DATE_MESSAGE]}


@pytest.mark.parametrize("value", ["yes", "true", 1, 0, "1", None])
def test_a_boolean_in_a_body_takes_only_true_or_false(api, matters, value):
    client = api(matters.centre_staff)
    mid = matters.matter_a.pk
    response = client.post(f"/matters/{mid}/black_swan", {"confirmed": value, "reason": "首次出现"})
    assert response.status_code == 422, value
    assert response.json()["errors"] == {"confirmed": [BOOL_MESSAGE]}
    matters.matter_a.refresh_from_db()
    assert matters.matter_a.black_swan_confirmed is None  # nothing changed
    confirm = {"confirmed": True, "reason": "首次出现", "unit": matters.police.pk, "deadline": "2099-01-31"}
    ok = client.post(f"/matters/{mid}/black_swan", confirm)
    assert ok.status_code == 200 and ok.json()["black_swan_confirmed"] is True


@pytest.mark.parametrize("value", ["yes", "1", "on", "True"])
def test_a_boolean_in_the_query_takes_only_true_or_false(api, matters, value):
    client = api(matters.centre_staff)
    response = client.get("/matters", overdue=value)
    assert response.status_code == 422
    assert response.json()["errors"] == {"overdue": [BOOL_MESSAGE]}
    assert client.get("/matters", overdue="false").json()["count"] == 2
    assert client.get("/matters", overdue="true").json()["count"] == 0  # nothing has a deadline yet


@pytest.mark.parametrize(
    "body, field",
    [
        ([None, None], "__all__"),
        ([], "name"),  # an empty body: no fields at all
        ("王五", "__all__"),
        ({}, "name"),
        ({"name": "   "}, "name"),
        ({"name": None}, "name"),
    ],
)
def test_a_party_needs_an_object_with_a_name(api, matters, body, field):
    client = api(matters.centre_staff)
    mid = matters.matter_a.pk
    before = MatterParty.objects.filter(matter_id=mid).count()
    response = client.post(f"/matters/{mid}/parties", body)
    assert response.status_code == 422, body
    errors = response.json()["errors"]
    assert list(errors) == [field]
    assert errors[field][0] in {"数据结构不正确。", "此项为必填项。", "此项不能为空。", "请输入文本。"}
    assert MatterParty.objects.filter(matter_id=mid).count() == before  # no empty party
    ok = client.post(f"/matters/{mid}/parties", {"name": "王五", "role": "respondent"})
    assert ok.status_code == 200
    assert MatterParty.objects.filter(matter_id=mid).count() == before + 1


def test_null_parties_in_a_new_matter_are_refused(api, world):
    response = api(world.centre_staff).post(
        "/matters",
        {
            "kind": "dispute",
            "domain": world.wages.code,
            "area": world.village_a1.code,
            "title": "欠薪",
            "description": "三个月",
            "parties": [None, None],
        },
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {"parties.0": ["数据结构不正确。"], "parties.1": ["数据结构不正确。"]}
    assert not Matter.objects.exists()


def test_an_unknown_field_is_refused(api, matters):
    client = api(matters.centre_staff)
    mid = matters.matter_a.pk
    response = client.post(f"/matters/{mid}/note", {"note": "已电话联系", "pubic": True})
    assert response.status_code == 422
    assert response.json()["errors"] == {"pubic": ["不接受此字段。"]}
    assert client.post(f"/matters/{mid}/note", {"note": "已电话联系", "public": True}).status_code == 200


@pytest.mark.parametrize(
    "change, field, message",
    [
        ({"likelihood": "3"}, "likelihood", "请输入整数。"),
        ({"likelihood": 3.0}, "likelihood", "请输入整数。"),
        ({"people_involved": "12"}, "people_involved", "请输入整数。"),
        ({"occurred_at": 0}, "occurred_at", "请输入有效的时间（ISO 8601，如 2025-01-31T09:30:00+08:00）。"),
        ({"amount_involved": "NaN"}, "amount_involved", "请输入数字。"),
        ({"amount_involved": "1.005"}, "amount_involved", "最多 14 位数字，其中小数最多 2 位。"),
        ({"title": 42}, "title", "请输入文本。"),
        ({"area": " "}, "area", "此项不能为空。"),
    ],
)
def test_numbers_times_and_texts_are_not_guessed(api, world, change, field, message):
    body = {
        "kind": "dispute",
        "domain": world.wages.code,
        "area": world.village_a1.code,
        "title": "欠薪",
        "description": "三个月",
        "likelihood": 3,
        "consequence": 3,
    }
    client = api(world.centre_staff)
    response = client.post("/matters", {**body, **change})
    assert response.status_code == 422, change
    assert response.json()["errors"] == {field: [message]}
    assert not Matter.objects.exists()
    ok = client.post(
        "/matters", {**body, "occurred_at": "2025-01-31T09:30:00+08:00", "amount_involved": "12.5"}
    )
    assert ok.status_code == 201 and ok.json()["inherent_level"]


def test_a_date_in_a_body_is_an_iso_string(api, matters, tomorrow):
    client = api(matters.centre_staff)
    mid = matters.matter_a.pk
    assert client.post(f"/matters/{mid}/assess", {"likelihood": 3, "consequence": 3}).status_code == 200
    response = client.post(f"/matters/{mid}/assign", {"unit": matters.police.pk, "deadline": 0})
    assert response.status_code == 422
    assert response.json()["errors"] == {"deadline": [DATE_MESSAGE]}
    # 3 × 3 is 较高: the level rules ask for a 包案领导
    ok = client.post(
        f"/matters/{mid}/assign",
        {"unit": matters.police.pk, "deadline": tomorrow, "lead_leader": matters.leader.pk},
    )
    assert ok.status_code == 200 and ok.json()["deadline"] == tomorrow
