"""The overview's (态势) aggregates of the matter ledger, kept up to date by ``dashboard.rollup``.

``MatterFact`` holds, per matter, what the aggregates last counted of it (its area, domain, local dates,
status, level …); the count tables hold the sums. A refresh re-reads the matters changed since its
high-water mark (``RollupMark``), compares each with its fact row and moves the difference into the counts,
so a refresh costs what changed, not the size of the ledger. ``anju rollup-rebuild`` recomputes everything.

Each count row belongs to the matter's own area (``area``, whatever its level): a user's figures are the rows
of their area subtree (``scope_area_field``), joined to the few hundred areas, never to the ledger.
Local dates are Asia/Shanghai (``settings.TIME_ZONE``), as the direct figures count them.
"""

from __future__ import annotations

from django.db import models

from anju.core.models import Area, Domain


class MatterFact(models.Model):
    """What the counts hold of one matter (written only by ``dashboard.rollup``)."""

    # no database constraint: a deleted matter's fact stays until a rebuild, so its counts are not lost halfway
    matter = models.OneToOneField(
        "matters.Matter",
        primary_key=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    area = models.ForeignKey(Area, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    domain_id = models.IntegerField()
    week = models.DateField()  # the Monday of the local date of occurrence
    registered_on = models.DateField()
    resolved_on = models.DateField(null=True)
    status = models.CharField(max_length=20)
    level = models.CharField(max_length=10, blank=True)  # residual, else inherent, else ""
    escalated = models.BooleanField()  # ever 上报 (an "escalated" timeline entry)
    unit_id = models.IntegerField(null=True)
    leader_id = models.IntegerField(null=True)
    deadline = models.DateField(null=True)

    scope_area_field = "area"


class WeekCount(models.Model):
    """Matters by area, domain and week of occurrence (the trends)."""

    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="+")
    domain = models.ForeignKey(Domain, on_delete=models.CASCADE, related_name="+")
    week = models.DateField()
    n = models.IntegerField(default=0)

    scope_area_field = "area"

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["area", "domain", "week"], name="dashboard_weekcount_key")
        ]


class DayCount(models.Model):
    """Matters registered (``kind="registered"``) or resolved (``"resolved"``) per area and local day."""

    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10)
    day = models.DateField()
    n = models.IntegerField(default=0)

    scope_area_field = "area"

    class Meta:
        constraints = [models.UniqueConstraint(fields=["area", "kind", "day"], name="dashboard_daycount_key")]
        indexes = [models.Index(fields=["kind", "day"], name="dashboard_daycount_day")]


class StatusCount(models.Model):
    """Matters by area, status and whether they were ever escalated (rates of the key figures)."""

    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=20)
    escalated = models.BooleanField()
    n = models.IntegerField(default=0)

    scope_area_field = "area"

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["area", "status", "escalated"], name="dashboard_statuscount_key")
        ]


class UnitCount(models.Model):
    """The figures per responsible unit and 包案领导 (``matters.unit_figures`` over the whole ledger): the
    counted matters (not merged or rejected) with a unit or a leader. A resolved matter is counted by whether
    it was escalated and resolved on time; an unresolved one by its level and deadline (overdue is read
    against today's date)."""

    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="+")
    unit_id = models.IntegerField(null=True)
    leader_id = models.IntegerField(null=True)
    resolved = models.BooleanField()
    escalated = models.BooleanField()
    with_deadline = models.BooleanField()
    on_time = models.BooleanField()
    level = models.CharField(max_length=10, blank=True)  # unresolved only; "unassessed" when ungraded
    deadline = models.DateField(null=True)  # unresolved only
    n = models.IntegerField(default=0)

    scope_area_field = "area"

    class Meta:
        # no unique key: its columns may be null; the one refresh at a time (the mark's row lock) keeps
        # one row per combination
        indexes = [models.Index(fields=["area", "unit_id"], name="dashboard_unitcount_area")]


class RollupMark(models.Model):
    """The one row saying how far the counts have read the ledger."""

    # the last matter read, by (updated_at, id): the next refresh starts a safety margin before it, so that
    # a transaction committing late is still read; while catching up (``behind``) it starts right after it
    seen_updated_at = models.DateTimeField(null=True)
    seen_id = models.BigIntegerField(default=0)
    behind = models.BooleanField(default=False)
    # when the counts were last complete: what the overview shows as 数据截至
    as_of = models.DateTimeField(null=True)
    built_at = models.DateTimeField(null=True)  # the last full rebuild
