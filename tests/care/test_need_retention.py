"""Need markers live no longer than the care: the daily job ends a plan once its matter has been archived for
the care period, removes the markers no active plan keeps, and logs each removal. Run with a clock."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from anju.care import actions
from anju.care.models import CarePlan, NeedMarker, PlanStatus
from anju.core.models import AuditEvent
from conftest import archive

REASON = "家庭困难，需持续帮扶"


def _day(days: int) -> dt.datetime:
    """Nine in the morning, ``days`` days after 2026-03-02 (a Monday)."""
    return timezone.make_aware(dt.datetime(2026, 3, 2, 9)) + dt.timedelta(days=days)


def _needs(party) -> list[str]:
    return sorted(NeedMarker.objects.filter(party=party).values_list("need", flat=True))


def test_plan_ends_after_the_matter_is_archived_for_the_period_and_its_markers_go(
    world, cadres_matter, settings
):
    settings.ANJU_CARE_AFTER_ARCHIVE_DAYS = 30
    party = cadres_matter.parties.get()
    plan = actions.open_plan(world.cadre, party, care_person=world.cadre, reason=REASON, now=_day(0))
    actions.set_needs(world.cadre, party, ["elderly", "hardship"], now=_day(0))
    archive(world, cadres_matter, now=_day(5))

    assert actions.care_tick(_day(34)) == {"plans_ended": 0, "needs_removed": 0, "reminders": 0}
    assert CarePlan.objects.get(pk=plan.pk).status == PlanStatus.ACTIVE
    assert _needs(party) == ["elderly", "hardship"]

    # archived on day 5 at nine; thirty days later the plan ends and both markers are removed
    assert actions.care_tick(_day(35)) == {"plans_ended": 1, "needs_removed": 2, "reminders": 0}
    plan.refresh_from_db()
    assert plan.status == PlanStatus.CLOSED
    assert plan.closed_at == _day(35)
    assert "30" in plan.close_reason
    assert _needs(party) == []
    removals = AuditEvent.objects.filter(action="care.need_removed", object_id=str(party.pk)).order_by("id")
    assert [e.before["need"] for e in removals] == ["elderly", "hardship"]
    assert all(e.actor is None and e.area == world.village_a1 for e in removals)
    assert AuditEvent.objects.filter(action="care.plan_expire", object_id=str(plan.pk)).count() == 1

    # the next day nothing more is done
    assert actions.care_tick(_day(36)) == {"plans_ended": 0, "needs_removed": 0, "reminders": 0}


def test_markers_go_at_the_next_run_after_the_care_person_closes_the_plan(world, cadres_matter):
    party = cadres_matter.parties.get()
    plan = actions.open_plan(world.cadre, party, care_person=world.cadre, reason=REASON, now=_day(0))
    actions.set_needs(world.cadre, party, ["counselling"], now=_day(0))
    assert actions.remove_expired_needs(_day(1)) == 0
    actions.close_plan(world.cadre, plan, reason="心理状况已恢复", now=_day(2))
    assert actions.remove_expired_needs(_day(3)) == 1
    assert _needs(party) == []


def test_markers_without_a_plan_go_after_the_period(world, cadres_matter, other_matter, settings):
    settings.ANJU_CARE_AFTER_ARCHIVE_DAYS = 10
    party = cadres_matter.parties.get()
    kept = other_matter.parties.get()
    actions.set_needs(world.cadre, party, ["migrant_worker"], now=_day(0))
    actions.set_needs(world.town_staff, kept, ["minor"], now=_day(0))
    actions.open_plan(world.town_staff, kept, care_person=world.town_staff, reason=REASON, now=_day(0))

    assert actions.remove_expired_needs(_day(9)) == 0
    assert actions.remove_expired_needs(_day(10)) == 1
    assert _needs(party) == []
    assert _needs(kept) == ["minor"]  # an active plan keeps its party's markers, however old


def test_an_archived_matter_within_the_period_keeps_its_plan(world, cadres_matter):
    """The default period is 90 days."""
    party = cadres_matter.parties.get()
    plan = actions.open_plan(world.cadre, party, care_person=world.cadre, reason=REASON, now=_day(0))
    archive(world, cadres_matter, now=_day(1))
    assert actions.end_expired_plans(_day(90)) == 0
    assert actions.end_expired_plans(_day(91)) == 1
    assert CarePlan.objects.get(pk=plan.pk).status == PlanStatus.CLOSED


def _care_tick(*argv: str) -> int:
    import argparse

    from anju.care import cli

    parser = argparse.ArgumentParser(prog="anju")
    cli.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["care-tick", *argv])
    return args.func(args)


def test_care_tick_command_runs_as_of_a_day(world, cadres_matter, settings, capsys):
    from anju.cli import build_parser

    assert "care-tick" in build_parser().format_help()
    settings.ANJU_CARE_AFTER_ARCHIVE_DAYS = 10
    party = cadres_matter.parties.get()
    actions.set_needs(world.cadre, party, ["disability"], now=_day(0))
    assert _care_tick("--today", "2026-03-11") == 0  # day 9
    assert "删除到期需求标记 0 个" in capsys.readouterr().out
    assert _care_tick("--today", "2026-03-13") == 0  # day 11
    assert "删除到期需求标记 1 个" in capsys.readouterr().out
    assert _needs(party) == []


def test_no_new_plan_once_the_care_period_after_archiving_has_passed(world, cadres_matter, settings):
    from anju.core.errors import WorkflowError

    settings.ANJU_CARE_AFTER_ARCHIVE_DAYS = 10
    party = cadres_matter.parties.get()
    archive(world, cadres_matter, now=_day(0))
    plan = actions.open_plan(world.cadre, party, care_person=world.cadre, reason=REASON, now=_day(9))
    actions.close_plan(world.cadre, plan, reason="已回访，无需继续", now=_day(9))
    with pytest.raises(WorkflowError, match="超过关爱期限"):
        actions.open_plan(world.cadre, party, care_person=world.cadre, reason=REASON, now=_day(10))
