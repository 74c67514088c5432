"""Optimistic concurrency in the API: detail answers carry ``version`` and ``ETag``; an action sent with a
stale ``version`` (body) or ``If-Match`` is refused with 409 and the Chinese message, changing nothing."""

from __future__ import annotations

import json

import pytest

from anju.intake import actions as intake_actions
from anju.intake.models import Report, ReportStatus
from anju.matters import actions

pytestmark = pytest.mark.django_db

STALE_MATTER = "该事项已被他人修改，请刷新后重试。"
STALE_REPORT = "该诉求已被他人修改，请刷新后重试。"


def post(client, path, payload, **headers):
    return client.client.post(
        "/api" + path,
        data=json.dumps(payload),
        content_type="application/json",
        headers={**client._headers(), **headers},
    )


def test_matter_detail_answers_with_version_and_etag(api, matters):
    centre = api(matters.centre_staff)
    response = centre.get(f"/matters/{matters.matter_a.pk}")
    assert response.status_code == 200 and response.json()["version"] == 1 and response["ETag"] == '"1"'
    changed = post(centre, f"/matters/{matters.matter_a.pk}/grey_rhino", {"marked": True, "version": 1})
    assert changed.status_code == 200 and changed.json()["version"] == 2 and changed["ETag"] == '"2"'
    assert centre.get(f"/matters/{matters.matter_a.pk}")["ETag"] == '"2"'


def test_a_stale_body_version_is_409_and_changes_nothing(api, matters):
    centre, town = api(matters.centre_staff), api(matters.town_staff)
    path = f"/matters/{matters.matter_a.pk}"
    seen = centre.get(path).json()["version"]
    assert (
        post(
            town, path + "/black_swan", {"confirmed": False, "reason": "并非罕见", "version": seen}
        ).status_code
        == 200
    )
    response = post(centre, path + "/grey_rhino", {"marked": True, "version": seen})
    assert response.status_code == 409
    assert response.json()["detail"] == STALE_MATTER
    matter = matters.matter_a
    matter.refresh_from_db()
    assert matter.grey_rhino is False and matter.black_swan_confirmed is False and matter.version == 2
    assert not matter.events.filter(kind="grey_rhino").exists()


@pytest.mark.parametrize(
    "if_match, expected",
    [('"2"', 200), ("2", 200), ('W/"2"', 200), ("*", 200), ('"1"', 409), ('"x"', 409)],
)
def test_if_match_is_checked_like_the_body(api, matters, if_match, expected):
    centre = api(matters.centre_staff)
    actions.dismiss_black_swan(matters.centre_staff, matters.matter_a, reason="并非罕见")  # version 2
    path = f"/matters/{matters.matter_a.pk}/note"
    response = post(centre, path, {"note": "核实情况"}, **{"If-Match": if_match})
    assert response.status_code == expected, response.content.decode()
    assert matters.matter_a.events.filter(kind="note").count() == (1 if expected == 200 else 0)
    if expected == 409:
        assert response.json()["detail"] == STALE_MATTER


def test_the_body_version_wins_over_if_match(api, matters):
    centre = api(matters.centre_staff)
    path = f"/matters/{matters.matter_a.pk}/note"
    response = post(centre, path, {"note": "核实情况", "version": 1}, **{"If-Match": '"7"'})
    assert response.status_code == 200


def test_a_repeated_transition_is_409_never_500(api, matters):
    centre = api(matters.centre_staff)
    path = f"/matters/{matters.matter_a.pk}/assess"
    first = post(centre, path, {"likelihood": 3, "consequence": 3})
    again = post(centre, path, {"likelihood": 3, "consequence": 3, "version": 1})
    assert first.status_code == 200
    assert again.status_code == 409 and again.json()["detail"] == STALE_MATTER


def test_report_detail_and_actions_carry_the_version(api, matters):
    centre = api(matters.centre_staff)
    report = intake_actions.submit_report(
        matters.cadre, channel="visit", text="东一村三组道路积水", area=matters.village_a1
    )
    version = Report.objects.get(pk=report.pk).version
    detail = centre.get(f"/reports/{report.pk}")
    assert detail.json()["version"] == version and detail["ETag"] == f'"{version}"'
    stale = post(
        centre,
        f"/reports/{report.pk}/reject",
        {"reason": "不属于受理范围"},
        **{"If-Match": f'"{version - 1}"'},
    )
    assert stale.status_code == 409 and stale.json()["detail"] == STALE_REPORT
    assert Report.objects.get(pk=report.pk).status == ReportStatus.RECEIVED
    done = post(centre, f"/reports/{report.pk}/reject", {"reason": "不属于受理范围", "version": version})
    assert done.status_code == 200 and done.json()["version"] == version + 1
    assert done["ETag"] == f'"{version + 1}"'
    again = post(centre, f"/reports/{report.pk}/reject", {"reason": "不属于受理范围", "version": version})
    assert again.status_code == 409


def test_the_actions_role_and_unit_refusals_answer_403_and_change_nothing(api, matters):
    """The API does not check roles itself: the action's own guard (``NotAllowed``) answers 403, not 409."""
    path = f"/matters/{matters.matter_a.pk}"
    response = post(api(matters.grid_worker), path + "/assess", {"likelihood": 2, "consequence": 2})
    assert response.status_code == 403 and response.json()["detail"] == "您的角色（网格员）无权执行此操作。"
    # a department officer may act only on matters assigned to their unit: the police station serves the
    # wages domain, so its officer sees this matter, which is not assigned to it
    matters.police.domains.add(matters.wages)
    response = post(api(matters.officer), path + "/note", {"note": "看看"})
    assert response.status_code == 403 and "本单位" in response.json()["detail"]
    # positive control: the centre staff may assess it
    assert (
        post(api(matters.centre_staff), path + "/assess", {"likelihood": 2, "consequence": 2}).status_code
        == 200
    )
    matter = matters.matter_a
    matter.refresh_from_db()
    assert matter.version == 2 and not matter.events.filter(kind="note").exists()
