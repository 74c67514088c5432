"""When a matter is suggested as a possible 黑天鹅 (black swan): rare *and* severe.

A matter is suggested when it is the first of its kind (no earlier matter of the same type, risk domain and
place) and its consequence is graded at least ``ANJU_BLACK_SWAN_MIN_CONSEQUENCE`` (default 4 of 5): a
first-of-its-kind traffic jam at the school gate is new, but not a black swan. Until it is graded a matter is
not suggested. A suggestion already confirmed or dismissed is kept as it was decided.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import Q

from anju.matters.models import Matter


def min_consequence() -> int:
    return int(getattr(settings, "ANJU_BLACK_SWAN_MIN_CONSEQUENCE", 4))


def is_first_of_kind(matter: Matter) -> bool:
    """No matter of the same kind, domain and place was registered before this one."""
    earlier = Q(registered_at__lt=matter.registered_at)
    if matter.pk is not None:
        earlier |= Q(registered_at=matter.registered_at, pk__lt=matter.pk)
    same = Matter.objects.filter(area_id=matter.area_id, domain_id=matter.domain_id, kind=matter.kind)
    if matter.pk is not None:
        same = same.exclude(pk=matter.pk)
    return not same.filter(earlier).exists()


def suggests_black_swan(matter: Matter) -> bool:
    """Whether the matter, as graded now, should be suggested as a 黑天鹅."""
    if matter.consequence is None or matter.consequence < min_consequence():
        return False
    return is_first_of_kind(matter)


def refresh_suggestion(matter: Matter) -> None:
    """Set ``black_swan_suggested`` from the rule, unless the suggestion was already reviewed (call inside
    an action, before it saves)."""
    if matter.black_swan_confirmed is None:
        matter.black_swan_suggested = suggests_black_swan(matter)
