"""待标注: the ledger's matters a person should label next, most useful first (writes nothing).

The classifier learns from the matters' domains. A matter whose domain no person has confirmed from this
queue, and on which the active model is least sure, is where a label helps the next model most
(uncertainty sampling: the smallest margin between the two most likely domains comes first). Only the
newest ``CANDIDATES`` unconfirmed matters in the user's scope are ranked, so that the page stays quick on a
large ledger; confirming moves the next ones in.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.db.models import Exists, OuterRef, QuerySet

from anju.core.models import Domain
from anju.core.scoping import scoped
from anju.matters.models import Matter

CANDIDATES = 2000


def labelled_text(matter: Matter) -> str:
    """The text a matter trains triage on (as ``intake.triaging.labelled_matters`` composes it)."""
    return f"{matter.title}。{matter.description}"


def unconfirmed(user) -> QuerySet:
    """Matters in ``user``'s scope whose current domain no person has confirmed from the queue."""
    qs = scoped(user, Matter).filter(domain__active=True)
    if apps.is_installed("anju.triage"):
        from anju.triage.models import LabelConfirmation

        confirmed = LabelConfirmation.objects.filter(
            matter=OuterRef("pk"), domain_code=OuterRef("domain__code")
        )
        qs = qs.exclude(Exists(confirmed))
    return qs


@dataclass
class Candidate:
    matter: Matter
    suggested: Domain | None  # the model's top domain
    probability: float
    margin: float

    @property
    def disagrees(self) -> bool:
        return self.suggested is not None and self.suggested.pk != self.matter.domain_id


def to_label(user) -> list[Candidate]:
    """The queue, least sure first (ties: newest first). Without triage, newest first."""
    matters = list(
        unconfirmed(user).select_related("domain", "area").order_by("-registered_at", "-id")[:CANDIDATES]
    )
    if not apps.is_installed("anju.triage") or not matters:
        return [Candidate(m, None, 0.0, 0.0) for m in matters]
    from anju.triage import service

    by_code = {d.code: d for d in Domain.objects.filter(active=True)}
    found = service.uncertainty([labelled_text(m) for m in matters])
    ranked = [
        Candidate(m, by_code.get(u.top), u.probability, u.margin) for m, u in zip(matters, found, strict=True)
    ]
    ranked.sort(key=lambda c: c.margin)  # stable: newest first among equal margins
    return ranked
