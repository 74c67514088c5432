"""Shared data of the early-warning tests."""

import datetime as dt

import pytest
from django.utils import timezone

from anju.matters.actions import create_matter
from anju.warning.counting import monday_of


def _matter(world, area, domain, when):
    occurred = timezone.make_aware(dt.datetime.combine(when, dt.time(10)))
    return create_matter(
        world.centre_staff,
        kind="demand",
        domain=domain,
        area=area,
        title="讨薪",
        description="农民工反映工资被拖欠",
        occurred_at=occurred,
    )


@pytest.fixture
def history(world):
    """80 weeks with a wage matter every other week in 东一村, then 8 in the current week."""
    today = timezone.localdate()
    this_monday = monday_of(today)
    for k in range(1, 80, 2):
        _matter(world, world.village_a1, world.wages, this_monday - dt.timedelta(weeks=k, days=-2))
    for _ in range(8):
        _matter(world, world.village_a1, world.wages, this_monday)
    # a matter at a grid counts for its village; one in another village stays there
    _matter(world, world.grid_a1, world.land, this_monday - dt.timedelta(weeks=3))
    _matter(world, world.village_b1, world.land, this_monday - dt.timedelta(weeks=3))
    return this_monday
