"""The ledger's batch actions: one single action per matter, per-row results, a refused matter untouched."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from anju.core.models import AuditEvent
from anju.matters import actions
from anju.matters.models import Matter, MatterEvent
from guards import check_guard, outsider


@pytest.fixture
def ledger(world, make_matter, advance):
    """Two assessed matters (ready for 交办) and one already resolved (交办 refuses it), all in 东一村."""
    first = advance(make_matter(title="工地欠薪甲"), "assessed")
    second = advance(make_matter(title="物业纠纷乙"), "assessed")
    resolved = advance(make_matter(title="邻里纠纷丙"), "resolved")
    # assessed at 3 × 3 (较高): the level rules want a 包案领导 before 交办
    for matter in (first, second):
        actions.set_lead_leader(world.centre_staff, matter, leader=world.leader)
    first, second = (Matter.objects.get(pk=m.pk) for m in (first, second))
    return first, second, resolved


def _in_ten_days():
    return timezone.localdate() + dt.timedelta(days=10)


@pytest.mark.django_db
def test_batch_assign_reports_each_row_and_leaves_the_refused_matter_untouched(world, ledger, db_state):
    first, second, resolved = ledger
    before = db_state(resolved)
    results = actions.batch_assign(
        world.centre_staff,
        [first, resolved, second],
        unit=world.police,
        deadline=_in_ten_days(),
        lead_leader=world.leader,
    )
    assert [(r.matter.pk, r.ok) for r in results] == [
        (first.pk, True),
        (resolved.pk, False),
        (second.pk, True),
    ]
    assert results[0].message == "已交办"
    assert "交办" in results[1].message  # the workflow's refusal for this status, in Chinese
    for matter in (first, second):
        matter.refresh_from_db()
        assert (matter.status, matter.responsible_unit, matter.deadline) == (
            "assigned",
            world.police,
            _in_ten_days(),
        )
        assert MatterEvent.objects.filter(matter=matter, kind="assigned").count() == 1
    assert db_state(resolved)[:2] == before[:2]  # its row and timeline (the audit log grew by the others)


@pytest.mark.django_db
def test_batch_with_a_stale_version_refuses_that_matter_only(world, ledger):
    first, second, _resolved = ledger
    versions = {first.pk: first.version - 1, second.pk: second.version}
    results = actions.batch_assign(
        world.centre_staff,
        [first, second],
        unit=world.police,
        deadline=_in_ten_days(),
        lead_leader=world.leader,
        versions=versions,
    )
    assert [r.ok for r in results] == [False, True]
    assert Matter.objects.get(pk=first.pk).status == "assessed"


@pytest.mark.django_db
def test_batch_set_deadline_and_supervise(world, make_matter, advance):
    matter = advance(make_matter(), "assigned")
    new = timezone.localdate() + dt.timedelta(days=30)
    [result] = actions.batch_set_deadline(world.centre_staff, [matter], deadline=new)
    assert result.ok and result.message == "已调整期限"
    matter.refresh_from_db()
    assert matter.deadline == new
    [result] = actions.batch_supervise(world.leader, [matter], note="请于本周内回复进展")
    assert result.ok
    assert matter.supervision_notes.count() == 2


@pytest.mark.django_db
def test_batch_assign_guard(world, make_matter, advance):
    """A department officer (and every role without 交办) is refused outright, nothing changed."""
    matter = advance(make_matter(), "assessed")
    actions.set_lead_leader(world.centre_staff, matter, leader=world.leader)  # 较高: a 包案领导 first
    matter = Matter.objects.get(pk=matter.pk)
    results = check_guard(
        world,
        {"admin", "centre_staff", "town_staff", "leader"},
        lambda actor: actions.batch_assign(
            actor, [matter], unit=world.police, deadline=_in_ten_days(), lead_leader=world.leader
        ),
        insider=world.centre_staff,
    )
    assert [r.ok for r in results] == [True]


@pytest.mark.django_db
def test_batch_assign_by_an_outsider_refuses_every_row(world, make_matter, advance):
    matter = advance(make_matter(), "assessed")
    stranger = outsider(world, "centre_staff")
    before = AuditEvent.objects.count()
    [result] = actions.batch_assign(
        stranger, [matter], unit=world.police, deadline=_in_ten_days(), lead_leader=world.leader
    )
    assert not result.ok and "管辖" in result.message
    assert Matter.objects.get(pk=matter.pk).status == "assessed"
    assert AuditEvent.objects.count() == before


@pytest.mark.django_db
def test_batch_page_confirms_then_runs(client, world, ledger):
    first, second, resolved = ledger
    client.force_login(world.centre_staff)
    data = {
        "ids": [first.pk, resolved.pk],
        "action": "assign",
        "unit": world.police.pk,
        "deadline": _in_ten_days().isoformat(),
        "lead_leader": world.leader.pk,
        "next": "/matters/?sort=number&page=2",
    }
    confirm = client.post("/matters/batch/", data)
    page = confirm.content.decode()
    assert confirm.status_code == 200
    assert "确认执行" in page and first.number in page and resolved.number in page
    assert Matter.objects.get(pk=first.pk).status == "assessed"  # nothing runs before the confirmation

    done = client.post("/matters/batch/", {**data, "confirm": "1", f"version-{first.pk}": first.version})
    page = done.content.decode()
    assert done.status_code == 200
    assert "已完成 1 件，未执行 1 件。" in page
    assert 'href="/matters/?sort=number&amp;page=2"' in page  # back to the same ledger page
    assert Matter.objects.get(pk=first.pk).status == "assigned"
    assert Matter.objects.get(pk=resolved.pk).status == "resolved"


@pytest.mark.django_db
def test_batch_page_asks_for_what_is_missing(client, world, ledger):
    client.force_login(world.centre_staff)
    response = client.post("/matters/batch/", {"ids": [ledger[0].pk], "action": "assign", "deadline": ""})
    page = response.content.decode()
    assert response.status_code == 400
    assert "请选择责任单位。" in page and "请填写办理期限。" in page


@pytest.mark.django_db
def test_officer_cannot_batch_assign_through_the_page(client, world, ledger):
    client.force_login(world.officer)
    response = client.post(
        "/matters/batch/",
        {
            "ids": [ledger[0].pk],
            "action": "assign",
            "unit": world.police.pk,
            "deadline": _in_ten_days(),
            "confirm": "1",
        },
    )
    assert response.status_code in (400, 403)
    assert Matter.objects.get(pk=ledger[0].pk).status == "assessed"


@pytest.mark.django_db
def test_export_selected_rows(client, world, ledger):
    import io

    from openpyxl import load_workbook

    first, second, _resolved = ledger
    client.force_login(world.centre_staff)
    response = client.post("/matters/batch/", {"ids": [first.pk, second.pk], "action": "export"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    text = " ".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value)
    assert first.number in text and second.number in text and _resolved.number not in text
    event = AuditEvent.objects.filter(action="ledger.export").latest("id")
    assert event.after["count"] == 2


@pytest.mark.django_db
def test_batch_assign_without_a_lead_leader_refuses_the_matters_that_need_one(world, make_matter, advance):
    matter = advance(make_matter(title="欠薪丁"), "assessed")  # 3 × 3: 较高, whose rule asks for a 包案领导
    [result] = actions.batch_assign(world.centre_staff, [matter], unit=world.police, deadline=_in_ten_days())
    assert not result.ok and "包案领导" in result.message
    assert Matter.objects.get(pk=matter.pk).status == "assessed"  # unchanged
    # positive control: with a leader named, the same batch runs
    [result] = actions.batch_assign(
        world.centre_staff, [matter], unit=world.police, deadline=_in_ten_days(), lead_leader=world.leader
    )
    assert result.ok and Matter.objects.get(pk=matter.pk).lead_leader == world.leader
