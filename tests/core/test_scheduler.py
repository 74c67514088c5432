"""The scheduled ticks: due times in local time, once per installation across hosts, retries, dead runs."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.test import override_settings

from anju.core.models import ScheduledRun, ScheduledRunStatus
from anju.core.scheduler import Entry, latest_slot, next_slot, run_cli, run_due
from racing import run_pair

SHANGHAI = ZoneInfo("Asia/Shanghai")
UTC = dt.UTC
DAILY = Entry(name="daily", argv=("x",), at=dt.time(7, 5))
WEEKLY = Entry(name="weekly", argv=("x",), at=dt.time(6, 0), weekday=0)
ONE_ENTRY = [{"name": "tick", "argv": ["tick"], "at": "07:05"}]


def local(*args):
    return dt.datetime(*args, tzinfo=SHANGHAI)


@override_settings(TIME_ZONE="Asia/Shanghai")
def test_due_times_are_local():
    thursday_14h = dt.datetime(2026, 12, 3, 6, 0, tzinfo=UTC)  # 14:00 in Shanghai, a Thursday
    assert latest_slot(DAILY, thursday_14h) == local(2026, 12, 3, 7, 5)
    assert next_slot(DAILY, thursday_14h) == local(2026, 12, 4, 7, 5)
    assert latest_slot(WEEKLY, thursday_14h) == local(2026, 11, 30, 6, 0)
    assert next_slot(WEEKLY, thursday_14h) == local(2026, 12, 7, 6, 0)
    early_thursday = dt.datetime(2026, 12, 2, 22, 0, tzinfo=UTC)  # 06:00 on Thursday in Shanghai
    assert latest_slot(DAILY, early_thursday) == local(2026, 12, 2, 7, 5)
    monday_six = local(2026, 11, 30, 6, 0)
    assert latest_slot(WEEKLY, monday_six) == monday_six  # a slot is due at its own minute


class Calls:
    def __init__(self, results=None):
        self.argvs = []
        self.results = list(results or [])

    def __call__(self, argv):
        self.argvs.append(tuple(argv))
        return self.results.pop(0) if self.results else (0, "完成")


@pytest.mark.django_db
@override_settings(TIME_ZONE="Asia/Shanghai", ANJU_SCHEDULE=ONE_ENTRY)
def test_a_new_installation_starts_with_the_next_due_time_then_runs_each_slot_once():
    calls = Calls()
    first = local(2026, 12, 3, 9, 0)
    assert run_due(first, "host-a", calls) == []
    skipped = ScheduledRun.objects.get()
    assert (skipped.slot, skipped.status) == (local(2026, 12, 3, 7, 5), ScheduledRunStatus.SKIPPED)
    assert calls.argvs == []

    next_morning = local(2026, 12, 4, 7, 6)
    runs = run_due(next_morning, "host-a", calls)
    assert [(r.slot, r.status, r.host, r.output) for r in runs] == [
        (local(2026, 12, 4, 7, 5), ScheduledRunStatus.DONE, "host-a", "完成")
    ]
    # the other host's worker and a later pass of this one find the slot taken
    assert run_due(next_morning + dt.timedelta(seconds=5), "host-b", calls) == []
    assert run_due(next_morning + dt.timedelta(hours=3), "host-a", calls) == []
    assert calls.argvs == [("tick",)]


@pytest.mark.django_db(transaction=True)
@override_settings(TIME_ZONE="Asia/Shanghai", ANJU_SCHEDULE=ONE_ENTRY)
def test_two_hosts_at_the_same_moment_run_the_tick_once():
    calls = Calls()
    run_due(local(2026, 12, 3, 9, 0), "host-a", calls)  # first sight
    moment = local(2026, 12, 4, 7, 5, 30)
    results = run_pair(lambda: run_due(moment, "host-a", calls), lambda: run_due(moment, "host-b", calls))
    ran = [value for outcome, value in results if value]
    assert len(ran) == 1
    assert calls.argvs == [("tick",)]
    assert ScheduledRun.objects.filter(status=ScheduledRunStatus.DONE).count() == 1


@pytest.mark.django_db
@override_settings(TIME_ZONE="Asia/Shanghai", ANJU_SCHEDULE=ONE_ENTRY)
def test_a_failed_run_is_retried_after_a_growing_pause_then_given_up():
    calls = Calls(results=[(1, "第一次失败"), (2, "第二次失败"), (1, "第三次失败"), (0, "不会运行")])
    run_due(local(2026, 12, 3, 9, 0), "host-a", calls)
    slot = local(2026, 12, 4, 7, 5)
    run_due(slot, "host-a", calls)
    run = ScheduledRun.objects.get(slot=slot)
    assert (run.status, run.attempts, run.error) == (ScheduledRunStatus.FAILED, 1, "退出码 1")

    assert run_due(slot + dt.timedelta(minutes=9), "host-b", calls) == []  # within the 10-minute pause
    [retry] = run_due(slot + dt.timedelta(minutes=11), "host-b", calls)
    assert (retry.status, retry.attempts, retry.host) == (ScheduledRunStatus.FAILED, 2, "host-b")
    # the second pause is twice as long (20 minutes from the second failure)
    assert run_due(slot + dt.timedelta(minutes=30), "host-a", calls) == []
    [third] = run_due(slot + dt.timedelta(minutes=32), "host-a", calls)
    assert (third.status, third.attempts, third.output) == (ScheduledRunStatus.FAILED, 3, "第三次失败")
    assert run_due(slot + dt.timedelta(hours=5), "host-a", calls) == []  # three attempts, then it stops
    assert len(calls.argvs) == 3


@pytest.mark.django_db
@override_settings(TIME_ZONE="Asia/Shanghai", ANJU_SCHEDULE=ONE_ENTRY)
def test_a_crashing_tick_is_recorded_with_its_traceback():
    def crash(argv):
        raise RuntimeError("数据库连接中断")

    run_due(local(2026, 12, 3, 9, 0), "host-a", crash)
    [run] = run_due(local(2026, 12, 4, 7, 5), "host-a", crash)
    assert run.status == ScheduledRunStatus.FAILED
    assert "RuntimeError: 数据库连接中断" in run.error


@pytest.mark.django_db
@override_settings(TIME_ZONE="Asia/Shanghai", ANJU_SCHEDULE=ONE_ENTRY)
def test_a_run_whose_host_died_is_taken_over_after_the_timeout():
    calls = Calls()
    run_due(local(2026, 12, 3, 9, 0), "host-a", calls)
    slot = local(2026, 12, 4, 7, 5)
    ScheduledRun.objects.create(
        name="tick", slot=slot, status=ScheduledRunStatus.RUNNING, host="dead", started_at=slot
    )
    assert run_due(slot + dt.timedelta(minutes=100), "host-b", calls) == []  # may still be running
    run_due(slot + dt.timedelta(minutes=121), "host-b", calls)  # timed out: marked failed, retry pause starts
    dead = ScheduledRun.objects.get(slot=slot)
    assert (dead.status, dead.error) == (ScheduledRunStatus.FAILED, "运行超时或运行主机中断。")
    [retry] = run_due(slot + dt.timedelta(minutes=132), "host-b", calls)
    assert (retry.status, retry.attempts, retry.host) == (ScheduledRunStatus.DONE, 2, "host-b")


@pytest.mark.django_db
@override_settings(TIME_ZONE="Asia/Shanghai", ANJU_SCHEDULE=ONE_ENTRY)
def test_a_slot_missed_by_more_than_the_catch_up_window_is_not_run_late():
    calls = Calls()
    run_due(local(2026, 12, 3, 9, 0), "host-a", calls)
    assert run_due(local(2026, 12, 4, 19, 6), "host-a", calls) == []  # 12 h 1 min after 07:05
    assert run_due(local(2026, 12, 5, 7, 5), "host-a", calls)[0].slot == local(2026, 12, 5, 7, 5)


@pytest.mark.django_db
def test_the_runner_runs_the_real_command(world):
    code, output = run_cli(["deadline-tick"])
    assert code == 0
    assert "发送办理期限提醒" in output
    code, output = run_cli(["no-such-command"])
    assert code == 2
    assert "invalid choice" in output


@pytest.mark.django_db
def test_the_schedule_page_is_for_administrators(client, world):
    ScheduledRun.objects.create(
        name="warn-scan", slot=local(2026, 11, 30, 6, 0), status=ScheduledRunStatus.FAILED, error="退出码 1"
    )
    client.force_login(world.admin)
    page = client.get("/manage/schedule/").content.decode()
    assert "anju warn-scan --weeks 4" in page
    assert "anju deadline-tick" in page
    assert "退出码 1" in page
    filtered = client.get("/manage/schedule/?status=done").content.decode()
    assert "退出码 1" not in filtered
    client.force_login(world.cadre)
    assert client.get("/manage/schedule/").status_code == 403


@override_settings(TIME_ZONE="Asia/Shanghai")
def test_an_every_minutes_entry_is_due_each_step_of_the_local_day():
    every_minute = Entry(name="m", argv=("x",), at=dt.time(0), every_minutes=1)
    every_seven = Entry(name="s", argv=("x",), at=dt.time(0), every_minutes=7)
    now = local(2026, 12, 3, 14, 3, 25)
    assert latest_slot(every_minute, now) == local(2026, 12, 3, 14, 3)
    assert next_slot(every_minute, now) == local(2026, 12, 3, 14, 4)
    assert latest_slot(every_seven, now) == local(2026, 12, 3, 14, 0)  # 840 minutes: a multiple of 7
    late = local(2026, 12, 3, 23, 58)  # 1438 minutes: the step of 23:55, then midnight restarts the count
    assert latest_slot(every_seven, late) == local(2026, 12, 3, 23, 55)
    assert next_slot(every_seven, late) == local(2026, 12, 4, 0, 0)


@pytest.mark.django_db
@override_settings(
    TIME_ZONE="Asia/Shanghai",
    ANJU_SCHEDULE=[{"name": "refresh", "argv": ["refresh"], "every_minutes": 1}],
)
def test_an_every_minutes_entry_runs_once_a_minute_and_keeps_a_day_of_runs():
    calls = Calls()
    start = local(2026, 12, 3, 9, 0, 30)
    assert run_due(start, "host-a", calls) == []  # first sight: from the next minute on
    assert run_due(start + dt.timedelta(seconds=20), "host-a", calls) == []  # the same minute
    runs = run_due(start + dt.timedelta(minutes=1), "host-b", calls)
    assert [(r.slot, r.status) for r in runs] == [(local(2026, 12, 3, 9, 1), ScheduledRunStatus.DONE)]
    assert calls.argvs == [("refresh",)]
    ScheduledRun.objects.create(
        name="refresh", slot=local(2026, 12, 1, 9, 0), status=ScheduledRunStatus.DONE, host="old"
    )
    run_due(start + dt.timedelta(minutes=2), "host-a", calls)
    assert not ScheduledRun.objects.filter(host="old").exists()  # older than a day: deleted
    assert ScheduledRun.objects.filter(name="refresh", status=ScheduledRunStatus.DONE).count() == 2
