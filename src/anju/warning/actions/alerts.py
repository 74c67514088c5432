"""Warnings (预警): draft, issue, update, lift, acknowledge. Each issued message is a CAP alert."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anju.core import audit
from anju.core.concurrency import lock_checked
from anju.core.errors import NotAllowed, WorkflowError
from anju.core.notifications import members_of, notify
from anju.core.permissions import require
from anju.core.scoping import in_scope
from anju.warning.cap import mapping
from anju.warning.describe import alert_text_from_signal
from anju.warning.models import Alert, AlertLevel, AlertRecipient, AlertStatus, MessageType

ALERT_FIELDS = (
    "identifier",
    "msg_type",
    "status",
    "domain",
    "level",
    "headline",
    "area",
    "onset",
    "expires",
    "urgency",
    "certainty",
    "issuing_unit",
    "issued_at",
    "references",
)


def _alert_errors(*, headline, expected, measures, onset, expires, area) -> dict:
    errors = {}
    if not (headline or "").strip():
        errors["headline"] = _("请填写标题。")
    if not (expected or "").strip():
        errors["expected"] = _("请填写预计情况。")
    if not (measures or "").strip():
        errors["measures"] = _("请填写应采取的措施。")
    if onset is None:
        errors["onset"] = _("请填写起始时间。")
    elif expires is not None and expires <= onset:
        errors["expires"] = _("截止时间须晚于起始时间。")
    if area is None:
        errors["area"] = _("请选择影响区域。")
    return errors


@transaction.atomic
def draft_alert(
    actor,
    *,
    domain,
    level,
    headline,
    area,
    onset,
    expected,
    measures,
    issuing_unit=None,
    expires=None,
    urgency="Expected",
    certainty="Likely",
    recipients=(),
    signal=None,
):
    """A new warning in draft; nothing is sent until ``issue_alert``."""
    require(actor, "alert.manage", area)  # the area warned about must be the actor's
    errors = _alert_errors(
        headline=headline, expected=expected, measures=measures, onset=onset, expires=expires, area=area
    )
    if level not in AlertLevel.values:
        errors["level"] = _("请选择预警级别。")
    issuing_unit = issuing_unit or actor.unit
    if issuing_unit is None:
        errors["issuing_unit"] = _("请选择发布单位。")
    if not recipients:
        errors["recipients"] = _("请至少选择一个接收单位。")
    if errors:
        raise ValidationError(errors)
    alert = Alert.objects.create(
        domain=domain,
        level=level,
        headline=headline.strip(),
        area=area,
        onset=onset,
        expires=expires,
        expected=expected.strip(),
        measures=measures.strip(),
        urgency=urgency,
        certainty=certainty,
        issuing_unit=issuing_unit,
        signal=signal,
        created_by=actor,
    )
    AlertRecipient.objects.bulk_create([AlertRecipient(alert=alert, unit=u) for u in recipients])
    audit.record(
        actor,
        "alert.draft",
        alert,
        after=audit.snapshot(alert, ALERT_FIELDS) | {"recipients": [u.pk for u in recipients]},
    )
    return alert


def draft_from_signal(
    actor, signal, *, level="yellow", recipients=(), onset=None, now: dt.datetime | None = None
):
    """Pre-fill a draft from an early-warning signal: its sentence as the expected situation."""
    now = now or timezone.now()
    return draft_alert(
        actor,
        domain=signal.domain,
        level=level,
        area=signal.area,
        onset=onset or now,
        recipients=recipients,
        signal=signal,
        **alert_text_from_signal(signal, timezone.localdate(now)),
    )


def _identifier(alert, when) -> str:
    """GB/T 35965.1-style: division(6) + institution(3) + internal(3) + ext(2) _ time _ sequence."""

    prefix = f"{alert.issuing_unit.area.code[:6]}{mapping()['institution_code']}00000_{when:%Y%m%d%H%M%S}_"
    n = Alert.objects.filter(identifier__startswith=prefix).count() + 1
    return f"{prefix}{n}"


STALE_ALERT = gettext_lazy("该预警已被他人修改，请刷新后重试。")


def _locked(alert, version):
    """``alert`` re-read under a row lock; refused when the page showed an older version."""
    return lock_checked(alert, version, message=STALE_ALERT)


def _guarded(actor, alert, version):
    """The role first, before anything is read; then the warning locked and its area checked for scope."""
    require(actor, "alert.manage")
    alert = _locked(alert, version)
    require(actor, "alert.manage", alert)
    return alert


def at_issuing_level(user, alert) -> bool:
    """Only the issuing level or a level above it changes a warning: a town centre may not update or lift
    one the county issued, though the area warned about is the town's. (Pages use it to offer the buttons.)"""
    return in_scope(user, alert.issuing_unit.area)


def _check_issuing_level(actor, alert) -> None:
    if not at_issuing_level(actor, alert):
        raise NotAllowed(
            _("该预警由%(unit)s发布，只有发布单位所在层级或上级可以更新或解除。")
            % {"unit": alert.issuing_unit.name}
        )


TO_ACKNOWLEDGE_TITLES = {
    MessageType.ALERT: gettext_lazy("请签收预警：%(headline)s"),
    MessageType.UPDATE: gettext_lazy("请签收预警更新：%(headline)s"),
    MessageType.CANCEL: gettext_lazy("请签收预警解除：%(headline)s"),
}


