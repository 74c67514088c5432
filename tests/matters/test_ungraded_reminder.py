"""The daily 待研判 reminder (``anju deadline-tick``): centre staff are told how many matters in their area
have waited for 研判 longer than the configured hours; once per person and day."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from anju.core.models import Notification
from anju.matters import actions

NOW = timezone.make_aware(dt.datetime(2026, 12, 2, 8, 0))


def _matter(world, area, title, *, hours_ago, likelihood=None):
    return actions.create_matter(
        world.centre_staff,
        kind="demand",
        domain=world.wages,
        area=area,
        title=title,
        description="拖欠工资",
        likelihood=likelihood,
        consequence=likelihood,
        registered_at=NOW - dt.timedelta(hours=hours_ago),
        now=NOW - dt.timedelta(hours=hours_ago),
    )


def test_centre_staff_are_told_of_matters_waiting_for_grading(world, settings):
    settings.ANJU_UNGRADED_REMINDER_HOURS = 24
    _matter(world, world.village_a1, "东一村，两天未研判", hours_ago=48)
    _matter(world, world.village_b1, "西一村，一小时前登记", hours_ago=1)
    _matter(world, world.village_a2, "东二村，已研判", hours_ago=72, likelihood=2)

    assert actions.remind_ungraded(NOW) == 2
    told = {
        n.user.username: (n.kind, n.title, n.link)
        for n in Notification.objects.filter(kind="matters.ungraded")
    }
    assert told == {
        "zongzhi": ("matters.ungraded", "1 件事项待研判", "/matters/?status=registered"),
        "zhen": ("matters.ungraded", "1 件事项待研判", "/matters/?status=registered"),
    }
    assert actions.remind_ungraded(NOW + dt.timedelta(hours=3)) == 0  # once a day
    # the next day the county centre has two waiting (西一村's is now old enough), 东镇 still one
    assert actions.remind_ungraded(NOW + dt.timedelta(days=1)) == 2
    latest = Notification.objects.filter(kind="matters.ungraded", user=world.centre_staff).first()
    assert latest.title == "2 件事项待研判"


def test_nothing_waiting_no_notice(world):
    _matter(world, world.village_a1, "刚登记", hours_ago=2)
    assert actions.remind_ungraded(NOW) == 0
    assert not Notification.objects.filter(kind="matters.ungraded").exists()
