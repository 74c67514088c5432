"""The screening figure for the leader's dashboard (态势)."""

from __future__ import annotations

from anju.core.models import AreaLevel
from anju.screening.models import RoundStatus
from anju.screening.queries import completeness, visible_rounds


def completeness_for(user) -> dict | None:
    """Completeness of the latest open (else most recently closed) village-level round in the user's scope.

    ``{"filed", "expected", "rate" (percent, one decimal), "late", "missing", "round"}``, or None when the
    user sees no village-level round yet.
    """
    rounds = visible_rounds(user).filter(level=AreaLevel.VILLAGE).order_by("-period_start", "-id")
    round_ = rounds.filter(status=RoundStatus.OPEN).first() or rounds.first()
    if round_ is None:
        return None
    c = completeness(user, [round_])[round_.pk]
    return {
        "filed": c.filed,
        "expected": c.expected,
        "rate": c.rate,
        "late": c.late,
        "missing": c.missing,
        "round": round_,
    }
