"""Care plans (关爱计划): one party of a matter looked after by a care person, with planned visits; and need
markers (需求标记), which say what help a party may need — never a risk about them — and live no longer than
the care. Everything here belongs to a matter's party: no person exists here apart from a matter."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anju.core.concurrency import Versioned
from anju.matters.models import MatterParty


class PlanStatus(models.TextChoices):
    ACTIVE = "active", _("关爱中")
    CLOSED = "closed", _("已结束")


class CarePlan(Versioned, models.Model):
    """A party of a matter looked after by one care person, until the matter has been archived for
    ``ANJU_CARE_AFTER_ARCHIVE_DAYS`` days or the care person closes it with a reason."""

    party = models.ForeignKey(
        MatterParty, verbose_name=_("当事人"), on_delete=models.CASCADE, related_name="care_plans"
    )
    care_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("关爱责任人"),
        on_delete=models.PROTECT,
        related_name="care_plans",
    )
    reason = models.TextField(_("关爱原因"))  # internal
    status = models.CharField(
        _("状态"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.ACTIVE, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("建立时间"), default=timezone.now)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    close_reason = models.TextField(_("结束原因"), blank=True)  # internal

    scope_area_field = "party__matter__area"
    scope_matter_field = "party__matter"

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("关爱计划")
        verbose_name_plural = _("关爱计划")
        constraints = [
            models.UniqueConstraint(
                fields=["party"], condition=Q(status="active"), name="care_one_active_plan_per_party"
            )
        ]

    def __str__(self) -> str:
        return f"{self.party.matter.number} · {self.party}"

    @property
    def matter(self):
        return self.party.matter

    @property
    def scope_area(self):
        return self.party.matter.area

    @property
    def is_active(self) -> bool:
        return self.status == PlanStatus.ACTIVE


class VisitKind(models.TextChoices):
    VISIT = "visit", _("走访")
    FOLLOW_UP = "follow_up", _("回访")


class CareVisit(models.Model):
    """One planned visit of a care plan; done when its date and note are recorded. Repeatable."""

    plan = models.ForeignKey(
        CarePlan, verbose_name=_("关爱计划"), on_delete=models.CASCADE, related_name="visits"
    )
    kind = models.CharField(_("方式"), max_length=10, choices=VisitKind.choices, default=VisitKind.VISIT)
    planned_on = models.DateField(_("计划日期"), db_index=True)
    done_on = models.DateField(_("完成日期"), null=True, blank=True)
    note = models.TextField(_("情况记录"), blank=True)  # internal
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    scope_area_field = "plan__party__matter__area"
    scope_matter_field = "plan__party__matter"

    class Meta:
        ordering = ["planned_on", "id"]
        verbose_name = _("关爱走访")
        verbose_name_plural = _("关爱走访")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.planned_on:%Y-%m-%d}"

    @property
    def scope_area(self):
        return self.plan.party.matter.area

    @property
    def is_done(self) -> bool:
        return self.done_on is not None


class Need(models.TextChoices):
    ELDERLY = "elderly", _("老年")
    DISABILITY = "disability", _("残疾")
    HARDSHIP = "hardship", _("困难家庭")
    MIGRANT_WORKER = "migrant_worker", _("外来务工")
    MINOR = "minor", _("未成年")
    COUNSELLING = "counselling", _("心理疏导需求")


class NeedMarker(models.Model):
    """A need of one party of one matter, to plan care and referrals: seen only by those who may reveal the
    party, removed by the retention job once no care plan keeps it (``care.actions.retention``)."""

    party = models.ForeignKey(
        MatterParty, verbose_name=_("当事人"), on_delete=models.CASCADE, related_name="needs"
    )
    need = models.CharField(_("需求"), max_length=20, choices=Need.choices)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(_("标记时间"), default=timezone.now)

    scope_area_field = "party__matter__area"
    scope_matter_field = "party__matter"

    class Meta:
        ordering = ["party", "need"]
        verbose_name = _("需求标记")
        verbose_name_plural = _("需求标记")
        constraints = [models.UniqueConstraint(fields=["party", "need"], name="care_one_marker_per_need")]

    def __str__(self) -> str:
        return str(self.get_need_display())

    @property
    def scope_area(self):
        return self.party.matter.area
