"""Audit events are written unlinked in their transaction and linked into the hash chain after it commits,
in batches (``audit_chain.link_pending``): concurrent writers end in one unbroken chain, a rollback leaves
neither an event nor a gap, the worker links what a dead process left behind, and ``verify`` reports events
left unlinked past the grace period. The guard's triggers allow that one update and nothing more."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from anju.core import audit, audit_chain, audit_guard
from anju.core.models import AuditEvent
from anju.core.worker_passes import run_passes

ZERO = "0" * 64


def _append(object_id: str, *, at=None) -> AuditEvent:
    return audit.append(actor=None, action="test.link", object_type="t", object_id=object_id, at=at)


def _linked() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(seq__isnull=False).order_by("seq"))


def _assert_one_unbroken_chain() -> list[AuditEvent]:
    events = _linked()
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert events[0].prev_hash == ZERO
    for earlier, later in zip(events, events[1:], strict=False):
        assert later.prev_hash == earlier.hash
    assert not AuditEvent.objects.filter(seq__isnull=True).exists()
    report = audit_chain.verify()
    assert report.intact, report.problem
    assert report.checked == len(events)
    return events


def _raw(sql: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_the_commit_links_the_transactions_events_in_one_call(world, django_capture_on_commit_callbacks):
    audit_chain.link_pending()  # the world's events
    head = AuditEvent.objects.order_by("-seq").first()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            first, second, third = _append("a"), _append("b"), _append("c")
            assert AuditEvent.objects.get(pk=first.pk).seq is None  # unlinked until the commit
    assert len(callbacks) == 1  # one linking for the whole transaction
    linked = {e.object_id: e for e in AuditEvent.objects.filter(pk__in=[first.pk, second.pk, third.pk])}
    assert [linked[k].seq for k in "abc"] == [head.seq + 1, head.seq + 2, head.seq + 3]  # in id order
    assert linked["a"].prev_hash == head.hash
    assert linked["b"].prev_hash == linked["a"].hash and linked["c"].prev_hash == linked["b"].hash
    _assert_one_unbroken_chain()


def test_an_event_in_a_savepoint_that_rolls_back_leaves_no_link(world, django_capture_on_commit_callbacks):
    audit_chain.link_pending()
    before = AuditEvent.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            try:
                with transaction.atomic():
                    _append("rolled back")
                    raise RuntimeError("the change fails")
            except RuntimeError:
                pass
            _append("kept")
    assert AuditEvent.objects.count() == before + 1
    assert not AuditEvent.objects.filter(object_id="rolled back").exists()
    assert _assert_one_unbroken_chain()[-1].object_id == "kept"


def test_the_worker_pass_links_events_a_dead_process_left_unlinked(world):
    audit_chain.link_pending()
    head = AuditEvent.objects.order_by("-seq").first()
    # Inside the test's transaction no commit runs the callback: as if the process died after its commit.
    left = [_append("left 1"), _append("left 2")]
    assert AuditEvent.objects.filter(seq__isnull=True).count() == 2
    assert run_passes()["audit.link"] == 2
    seqs = list(
        AuditEvent.objects.filter(pk__in=[e.pk for e in left]).order_by("seq").values_list("seq", flat=True)
    )
    assert seqs == [head.seq + 1, head.seq + 2]
    assert run_passes()["audit.link"] == 0
    _assert_one_unbroken_chain()


def test_verify_reports_events_unlinked_past_the_grace_period(world):
    audit_chain.link_pending()
    now = timezone.now()
    _append("stale", at=now - dt.timedelta(minutes=6))
    _append("fresh", at=now - dt.timedelta(seconds=30))
    report = audit_chain.verify(now=now)
    assert not report.intact
    assert report.problem == "1 条记录超过 5 分钟仍未入链"
    assert report.unlinked == 2
    assert audit_chain.link_pending() == 2  # verify links nothing itself; linking clears the problem
    report = audit_chain.verify(now=now)
    assert report.intact and report.unlinked == 0


def test_recent_unlinked_events_are_no_problem(world):
    audit_chain.link_pending()
    _append("just committed")
    report = audit_chain.verify()
    assert report.intact and report.unlinked == 1


def test_the_cli_links_pending_events_before_it_verifies(world, capsys):
    from anju.cli import main as anju

    _append("pending", at=timezone.now() - dt.timedelta(hours=1))
    code = anju(["audit", "verify"])
    output = capsys.readouterr()
    assert code == 0, output.err
    assert f"共 {AuditEvent.objects.count()} 条，链接无误" in output.out
    assert not AuditEvent.objects.filter(seq__isnull=True).exists()


def test_the_guard_lets_an_unlinked_event_be_linked_and_nothing_else(world):
    audit_chain.link_pending()
    linked_event = _linked()[0]
    unlinked = _append("unlinked")
    refused = [
        # content changed while linking
        (
            "UPDATE core_auditevent SET seq = 99999, prev_hash = %s, hash = %s, note = 'forged' WHERE id = %s",
            [ZERO, ZERO, unlinked.pk],
        ),
        # content changed without linking
        ("UPDATE core_auditevent SET note = 'forged' WHERE id = %s", [unlinked.pk]),
        # linked only in part
        ("UPDATE core_auditevent SET seq = 99999 WHERE id = %s", [unlinked.pk]),
        # a linked event re-linked
        (
            "UPDATE core_auditevent SET seq = 99999, prev_hash = %s, hash = %s WHERE id = %s",
            [ZERO, ZERO, linked_event.pk],
        ),
        ("DELETE FROM core_auditevent WHERE id = %s", [unlinked.pk]),
    ]
    for sql, params in refused:
        with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
            _raw(sql, params)
    stored = AuditEvent.objects.get(pk=unlinked.pk)
    assert (stored.seq, stored.note) == (None, "")
    assert audit_chain.link_pending() == 1
    assert AuditEvent.objects.get(pk=unlinked.pk).seq == AuditEvent.objects.count()  # the new head
    _assert_one_unbroken_chain()


def test_the_guard_names_every_column_of_the_table(db):
    with connection.cursor() as cursor:
        columns = {c.name for c in connection.introspection.get_table_description(cursor, audit_guard.TABLE)}
    assert columns == set(audit_guard.CONTENT_COLUMNS) | set(audit_guard.CHAIN_COLUMNS)


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_transaction_leaves_no_event_and_no_gap(world):
    before = AuditEvent.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        _append("rolled back 1")
        _append("rolled back 2")
        raise RuntimeError("the change fails")
    _append("committed")
    assert AuditEvent.objects.count() == before + 1
    assert not AuditEvent.objects.filter(object_id__startswith="rolled back").exists()
    events = _assert_one_unbroken_chain()  # linked by append's own commit: nothing left pending
    assert events[-1].object_id == "committed"


@pytest.mark.django_db(transaction=True)
def test_events_committed_concurrently_end_in_one_unbroken_chain(world):
    """Real concurrent transactions on their own connections (threads), several events each."""
    writers, transactions_each, events_each = 8, 6, 3
    barrier = threading.Barrier(writers)
    errors = []

    def write(index):
        try:
            barrier.wait()
            for t in range(transactions_each):
                with transaction.atomic():
                    for n in range(events_each):
                        _append(f"{index}-{t}-{n}")
        except Exception as exc:  # reported below; a thread's exception would otherwise vanish
            errors.append(exc)
        finally:
            connection.close()

    before = AuditEvent.objects.count()
    threads = [threading.Thread(target=write, args=(i,)) for i in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert AuditEvent.objects.count() == before + writers * transactions_each * events_each
    # A commit that finds another linker at work leaves its events to it; the few committed just after that
    # linker's last read wait for the next commit or the worker's pass, as here.
    run_passes()
    events = _assert_one_unbroken_chain()
    # Each transaction's events are linked in the order it wrote them (others' may fall in between).
    order = {e.object_id: e.seq for e in events if e.action == "test.link"}
    for index in range(writers):
        for t in range(transactions_each):
            seqs = [order[f"{index}-{t}-{n}"] for n in range(events_each)]
            assert seqs == sorted(seqs)


def test_the_audit_page_shows_an_unlinked_event_without_a_number(client, world):
    from django.urls import reverse

    client.force_login(world.auditor)  # audited itself (auth.login): linked with the rest just below
    audit_chain.link_pending()
    audit.append(
        actor=None,
        action="test.link",
        object_type="t",
        object_id="1",
        object_repr="刚写入",
        area=world.county,
    )
    page = client.get(reverse("core:audit")).content.decode()
    assert page.count("待入链") == 1
    audit_chain.link_pending()
    page = client.get(reverse("core:audit")).content.decode()
    assert "待入链" not in page
