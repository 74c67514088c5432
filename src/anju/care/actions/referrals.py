"""Referrals (转介): a handler of a matter refers one of its parties to a service unit, with the party's
consent; the receiving unit accepts or declines and records the outcome; the sender closes the referral.

Each step writes an internal entry on the matter's timeline and an audit event in the same transaction. A
service unit linked to a ``core.Unit`` is answered by that unit's members (the referral is addressed to it);
for one without a linked unit the sender records the answer the service gave by phone or letter."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from anju.care.models import ConsentMethod, Referral, ReferralStatus, ServiceUnit
from anju.core import audit
from anju.core.concurrency import lock_checked
from anju.core.crypto import mask_personal_text
from anju.core.errors import NotAllowed, WorkflowError
from anju.core.notifications import members_of, notify
from anju.core.permissions import require
from anju.matters.models import Matter, MatterEvent, MatterParty
from anju.matters.workflow import Status

# A referral is for a matter the ledger still counts: not one merged into another, nor one rejected.
NOT_REFERABLE = (Status.MERGED, Status.REJECTED)
AUDIT_FIELDS = ("status", "service_unit", "party", "consent_method", "outcome_on", "closed_at")


def _snapshot(referral: Referral) -> dict:
    return audit.snapshot(referral, AUDIT_FIELDS)


def _text(value: str) -> str:
    """Free text as stored: phones and ID numbers typed into it masked (the party's contact is on the party)."""
    return mask_personal_text((value or "").strip(), name_titles=False)


def _timeline(actor, referral: Referral, kind: str, note: str, at: dt.datetime) -> None:
    """An internal entry on the matter's staff timeline (never shown to the citizen)."""
    MatterEvent.objects.create(
        matter=referral.matter,
        actor=actor if actor is not None and actor.pk else None,
        kind=kind,
        note=note,
        public=False,
        data={"referral": referral.pk, "service_unit": referral.service_unit_id},
        at=at,
    )


def _record(actor, code: str, referral: Referral, before: dict | None, note: str = "") -> None:
    old, new = audit.changed(before or {}, _snapshot(referral))
    audit.record(
        actor, code, referral, before=old or None, after=new or None, note=note, area=referral.matter.area
    )


def _link(referral: Referral) -> str:
    return reverse("care:referral", args=[referral.pk])


@transaction.atomic
def send_referral(
    actor,
    matter: Matter,
    *,
    party: MatterParty | None,
    service_unit: ServiceUnit | None,
    purpose: str,
    consent: bool,
    consent_method: str = "",
    consent_note: str = "",
    now: dt.datetime | None = None,
) -> Referral:
    """Refer ``party`` of ``matter`` to ``service_unit``. Without the party's recorded consent nothing is sent."""
    now = now or timezone.now()
    require(actor, "care.refer", matter)
    matter = Matter.objects.select_for_update().get(pk=matter.pk)
    if matter.status in NOT_REFERABLE:
        raise WorkflowError(_("已合并或不予受理的事项不能转介。"))
    errors = {}
    if party is None or party.matter_id != matter.pk:
        errors["party"] = _("请选择本事项的当事人。")
    if service_unit is None:
        errors["service_unit"] = _("请选择服务机构。")
    elif not service_unit.active:
        errors["service_unit"] = _("该服务机构已停用，不能接收转介。")
    elif not matter.area.path.startswith(service_unit.area.path):
        errors["service_unit"] = _("该服务机构不服务本事项所在区域。")
    purpose = _text(purpose)
    if not purpose:
        errors["purpose"] = _("请填写转介事由。")
    if not consent:
        errors["consent"] = _("当事人未同意转介，不能发送。请先征得当事人同意。")
    elif consent_method not in ConsentMethod.values:
        errors["consent_method"] = _("请选择当事人同意的方式。")
    if errors:
        raise ValidationError(errors)
    referral = Referral.objects.create(
        matter=matter,
        party=party,
        service_unit=service_unit,
        purpose=purpose,
        consent=True,
        consent_method=consent_method,
        consent_note=_text(consent_note)[:200],
        contact_phone=party.phone,
        sent_by=actor,
        sent_at=now,
    )
    _timeline(
        actor,
        referral,
        "referral_sent",
        _("转介至%(unit)s（%(kind)s）：%(purpose)s")
        % {"unit": service_unit.name, "kind": service_unit.get_kind_display(), "purpose": purpose},
        now,
    )
    _record(actor, "care.referral_send", referral, None)
    if service_unit.unit_id is not None:
        notify(
            members_of(service_unit.unit, excluding=actor),
            kind="care.referral",
            title=_("收到转介：%(number)s") % {"number": matter.number},
            body=_("%(kind)s转介，请接收或说明理由后拒绝。") % {"kind": service_unit.get_kind_display()},
            link=_link(referral),
            key=f"care.referral:{referral.pk}",
            now=now,
        )
    return referral


def _require_answerer(actor, referral: Referral) -> None:
    """The receiving unit's members answer a referral to a linked service; for an unlinked one, a handler of
    the matter records the answer the service gave."""
    if referral.service_unit.unit_id is None:
        require(actor, "care.refer", referral.matter)
        return
    require(actor, "care.receive")
    if actor.unit_id != referral.service_unit.unit_id:
        raise NotAllowed(_("您不是接收单位的人员，无权答复该转介。"))
    require(actor, "care.receive", referral)  # addressed to the actor's unit


def _tell_sender(actor, referral: Referral, title: str, now) -> None:
    if referral.sent_by_id is None or referral.sent_by_id == actor.pk or not referral.sent_by.is_active:
        return
    notify(
        referral.sent_by,
        kind="care.referral_answer",
        title=title,
        body=str(referral.service_unit),
        link=_link(referral),
        key=f"care.referral_answer:{referral.pk}:{referral.status}",
        now=now,
    )


@transaction.atomic
def accept_referral(actor, referral: Referral, *, version=None, now=None) -> Referral:
    now = now or timezone.now()
    _require_answerer(actor, referral)
    lock_checked(referral, version)
    if referral.status != ReferralStatus.SENT:
        raise WorkflowError(_("该转介已答复，不能再接收。"))
    before = _snapshot(referral)
    referral.status = ReferralStatus.ACCEPTED
    referral.answered_by, referral.answered_at = actor, now
    referral.save()
    _timeline(
        actor,
        referral,
        "referral_accepted",
        _("%(unit)s已接收转介") % {"unit": referral.service_unit.name},
        now,
    )
    _record(actor, "care.referral_accept", referral, before)
    _tell_sender(actor, referral, _("转介已被接收：%(number)s") % {"number": referral.matter.number}, now)
    return referral


@transaction.atomic
def decline_referral(actor, referral: Referral, *, reason: str, version=None, now=None) -> Referral:
    now = now or timezone.now()
    _require_answerer(actor, referral)
    reason = _text(reason)
    if not reason:
        raise ValidationError({"reason": _("请填写拒绝理由。")})
    lock_checked(referral, version)
    if referral.status != ReferralStatus.SENT:
        raise WorkflowError(_("该转介已答复，不能再拒绝。"))
    before = _snapshot(referral)
    referral.status = ReferralStatus.DECLINED
    referral.answered_by, referral.answered_at = actor, now
    referral.decline_reason = reason
    referral.save()
    _timeline(
        actor,
        referral,
        "referral_declined",
        _("%(unit)s拒绝转介：%(reason)s") % {"unit": referral.service_unit.name, "reason": reason},
        now,
    )
    _record(actor, "care.referral_decline", referral, before, note=reason)
    _tell_sender(actor, referral, _("转介被拒绝：%(number)s") % {"number": referral.matter.number}, now)
    return referral


@transaction.atomic
def record_outcome(
    actor, referral: Referral, *, outcome: str, outcome_on: dt.date | None, version=None, now=None
) -> Referral:
    """The service's result for the party (e.g. 已开展三次心理疏导), by the receiving unit after accepting."""
    now = now or timezone.now()
    _require_answerer(actor, referral)
    outcome = _text(outcome)
    errors = {}
    if not outcome:
        errors["outcome"] = _("请填写服务结果。")
    if outcome_on is None:
        errors["outcome_on"] = _("请填写结果日期。")
    elif outcome_on > timezone.localdate(now):
        errors["outcome_on"] = _("结果日期不能晚于今天。")
    if errors:
        raise ValidationError(errors)
    lock_checked(referral, version)
    if referral.status != ReferralStatus.ACCEPTED:
        raise WorkflowError(_("只有已接收的转介才能反馈服务结果。"))
    if outcome_on < timezone.localdate(referral.sent_at):
        raise ValidationError({"outcome_on": _("结果日期不能早于转介日期。")})
    before = _snapshot(referral)
    referral.status = ReferralStatus.DONE
    referral.outcome, referral.outcome_on, referral.outcome_by = outcome, outcome_on, actor
    referral.save()
    _timeline(
        actor,
        referral,
        "referral_outcome",
        _("%(unit)s反馈服务结果：%(outcome)s") % {"unit": referral.service_unit.name, "outcome": outcome},
        now,
    )
    _record(actor, "care.referral_outcome", referral, before)
    _tell_sender(
        actor, referral, _("转介已反馈服务结果：%(number)s") % {"number": referral.matter.number}, now
    )
    return referral


@transaction.atomic
def close_referral(actor, referral: Referral, *, note: str = "", version=None, now=None) -> Referral:
    """The sender's side ends the referral: after the outcome or a refusal, or withdrawn (a note says why)."""
    now = now or timezone.now()
    # The sender's side, on the matter: being addressed the referral does not let the receiving unit close it.
    require(actor, "care.refer", referral.matter)
    note = _text(note)
    lock_checked(referral, version)
    if referral.status == ReferralStatus.CLOSED:
        raise WorkflowError(_("该转介已结束。"))
    if referral.status in (ReferralStatus.SENT, ReferralStatus.ACCEPTED) and not note:
        raise ValidationError({"note": _("转介尚未反馈结果，提前结束请说明原因。")})
    before = _snapshot(referral)
    referral.status = ReferralStatus.CLOSED
    referral.closed_by, referral.closed_at, referral.closing_note = actor, now, note
    referral.save()
    line = _("转介（%(unit)s）已结束") % {"unit": referral.service_unit.name}
    _timeline(actor, referral, "referral_closed", f"{line}：{note}" if note else line, now)
    _record(actor, "care.referral_close", referral, before, note=note)
    return referral


@transaction.atomic
def reveal_referral_contact(actor, referral: Referral, *, now=None) -> str:
    """The party's phone for the service to reach them (consented with the referral): the receiving unit's
    members while the referral is open or being served, or a handler of the matter. Every reveal is logged."""
    if referral.service_unit.unit_id is not None and actor.unit_id == referral.service_unit.unit_id:
        _require_answerer(actor, referral)
        if referral.status not in (ReferralStatus.SENT, ReferralStatus.ACCEPTED):
            raise WorkflowError(_("转介已答复或结束，接收单位不能再查看联系电话。"))
    else:
        require(actor, "care.refer", referral.matter)
    audit.record(
        actor, "care.referral_contact_reveal", referral, note="contact_phone", area=referral.matter.area
    )
    return referral.contact_phone
