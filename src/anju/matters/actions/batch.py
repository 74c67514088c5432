"""Batch actions of the ledger: one existing single-matter action per selected matter.

Each matter gets its own transaction (the single action's, inside a savepoint here), so a matter is either
wholly done or untouched; a matter the action refuses (its status, its scope, a stale version, bad input) is
reported with the reason and the others go on. The role is checked once, before anything: a role that may
not run the action at all is refused outright (``NotAllowed``), as the single action would refuse it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anju.core.permissions import require
from anju.matters.actions.records import supervise
from anju.matters.actions.steps import assign
from anju.matters.models import Matter
from anju.matters.workflow import WORKFLOW


@dataclass(frozen=True)
class RowResult:
    """What happened to one selected matter."""

    matter: Matter
    ok: bool
    message: str


def _reason(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "；".join(m for messages in exc.message_dict.values() for m in messages)
    return "；".join(exc.messages)


def run_each(
    actor,
    action: str,
    matters: Iterable[Matter],
    run_one: Callable[[Matter, int | None], object],
    *,
    versions: dict[int, int] | None = None,
    success: str,
) -> list[RowResult]:
    """Run ``run_one(matter, version)`` for each matter in its own transaction; one result per matter."""
    require(actor, WORKFLOW[action].permission)  # the role, before any matter is touched
    versions = versions or {}
    results = []
    for matter in matters:
        try:
            with transaction.atomic():
                run_one(matter, versions.get(matter.pk))
        except ValidationError as exc:  # NotAllowed, Conflict and WorkflowError are ValidationErrors too
            matter.refresh_from_db()
            results.append(RowResult(matter, False, _reason(exc)))
        else:
            results.append(RowResult(matter, True, success))
    return results


def batch_assign(
    actor,
    matters: Iterable[Matter],
    *,
    unit,
    person=None,
    deadline: dt.date,
    lead_leader=None,
    note: str = "",
    versions: dict[int, int] | None = None,
    now: dt.datetime | None = None,
) -> list[RowResult]:
    """交办 each matter to ``unit`` with ``deadline`` (``actions.assign``); ``lead_leader`` becomes the 包案领导
    of each (the level rules refuse a 较高/最高 matter without one, as for a single 交办)."""
    now = now or timezone.now()
    return run_each(
        actor,
        "assign",
        matters,
        lambda m, v: assign(
            actor,
            m,
            unit=unit,
            person=person,
            deadline=deadline,
            lead_leader=lead_leader,
            note=note,
            version=v,
            now=now,
        ),
        versions=versions,
        success=_("已交办"),
    )


def batch_supervise(
    actor,
    matters: Iterable[Matter],
    *,
    note: str,
    new_deadline: dt.date | None = None,
    versions: dict[int, int] | None = None,
    now: dt.datetime | None = None,
    success: str = "",
) -> list[RowResult]:
    """督办 each matter (``actions.supervise``); a new deadline, when given, replaces each one's deadline."""
    now = now or timezone.now()
    return run_each(
        actor,
        "supervise",
        matters,
        lambda m, v: supervise(actor, m, note=note, new_deadline=new_deadline, version=v, now=now),
        versions=versions,
        success=success or (_("已督办") if new_deadline is None else _("已督办并调整期限")),
    )


def batch_set_deadline(
    actor,
    matters: Iterable[Matter],
    *,
    deadline: dt.date,
    note: str = "",
    versions: dict[int, int] | None = None,
    now: dt.datetime | None = None,
) -> list[RowResult]:
    """A new deadline for each matter: the 督办 that sets a new deadline, noted as such."""
    note = note.strip() or _("调整办理期限至 %(d)s") % {"d": deadline.isoformat()}
    return batch_supervise(
        actor,
        matters,
        note=note,
        new_deadline=deadline,
        versions=versions,
        now=now,
        success=_("已调整期限"),
    )
