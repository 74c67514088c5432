"""转介: a party of a matter referred to a service unit with consent, answered by the receiving unit, closed by
the sender. The actions called directly: their guards, the consent rule, the addressed-to scope. Expected
values are written by hand."""

from __future__ import annotations

import datetime as dt

import pytest
from care_helpers import at, send
from django.core.exceptions import ValidationError
from django.urls import reverse

from anju.care import actions as care
from anju.care.models import Referral
from anju.core.errors import Conflict, NotAllowed, WorkflowError
from anju.core.models import AuditEvent, Notification
from anju.core.roles import Role
from anju.core.scoping import scoped
from anju.matters import actions as m
from anju.matters.models import Matter, MatterEvent, MatterKind
from guards import check_guard, outsider

pytestmark = pytest.mark.django_db


def test_a_referral_is_sent_accepted_served_and_closed(world, matter, directory):
    party = matter.parties.order_by("pk")[0]  # 张三丰
    referral = send(world, matter, directory.counselling, party=party)
    assert referral.status == "sent" and referral.sent_by == world.town_staff
    assert (referral.consent, referral.consent_method) == (True, "oral")
    assert referral.contact_phone == "13812345678"  # the consent covers giving the phone to the service
    assert referral.masked_contact_phone != "13812345678"
    told = Notification.objects.filter(kind="care.referral")
    assert list(told.values_list("user__username", flat=True)) == ["xinli"]

    care.accept_referral(directory.member, referral, version=1, now=at(4))
    referral.refresh_from_db()
    assert (referral.status, referral.answered_by, referral.version) == ("accepted", directory.member, 2)
    assert Notification.objects.filter(kind="care.referral_answer", user=world.town_staff).count() == 1

    care.record_outcome(
        directory.member,
        referral,
        outcome="已开展三次心理疏导，情绪平稳",
        outcome_on=at(20).date(),
        now=at(20),
    )
    referral.refresh_from_db()
    assert (referral.status, referral.outcome_on) == ("done", at(20).date())

    care.close_referral(world.town_staff, referral, now=at(21))
    referral.refresh_from_db()
    assert referral.status == "closed" and referral.closed_by == world.town_staff

    events = MatterEvent.objects.filter(matter=matter, kind__startswith="referral").order_by("at", "pk")
    assert list(events.values_list("kind", flat=True)) == [
        "referral_sent",
        "referral_accepted",
        "referral_outcome",
        "referral_closed",
    ]
    assert not events.filter(public=True).exists()  # internal: never on the citizen's page
    assert events.first().at == at(3)  # the timeline takes the action's time
    assert "县社会心理服务站" in events.first().note
    codes = list(
        AuditEvent.objects.filter(object_type="care.referral").order_by("pk").values_list("action", flat=True)
    )
    assert codes == [
        "care.referral_send",
        "care.referral_accept",
        "care.referral_outcome",
        "care.referral_close",
    ]


def test_without_consent_nothing_is_sent(world, matter, directory):
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as refused:
        send(world, matter, directory.counselling, consent=False)
    assert "consent" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        send(world, matter, directory.counselling, consent_method="")
    assert "consent_method" in refused.value.message_dict
    assert Referral.objects.count() == 0 and MatterEvent.objects.filter(kind="referral_sent").count() == 0
    assert AuditEvent.objects.count() == before


def test_party_and_service_must_fit_the_matter(world, matter, western_matter, directory):
    with pytest.raises(ValidationError) as refused:
        send(world, matter, directory.counselling, party=western_matter.parties.get())
    assert "party" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:  # 西镇卫生院 serves 西镇, the matter is in 东一村
        send(world, matter, directory.medical)
    assert "service_unit" in refused.value.message_dict
    care.set_service_active(world.admin, directory.employment, False)
    with pytest.raises(ValidationError) as refused:
        send(world, matter, directory.employment)
    assert refused.value.message_dict["service_unit"] == ["该服务机构已停用，不能接收转介。"]
    with pytest.raises(ValidationError) as refused:
        send(world, matter, directory.counselling, purpose="  ")
    assert "purpose" in refused.value.message_dict
    assert Referral.objects.count() == 0


def test_a_rejected_matter_is_not_referred(world, matter, directory):
    m.reject(world.centre_staff, matter, reason="不属于受理范围")
    with pytest.raises(WorkflowError):
        send(world, matter, directory.counselling)


def test_guard_of_sending(world, directory):
    """Handlers of the matter refer: centre staff, town staff, the cadre and grid worker of its place, and the
    department officer of its responsible unit; leaders, auditors and the administrator do not."""
    guarded = m.create_matter(
        world.centre_staff,
        kind=MatterKind.DISPUTE,
        domain=world.wages,
        area=world.grid_a1,
        title="网格内欠薪",
        description="工人反映欠薪。",
        likelihood=2,
        consequence=2,
        parties=[{"role": "applicant", "name": "赵六", "phone": "13600003333"}],
    )
    m.assign(world.centre_staff, guarded, unit=world.police, deadline=dt.date.today() + dt.timedelta(days=9))
    referral = check_guard(
        world,
        {"centre_staff", "town_staff", "cadre", "grid_worker", "officer"},
        lambda actor: send(world, guarded, directory.counselling, actor=actor),
        insider=world.grid_worker,
        outside=outsider(world, Role.CENTRE_STAFF),
    )
    assert referral.sent_by == world.grid_worker


