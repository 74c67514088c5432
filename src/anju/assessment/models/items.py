"""The register of items that must be assessed (评估事项, 应评尽评) and their coverage status."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anju.core.models import Area, Domain, Unit


class ItemCategory(models.TextChoices):
    POLICY = "policy", _("重大政策制定和调整")
    PROJECT = "project", _("重大项目实施")
    EVENT = "event", _("重大活动举办")
    CASE = "case", _("重大案件办理")
    PETITION = "petition", _("突出信访问题")


class Coverage(models.TextChoices):
    """Where an item stands against 应评尽评. Computed, never stored."""

    ASSESSED = "assessed", _("已评估决策")
    REPORTED = "reported", _("报告已出待决策")
    IN_PROGRESS = "in_progress", _("评估中")
    NOT_STARTED = "not_started", _("未启动")
    OVERDUE = "overdue", _("逾期未评")
    DECIDED_UNASSESSED = "decided_unassessed", _("未评先决")


FLAGGED = frozenset({Coverage.OVERDUE, Coverage.DECIDED_UNASSESSED})


class AssessmentItem(models.Model):
    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    title = models.CharField(_("事项名称"), max_length=200)
    category = models.CharField(_("事项类别"), max_length=20, choices=ItemCategory.choices)
    description = models.TextField(_("事项概况"))
    sponsor_unit = models.ForeignKey(
        Unit,
        verbose_name=_("决策提出（承办）单位"),
        on_delete=models.PROTECT,
        related_name="assessment_items",
    )
    # The area that owns the item (scope); affected areas may be several villages under it.
    area = models.ForeignKey(
        Area, verbose_name=_("所属区域"), on_delete=models.PROTECT, related_name="assessment_items"
    )
    affected_areas = models.ManyToManyField(Area, verbose_name=_("涉及区域"), related_name="+")
    domains = models.ManyToManyField(Domain, verbose_name=_("涉及领域"), related_name="+", blank=True)
    people_affected = models.PositiveIntegerField(_("预计涉及人数"), default=0)
    planned_decision_date = models.DateField(_("计划决策日期"))
    # Set by the decision action, or recorded for an item decided without (or before) an assessment.
    decided_on = models.DateField(_("实际决策日期"), null=True, blank=True)
    decided_note = models.TextField(_("决策情况说明"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    is_demo = models.BooleanField(default=False)

    scope_area_field = "area"

    class Meta:
        ordering = ["-year", "planned_decision_date", "id"]
        verbose_name = _("评估事项")
        verbose_name_plural = _("评估事项")

    def __str__(self) -> str:
        return f"{self.year} {self.title}"

    def _revisions(self) -> list:
        # Works from ``prefetch_related("assessments__decision")`` on list pages (no query per row).
        return sorted(self.assessments.all(), key=lambda a: -a.revision)

    @property
    def current_assessment(self):
        revisions = self._revisions()
        return revisions[0] if revisions else None

    @property
    def decided_assessment(self):
        return next((a for a in self._revisions() if hasattr(a, "decision")), None)

    @property
    def report_date(self) -> dt.date | None:
        assessment = self.decided_assessment or self.current_assessment
        return assessment.report_issued_on if assessment else None

    @property
    def report_late(self) -> bool:
        """The report came after the planned decision date (assessed, but not ahead of time as planned)."""
        return bool(self.report_date and self.report_date > self.planned_decision_date)

    def coverage(self, today: dt.date | None = None) -> str:
        today = today or timezone.localdate()
        decided = self.decided_assessment
        if decided is not None:
            return Coverage.ASSESSED
        current = self.current_assessment
        report_date = current.report_issued_on if current else None
        if self.decided_on is not None:
            # Decided outside the workflow: covered only if a report existed by the decision date.
            return (
                Coverage.ASSESSED
                if report_date and report_date <= self.decided_on
                else Coverage.DECIDED_UNASSESSED
            )
        if report_date is not None:
            return Coverage.REPORTED
        if self.planned_decision_date < today:
            return Coverage.OVERDUE
        return Coverage.IN_PROGRESS if current else Coverage.NOT_STARTED

    def coverage_label(self, today: dt.date | None = None) -> str:
        return str(Coverage(self.coverage(today)).label)

    def is_flagged(self, today: dt.date | None = None) -> bool:
        return self.coverage(today) in FLAGGED
