"""Review (审核, e.g. the legality review 合法性审查) of an issued report, before the collective decision."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ReviewConclusion(models.TextChoices):
    PASS = "pass", _("审核通过，提交决策")
    REVISE = "revise", _("退回补充完善")


class Review(models.Model):
    assessment = models.ForeignKey("assessment.Assessment", on_delete=models.CASCADE, related_name="reviews")
    report_number = models.CharField(_("所审报告"), max_length=40)
    conclusion = models.CharField(_("审核结论"), max_length=20, choices=ReviewConclusion.choices)
    opinion = models.TextField(_("审核意见"))
    reviewed_on = models.DateField(_("审核日期"))
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    scope_area_field = "assessment__item__area"

    class Meta:
        ordering = ["recorded_at", "id"]
        verbose_name = _("审核")
