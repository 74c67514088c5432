"""排查 in the API: rounds and returns scoped like the pages, filing a return through the action, masking,
the role and version guards, and 422 in Chinese for bad input."""

from __future__ import annotations

import json

import pytest

from anju.core.models import AreaLevel, Domain
from anju.matters.models import Matter
from anju.screening.actions import open_due_rounds
from anju.screening.models import Return, ReturnLine

pytestmark = pytest.mark.django_db

STALE_RETURN = "该排查报表已被他人修改，请刷新后重试。"


@pytest.fixture
def rounds(world):
    """The rounds open today, by level: {AreaLevel: Round}."""
    return {r.level: r for r in open_due_rounds()}


def return_of(round_, area) -> Return:
    return Return.objects.get(round=round_, area=area)


def every_domain_nothing() -> list[dict]:
    return [{"domain": d.code, "nothing_found": True} for d in Domain.objects.filter(active=True)]


def test_a_village_cadre_sees_their_own_return_a_centre_every_village(api, world, rounds):
    village_round = rounds[AreaLevel.VILLAGE]
    cadre = api(world.cadre).get("/screening/rounds").json()
    assert [r["id"] for r in cadre["items"]] == [
        village_round.pk
    ]  # the town and county rounds are not theirs
    assert cadre["items"][0]["completeness"]["expected"] == 1
    centre = api(world.centre_staff).get("/screening/rounds").json()
    assert {r["id"] for r in centre["items"]} == {r.pk for r in rounds.values()}
    by_id = {r["id"]: r for r in centre["items"]}
    assert by_id[village_round.pk]["completeness"]["expected"] == 3

    mine = api(world.cadre).get("/screening/returns", round=village_round.pk).json()["items"]
    assert [r["area"]["name"] for r in mine] == ["东一村"]
    everyone = api(world.centre_staff).get("/screening/returns", round=village_round.pk).json()["items"]
    assert [r["area"]["name"] for r in everyone] == ["东一村", "东二村", "西一村"]
    assert {r["state"] for r in everyone} == {"pending"}


def test_a_return_or_round_outside_the_scope_is_404(api, world, rounds):
    village_round = rounds[AreaLevel.VILLAGE]
    own, foreign = return_of(village_round, world.village_a1), return_of(village_round, world.village_b1)
    cadre = api(world.cadre)
    assert cadre.get(f"/screening/returns/{own.pk}").status_code == 200  # positive control
    assert cadre.get(f"/screening/returns/{foreign.pk}").status_code == 404
    assert cadre.get(f"/screening/rounds/{village_round.pk}").status_code == 200
    assert cadre.get(f"/screening/rounds/{rounds[AreaLevel.TOWN].pk}").status_code == 404
    response = cadre.post(f"/screening/returns/{foreign.pk}/file", {"zero_report": True})
    assert response.status_code == 404
    assert not Return.objects.get(pk=foreign.pk).is_filed


def test_a_village_files_a_zero_report_once(api, world, rounds):
    own = return_of(rounds[AreaLevel.VILLAGE], world.village_a1)
    cadre = api(world.cadre)
    detail = cadre.get(f"/screening/returns/{own.pk}")
    assert detail.json()["version"] == 1 and detail["ETag"] == '"1"'
    response = cadre.post(f"/screening/returns/{own.pk}/file", {"zero_report": True, "version": 1})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["state"] == "filed" and body["zero_report"] is True and body["matters_found"] == 0
    assert body["filed_by"]["id"] == world.cadre.pk and body["version"] == 2 and response["ETag"] == '"2"'
    assert len(body["lines"]) == Domain.objects.filter(active=True).count()
    assert all(line["nothing_found"] for line in body["lines"])

    again = cadre.post(f"/screening/returns/{own.pk}/file", {"zero_report": True})
    assert again.status_code == 422
    assert "不能重复填报" in again.json()["errors"]["round"][0]


