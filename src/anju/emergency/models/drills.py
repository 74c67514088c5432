"""Drills (应急演练): planned, then conducted; each finding becomes an improvement task."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anju.core.concurrency import Versioned
from anju.core.models import Area, Unit, User
from anju.emergency.models.plans import Plan


class DrillForm(models.TextChoices):
    TABLETOP = "tabletop", _("桌面推演")
    LIVE = "live", _("实战演练")


class DrillScope(models.TextChoices):
    SINGLE = "single", _("单项演练")
    COMPREHENSIVE = "comprehensive", _("综合演练")


class DrillStatus(models.TextChoices):
    PLANNED = "planned", _("计划中")
    CONDUCTED = "conducted", _("已实施")


class Drill(Versioned):
    area = models.ForeignKey(Area, verbose_name=_("区域"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("演练名称"), max_length=200)
    plan = models.ForeignKey(
        Plan,
        verbose_name=_("检验的预案"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="drills",
    )
    form = models.CharField(_("形式"), max_length=20, choices=DrillForm.choices, default=DrillForm.TABLETOP)
    scope = models.CharField(_("规模"), max_length=20, choices=DrillScope.choices, default=DrillScope.SINGLE)
    status = models.CharField(
        _("状态"), max_length=20, choices=DrillStatus.choices, default=DrillStatus.PLANNED
    )
    date = models.DateField(_("日期"))
    units = models.ManyToManyField(Unit, verbose_name=_("参演单位"), blank=True, related_name="+")
    scenario = models.TextField(_("演练情景"), blank=True)
    summary = models.TextField(_("演练总结"), blank=True)
    created_by = models.ForeignKey(User, null=True, on_delete=models.PROTECT, related_name="+")

    scope_area_field = "area"

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("应急演练")
        verbose_name_plural = _("应急演练")

    def __str__(self) -> str:
        return self.title


class DrillFinding(models.Model):
    """A problem a drill found; its improvement is an ``EmergencyTask``."""

    drill = models.ForeignKey(Drill, on_delete=models.CASCADE, related_name="findings")
    text = models.TextField(_("发现的问题"))
    needs_plan_revision = models.BooleanField(_("需修订预案"), default=False)
    created_at = models.DateTimeField(default=timezone.now)

    scope_area_field = "drill__area"

    class Meta:
        ordering = ["drill", "pk"]
        verbose_name = _("演练发现问题")
        verbose_name_plural = _("演练发现问题")
