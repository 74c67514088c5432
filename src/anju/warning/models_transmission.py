"""风险传导: the endemic–epidemic model fitted to a county's village × domain weekly counts, summarised for the
county and for each of its towns (one row per area, replaced at each refit; docs/transmission.md)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from anju.core.models import Area

REFIT_DAYS = 7  # the nightly job refits a county whose stored fit is this old


class TransmissionFit(models.Model):
    area = models.OneToOneField(
        Area, verbose_name=_("区域"), on_delete=models.CASCADE, related_name="transmission_fit"
    )
    county = models.ForeignKey(Area, verbose_name=_("所属县"), on_delete=models.CASCADE, related_name="+")
    fitted_at = models.DateTimeField(_("计算时间"))
    fitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    first_week = models.DateField(_("起始周"))
    last_week = models.DateField(_("截止周"))
    weeks = models.PositiveIntegerField(_("周数"))
    series_count = models.PositiveIntegerField(_("序列数"))
    duration_ms = models.PositiveIntegerField(default=0)
    # weeks, domains (shares, weekly parts, spreading weeks), couplings, coefficients, projection
    result = models.JSONField(default=dict)

    scope_area_field = "area"

    class Meta:
        ordering = ["area__path"]
        verbose_name = _("风险传导模型")

    def __str__(self) -> str:
        return f"{self.area.name} {self.last_week}"
