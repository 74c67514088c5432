"""Which plans fit an incident: computation only, no writes.

A plan fits when it is in force (a published version), covers the incident's place (the plan's area is the
incident's area or above it) and its event: its classes include the incident's class or are empty (a total
plan), and its domains include the incident's domain or are empty. Special plans that name the domain come
first, then those of the class, then total plans; nearer areas before farther ones.
"""

from __future__ import annotations

from anju.emergency.models import Plan, PlanType, VersionStatus
from anju.emergency.rules import rule


def matching_plans(incident, queryset=None) -> list[Plan]:
    qs = queryset if queryset is not None else Plan.objects.all()
    qs = qs.filter(versions__status=VersionStatus.PUBLISHED).distinct().prefetch_related("domains")
    path = incident.area.path
    ranked = []
    for plan in qs.select_related("area"):
        if not path.startswith(plan.area.path):
            continue
        domain_ids = {d.pk for d in plan.domains.all()}
        if domain_ids and incident.domain_id not in domain_ids:
            continue
        if plan.classes and incident.emergency_class not in plan.classes:
            continue
        specificity = 0 if domain_ids else (1 if plan.classes else 2)
        if plan.plan_type == PlanType.OVERALL:
            specificity = 3
        ranked.append((specificity, -len(plan.area.path), plan.pk, plan))
    return [p for *_rest, p in sorted(ranked, key=lambda r: r[:3])]


def proposed_level(incident) -> int:
    """The response level the incident's grade suggests (``rules`` ``grade_levels``)."""
    return int(rule("grade_levels").get(incident.grade, 4))
