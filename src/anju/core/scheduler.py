"""The daily and weekly ticks, run exactly once per installation however many hosts run a worker.

Every ``anju worker`` (one per host) calls ``run_due`` on each pass. For each entry of the schedule it works
out the latest due time (slot) in local time and tries to insert a ``ScheduledRun(name, slot)`` row; the
database's unique constraint lets exactly one worker of the installation succeed — on SQLite and PostgreSQL
alike, no lock held while the tick runs. The winner runs the tick in its own process (the same ``anju``
sub-command a cron line would run), then records its output, or its failure. A failed run is retried with
a growing pause, claimed by a conditional update (``WHERE status='failed' AND attempts=n``), so a retry too
runs once; a run whose host died (still 运行中 after the entry's timeout) is marked failed and retried.

A slot older than ``catch_up_hours`` is not run late (a scheduler stopped over a weekend does not run
Friday's ticks on Monday). The first time an installation sees an entry, its current slot is recorded as
skipped: a new server starts with the next due time instead of running every tick at once on start.

The schedule is ``DEFAULT_SCHEDULE`` unless ``settings.ANJU_SCHEDULE`` gives another list; the
administrators' page ``/manage/schedule/`` shows it with the recent runs.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import time
import traceback
import zoneinfo
from dataclasses import dataclass
from importlib import import_module

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F

from anju.core.models import ScheduledRun, ScheduledRunStatus

OUTPUT_LIMIT = 4000  # characters of a run's output kept (its end)


@dataclass(frozen=True)
class Entry:
    name: str
    argv: tuple[str, ...]
    at: dt.time  # local time of day
    weekday: int | None = None  # 0 = Monday; None = every day
    max_attempts: int = 3
    retry_minutes: int = 10  # pause before the first retry; doubles each time
    timeout_minutes: int = 120  # a run still 运行中 after this is taken as dead
    catch_up_hours: int = 12
    every_minutes: int | None = None  # run every so many minutes (from local midnight) instead of at ``at``
    keep_days: int = 1  # an every-minutes entry's finished runs are deleted after this many days

    @property
    def description(self) -> str:
        return " ".join(("anju", *self.argv))


DEFAULT_SCHEDULE = (
    {"name": "retrain-triage", "argv": ["retrain-triage"], "at": "02:30"},
    # nightly; refits a county only when its stored fit is a week old (warning/actions/transmission.py)
    {"name": "transmission-fit", "argv": ["transmission-fit", "--if-due"], "at": "03:30"},
    {"name": "warn-scan", "argv": ["warn-scan", "--weeks", "4"], "at": "06:00", "weekday": 0},
    {"name": "screening-tick", "argv": ["screening-tick"], "at": "06:05"},
    {"name": "analysis-tick", "argv": ["analysis-tick"], "at": "06:10"},
    {"name": "assessment-track", "argv": ["assessment-track"], "at": "06:15"},
    {"name": "deadline-tick", "argv": ["deadline-tick"], "at": "07:05"},
    # the overview's aggregates (dashboard.rollup): the matters changed since the last minute
    {"name": "rollup-refresh", "argv": ["rollup-refresh"], "every_minutes": 1, "timeout_minutes": 30},
    # nightly; the command refits the model once a week (warning/forecast.py needs_refit)
    {"name": "forecast", "argv": ["forecast"], "at": "03:50"},
)


def schedule() -> list[Entry]:
    entries = []
    for raw in getattr(settings, "ANJU_SCHEDULE", None) or DEFAULT_SCHEDULE:
        fields = dict(raw)
        fields["argv"] = tuple(fields["argv"])
        fields["at"] = dt.time.fromisoformat(fields.get("at", "00:00"))
        entries.append(Entry(**fields))
    return entries


def _local_zone():
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def latest_slot(entry: Entry, now: dt.datetime) -> dt.datetime:
    """The most recent due time at or before ``now``, as an aware datetime."""
    local = now.astimezone(_local_zone())
    if entry.every_minutes:
        minutes = local.hour * 60 + local.minute
        midnight = dt.datetime.combine(local.date(), dt.time(), tzinfo=_local_zone())
        return midnight + dt.timedelta(minutes=minutes - minutes % entry.every_minutes)
    day = local.date()
    while True:
        candidate = dt.datetime.combine(day, entry.at, tzinfo=_local_zone())
        if candidate <= local and (entry.weekday is None or day.weekday() == entry.weekday):
            return candidate
        day -= dt.timedelta(days=1)


def next_slot(entry: Entry, now: dt.datetime) -> dt.datetime:
    if entry.every_minutes:  # the next step of the day, or the next midnight, where the counting restarts
        latest = latest_slot(entry, now)
        midnight = dt.datetime.combine(latest.date() + dt.timedelta(days=1), dt.time(), tzinfo=_local_zone())
        return min(latest + dt.timedelta(minutes=entry.every_minutes), midnight)
    local = now.astimezone(_local_zone())
    day = local.date()
    while True:
        candidate = dt.datetime.combine(day, entry.at, tzinfo=_local_zone())
        if candidate > local and (entry.weekday is None or day.weekday() == entry.weekday):
            return candidate
        day += dt.timedelta(days=1)


def run_cli(argv) -> tuple[int, str]:
    """Run an ``anju`` sub-command in this process; its exit code and what it printed.

    The command line is named by module path, as ``core/context.py`` names URLs: core sits below the apps
    whose commands it runs (docs/architecture.md)."""
    main = import_module("anju.cli").main

    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer), contextlib.redirect_stderr(buffer):
        try:
            code = main(list(argv))
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else 1
    return int(code or 0), buffer.getvalue()


def _first_sight(entry: Entry, slot: dt.datetime, now: dt.datetime, host: str) -> bool:
    """The first time this installation sees the entry: record its current slot as skipped, so that a new
    server starts with the next due time."""
    if ScheduledRun.objects.filter(name=entry.name).exists():
        return False
    with contextlib.suppress(IntegrityError), transaction.atomic():
        ScheduledRun.objects.create(
            name=entry.name,
            slot=slot,
            status=ScheduledRunStatus.SKIPPED,
            host=host,
            started_at=now,
            finished_at=now,
            error="首次启动定时任务，从下一次应运行时间开始。",
        )
    return True


def _claim(entry: Entry, slot: dt.datetime, now: dt.datetime, host: str) -> ScheduledRun | None:
    """Insert the slot's run, or take over its failed or dead one; None when another host has it."""
    try:
        with transaction.atomic():
            return ScheduledRun.objects.create(
                name=entry.name, slot=slot, status=ScheduledRunStatus.RUNNING, host=host, started_at=now
            )
    except IntegrityError:
        pass
    run = ScheduledRun.objects.get(name=entry.name, slot=slot)
    if run.status == ScheduledRunStatus.RUNNING and run.started_at < now - dt.timedelta(
        minutes=entry.timeout_minutes
    ):
        ScheduledRun.objects.filter(
            pk=run.pk, status=ScheduledRunStatus.RUNNING, attempts=run.attempts
        ).update(status=ScheduledRunStatus.FAILED, finished_at=now, error="运行超时或运行主机中断。")
        run.refresh_from_db()
    if run.status != ScheduledRunStatus.FAILED or run.attempts >= entry.max_attempts:
        return None
    pause = dt.timedelta(minutes=entry.retry_minutes * 2 ** (run.attempts - 1))
    if run.finished_at and now < run.finished_at + pause:
        return None
    taken = ScheduledRun.objects.filter(
        pk=run.pk, status=ScheduledRunStatus.FAILED, attempts=run.attempts
    ).update(
        status=ScheduledRunStatus.RUNNING,
        attempts=F("attempts") + 1,
        host=host,
        started_at=now,
        finished_at=None,
        error="",
    )
    if not taken:
        return None
    run.refresh_from_db()
    return run


