"""Read-side helpers for tracking and coverage: forecast vs what happened, and the 应评尽评 summary."""

from __future__ import annotations

from collections import Counter

from django.db.models import Sum

from anju.assessment.models.items import FLAGGED, Coverage


def forecast_vs_actual(assessment) -> dict:
    """What the assessment expected (after-measures level, factors, people possibly involved) next to the
    matters that were actually registered in the affected areas and domains since the decision."""
    from anju.matters.models import Matter

    factors = list(assessment.factors.all())
    matters = Matter.objects.filter(assessment_links__assessment=assessment)
    by_level = Counter(m.level_for_display or "" for m in matters.only("inherent_level", "residual_level"))
    return {
        "forecast_level": assessment.final_level,
        "forecast_factors": len(factors),
        "forecast_factor_levels": Counter(f.level_after or f.level_before for f in factors),
        "forecast_people": sum(f.people_involved for f in factors),
        "actual_count": matters.count(),
        "actual_open": matters.open().count(),
        "actual_people": matters.aggregate(n=Sum("people_involved"))["n"] or 0,
        "actual_levels": by_level,
        "actual_high": by_level.get("high", 0) + by_level.get("critical", 0),
    }


def coverage_summary(items, today=None) -> dict:
    """Counts per coverage status for a list of items (already scoped by the caller)."""
    counts = Counter(item.coverage(today) for item in items)
    return {
        "total": sum(counts.values()),
        "by_status": [(c.value, c.label, counts.get(c.value, 0)) for c in Coverage],
        "flagged": sum(counts.get(c, 0) for c in FLAGGED),
        "assessed": counts.get(Coverage.ASSESSED, 0),
    }