def test_guard_of_answering_a_linked_service(world, matter, directory):
    """Only the receiving unit's members answer: every other user is refused, even the sender's centre."""
    referral = send(world, matter, directory.counselling)
    stranger = outsider(world, Role.DEPARTMENT_OFFICER)  # not a member: refused like everyone else
    with pytest.raises(NotAllowed, match="无权"):
        care.accept_referral(stranger, referral)
    check_guard(
        world,
        set(),
        lambda actor: care.accept_referral(actor, referral),
        insider=directory.member,
    )
    referral.refresh_from_db()
    assert referral.status == "accepted"
    check_guard(
        world,
        set(),
        lambda actor: care.record_outcome(
            actor, referral, outcome="已疏导", outcome_on=at(5).date(), now=at(5)
        ),
        insider=directory.member,
    )


def test_guard_of_closing(world, matter, directory):
    referral = send(world, matter, directory.counselling)
    care.decline_referral(directory.member, referral, reason="本月排期已满，建议转县医院心理科")
    with pytest.raises(NotAllowed):  # the receiving unit does not close the sender's referral
        care.close_referral(directory.member, referral)
    for refused in (world.leader, world.auditor, world.admin):
        with pytest.raises(NotAllowed, match="无权"):
            care.close_referral(refused, referral)
    with pytest.raises(NotAllowed, match="管辖"):
        care.close_referral(world.cadre_b, referral)
    care.close_referral(world.cadre, referral)
    referral.refresh_from_db()
    assert referral.status == "closed" and referral.closed_by == world.cadre


def test_an_unlinked_service_is_answered_by_the_handlers(world, matter, directory):
    referral = send(world, matter, directory.legal)
    assert Notification.objects.filter(kind="care.referral").count() == 0  # nobody in anju to tell
    with pytest.raises(NotAllowed):
        care.accept_referral(directory.member, referral)  # not its unit, not the matter's handler
    care.accept_referral(world.town_staff, referral)
    referral.refresh_from_db()
    assert referral.status == "accepted" and referral.answered_by == world.town_staff


def test_addressed_to_the_receiving_unit_whatever_its_area(client, world, matter, directory):
    to_counselling = send(world, matter, directory.counselling)
    to_legal = send(world, matter, directory.legal)
    member = (
        directory.member
    )  # a department officer: the matter is not his unit's, so the area does not show it
    assert not scoped(member, Matter).filter(pk=matter.pk).exists()
    assert set(scoped(member, Referral)) == {to_counselling}  # positive control: addressed to his unit
    assert set(scoped(world.officer, Referral)) == set()  # 东镇派出所: another unit of the same town
    assert set(scoped(world.cadre, Referral)) == {to_counselling, to_legal}  # the matter's place
    assert set(scoped(world.cadre_b, Referral)) == set()

    url = reverse("care:referral", args=[to_counselling.pk])
    client.force_login(member)
    page = client.get(url)
    assert page.status_code == 200 and "接收" in page.content.decode()
    assert client.get(reverse("care:referral", args=[to_legal.pk])).status_code == 404
    inbox = client.get(reverse("care:referrals")).content.decode()
    assert matter.number in inbox
    for stranger in (world.officer, world.cadre_b):
        client.force_login(stranger)
        assert client.get(url).status_code == 404


def test_states_versions_and_reasons(world, matter, directory):
    referral = send(world, matter, directory.counselling)
    with pytest.raises(ValidationError) as refused:
        care.decline_referral(directory.member, referral, reason=" ")
    assert "reason" in refused.value.message_dict
    with pytest.raises(WorkflowError):  # not accepted yet
        care.record_outcome(directory.member, referral, outcome="已疏导", outcome_on=at(5).date(), now=at(5))
    with pytest.raises(ValidationError) as refused:  # a withdrawal says why
        care.close_referral(world.town_staff, referral)
    assert "note" in refused.value.message_dict
    care.accept_referral(directory.member, referral, version=1)
    with pytest.raises(Conflict):
        care.accept_referral(directory.member, referral, version=1)
    with pytest.raises(WorkflowError):
        care.decline_referral(directory.member, referral, reason="排期已满")
    with pytest.raises(ValidationError) as refused:
        care.record_outcome(directory.member, referral, outcome="已疏导", outcome_on=at(9).date(), now=at(8))
    assert refused.value.message_dict["outcome_on"] == ["结果日期不能晚于今天。"]
    with pytest.raises(ValidationError) as refused:
        care.record_outcome(directory.member, referral, outcome="已疏导", outcome_on=at(2).date(), now=at(8))
    assert refused.value.message_dict["outcome_on"] == ["结果日期不能早于转介日期。"]
    referral.refresh_from_db()
    assert referral.status == "accepted" and referral.version == 2


def test_the_contact_is_revealed_to_the_service_while_it_serves_and_logged(world, matter, directory):
    referral = send(world, matter, directory.counselling)
    assert care.reveal_referral_contact(directory.member, referral) == "13812345678"
    event = AuditEvent.objects.get(action="care.referral_contact_reveal")
    assert event.actor == directory.member and event.area == world.village_a1
    with pytest.raises(NotAllowed):
        care.reveal_referral_contact(world.cadre_b, referral)
    care.accept_referral(directory.member, referral)
    care.record_outcome(directory.member, referral, outcome="已疏导", outcome_on=at(5).date(), now=at(5))
    with pytest.raises(WorkflowError):
        care.reveal_referral_contact(directory.member, referral)
    assert AuditEvent.objects.filter(action="care.referral_contact_reveal").count() == 1


def test_free_text_masks_phone_numbers(world, matter, directory):
    referral = send(world, matter, directory.counselling, purpose="请联系其家属 13512345678 协助")
    assert "13512345678" not in referral.purpose
    assert "13512345678" not in MatterEvent.objects.get(kind="referral_sent").note
