"""Yearly drill plans and their completion figures, stocktaking that corrects the book, requisition with
return and compensation, a drill finding that calls for plan revision; each action's guard and scoping."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from emergency_helpers import at

from anju.core.errors import WorkflowError
from anju.core.models import AuditEvent
from anju.core.scoping import scoped
from anju.emergency import actions
from anju.emergency.figures import programme_figures
from anju.emergency.models import Material, Plan, Requisition, ReturnState, Stocktake
from guards import check_guard, outsider

DRILL = {"admin", "centre_staff", "town_staff", "officer"}
RESOURCE = {"admin", "centre_staff", "town_staff", "officer"}
INCIDENT = {"admin", "centre_staff", "town_staff", "leader"}


@pytest.fixture
def water(world):
    return actions.add_material(
        world.town_staff,
        area=world.town_a,
        category="食品",
        item="矿泉水",
        quantity="120",
        measure="箱",
        site="东镇应急物资仓库",
    )


# ---- yearly drill plan ----------------------------------------------------------------------------------


def test_completion_figures_of_a_hand_built_year(world):
    east = actions.create_programme(world.town_staff, area=world.town_a, year=2026)
    west = actions.create_programme(world.admin, area=world.town_b, year=2026)
    # 东镇 promises four drills: one conducted early, one conducted late, one past its target, one ahead.
    early = actions.add_programme_item(
        world.town_staff, east, title="防汛桌面推演", target_date=dt.date(2026, 2, 28)
    )
    late = actions.add_programme_item(
        world.town_staff, east, title="食物中毒实战演练", target_date=dt.date(2026, 3, 1), form="live"
    )
    actions.add_programme_item(world.town_staff, east, title="消防疏散演练", target_date=dt.date(2026, 3, 5))
    actions.add_programme_item(
        world.town_staff, east, title="地质灾害避险演练", target_date=dt.date(2026, 6, 1)
    )
    actions.record_drill(
        world.town_staff, early.drill, date=dt.date(2026, 2, 20), summary="完成", now=at(10, 9)
    )
    actions.record_drill(
        world.town_staff, late.drill, date=dt.date(2026, 3, 8), summary="完成", now=at(10, 9)
    )
    # 西镇 promises one, not yet due.
    actions.add_programme_item(world.admin, west, title="西镇桌面推演", target_date=dt.date(2026, 9, 1))

    rows, total = programme_figures(world.admin, 2026, dt.date(2026, 3, 10))
    assert [(r.area, r.planned, r.conducted, r.on_time, r.overdue) for r in rows] == [
        ("东镇", 4, 2, 1, 1),
        ("西镇", 1, 0, 0, 0),
    ]
    assert (total.planned, total.conducted, total.on_time, total.overdue) == (5, 2, 1, 1)
    assert rows[0].completion == 50 and rows[1].completion == 0
    # scoped: 东镇's staff see 东镇 only (positive control: their own row is there)
    rows, total = programme_figures(world.town_staff, 2026, dt.date(2026, 3, 10))
    assert [(r.area, r.planned) for r in rows] == [("东镇", 4)]
    assert programme_figures(world.town_staff, 2025, dt.date(2026, 3, 10))[1].planned == 0


def test_a_programme_is_one_per_area_and_year_and_items_stay_in_its_year(world):
    programme = actions.create_programme(world.town_staff, area=world.town_a, year=2026)
    with pytest.raises(ValidationError, match="已存在"):
        actions.create_programme(world.town_staff, area=world.town_a, year=2026)
    with pytest.raises(ValidationError, match="2026 年内"):
        actions.add_programme_item(world.town_staff, programme, title="演练", target_date=dt.date(2027, 1, 5))
    with pytest.raises(ValidationError):  # the drill's own checks hold: a title is needed
        actions.add_programme_item(world.town_staff, programme, title=" ", target_date=dt.date(2026, 5, 5))
    assert programme.items.count() == 0


def test_programme_guards(world):
    stranger = outsider(world, "centre_staff")
    programme = check_guard(
        world,
        DRILL,
        lambda u: actions.create_programme(u, area=world.town_a, year=2026),
        insider=world.town_staff,
        outside=stranger,
    )
    check_guard(
        world,
        DRILL,
        lambda u: actions.add_programme_item(u, programme, title="演练", target_date=dt.date(2026, 5, 5)),
        insider=world.officer,
        outside=stranger,
    )


# ---- stocktaking ------------------------------------------------------------------------------------------


def test_a_stocktake_records_the_difference_and_corrects_the_book(world, water):
    actions.dispatch_material(world.town_staff, water, quantity="20", destination="东一村")
    water.refresh_from_db()  # book: 120 − 20 = 100
    with pytest.raises(ValidationError, match="差异说明"):
        actions.record_stocktake(world.town_staff, water, counted="97")
    count = actions.record_stocktake(
        world.town_staff, water, counted="97", note="3 箱破损报废", seen_version=water.version, now=at(12, 10)
    )
    assert (count.book_quantity, count.counted_quantity, count.difference) == (
        Decimal("100.00"),
        Decimal("97.00"),
        Decimal("-3.00"),
    )
    water.refresh_from_db()
    assert water.quantity == Decimal("97.00")
    event = AuditEvent.objects.filter(action="emergency.material_stocktake").get()
    assert event.before["quantity"] in ("100.00", 100, "100")
    # a later dispatch works from the corrected book: 97 − 90 = 7; 8 more is refused
    actions.dispatch_material(world.town_staff, water, quantity="90", destination="东二村")
    with pytest.raises(ValidationError, match="库存不足"):
        actions.dispatch_material(world.town_staff, water, quantity="8", destination="东二村")
    # a count that agrees needs no note and changes nothing
    same = actions.record_stocktake(world.town_staff, water, counted="7", now=at(13, 10))
    assert same.difference == Decimal("0.00")
    assert Material.objects.get(pk=water.pk).quantity == Decimal("7.00")


def test_a_bad_count_saves_nothing(world, water):
    with pytest.raises(ValidationError):
        actions.record_stocktake(world.town_staff, water, counted="-1", note="x")
    with pytest.raises(ValidationError):
        actions.record_stocktake(world.town_staff, water, counted="很多", note="x")
    assert Stocktake.objects.count() == 0
    assert Material.objects.get(pk=water.pk).quantity == Decimal("120.00")


def test_stocktake_guard_and_scope(world, water):
    stranger = outsider(world, "centre_staff")
    check_guard(
        world,
        RESOURCE,
        lambda u: actions.record_stocktake(u, water, counted="120"),
        insider=world.officer,
        outside=stranger,
    )
    assert scoped(world.town_staff, Stocktake).count() == 1  # positive control
    assert scoped(stranger, Stocktake).count() == 0


# ---- requisition and compensation ----------------------------------------------------------------------


def test_requisition_returned_and_compensated(world, incident):
    truck = actions.requisition(
        world.town_staff,
        incident,
        what="冷藏货车 1 辆",
        owner="东镇鲜达物流有限公司",
        owner_category="company",
        started_on=dt.date(2026, 3, 10),
        now=at(10, 15),
    )
    with pytest.raises(WorkflowError, match="返还后"):
        actions.record_compensation(
            world.town_staff, truck, amount="1800", paid_on=dt.date(2026, 3, 12), now=at(12, 9)
        )
    with pytest.raises(ValidationError, match="早于开始"):
        actions.return_requisitioned(
            world.town_staff, truck, ended_on=dt.date(2026, 3, 9), return_state="intact", now=at(12, 9)
        )
    actions.return_requisitioned(
        world.town_staff, truck, ended_on=dt.date(2026, 3, 11), return_state="damaged", now=at(12, 9)
    )
    with pytest.raises(ValidationError, match="补偿金额"):
        actions.record_compensation(
            world.town_staff, truck, amount="-5", paid_on=dt.date(2026, 3, 12), now=at(20, 9)
        )
    actions.record_compensation(
        world.town_staff, truck, amount="1800.5", paid_on=dt.date(2026, 3, 20), now=at(20, 9)
    )
    truck.refresh_from_db()
    assert (truck.ended_on, truck.return_state, truck.compensation, truck.paid_on) == (
        dt.date(2026, 3, 11),
        ReturnState.DAMAGED,
        Decimal("1800.50"),
        dt.date(2026, 3, 20),
    )
    with pytest.raises(WorkflowError, match="已登记"):
        actions.record_compensation(
            world.town_staff, truck, amount="1", paid_on=dt.date(2026, 3, 20), now=at(20, 9)
        )
    assert list(incident.requisitions.all()) == [truck]


def test_a_requisition_needs_what_and_whose(world, incident):
    with pytest.raises(ValidationError) as error:
        actions.requisition(
            world.town_staff, incident, what="", owner="", owner_category="x", started_on=None, now=at(10, 15)
        )
    assert set(error.value.message_dict) == {"what", "owner", "owner_category", "started_on"}
    assert Requisition.objects.count() == 0


def test_requisition_guards_and_scope(world, incident):
    stranger = outsider(world, "centre_staff")
    item = check_guard(
        world,
        INCIDENT,
        lambda u: actions.requisition(
            u,
            incident,
            what="帐篷 20 顶",
            owner="东镇中学",
            owner_category="public",
            started_on=dt.date(2026, 3, 10),
            now=at(10, 15),
        ),
        insider=world.town_staff,
        outside=stranger,
    )
    check_guard(
        world,
        INCIDENT,
        lambda u: actions.return_requisitioned(
            u, item, ended_on=dt.date(2026, 3, 11), return_state="intact", now=at(12, 9)
        ),
        insider=world.leader,
        outside=outsider(world, "leader"),
    )
    check_guard(
        world,
        INCIDENT,
        lambda u: actions.record_compensation(
            u, item, amount="0", paid_on=dt.date(2026, 3, 12), now=at(12, 9)
        ),
        insider=world.town_staff,
        outside=stranger,
    )
    assert list(scoped(world.town_staff, Requisition)) == [item]  # positive control
    assert scoped(stranger, Requisition).count() == 0


# ---- a finding that calls for plan revision ---------------------------------------------------------------


def test_a_finding_flagged_for_revision_makes_the_plan_due(world, published_plan):
    assert published_plan.review_due == dt.date(2029, 3, 2)  # published 2 March 2026, 3-year cycle
    drill = actions.plan_drill(
        world.town_staff, area=world.town_a, title="推演", date=dt.date(2026, 3, 5), plan=published_plan
    )
    actions.record_drill(world.town_staff, drill, date=dt.date(2026, 3, 5), summary="完成", now=at(5, 18))
    actions.add_finding(world.town_staff, drill, text="小问题", owner_unit=world.town_centre, now=at(5, 18))
    assert Plan.objects.get(pk=published_plan.pk).review_due == dt.date(2029, 3, 2)
    actions.add_finding(
        world.town_staff,
        drill,
        text="预案分级标准与实际不符",
        owner_unit=world.town_centre,
        needs_plan_revision=True,
        now=at(6, 9),
    )
    assert Plan.objects.get(pk=published_plan.pk).review_due == dt.date(2026, 3, 6)
    unlinked = actions.plan_drill(
        world.town_staff, area=world.town_a, title="无预案", date=dt.date(2026, 3, 5)
    )
    actions.record_drill(world.town_staff, unlinked, date=dt.date(2026, 3, 5), summary="完成", now=at(5, 18))
    with pytest.raises(ValidationError, match="未关联预案"):
        actions.add_finding(
            world.town_staff, unlinked, text="问题", owner_unit=world.town_centre, needs_plan_revision=True
        )
