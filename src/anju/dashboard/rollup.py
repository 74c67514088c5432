"""Keeps the overview's aggregates (``dashboard.models``) up to date with the matter ledger.

``refresh`` reads the matters changed since the high-water mark (by ``Matter.updated_at``, which is indexed),
computes each one's fact (area, domain, local dates, status, level, escalation, unit, leader, deadline),
compares it with the fact stored when it was last counted and moves the difference into the count tables:
its work is the number of changed matters, never the ledger's size. Re-reading a matter is harmless (its
difference is nothing), so each refresh starts ``MARGIN`` before the mark, which catches a transaction that
wrote ``updated_at`` before the mark but committed after the last refresh. At most ``limit`` matters are
read per call; while more wait the mark is ``behind`` and the next call continues right after it.

``rebuild`` recomputes every fact and count (``anju rollup-rebuild``). One refresh or rebuild runs at a time:
each holds the lock of the mark's row; a refresh that finds it held skips (the one holding it does the work).
The worker runs ``anju rollup-refresh`` every minute (``core.scheduler``); the overview refreshes lazily when
the counts are older than ``LAZY_AFTER`` (bounded by ``LAZY_LIMIT`` matters), so it is never far behind even
without a worker.

A change that does not touch ``updated_at`` (a queryset ``update()``, a deleted matter) is not seen until the
next rebuild; the ledger's actions all save the matter.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import NamedTuple

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from anju.dashboard.models import DayCount, MatterFact, RollupMark, StatusCount, UnitCount, WeekCount
from anju.matters.models import Matter, MatterEvent
from anju.matters.unit_figures import NOT_COUNTED

MARGIN = dt.timedelta(minutes=5)
BATCH = 2000
LAZY_AFTER = dt.timedelta(minutes=2)
LAZY_LIMIT = 500  # a page waits for at most this many matters (a few statements each)
MARK_ID = 1


class Fact(NamedTuple):
    area_id: int
    domain_id: int
    week: dt.date
    registered_on: dt.date
    resolved_on: dt.date | None
    status: str
    level: str
    escalated: bool
    unit_id: int | None
    leader_id: int | None
    deadline: dt.date | None


FACT_FIELDS = Fact._fields

# count table → its key columns (each count row is one key and ``n``)
TABLES = {
    "week": (WeekCount, ("area_id", "domain_id", "week")),
    "day": (DayCount, ("area_id", "kind", "day")),
    "status": (StatusCount, ("area_id", "status", "escalated")),
    "unit": (
        UnitCount,
        (
            "area_id",
            "unit_id",
            "leader_id",
            "resolved",
            "escalated",
            "with_deadline",
            "on_time",
            "level",
            "deadline",
        ),
    ),
}


def _local_day(moment: dt.datetime | None) -> dt.date | None:
    # the installation's zone (settings.TIME_ZONE), whatever zone the request that refreshes has active
    return None if moment is None else timezone.localtime(moment, timezone.get_default_timezone()).date()


def _fact_rows(matters):
    """(matter id, updated_at, Fact) for each of ``matters``, read in one statement."""
    escalated = Exists(MatterEvent.objects.filter(matter=OuterRef("pk"), kind="escalated"))
    rows = matters.annotate(ever_escalated=escalated).values_list(
        "pk",
        "updated_at",
        "area_id",
        "domain_id",
        "occurred_at",
        "registered_at",
        "resolved_at",
        "status",
        "residual_level",
        "inherent_level",
        "ever_escalated",
        "responsible_unit_id",
        "lead_leader_id",
        "deadline",
    )
    for (
        pk,
        updated,
        area,
        domain,
        occurred,
        registered,
        resolved,
        status,
        residual,
        inherent,
        esc,
        unit,
        leader,
        deadline,
    ) in rows:  # noqa: E501
        occurred_on = _local_day(occurred)
        fact = Fact(
            area_id=area,
            domain_id=domain,
            week=occurred_on - dt.timedelta(days=occurred_on.weekday()),
            registered_on=_local_day(registered),
            resolved_on=_local_day(resolved),
            status=status,
            level=residual or inherent or "",
            escalated=bool(esc),
            unit_id=unit,
            leader_id=leader,
            deadline=deadline,
        )
        yield pk, updated, fact


def contributions(fact: Fact) -> list[tuple[str, tuple]]:
    """The count rows (table, key) one matter adds one to."""
    out = [
        ("week", (fact.area_id, fact.domain_id, fact.week)),
        ("day", (fact.area_id, "registered", fact.registered_on)),
        ("status", (fact.area_id, fact.status, fact.escalated)),
    ]
    if fact.resolved_on is not None:
        out.append(("day", (fact.area_id, "resolved", fact.resolved_on)))
    if fact.status not in NOT_COUNTED and (fact.unit_id is not None or fact.leader_id is not None):
        resolved = fact.resolved_on is not None
        with_deadline = resolved and fact.deadline is not None
        out.append(
            (
                "unit",
                (
                    fact.area_id,
                    fact.unit_id,
                    fact.leader_id,
                    resolved,
                    resolved and fact.escalated,
                    with_deadline,
                    with_deadline and fact.resolved_on <= fact.deadline,
                    "" if resolved else (fact.level or "unassessed"),
                    None if resolved else fact.deadline,
                ),
            )
        )
    return out


def _box(columns: tuple[str, ...], keys: list[tuple]) -> Q:
    """A filter matching at least the rows of ``keys``: each column within the values the keys give it."""
    where = Q()
    for index, column in enumerate(columns):
        values = {key[index] for key in keys}
        known = Q(**{f"{column}__in": [v for v in values if v is not None]})
        where &= known | Q(**{f"{column}__isnull": True}) if None in values else known
    return where


def _apply(deltas: Counter) -> None:
    """Add each (table, key) → difference to its count row; rows that fall to nothing are removed.

    A few statements per table, whatever the number of keys: the rows within the keys' box are read, the
    sums changed in Python and written back in bulk."""
    for table, (model, columns) in TABLES.items():
        changes = {key: change for (name, key), change in deltas.items() if name == table and change}
        if not changes:
            continue
        rows = {
            tuple(getattr(row, column) for column in columns): row
            for row in model.objects.filter(_box(columns, list(changes)))
        }
        updated, created, emptied = [], [], []
        for key, change in changes.items():
            row = rows.get(key)
            if row is None:
                if change > 0:  # a missing row to take from means the counts drifted: a rebuild mends them
                    created.append(model(**dict(zip(columns, key, strict=True)), n=change))
                continue
            row.n += change
            (updated if row.n > 0 else emptied).append(row)
        model.objects.bulk_update(updated, ["n"], batch_size=BATCH)
        model.objects.bulk_create(created, batch_size=BATCH)
        model.objects.filter(pk__in=[row.pk for row in emptied]).delete()


def _lock_mark(*, wait: bool) -> RollupMark | None:
    RollupMark.objects.get_or_create(pk=MARK_ID)
    marks = RollupMark.objects.filter(pk=MARK_ID)
    marks = marks.select_for_update() if wait else marks.select_for_update(skip_locked=True)
    return marks.first()


def refresh(*, limit: int = BATCH, now: dt.datetime | None = None, wait: bool = True) -> dict:
    """Count the matters changed since the mark (at most ``limit``); what was done.

    Until a first rebuild (``as_of`` unset) a refresh counts from the first matter on, ``limit`` at a time."""
    now = now or timezone.now()
    with transaction.atomic():
        mark = _lock_mark(wait=wait)
        if mark is None:
            return {"read": 0, "changed": 0, "behind": None, "skipped": True}
        matters = Matter.objects.order_by("updated_at", "pk")
        if mark.seen_updated_at is None:
            pass  # never counted: from the start
        elif mark.behind:
            at, pk = mark.seen_updated_at, mark.seen_id
            matters = matters.filter(Q(updated_at__gt=at) | Q(updated_at=at, pk__gt=pk))
        else:
            matters = matters.filter(updated_at__gte=mark.seen_updated_at - MARGIN)
        batch = list(_fact_rows(matters[:limit]))
        stored = {
            fact.pk: Fact(*(getattr(fact, name) for name in FACT_FIELDS))
            for fact in MatterFact.objects.filter(pk__in=[pk for pk, _u, _f in batch])
        }
        deltas: Counter = Counter()
        changed_facts = []
        for pk, _updated, fact in batch:
            old = stored.get(pk)
            if old == fact:
                continue
            if old is not None:
                for item in contributions(old):
                    deltas[item] -= 1
            for item in contributions(fact):
                deltas[item] += 1
            changed_facts.append(MatterFact(matter_id=pk, **fact._asdict()))
        _apply(deltas)
        MatterFact.objects.filter(pk__in=[f.matter_id for f in changed_facts]).delete()
        MatterFact.objects.bulk_create(changed_facts)
        if batch:
            last_pk, last_updated, _fact = batch[-1]
            if mark.seen_updated_at is None or mark.behind or last_updated > mark.seen_updated_at:
                mark.seen_updated_at, mark.seen_id = last_updated, last_pk
        mark.behind = len(batch) >= limit
        if not mark.behind:
            mark.as_of = now
        mark.save()
    return {"read": len(batch), "changed": len(changed_facts), "behind": mark.behind, "skipped": False}


def rebuild(*, now: dt.datetime | None = None, chunk: int = BATCH) -> dict:
    """Recompute every fact and count from the ledger, in one transaction."""
    now = now or timezone.now()
    with transaction.atomic():
        mark = _lock_mark(wait=True)
        for model in (MatterFact, WeekCount, DayCount, StatusCount, UnitCount):
            model.objects.all().delete()
        counts: Counter = Counter()
        read = 0
        last_pk = 0
        while True:  # by primary key in chunks: memory holds one chunk and the counts, not the ledger
            rows = list(_fact_rows(Matter.objects.filter(pk__gt=last_pk).order_by("pk")[:chunk]))
            if not rows:
                break
            last_pk = rows[-1][0]
            read += len(rows)
            MatterFact.objects.bulk_create(
                MatterFact(matter_id=pk, **fact._asdict()) for pk, _u, fact in rows
            )
            for _pk, _u, fact in rows:
                counts.update(contributions(fact))
        for table, (model, columns) in TABLES.items():
            model.objects.bulk_create(
                (
                    model(**dict(zip(columns, key, strict=True)), n=n)
                    for (name, key), n in counts.items()
                    if name == table
                ),
                batch_size=BATCH,
            )
        # changes saved while this ran are read again by the next refresh (it starts MARGIN before)
        mark.seen_updated_at, mark.seen_id, mark.behind = now, 0, False
        mark.as_of = mark.built_at = now
        mark.save()
    return {"read": read, "rows": sum(1 for _ in counts)}


def counted_as_of() -> dt.datetime | None:
    """When the counts were last complete; None before the first rebuild or complete refresh."""
    return RollupMark.objects.filter(pk=MARK_ID).values_list("as_of", flat=True).first()


def refresh_if_stale(now: dt.datetime | None = None) -> dt.datetime | None:
    """For the overview: once counted, catch up (bounded) when the counts are older than ``LAZY_AFTER``;
    skipped while another refresh runs. When the counts were last complete (None: never built)."""
    now = now or timezone.now()
    as_of = counted_as_of()
    if as_of is None:
        return None
    if now - as_of > LAZY_AFTER:
        refresh(limit=LAZY_LIMIT, now=now, wait=False)
        as_of = counted_as_of()
    return as_of
