"""Counts of referrals by service kind, for the overview (态势) and the monthly report. Writes nothing."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q

from anju.care.models import ServiceKind


def by_kind(referrals, *, until: dt.date | None = None) -> list[dict]:
    """One row per service kind: referrals sent, accepted, declined and with an outcome — the last three as
    they stood at the end of ``until`` (None: now). ``referrals`` is already chosen (scope, month)."""
    answered = Q(answered_at__isnull=False)
    outcome = Q(outcome_on__isnull=False)
    if until is not None:
        answered &= Q(answered_at__date__lte=until)
        outcome &= Q(outcome_on__lte=until)
    rows = {
        row["service_unit__kind"]: row
        for row in referrals.order_by()
        .values("service_unit__kind")
        .annotate(
            sent=Count("pk"),
            accepted=Count("pk", filter=answered & Q(decline_reason="")),
            declined=Count("pk", filter=answered & ~Q(decline_reason="")),
            with_outcome=Count("pk", filter=outcome),
        )
    }
    keys = ("sent", "accepted", "declined", "with_outcome")
    return [
        {"kind": kind, "label": str(label), **{k: rows.get(kind, {}).get(k, 0) for k in keys}}
        for kind, label in ServiceKind.choices
    ]


def totals(rows: list[dict]) -> dict:
    return {k: sum(r[k] for r in rows) for k in ("sent", "accepted", "declined", "with_outcome")}
