"""Resources (应急资源): teams, materials (stock), shelters, and the dispatches (调拨) out of stock."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anju.core.concurrency import Versioned
from anju.core.models import Area, Unit, User


class Readiness(models.TextChoices):
    READY = "ready", _("随时可调")
    LIMITED = "limited", _("部分可调")
    UNAVAILABLE = "unavailable", _("暂不可调")


class Team(models.Model):
    area = models.ForeignKey(Area, verbose_name=_("区域"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("队伍名称"), max_length=100)
    unit = models.ForeignKey(
        Unit, verbose_name=_("所属单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    speciality = models.CharField(_("专业类别"), max_length=50)
    size = models.PositiveIntegerField(_("人数"))
    readiness = models.CharField(
        _("战备状态"), max_length=20, choices=Readiness.choices, default=Readiness.READY
    )

    scope_area_field = "area"

    class Meta:
        ordering = ["area__path", "name"]
        verbose_name = _("应急队伍")
        verbose_name_plural = _("应急队伍")

    def __str__(self) -> str:
        return self.name


class Material(Versioned):
    area = models.ForeignKey(Area, verbose_name=_("区域"), on_delete=models.PROTECT, related_name="+")
    category = models.CharField(_("物资类别"), max_length=50)
    item = models.CharField(_("物资名称"), max_length=100)
    quantity = models.DecimalField(
        _("库存数量"), max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal(0))]
    )
    measure = models.CharField(_("计量单位"), max_length=20)
    site = models.CharField(_("存放地点"), max_length=200)
    owner_unit = models.ForeignKey(
        Unit, verbose_name=_("管理单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    expires_on = models.DateField(_("有效期至"), null=True, blank=True)
    minimum = models.DecimalField(_("最低储备"), max_digits=12, decimal_places=2, default=Decimal(0))

    scope_area_field = "area"

    class Meta:
        ordering = ["area__path", "category", "item"]
        verbose_name = _("应急物资")
        verbose_name_plural = _("应急物资")
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gte=0), name="material_quantity_not_negative")
        ]

    def __str__(self) -> str:
        return f"{self.item}（{self.site}）"

    @property
    def is_low(self) -> bool:
        return self.quantity < self.minimum


class Shelter(models.Model):
    area = models.ForeignKey(Area, verbose_name=_("区域"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("避难场所"), max_length=100)
    capacity = models.PositiveIntegerField(_("可容纳人数"))
    location = models.CharField(_("位置"), max_length=200)

    scope_area_field = "area"

    class Meta:
        ordering = ["area__path", "name"]
        verbose_name = _("避难场所")
        verbose_name_plural = _("避难场所")

    def __str__(self) -> str:
        return self.name


class Dispatch(models.Model):
    """A dispatch (调拨) of a quantity out of a material's stock; what comes back is recorded on it."""

    material = models.ForeignKey(Material, on_delete=models.PROTECT, related_name="dispatches")
    incident = models.ForeignKey(
        "emergency.Incident", null=True, blank=True, on_delete=models.PROTECT, related_name="dispatches"
    )
    quantity = models.DecimalField(_("调拨数量"), max_digits=12, decimal_places=2)
    returned = models.DecimalField(_("已归还"), max_digits=12, decimal_places=2, default=Decimal(0))
    destination = models.CharField(_("调往"), max_length=200)
    dispatched_at = models.DateTimeField(_("调拨时间"), default=timezone.now)
    dispatched_by = models.ForeignKey(User, null=True, on_delete=models.PROTECT, related_name="+")

    scope_area_field = "material__area"

    class Meta:
        ordering = ["-dispatched_at", "-pk"]
        verbose_name = _("物资调拨")
        verbose_name_plural = _("物资调拨")

    @property
    def outstanding(self) -> Decimal:
        return self.quantity - self.returned
