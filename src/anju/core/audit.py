"""Writing audit events. Actions call ``record``; nothing else writes to the audit log.

Each event is chained to the one before it by a hash (``audit_chain``), linked right after the transaction that
wrote it commits; ``anju audit verify`` checks the chain.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Model, QuerySet
from django.utils import timezone

from anju.core import audit_chain
from anju.core.models import AuditEvent
from anju.core.scoping import scoped


def _jsonable(value):
    if isinstance(value, Model):
        return value.pk
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return value


def snapshot(obj: Model, fields: Iterable[str]) -> dict:
    """The values of ``fields`` of ``obj`` in JSON form (foreign keys as ids)."""
    out = {}
    for name in fields:
        field = obj._meta.get_field(name)
        value = getattr(obj, field.attname)
        out[name] = _jsonable(value)
    return out


def changed(before: dict, after: dict) -> tuple[dict, dict]:
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def record(
    actor, action: str, obj: Model, *, before=None, after=None, note: str = "", area=None, at=None
) -> AuditEvent:
    if area is None:
        area = getattr(obj, "area", None) if hasattr(obj, "area_id") else None
    return append(
        actor=actor,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        area=area,
        before=before,
        after=after,
        note=note,
        at=at,
    )


def append(
    *,
    actor,
    action: str,
    object_type: str,
    object_id: str,
    object_repr: str = "",
    area=None,
    before=None,
    after=None,
    note: str = "",
    at=None,
) -> AuditEvent:
    """Add one event to the audit log (``record`` for an object; the sign-in events directly).

    The event is written unlinked in the caller's transaction, and linked into the hash chain right after that
    transaction commits (``audit_chain.link_pending``, in batches): no writer waits for the chain's lock while
    its own transaction is open. A transaction that rolls back leaves neither the event nor a gap."""
    event = AuditEvent(
        at=at or timezone.now(),
        actor=actor if (actor is not None and actor.pk) else None,
        action=str(action),
        object_type=str(object_type),
        object_id=str(object_id),
        object_repr=str(object_repr)[:200],
        area=area,
        before=audit_chain.normalised_json(_jsonable(before)),
        after=audit_chain.normalised_json(_jsonable(after)),
        note=str(note),  # a lazy translation is stored in the language of the moment
    )
    # No savepoint of its own: an event that cannot be written fails the whole change it records.
    with transaction.atomic(savepoint=False):
        event.save(force_insert=True)
        _link_after_commit()
    return event


def _link_after_commit() -> None:
    """Register the chain's linking once per transaction (a transaction with several events links them all in
    one call). A callback registered inside a savepoint still open is dropped if that savepoint rolls back, so
    it counts only when its savepoints are all still ours."""
    connection = transaction.get_connection()
    open_savepoints = set(connection.savepoint_ids)
    for entry in connection.run_on_commit:
        savepoints, callback = entry[0], entry[1]
        if callback is audit_chain.link_after_commit and set(savepoints) <= open_savepoints:
            return
    # robust: a failure to link is logged and leaves the event for the worker; the change itself committed.
    transaction.on_commit(audit_chain.link_after_commit, robust=True)


def visible_events(user) -> QuerySet:
    """The audit events ``user`` may read: those in their area subtree, and, for a user whose scope is a root
    of the area tree, the events that concern no area (sign-ins under unknown names, tokens, training)."""
    events = scoped(user, AuditEvent)
    if user.is_authenticated and user.is_active and user.area_id is not None and user.area.parent_id is None:
        events = events | AuditEvent.objects.filter(area__isnull=True)
    return events
