"""Typed links between matters (关联/引发/同源/复发) and reopening an archived matter as a recurrence (复发).

Each function guards itself (``core.permissions.require``: the role first, then the scope of **both**
matters on the locked rows), locks both rows in a fixed order (so two links made at once cannot deadlock),
checks the version the page showed, and writes an internal timeline entry on both matters and their audit
events, in one transaction. A link changes neither matter's fields, so their versions stay as they are.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from anju.core import audit
from anju.core.concurrency import lock_checked
from anju.core.errors import WorkflowError
from anju.core.permissions import require
from anju.matters.actions.base import log_event, required_text, snapshot
from anju.matters.actions.register import create_matter
from anju.matters.models import Matter, MatterLink
from anju.matters.models_links import LinkKind
from anju.matters.workflow import Status

LINK_PERMISSION = "matter.link"
REOPEN_PERMISSION = "matter.reopen"
MAX_REASON_CHARS = 300  # MatterLink.reason
# 关联 and 同源 read the same both ways: one link of the kind between two matters, whichever direction.
SYMMETRIC_KINDS = frozenset({LinkKind.RELATED, LinkKind.SAME_SOURCE})
# How a link reads on each of its two matters: (on the source, on the target).
RELATIONS: dict[str, tuple[str, str]] = {
    LinkKind.RELATED: (N_("关联"), N_("关联")),
    LinkKind.LED_TO: (N_("本事项引发"), N_("本事项由其引发")),
    LinkKind.SAME_SOURCE: (N_("同源"), N_("同源")),
    LinkKind.RECURRENCE: (N_("本事项复发为"), N_("本事项是其复发")),
}
LINK_LINE = N_("关联事项 %(n)s（%(relation)s）：%(r)s")
UNLINK_LINE = N_("解除与事项 %(n)s 的关联（%(relation)s）：%(r)s")
REOPEN_LINE = N_("复发，重新登记为事项 %(n)s：%(r)s")


def relation(kind: str, *, outgoing: bool) -> str:
    """The untranslated relation phrase of a link of ``kind`` as read on its source (outgoing) or target."""
    pair = RELATIONS.get(kind, (kind, kind))
    return pair[0] if outgoing else pair[1]


def _lock_pair(first: Matter, first_version, second: Matter, second_version) -> None:
    """Lock both matters, lower primary key first; refuse a stale version of either."""
    pairs = sorted([(first, first_version), (second, second_version)], key=lambda p: p[0].pk)
    for matter, version in pairs:
        lock_checked(matter, version)


def _existing(source: Matter, target: Matter, kind: str):
    same_way = Q(source=source, target=target)
    if kind in SYMMETRIC_KINDS:
        same_way |= Q(source=target, target=source)
    return MatterLink.objects.filter(same_way, kind=kind)


def _write_pair(actor, link: MatterLink, line: str, reason: str, kind: str, at: dt.datetime, data: dict):
    """One internal timeline entry on each matter, each naming the other matter and reading its way."""
    for matter, other, outgoing in ((link.source, link.target, True), (link.target, link.source, False)):
        log_event(
            actor,
            matter,
            kind,
            snapshot(matter),
            note=_(line)
            % {"n": other.number, "relation": _(relation(link.kind, outgoing=outgoing)), "r": reason},
            data={**data, "other": other.pk, "link_kind": link.kind, "outgoing": outgoing},
            at=at,
        )


@transaction.atomic
def link_matters(
    actor,
    source: Matter,
    target: Matter,
    *,
    kind: str,
    reason: str,
    version=None,
    target_version=None,
    now: dt.datetime | None = None,
) -> MatterLink:
    """Link ``source`` → ``target`` with ``kind`` and a reason (for 引发: the source led to the target; for
    复发: the target recurs the archived source). ``version``/``target_version``: what the page showed."""
    require(actor, LINK_PERMISSION)  # the role, before anything is locked
    now = now or timezone.now()
    if target is None:
        raise ValidationError({"target": _("请填写要关联的事项编号。")})
    if target.pk == source.pk:
        raise ValidationError({"target": _("不能将事项与其自身关联。")})
    _lock_pair(source, version, target, target_version)
    require(actor, LINK_PERMISSION, source)
    require(actor, LINK_PERMISSION, target)
    if kind not in LinkKind.values:
        raise ValidationError({"kind": _("请选择关联类型。")})
    reason = required_text(reason, "reason", _("请填写关联理由。"))
    if len(reason) > MAX_REASON_CHARS:
        raise ValidationError({"reason": _("关联理由不能超过 %(n)d 个字。") % {"n": MAX_REASON_CHARS}})
    if kind == LinkKind.RECURRENCE and source.status != Status.ARCHIVED:
        raise ValidationError({"kind": _("只有已归档的事项才能有复发事项。")})
    if _existing(source, target, kind).exists():
        raise ValidationError({"target": _("这两个事项之间已有同类关联。")})
    link = MatterLink.objects.create(
        source=source, target=target, kind=kind, reason=reason, created_by=actor, created_at=now
    )
    _write_pair(actor, link, LINK_LINE, reason, "linked", now, {"link": link.pk})
    return link


@transaction.atomic
def unlink_matters(
    actor, link: MatterLink, *, reason: str, version=None, on: Matter | None = None, now=None
) -> None:
    """Remove a link (a reason is required; both timelines keep what was linked and why it was undone).
    ``version`` is the version of ``on``, the matter whose page the user acted from (default: the source)."""
    require(actor, LINK_PERMISSION)
    now = now or timezone.now()
    link = MatterLink.objects.select_related("source", "target").filter(pk=link.pk).first()
    if link is None:
        raise WorkflowError(_("该关联已被解除。"))
    source, target = link.source, link.target
    seen_on = on.pk if on is not None else source.pk
    _lock_pair(
        source, version if seen_on == source.pk else None, target, version if seen_on == target.pk else None
    )
    require(actor, LINK_PERMISSION, source)
    require(actor, LINK_PERMISSION, target)
    # every change of a pair's links locks both matters first: with them locked, this answer holds
    if not MatterLink.objects.filter(pk=link.pk).exists():
        raise WorkflowError(_("该关联已被解除。"))
    reason = required_text(reason, "reason", _("请填写解除关联的原因。"))
    if len(reason) > MAX_REASON_CHARS:
        raise ValidationError({"reason": _("原因不能超过 %(n)d 个字。") % {"n": MAX_REASON_CHARS}})
    before = {"source": source.number, "target": target.number, "kind": link.kind, "reason": link.reason}
    data = {"link_reason": link.reason}
    link_pk = link.pk
    link.delete()
    link.pk = link_pk  # the timeline and audit still name the removed link
    _write_pair(actor, link, UNLINK_LINE, reason, "unlinked", now, data)
    audit.record(actor, "matter_link.delete", source, before=before, note=reason)


@transaction.atomic
def reopen_matter(
    actor,
    matter: Matter,
    *,
    reason: str,
    title: str = "",
    occurred_at: dt.datetime | None = None,
    copy_parties: bool = True,
    version=None,
    now: dt.datetime | None = None,
) -> Matter:
    """Reopen an archived matter as a recurrence (复发): a new matter of the same place, domain and type
    (and, unless told otherwise, the same parties), registered now, with a 复发 link from the original.
    ``reason`` (what happened again) is required and becomes the new matter's description."""
    require(actor, REOPEN_PERMISSION)
    now = now or timezone.now()
    lock_checked(matter, version)
    require(actor, REOPEN_PERMISSION, matter)
    if matter.status != Status.ARCHIVED:
        raise WorkflowError(_("只有已归档的事项可以复发重开。"))
    reason = required_text(reason, "reason", _("请填写复发情况。"))
    if len(reason) > MAX_REASON_CHARS:
        raise ValidationError({"reason": _("复发情况不能超过 %(n)d 个字。") % {"n": MAX_REASON_CHARS}})
    if occurred_at is not None and occurred_at > now:
        raise ValidationError({"occurred_at": _("发生时间不能晚于当前时间。")})
    title = (title or "").strip() or _("%(t)s（复发）") % {"t": matter.title}
    parties = []
    if copy_parties:
        parties = [
            {
                "role": p.role,
                "name": p.name,
                "phone": p.phone,
                "id_number": p.id_number,
                "is_organisation": p.is_organisation,
            }
            for p in matter.parties.order_by("pk")
        ]
    recurrence = create_matter(
        actor,
        kind=matter.kind,
        domain=matter.domain,
        area=matter.area,
        title=title[:200],
        description=reason,
        people_involved=matter.people_involved,
        amount_involved=matter.amount_involved,
        occurred_at=occurred_at or now,
        parties=parties,
        is_demo=matter.is_demo,
        now=now,
    )
    link = MatterLink.objects.create(
        source=matter,
        target=recurrence,
        kind=LinkKind.RECURRENCE,
        reason=reason,
        created_by=actor,
        created_at=now,
    )
    log_event(
        actor,
        matter,
        "reopened",
        snapshot(matter),
        note=_(REOPEN_LINE) % {"n": recurrence.number, "r": reason},
        data={"recurrence": recurrence.pk, "link": link.pk},
        at=now,
    )
    log_event(
        actor,
        recurrence,
        "linked",
        snapshot(recurrence),
        note=_(LINK_LINE)
        % {"n": matter.number, "relation": _(relation(LinkKind.RECURRENCE, outgoing=False)), "r": reason},
        data={"link": link.pk, "other": matter.pk, "link_kind": link.kind, "outgoing": False},
        at=now,
    )
    return recurrence
