"""Monthly reports (信息报送): a snapshot of an area's figures for a month, and its submission upward."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anju.core.concurrency import Versioned
from anju.core.models import Area


class MonthlyReport(Versioned):
    area = models.ForeignKey(
        Area, verbose_name=_("报送区域"), on_delete=models.PROTECT, related_name="monthly_reports"
    )
    month = models.DateField(_("月份"))  # first day of the month
    figures = models.JSONField(_("数据"), default=dict)
    generated_at = models.DateTimeField(default=timezone.now)
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    due_date = models.DateField(_("报送截止"))

    scope_area_field = "area"

    class Meta:
        ordering = ["-month", "area__path"]
        constraints = [models.UniqueConstraint(fields=["area", "month"], name="monthly_report_unique")]

    def __str__(self) -> str:
        return f"{self.area.name} {self.month:%Y年%m月} 信息报送"

    @property
    def submitted_late(self) -> bool:
        return bool(self.submitted_at and timezone.localtime(self.submitted_at).date() > self.due_date)
