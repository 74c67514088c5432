"""Least privilege inside an area: a department officer sees their unit's matters (and, by the county's
setting, those of the risk domains their unit serves) and acts only on matters assigned to their unit.

The world: 东镇派出所 (world.police, the officer's unit) in town A. Expected sets are written by hand.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from anju.core import actions as core_actions
from anju.core.errors import NotAllowed
from anju.core.models import AuditEvent, UnitKind
from anju.core.scoping import get_scoped_or_404, scoped
from anju.matters import actions
from anju.matters.models import Matter, MatterEvent, MatterParty, MediationSession
from anju.matters.workflow import Status


@pytest.fixture
def ledger(world):
    """Four matters of town A and one of town B, assigned as their titles say."""
    staff = world.centre_staff
    deadline = timezone.localdate() + dt.timedelta(days=10)
    labour = core_actions.create_unit(
        None, name="东镇人社所", kind=UnitKind.DEPARTMENT, area=world.town_a, domains=[world.wages]
    )
    core_actions.set_unit_domains(world.admin, world.police, [world.land])

    def matter(title, *, domain, area, unit):
        m = actions.create_matter(
            staff,
            kind="dispute",
            domain=domain,
            area=area,
            title=title,
            description="情况",
            likelihood=3,
            consequence=3,
        )
        if unit is not None:
            actions.assign(staff, m, unit=unit, lead_leader=world.leader, deadline=deadline)
        return m

    return {
        "own": matter("派出所承办的欠薪", domain=world.wages, area=world.village_a1, unit=world.police),
        "land": matter("人社所承办的征地", domain=world.land, area=world.village_a2, unit=labour),
        "wages": matter("人社所承办的欠薪", domain=world.wages, area=world.village_a1, unit=labour),
        "unassigned": matter("未交办的欠薪", domain=world.wages, area=world.grid_a1, unit=None),
        "town_b_land": matter("西镇的征地", domain=world.land, area=world.village_b1, unit=None),
    }


def titles(qs) -> set[str]:
    return set(qs.values_list("title", flat=True))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "visibility, expected",
    [
        ("unit", {"派出所承办的欠薪"}),
        ("unit+domain", {"派出所承办的欠薪", "人社所承办的征地"}),
        ("area", {"派出所承办的欠薪", "人社所承办的征地", "人社所承办的欠薪", "未交办的欠薪"}),
    ],
)
def test_officer_sees_what_the_county_configures(world, ledger, settings, visibility, expected):
    settings.ANJU_DEPARTMENT_VISIBILITY = visibility
    assert titles(scoped(world.officer, Matter)) == expected
    # positive control: the town's centre staff see every matter of the town whatever the setting
    assert titles(scoped(world.town_staff, Matter)) == {
        "派出所承办的欠薪",
        "人社所承办的征地",
        "人社所承办的欠薪",
        "未交办的欠薪",
    }


@pytest.mark.django_db
def test_parts_of_a_matter_follow_the_matter(world, ledger):
    """Parties, timeline and mediation sessions are scoped through their matter."""
    staff = world.centre_staff
    for key in ("own", "wages"):
        actions.add_party(staff, ledger[key], name="李四", phone="13900001111")
        actions.record_mediation(
            staff,
            ledger[key],
            held_on=timezone.localdate(),
            mediators="调解员",
            summary="协商",
            result="continuing",
        )
    own, other = ledger["own"].pk, ledger["wages"].pk
    for model in (MatterParty, MediationSession, MatterEvent):
        matter_ids = set(scoped(world.officer, model).values_list("matter_id", flat=True))
        assert own in matter_ids and other not in matter_ids, model.__name__
        assert {own, other} <= set(scoped(world.town_staff, model).values_list("matter_id", flat=True))


@pytest.mark.django_db
def test_no_repeated_rows_when_a_domain_serves_several_units(world, ledger):
    core_actions.set_unit_domains(world.admin, world.police, [world.land, world.wages])
    core_actions.create_unit(
        None, name="东镇司法所", kind=UnitKind.DEPARTMENT, area=world.town_a, domains=[world.wages]
    )
    qs = scoped(world.officer, Matter)
    assert qs.count() == len(set(qs.values_list("pk", flat=True))) == 4


@pytest.mark.django_db
def test_officer_without_a_unit_sees_no_matter(world, ledger):
    loose = core_actions.create_user(
        None, username="loose", password="test-pass-123", role="department_officer", area=world.town_a
    )
    assert not scoped(loose, Matter).exists()
    # the rule narrows matters only: the area's units stay listed
    assert scoped(loose, world.police.__class__).filter(pk=world.police.pk).exists()


@pytest.mark.django_db
def test_officer_acts_only_on_their_units_matters(world, ledger):
    foreign = ledger["land"]  # visible (the unit serves 征地拆迁), assigned to the labour office
    before = (AuditEvent.objects.count(), MatterEvent.objects.count())
    with pytest.raises(NotAllowed):
        actions.start(world.officer, foreign)
    with pytest.raises(NotAllowed):
        actions.add_note(world.officer, foreign, note="越权备注")
    foreign.refresh_from_db()
    assert foreign.status == Status.ASSIGNED
    assert (AuditEvent.objects.count(), MatterEvent.objects.count()) == before
    # positive control: the same actions on the unit's own matter go through
    own = ledger["own"]
    actions.start(world.officer, own)
    actions.add_note(world.officer, own, note="已联系用工单位")
    own.refresh_from_db()
    assert own.status == Status.RESOLVING


@pytest.mark.django_db
def test_other_roles_are_not_narrowed_to_a_unit(world, ledger):
    """A village cadre (a unit of their own) still acts on any matter of their village."""
    actions.start(world.cadre, ledger["wages"])  # assigned to the labour office, in 东一村
    assert Matter.objects.get(pk=ledger["wages"].pk).status == Status.RESOLVING


@pytest.mark.django_db
def test_matter_page_hides_panels_and_refuses_posts_on_a_foreign_matter(world, ledger):
    client = Client()
    client.force_login(world.officer)
    foreign, own = ledger["land"], ledger["own"]
    page = client.get(f"/matters/{foreign.pk}/").content.decode()
    assert "/act/start/" not in page
    assert "/act/start/" in client.get(f"/matters/{own.pk}/").content.decode()  # positive control
    response = client.post(f"/matters/{foreign.pk}/act/note/", {"note-note": "越权备注"})
    assert response.status_code == 302
    assert not foreign.events.filter(kind="note").exists()
    # a matter outside what the officer sees is not found at all
    assert client.get(f"/matters/{ledger['wages'].pk}/").status_code == 404
    with pytest.raises(Exception) as raised:
        get_scoped_or_404(world.officer, Matter, pk=ledger["wages"].pk)
    assert raised.type.__name__ == "Http404"


@pytest.mark.django_db
def test_api_refuses_a_foreign_matter_with_403(world, ledger):
    token = core_actions.issue_api_token(world.officer, "t")
    client = Client()
    url = f"/api/matters/{ledger['land'].pk}/start"
    response = client.post(url, "{}", content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 403
    url = f"/api/matters/{ledger['own'].pk}/start"
    response = client.post(url, "{}", content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200


@pytest.mark.django_db
def test_unit_domains_are_set_by_an_administrator_and_audited(world):
    with pytest.raises(NotAllowed):
        core_actions.set_unit_domains(world.centre_staff, world.police, [world.land])
    core_actions.set_unit_domains(world.admin, world.police, [world.land, world.wages])
    event = AuditEvent.objects.get(action="unit.domains")
    assert event.after == {"domains": sorted([world.land.code, world.wages.code])}
    assert event.before == {"domains": []}


@pytest.mark.django_db
def test_an_unknown_visibility_setting_is_refused(world, ledger, settings):
    settings.ANJU_DEPARTMENT_VISIBILITY = "everything"
    with pytest.raises(ValueError, match="ANJU_DEPARTMENT_VISIBILITY"):
        list(scoped(world.officer, Matter))


@pytest.mark.django_db
def test_unit_domains_command_sets_and_prints(world, capsys):
    from types import SimpleNamespace

    from anju.core.cli import cmd_unit_domains

    args = SimpleNamespace(unit=world.police.pk, codes=[world.land.code], clear=False)
    assert cmd_unit_domains(args) == 0
    assert list(world.police.domains.all()) == [world.land]
    assert "征地拆迁（land_requisition）" in capsys.readouterr().out
    assert cmd_unit_domains(SimpleNamespace(unit=world.police.pk, codes=["no_such"], clear=False)) == 1
    assert list(world.police.domains.all()) == [world.land]  # nothing changed
    assert cmd_unit_domains(SimpleNamespace(unit=world.police.pk, codes=[], clear=True)) == 0
    assert not world.police.domains.exists()
    assert AuditEvent.objects.filter(action="unit.domains").count() == 2
