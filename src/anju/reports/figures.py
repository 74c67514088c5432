"""The figures of a monthly report, computed from the ledger (and the other capabilities when present)."""

from __future__ import annotations

import calendar
import datetime as dt
from collections import Counter
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, router
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import get_language, override
from django.utils.translation import gettext as _

from anju.core.models import Area, AreaLevel, Domain
from anju.matters.models import Matter, MatterEvent
from anju.matters.unit_figures import leader_figures, unit_figures
from anju.matters.workflow import Status

RESOLVED = (Status.RESOLVED, Status.FOLLOWED_UP, Status.ARCHIVED)
NOT_COUNTED = (Status.MERGED, Status.REJECTED)


def month_bounds(month: dt.date) -> tuple[dt.date, dt.date]:
    first = month.replace(day=1)
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    return first, last


def previous_month(month: dt.date) -> dt.date:
    return (month.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def _children(area: Area) -> list[Area]:
    """The rows of the by-area table: villages for a town or county, grids for a village."""
    level = AreaLevel.GRID if area.level >= AreaLevel.VILLAGE else AreaLevel.VILLAGE
    return list(Area.objects.filter(path__startswith=area.path, level=level))


def _bucket(path: str, children: dict[str, Area], depth: int) -> Area | None:
    return children.get("/" + "/".join(path.strip("/").split("/")[:depth]) + "/")


def local_range(first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The moments whose local date lies from ``first`` to ``last``, as the half-open range [first 00:00,
    the day after last 00:00) in the current time zone: what ``__date__range=(first, last)`` means, written so
    that an index on the column serves it (no date cast of every row)."""
    zone = timezone.get_current_timezone()
    return (
        dt.datetime.combine(first, dt.time.min, tzinfo=zone),
        dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, tzinfo=zone),
    )


def _in_scope(area: Area, unit=None, prefix: str = "") -> Q:
    """The matters of the area's subtree (``unit``: only those assigned to it), seen through ``prefix``."""
    scope = Q(**{f"{prefix}area__path__startswith": area.path})
    return scope & Q(**{f"{prefix}responsible_unit": unit}) if unit is not None else scope


def counts(area: Area, month: dt.date, unit=None) -> dict:
    """New, resolved, escalated and overdue matters by domain and by village, plus rates (``unit``: only the
    matters assigned to that department unit, for its own report).

    Two statements, whatever the ledger's size: the matters touched by the month (registered or resolved in
    it, or overdue at its end), counted by the database per domain and area with conditional counts; and the
    month's escalations, read from the timeline through its partial index. Areas are bucketed into the
    report's rows (villages, or grids for a village) in Python from the few (domain, area) groups."""
    first, last = month_bounds(month)
    start, end = local_range(first, last)
    counted = ~Q(status__in=NOT_COUNTED)
    new = Q(registered_at__gte=start, registered_at__lt=end) & counted
    resolved = Q(resolved_at__gte=start, resolved_at__lt=end)
    # Overdue at month end: the deadline passed within or before the month and it was not resolved by then.
    overdue = (
        Q(deadline__lte=last, registered_at__lt=end)
        & counted
        & (Q(resolved_at__isnull=True) | Q(resolved_at__gte=end))
    )
    ever_escalated = Exists(MatterEvent.objects.filter(matter=OuterRef("pk"), kind="escalated"))
    groups = (
        Matter.objects.filter(_in_scope(area, unit))
        .filter(new | resolved | overdue)
        .order_by()
        .values("domain_id", "area_id")
        .annotate(
            new=Count("pk", filter=new),
            resolved=Count("pk", filter=resolved),
            overdue=Count("pk", filter=overdue),
            new_resolved_by_end=Count("pk", filter=new & Q(resolved_at__lt=end)),
            escalated_before=Count("pk", filter=resolved & ever_escalated),
        )
    )
    escalations = (
        MatterEvent.objects.filter(
            _in_scope(area, unit, "matter__"), kind="escalated", at__gte=start, at__lt=end
        )
        .order_by()
        .values("matter__domain_id", "matter__area_id")
        .annotate(escalated=Count("matter_id", distinct=True))
    )
    rows = [(row["domain_id"], row["area_id"], row) for row in groups] + [
        (row["matter__domain_id"], row["matter__area_id"], row) for row in escalations
    ]

    children = {a.path: a for a in _children(area)}
    depth = AreaLevel.GRID if area.level >= AreaLevel.VILLAGE else AreaLevel.VILLAGE
    paths = dict(Area.objects.filter(pk__in={area_id for _d, area_id, _r in rows}).values_list("pk", "path"))
    domains = list(Domain.objects.filter(active=True))
    by_domain = {d.pk: Counter() for d in domains}
    by_area = {a.pk: Counter() for a in children.values()}
    totals = Counter()
    keys = ("new", "resolved", "escalated", "overdue")
    for domain_id, area_id, row in rows:
        totals.update({k: row[k] for k in (*keys, "new_resolved_by_end", "escalated_before") if k in row})
        shown = {k: row[k] for k in keys if k in row}
        if domain_id in by_domain:
            by_domain[domain_id].update(shown)
        child = _bucket(paths[area_id], children, depth)
        if child is not None:
            by_area[child.pk].update(shown)
    n_new, n_resolved = totals["new"], totals["resolved"]
    return {
        "totals": {
            "new": n_new,
            "resolved": n_resolved,
            "escalated": totals["escalated"],
            "overdue": totals["overdue"],
            "new_resolved_by_end": totals["new_resolved_by_end"],
        },
        "resolution_rate": round(100 * totals["new_resolved_by_end"] / n_new, 1) if n_new else None,
        "grassroots_rate": round(100 * (n_resolved - totals["escalated_before"]) / n_resolved, 1)
        if n_resolved
        else None,
        "by_domain": [
            {"name": d.name, "name_en": d.name_en, **{k: by_domain[d.pk][k] for k in keys}}
            for d in domains
            if any(by_domain[d.pk].values())
        ],
        "by_area": [
            {"name": a.name, "code": a.code, **{k: by_area[a.pk][k] for k in keys}}
            for a in sorted(children.values(), key=lambda a: a.path)
        ],
    }


def grey_rhinos(area: Area, month: dt.date) -> dict:
    """灰犀牛 matters of the area: new in the month, still open at month end, and (of those) how many have
    no 缓释方案 yet — as the ledger says now, since plans carry no date."""
    first, last = month_bounds(month)
    start, end = local_range(first, last)
    open_at_end = Q(resolved_at__isnull=True) | Q(resolved_at__gte=end)
    return (
        Matter.objects.filter(area__path__startswith=area.path, grey_rhino=True, registered_at__lt=end)
        .exclude(status__in=NOT_COUNTED)
        .aggregate(
            new=Count("pk", filter=Q(registered_at__gte=start)),
            open=Count("pk", filter=open_at_end),
            without_plan=Count("pk", filter=open_at_end & Q(mitigation_plan="")),
        )
    )


def warnings_issued(area: Area, month: dt.date) -> dict | None:
    from anju.warning.models import Alert, MessageType

    first, last = month_bounds(month)
    start, end = local_range(first, last)
    issued = Alert.objects.filter(
        area__path__startswith=area.path, issued_at__gte=start, issued_at__lt=end, msg_type=MessageType.ALERT
    )
    by_level = dict(issued.values_list("level").annotate(n=Count("id")))
    return {"total": sum(by_level.values()), "by_level": by_level}


def emergency_figures(area: Area, month: dt.date) -> dict:
    """应急: incidents that occurred in the month by class and by grade (codes), drills conducted in the
    month, and plans of the area overdue for review (修订逾期) on the month's last day."""
    from anju.emergency.models import Drill, DrillStatus, Incident, Plan
    from anju.emergency.queries import overdue_reviews

    first, last = month_bounds(month)
    start, end = local_range(first, last)
    incidents = Incident.objects.filter(
        area__path__startswith=area.path, occurred_at__gte=start, occurred_at__lt=end
    )
    return {
        "incidents": incidents.count(),
        "by_class": dict(incidents.values_list("emergency_class").annotate(n=Count("id")).order_by()),
        "by_grade": dict(incidents.values_list("grade").annotate(n=Count("id")).order_by()),
        "drills": Drill.objects.filter(
            area__path__startswith=area.path, status=DrillStatus.CONDUCTED, date__range=(first, last)
        ).count(),
        "reviews_overdue": overdue_reviews(
            last, Plan.objects.filter(area__path__startswith=area.path)
        ).count(),
    }


def referral_figures(area: Area, month: dt.date) -> dict:
    """转介 sent in the month for matters of the area, by service kind: sent, and by the month's end accepted,
    declined and with an outcome (care.figures)."""
    from anju.care import figures as care_figures
    from anju.care.models import Referral

    first, last = month_bounds(month)
    start, end = local_range(first, last)
    sent = Referral.objects.filter(
        matter__area__path__startswith=area.path, sent_at__gte=start, sent_at__lt=end
    )
    rows = care_figures.by_kind(sent, until=last)
    return {"by_kind": rows, "totals": care_figures.totals(rows)}


def follow_up_figures(area: Area, month: dt.date) -> dict:
    """回访 in the month: the staff's records and the citizens' own ratings, apart (intake.satisfaction)."""
    from anju.intake import satisfaction

    first, last = month_bounds(month)
    return satisfaction.figures(Matter.objects.filter(area__path__startswith=area.path), first, last)


def screening_completeness(area: Area, month: dt.date) -> dict | None:
    """Returns due within the month in the area: how many were filed, and how many late."""
    from anju.screening.models import Return

    first, last = month_bounds(month)
    returns = Return.objects.filter(area__path__startswith=area.path, round__due_date__range=(first, last))
    expected = returns.count()
    if not expected:
        return None
    filed = returns.filter(filed_at__isnull=False).count()
    return {
        "expected": expected,
        "filed": filed,
        "late": returns.filter(late=True).count(),
        "rate": round(100 * filed / expected, 1),
    }


def assessment_coverage(area: Area, month: dt.date) -> dict | None:
    """稳评 items whose decision fell due in the month: how many were assessed before the decision (应评尽评)."""
    from anju.assessment.models.items import AssessmentItem, Coverage

    first, last = month_bounds(month)
    items = list(
        AssessmentItem.objects.filter(area__path__startswith=area.path).filter(
            Q(decided_on__range=(first, last))
            | Q(decided_on__isnull=True, planned_decision_date__range=(first, last))
        )
    )
    if not items:
        return None
    done = sum(item.coverage(last) == Coverage.ASSESSED for item in items)
    return {"due": len(items), "done": done, "rate": round(100 * done / len(items), 1)}


def commentary(current: dict, previous: dict, last_year: dict) -> list[str]:
    """A short trend commentary built only from the figures, in the active language."""
    lines = []
    english = (get_language() or "").startswith("en")
    now, before, year_ago = current["totals"]["new"], previous["totals"]["new"], last_year["totals"]["new"]

    def name(row: dict) -> str:
        return (row.get("name_en") or row["name"]) if english else row["name"]

    def change(a: int, b: int) -> str:
        if b == 0:
            return _("持平") if a == 0 else _("增加 %(n)s 件") % {"n": a}
        pct = (a - b) / b * 100
        if abs(pct) < 0.5:
            return _("持平")
        return (
            _("上升 %(p)s%%") % {"p": f"{pct:.1f}"} if pct > 0 else _("下降 %(p)s%%") % {"p": f"{-pct:.1f}"}
        )

    lines.append(
        _("本月新增事项 %(n)s 件，环比%(mom)s，同比%(yoy)s。")
        % {"n": now, "mom": change(now, before), "yoy": change(now, year_ago)}
    )
    prev_by = {row["name"]: row["new"] for row in previous["by_domain"]}
    rising = sorted(
        ((row["new"] - prev_by.get(row["name"], 0), name(row), row["new"]) for row in current["by_domain"]),
        reverse=True,
    )
    rising = [r for r in rising if r[0] >= 2][:3]
    if rising:
        lines.append(
            _("增幅较大的领域：%(list)s。")
            % {
                "list": _("；").join(
                    _("%(name)s（%(n)s 件，较上月增加 %(d)s 件）") % {"name": nm, "n": n, "d": d}
                    for d, nm, n in rising
                )
            }
        )
    top = sorted(current["by_domain"], key=lambda r: -r["new"])[:3]
    if top and top[0]["new"]:
        lines.append(
            _("新增事项集中在：%(list)s。")
            % {
                "list": _("、").join(
                    _("%(name)s（%(n)s 件）") % {"name": name(r), "n": r["new"]} for r in top if r["new"]
                )
            }
        )
    if current["totals"]["overdue"]:
        lines.append(_("月末仍有超期事项 %(n)s 件，需加强督办。") % {"n": current["totals"]["overdue"]})
    if current["grassroots_rate"] is not None:
        lines.append(
            _("本月化解 %(n)s 件，其中 %(p)s%% 在基层化解、未上报。")
            % {"n": current["totals"]["resolved"], "p": current["grassroots_rate"]}
        )
    hot = sorted(current["by_area"], key=lambda r: -r["new"])[:1]
    if hot and hot[0]["new"] >= 3:
        lines.append(_("新增最多的是%(name)s（%(n)s 件）。") % {"name": hot[0]["name"], "n": hot[0]["new"]})
    return lines


def _commentaries(current: dict, previous: dict, last_year: dict) -> dict:
    with override("zh-hans"):
        chinese = commentary(current, previous, last_year)
    with override("en"):
        english = commentary(current, previous, last_year)
    return {"commentary": chinese, "commentary_en": english}


@contextmanager
def _without_jit():
    """PostgreSQL compiles a statement to machine code (JIT) when its estimated cost is high, as every
    whole-ledger count here is at 100,000 matters and more: 1–4 s of compiling for statements that then
    run in tens of milliseconds. Off for the figures, on the connection they are read from (the read replica
    when one is configured: no transaction is opened, which would send the reads to the primary)."""
    connection = connections[router.db_for_read(Matter) or DEFAULT_DB_ALIAS]
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET jit = off")
    try:
        yield
    finally:
        try:
            with connection.cursor() as cursor:
                cursor.execute("RESET jit")
        except DatabaseError:  # an aborted transaction undoes the SET when it is rolled back
            pass


def compute(area: Area, month: dt.date, unit=None) -> dict:
    with _without_jit():
        return _compute(area, month, unit)


def _compute(area: Area, month: dt.date, unit=None) -> dict:
    current = counts(area, month, unit)
    previous = counts(area, previous_month(month), unit)
    last_year = counts(area, month.replace(year=month.year - 1, day=1), unit)
    return {
        **current,
        "area": area.full_name(),
        "month": month.strftime("%Y-%m"),
        "previous_new": previous["totals"]["new"],
        "last_year_new": last_year["totals"]["new"],
        "grey_rhino": grey_rhinos(area, month),
        "warnings": warnings_issued(area, month),
        "screening": screening_completeness(area, month),
        "assessment": assessment_coverage(area, month),
        "emergency": emergency_figures(area, month),
        "referrals": referral_figures(area, month),
        "follow_up": follow_up_figures(area, month),
        # stored in both languages: the report is read later by people of either
        **_commentaries(current, previous, last_year),
        "by_unit": by_unit(area, month),
        "by_leader": by_leader(area, month),
    }


def by_unit(area: Area, month: dt.date) -> list[dict]:
    """Per responsible unit, the month's figures of ``matters.unit_figures`` (window: the month)."""
    first, last = month_bounds(month)
    matters = Matter.objects.filter(area__path__startswith=area.path)
    return unit_figures(matters, since=first, as_of=last, area_ids=_area_ids(area))


def by_leader(area: Area, month: dt.date) -> list[dict]:
    """Per 包案领导, the month's figures of ``matters.unit_figures`` (window: the month)."""
    first, last = month_bounds(month)
    matters = Matter.objects.filter(area__path__startswith=area.path)
    return leader_figures(matters, since=first, as_of=last, area_ids=_area_ids(area))


def _area_ids(area: Area) -> list[int]:
    return list(Area.objects.filter(path__startswith=area.path).values_list("pk", flat=True))
