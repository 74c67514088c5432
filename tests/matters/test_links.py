"""Typed links between matters (关联/引发/同源/复发): the actions and their guards, both matters' pages and
timelines, and the ledger's "linked to X" filter. Expected values are written by hand."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from anju.core.errors import Conflict, NotAllowed, WorkflowError
from anju.core.models import AuditEvent
from anju.core.roles import Role
from anju.matters import actions
from anju.matters.models import MatterEvent, MatterLink
from guards import check_guard, outsider

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(world, make_matter):
    plant = make_matter(title="化工厂夜间排放异味", area=world.village_a1)
    road = make_matter(title="村民堵路阻止化工厂运输车", area=world.village_a2)
    return plant, road


def test_link_writes_the_link_both_timelines_and_audit(world, pair):
    plant, road = pair
    link = actions.link_matters(
        world.town_staff, plant, road, kind="led_to", reason="异味投诉未解决，村民堵路", version=plant.version
    )
    assert (link.source, link.target, link.kind, link.created_by) == (plant, road, "led_to", world.town_staff)
    on_plant = MatterEvent.objects.get(matter=plant, kind="linked")
    on_road = MatterEvent.objects.get(matter=road, kind="linked")
    assert on_plant.note == f"关联事项 {road.number}（本事项引发）：异味投诉未解决，村民堵路"
    assert on_road.note == f"关联事项 {plant.number}（本事项由其引发）：异味投诉未解决，村民堵路"
    assert not on_plant.public and not on_road.public
    assert AuditEvent.objects.filter(action="matter.linked").count() == 2
    plant.refresh_from_db()
    assert plant.version == 1  # a link changes neither matter's fields


def test_link_refuses_bad_input_and_changes_nothing(world, pair):
    plant, road = pair
    staff = world.town_staff
    with pytest.raises(ValidationError) as blank:
        actions.link_matters(staff, plant, road, kind="related", reason="  ")
    assert "reason" in blank.value.message_dict
    with pytest.raises(ValidationError) as itself:
        actions.link_matters(staff, plant, plant, kind="related", reason="同一事项")
    assert "target" in itself.value.message_dict
    with pytest.raises(ValidationError) as kind:
        actions.link_matters(staff, plant, road, kind="cousin", reason="理由")
    assert "kind" in kind.value.message_dict
    with pytest.raises(ValidationError) as recurrence:
        actions.link_matters(staff, plant, road, kind="recurrence", reason="再次发生")
    assert "只有已归档的事项" in str(recurrence.value)
    assert MatterLink.objects.count() == 0
    assert not MatterEvent.objects.filter(kind="linked").exists()


def test_no_duplicate_link_either_way_for_symmetric_kinds(world, pair):
    plant, road = pair
    actions.link_matters(world.town_staff, plant, road, kind="same_source", reason="同一化工厂")
    with pytest.raises(ValidationError, match="已有同类关联"):
        actions.link_matters(world.town_staff, road, plant, kind="same_source", reason="还是同一化工厂")
    # another kind between the same two matters is a different statement
    actions.link_matters(world.town_staff, plant, road, kind="led_to", reason="异味引发堵路")
    assert MatterLink.objects.count() == 2


def test_stale_version_is_refused(world, pair):
    plant, road = pair
    with pytest.raises(Conflict):
        actions.link_matters(world.town_staff, plant, road, kind="related", reason="理由", version=99)
    assert MatterLink.objects.count() == 0


def test_link_guard_needs_both_matters_in_scope(world, pair, make_matter):
    plant, road = pair
    check_guard(
        world,
        {"admin", "centre_staff", "town_staff", "officer", "cadre"},
        lambda u: actions.link_matters(u, plant, road, kind="related", reason="同一片区"),
        insider=world.town_staff,
        outside=outsider(world, Role.CENTRE_STAFF),
    )
    # the cadre of 东一村 may reach the first matter but not the one in 东二村
    west = make_matter(title="西镇另一事项", area=world.village_b1)
    with pytest.raises(NotAllowed, match="管辖"):
        actions.link_matters(world.cadre, plant, road, kind="same_source", reason="理由")
    with pytest.raises(NotAllowed, match="管辖"):
        actions.link_matters(world.town_staff, plant, west, kind="related", reason="理由")
    # positive control: the county centre reaches both towns
    actions.link_matters(world.centre_staff, plant, west, kind="related", reason="同一企业的两个厂区")


def test_unlink_removes_the_link_and_says_so_on_both_timelines(world, pair):
    plant, road = pair
    link = actions.link_matters(world.town_staff, plant, road, kind="related", reason="同一片区")
    with pytest.raises(ValidationError):
        actions.unlink_matters(world.town_staff, link, reason="")
    assert MatterLink.objects.filter(pk=link.pk).exists()
    with pytest.raises(NotAllowed, match="无权"):
        actions.unlink_matters(world.grid_worker, link, reason="误关联")
    with pytest.raises(NotAllowed, match="管辖"):
        actions.unlink_matters(world.cadre, link, reason="误关联")  # 东二村 is not the cadre's
    actions.unlink_matters(world.town_staff, link, reason="误关联", on=road, version=road.version)
    assert not MatterLink.objects.exists()
    assert MatterEvent.objects.get(matter=plant, kind="unlinked").note == (
        f"解除与事项 {road.number} 的关联（关联）：误关联"
    )
    assert MatterEvent.objects.filter(matter=road, kind="unlinked").count() == 1
    assert AuditEvent.objects.filter(action="matter_link.delete").count() == 1
    with pytest.raises(WorkflowError, match="已被解除"):
        actions.unlink_matters(world.town_staff, link, reason="再次解除")
    assert MatterEvent.objects.filter(matter=plant, kind="unlinked").count() == 1


def test_both_pages_show_the_link_with_its_direction(world, pair, client):
    plant, road = pair
    actions.link_matters(world.town_staff, plant, road, kind="led_to", reason="异味投诉未解决")
    client.force_login(world.town_staff)
    on_plant = client.get(f"/matters/{plant.pk}/").content.decode()
    on_road = client.get(f"/matters/{road.pk}/").content.decode()
    assert "本事项引发" in on_plant and road.number in on_plant
    assert "本事项由其引发" in on_road and plant.number in on_road
    assert "异味投诉未解决" in on_road


def test_page_hides_a_linked_matter_outside_scope(world, pair, client):
    plant, road = pair
    actions.link_matters(world.town_staff, plant, road, kind="related", reason="同一片区")
    client.force_login(world.cadre)  # 东一村: sees the plant, not the road in 东二村
    page = client.get(f"/matters/{plant.pk}/").content.decode()
    # the timeline names its number (as a merge does); neither its title nor its page is shown
    assert road.title not in page and f'href="/matters/{road.pk}/"' not in page
    assert "另有 1 件关联事项不在您的管辖范围内" in page


def test_link_form_on_the_page(world, pair, client):
    plant, road = pair
    client.force_login(world.town_staff)
    url = f"/matters/{road.pk}/link/"
    bad = client.post(
        url, {"link-target_number": "330101-0000-999999", "link-relation": "related", "link-reason": "x"}
    )
    assert bad.status_code == 400
    assert "未找到编号为 330101-0000-999999 的事项" in bad.content.decode()
    ok = client.post(
        url,
        {
            "link-target_number": plant.number,
            "link-relation": "led_from",  # the road blockade was led to by the plant's odour
            "link-reason": "异味引发堵路",
            "link-version": road.version,
        },
    )
    assert ok.status_code == 302
    link = MatterLink.objects.get()
    assert (link.source, link.target, link.kind) == (plant, road, "led_to")
    unlink = f"/matters/{road.pk}/links/{link.pk}/unlink/"
    unconfirmed = client.post(unlink, {f"unlink{link.pk}-reason": "误关联"})
    assert unconfirmed.status_code == 400 and MatterLink.objects.exists()
    done = client.post(unlink, {f"unlink{link.pk}-reason": "误关联", f"unlink{link.pk}-confirm": "on"})
    assert done.status_code == 302 and not MatterLink.objects.exists()


def test_ledger_filter_linked_to_lists_both_directions(world, pair, make_matter, client):
    plant, road = pair
    later = make_matter(title="化工厂周边网帖", area=world.village_a1)
    unrelated = make_matter(title="邻里宅基地纠纷", area=world.village_a1)
    actions.link_matters(world.town_staff, plant, road, kind="led_to", reason="异味引发堵路")
    actions.link_matters(world.town_staff, later, plant, kind="same_source", reason="同一化工厂")
    client.force_login(world.town_staff)
    page = client.get("/matters/", {"linked_to": plant.number}).content.decode()
    assert road.number in page and later.number in page
    assert unrelated.number not in page
    assert "关联于事项" in page and "取消此筛选" in page  # the chip
    by_pk = client.get("/matters/", {"linked_to": str(road.pk)}).content.decode()
    assert plant.number in by_pk and later.number not in by_pk
    nothing = client.get("/matters/", {"linked_to": "no-such-number"}).content.decode()
    assert unrelated.number not in nothing and "未找到编号为 no-such-number 的事项" in nothing


def test_ledger_filter_does_not_name_a_matter_outside_scope(world, pair, client):
    plant, road = pair
    actions.link_matters(world.town_staff, plant, road, kind="related", reason="同一片区")
    client.force_login(world.cadre_b)  # 西一村
    page = client.get("/matters/", {"linked_to": plant.number}).content.decode()
    assert "未找到编号为" in page and road.number not in page
