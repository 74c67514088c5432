"""Round generation: periods per cadence across month, quarter and year ends; idempotent opening."""

from __future__ import annotations

import datetime as dt

import pytest

from anju.core.models import AreaLevel
from anju.screening import periods
from anju.screening.actions import ensure_default_cadences, open_due_rounds, update_cadence
from anju.screening.models import Cadence, PeriodKind, Return, Round, RoundStatus

D = dt.date


@pytest.mark.parametrize(
    ("kind", "day", "expected"),
    [
        (periods.SEMI_MONTHLY, D(2026, 2, 15), (D(2026, 2, 1), D(2026, 2, 15))),
        (periods.SEMI_MONTHLY, D(2026, 2, 16), (D(2026, 2, 16), D(2026, 2, 28))),
        (periods.SEMI_MONTHLY, D(2024, 2, 29), (D(2024, 2, 16), D(2024, 2, 29))),
        (periods.SEMI_MONTHLY, D(2026, 12, 31), (D(2026, 12, 16), D(2026, 12, 31))),
        (periods.SEMI_MONTHLY, D(2027, 1, 1), (D(2027, 1, 1), D(2027, 1, 15))),
        (periods.MONTHLY, D(2026, 4, 30), (D(2026, 4, 1), D(2026, 4, 30))),
        (periods.MONTHLY, D(2026, 12, 31), (D(2026, 12, 1), D(2026, 12, 31))),
        (periods.QUARTERLY, D(2026, 3, 31), (D(2026, 1, 1), D(2026, 3, 31))),
        (periods.QUARTERLY, D(2026, 4, 1), (D(2026, 4, 1), D(2026, 6, 30))),
        (periods.QUARTERLY, D(2026, 9, 30), (D(2026, 7, 1), D(2026, 9, 30))),
        (periods.QUARTERLY, D(2026, 12, 31), (D(2026, 10, 1), D(2026, 12, 31))),
    ],
)
def test_period_containing(kind, day, expected):
    assert periods.period_containing(kind, day) == expected


def test_period_labels():
    assert periods.period_label(periods.SEMI_MONTHLY, D(2026, 11, 16)) == "2026年11月下半月"
    assert periods.period_label(periods.MONTHLY, D(2026, 11, 1)) == "2026年11月"
    assert periods.period_label(periods.QUARTERLY, D(2026, 10, 1)) == "2026年第4季度"


def test_default_cadences_are_created_once_per_county(world):
    created = ensure_default_cadences()
    assert {(c.level, c.period_kind) for c in created} == {
        (AreaLevel.VILLAGE, PeriodKind.SEMI_MONTHLY),
        (AreaLevel.TOWN, PeriodKind.MONTHLY),
        (AreaLevel.COUNTY, PeriodKind.QUARTERLY),
    }
    assert ensure_default_cadences() == []
    assert Cadence.objects.filter(county=world.county).count() == 3


def test_open_due_rounds_opens_each_level_with_its_filers_and_is_idempotent(world):
    day = D(2026, 12, 20)
    opened = open_due_rounds(day)
    by_level = {r.level: r for r in opened}
    village, town, county = by_level[AreaLevel.VILLAGE], by_level[AreaLevel.TOWN], by_level[AreaLevel.COUNTY]
    assert (village.period_start, village.period_end, village.due_date) == (
        D(2026, 12, 16),
        D(2026, 12, 31),
        D(2027, 1, 3),
    )
    assert (town.period_start, town.period_end, town.due_date) == (
        D(2026, 12, 1),
        D(2026, 12, 31),
        D(2027, 1, 5),
    )
    assert (county.period_start, county.period_end, county.due_date) == (
        D(2026, 10, 1),
        D(2026, 12, 31),
        D(2027, 1, 10),
    )
    assert set(village.returns.values_list("area__name", flat=True)) == {"东一村", "东二村", "西一村"}
    assert set(town.returns.values_list("area__name", flat=True)) == {"东镇", "西镇"}
    assert list(county.returns.values_list("area__name", flat=True)) == ["示范县"]
    assert all(r.status == RoundStatus.OPEN for r in opened)

    # the same day again, and a later day of the same periods: nothing new
    assert open_due_rounds(day) == []
    assert open_due_rounds(D(2026, 12, 31)) == []
    assert Round.objects.count() == 3
    assert (
        Return.objects.count() == 7
    )  # 3 villages, 2 towns, 东镇派出所 (a 镇直单位, in the town round), the county
    assert list(town.returns.filter(department__isnull=False).values_list("department__name", flat=True)) == [
        "东镇派出所"
    ]

    # the next day is a new year: a new village, town and county round
    next_year = {r.level: r for r in open_due_rounds(D(2027, 1, 1))}
    assert next_year[AreaLevel.VILLAGE].period_start == D(2027, 1, 1)
    assert next_year[AreaLevel.TOWN].period_end == D(2027, 1, 31)
    assert next_year[AreaLevel.COUNTY].period_end == D(2027, 3, 31)
    assert world.county.__class__.objects.filter(pk=world.county.pk).exists()


