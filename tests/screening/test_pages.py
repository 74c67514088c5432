"""Pages: the rounds list, the completeness board, the return form with Chinese errors, scope (404)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from anju.core.models import Domain, Notification
from anju.matters.models import Matter
from anju.screening.actions import file_return
from anju.screening.models import Return


def _login(client, user):
    client.force_login(user)
    return client


def _all_nothing_post(**extra) -> dict:
    data = {}
    for d in Domain.objects.filter(active=True):
        data[f"none-{d.code}"] = "on"
        data[f"d-{d.code}-TOTAL_FORMS"] = "1"
        data[f"d-{d.code}-INITIAL_FORMS"] = "0"
    data.update(extra)
    return data


def test_index_lists_my_pending_return_and_rounds_with_completeness(client, world, village_round):
    response = _login(client, world.cadre).get(reverse("screening:index"))
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="my-pending"' in body and village_round.label in body
    assert "0 / 1" in body  # the cadre sees only their own village


def test_board_shows_filed_and_missing_and_filters(client, world, village_round):
    file_return(world.cadre, village_round, zero_report=True)
    _login(client, world.centre_staff)
    body = client.get(reverse("screening:round", args=[village_round.pk])).content.decode()
    assert "33.3%" in body and "东一村" in body and "东二村" in body and "西一村" in body
    assert "零报告" in body and "结束本轮排查" in body
    assert 'id="by-town"' in body and "50.0%" in body  # 东镇 1 of 2
    missing = client.get(
        reverse("screening:round", args=[village_round.pk]), {"state": "missing"}
    ).content.decode()
    assert 'data-area="东一村"' not in missing and 'data-area="东二村"' in missing


def test_board_of_an_out_of_scope_round_is_404(client, world, rounds):
    from anju.core.models import AreaLevel

    _login(client, world.cadre)
    assert client.get(reverse("screening:round", args=[rounds[AreaLevel.TOWN].pk])).status_code == 404
    assert client.get(reverse("screening:round", args=[rounds[AreaLevel.VILLAGE].pk])).status_code == 200


def test_file_form_zero_report_files_and_redirects_to_the_return(client, world, village_round):
    _login(client, world.cadre)
    url = reverse("screening:file", args=[village_round.pk])
    form = client.get(url)
    assert form.status_code == 200 and "零报告（本期各领域均未发现）" in form.content.decode()
    response = client.post(url, {"zero_report": "1", "note": ""})
    ret = Return.objects.get(round=village_round, area=world.village_a1)
    assert response.status_code == 302 and response["Location"] == reverse("screening:return", args=[ret.pk])
    assert ret.zero_report and ret.is_filed
    detail = client.get(response["Location"]).content.decode()
    assert "零报告" in detail and "按时报送" in detail
    again = client.get(url)  # already filed: sent to the return
    assert again.status_code == 302


def test_file_form_with_a_matter_registers_it(client, world, village_round):
    _login(client, world.cadre)
    data = _all_nothing_post()
    del data["none-land_requisition"]
    data.update(
        {
            "d-land_requisition-0-kind": "hazard",
            "d-land_requisition-0-title": "征地补偿款分配不均引发不满",
            "d-land_requisition-0-description": "三组村民对补偿款分配方案有异议，准备集体上访。",
            "d-land_requisition-0-people_involved": "30",
            "d-land_requisition-0-amount_involved": "",
        }
    )
    response = client.post(reverse("screening:file", args=[village_round.pk]), data)
    assert response.status_code == 302
    matter = Matter.objects.get(title="征地补偿款分配不均引发不满")
    assert matter.domain == world.land and matter.kind == "hazard" and matter.people_involved == 30
    detail = client.get(response["Location"]).content.decode()
    assert matter.number in detail and "发现 1 件" in detail


def test_file_form_shows_chinese_errors_next_to_fields_and_saves_nothing(client, world, village_round):
    _login(client, world.cadre)
    data = _all_nothing_post()
    del data["none-transport"]  # a domain left without an answer
    data.update({"d-land_requisition-0-title": "只写了标题"})  # 无 ticked and a started matter
    before = Matter.objects.count()
    response = client.post(reverse("screening:file", args=[village_round.pk]), data)
    body = response.content.decode()
    assert response.status_code == 400
    assert "“交通运输”：请勾选“无”，或登记发现的事项。" in body
    assert "“征地拆迁”已勾选“无”，不能同时登记事项。" in body
    assert "请填写情况描述。" in body and "请选择事项类型。" in body
    assert "有 2 个领域需要补充或修改" in body
    assert 'value="只写了标题"' in body  # what was typed is kept
    assert Matter.objects.count() == before
    assert not Return.objects.get(round=village_round, area=world.village_a1).is_filed


def test_zero_report_with_a_matter_on_the_form_is_refused(client, world, village_round):
    _login(client, world.cadre)
    data = {
        "zero_report": "1",
        "d-education-TOTAL_FORMS": "1",
        "d-education-INITIAL_FORMS": "0",
        "d-education-0-title": "校门口交通隐患",
        "d-education-0-kind": "hazard",
        "d-education-0-description": "放学时段车辆拥堵。",
    }
    response = client.post(reverse("screening:file", args=[village_round.pk]), data)
    assert response.status_code == 400
    assert "零报告表示本期各领域均未发现问题，不能同时登记事项" in response.content.decode()
    assert not Matter.objects.filter(title="校门口交通隐患").exists()


def test_file_form_out_of_scope_is_404_and_other_roles_403(client, world, village_round):
    _login(client, world.cadre)
    url = reverse("screening:file", args=[village_round.pk])
    assert client.get(url, {"area": world.village_b1.pk}).status_code == 404
    assert client.post(url + f"?area={world.village_b1.pk}", {"zero_report": "1"}).status_code == 404
    assert not Return.objects.get(round=village_round, area=world.village_b1).is_filed
    _login(client, world.leader)
    assert client.get(url, {"area": world.village_a1.pk}).status_code == 403


def test_file_form_for_a_closed_round_says_so(client, world, village_round):
    from anju.screening.actions import close_round

    close_round(world.centre_staff, village_round)
    _login(client, world.cadre)
    url = reverse("screening:file", args=[village_round.pk])
    assert "本轮排查已结束" in client.get(url).content.decode()
    response = client.post(url, {"zero_report": "1"})
    assert "本轮排查已结束" in response.content.decode()
    assert not Return.objects.get(round=village_round, area=world.village_a1).is_filed


def test_return_of_another_village_is_404(client, world, village_round):
    ret = file_return(world.cadre_b, village_round, zero_report=True)
    _login(client, world.cadre)
    assert client.get(reverse("screening:return", args=[ret.pk])).status_code == 404
    _login(client, world.town_staff)  # 东镇 does not contain 西一村
    assert client.get(reverse("screening:return", args=[ret.pk])).status_code == 404
    _login(client, world.leader)
    assert client.get(reverse("screening:return", args=[ret.pk])).status_code == 200


def test_close_and_remind_buttons(client, world, village_round):
    _login(client, world.cadre)
    assert (
        client.post(reverse("screening:close", args=[village_round.pk])).status_code == 403
    )  # the action refuses the role: the 403 page
    village_round.refresh_from_db()
    assert village_round.is_open  # refused, nothing changed
    _login(client, world.centre_staff)
    client.post(reverse("screening:remind", args=[village_round.pk]))
    assert Notification.objects.filter(key__startswith="screening:remind:").count() == 2
    client.post(reverse("screening:close", args=[village_round.pk]))
    village_round.refresh_from_db()
    assert not village_round.is_open


def test_the_round_opening_notice_reaches_the_filer_through_the_core_centre(client, world, village_round):
    _login(client, world.cadre)
    body = client.get(reverse("core:notifications")).content.decode()
    assert "1 条未读" in body and village_round.label in body
    notice = world.cadre.notifications.get()
    assert notice.kind == "screening.round_opened"
    assert notice.link == reverse("screening:file", args=[village_round.pk]) + f"?area={world.village_a1.pk}"
    response = client.post(reverse("core:notification_open", args=[notice.pk]), {"go": "1"})
    assert response.status_code == 302 and response["Location"] == notice.link


def test_the_old_notification_addresses_lead_to_the_core_centre(client, world, village_round):
    _login(client, world.cadre)
    notice = world.cadre.notifications.get()
    listing = client.get("/screening/notifications/?show=unread")
    assert (listing.status_code, listing["Location"]) == (308, "/notifications/?show=unread")
    opened = client.post(f"/screening/notifications/{notice.pk}/open/")
    assert (opened.status_code, opened["Location"]) == (308, f"/notifications/{notice.pk}/open/")
    all_read = client.post("/screening/notifications/read-all/")
    assert (all_read.status_code, all_read["Location"]) == (308, "/notifications/read-all/")
    notice.refresh_from_db()
    assert notice.read_at is None  # a redirect only: the browser repeats the POST at the new address


def test_cadence_page_saves_and_shows_errors(client, world, village_round):
    from anju.screening.models import Cadence

    cadence = Cadence.objects.get(level=3)
    _login(client, world.centre_staff)
    url = reverse("screening:cadences")
    assert client.get(url).status_code == 200
    prefix = f"c{cadence.pk}"
    bad = client.post(
        url,
        {
            "cadence": cadence.pk,
            f"{prefix}-period_kind": "monthly",
            f"{prefix}-due_offset_days": "99",
            f"{prefix}-active": "on",
        },
    )
    assert "报送期限应为期末后 0–60 天。" in bad.content.decode()
    good = client.post(
        url,
        {
            "cadence": cadence.pk,
            f"{prefix}-period_kind": "monthly",
            f"{prefix}-due_offset_days": "18",
            f"{prefix}-active": "on",
        },
    )
    assert good.status_code == 302
    cadence.refresh_from_db()
    assert (cadence.period_kind, cadence.due_offset_days, cadence.close_after_days) == ("monthly", 18, None)
    _login(client, world.cadre)
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("name", ["screening:index", "core:notifications"])
def test_pages_need_login(client, world, name):
    """An anonymous visitor is sent to the sign-in page (not to any redirect), which then renders; signed in,
    the same page answers (the positive control)."""
    url = reverse(name)
    response = client.get(url, follow=True)
    assert response.redirect_chain == [(f"/login/?next={url}", 302)]
    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "core/login.html"
    assert 'name="password"' in response.content.decode()
    assert _login(client, world.cadre).get(url).status_code == 200
