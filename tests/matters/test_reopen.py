"""Reopening an archived matter as a recurrence (复发): a new matter linked to the original. Expected values
are written by hand."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from anju.core.errors import WorkflowError
from anju.core.roles import Role
from anju.matters import actions
from anju.matters.models import Matter, MatterEvent, MatterLink
from anju.matters.workflow import Status
from guards import check_guard, outsider

pytestmark = pytest.mark.django_db


@pytest.fixture
def archived(world, make_matter, advance):
    matter = make_matter(title="工地拖欠农民工工资")
    advance(matter, "archived")
    return matter


def test_reopen_creates_a_linked_recurrence(world, archived):
    new = actions.reopen_matter(
        world.town_staff, archived, reason="春节前再次拖欠工资，工人到村委会反映", version=archived.version
    )
    assert new.pk != archived.pk
    assert new.status == Status.REGISTERED
    assert new.title == "工地拖欠农民工工资（复发）"
    assert new.description == "春节前再次拖欠工资，工人到村委会反映"
    assert (new.area, new.domain, new.kind) == (world.village_a1, world.wages, "dispute")
    assert new.people_involved == 12
    party = new.parties.get()
    assert (party.role, party.name, party.phone) == ("applicant", "张三丰", "13812345678")
    link = MatterLink.objects.get()
    assert (link.source, link.target, link.kind) == (archived, new, "recurrence")
    archived.refresh_from_db()
    assert archived.status == Status.ARCHIVED  # the original stays archived
    assert MatterEvent.objects.get(matter=archived, kind="reopened").note == (
        f"复发，重新登记为事项 {new.number}：春节前再次拖欠工资，工人到村委会反映"
    )
    assert MatterEvent.objects.get(matter=new, kind="linked").note == (
        f"关联事项 {archived.number}（本事项是其复发）：春节前再次拖欠工资，工人到村委会反映"
    )


def test_reopen_without_parties_and_with_a_title(world, archived):
    new = actions.reopen_matter(
        world.centre_staff, archived, reason="再次发生", title="再次拖欠工资", copy_parties=False
    )
    assert new.title == "再次拖欠工资" and not new.parties.exists()


def test_reopen_refuses_an_open_matter_and_a_missing_reason(world, archived, make_matter):
    open_matter = make_matter()
    with pytest.raises(WorkflowError, match="只有已归档的事项可以复发重开"):
        actions.reopen_matter(world.town_staff, open_matter, reason="再次发生")
    with pytest.raises(ValidationError) as blank:
        actions.reopen_matter(world.town_staff, archived, reason=" ")
    assert "reason" in blank.value.message_dict
    assert Matter.objects.count() == 2 and not MatterLink.objects.exists()


def test_reopen_guard(world, archived):
    check_guard(
        world,
        {"admin", "centre_staff", "town_staff"},
        lambda u: actions.reopen_matter(u, archived, reason="再次发生"),
        insider=world.town_staff,
        outside=outsider(world, Role.CENTRE_STAFF),
    )
    assert MatterLink.objects.filter(source=archived, kind="recurrence").count() == 1


def test_reopen_panel_on_the_page(world, archived, client):
    client.force_login(world.town_staff)
    page = client.get(f"/matters/{archived.pk}/").content.decode()
    assert "复发重开" in page
    url = f"/matters/{archived.pk}/reopen/"
    unconfirmed = client.post(url, {"reopen-reason": "再次发生"})
    assert unconfirmed.status_code == 400 and Matter.objects.count() == 1
    done = client.post(
        url, {"reopen-reason": "再次发生", "reopen-copy_parties": "on", "reopen-confirm": "on"}
    )
    new = Matter.objects.exclude(pk=archived.pk).get()
    assert done.status_code == 302 and done["Location"] == f"/matters/{new.pk}/"
    on_new = client.get(f"/matters/{new.pk}/").content.decode()
    assert "本事项是其复发" in on_new and archived.number in on_new
    client.force_login(world.cadre)  # no 复发重开 for a village cadre
    assert "panel-reopen" not in client.get(f"/matters/{archived.pk}/").content.decode()