def _tell_recipients(actor, alert, now) -> int:
    """Each recipient unit's active users are asked to acknowledge this message, once per message and unit
    (an update or a lift is a new message, so it is told again)."""
    link = reverse("warning:alert", args=[alert.pk])
    title = TO_ACKNOWLEDGE_TITLES.get(alert.msg_type, TO_ACKNOWLEDGE_TITLES[MessageType.ALERT])
    sent = 0
    for recipient in alert.recipients.select_related("unit"):
        sent += len(
            notify(
                members_of(recipient.unit, excluding=actor),
                kind="warning.to_acknowledge",
                title=str(title) % {"headline": alert.headline},
                body=_("%(level)s，发布单位：%(unit)s。请及时签收。")
                % {"level": alert.get_level_display(), "unit": alert.issuing_unit.name},
                link=link,
                key=f"warning:acknowledge:{alert.pk}:{recipient.unit_id}",
                now=now,
            )
        )
    return sent


@transaction.atomic
def issue_alert(actor, alert, *, version=None, now: dt.datetime | None = None):
    """发布 a draft. ``version``: the one the page showed (a stale tab is refused, not issued twice)."""
    alert = _guarded(actor, alert, version)
    if alert.status != AlertStatus.DRAFT:
        raise WorkflowError(_("只有草稿状态的预警可以发布。"))
    before = audit.snapshot(alert, ALERT_FIELDS)
    now = timezone.localtime(now)
    alert.identifier = _identifier(alert, now)
    alert.status, alert.issued_at = AlertStatus.ISSUED, now
    alert.save()
    audit.record(actor, "alert.issue", alert, before=before, after=audit.snapshot(alert, ALERT_FIELDS))
    _tell_recipients(actor, alert, now)
    return alert


def _successor(actor, alert, msg_type, note, **changes):
    fields = {
        f: getattr(alert, f)
        for f in (
            "domain",
            "level",
            "headline",
            "area",
            "onset",
            "expires",
            "expected",
            "measures",
            "urgency",
            "certainty",
            "issuing_unit",
            "signal",
        )
    }
    fields.update({k: v for k, v in changes.items() if v is not None})
    successor = Alert.objects.create(
        msg_type=msg_type, references=alert, status=AlertStatus.DRAFT, note=note, created_by=actor, **fields
    )
    AlertRecipient.objects.bulk_create(
        [AlertRecipient(alert=successor, unit_id=r.unit_id) for r in alert.recipients.all()]
    )
    return successor


@transaction.atomic
def update_alert(actor, alert, *, note: str, version=None, now: dt.datetime | None = None, **changes):
    """更新: a new issued message referring to ``alert``, which becomes superseded."""
    alert = _guarded(actor, alert, version)
    _check_issuing_level(actor, alert)
    if changes.get("area") is not None:
        require(actor, "alert.manage", changes["area"])  # moved to another area: that one must be theirs too
    if alert.status != AlertStatus.ISSUED or alert.msg_type == MessageType.CANCEL:
        raise WorkflowError(_("只有已发布且未解除的预警可以更新。"))
    if not (note or "").strip():
        raise ValidationError({"note": _("请说明更新原因。")})
    merged = {
        f: changes.get(f) if changes.get(f) is not None else getattr(alert, f)
        for f in ("headline", "expected", "measures", "onset", "expires", "area")
    }
    errors = _alert_errors(**merged)
    if errors:
        raise ValidationError(errors)
    successor = _successor(actor, alert, MessageType.UPDATE, note.strip(), **changes)
    before = audit.snapshot(alert, ALERT_FIELDS)
    alert.status = AlertStatus.SUPERSEDED
    alert.save()
    audit.record(actor, "alert.supersede", alert, before=before, after=audit.snapshot(alert, ALERT_FIELDS))
    return issue_alert(actor, successor, now=now)


@transaction.atomic
def lift_alert(actor, alert, *, note: str, version=None, now: dt.datetime | None = None):
    """解除: a Cancel message referring to ``alert``, which becomes lifted."""
    alert = _guarded(actor, alert, version)
    _check_issuing_level(actor, alert)
    if alert.status != AlertStatus.ISSUED or alert.msg_type == MessageType.CANCEL:
        raise WorkflowError(_("只有已发布的预警可以解除。"))
    if not (note or "").strip():
        raise ValidationError({"note": _("请说明解除原因。")})
    cancel = _successor(actor, alert, MessageType.CANCEL, note.strip())
    before = audit.snapshot(alert, ALERT_FIELDS)
    alert.status = AlertStatus.LIFTED
    alert.save()
    audit.record(
        actor, "alert.lift", alert, before=before, after=audit.snapshot(alert, ALERT_FIELDS), note=note
    )
    return issue_alert(actor, cancel, now=now)


@transaction.atomic
def acknowledge_alert(actor, alert, *, now: dt.datetime | None = None):
    """签收 by the actor's unit, once: the recipient row is locked, so a double submit finds it signed.

    The guard is the recipient list, not a role: whoever belongs to a unit the warning was sent to signs."""

    alert = _locked(alert, None)  # acknowledging changes no field of the warning; its state is what counts
    if alert.status == AlertStatus.DRAFT:
        raise WorkflowError(_("草稿不能签收。"))
    recipient = (
        AlertRecipient.objects.select_for_update().filter(alert=alert, unit=actor.unit).first()
        if actor.unit_id
        else None
    )
    if recipient is None:
        raise NotAllowed(_("您的单位不是该预警的接收单位。"))
    if recipient.acknowledged_at:
        raise WorkflowError(_("您的单位已签收。"))
    recipient.acknowledged_at, recipient.acknowledged_by = now or timezone.now(), actor
    recipient.save()
    audit.record(actor, "alert.acknowledge", alert, after={"unit": actor.unit_id}, area=alert.area)
    return recipient
