"""举一反三: matters of the ledger like an incident — in its area subtree and risk domain, their titles
sharing the incident title's words (Jaccard of character bigrams, ``anju.text.dedup``). A proposal only:
staff decide which to link (``actions.link_matter``)."""

from __future__ import annotations

from dataclasses import dataclass

from anju.core.scoping import scoped
from anju.emergency.rules import rule
from anju.matters.models import Matter
from anju.text.dedup import similarity

BIGRAMS = 2  # titles are short: two-character words (食堂, 中毒) carry them


@dataclass(frozen=True)
class SimilarMatter:
    matter: Matter
    score: float


def similar_matters(user, incident) -> list[SimilarMatter]:
    """Matters the user may see, in the incident's area subtree (and domain, when it has one), not yet linked
    and not its source matter, whose title scores at least ``similar_matter_min_score``; best first."""
    candidates = scoped(user, Matter).filter(area__path__startswith=incident.area.path)
    if incident.domain_id:
        candidates = candidates.filter(domain_id=incident.domain_id)
    linked = incident.related_matters.values_list("matter_id", flat=True)
    candidates = candidates.exclude(pk__in=linked)
    if incident.matter_id:
        candidates = candidates.exclude(pk=incident.matter_id)
    minimum = rule("similar_matter_min_score")
    found = []
    for matter in candidates.select_related("area"):
        score = similarity(incident.title, matter.title, k=BIGRAMS)
        if score >= minimum:
            found.append(SimilarMatter(matter, round(score, 2)))
    found.sort(key=lambda s: (-s.score, s.matter.pk))
    return found[: rule("similar_matter_limit")]