def run_due(now: dt.datetime, host: str, runner=run_cli) -> list[ScheduledRun]:
    """Run each entry whose slot is due and not yet run (or due for a retry) by any host; the runs done here."""
    done = []
    for entry in schedule():
        slot = latest_slot(entry, now)
        if _first_sight(entry, slot, now, host) or now - slot > dt.timedelta(hours=entry.catch_up_hours):
            continue
        run = _claim(entry, slot, now, host)
        if run is None:
            continue
        start = time.perf_counter()
        try:
            code, output = runner(entry.argv)
            error = "" if code == 0 else f"退出码 {code}"
        except Exception:  # noqa: BLE001 — a crashing tick is recorded and retried, the worker goes on
            code, output, error = 1, "", traceback.format_exc()[-OUTPUT_LIMIT:]
        elapsed = dt.timedelta(seconds=time.perf_counter() - start)
        ScheduledRun.objects.filter(pk=run.pk).update(
            status=ScheduledRunStatus.DONE if code == 0 else ScheduledRunStatus.FAILED,
            finished_at=now + elapsed,
            output=output[-OUTPUT_LIMIT:],
            error=error,
        )
        run.refresh_from_db()
        done.append(run)
        if entry.every_minutes and code == 0:  # one row a minute: keep only the recent ones
            ScheduledRun.objects.filter(
                name=entry.name,
                status=ScheduledRunStatus.DONE,
                slot__lt=now - dt.timedelta(days=entry.keep_days),
            ).delete()
    return done