def test_matters_found_are_registered_and_come_back_masked(api, world, rounds):
    own = return_of(rounds[AreaLevel.VILLAGE], world.village_a1)
    lines = every_domain_nothing()
    wages = next(line for line in lines if line["domain"] == world.wages.code)
    wages["nothing_found"] = False
    wages["matters"] = [
        {
            "kind": "dispute",
            "title": "工地欠薪",
            "description": "联系人：张三丰，电话13812345678，反映三个月工资未发。",
            "people_involved": 12,
            "amount_involved": "36000",
        }
    ]
    response = api(world.cadre).post(
        f"/screening/returns/{own.pk}/file",
        {"lines": lines, "note": "已逐户走访，反映人电话13900001111"},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["matters_found"] == 1 and body["zero_report"] is False
    found = next(line for line in body["lines"] if line["domain"] == world.wages.code)["matters"]
    matter = Matter.objects.get(title="工地欠薪")
    assert [m["number"] for m in found] == [matter.number]
    assert "138****5678" in found[0]["description"]
    assert body["note"] == "已逐户走访，反映人电话139****1111"
    text = response.content.decode()
    assert "13812345678" not in text and "13900001111" not in text and "张三丰" not in text


def test_a_role_without_filing_gets_403_and_a_stale_version_409(api, world, rounds):
    own = return_of(rounds[AreaLevel.VILLAGE], world.village_a1)
    leader = api(world.leader)
    assert leader.get(f"/screening/returns/{own.pk}").status_code == 200  # sees it, may not file it
    refused = leader.post(f"/screening/returns/{own.pk}/file", {"zero_report": True})
    assert refused.status_code == 403

    cadre = api(world.cadre)
    stale = cadre.post(f"/screening/returns/{own.pk}/file", {"zero_report": True, "version": 2})
    assert stale.status_code == 409 and stale.json()["detail"] == STALE_RETURN
    by_header = cadre.client.post(
        f"/api/screening/returns/{own.pk}/file",
        data=json.dumps({"zero_report": True}),
        content_type="application/json",
        headers={**cadre._headers(), "If-Match": '"7"'},
    )
    assert by_header.status_code == 409
    own.refresh_from_db()
    assert not own.is_filed and own.version == 1
    assert not ReturnLine.objects.exists()


@pytest.mark.parametrize(
    "payload, field, message",
    [
        ({"zero_report": "yes"}, "zero_report", "请输入 true 或 false。"),
        ({"zero_report": True, "version": "1"}, "version", "请输入整数。"),
        ({"lines": [{"domain": "no-such-domain", "nothing_found": True}]}, "lines.0.domain", None),
        ({"lines": [{"domain": "x", "nothing_found": 1}]}, "lines.0.nothing_found", "请输入 true 或 false。"),
        ({"zero_report": True, "zero": True}, "zero", "不接受此字段。"),
    ],
)
def test_bad_input_is_422_with_a_chinese_message(api, world, rounds, payload, field, message):
    own = return_of(rounds[AreaLevel.VILLAGE], world.village_a1)
    response = api(world.cadre).post(f"/screening/returns/{own.pk}/file", payload)
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors[field] == [message or "风险领域不存在或已停用。"]
    assert not Return.objects.get(pk=own.pk).is_filed


def test_a_domain_left_unanswered_is_the_actions_message(api, world, rounds):
    own = return_of(rounds[AreaLevel.VILLAGE], world.village_a1)
    lines = [line for line in every_domain_nothing() if line["domain"] != world.land.code]
    response = api(world.cadre).post(f"/screening/returns/{own.pk}/file", {"lines": lines})
    assert response.status_code == 422
    assert response.json()["errors"][f"line:{world.land.code}"] == [
        f"“{world.land.name}”：请勾选“无”，或登记发现的事项。"
    ]
    assert not Return.objects.get(pk=own.pk).is_filed and not Matter.objects.exists()
