"""Completeness counts per round and scope, the dashboard summary, and reminders through core's notices."""

from __future__ import annotations

import datetime as dt

from anju.core import notifications
from anju.core.models import AreaLevel, Notification
from anju.screening.actions import file_return, open_due_rounds, remind_missing, send_reminders
from anju.screening.models import RoundStatus
from anju.screening.queries import completeness, visible_rounds
from anju.screening.summary import completeness_for


def test_completeness_counts_filed_late_and_missing_within_scope(world, past_village_round):
    file_return(world.cadre, past_village_round, zero_report=True)  # late
    file_return(
        world.town_staff,
        past_village_round,
        area=world.village_a2,
        zero_report=True,
        now=_aware(past_village_round.due_date),
    )  # on time
    county = completeness(world.centre_staff, [past_village_round])[past_village_round.pk]
    assert (county.expected, county.filed, county.late, county.missing, county.overdue) == (3, 2, 1, 1, 1)
    assert county.rate == 66.7 and county.zero == 2
    town_b = completeness(world.cadre_b, [past_village_round])[past_village_round.pk]
    assert (town_b.expected, town_b.filed) == (1, 0)


def test_rounds_are_visible_through_the_returns_in_scope(world, rounds):
    assert set(visible_rounds(world.centre_staff)) == set(rounds.values())
    assert set(visible_rounds(world.cadre)) == {rounds[AreaLevel.VILLAGE]}
    assert set(visible_rounds(world.town_staff)) == {rounds[AreaLevel.VILLAGE], rounds[AreaLevel.TOWN]}
    assert set(visible_rounds(world.grid_worker)) == set()


def test_completeness_for_the_dashboard(world, today):
    assert completeness_for(world.leader) is None
    earlier = {r.level: r for r in open_due_rounds(today - dt.timedelta(days=20))}[AreaLevel.VILLAGE]
    current = {r.level: r for r in open_due_rounds(today)}[AreaLevel.VILLAGE]
    file_return(world.cadre, current, zero_report=True)
    summary = completeness_for(world.leader)
    assert summary["round"] == current
    assert (summary["filed"], summary["expected"], summary["late"], summary["rate"]) == (1, 3, 0, 33.3)
    current.status = RoundStatus.CLOSED
    current.save()
    assert completeness_for(world.leader)["round"] == earlier  # the latest open one
    earlier.status = RoundStatus.CLOSED
    earlier.save()
    assert completeness_for(world.leader)["round"] == current  # else the latest closed one
    assert completeness_for(world.cadre)["expected"] == 1


def _aware(day):
    from django.utils import timezone

    return timezone.make_aware(dt.datetime.combine(day, dt.time(10)))


def test_reminders_go_to_areas_not_filed_once_a_day(world):
    day = dt.date(2026, 12, 2)
    village = {r.level: r for r in open_due_rounds(day)}[AreaLevel.VILLAGE]  # due 12-18
    file_return(world.cadre_b, village, zero_report=True, now=_aware(day))
    assert send_reminders(day) == 0  # too early: more than 3 days before the due date
    reminder_day = dt.date(2026, 12, 15)
    sent = send_reminders(reminder_day)
    reminders = Notification.objects.filter(key__startswith="screening:remind:")
    # 东一村 (cun) has not filed; 西一村 has; 东二村 has nobody to notify; the town and county rounds are not due
    assert sent == 1 and list(reminders.values_list("user__username", flat=True)) == ["cun"]
    assert send_reminders(reminder_day) == 0  # once a day
    # overdue: cun is reminded again, marked so; the town centre of 东镇 learns which villages are missing (once)
    assert send_reminders(reminder_day + dt.timedelta(days=5)) == 2
    latest = reminders.order_by("-created_at", "-id").first()
    assert latest.title.startswith("【逾期】") and latest.kind == "screening.overdue"
    to_town = Notification.objects.get(user=world.town_staff, key__startswith="screening:overdue:")
    assert "东镇有 2 个单位逾期未报送" in to_town.title and to_town.body == "东一村、东二村"
    assert to_town.kind == "screening.missing_below"
    assert send_reminders(reminder_day + dt.timedelta(days=5)) == 0
    file_return(world.cadre, village, zero_report=True)
    assert send_reminders(reminder_day + dt.timedelta(days=6)) == 0


def test_a_centre_reminds_by_hand_once_a_day(world, village_round, today):
    assert (
        remind_missing(world.town_staff, village_round, today=today) == 1
    )  # only cun in 东镇 can be notified
    assert remind_missing(world.centre_staff, village_round, today=today) == 1  # cun_b; cun already today
    assert remind_missing(world.centre_staff, village_round, today=today) == 0


def test_screening_notices_carry_their_kind_and_count_as_unread(world, village_round):
    assert notifications.unread_count(world.cadre) == 1
    assert world.cadre.notifications.get().kind == "screening.round_opened"
    remind_missing(world.centre_staff, village_round, today=village_round.due_date)
    reminder = world.cadre.notifications.get(key__startswith="screening:remind:")
    assert (reminder.kind, notifications.unread_count(world.cadre)) == ("screening.reminder", 2)
