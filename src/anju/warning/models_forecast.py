"""Stored forecasts: one run per county (fit, skill) and its series rows (town × domain, county totals).

The run is the county's; its rows carry their own area, so ``core.scoping.scoped`` shows a town's user the
rows of its town only. Written only by ``actions.run_forecast``; see docs/forecasts.md."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anju.core.models import Area, Domain


class ForecastRun(models.Model):
    """One nightly forecast of a county: 1..``horizon`` weeks after ``origin_week``."""

    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="forecast_runs")
    computed_at = models.DateTimeField(_("计算时间"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    origin_week = models.DateField(_("预测起点周（周一）"))
    horizon = models.PositiveSmallIntegerField(_("预测周数"), default=4)
    refitted = models.BooleanField(_("本次重新拟合"), default=False)
    fitted_at = models.DateTimeField(_("模型拟合时间"))
    # parameters of the fit (names, coefficients, series, first week) so that a night without refit reuses them
    fit = models.JSONField(default=dict)
    # rolling-origin evaluation (forecast_eval.Evaluation.summary), or {"reason": ...} when there was none
    skill = models.JSONField(default=dict)
    duration_ms = models.PositiveIntegerField(default=0)

    scope_area_field = "area"

    class Meta:
        ordering = ["-computed_at", "-id"]
        verbose_name = _("预测")

    def __str__(self) -> str:
        return f"{self.area.name} {self.origin_week:%Y-%m-%d}"


class ForecastSeries(models.Model):
    """The forecast of one domain in one town (or, with the county as area, the county's total)."""

    run = models.ForeignKey(ForecastRun, on_delete=models.CASCADE, related_name="series")
    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="+")
    domain = models.ForeignKey(Domain, on_delete=models.CASCADE, related_name="+")
    weeks = models.JSONField(default=list)  # the Mondays of the forecast weeks, ISO dates
    quantiles = models.JSONField(default=list)  # per week [5 %, 25 %, 50 %, 75 %, 95 %]
    mean = models.JSONField(default=list)  # per week
    recent = models.JSONField(default=list)  # observed counts of the 8 weeks up to the origin
    expected_total = models.FloatField(default=0.0)  # sum of the weekly means: orders the panel

    scope_area_field = "area"

    class Meta:
        ordering = ["area__path", "-expected_total"]
        indexes = [models.Index(fields=["run", "area"])]
