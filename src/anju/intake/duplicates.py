"""Candidate matters that a new report may repeat (重复反映).

Two sources, merged: a simple character-bigram overlap with open matters of the same village (and
domain, when the report has one), and, when triage is installed, its near-duplicate index over the
whole ledger in the user's scope.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.apps import apps

from anju.core.models import AreaLevel
from anju.core.scoping import scoped
from anju.matters.models import Matter

logger = logging.getLogger(__name__)

MAX_COMPARED = 300
MIN_SCORE = 0.12


@dataclass(frozen=True)
class Candidate:
    matter: Matter
    score: float


def _bigrams(text: str) -> set[str]:
    chars = "".join(ch for ch in text if ch.isalnum())
    return {chars[i : i + 2] for i in range(len(chars) - 1)}


def similarity(a: str, b: str) -> float:
    """Share of the smaller text's bigrams found in the other (0..1): robust to one text being long."""
    grams_a, grams_b = _bigrams(a), _bigrams(b)
    if not grams_a or not grams_b:
        return 0.0
    return len(grams_a & grams_b) / min(len(grams_a), len(grams_b))


def _village_of(area):
    if area.level <= AreaLevel.VILLAGE:
        return area
    return next((a for a in reversed(area.ancestors()) if a.level == AreaLevel.VILLAGE), area)


def _triage_duplicates(user, report) -> list[Candidate]:
    if not apps.is_installed("anju.triage"):
        return []
    from anju.triage import service

    try:
        found = service.suggest(user, f"{report.title}。{report.text}").duplicates
    except Exception:  # suggestions are a help; the page works without them
        logger.exception("triage duplicate lookup failed for report %s", report.pk)
        return []
    return [Candidate(matter, round(score, 2)) for matter, score in found if matter.is_open]


def candidates(user, report, limit: int = 5) -> list[Candidate]:
    """Open matters the user may see that the report may repeat, most similar first."""
    village = _village_of(report.area)
    matters = scoped(user, Matter).open().filter(area__path__startswith=village.path)
    if report.suggested_domain_id:
        matters = matters.filter(domain_id=report.suggested_domain_id)
    report_text = f"{report.title} {report.text}"
    scored = []
    for matter in matters.select_related("domain", "area").order_by("-registered_at")[:MAX_COMPARED]:
        score = similarity(report_text, f"{matter.title} {matter.description}")
        if score >= MIN_SCORE:
            scored.append(Candidate(matter, round(score, 2)))
    best: dict[int, Candidate] = {}
    for candidate in scored + _triage_duplicates(user, report):
        known = best.get(candidate.matter.pk)
        if known is None or candidate.score > known.score:
            best[candidate.matter.pk] = candidate
    return sorted(best.values(), key=lambda c: c.score, reverse=True)[:limit]
