"""A case (专案) groups matters across villages and domains under one lead unit."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anju.core.concurrency import Versioned
from anju.core.models import Area, Unit, User


class CaseKind(models.TextChoices):
    GENERAL = "general", _("专案")
    MASS = "mass", _("群体性事件")
    FRAUD = "fraud", _("涉众型经济案件")


class CaseStatus(models.TextChoices):
    OPEN = "open", _("办理中")
    CLOSED = "closed", _("已结案")


class Case(Versioned):
    """Internal: every text of a case is for staff; nothing here is shown to citizens."""

    code = models.CharField(_("专案编号"), max_length=20, unique=True)
    title = models.CharField(_("专案名称"), max_length=200)
    kind = models.CharField(_("类型"), max_length=20, choices=CaseKind.choices, default=CaseKind.GENERAL)
    # The area the case is held at: the lowest area covering all its matters (a town, or the county).
    area = models.ForeignKey(Area, verbose_name=_("所属区域"), on_delete=models.PROTECT, related_name="+")
    lead_unit = models.ForeignKey(
        Unit, verbose_name=_("牵头单位"), on_delete=models.PROTECT, related_name="+"
    )
    lead_leader = models.ForeignKey(
        User,
        verbose_name=_("包案领导"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    summary = models.TextField(_("案情概要"), blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True)
    closing_note = models.TextField(_("结案说明"), blank=True)
    created_by = models.ForeignKey(User, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    scope_area_field = "area"
    scope_unit_field = "lead_unit"

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("专案")
        verbose_name_plural = _("专案")

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class CaseMatter(models.Model):
    """A matter's membership of a case, with why it was added."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="memberships")
    matter = models.ForeignKey("matters.Matter", on_delete=models.PROTECT, related_name="case_memberships")
    reason = models.CharField(_("纳入理由"), max_length=200, blank=True)
    added_by = models.ForeignKey(User, null=True, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    scope_area_field = "case__area"

    class Meta:
        ordering = ["added_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["case", "matter"], name="case_matter_once")]
        verbose_name = _("专案事项")
        verbose_name_plural = _("专案事项")
