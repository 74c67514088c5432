"""Early-warning signals: weekly counts of matters per (village, domain) watched by surveillance methods."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anju.core.models import Area, Domain


class Method(models.TextChoices):
    FARRINGTON_FLEXIBLE = "farrington_flexible", _("改进 Farrington（Noufaily 2013）")
    FARRINGTON = "farrington", _("Farrington（1996）")
    EARS_C1 = "ears_c1", _("EARS C1")
    EARS_C2 = "ears_c2", _("EARS C2")
    EARS_C3 = "ears_c3", _("EARS C3")


class DomainDetection(models.Model):
    """The method (and R-named controls) configured for one domain; domains without one use the default."""

    domain = models.OneToOneField(Domain, on_delete=models.CASCADE, related_name="detection")
    method = models.CharField(
        _("监测方法"), max_length=30, choices=Method.choices, default=Method.FARRINGTON_FLEXIBLE
    )
    controls = models.JSONField(_("参数"), default=dict, blank=True)

    class Meta:
        verbose_name = _("领域监测配置")


class SignalScan(models.Model):
    """One run of the weekly scan (by cron, the scheduler or a person)."""

    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    first_week = models.DateField(_("评估起始周"))
    last_week = models.DateField(_("评估截止周"))
    series_count = models.PositiveIntegerField(default=0)
    points_evaluated = models.PositiveIntegerField(default=0)
    alarm_count = models.PositiveIntegerField(default=0)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-started_at", "-id"]


class Signal(models.Model):
    """The evaluation of one (area, domain) series in one ISO week."""

    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="signals")
    domain = models.ForeignKey(Domain, on_delete=models.CASCADE, related_name="signals")
    week = models.DateField(_("周（周一）"), db_index=True)
    method = models.CharField(max_length=30, choices=Method.choices)
    observed = models.PositiveIntegerField(_("本周件数"))
    expected = models.FloatField(_("预期"), null=True, blank=True)
    upperbound = models.FloatField(_("预警阈值"), null=True, blank=True)
    score = models.FloatField(null=True, blank=True)
    alarm = models.BooleanField(_("报警"), default=False, db_index=True)
    status = models.CharField(_("评估状态"), max_length=30, default="ok")
    scan = models.ForeignKey(
        SignalScan, on_delete=models.SET_NULL, null=True, blank=True, related_name="signals"
    )

    scope_area_field = "area"

    class Meta:
        ordering = ["-week", "area__path", "domain__sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["area", "domain", "week"], name="signal_unique_series_week"),
        ]
        indexes = [models.Index(fields=["area", "domain", "week"])]

    @property
    def iso_label(self) -> str:
        year, week, _ = self.week.isocalendar()
        return f"{year}-W{week:02d}"
