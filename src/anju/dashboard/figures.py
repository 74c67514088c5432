"""The figures of a leader's overview for the user's scope.

Figures over the ledger's history (this month's new and resolved matters, the rates, the trends) are read
from the aggregates kept by ``dashboard.rollup`` once they are built and the user's scope is their area
subtree (``counted.serves``); ``direct=True``, a department officer or an installation whose counts were
never built count the ledger itself. What is open now (open, overdue, levels, the map) is always read live:
those queries filter by status first, which is indexed and a small part of the ledger."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.conf import settings
from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from anju.core.models import Area, AreaLevel, Domain
from anju.core.scoping import scoped
from anju.dashboard import counted, rollup
from anju.matters.models import Matter
from anju.matters.risk import LEVEL_RANK, current_matrix
from anju.matters.workflow import OPEN_STATUSES, Status

RESOLVED = (Status.RESOLVED, Status.FOLLOWED_UP, Status.ARCHIVED)
NO_MATTERS_FILL = "#e5e7eb"  # an area without open matters
UNGRADED_FILL = "#9ca3af"  # open matters, none of them graded yet (the 未定级 bar of the level chart)


def may_use_counts(user) -> bool:
    """Whether the aggregates can stand for the user's scope (``ANJU_DASHBOARD_COUNTS=False``: never; the
    bench's "direct" rows)."""
    return getattr(settings, "ANJU_DASHBOARD_COUNTS", True) and counted.serves(user)


def use_counts(user, direct: bool = False) -> bool:
    """Whether the user's figures come from the aggregates (built, and the user's scope allows it)."""
    return not direct and may_use_counts(user) and rollup.counted_as_of() is not None


def key_figures(
    user, today: dt.date | None = None, *, direct: bool = False, counts: bool | None = None
) -> dict:
    """``counts``: whether to read the aggregates, when the caller knows (else ``use_counts``)."""
    today = today or timezone.localdate()
    month_start = today.replace(day=1)
    matters = scoped(user, Matter)
    live = {
        "open": matters.open().count(),
        "overdue": matters.overdue(today).count(),
        "high_open": matters.open()
        .filter(
            Q(residual_level__in=("high", "critical"))
            | Q(residual_level="", inherent_level__in=("high", "critical"))
        )
        .count(),
        "grey_rhino_open": matters.open().filter(grey_rhino=True).count(),
    }
    if use_counts(user, direct) if counts is None else counts:
        return {**live, **counted.counted_key_figures(user, month_start)}
    this_month = matters.filter(registered_at__date__gte=month_start)
    resolved_month = matters.filter(resolved_at__date__gte=month_start)
    resolved_all = matters.filter(status__in=RESOLVED)
    closed = matters.exclude(status__in=OPEN_STATUSES).exclude(status=Status.MERGED).count()
    # exclude() across the events relation is already a NOT IN subquery: no duplicates to remove
    never_escalated = resolved_all.exclude(events__kind="escalated").count()
    total_resolved = resolved_all.count()
    return {
        **live,
        "new_month": this_month.count(),
        "resolved_month": resolved_month.count(),
        "resolution_rate": round(100 * total_resolved / closed, 1) if closed else None,
        "grassroots_rate": round(100 * never_escalated / total_resolved, 1) if total_resolved else None,
    }


def level_distribution(user) -> list[dict]:
    matrix = current_matrix()
    counts = Counter()
    grouped = (
        scoped(user, Matter)
        .open()
        .values_list("inherent_level", "residual_level")
        .annotate(n=Count("id"))
        .order_by()
    )
    for inherent, residual, n in grouped:
        counts[residual or inherent or ""] += n
    total = sum(counts.values()) or 1
    rows = [
        {
            "label": lv.label,
            "code": lv.code,
            "hex": lv.hex,
            "count": counts[lv.code],
            "pct": round(100 * counts[lv.code] / total, 1),
        }
        for lv in matrix.ordered_levels()
    ]
    rows.append(
        {
            "label": _("未定级"),
            "code": "",
            "hex": "#9ca3af",
            "count": counts[""],
            "pct": round(100 * counts[""] / total, 1),
        }
    )
    return rows


