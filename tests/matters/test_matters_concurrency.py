"""No lost update, no double action: conflicting actions run at the same moment in real threads.

Each pair starts two actions on one matter (or report) behind a barrier, each thread on its own database
connection, both with the version the two users were shown. Every pair must end with exactly one applied
and the other refused with ``Conflict`` — or, where the callers send no version, both applied one after the
other — and the stored state must always be what the last timeline entry says. Run on SQLite and on
PostgreSQL (``ANJU_DATABASE_URL``); ``-s`` prints how the pairs ended.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter

import pytest
from django.db import connection
from django.utils import timezone

from anju.core.errors import Conflict, WorkflowError
from anju.core.models import AuditEvent
from anju.intake import actions as intake_actions
from anju.intake.models import Report, ReportStatus
from anju.matters import actions
from anju.matters.models import Matter

pytestmark = pytest.mark.django_db(transaction=True)

PAIRS = 10


def swan_confirmation(world) -> dict:
    """What confirming a 黑天鹅 takes: the reason and the 根因分析 task's unit and deadline."""
    deadline = dt.date.today() + dt.timedelta(days=30)
    return {"reason": "首次出现且后果严重", "unit": world.police, "deadline": deadline}


def race(*calls) -> list[tuple[str, object]]:
    """Start ``calls`` together; per call ``("ok", result)``, ``("conflict", exc)``, ``("refused", exc)``
    (another WorkflowError: the state had moved on) or ``("error", exc)``, which fails the test."""
    barrier = threading.Barrier(len(calls))
    results: list[tuple[str, object]] = [("error", RuntimeError("never ran"))] * len(calls)

    def worker(index, call):
        try:
            barrier.wait(timeout=30)
            results[index] = ("ok", call())
        except Conflict as exc:
            results[index] = ("conflict", exc)
        except WorkflowError as exc:
            results[index] = ("refused", exc)
        except Exception as exc:
            results[index] = ("error", exc)
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=worker, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a racing action never finished"
    return results


def kinds(pair) -> tuple[str, ...]:
    return tuple(kind for kind, _ in pair)


def fresh(pk) -> Matter:
    """Each thread acts on its own instance, read in its own connection, like two requests do."""
    return Matter.objects.get(pk=pk)


def last_event(matter: Matter):
    return matter.events.exclude(kind="note").order_by("-at", "-id").first()


def test_paired_flag_edits_from_the_same_page_never_revert_each_other(world, make_matter):
    """The issue's 13 of 20: two users edit two different flags from the same page. One is applied, the
    other is refused as stale; the stored flags are exactly those of the one timeline entry written."""
    outcomes = Counter()
    for _ in range(PAIRS):
        matter = make_matter()
        seen = matter.version
        pair = race(
            lambda pk=matter.pk, v=seen: actions.set_grey_rhino(
                world.centre_staff, fresh(pk), marked=True, version=v
            ),
            lambda pk=matter.pk, v=seen: actions.confirm_black_swan(
                world.town_staff, fresh(pk), **swan_confirmation(world), version=v
            ),
        )
        outcomes[tuple(sorted(kinds(pair)))] += 1
        assert sorted(kinds(pair)) == ["conflict", "ok"], pair
        conflict = next(exc for kind, exc in pair if kind == "conflict")
        assert conflict.messages == ["该事项已被他人修改，请刷新后重试。"]
        matter.refresh_from_db()
        flag_events = list(matter.events.filter(kind__in=["grey_rhino", "black_swan"]))
        assert len(flag_events) == 1 and matter.version == seen + 1
        applied = flag_events[0].kind
        assert (matter.grey_rhino, matter.black_swan_confirmed) == (
            (True, None) if applied == "grey_rhino" else (False, True)  # None: 黑天鹅 not decided
        )
        assert last_event(matter).kind == applied
    print(f"\nflag edits, same version: {dict(outcomes)}")


def test_paired_flag_edits_without_a_version_both_apply_in_order(world, make_matter):
    """Callers that send no version (a command, a script) still never lose an update: the row lock makes
    the second edit start from the first one's result, so both flags end up set."""
    for _ in range(PAIRS):
        matter = make_matter()
        pair = race(
            lambda pk=matter.pk: actions.set_grey_rhino(world.centre_staff, fresh(pk), marked=True),
            lambda pk=matter.pk: actions.confirm_black_swan(
                world.town_staff, fresh(pk), **swan_confirmation(world)
            ),
        )
        assert kinds(pair) == ("ok", "ok"), pair
        matter.refresh_from_db()
        assert matter.grey_rhino and matter.black_swan_confirmed
        events = list(matter.events.filter(kind__in=["grey_rhino", "black_swan"]).order_by("at", "id"))
        assert len(events) == 2 and matter.version == 3  # registered 1, then one bump per edit
        # the audit trail of the second edit starts from the first edit's result
        assert last_event(matter).kind == events[-1].kind


