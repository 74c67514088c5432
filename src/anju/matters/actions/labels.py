"""标注风险领域 from triage's 待标注 queue: a person confirms a matter's domain, or sets another one.

The ledger's domains train triage's classifier, so a confirmed label is what the next model learns from.
Confirming runs in every status (closed matters train the model as much as open ones), under the same
permission as 更正事项信息 (``matter.correct``). It writes an internal timeline entry and the audit event,
and triage's ``LabelConfirmation`` row, which takes the matter out of the queue while its domain stays.
"""

from __future__ import annotations

import datetime as dt

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anju.core.concurrency import lock_checked
from anju.core.permissions import require
from anju.matters.actions.base import log_event, snapshot
from anju.matters.models import Matter

PERMISSION = "matter.correct"


@transaction.atomic
def confirm_domain(actor, matter: Matter, *, domain, version=None, now: dt.datetime | None = None) -> Matter:
    """Confirm ``matter``'s domain as ``domain`` (the same: confirmed; another: corrected), from the
    待标注 queue. Refused without ``matter.correct``, outside the actor's scope, on a stale version or for
    an inactive domain."""
    require(actor, PERMISSION)  # the role, before anything is locked
    lock_checked(matter, version)
    require(actor, PERMISSION, matter)  # scope on the row as it is now
    if domain is None or not domain.active:
        raise ValidationError({"domain": _("请选择启用中的风险领域。")})
    now = now or timezone.now()
    before = snapshot(matter)
    old = matter.domain
    if domain.pk != matter.domain_id:
        matter.domain = domain
        matter.save()  # Versioned: version + 1
        note = _("标注风险领域：%(old)s → %(new)s") % {"old": old, "new": domain}
    else:
        note = _("确认风险领域：%(domain)s") % {"domain": domain}
    log_event(
        actor,
        matter,
        "domain_labelled",
        before,
        note=note,
        data={"domain": domain.code, "previous": old.code},
        at=now,
    )
    if apps.is_installed("anju.triage"):
        from anju.triage.actions import record_label_confirmation

        record_label_confirmation(actor, matter, domain.code, now=now)
    return matter
