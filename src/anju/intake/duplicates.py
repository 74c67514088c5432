"""Candidate matters that a new report may repeat (重复反映).

A simple character-bigram overlap between the report and open matters of the same village (and
domain, when the report suggests one). ``anju.text`` will provide a smarter finder; it can replace
``similarity`` without changing callers.
"""

from __future__ import annotations

from dataclasses import dataclass

from anju.core.models import AreaLevel
from anju.core.scoping import scoped
from anju.matters.models import Matter

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


def candidates(user, report, limit: int = 5) -> list[Candidate]:
    """Open matters the user may see, in the report's village, most similar first."""
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
    scored.sort(key=lambda c: c.score, reverse=True)
    return scored[:limit]
