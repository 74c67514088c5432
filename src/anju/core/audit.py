"""Writing audit events. Actions call ``record``; nothing else writes to the audit log."""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Iterable

from django.db.models import Model

from anju.core.models import AuditEvent


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
    actor, action: str, obj: Model, *, before=None, after=None, note: str = "", area=None
) -> AuditEvent:
    if area is None:
        area = getattr(obj, "area", None) if hasattr(obj, "area_id") else None
    return AuditEvent.objects.create(
        actor=actor if (actor is not None and actor.pk) else None,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        area=area,
        before=_jsonable(before),
        after=_jsonable(after),
        note=note,
    )
