"""The skeleton every matters action shares: ``begin`` before the change, ``finish`` after it.

``begin`` refuses what the actor may not do (``core.permissions.require``: role, scope, unit → ``NotAllowed``),
locks the matter's row and refuses a stale version (``lock_checked`` → ``Conflict``), and refuses a status the
workflow table (``matters.workflow.WORKFLOW``) does not allow (``WorkflowError``). ``finish`` moves the
matter to the action's target status, saves it, and writes its timeline entry (``MatterEvent``) and audit
event. Both run inside the action's transaction, so a refusal or an error in between changes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from anju.core import audit
from anju.core.concurrency import lock_checked
from anju.core.errors import NotAllowed, WorkflowError
from anju.core.permissions import require
from anju.core.scoping import may_move
from anju.matters import audience
from anju.matters.models import Matter, MatterEvent
from anju.matters.risk import current_matrix
from anju.matters.workflow import WORKFLOW, Action

AUDITED_FIELDS = (
    "status",
    "kind",
    "domain",
    "area",
    "handling_area",
    "title",
    "people_involved",
    "amount_involved",
    "likelihood",
    "consequence",
    "inherent_level",
    "residual_likelihood",
    "residual_consequence",
    "residual_level",
    "matrix_version",
    "grey_rhino",
    "black_swan_suggested",
    "black_swan_confirmed",
    "mitigation_plan",
    "responsible_unit",
    "responsible_person",
    "deadline",
    "lead_leader",
    "handling_exemption",
    "outcome",
    "satisfaction",
    "merged_into",
)


@dataclass
class Step:
    """One action under way: the locked matter, as it was before (for the audit), and the action's clock."""

    actor: object
    matter: Matter
    action: Action
    now: dt.datetime
    from_status: str
    before: dict

    @property
    def today(self) -> dt.date:
        return timezone.localdate(self.now)


def begin(actor, matter: Matter, action: str, version=None, now: dt.datetime | None = None) -> Step:
    """Guard, lock and check the matter for ``action`` (a key of ``WORKFLOW``); call first in the action's
    transaction. ``matter`` is re-read in place; ``version`` is the one the user saw (None: not checked)."""
    spec = WORKFLOW[action]
    require(actor, spec.permission)  # the role: refused before anything is locked or read
    lock_checked(matter, version)
    # Scope and unit on the row as it is now: an assignment since the caller read it counts.
    require(actor, spec.permission, matter)
    if spec.target is not None and not may_move(actor, matter):
        raise NotAllowed(_("协办单位记录本单位的办理情况；事项的流转（办结、退回、上报等）由责任单位办理。"))
    if not spec.allows(matter.status):
        raise WorkflowError(spec.refusal_message(matter.status))
    return Step(actor, matter, spec, now or timezone.now(), matter.status, snapshot(matter))


def finish(
    step: Step,
    *,
    note: str = "",
    public_text: str = "",
    data: dict | None = None,
    changed: bool = False,
) -> MatterEvent:
    """Move the matter to the action's target status and save it (also when ``changed``: the action changed
    other fields), then write the timeline entry and the audit event."""
    matter, spec = step.matter, step.action
    from_status, to_status = spec.step(step.from_status)
    if to_status:
        matter.status = to_status
    if to_status or changed:
        matter.save()  # Versioned: version + 1
    return log_event(
        step.actor,
        matter,
        spec.event,
        step.before,
        statuses=(from_status, to_status),
        note=note,
        public_text=public_text,
        data=data,
        at=step.now,
    )


def snapshot(matter: Matter) -> dict:
    return audit.snapshot(matter, AUDITED_FIELDS)


def log_event(
    actor,
    matter: Matter,
    kind: str,
    before: dict,
    *,
    statuses: tuple[str, str] = ("", ""),
    note: str = "",
    public_text: str = "",
    data: dict | None = None,
    at: dt.datetime | None = None,
) -> MatterEvent:
    """Write one timeline entry and its audit event. ``note`` is internal; the citizen sees the neutral line
    of ``audience.PUBLIC_LINES`` for ``kind`` and ``public_text`` (text written for the citizen), if any.
    The audit event carries the real time of the write; the timeline the action's time ``at``."""
    old, new = audit.changed(before, snapshot(matter))
    public_text = audience.checked_public_text(kind, public_text)
    event = MatterEvent.objects.create(
        matter=matter,
        actor=actor if actor and actor.pk else None,
        kind=kind,
        from_status=statuses[0],
        to_status=statuses[1],
        note=note,
        public=audience.is_public(kind, public_text),
        public_text=public_text,
        data=data or {},
        at=at or timezone.now(),
    )
    audit.record(actor, f"matter.{kind}", matter, before=old or None, after=new or None, note=note)
    return event


def internal_note(step: Step, note: str) -> None:
    """A staff member's remark on a transition stays on the staff timeline: the citizen's status page shows
    only the standard wording of public steps."""
    if (note or "").strip():
        matter = step.matter
        log_event(step.actor, matter, "note", snapshot(matter), note=note.strip(), at=step.now)


def score(likelihood: int, consequence: int):
    """The current matrix and the level of (likelihood, consequence) on it."""
    matrix = current_matrix()
    try:
        level = matrix.level(int(likelihood), int(consequence))
    except (TypeError, ValueError):
        raise ValidationError({"likelihood": _("可能性与后果须在风险矩阵的刻度范围内。")}) from None
    return matrix, level


def required_text(value: str, field: str, message: str) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationError({field: message})
    return text
