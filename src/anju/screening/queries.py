"""Read-side helpers: which rounds a user sees and how complete they are, all through ``scoped`` returns.

A round belongs to a county, but a village cadre's scope is their village: what they see of a round is
the returns in their scope. So rounds are listed through the user's scoped returns, never by area here.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from anju.core.models import AreaLevel
from anju.core.roles import UNIT_SCOPED_ROLES
from anju.core.scoping import scoped
from anju.screening.models import Return, Round


def visible_rounds(user) -> QuerySet:
    return Round.objects.filter(pk__in=scoped(user, Return).values("round_id")).select_related("county")


def get_round_or_404(user, pk) -> Round:
    try:
        return visible_rounds(user).get(pk=pk)
    except (Round.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


@dataclass
class Completeness:
    expected: int = 0
    filed: int = 0
    late: int = 0
    zero: int = 0
    matters: int = 0
    overdue: int = 0  # not filed and past the due date

    @property
    def missing(self) -> int:
        return self.expected - self.filed

    @property
    def on_time(self) -> int:
        return self.filed - self.late

    @property
    def rate(self) -> float:
        """Filed as a percentage of expected, one decimal (100.0 when nothing is expected)."""
        return round(100.0 * self.filed / self.expected, 1) if self.expected else 100.0


def completeness(user, rounds) -> dict[int, Completeness]:
    """Per round id: the counts over the returns in the user's scope."""
    today = timezone.localdate()
    rounds = list(rounds)
    rows = (
        scoped(user, Return)
        .filter(round__in=rounds)
        .values("round_id")
        .annotate(
            expected=Count("id"),
            filed=Count("id", filter=Q(filed_at__isnull=False)),
            late=Count("id", filter=Q(late=True)),
            zero=Count("id", filter=Q(zero_report=True, filed_at__isnull=False)),
            overdue=Count("id", filter=Q(filed_at__isnull=True, round__due_date__lt=today)),
        )
    )
    out = {r.pk: Completeness() for r in rounds}
    for row in rows:
        out[row["round_id"]] = Completeness(
            expected=row["expected"],
            filed=row["filed"],
            late=row["late"],
            zero=row["zero"],
            overdue=row["overdue"],
        )
    return out


def own_returns(user) -> QuerySet:
    """The returns that are the user's own to file: their unit's (镇直单位) for a department officer, their
    area's for anyone else."""
    if user.area_id is None:
        return Return.objects.none()
    returns = scoped(user, Return)
    if user.role in UNIT_SCOPED_ROLES:
        return returns.filter(department=user.unit_id) if user.unit_id else Return.objects.none()
    return returns.filter(area=user.area, department__isnull=True)


def pending_for(user) -> QuerySet:
    """Returns the user may file now: open rounds, not filed, their own (``own_returns``)."""
    return (
        own_returns(user)
        .filter(filed_at__isnull=True, round__status="open")
        .select_related("round", "area", "department")
        .order_by("round__due_date")
    )


def returns_due_count(user) -> int:
    """How many returns the user owes now (the home page's count: "returns due for my unit")."""
    return pending_for(user).count()


def completeness_by_parent(user, round_: Round) -> list[dict]:
    """Per area above the filers (per town for a village round), within the user's scope; a department unit's
    return counts with its own area (a 镇直单位 with its town), and so do all returns of a town or county round
    (each town with its department units)."""
    by_own_area = round_.level != AreaLevel.VILLAGE
    rows = (
        scoped(user, Return)
        .filter(round=round_)
        .values(
            "department_id", "area_id", "area__name", "area__path", "area__parent_id", "area__parent__name"
        )
        .annotate(
            expected=Count("id"),
            filed=Count("id", filter=Q(filed_at__isnull=False)),
            late=Count("id", filter=Q(late=True)),
        )
    )
    groups: dict[int, dict] = {}
    for r in rows:
        if r["department_id"] or by_own_area:
            key, name, path = r["area_id"], r["area__name"], r["area__path"]
        elif r["area__parent_id"]:
            key, name, path = (
                r["area__parent_id"],
                r["area__parent__name"],
                r["area__path"].rsplit("/", 2)[0] + "/",
            )
        else:
            continue
        group = groups.setdefault(key, {"name": name, "path": path, "c": Completeness()})
        group["c"].expected += r["expected"]
        group["c"].filed += r["filed"]
        group["c"].late += r["late"]
    return sorted(groups.values(), key=lambda g: g["path"])