def test_opening_records_audit_and_notifies_the_filers(world):
    from anju.core.models import AuditEvent

    open_due_rounds(D(2026, 12, 20))
    assert AuditEvent.objects.filter(action="screening.round_opened").count() == 3
    assert world.cadre.notifications.count() == 1  # 东一村's village round
    assert world.town_staff.notifications.count() == 1  # 东镇's town round
    assert world.centre_staff.notifications.count() == 1  # the county's quarterly round
    assert world.leader.notifications.count() == 0  # leaders do not file
    assert "报送" in world.cadre.notifications.get().body


def test_a_new_village_is_listed_in_the_open_round(world):
    from anju.core import actions as core_actions

    day = D(2026, 12, 20)
    village = {r.level: r for r in open_due_rounds(day)}[AreaLevel.VILLAGE]
    core_actions.create_area(
        None, code="330101003000", name="东三村", level=AreaLevel.VILLAGE, parent=world.town_a
    )
    open_due_rounds(day)
    assert village.returns.filter(area__name="东三村").exists()


def test_rounds_close_automatically_after_the_grace_days_and_inactive_cadences_open_nothing(world):
    first = {r.level: r for r in open_due_rounds(D(2026, 1, 5))}[AreaLevel.VILLAGE]  # due 2026-01-18
    open_due_rounds(D(2026, 2, 17))  # 30 days after due: still open
    first.refresh_from_db()
    assert first.status == RoundStatus.OPEN
    open_due_rounds(D(2026, 2, 18))
    first.refresh_from_db()
    assert first.status == RoundStatus.CLOSED and first.closed_at is not None

    Cadence.objects.filter(level=AreaLevel.TOWN).update(active=False)
    opened = open_due_rounds(D(2026, 3, 2))
    assert {r.level for r in opened} == {AreaLevel.VILLAGE}


def test_update_cadence_changes_future_rounds_only(world):
    ensure_default_cadences()
    cadence = Cadence.objects.get(level=AreaLevel.VILLAGE)
    before = {r.level: r for r in open_due_rounds(D(2026, 5, 3))}[AreaLevel.VILLAGE]
    update_cadence(
        world.centre_staff,
        cadence,
        period_kind=PeriodKind.MONTHLY,
        due_offset_days=18,
        close_after_days=None,
        active=True,
    )
    after = {r.level: r for r in open_due_rounds(D(2026, 6, 2))}[AreaLevel.VILLAGE]
    assert (after.period_start, after.period_end, after.due_date) == (
        D(2026, 6, 1),
        D(2026, 6, 30),
        D(2026, 7, 18),
    )
    before.refresh_from_db()
    assert before.period_kind == PeriodKind.SEMI_MONTHLY and before.period_end == D(2026, 5, 15)


def test_update_cadence_refuses_bad_values_and_other_roles(world):
    from django.core.exceptions import ValidationError

    from anju.matters.actions import WorkflowError

    ensure_default_cadences()
    cadence = Cadence.objects.get(level=AreaLevel.VILLAGE)
    with pytest.raises(ValidationError) as exc:
        update_cadence(
            world.centre_staff,
            cadence,
            period_kind="weekly",
            due_offset_days=90,
            close_after_days=None,
            active=True,
        )
    assert set(exc.value.message_dict) == {"period_kind", "due_offset_days"}
    with pytest.raises(WorkflowError):
        update_cadence(
            world.cadre, cadence, period_kind="monthly", due_offset_days=3, close_after_days=None, active=True
        )
    with pytest.raises(WorkflowError):  # the town centre cannot change the county's cadence
        update_cadence(
            world.town_staff,
            cadence,
            period_kind="monthly",
            due_offset_days=3,
            close_after_days=None,
            active=True,
        )
    cadence.refresh_from_db()
    assert cadence.period_kind == PeriodKind.SEMI_MONTHLY
