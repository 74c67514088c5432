"""Each emergency action's own guard, called directly (tests/guards.py), and scoping with a positive control."""

import datetime as dt

from emergency_helpers import at

from anju.core.scoping import scoped
from anju.emergency import actions
from anju.emergency.models import Incident, Material, Plan
from guards import check_guard, outsider

PLANNERS = {"admin", "centre_staff", "town_staff"}
APPROVERS = {"admin", "leader"}
RESOURCE = {"admin", "centre_staff", "town_staff", "officer"}
COMMAND = {"admin", "centre_staff", "town_staff", "leader"}


def test_create_plan_guard(world):
    check_guard(
        world,
        PLANNERS,
        lambda u: actions.create_plan(u, area=world.town_a, title="预案", plan_type="special"),
        insider=world.town_staff,
        outside=outsider(world, "centre_staff"),
    )


def test_approve_guard(world, published_plan):
    draft = actions.start_revision(world.town_staff, published_plan)
    check_guard(
        world,
        APPROVERS,
        lambda u: actions.approve_version(u, draft),
        insider=world.leader,
        outside=outsider(world, "leader"),
    )


def test_dispatch_guard(world):
    material = actions.add_material(
        world.town_staff,
        area=world.town_a,
        category="食品",
        item="矿泉水",
        quantity=100,
        measure="箱",
        site="仓库",
    )
    check_guard(
        world,
        RESOURCE,
        lambda u: actions.dispatch_material(u, material, quantity=1, destination="东一村"),
        insider=world.officer,
        outside=outsider(world, "centre_staff"),
    )


def test_activate_guard(world, published_plan, incident):
    check_guard(
        world,
        COMMAND,
        lambda u: actions.activate_response(u, incident, plan=published_plan, level=4),
        insider=world.leader,
        outside=outsider(world, "leader"),
    )


def test_open_incident_guard(world):
    check_guard(
        world,
        COMMAND,
        lambda u: actions.open_incident(
            u,
            area=world.village_a1,
            title="事件",
            emergency_class="accident",
            grade="general",
            occurred_at=at(1, 9),
            learned_at=at(1, 9),
            description="经过",
            now=at(1, 10),
        ),
        insider=world.town_staff,
        outside=outsider(world, "centre_staff"),
    )


def test_drill_guard(world):
    check_guard(
        world,
        RESOURCE,
        lambda u: actions.plan_drill(u, area=world.town_a, title="演练", date=dt.date(2026, 5, 1)),
        insider=world.officer,
        outside=outsider(world, "centre_staff"),
    )


def test_lists_are_scoped_to_the_area_with_a_positive_control(world, published_plan, incident):
    west = actions.create_plan(world.centre_staff, area=world.town_b, title="西镇预案", plan_type="overall")
    water = actions.add_material(
        world.centre_staff,
        area=world.town_b,
        category="食品",
        item="矿泉水",
        quantity=10,
        measure="箱",
        site="西镇",
    )
    assert set(scoped(world.town_staff, Plan)) == {published_plan}  # positive control: its own plan
    assert set(scoped(world.centre_staff, Plan)) == {published_plan, west}
    assert set(scoped(world.cadre_b, Plan)) == set()
    assert list(scoped(world.town_staff, Incident)) == [incident]
    assert list(scoped(world.cadre_b, Incident)) == []
    assert list(scoped(world.town_staff, Material)) == []
    assert list(scoped(world.cadre_b, Material)) == []  # 西一村 is below 西镇, the stock is the town's
    assert list(scoped(world.centre_staff, Material)) == [water]
