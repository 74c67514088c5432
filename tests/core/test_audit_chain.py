"""The audit log is tamper-evident: a hash chain that ``anju audit verify`` checks, and triggers that refuse
UPDATE and DELETE. Each tampering test first drops the triggers inside the test's transaction (as someone with
rights to change the schema could), changes rows with raw SQL, and expects verify to name the first fault.

Events are linked into the chain after their transaction commits; a test's transaction never commits, so the
tests that read links call ``link_pending`` as the commit would (the linking itself: test_audit_linking.py)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from anju.cli import main as anju
from anju.core import audit, audit_chain, audit_guard
from anju.core.models import AuditEvent

ZERO = "0" * 64


def _events() -> list[AuditEvent]:
    audit_chain.link_pending()
    return list(AuditEvent.objects.order_by("seq"))


def _verify(capsys) -> tuple[int, str]:
    code = anju(["audit", "verify"])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def _raw(sql: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_events_form_one_chain_from_the_first(world):
    events = _events()
    assert len(events) > 10  # the world's areas, units and users
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert events[0].prev_hash == ZERO
    for earlier, later in zip(events, events[1:], strict=False):
        assert later.prev_hash == earlier.hash


def test_hash_is_sha256_of_the_sorted_key_json_of_the_content_and_the_previous_hash(world):
    at = dt.datetime(2026, 3, 1, 16, 30, 5, 123456, tzinfo=dt.UTC)
    event = audit.append(
        actor=world.cadre,
        action="matter.note",
        object_type="matters.matter",
        object_id="42",
        object_repr="某事项",
        area=world.village_a1,
        before={"b": 1, "a": [1, "二"]},
        after=None,
        note="说明",
        at=at,
    )
    assert (event.seq, event.prev_hash, event.hash) == (None, None, None)  # linked after the commit
    assert audit_chain.link_pending() == AuditEvent.objects.count()  # the world's events and this one
    event = AuditEvent.objects.get(pk=event.pk)
    # Written out by hand: the canonical form the README and audit_chain describe.
    actor_id, area_id, prev_hash, seq = world.cadre.pk, world.village_a1.pk, event.prev_hash, event.seq
    canonical = (
        f'{{"action":"matter.note","actor_id":{actor_id},"after":null,"area_id":{area_id},'
        '"at":"2026-03-01T16:30:05.123456Z","before":{"a":[1,"二"],"b":1},"note":"说明","object_id":"42",'
        f'"object_repr":"某事项","object_type":"matters.matter","prev_hash":"{prev_hash}","seq":{seq}}}'
    )
    assert json.loads(canonical)  # well-formed
    assert event.hash == hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.hash, stored.before) == (event.hash, {"a": [1, "二"], "b": 1})
    assert event.hash == AuditEvent.objects.order_by("-seq").first().hash  # the head: linked last


def test_verify_passes_on_an_untouched_log_and_names_the_newest_hash(world, capsys):
    code, output = _verify(capsys)
    newest = AuditEvent.objects.order_by("-seq").first()
    assert code == 0, output
    assert f"共 {AuditEvent.objects.count()} 条" in output
    assert newest.hash in output


def test_orm_and_raw_sql_cannot_update_or_delete_events(world):
    event = _events()[0]
    attempts = [
        lambda: AuditEvent.objects.filter(pk=event.pk).update(note="tampered"),
        lambda: AuditEvent.objects.filter(pk=event.pk).delete(),
        lambda: _raw("UPDATE core_auditevent SET note = 'tampered' WHERE id = %s", [event.pk]),
        lambda: _raw("DELETE FROM core_auditevent WHERE id = %s", [event.pk]),
    ]
    if connection.vendor == "postgresql":
        # The test's transaction holds deferred foreign-key checks, which TRUNCATE would refuse for its own reason.
        _raw("SET CONSTRAINTS ALL IMMEDIATE")
        attempts.append(lambda: _raw("TRUNCATE core_auditevent CASCADE"))
    for attempt in attempts:
        with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
            attempt()
    assert AuditEvent.objects.get(pk=event.pk).note == event.note
    assert audit_guard.missing_triggers(connection) == set()


def test_verify_finds_an_edited_event(world, capsys):
    audit_guard.uninstall(connection)
    victim = _events()[4]
    _raw("UPDATE core_auditevent SET object_repr = 'forged' WHERE id = %s", [victim.pk])
    code, output = _verify(capsys)
    assert code == 1
    assert f"第 {victim.seq} 条（id {victim.pk}）的内容与其哈希不符" in output
    assert f"此前 {victim.seq - 1} 条完好" in output


def test_verify_finds_an_edited_timestamp(world, capsys):
    audit_guard.uninstall(connection)
    victim = _events()[2]
    AuditEvent.objects.filter(pk=victim.pk).update(at=victim.at - dt.timedelta(seconds=1))
    code, output = _verify(capsys)
    assert code == 1 and f"第 {victim.seq} 条" in output and "内容与其哈希不符" in output


def test_verify_finds_a_deleted_event_as_a_missing_link(world, capsys):
    audit_guard.uninstall(connection)
    victim = _events()[6]
    _raw("DELETE FROM core_auditevent WHERE id = %s", [victim.pk])
    code, output = _verify(capsys)
    assert code == 1
    assert f"缺少第 {victim.seq} 条" in output


def test_verify_finds_a_deleted_event_even_when_the_numbers_are_closed_up(world, capsys):
    audit_guard.uninstall(connection)
    events = _events()
    victim = events[3]
    _raw("DELETE FROM core_auditevent WHERE id = %s", [victim.pk])
    for later in events[4:]:  # renumber so that seq shows no gap: the links still do
        _raw("UPDATE core_auditevent SET seq = %s WHERE id = %s", [later.seq - 1, later.pk])
    code, output = _verify(capsys)
    assert code == 1
    assert f"第 {victim.seq} 条（id {events[4].pk}）的前序哈希与第 {victim.seq - 1} 条不符" in output


def test_verify_finds_the_first_event_deleted(world, capsys):
    _events()
    audit_guard.uninstall(connection)
    _raw("DELETE FROM core_auditevent WHERE seq = 1")
    code, output = _verify(capsys)
    assert code == 1 and "缺少第 1 条" in output


def test_verify_finds_two_events_swapped(world, capsys):
    audit_guard.uninstall(connection)
    first, second = _events()[5], _events()[8]
    _raw("UPDATE core_auditevent SET seq = 0 WHERE id = %s", [first.pk])
    _raw("UPDATE core_auditevent SET seq = %s WHERE id = %s", [first.seq, second.pk])
    _raw("UPDATE core_auditevent SET seq = %s WHERE id = %s", [second.seq, first.pk])
    code, output = _verify(capsys)
    assert code == 1
    assert f"第 {first.seq} 条（id {second.pk}）的前序哈希与第 {first.seq - 1} 条不符" in output


def test_verify_fails_when_the_guard_is_gone_though_the_chain_is_intact(world, capsys):
    audit_guard.uninstall(connection)
    code, output = _verify(capsys)
    assert code == 1
    assert "保护触发器缺失" in output and "链完好" in output


@pytest.mark.django_db(transaction=True)
def test_flush_may_empty_the_table_and_the_guard_stays(world):
    """The test runner empties tables with ``flush`` between transactional tests (this one included)."""
    assert AuditEvent.objects.exists()
    call_command("flush", verbosity=0, interactive=False)
    assert not AuditEvent.objects.exists()
    event = audit.append(actor=None, action="auth.login_failed", object_type="core.user", object_id="")
    event = AuditEvent.objects.get(pk=event.pk)  # linked when append's transaction committed
    assert event.seq == 1 and event.prev_hash == ZERO
    with pytest.raises(IntegrityError, match="append-only"):
        _raw("DELETE FROM core_auditevent")
    assert AuditEvent.objects.count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serialises writers by BEGIN IMMEDIATE; the advisory lock is PostgreSQL's",
)
def test_concurrent_writers_on_postgresql_extend_one_chain(world):
    writers, per_writer = 8, 10
    barrier = threading.Barrier(writers)
    errors = []

    def write(index):
        try:
            barrier.wait()
            for n in range(per_writer):
                with transaction.atomic():
                    audit.append(
                        actor=None, action="test.concurrent", object_type="t", object_id=f"{index}-{n}"
                    )
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
    assert AuditEvent.objects.count() == before + writers * per_writer
    events = _events()
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    from anju.core.audit_chain import verify

    assert verify().intact


@pytest.mark.django_db(transaction=True)
def test_the_migration_chains_the_events_written_before_the_chain(world, capsys):
    from django.db.migrations.executor import MigrationExecutor

    ids = list(AuditEvent.objects.order_by("id").values_list("id", flat=True))
    executor = MigrationExecutor(connection)
    executor.migrate([("core", "0001_initial")])  # the log as it was: no seq, no hashes, no triggers
    assert "seq" not in {
        c.name for c in connection.introspection.get_table_description(connection.cursor(), "core_auditevent")
    }
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    events = _events()
    assert [e.id for e in events] == ids  # numbered in the order they were written
    assert [e.seq for e in events] == list(range(1, len(ids) + 1))
    code, output = _verify(capsys)
    assert code == 0, output
