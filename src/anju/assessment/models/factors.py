"""Risk factors by dimension, scored on the foundation risk matrix before and after measures."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anju.assessment.models.assessment import Dimension
from anju.core.models import Unit
from anju.matters.risk import LEVEL_CHOICES


class RiskFactor(models.Model):
    assessment = models.ForeignKey("assessment.Assessment", on_delete=models.CASCADE, related_name="factors")
    dimension = models.CharField(_("维度"), max_length=20, choices=Dimension.choices)
    title = models.CharField(_("风险因素"), max_length=200)
    description = models.TextField(_("风险描述"))
    likelihood = models.PositiveSmallIntegerField(_("可能性"))
    impact = models.PositiveSmallIntegerField(_("影响程度"))
    level_before = models.CharField(_("措施前等级"), max_length=10, choices=LEVEL_CHOICES)
    people_involved = models.PositiveIntegerField(_("可能涉及人数"), default=0)
    likelihood_after = models.PositiveSmallIntegerField(_("措施后可能性"), null=True, blank=True)
    impact_after = models.PositiveSmallIntegerField(_("措施后影响程度"), null=True, blank=True)
    level_after = models.CharField(_("措施后等级"), max_length=10, choices=LEVEL_CHOICES, blank=True)
    matrix_version = models.CharField(_("矩阵版本"), max_length=50, blank=True)

    scope_area_field = "assessment__item__area"

    class Meta:
        ordering = ["dimension", "id"]
        verbose_name = _("风险因素")

    def __str__(self) -> str:
        return self.title


class Measure(models.Model):
    factor = models.ForeignKey(RiskFactor, on_delete=models.CASCADE, related_name="measures")
    description = models.TextField(_("防范化解措施"))
    owner_unit = models.ForeignKey(
        Unit, verbose_name=_("责任单位"), on_delete=models.PROTECT, related_name="+"
    )
    owner_person = models.CharField(_("责任人"), max_length=50, blank=True)
    due_on = models.DateField(_("完成时限"))
    created_at = models.DateTimeField(default=timezone.now)

    scope_area_field = "factor__assessment__item__area"
    scope_unit_field = "owner_unit"  # the responsible unit sees its measure, whatever the item's area

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("防范化解措施")

    def __str__(self) -> str:
        return self.description[:60]
