"""Notices of the matters workflow: 交办 and 督办 tell the responsible unit's active users (never the actor,
another unit or an inactive account), and the daily deadline reminder tells them once per matter and day."""

from __future__ import annotations

import argparse
import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from anju.core import actions as core_actions
from anju.core.errors import NotAllowed
from anju.core.models import Notification, User
from anju.core.roles import Role
from anju.matters import actions, cli


def _user(world, username, unit, *, role=Role.DEPARTMENT_OFFICER, area=None, active=True):
    user = core_actions.create_user(
        None,
        username=username,
        password="test-pass-123",
        role=role,
        area=area or world.town_a,
        unit=unit,
        display_name=username,
    )
    if not active:
        User.objects.filter(pk=user.pk).update(is_active=False)
    return user


@pytest.fixture
def police_team(world):
    """Besides 'bumen' (the officer): a second active officer and a left one (inactive) at the police."""
    return {
        "second": _user(world, "bumen2", world.police),
        "left": _user(world, "bumen_left", world.police, active=False),
    }


def _told(kind):
    return sorted(Notification.objects.filter(kind=kind).values_list("user__username", flat=True))


def test_assign_tells_the_responsible_units_active_users(world, make_matter, advance, police_team):
    matter = make_matter()
    advance(matter, "assessed")
    Notification.objects.all().delete()
    actions.assign(
        world.centre_staff,
        matter,
        unit=world.police,
        person=world.officer,
        lead_leader=world.leader,
        deadline=timezone.localdate() + dt.timedelta(days=7),
    )
    # the two active officers; not the actor (county centre), the village committee, nor the inactive account
    assert _told("matters.assigned") == ["bumen", "bumen2"]
    notice = Notification.objects.get(kind="matters.assigned", user=world.officer)
    assert notice.link == f"/matters/{matter.pk}/"
    assert matter.number in notice.title
    # besides the unit, only the 包案领导 named with the assignment is told (matters.lead_leader)
    assert Notification.objects.exclude(kind__in=["matters.assigned", "matters.lead_leader"]).count() == 0


def test_assign_does_not_tell_the_actor_of_their_own_unit(world, make_matter, advance):
    colleague = _user(world, "zhen2", world.town_centre, role=Role.CENTRE_STAFF)
    matter = make_matter()
    advance(matter, "assessed")
    Notification.objects.all().delete()
    actions.assign(
        world.town_staff,
        matter,
        unit=world.town_centre,
        person=world.town_staff,
        lead_leader=world.leader,
        deadline=timezone.localdate() + dt.timedelta(days=7),
    )
    assert _told("matters.assigned") == [colleague.username]


def test_a_refused_assignment_sends_nothing_and_saves_nothing(world, make_matter, advance, police_team):
    matter = make_matter()
    advance(matter, "assessed")
    Notification.objects.all().delete()
    with pytest.raises(ValidationError):
        actions.assign(
            world.centre_staff,
            matter,
            unit=world.police,
            lead_leader=world.leader,
            deadline=timezone.localdate() - dt.timedelta(days=1),
        )
    with pytest.raises(NotAllowed):
        actions.assign(
            world.cadre,
            matter,
            unit=world.police,
            lead_leader=world.leader,
            deadline=timezone.localdate() + dt.timedelta(days=7),
        )
    assert Notification.objects.count() == 0
    matter.refresh_from_db()
    assert matter.status == "assessed" and matter.responsible_unit is None


def test_supervise_tells_the_responsible_unit(world, make_matter, advance, police_team):
    matter = make_matter()
    advance(matter, "assigned")
    Notification.objects.all().delete()
    actions.supervise(world.leader, matter, note="请加快进度，本周内反馈。")
    assert _told("matters.supervised") == ["bumen", "bumen2"]
    notice = Notification.objects.get(kind="matters.supervised", user=police_team["second"])
    assert notice.link == f"/matters/{matter.pk}/"
    assert notice.body == "请加快进度，本周内反馈。"


def test_a_refused_supervision_sends_nothing(world, make_matter, advance, police_team):
    matter = make_matter()
    advance(matter, "assigned")
    Notification.objects.all().delete()
    with pytest.raises(ValidationError):
        actions.supervise(world.leader, matter, note="  ")
    with pytest.raises(NotAllowed):
        actions.supervise(world.officer, matter, note="督办")
    assert Notification.objects.count() == 0
    assert not matter.supervision_notes.exists()


