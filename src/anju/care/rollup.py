"""The centre's morning question: who is involved in our open 较高/最高 matters, and who looks after them.

Per matter, never per person: each open high-level matter in the user's scope with its parties masked, and
for each party the care person, the last visit made and the next one planned, and the open referrals. A
party appears under its own matter only — parties of different matters are never merged, even with the
same name, and nothing here searches by person. Reads only."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Max, Min, Prefetch

from anju.care.models import OPEN_REFERRAL_STATUSES, CarePlan, CareVisit, PlanStatus, Referral
from anju.core.scoping import scoped
from anju.matters.filters import current_level_q
from anju.matters.models import Matter, MatterParty
from anju.matters.workflow import OPEN_STATUSES

HIGH_LEVELS = ("high", "critical")


def open_referral_counts(party_ids) -> dict[int, int]:
    """Open referrals (转介: sent, or accepted and still being served) per party id, for the parties listed."""
    rows = (
        Referral.objects.filter(party_id__in=list(party_ids), status__in=OPEN_REFERRAL_STATUSES)
        .values("party_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["party_id"]: row["n"] for row in rows}


@dataclass
class PartyRow:
    party: MatterParty
    plan: CarePlan | None
    last_visit: dt.date | None
    next_visit: dt.date | None
    open_referrals: int


@dataclass
class MatterRows:
    matter: Matter
    parties: list[PartyRow] = field(default_factory=list)

    @property
    def without_care(self) -> int:
        return sum(1 for row in self.parties if row.plan is None)


def high_open_matters(user):
    """The open 较高/最高 matters in the user's scope, the highest and oldest first."""
    qs = (
        scoped(user, Matter)
        .filter(status__in=OPEN_STATUSES)
        .filter(current_level_q("high") | current_level_q("critical"))
    )
    return qs.select_related("area", "responsible_unit").order_by("-level_rank", "registered_at", "pk")


def rollup(matters) -> list[MatterRows]:
    """The rows of the given matters (a page of ``high_open_matters``)."""
    matters = list(matters)
    active = CarePlan.objects.filter(status=PlanStatus.ACTIVE).select_related("care_person")
    parties = (
        MatterParty.objects.filter(matter__in=matters)
        .prefetch_related(Prefetch("care_plans", queryset=active, to_attr="active_plans"))
        .order_by("matter_id", "pk")
    )
    parties = list(parties)
    plan_ids = [p.active_plans[0].pk for p in parties if p.active_plans]
    last_done = {
        row["plan"]: row["last"]
        for row in CareVisit.objects.filter(plan__in=plan_ids, done_on__isnull=False)
        .values("plan")
        .annotate(last=Max("done_on"))
    }
    upcoming = {
        row["plan"]: row["next"]
        for row in CareVisit.objects.filter(plan__in=plan_ids, done_on__isnull=True)
        .values("plan")
        .annotate(next=Min("planned_on"))
    }
    referrals = open_referral_counts([p.pk for p in parties])
    by_matter = {m.pk: MatterRows(matter=m) for m in matters}
    for party in parties:
        plan = party.active_plans[0] if party.active_plans else None
        by_matter[party.matter_id].parties.append(
            PartyRow(
                party=party,
                plan=plan,
                last_visit=last_done.get(plan.pk) if plan else None,
                next_visit=upcoming.get(plan.pk) if plan else None,
                open_referrals=referrals.get(party.pk, 0),
            )
        )
    return [by_matter[m.pk] for m in matters]
