"""Drills whose findings become improvement tasks; stock arithmetic of dispatch and return; stock alerts."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from emergency_helpers import at

from anju.core.errors import NotAllowed, WorkflowError
from anju.emergency import actions
from anju.emergency.models import EmergencyTask, Material, TaskSource, TaskStatus
from anju.emergency.queries import expiring, low_stock


def test_each_drill_finding_becomes_a_task_with_owner_and_deadline(world, published_plan):
    drill = actions.plan_drill(
        world.town_staff,
        area=world.town_a,
        title="食物中毒桌面推演",
        date=dt.date(2026, 3, 5),
        plan=published_plan,
        units=[world.town_centre, world.police],
    )
    with pytest.raises(WorkflowError):  # findings come after the drill took place
        actions.add_finding(world.town_staff, drill, text="通讯录过期", owner_unit=world.town_centre)
    actions.record_drill(
        world.town_staff, drill, date=dt.date(2026, 3, 5), summary="基本达到目的", now=at(5, 18)
    )
    task = actions.add_finding(
        world.town_staff,
        drill,
        text="转运车辆不足",
        owner_unit=world.police,
        deadline=dt.date(2026, 4, 1),
        now=at(5, 18),
    )
    default = actions.add_finding(
        world.town_staff, drill, text="通讯录过期", owner_unit=world.town_centre, now=at(5, 18)
    )
    assert task.source == TaskSource.DRILL
    assert task.owner_unit == world.police
    assert task.deadline == dt.date(2026, 4, 1)
    assert task.title == "整改：转运车辆不足"
    assert default.deadline == dt.date(2026, 4, 4)  # 30 days by default
    assert EmergencyTask.objects.filter(drill_finding__drill=drill).count() == 2
    assert task.is_overdue(dt.date(2026, 4, 2)) and not task.is_overdue(dt.date(2026, 4, 1))


def test_only_the_owner_unit_or_the_centre_closes_a_task(world, published_plan):
    drill = actions.plan_drill(world.town_staff, area=world.town_a, title="演练", date=dt.date(2026, 3, 5))
    actions.record_drill(world.town_staff, drill, date=dt.date(2026, 3, 5), summary="完成", now=at(5, 18))
    task = actions.add_finding(
        world.town_staff, drill, text="问题", owner_unit=world.town_centre, now=at(5, 18)
    )
    with pytest.raises(NotAllowed):  # 派出所 is not the owner
        actions.complete_task(world.officer, task, note="已整改")
    with pytest.raises(ValidationError):
        actions.complete_task(world.town_staff, task, note="")
    actions.complete_task(world.town_staff, task, note="已更新通讯录", now=at(6, 9))
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE and task.done_at == at(6, 9)
    with pytest.raises(WorkflowError):
        actions.complete_task(world.town_staff, task, note="再次")


@pytest.fixture
def masks(world):
    return actions.add_material(
        world.town_staff,
        area=world.town_a,
        category="防护用品",
        item="医用口罩",
        quantity="100",
        measure="只",
        site="东镇应急物资仓库",
        minimum="50",
        expires_on=dt.date(2026, 4, 1),
    )


def test_dispatch_and_return_move_the_stock(world, masks, incident):
    dispatch = actions.dispatch_material(
        world.town_staff, masks, quantity="60", destination="东一村", incident=incident, now=at(10, 14)
    )
    masks.refresh_from_db()
    assert masks.quantity == Decimal("40.00")
    assert list(low_stock()) == [masks]  # 40 < 50
    actions.return_material(world.town_staff, dispatch, quantity="15")
    masks.refresh_from_db()
    dispatch.refresh_from_db()
    assert masks.quantity == Decimal("55.00")
    assert dispatch.outstanding == Decimal("45.00")
    assert list(low_stock()) == []
    with pytest.raises(ValidationError, match="不能超过"):
        actions.return_material(world.town_staff, dispatch, quantity="46")


def test_a_dispatch_never_takes_the_stock_below_zero(world, masks):
    with pytest.raises(ValidationError, match="库存不足"):
        actions.dispatch_material(world.town_staff, masks, quantity="100.01", destination="东一村")
    with pytest.raises(ValidationError):
        actions.dispatch_material(world.town_staff, masks, quantity="-5", destination="东一村")
    actions.dispatch_material(world.town_staff, masks, quantity="100", destination="东一村")
    assert Material.objects.get(pk=masks.pk).quantity == Decimal("0.00")
    with pytest.raises(ValidationError, match="库存不足"):
        actions.dispatch_material(world.town_staff, masks, quantity="1", destination="东一村")


def test_a_stale_version_is_refused(world, masks):
    from anju.core.errors import Conflict

    seen = masks.version
    actions.restock(world.town_staff, masks, quantity="10")
    with pytest.raises(Conflict):
        actions.dispatch_material(
            world.town_staff, masks, quantity="1", destination="东一村", seen_version=seen
        )
    assert Material.objects.get(pk=masks.pk).quantity == Decimal("110.00")


def test_expiring_lists_materials_within_thirty_days(world, masks):
    assert list(expiring(dt.date(2026, 3, 1))) == []  # 31 days ahead
    assert list(expiring(dt.date(2026, 3, 2))) == [masks]
    assert list(expiring(dt.date(2026, 5, 1))) == [masks]  # expired is listed too
