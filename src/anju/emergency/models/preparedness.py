"""Preparedness records added to plans, drills and stock: the yearly drill plan (年度演练计划) of an area,
stocktaking (盘点) of a material, and requisition (征用) of what units own during an incident with its
compensation (征用补偿)."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anju.core.concurrency import Versioned
from anju.core.models import Area, User
from anju.emergency.models.drills import Drill, DrillStatus
from anju.emergency.models.resources import Material


class DrillProgramme(models.Model):
    """An area's drill plan for one year; its items are the drills it promises, each by a target date."""

    area = models.ForeignKey(Area, verbose_name=_("区域"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"))
    created_by = models.ForeignKey(User, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    scope_area_field = "area"

    class Meta:
        ordering = ["-year", "area__path"]
        verbose_name = _("年度演练计划")
        verbose_name_plural = _("年度演练计划")
        constraints = [models.UniqueConstraint(fields=["area", "year"], name="one_drill_programme_per_year")]

    def __str__(self) -> str:
        return f"{self.area} {self.year}"


class ProgrammeItem(models.Model):
    """One drill of a yearly plan: its target date, and the drill (planned with it) that fulfils it."""

    programme = models.ForeignKey(DrillProgramme, on_delete=models.CASCADE, related_name="items")
    drill = models.OneToOneField(Drill, on_delete=models.PROTECT, related_name="programme_item")
    target_date = models.DateField(_("计划完成日期"))

    scope_area_field = "programme__area"

    class Meta:
        ordering = ["target_date", "pk"]
        verbose_name = _("计划演练")
        verbose_name_plural = _("计划演练")

    @property
    def conducted(self) -> bool:
        return self.drill.status == DrillStatus.CONDUCTED

    @property
    def on_time(self) -> bool:
        return self.conducted and self.drill.date <= self.target_date


class Stocktake(models.Model):
    """A count (盘点) of a material: the book quantity it found, what was counted, the difference."""

    material = models.ForeignKey(Material, on_delete=models.PROTECT, related_name="stocktakes")
    book_quantity = models.DecimalField(_("账面数量"), max_digits=12, decimal_places=2)
    counted_quantity = models.DecimalField(_("实盘数量"), max_digits=12, decimal_places=2)
    difference = models.DecimalField(_("差异"), max_digits=12, decimal_places=2)
    note = models.TextField(_("差异说明"), blank=True)
    counted_at = models.DateTimeField(_("盘点时间"), default=timezone.now)
    counted_by = models.ForeignKey(User, null=True, on_delete=models.PROTECT, related_name="+")

    scope_area_field = "material__area"

    class Meta:
        ordering = ["-counted_at", "-pk"]
        verbose_name = _("物资盘点")
        verbose_name_plural = _("物资盘点")


class OwnerCategory(models.TextChoices):
    PUBLIC = "public", _("机关事业单位")
    COMPANY = "company", _("企业")
    ORGANISATION = "organisation", _("社会组织")
    OTHER = "other", _("其他")


class ReturnState(models.TextChoices):
    IN_USE = "in_use", _("征用中")
    INTACT = "intact", _("完好归还")
    DAMAGED = "damaged", _("损坏归还")
    LOST = "lost", _("毁损灭失")


class Requisition(Versioned):
    """What was requisitioned (征用) from a unit or company for an incident, until when, in what state it came
    back, and the compensation paid for it."""

    incident = models.ForeignKey("emergency.Incident", on_delete=models.PROTECT, related_name="requisitions")
    what = models.CharField(_("征用财产"), max_length=200)
    owner = models.CharField(_("被征用单位"), max_length=200)
    owner_category = models.CharField(_("单位类别"), max_length=20, choices=OwnerCategory.choices)
    started_on = models.DateField(_("征用开始"))
    ended_on = models.DateField(_("征用结束"), null=True, blank=True)
    return_state = models.CharField(
        _("返还状态"), max_length=20, choices=ReturnState.choices, default=ReturnState.IN_USE
    )
    compensation = models.DecimalField(
        _("补偿金额（元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    paid_on = models.DateField(_("支付日期"), null=True, blank=True)
    created_by = models.ForeignKey(User, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    scope_area_field = "incident__area"

    class Meta:
        ordering = ["started_on", "pk"]
        verbose_name = _("应急征用")
        verbose_name_plural = _("应急征用")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(compensation__isnull=True) | models.Q(compensation__gte=Decimal(0)),
                name="requisition_compensation_not_negative",
            )
        ]

    def __str__(self) -> str:
        return f"{self.what}（{self.owner}）"


__all__ = [
    "DrillProgramme",
    "OwnerCategory",
    "ProgrammeItem",
    "Requisition",
    "ReturnState",
    "Stocktake",
]
