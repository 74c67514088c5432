"""The ledger side of a return (reads only): which domains a return covers, and which matters the ledger
already holds for its area or unit, in those domains, registered within the round's period.

A return that says 无 (or 零报告) for a domain in which the ledger shows such matters contradicts the ledger:
``actions`` refuses it unless the filer lists those matters or explains why not.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from anju.core.forms import local_midnight
from anju.core.models import Domain
from anju.matters.models import Matter
from anju.matters.workflow import Status

# merged into another matter or not accepted: not a matter found in the period
NOT_COUNTED = (Status.MERGED, Status.REJECTED)


def covered_domains(ret) -> list[Domain]:
    """The domains a return answers: a department unit's own domains (``Unit.domains``) when it serves any,
    else every active domain."""
    active = Domain.objects.filter(active=True)
    if ret.department_id:
        served = list(active.filter(units=ret.department_id))
        if served:
            return served
    return list(active)


def period_matters(ret, domains=None) -> QuerySet:
    """The ledger's matters of the return's area (and below), or of its department unit, in the covered
    domains, registered within the round's period."""
    round_ = ret.round
    domains = covered_domains(ret) if domains is None else domains
    matters = Matter.objects.filter(
        area__path__startswith=ret.area.path,
        domain__in=[d.pk for d in domains],
        registered_at__gte=local_midnight(round_.period_start),
        registered_at__lt=local_midnight(round_.period_end + dt.timedelta(days=1)),
    ).exclude(status__in=NOT_COUNTED)
    if ret.department_id and not ret.department.domains.exists():
        matters = matters.filter(responsible_unit=ret.department_id)
    return matters.select_related("domain").order_by("registered_at", "pk")


def candidates(ret, domains=None) -> dict[int, list[Matter]]:
    """Per domain id: the ledger matters a return may list (those of the period, and those it lists
    already, e.g. registered by its own filing after the period ended)."""
    out: dict[int, list[Matter]] = {}
    seen: set[int] = set()
    linked = Matter.objects.filter(
        Q(pk__in=ret.lines.values("matters")) if ret.pk else Q(pk__in=[])
    ).select_related("domain")
    for matter in [*period_matters(ret, domains), *linked]:
        if matter.pk in seen:
            continue
        seen.add(matter.pk)
        out.setdefault(matter.domain_id, []).append(matter)
    return out


def describe(matters) -> str:
    """``SA-2026-0001 标题、SA-2026-0002 标题`` (at most five, then how many more)."""
    matters = list(matters)
    shown = "、".join(f"{m.number} {m.title}" for m in matters[:5])
    if len(matters) > 5:
        shown = _("%(shown)s 等 %(n)s 件") % {"shown": shown, "n": len(matters)}
    return shown
