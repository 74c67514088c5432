"""What the overview (态势) shows of care: referrals by service kind (all those the user may see) and this
month's 回访 — the staff's records and the citizens' own ratings, counted apart."""

from __future__ import annotations

import datetime as dt

from anju.care import figures as care_figures
from anju.care.models import OPEN_REFERRAL_STATUSES, Referral
from anju.core.scoping import scoped
from anju.intake import satisfaction
from anju.matters.models import Matter


def panel(user, today: dt.date) -> dict:
    """Context for ``dashboard/_care.html``."""
    referrals = scoped(user, Referral)
    rows = care_figures.by_kind(referrals)
    return {
        "care": {
            "referrals": rows,
            "referral_totals": care_figures.totals(rows),
            "open_referrals": referrals.filter(status__in=OPEN_REFERRAL_STATUSES).count(),
            "follow_up": satisfaction.figures(scoped(user, Matter), today.replace(day=1), today),
        }
    }
