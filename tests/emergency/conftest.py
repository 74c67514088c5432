"""Shared data of the emergency tests: a published special plan for 东镇 and a moment to run actions at."""

import pytest
from emergency_helpers import at

from anju.core.models import Domain
from anju.emergency import actions


@pytest.fixture
def health(world):
    return Domain.objects.get(code="health")


@pytest.fixture
def published_plan(world, health):
    """东镇食品安全专项预案, v1 published with 四级 and two working groups with tasks."""
    plan = actions.create_plan(
        world.town_staff,
        area=world.town_a,
        title="东镇食品安全事故专项应急预案",
        plan_type="special",
        classes=["public_health"],
        domains=[health],
        owner_unit=world.town_centre,
        now=at(1, 9),
    )
    version = plan.versions.get()
    version.groups.all().delete()
    actions.save_level(
        world.town_staff, version, level=4, trigger="一次食物中毒 30 人以上", measures="镇启动四级响应"
    )
    actions.save_group(
        world.town_staff, version, name="医疗救治组", lead_unit=world.town_centre, tasks="转运病人\n统计人数"
    )
    actions.save_group(
        world.town_staff, version, name="治安维稳组", lead_unit=world.police, tasks="维护现场秩序"
    )
    actions.approve_version(world.leader, version, now=at(2, 9))
    actions.publish_version(world.leader, version, now=at(2, 10))
    plan.refresh_from_db()
    return plan


@pytest.fixture
def incident(world, health):
    return actions.open_incident(
        world.town_staff,
        area=world.village_a1,
        title="东一村聚餐食物中毒",
        emergency_class="public_health",
        domain=health,
        grade="general",
        occurred_at=at(10, 12),
        learned_at=at(10, 13),
        description="村民聚餐后 30 人出现呕吐腹泻。",
        affected=30,
        injuries=30,
        now=at(10, 13, 10),
    )
