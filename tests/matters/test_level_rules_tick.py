"""The level rules' daily job (``anju deadline-tick`` → ``apply_level_rules``): due progress reports and their
reminders, automatic 督办 of overdue matters, unanswered 督办 reported to the next level's leaders — each once,
so a second run the same day writes nothing. Days are written by hand from the default rules (较高: reports
every 7 days, 督办 1 day overdue, reported up after 3 unanswered days)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from anju.core.models import AuditEvent, Notification
from anju.matters import actions
from anju.matters.models import MatterEvent, ProgressReport, SupervisionNote


def at(day: dt.date, hour: int = 8) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


DAY0 = dt.date(2026, 3, 2)


def _high_assigned(world, make_matter, deadline=DAY0 + dt.timedelta(days=10)):
    matter = make_matter(likelihood=3, consequence=3, now=at(DAY0))
    actions.assign(
        world.centre_staff,
        matter,
        unit=world.police,
        person=world.officer,
        lead_leader=world.leader,
        deadline=deadline,
        now=at(DAY0),
    )
    return matter


def _counts():
    return (
        SupervisionNote.objects.count(),
        MatterEvent.objects.count(),
        Notification.objects.count(),
        ProgressReport.objects.count(),
        AuditEvent.objects.count(),
    )


def test_the_first_progress_report_is_due_a_week_after_assignment_and_reminded_once_a_day(world, make_matter):
    matter = _high_assigned(world, make_matter)
    report = ProgressReport.objects.get(matter=matter)
    assert report.due_on == dt.date(2026, 3, 9) and report.filed_at is None
    assert actions.apply_level_rules(at(dt.date(2026, 3, 5)))["progress_reminders"] == 0  # not yet due
    done = actions.apply_level_rules(at(dt.date(2026, 3, 8)))  # due tomorrow
    assert done["progress_reminders"] == 1 and done["progress_due"] == 0
    assert actions.apply_level_rules(at(dt.date(2026, 3, 8), 9))["progress_reminders"] == 0  # same day
    late = actions.apply_level_rules(at(dt.date(2026, 3, 10)))
    assert late["progress_reminders"] == 1
    assert Notification.objects.filter(user=world.officer, kind="matters.progress_report").count() == 2
    # filed late: the next is due 7 days after the filing
    actions.file_progress_report(world.officer, matter, text="已两次约谈", now=at(dt.date(2026, 3, 10), 15))
    report.refresh_from_db()
    assert report.filed_at is not None
    assert list(
        ProgressReport.objects.filter(matter=matter, filed_at__isnull=True).values_list("due_on", flat=True)
    ) == [dt.date(2026, 3, 17)]
    assert "逾期报告" in matter.events.get(kind="progress_report").note


def test_a_medium_matter_has_no_progress_reports(world, make_matter):
    matter = make_matter(likelihood=2, consequence=2, now=at(DAY0))
    actions.assign(world.centre_staff, matter, unit=world.police, now=at(DAY0))
    assert actions.apply_level_rules(at(dt.date(2026, 3, 12)))["progress_due"] == 0
    assert not ProgressReport.objects.filter(matter=matter).exists()


def test_an_overdue_matter_gets_one_automatic_supervision_per_deadline(world, make_matter):
    matter = _high_assigned(world, make_matter, deadline=dt.date(2026, 3, 6))
    assert (
        actions.apply_level_rules(at(dt.date(2026, 3, 6)))["auto_supervised"] == 0
    )  # due today, not overdue
    done = actions.apply_level_rules(at(dt.date(2026, 3, 7)))
    assert done["auto_supervised"] == 1
    note = SupervisionNote.objects.get(matter=matter)
    assert note.automatic and note.by is None and note.for_deadline == dt.date(2026, 3, 6)
    assert "已超期 1 天" in note.note
    event = matter.events.filter(kind="supervised").get()
    assert event.actor is None and event.data["automatic"] is True
    assert Notification.objects.filter(user=world.officer, kind="matters.supervised").count() == 1
    assert Notification.objects.filter(user=world.leader, kind="matters.supervised").count() == 1  # 包案领导
    before = _counts()
    again = actions.apply_level_rules(at(dt.date(2026, 3, 7), 9))
    assert again == {"progress_due": 0, "progress_reminders": 0, "auto_supervised": 0, "escalated": 0}
    assert _counts() == before
    # a new deadline (a manual 督办 extends it) that passes again earns a new automatic 督办
    actions.supervise(
        world.leader,
        matter,
        note="延期至 3 月 12 日",
        new_deadline=dt.date(2026, 3, 12),
        now=at(dt.date(2026, 3, 7), 10),
    )
    assert actions.apply_level_rules(at(dt.date(2026, 3, 13)))["auto_supervised"] == 1
    assert SupervisionNote.objects.filter(matter=matter, automatic=True).count() == 2


def test_an_unanswered_supervision_goes_to_the_next_levels_leader_once(world, make_matter):
    matter = _high_assigned(world, make_matter, deadline=dt.date(2026, 3, 6))
    actions.apply_level_rules(at(dt.date(2026, 3, 7)))  # the automatic 督办
    assert actions.apply_level_rules(at(dt.date(2026, 3, 9)))["escalated"] == 0  # 2 days: not yet
    done = actions.apply_level_rules(at(dt.date(2026, 3, 10)))
    assert done["escalated"] == 1
    # 东一村 is handled by the village: the town has no leader in this world, so the county's is told
    assert Notification.objects.filter(user=world.leader, kind="matters.supervision_escalated").count() == 1
    event = matter.events.get(kind="supervision_escalated")
    assert event.data["leaders"] == [world.leader.pk] and "lingdao" in event.note
    before = _counts()
    assert actions.apply_level_rules(at(dt.date(2026, 3, 10), 9))["escalated"] == 0
    assert _counts() == before


def test_an_answered_supervision_is_not_reported_upwards(world, make_matter):
    matter = _high_assigned(world, make_matter, deadline=dt.date(2026, 3, 6))
    actions.apply_level_rules(at(dt.date(2026, 3, 7)))
    actions.add_note(world.officer, matter, note="已约谈施工方，明日付款", now=at(dt.date(2026, 3, 8)))
    assert actions.apply_level_rules(at(dt.date(2026, 3, 11)))["escalated"] == 0
    assert not matter.events.filter(kind="supervision_escalated").exists()


def test_the_deadline_tick_command_applies_the_level_rules_once(world, make_matter, capsys):
    import argparse

    from anju.matters import cli

    _high_assigned(world, make_matter, deadline=dt.date(2026, 3, 6))

    def run() -> str:
        parser = argparse.ArgumentParser(prog="anju")
        cli.register(parser.add_subparsers(dest="command"))
        args = parser.parse_args(["deadline-tick", "--today", "2026-03-08"])
        assert args.func(args) == 0
        return capsys.readouterr().out

    assert "自动督办 1 件" in run()
    second = run()
    assert "自动督办 0 件" in second and "新增应报进展报告 0 份" in second