def test_supervising_an_unassigned_matter_tells_nobody(world, make_matter):
    matter = make_matter()
    actions.supervise(world.leader, matter, note="尽快研判")
    assert Notification.objects.filter(kind="matters.supervised").count() == 0


def _at(day: dt.date, hour: int = 8) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@pytest.fixture
def deadlines(world, make_matter, advance, police_team):
    """Assigned to the police, seen from 'today' = 2026-12-10: due in 2 days, due in 10 days, 5 days
    overdue, due in 1 day but resolved (its deadline no longer runs), and one assigned to the village
    committee due tomorrow."""
    assigned_on = _at(dt.date(2026, 12, 1))
    made = {}
    for name, deadline, until in [
        ("soon", dt.date(2026, 12, 12), "assigned"),
        ("later", dt.date(2026, 12, 20), "assigned"),
        ("overdue", dt.date(2026, 12, 5), "resolving"),
        ("resolved", dt.date(2026, 12, 11), "resolved"),
    ]:
        matter = make_matter(title=f"事项 {name}")
        advance(matter, until, now=assigned_on, deadline=deadline)
        made[name] = matter
    village = make_matter(title="事项 village")
    actions.assess(world.centre_staff, village, likelihood=2, consequence=2, now=assigned_on)
    actions.assign(
        world.centre_staff,
        village,
        unit=world.committee_a1,
        lead_leader=world.leader,
        deadline=dt.date(2026, 12, 11),
        now=assigned_on,
    )
    made["village"] = village
    Notification.objects.all().delete()
    return made


def test_deadline_reminders_reach_due_and_overdue_matters_once_a_day(world, deadlines, police_team):
    today = _at(dt.date(2026, 12, 10))
    sent = actions.remind_deadlines(today)
    # soon and overdue: bumen and bumen2 each (4); village: cun and wangge (2)
    assert sent == 6
    by_matter = {}
    for n in Notification.objects.filter(kind="matters.deadline"):
        by_matter.setdefault(n.link, set()).add(n.user.username)
    assert by_matter == {
        f"/matters/{deadlines['soon'].pk}/": {"bumen", "bumen2"},
        f"/matters/{deadlines['overdue'].pk}/": {"bumen", "bumen2"},
        f"/matters/{deadlines['village'].pk}/": {"cun", "wangge"},
    }
    overdue = Notification.objects.get(user=world.officer, link=f"/matters/{deadlines['overdue'].pk}/")
    assert overdue.title.startswith("【逾期】") and "2026-12-05" in overdue.body
    soon = Notification.objects.get(user=world.officer, link=f"/matters/{deadlines['soon'].pk}/")
    assert soon.title.startswith("即将到期") and "2026-12-12" in soon.body
    assert soon.key == f"matters:deadline:{deadlines['soon'].pk}:2026-12-10"

    # a second run the same day sends nothing; the next day reminds again
    assert actions.remind_deadlines(_at(dt.date(2026, 12, 10), 18)) == 0
    assert actions.remind_deadlines(_at(dt.date(2026, 12, 11))) == 6
    assert Notification.objects.filter(kind="matters.deadline").count() == 12


def test_deadline_reminder_days_come_from_the_setting(world, deadlines, settings):
    settings.ANJU_DEADLINE_REMINDER_DAYS = 0
    # only the overdue matter is due "within 0 days" on 2026-12-10
    assert actions.remind_deadlines(_at(dt.date(2026, 12, 10))) == 2
    assert actions.remind_deadlines(_at(dt.date(2026, 12, 11)), days_before=10) == 8  # all four open ones


def _run(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="anju")
    cli.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["deadline-tick", *argv])
    return args.func(args)


def test_deadline_tick_command(world, deadlines, capsys):
    assert _run("--today", "2026-12-10") == 0
    assert "发送办理期限提醒 6 条。" in capsys.readouterr().out
    assert _run("--today", "2026-12-10") == 0
    assert "发送办理期限提醒 0 条。" in capsys.readouterr().out


def test_deadline_tick_is_listed_by_anju():
    from anju.cli import build_parser

    assert "deadline-tick" in build_parser().format_help()
