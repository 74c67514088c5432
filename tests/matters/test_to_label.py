"""待标注: the queue of matters to label, least sure first, in scope; and confirm_domain's guard."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from anju.core.errors import Conflict
from anju.core.models import AuditEvent, Domain
from anju.core.roles import Role
from anju.matters import labelling
from anju.matters.actions import confirm_domain, correct_facts
from anju.matters.models import MatterEvent
from anju.triage.models import LabelConfirmation
from guards import check_guard, outsider

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_model():
    from anju.triage import service

    service._cache.clear()
    yield
    service._cache.clear()


@pytest.fixture
def ledger(world, make_matter):
    """Three matters of 东一村 and one of 西一村. Before a model is trained the domains' keyword lists
    answer: 征地/补偿 (land) and 欠薪/工资 (wages) twice each make the second one a toss-up."""
    return {
        "wages": make_matter(title="讨薪", description="农民工反映老板欠薪，拖欠工资三个月。"),
        "between": make_matter(title="反映问题", description="村民反映征地补偿与工地欠薪工资都没有着落。"),
        "land": make_matter(
            domain=world.land, title="强拆", description="宅基地被强拆，土地补偿安置至今未谈。"
        ),
        "west": make_matter(area=world.village_b1, title="讨薪", description="西一村农民工欠薪。"),
    }


def test_the_least_sure_matter_comes_first_and_scope_limits_the_queue(world, ledger):
    county = [c.matter for c in labelling.to_label(world.centre_staff)]
    assert county[0] == ledger["between"]
    assert set(county) == set(ledger.values())  # the county's centre sees 西一村 too (positive control)
    town = [c.matter for c in labelling.to_label(world.town_staff)]
    assert town[0] == ledger["between"] and ledger["west"] not in town
    assert set(town) == {ledger["wages"], ledger["between"], ledger["land"]}


def test_a_confirmed_matter_leaves_the_queue_until_its_domain_changes(world, ledger):
    matter = ledger["between"]
    confirm_domain(world.town_staff, matter, domain=world.wages, version=matter.version)
    assert matter not in [c.matter for c in labelling.to_label(world.town_staff)]
    correct_facts(world.centre_staff, matter, reason="核实后属征地", domain=world.land)
    assert matter in [c.matter for c in labelling.to_label(world.town_staff)]


def test_confirm_domain_guard_and_what_it_writes(world, ledger):
    matter = ledger["wages"]
    check_guard(
        world,
        {"admin", "centre_staff", "town_staff"},
        lambda actor: confirm_domain(actor, matter, domain=world.land),
        insider=world.town_staff,
        outside=outsider(world, Role.CENTRE_STAFF),
    )
    matter.refresh_from_db()
    assert matter.domain == world.land
    event = MatterEvent.objects.filter(matter=matter, kind="domain_labelled").get()
    assert not event.public and event.data == {
        "domain": "land_requisition",
        "previous": "social_security_wages",
    }
    assert AuditEvent.objects.filter(action="matter.domain_labelled", object_id=str(matter.pk)).exists()
    assert LabelConfirmation.objects.get(matter=matter).domain_code == "land_requisition"


def test_confirm_domain_refuses_stale_pages_and_inactive_domains(world, ledger):
    matter = ledger["land"]
    with pytest.raises(Conflict):
        confirm_domain(world.centre_staff, matter, domain=world.land, version=matter.version - 1)
    retired = Domain.objects.create(code="retired_domain", name="停用领域", active=False)
    with pytest.raises(ValidationError):
        confirm_domain(world.centre_staff, matter, domain=retired, version=matter.version)
    assert not LabelConfirmation.objects.exists()
    # confirming the same domain changes nothing on the matter but still leaves a record
    before = matter.version
    confirm_domain(world.centre_staff, matter, domain=world.land, version=matter.version)
    matter.refresh_from_db()
    assert matter.version == before and matter.domain == world.land
    assert LabelConfirmation.objects.filter(matter=matter).count() == 1


def test_queue_pages(world, ledger, client):
    client.force_login(world.town_staff)
    page = client.get(reverse("matters:to_label"))
    body = page.content.decode()
    assert page.status_code == 200 and ledger["between"].number in body and ledger["west"].number not in body
    # a matter outside the town is not found; one inside is confirmed with one click
    west = ledger["west"]
    assert (
        client.post(reverse("matters:confirm_label", args=[west.pk]), {"domain": world.wages.pk}).status_code
        == 404
    )
    wages = ledger["wages"]
    done = client.post(
        reverse("matters:confirm_label", args=[wages.pk]) + "?page=1",
        {"domain": world.wages.pk, "version": wages.version},
    )
    assert done.status_code == 302 and done["Location"].endswith("?page=1")
    assert LabelConfirmation.objects.filter(matter=wages, domain_code="social_security_wages").exists()
    client.force_login(world.cadre)
    assert client.get(reverse("matters:to_label")).status_code == 403
