"""Actions that record something on a matter without a workflow step: mediation, 督办, notes, the residual
risk, the 灰犀牛 flag (the 黑天鹅 review is ``swans``), and the record of a ledger export."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from anju.core import audit
from anju.core.crypto import protect_text
from anju.core.permissions import require
from anju.matters.actions.base import begin, finish, required_text, score
from anju.matters.actions.notices import tell_supervised
from anju.matters.models import Matter, MatterEvent, MediationResult, MediationSession, SupervisionNote


@transaction.atomic
def record_mediation(
    actor,
    matter: Matter,
    *,
    held_on: dt.date,
    mediators: str,
    summary: str,
    result: str,
    parties_present: str = "",
    agreement_text: str = "",
    agreement_file=None,
    version: int | None = None,
    now: dt.datetime | None = None,
) -> MediationSession:
    """调解 session on an open matter. A first session on an assigned matter starts its resolution."""
    step = begin(actor, matter, "mediation", version, now)
    errors = {}
    if held_on is None:
        errors["held_on"] = _("请填写调解日期。")
    elif held_on > step.today:
        errors["held_on"] = _("调解日期不能晚于今天。")
    if not (mediators or "").strip():
        errors["mediators"] = _("请填写调解员。")
    if not (summary or "").strip():
        errors["summary"] = _("请填写调解经过。")
    if result not in MediationResult.values:
        errors["result"] = _("请选择调解结果。")
    if errors:
        raise ValidationError(errors)
    summary, summary_original = protect_text(summary.strip())
    agreement_text, agreement_text_original = protect_text((agreement_text or "").strip())
    session = MediationSession(
        matter=matter,
        held_on=held_on,
        mediators=mediators.strip(),
        summary=summary,
        summary_original=summary_original,
        result=result,
        parties_present=(parties_present or "").strip(),
        agreement_text=agreement_text,
        agreement_text_original=agreement_text_original,
        recorded_by=actor,
        recorded_at=step.now,
    )
    if agreement_file is not None:
        session.agreement_file = agreement_file
    session.save()
    finish(
        step,
        note=_("调解（%(d)s）：%(r)s") % {"d": held_on, "r": session.get_result_display()},
        data={"session": session.pk},
    )
    return session


@transaction.atomic
def supervise(
    actor,
    matter: Matter,
    *,
    note: str,
    new_deadline: dt.date | None = None,
    version: int | None = None,
    now: dt.datetime | None = None,
) -> SupervisionNote:
    """督办 note; may set a new deadline."""
    step = begin(actor, matter, "supervise", version, now)
    note = required_text(note, "note", _("请填写督办意见。"))
    if new_deadline is not None and new_deadline < step.today:
        raise ValidationError({"new_deadline": _("新期限不能早于今天。")})
    entry = SupervisionNote.objects.create(
        matter=matter, by=actor, note=note, new_deadline=new_deadline, at=step.now
    )
    if new_deadline is not None:
        matter.deadline = new_deadline
    finish(
        step,
        note=_("督办：%(n)s") % {"n": note},
        data={"note": entry.pk},
        changed=new_deadline is not None,
    )
    tell_supervised(actor, matter, note=note, now=step.now)
    return entry


@transaction.atomic
def add_note(
    actor,
    matter: Matter,
    *,
    note: str,
    public: bool = False,
    version: int | None = None,
    now: dt.datetime | None = None,
) -> MatterEvent:
    """A note on the timeline: internal, unless ``public`` (the form's 群众可见, labelled as public) makes
    its text a line the citizen reads as written."""
    step = begin(actor, matter, "note", version, now)
    masked, original = protect_text(required_text(note, "note", _("请填写内容。")))
    event = finish(step, note=masked, public_text=masked if public else "")
    if original:
        event.note_original = original
        event.save(update_fields=["note_original"])
    return event


@transaction.atomic
def set_residual_risk(
    actor,
    matter: Matter,
    *,
    likelihood: int,
    consequence: int,
    note: str = "",
    version: int | None = None,
    now: dt.datetime | None = None,
) -> Matter:
    """Record the residual level after measures, without a status change."""
    step = begin(actor, matter, "residual", version, now)
    matrix, level = score(likelihood, consequence)
    matter.residual_likelihood, matter.residual_consequence = int(likelihood), int(consequence)
    matter.residual_level, matter.matrix_version = level.code, matrix.key
    finish(step, note=note or _("措施后风险：%(level)s") % {"level": level.label}, changed=True)
    return matter


@transaction.atomic
def set_grey_rhino(
    actor, matter: Matter, *, marked: bool, version: int | None = None, now: dt.datetime | None = None
) -> Matter:
    step = begin(actor, matter, "grey_rhino", version, now)
    matter.grey_rhino = bool(marked)
    finish(step, note=_("标记为灰犀牛") if marked else _("取消灰犀牛标记"), changed=True)
    return matter


def record_export(actor, filters: dict, count: int, *, area=None):
    """Log a ledger export (who exported which filtered rows): exports carry personal data, masked or not."""
    require(actor, "ledger.export")
    area = area or actor.area
    return audit.record(
        actor,
        "ledger.export",
        area if area is not None else actor,
        after={"filters": filters, "count": count},
        area=area,
        note=_("导出台账 %(n)s 条") % {"n": count},
    )
