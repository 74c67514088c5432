"""Buffer measures (隔离缓冲): what is done to keep a case's or a crossing's risk from spreading further."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anju.core.concurrency import Versioned
from anju.core.models import Area, Domain, Unit, User


class BufferKind(models.TextChoices):
    OPINION_GUIDANCE = "opinion_guidance", _("舆情引导")
    DEDICATED_RECEPTION = "dedicated_reception", _("专人接待")
    SEPARATE_CHANNEL = "separate_channel", _("分开处置通道")
    OTHER = "other", _("其他")


class BufferStatus(models.TextChoices):
    ACTIVE = "active", _("实施中")
    ENDED = "ended", _("已结束")


class BufferMeasure(Versioned):
    """A measure on a case (its crossings), or on a crossing of one domain pair within an area (the pair's
    crossings there). Internal: every text is for staff."""

    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("专案"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="buffer_measures",
    )
    # the crossing it stands between: from one domain into another (with a case: optional, narrows it)
    from_domain = models.ForeignKey(
        Domain, verbose_name=_("来源领域"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_domain = models.ForeignKey(
        Domain, verbose_name=_("传导领域"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # the case's area for a case's measure; for a crossing, the area whose crossings it watches
    area = models.ForeignKey(Area, verbose_name=_("区域"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("措施类型"), max_length=30, choices=BufferKind.choices)
    content = models.CharField(_("措施内容"), max_length=300)
    owner_unit = models.ForeignKey(
        Unit, verbose_name=_("责任单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    owner_user = models.ForeignKey(
        User, verbose_name=_("责任人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(_("开始时间"))
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=BufferStatus.choices, default=BufferStatus.ACTIVE
    )
    note = models.TextField(_("备注"), blank=True)
    end_note = models.TextField(_("结束说明"), blank=True)
    created_by = models.ForeignKey(User, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    scope_area_field = "area"
    scope_unit_field = "owner_unit"

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("隔离缓冲措施")
        verbose_name_plural = _("隔离缓冲措施")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(case__isnull=False)
                | models.Q(from_domain__isnull=False, to_domain__isnull=False),
                name="buffer_case_or_pair",
            ),
            models.CheckConstraint(
                condition=models.Q(owner_unit__isnull=False) | models.Q(owner_user__isnull=False),
                name="buffer_has_owner",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.content}"

    @property
    def is_active(self) -> bool:
        return self.status == BufferStatus.ACTIVE
