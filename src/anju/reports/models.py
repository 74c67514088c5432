"""Monthly reports (信息报送): a snapshot of an area's (or a department unit's) figures for a month, with the
free-text sections the town plan asks for, and its submission upward; and progress reports (工作进展报送)
between months."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anju.core.concurrency import Versioned
from anju.core.models import Area, Unit


class MonthlyReport(Versioned):
    area = models.ForeignKey(
        Area, verbose_name=_("报送区域"), on_delete=models.PROTECT, related_name="monthly_reports"
    )
    # a department unit's own report (镇直单位, settings.ANJU_UNIT_MONTHLY_REPORTS); empty for an area's
    unit = models.ForeignKey(
        Unit, verbose_name=_("报送单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    month = models.DateField(_("月份"))  # first day of the month
    figures = models.JSONField(_("数据"), default=dict)
    # the sections written by hand next to the computed figures, editable until submitted
    special_actions = models.TextField(_("专项行动开展情况"), blank=True)
    survey_work = models.TextField(_("摸排调研工作情况"), blank=True)
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
        ordering = ["-month", "area__path", "unit__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["area", "month"], condition=Q(unit__isnull=True), name="monthly_report_unique"
            ),
            models.UniqueConstraint(
                fields=["unit", "month"], condition=Q(unit__isnull=False), name="monthly_report_unit_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reporter_name} {self.month:%Y年%m月} 信息报送"

    @property
    def reporter_name(self) -> str:
        return self.unit.name if self.unit_id else self.area.name

    @property
    def submitted_late(self) -> bool:
        return bool(self.submitted_at and timezone.localtime(self.submitted_at).date() > self.due_date)


class ProgressReport(models.Model):
    """工作进展报送: a short report between months from a town (its centre) or a department unit to the level
    above (``to_area``: the county for a town, the town for its 镇直单位), read there."""

    area = models.ForeignKey(Area, verbose_name=_("报送区域"), on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(
        Unit, verbose_name=_("报送单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_area = models.ForeignKey(Area, verbose_name=_("报送对象"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("标题"), max_length=200)
    period_start = models.DateField(_("起始日期"))
    period_end = models.DateField(_("截止日期"))
    text = models.TextField(_("进展情况"))
    attachment = models.FileField(_("附件"), upload_to="progress/%Y/%m/", blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("报送人"), on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("报送时间"), default=timezone.now, db_index=True)
    read_at = models.DateTimeField(_("阅知时间"), null=True, blank=True)
    read_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("阅知人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    is_demo = models.BooleanField(default=False)

    scope_area_field = "area"

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("工作进展报送")
        verbose_name_plural = _("工作进展报送")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="progress_period_order"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def reporter_name(self) -> str:
        return self.unit.name if self.unit_id else self.area.name

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