def weekly_trends(
    user,
    weeks: int = 156,
    today: dt.date | None = None,
    *,
    direct: bool = False,
    counts: bool | None = None,
) -> list[dict]:
    """Per domain: weekly counts of matters over the last ``weeks`` weeks, as sparkline geometry."""
    today = today or timezone.localdate()
    first = today - dt.timedelta(days=today.weekday()) - dt.timedelta(weeks=weeks - 1)
    if (
        use_counts(user, direct) if counts is None else counts
    ):  # per domain and week (Monday), from the aggregates
        rows = counted.weekly_series(user, first)
    else:  # counted per domain and local day by the database: at most weeks × 7 × domains rows come back
        rows = (
            scoped(user, Matter)
            .filter(occurred_at__date__gte=first)
            .annotate(day=TruncDate("occurred_at"))
            .values_list("domain_id", "day")
            .annotate(n=Count("id"))
            .order_by()
        )
    series: dict[int, list[int]] = {}
    for domain_id, day, n in rows:
        index = (day - first).days // 7
        if 0 <= index < weeks:
            series.setdefault(domain_id, [0] * weeks)[index] += n
    out = []
    for domain in Domain.objects.filter(active=True):
        counts = series.get(domain.pk, [0] * weeks)
        top = max(counts) or 1
        points = " ".join(
            f"{i * 300 / (weeks - 1):.1f},{40 - 36 * c / top:.1f}" for i, c in enumerate(counts)
        )
        out.append(
            {
                "domain": domain,
                "total": sum(counts),
                "last4": sum(counts[-4:]),
                "max": max(counts),
                "counts": counts,  # per week, oldest first
                "points": points,
            }
        )
    return sorted(out, key=lambda r: -r["total"])


def map_values(user, mode: str) -> tuple[list[Area], list[Area], dict[int, dict]]:
    """Villages of the scope (their grids for a village user) with a fill each, plus the town outlines."""
    base = user.area
    level = AreaLevel.GRID if base is not None and base.level >= AreaLevel.VILLAGE else AreaLevel.VILLAGE
    areas = list(scoped(user, Area).filter(level=level))
    towns = list(scoped(user, Area).filter(level=AreaLevel.TOWN)) if level == AreaLevel.VILLAGE else []
    by_path = {a.path: a for a in areas}
    depth = level  # number of codes in an area path at this level
    stats: dict[int, dict] = {a.pk: {"count": 0, "level": "", "ungraded": 0} for a in areas}
    rows = (
        scoped(user, Matter)
        .open()
        .values_list("area__path", "inherent_level", "residual_level")
        .annotate(n=Count("id"))
        .order_by()
    )
    for path, inherent, residual, n in rows:
        key = "/" + "/".join(path.strip("/").split("/")[:depth]) + "/"
        area = by_path.get(key)
        if area is None:
            continue
        entry = stats[area.pk]
        entry["count"] += n
        current = residual or inherent
        if not current:
            entry["ungraded"] += n
        if LEVEL_RANK.get(current, 0) > LEVEL_RANK.get(entry["level"], 0):
            entry["level"] = current
    matrix = current_matrix()
    top = max((v["count"] for v in stats.values()), default=0) or 1
    for entry in stats.values():
        if mode == "count":
            entry["fill"] = f"rgba(185, 28, 28, {0.06 + 0.85 * entry['count'] / top:.2f})"
        elif entry["level"] in matrix.levels:
            entry["fill"] = matrix.levels[entry["level"]].hex
        else:  # open matters, none graded yet, are not "no open matters"
            entry["fill"] = UNGRADED_FILL if entry["ungraded"] else NO_MATTERS_FILL
        if entry["level"] in matrix.levels:
            entry["level_label"] = matrix.levels[entry["level"]].label
        else:
            entry["level_label"] = _("未定级") if entry["ungraded"] else _("无")
    return areas, towns, stats


def domain_village_table(user) -> list[tuple[str, int]]:
    return list(
        scoped(user, Matter).open().values_list("domain__name").annotate(n=Count("id")).order_by("-n")
    )
