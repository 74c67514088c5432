"""Purpose-bound reveal: the handlers of a matter reach its parties' contact for a purpose, on that matter
only; the roles that always could reveal still can, for a purpose too; every reveal records its purpose and
the audit page filters by it."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from anju.care.actions import reveal_party
from anju.core.errors import NotAllowed
from anju.core.models import AuditEvent
from anju.matters import actions as matter_actions
from conftest import OTHER_PHONE, PHONE
from guards import audit_count, outsider


def _reveals():
    return AuditEvent.objects.filter(action="personal_data.reveal").order_by("id")


def test_cadre_reveals_a_party_of_their_matter_and_not_of_another_matter_in_their_village(
    world, cadres_matter, other_matter
):
    own = cadres_matter.parties.get()
    other = other_matter.parties.get()
    assert other_matter.area == cadres_matter.area == world.village_a1

    assert reveal_party(world.cadre, own, "phone", purpose="follow_up") == PHONE  # the positive control
    before = audit_count()
    with pytest.raises(NotAllowed, match="承办或关爱人员"):
        reveal_party(world.cadre, other, "phone", purpose="follow_up")
    assert audit_count() == before

    event = _reveals().get()
    assert event.actor == world.cadre
    assert event.object_id == str(own.pk)
    assert event.after == {"field": "phone", "purpose": "follow_up", "purpose_text": ""}
    assert event.area == world.village_a1


def test_members_of_the_responsible_and_co_handling_units_reach_the_party(world, cadres_matter):
    party = cadres_matter.parties.get()
    # the grid worker belongs to 东一村村委会, the responsible unit
    assert reveal_party(world.grid_worker, party, "name", purpose="mediation") == "张三丰"
    # the police officer's unit does not handle it, until it co-handles it
    with pytest.raises(NotAllowed, match="承办或关爱人员"):
        reveal_party(world.officer, party, "phone", purpose="mediation")
    matter_actions.add_cohandler(
        world.town_staff,
        cadres_matter,
        unit=world.police,
        task="核查工地用工情况",
        deadline=cadres_matter.deadline,
    )
    assert reveal_party(world.officer, party, "phone", purpose="mediation") == PHONE


def test_a_purpose_is_required_and_other_needs_words(world, cadres_matter):
    party = cadres_matter.parties.get()
    before = audit_count()
    with pytest.raises(ValidationError) as missing:
        reveal_party(world.cadre, party, "phone", purpose="")
    assert "请选择查看联系方式的用途" in str(missing.value)
    with pytest.raises(ValidationError) as unknown:
        reveal_party(world.cadre, party, "phone", purpose="curiosity")
    assert "请选择查看联系方式的用途" in str(unknown.value)
    with pytest.raises(ValidationError) as wordless:
        reveal_party(world.cadre, party, "phone", purpose="other", purpose_text="  ")
    assert "请写明具体用途" in str(wordless.value)
    assert audit_count() == before
    assert (
        reveal_party(world.cadre, party, "phone", purpose="other", purpose_text="通知领取补发工资") == PHONE
    )
    assert _reveals().get().after["purpose_text"] == "通知领取补发工资"


def test_handlers_reach_name_and_phone_only(world, cadres_matter):
    party = cadres_matter.parties.get()
    with pytest.raises(NotAllowed, match="姓名和联系电话"):
        reveal_party(world.cadre, party, "id_number", purpose="support")
    assert not _reveals().exists()


def test_roles_that_could_reveal_still_can_but_name_a_purpose(world, other_matter):
    party = other_matter.parties.get()
    with pytest.raises(ValidationError):
        reveal_party(world.centre_staff, party, "id_number", purpose="")
    assert reveal_party(world.centre_staff, party, "id_number", purpose="support") == "330101199001011234"
    assert _reveals().get().after["purpose"] == "support"


def test_roles_without_either_permission_and_outsiders_are_refused(world, cadres_matter):
    party = cadres_matter.parties.get()
    for user in (world.leader, world.auditor):
        with pytest.raises(NotAllowed, match="无权"):
            reveal_party(user, party, "phone", purpose="follow_up")
    west_centre = outsider(world, "centre_staff")
    with pytest.raises(NotAllowed, match="管辖"):
        reveal_party(west_centre, party, "phone", purpose="follow_up")
    with pytest.raises(NotAllowed, match="承办或关爱人员"):
        reveal_party(world.cadre_b, party, "phone", purpose="follow_up")
    assert not _reveals().exists()


def test_reveal_page_asks_for_the_purpose_and_the_audit_page_filters_by_it(
    world, cadres_matter, other_matter
):
    party = cadres_matter.parties.get()
    cadre = Client()
    cadre.force_login(world.cadre)
    url = f"/care/parties/{party.pk}/reveal/phone/"

    form = cadre.get(url, headers={"HX-Request": "true"})
    assert form.status_code == 200
    assert "回访" in form.content.decode() and PHONE not in form.content.decode()

    refused = cadre.post(url, {"purpose": ""})
    assert refused.status_code == 400
    assert "请选择查看联系方式的用途" in refused.content.decode()

    shown = cadre.post(url, {"purpose": "follow_up"}, headers={"HX-Request": "true"})
    assert shown.status_code == 200
    assert PHONE in shown.content.decode()

    other_url = f"/care/parties/{other_matter.parties.get().pk}/reveal/phone/"
    assert cadre.post(other_url, {"purpose": "follow_up"}).status_code == 403
    assert cadre.get(other_url).status_code == 403
    assert Client().post(url, {"purpose": "follow_up"}).status_code == 302  # signed out: to the login page

    centre = Client()
    centre.force_login(world.centre_staff)
    assert (
        centre.post(
            f"/care/parties/{other_matter.parties.get().pk}/reveal/name/", {"purpose": "mediation"}
        ).status_code
        == 200
    )

    auditor = Client()
    auditor.force_login(world.auditor)
    own_row = f"matters.matterparty #{party.pk} "
    other_row = f"matters.matterparty #{other_matter.parties.get().pk} "
    follow_ups = auditor.get("/audit/", {"purpose": "follow_up"}).content.decode()
    assert own_row in follow_ups and other_row not in follow_ups
    mediations = auditor.get("/audit/", {"purpose": "mediation"}).content.decode()
    assert other_row in mediations and own_row not in mediations


def test_matter_page_offers_the_reveal_to_its_handler_only(world, cadres_matter, other_matter):
    cadre = Client()
    cadre.force_login(world.cadre)
    own = cadre.get(f"/matters/{cadres_matter.pk}/").content.decode()
    assert f"/care/parties/{cadres_matter.parties.get().pk}/reveal/phone/" in own
    assert f"/care/parties/{cadres_matter.parties.get().pk}/reveal/id_number/" not in own
    other = cadre.get(f"/matters/{other_matter.pk}/").content.decode()
    assert "/reveal/" not in other
    assert OTHER_PHONE not in other


def test_api_party_reveal_names_a_purpose(world, other_matter):
    from anju.core.actions import issue_api_token

    party = other_matter.parties.get()
    token = issue_api_token(world.centre_staff, "care-test")
    url = f"/api/matters/{other_matter.pk}/parties/{party.pk}/reveal"
    headers = {"Authorization": f"Bearer {token}"}
    client = Client()
    missing = client.post(url, {"field": "phone"}, content_type="application/json", headers=headers)
    assert missing.status_code == 422
    done = client.post(
        url, {"field": "phone", "purpose": "mediation"}, content_type="application/json", headers=headers
    )
    assert done.status_code == 200
    assert done.json() == {"field": "phone", "value": OTHER_PHONE}
    assert _reveals().get().after["purpose"] == "mediation"