def test_paired_assignments_one_wins_and_the_ledger_agrees_with_the_timeline(world, make_matter):
    """The issue's 9 of 15: two staff assign the same matter to different units at once. Exactly one
    assignment stands; the other is refused; the responsible unit is the one the timeline names."""
    deadline = timezone.localdate() + dt.timedelta(days=10)
    outcomes = Counter()
    for _ in range(PAIRS):
        matter = make_matter(likelihood=3, consequence=3)
        seen = matter.version
        pair = race(
            lambda pk=matter.pk, v=seen: actions.assign(
                world.centre_staff,
                fresh(pk),
                unit=world.police,
                lead_leader=world.leader,
                deadline=deadline,
                version=v,
            ),
            lambda pk=matter.pk, v=seen: actions.assign(
                world.town_staff,
                fresh(pk),
                unit=world.committee_a1,
                lead_leader=world.leader,
                deadline=deadline,
                version=v,
            ),
        )
        outcomes[tuple(sorted(kinds(pair)))] += 1
        assert sorted(kinds(pair)) == ["conflict", "ok"], pair
        matter.refresh_from_db()
        assigned = list(matter.events.filter(kind="assigned"))
        assert len(assigned) == 1 and matter.status == "assigned"
        assert last_event(matter).kind == "assigned"
        assert matter.responsible_unit.name in assigned[0].note
    print(f"\nassignments, same version: {dict(outcomes)}")


def test_paired_assignments_without_a_version_apply_once(world, make_matter):
    """Without a version the lock still serialises them: the second finds the matter assigned already and
    the workflow refuses it, so one assignment stands and the other is never half-applied."""
    deadline = timezone.localdate() + dt.timedelta(days=10)
    for _ in range(PAIRS):
        matter = make_matter(likelihood=3, consequence=3)
        pair = race(
            lambda pk=matter.pk: actions.assign(
                world.centre_staff, fresh(pk), unit=world.police, lead_leader=world.leader, deadline=deadline
            ),
            lambda pk=matter.pk: actions.assign(
                world.town_staff,
                fresh(pk),
                unit=world.committee_a1,
                lead_leader=world.leader,
                deadline=deadline,
            ),
        )
        assert sorted(kinds(pair)) == ["ok", "refused"], pair
        matter.refresh_from_db()
        assigned = list(matter.events.filter(kind="assigned"))
        assert len(assigned) == 1 and matter.responsible_unit.name in assigned[0].note


def test_a_double_submitted_resolution_is_applied_once(world, make_matter, advance):
    """The same form sent twice at once (a double click): one resolution, one timeline entry."""
    outcomes = Counter()
    for _ in range(PAIRS):
        matter = advance(make_matter(), "resolving")
        seen = matter.version
        pair = race(
            *[
                lambda pk=matter.pk, v=seen: actions.resolve(
                    world.centre_staff, fresh(pk), outcome="已协调支付全部工资", version=v
                )
                for _ in range(2)
            ]
        )
        outcomes[tuple(sorted(kinds(pair)))] += 1
        assert sorted(kinds(pair)) == ["conflict", "ok"], pair
        matter.refresh_from_db()
        assert matter.status == "resolved" and matter.events.filter(kind="resolved").count() == 1
        assert last_event(matter).to_status == matter.status
    print(f"\ndouble resolutions: {dict(outcomes)}")


def test_paired_register_and_reject_of_one_report(world):
    """Two staff handle the same received report at once, one registering it, one rejecting it: exactly
    one wins, and the report's status is what its last audit event says."""
    outcomes = Counter()
    for _ in range(PAIRS):
        report = intake_actions.submit_report(
            world.centre_staff,
            channel="visit",
            text="东一村三组道路积水，群众出行不便。",
            area=world.village_a1,
        )
        seen = Report.objects.get(pk=report.pk).version
        pair = race(
            lambda pk=report.pk, v=seen: intake_actions.register_report(
                world.centre_staff,
                Report.objects.get(pk=pk),
                kind="demand",
                domain=world.land,
                title="道路积水",
                version=v,
            ),
            lambda pk=report.pk, v=seen: intake_actions.reject_report(
                world.town_staff, Report.objects.get(pk=pk), "不属于受理范围", version=v
            ),
        )
        outcomes[tuple(sorted(kinds(pair)))] += 1
        assert sorted(kinds(pair)) == ["conflict", "ok"], pair
        conflict = next(exc for kind, exc in pair if kind == "conflict")
        assert conflict.messages == ["该诉求已被他人修改，请刷新后重试。"]
        report.refresh_from_db()
        handled = AuditEvent.objects.filter(
            object_id=str(report.pk), action__in=["report.register", "report.reject"]
        )
        assert handled.count() == 1
        expected = {"report.register": ReportStatus.REGISTERED, "report.reject": ReportStatus.REJECTED}
        assert report.status == expected[handled.get().action]
        assert Matter.objects.filter(reports=report).count() == (report.status == ReportStatus.REGISTERED)
    print(f"\nregister vs reject, same version: {dict(outcomes)}")


def test_matters_registered_at_the_same_moment_get_distinct_numbers(world):
    """Two matters of one town registered at once both read the same last number of the town's yearly
    sequence; both must be registered, each under its own number (on PostgreSQL the second insert used to
    fail on the unique number: a 500 for a double submit)."""
    for _ in range(PAIRS):
        pair = race(
            *[
                lambda user=user, village=village: actions.create_matter(
                    user,
                    kind="demand",
                    domain=world.land,
                    area=village,
                    title=f"{village.name}道路积水",
                    description="雨后道路积水，群众出行不便。",
                )
                for user, village in ((world.centre_staff, world.village_a1), (world.admin, world.village_a2))
            ]
        )
        assert kinds(pair) == ("ok", "ok"), pair
    numbers = list(Matter.objects.order_by("number").values_list("number", flat=True))
    year = timezone.now().year  # the number's year is that of the registration time
    assert numbers == [f"330101-{year}-{seq:06d}" for seq in range(1, 2 * PAIRS + 1)]  # 东镇's sequence
